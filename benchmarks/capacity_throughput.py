"""Throughput of the vectorised BHLM 2019 Thm 7 VC bound over 10^6 architectures.

Family: d_in = 8, hidden width k in 1..1000, depth h in 1..1000 (ReLU), one output.
Also times the scalar path (Architecture + bhlm_vcdim) on a random sample and checks that
both agree.

    OMP_NUM_THREADS=1 python benchmarks/capacity_throughput.py
"""
from __future__ import annotations

import argparse
import time

import numpy as np

from approxbounds.capacity import bhlm_vcdim
from approxbounds.capacity.grid import bhlm_vcdim_grid, uniform_mlp


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--side", type=int, default=1000, help="grid side (side^2 architectures)")
    ap.add_argument("--sample", type=int, default=200, help="scalar-path sample size")
    args = ap.parse_args(argv)
    k = np.arange(1, args.side + 1)[:, None]
    h = np.arange(1, args.side + 1)[None, :]
    k2, h2 = k[1:], h  # skip width 1 so every entry has U > 2 (pure closed form)
    n = k2.size * h2.size
    t0 = time.perf_counter()
    grid = bhlm_vcdim_grid(8, k2, h2)
    dt = time.perf_counter() - t0
    print(f"vectorised: {n} architectures in {dt:.3f} s  ({n / dt:,.0f} / s)")
    rng = np.random.default_rng(0)
    idx = rng.integers(0, [k2.shape[0], h2.shape[1]], size=(args.sample, 2))
    t0 = time.perf_counter()
    worst = 0.0
    for i, j in idx:
        s = bhlm_vcdim(uniform_mlp(8, int(k2[i, 0]), int(h2[0, j]))).value
        worst = max(worst, abs(s - grid[i, j]) / s)
    ds = (time.perf_counter() - t0) / args.sample
    print(f"scalar: {ds * 1e6:.1f} us / architecture; vectorised {dt / n * 1e6:.3f} us; "
          f"ratio scalar/vectorised = {ds / (dt / n):,.0f}x")
    print(f"max relative difference on the sample: {worst:.2e}")
    return 0 if worst < 1e-12 else 1


if __name__ == "__main__":
    raise SystemExit(main())
