"""Throughput of the vectorised BHLM 2019 Thm 7 VC bound over 10^6 and 10^7 architectures.

Family: d_in = 8, hidden width k in 2..side+1, depth h in 1..side (ReLU), one output, for
side = 1000 (≈ 10^6 architectures) and side = 3163 (≈ 10^7). ``bhlm_vcdim_grid`` evaluates the
broadcast grid in blocks of ``GRID_BLOCK`` entries, so the cost per architecture should not
grow with the grid; this script reports it for both sizes (process CPU time, best of
``--repeats``; other jobs time-slicing the core do not inflate it), their ratio, and the peak
memory of one call (tracemalloc, numpy's allocations included). Also times the scalar path
(Architecture + bhlm_vcdim) on a random sample and checks that both agree.

    python benchmarks/capacity_throughput.py [--sides 1000 3163] [--repeats 3]

The last line is ``per_arch_ratio_1e7_vs_1e6=<cost per architecture at the largest side /
at the smallest>``.
"""
from __future__ import annotations

import argparse
import time
import tracemalloc

from _common import machine_summary, pin_threads

pin_threads(1)

import numpy as np  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sides", type=int, nargs="+", default=[1000, 3163],
                    help="grid sides (side^2 architectures each)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--sample", type=int, default=200, help="scalar-path sample size")
    args = ap.parse_args(argv)

    from approxbounds.capacity import bhlm_vcdim
    from approxbounds.capacity.grid import GRID_BLOCK, bhlm_vcdim_grid, uniform_mlp

    print(machine_summary())
    print(f"block size: {GRID_BLOCK} architectures")
    per_arch = {}
    worst = 0.0
    for side in args.sides:
        k = np.arange(2, side + 2)[:, None]      # width >= 2: every entry has U > 2 (pure closed form)
        h = np.arange(1, side + 1)[None, :]
        n = k.size * h.size
        best_cpu, best_wall = np.inf, np.inf
        for _ in range(args.repeats):
            c0, t0 = time.process_time(), time.perf_counter()
            grid = bhlm_vcdim_grid(8, k, h)
            best_cpu = min(best_cpu, time.process_time() - c0)
            best_wall = min(best_wall, time.perf_counter() - t0)
        tracemalloc.start()
        bhlm_vcdim_grid(8, k, h)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        per_arch[side] = best_cpu / n
        print(f"side {side}: {n:,} architectures in {best_cpu:.3f} s cpu ({best_wall:.3f} s wall); "
              f"{best_cpu / n * 1e9:.1f} ns cpu per architecture ({n / best_cpu:,.0f} / s); "
              f"peak memory {peak / 2**20:.0f} MiB (output {grid.nbytes / 2**20:.0f} MiB)")
        rng = np.random.default_rng(side)
        idx = rng.integers(0, [k.shape[0], h.shape[1]], size=(args.sample, 2))
        c0 = time.process_time()
        for i, j in idx:
            s = bhlm_vcdim(uniform_mlp(8, int(k[i, 0]), int(h[0, j]))).value
            worst = max(worst, abs(s - grid[i, j]) / s)
        ds = (time.process_time() - c0) / args.sample
        print(f"  scalar path: {ds * 1e6:.1f} us cpu / architecture, {ds / per_arch[side]:,.0f}x the grid's")
        del grid
    print(f"max relative difference grid vs scalar on the samples: {worst:.2e}")
    lo, hi = min(args.sides), max(args.sides)
    print(f"per_arch_ratio_1e7_vs_1e6={per_arch[hi] / per_arch[lo]:.3f}")
    return 0 if worst < 1e-12 else 1


if __name__ == "__main__":
    raise SystemExit(main())
