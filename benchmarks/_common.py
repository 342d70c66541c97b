"""Shared helpers for the benchmark scripts: BLAS thread pinning and robust timing.

Import this module BEFORE numpy or torch: :func:`pin_threads` sets the thread-count
environment variables, which BLAS libraries read only when they are loaded.
"""
from __future__ import annotations

import os
import statistics
import sys
import time
from typing import Callable

_THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")


def pin_threads(n: int = 1) -> None:
    """Force ``n`` BLAS/OpenMP threads (must run before numpy/torch are imported)."""
    loaded = [m for m in ("numpy", "torch") if m in sys.modules]
    if loaded:
        if all(os.environ.get(var) == str(n) for var in _THREAD_VARS):
            return                      # already pinned (a benchmark importing another one)
        raise RuntimeError(f"pin_threads must run before importing {', '.join(loaded)}")
    for var in _THREAD_VARS:
        os.environ[var] = str(n)


def pin_torch_threads(torch, n: int = 1) -> None:
    """One intra-op and one inter-op thread for torch (inter-op only settable once)."""
    torch.set_num_threads(n)
    try:
        torch.set_num_interop_threads(n)
    except RuntimeError:  # already set, or work already started
        pass


def import_torch(n: int = 1):
    """``torch`` pinned to ``n`` threads (:func:`pin_torch_threads`), or ``None`` after telling
    on stderr how to install it when it is missing (the caller returns its error code)."""
    try:
        import torch
    except ImportError:
        print("torch is needed for this benchmark: pip install torch==2.13.0", file=sys.stderr)
        return None
    pin_torch_threads(torch, n)
    return torch


def time_interleaved(fns: dict[str, Callable[[], object]], *, repeats: int = 7,
                     warmup: int = 2, cpu: bool = False):
    """Median seconds per function, with the candidates interleaved round-robin.

    Interleaving spreads any background load (other processes on a shared machine)
    evenly over the candidates, so their *ratios* stay meaningful even when absolute
    times drift. With ``cpu=True`` also return the medians of process CPU time
    (``time.process_time``), which time-slicing by other processes does not inflate:
    ``(wall_medians, cpu_medians)``.
    """
    for fn in fns.values():
        for _ in range(warmup):
            fn()
    wall: dict[str, list[float]] = {k: [] for k in fns}
    proc: dict[str, list[float]] = {k: [] for k in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            c0 = time.process_time()
            t0 = time.perf_counter()
            fn()
            wall[name].append(time.perf_counter() - t0)
            proc[name].append(time.process_time() - c0)
    wall_med = {k: statistics.median(v) for k, v in wall.items()}
    if cpu:
        return wall_med, {k: statistics.median(v) for k, v in proc.items()}
    return wall_med


def sgemm_rate(size: int = 1024, repeats: int = 5, torch=None) -> float:
    """Single-thread float32 GEMM rate of numpy (or of ``torch.mm`` when ``torch`` is given),
    GFLOP per CPU second (so other processes time-slicing the core do not lower it), best of
    ``repeats`` runs of 4 products of two ``size`` x ``size`` matrices."""
    import numpy as np

    rng = np.random.default_rng(0)
    a = rng.standard_normal((size, size)).astype(np.float32)
    b = rng.standard_normal((size, size)).astype(np.float32)
    c = np.empty_like(a)
    if torch is None:
        def mm():
            np.matmul(a, b, out=c)
    else:
        ta, tb, tc = torch.from_numpy(a), torch.from_numpy(b), torch.from_numpy(c)

        def mm():
            torch.mm(ta, tb, out=tc)
    mm()
    best = float("inf")
    for _ in range(repeats):
        t0 = time.process_time()
        for _ in range(4):
            mm()
        best = min(best, (time.process_time() - t0) / 4)
    return 2.0 * size ** 3 / best / 1e9


def machine_summary() -> str:
    """One line: CPU count, load average, numpy/BLAS identification."""
    import platform

    import numpy as np

    try:
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load = "n/a"
    return (f"python {platform.python_version()}, numpy {np.__version__}, cpus {os.cpu_count()}, "
            f"load avg {load}, OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}")


def torch_machine_summary(torch) -> str:
    """:func:`machine_summary` plus the torch version and its thread count."""
    return machine_summary() + f", torch {torch.__version__} threads {torch.get_num_threads()}"
