"""Recomputing HadamRNN states backwards instead of storing them: float32 drift and cost.

W is orthogonal (every sign ±1), so the row-convention recurrence H_t = H_{t-1}Wᵀ + Z_t can be
run backwards exactly in exact arithmetic: H_{t-1} = (H_t − Z_t) W. A backward pass that
recomputes the states this way needs no (T, B, n) state buffer (67 MB on the copy workload),
only H_T. This script measures, on the copy workload (T = 1020, n = 128, batch 128, float32):

* the drift ``max|H'_t − H_t| / max|H_t|`` of the recomputed states H' against the stored
  ones, as a function of the number of steps recomputed, in float32 and float64;
* the effect on every gradient and on the loss (the fused loss/backward run once on the stored
  states, once on the recomputed ones), both for a full-length recomputation from H_T and for
  recomputation restarted from a stored state at every chunk boundary (T/chunk stored states);
* the cost: one backward product per step (the recomputation) against the whole step.

It is a measurement, not a code path of the package: the result (``benchmarks/README.md``,
docs/rnn.md "Speed") decides whether the package uses it.
Run: ``python benchmarks/hadamrnn_recompute.py [--T 1020] [--seed 0]``.
"""
from __future__ import annotations

import argparse
import time

from _common import machine_summary, pin_threads

pin_threads(1)

import numpy as np  # noqa: E402


def recompute(op, H, Z, chunk=None):
    """States recomputed backwards: from H[T-1] only, or (``chunk``) restarting from the stored
    state at the end of every chunk."""
    T = H.shape[0]
    Hr = np.empty_like(H)
    Hr[T - 1] = H[T - 1]
    tmp = np.empty_like(H[0])
    for t in range(T - 1, 0, -1):
        if chunk is not None and t % chunk == 0:
            Hr[t - 1] = H[t - 1]                  # a stored chunk-boundary state
            continue
        np.subtract(Hr[t], Z[t], out=tmp)
        op.backward(tmp, Hr[t - 1])                # (H_t - Z_t) W
    return Hr


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--T", type=int, default=1020)
    ap.add_argument("--n", type=int, default=128)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    from approxbounds.models import HadamRNN

    T, B, n = args.T, args.batch, args.n
    print(machine_summary())
    print(f"copy workload: T={T}, n={n}, batch={B}, 10 symbols, 9 classes, 4-bit U, V")
    for dtype in ("float32", "float64"):
        rng = np.random.default_rng(args.seed)
        x = rng.integers(0, 10, (B, T))
        tgt = rng.integers(0, 9, (B, T))
        model = HadamRNN(10, n, 9, dtype=dtype)
        p = model.init(rng)
        cache = model._setup(p, x)
        cache.H = np.empty((T, B, n), dtype=dtype)
        model._fill_states(cache)
        H = cache.H
        Z = np.take(cache.table, cache.ids, axis=0)          # z_t (unscaled), (T, B, n)
        total, _, g_ref = model._bptt(p, cache, labels=tgt)
        scale = np.abs(H).max(axis=(1, 2))
        print(f"\n{dtype}: max|H_t| grows from {scale[0]:.3g} (t=1) to {scale[-1]:.3g} (t=T)")
        for label, chunk in (("from H_T only", None), (f"restarted every {model.chunk} steps", model.chunk)):
            c0 = time.process_time()
            Hr = recompute(cache.op, H, Z, chunk)
            cost = time.process_time() - c0
            err = np.abs(Hr - H).max(axis=(1, 2)) / np.abs(H).max()
            back = [k for k in (1, 10, 100, 1000) if k < T]
            print(f"  recomputed {label}: {cost * 1e3:.1f} ms cpu; drift after k steps back "
                  + ", ".join(f"k={k}: {err[T - 1 - k]:.1e}" for k in back) + f"; max {err.max():.1e}")
            cache.H = Hr
            total_r, _, g_r = model._bptt(p, cache, labels=tgt)
            cache.H = H
            rel = {k: float(np.abs(g_r[k] - g_ref[k]).max() / np.abs(g_ref[k]).max()) for k in g_ref}
            print(f"    loss {total / (T * B):.9f} vs {total_r / (T * B):.9f} "
                  f"(rel {abs(total_r - total) / abs(total):.1e}); max relative gradient change: "
                  + ", ".join(f"{k} {v:.1e}" for k, v in rel.items()))
    # the cost of a step for comparison
    rng = np.random.default_rng(args.seed)
    x = rng.integers(0, 10, (B, T))
    tgt = rng.integers(0, 9, (B, T))
    model = HadamRNN(10, n, 9)
    p = model.init(rng)
    model.loss_and_grad(p, x, tgt)
    best = np.inf
    for _ in range(5):
        c0 = time.process_time()
        model.loss_and_grad(p, x, tgt)
        best = min(best, time.process_time() - c0)
    print(f"\nwhole float32 loss_and_grad (stored states): {best * 1e3:.1f} ms cpu")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
