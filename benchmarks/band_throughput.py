"""Cost of ``band`` against ``lower_bound`` on the same (F, G, norm) configurations.

``band(F, G, norm)`` = ``lower_bound(F, G, norm)`` + ``upper_bound(F, G, norm)`` (explicit
constructions: closed-form sizes and bounds, no search). Issue 11 asks for band <= 3x
lower_bound. The reference (``lower_bound``) is measured in the same run, interleaved with
``band`` round by round; both cold (every certificate cache cleared before each call) and warm
(caches kept, the second pass over the grid). Process CPU time per configuration, median of
the rounds; the last line is ``ratio_band_vs_lower=<cold> (warm <warm>)``.

Configurations: Hölder (d in {1, 2}, alpha in {1/2, 1, 2}) and monotone (d in {1, 2}) classes,
norms L^1, L^2, L^4 and sup, ReLU and hard-threshold MLPs of widths 4..2048 and depths 1..8.

Usage::

    python benchmarks/band_throughput.py [--rounds 5] [--quick] [--verify 50]
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from _common import pin_threads  # noqa: E402

pin_threads(1)


def configurations(quick: bool = False):
    from approxbounds.capacity import Architecture
    from approxbounds.classes import Holder, Monotone

    widths = [4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048]
    depths = [1, 2, 3, 4, 6, 8]
    if quick:
        widths, depths = widths[::3], depths[::3]
    out = []
    for d in (1, 2):
        classes = [Holder(d, 0.5), Holder(d, 1.0), Holder(d, 2.0), Monotone(d)]
        archs = [Architecture.mlp(d, [w] * L, act) for w in widths for L in depths
                 for act in ("relu", "hard_threshold")]
        out += [(F, G, n) for F in classes for n in (1, 2, 4, "sup") for G in archs]
    return out


def _clear():
    from approxbounds.lower.api import clear_cache as clear_lower
    from approxbounds.upper.api import clear_cache as clear_upper

    clear_lower()
    clear_upper()


def _pass(fn, configs, cold: bool) -> float:
    from approxbounds.lower import NoCertificateError
    from approxbounds.upper import NoConstructionError

    total = 0.0
    for F, G, norm in configs:
        if cold:
            _clear()
        t = time.process_time()
        try:
            fn(F, G, norm)
        except (NoCertificateError, NoConstructionError):
            pass
        total += time.process_time() - t
    return total / len(configs)


def main(argv=None) -> int:
    from approxbounds.lower import lower_bound
    from approxbounds.upper import band, upper_bound
    from approxbounds.upper.api import NoConstructionError

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5, help="interleaved rounds (median reported)")
    ap.add_argument("--quick", action="store_true", help="a small grid (smoke test)")
    ap.add_argument("--verify", type=int, default=50, help="bands verified at 50 digits")
    args = ap.parse_args(argv)
    configs = configurations(args.quick)
    timings = {k: [] for k in ("lower cold", "band cold", "upper cold", "lower warm", "band warm", "upper warm")}
    for _ in range(args.rounds):
        for name, fn in (("lower", lower_bound), ("band", band), ("upper", upper_bound)):
            timings[f"{name} cold"].append(_pass(fn, configs, cold=True))
            _clear()
            _pass(fn, configs, cold=False)                 # fill the caches
            timings[f"{name} warm"].append(_pass(fn, configs, cold=False))
    med = {k: statistics.median(v) for k, v in timings.items()}
    print(f"{len(configs)} configurations, {args.rounds} interleaved rounds, CPU time per configuration:")
    for k, v in med.items():
        print(f"  {k:11s} {1e3 * v:8.4f} ms")
    sample = random.Random(0).sample(configs, min(args.verify, len(configs)))
    t = time.perf_counter()
    n_ok = n = 0
    for F, G, norm in sample:
        try:
            b = band(F, G, norm)
        except (NoConstructionError, ValueError):
            continue
        n += 1
        n_ok += bool(b.verify(dps=50))
    print(f"verified {n_ok}/{n} sampled bands (both certificates) at 50 digits in "
          f"{time.perf_counter() - t:.2f} s")
    cold = med["band cold"] / med["lower cold"]
    warm = med["band warm"] / med["lower warm"]
    print(f"ratio_band_vs_lower={cold:.3f} (warm {warm:.3f}; target <= 3)")
    return 0 if n_ok == n else 1


if __name__ == "__main__":
    raise SystemExit(main())
