"""Vanilla tanh RNN forward + backward: approxbounds.nn.rnn vs torch, one BLAS thread.

Workload (issue 4): hidden n = 128, T = 200 steps, batch 64, float32, input size n_in
(default 128), loss = sum of all outputs (many-to-many), gradients for every weight and
for the input. Candidates, measured interleaved in the same run:

* ours        -- ``rnn_forward`` + ``rnn_backward`` (numpy, BPTT written by hand);
* torch_rnn   -- ``torch.nn.RNN(batch_first=True)`` forward + ``.backward()``;
* torch_loop  -- a per-step ``torch.nn.RNNCell`` loop, as research code often does.

Prints median wall-clock and CPU times and their ratios; the LAST line (wall-clock) is ``ratio_vs_torch_nn_rnn=<ours/torch_rnn>``.
Run: ``python benchmarks/rnn_step.py [--repeats 9] [--n-in 128]`` (needs torch==2.13.0).
"""
from __future__ import annotations

import argparse
import sys

from _common import import_torch, pin_threads, time_interleaved, torch_machine_summary

pin_threads(1)

import numpy as np  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=128)
    ap.add_argument("--n-in", type=int, default=128)
    ap.add_argument("--T", type=int, default=200)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--repeats", type=int, default=9)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    torch = import_torch(1)
    if torch is None:
        return 2

    from approxbounds.nn.rnn import rnn_backward, rnn_forward

    n, d, T, B = args.n, args.n_in, args.T, args.batch
    rng = np.random.default_rng(args.seed)
    k = 1 / np.sqrt(n)
    W_in = rng.uniform(-k, k, (n, d)).astype(np.float32)
    W_rec = rng.uniform(-k, k, (n, n)).astype(np.float32)
    b = rng.uniform(-k, k, n).astype(np.float32)
    x = rng.standard_normal((B, T, d)).astype(np.float32)
    dy = np.ones((B, T, n), dtype=np.float32)  # d(sum of outputs)/d(outputs)

    def ours():
        _, cache = rnn_forward(x, W_in, W_rec, b, nonlinearity="tanh")
        return rnn_backward(cache, dy)

    torch.manual_seed(args.seed)
    rnn = torch.nn.RNN(d, n, nonlinearity="tanh", batch_first=True)
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.from_numpy(W_in))
        rnn.weight_hh_l0.copy_(torch.from_numpy(W_rec))
        rnn.bias_ih_l0.copy_(torch.from_numpy(b))
        rnn.bias_hh_l0.zero_()
    xt = torch.from_numpy(x).requires_grad_(True)

    def torch_rnn():
        rnn.zero_grad(set_to_none=True)
        xt.grad = None
        out, _ = rnn(xt)
        out.sum().backward()

    cell = torch.nn.RNNCell(d, n, nonlinearity="tanh")
    with torch.no_grad():
        cell.weight_ih.copy_(rnn.weight_ih_l0)
        cell.weight_hh.copy_(rnn.weight_hh_l0)
        cell.bias_ih.copy_(rnn.bias_ih_l0)
        cell.bias_hh.zero_()

    def torch_loop():
        cell.zero_grad(set_to_none=True)
        xt.grad = None
        h = torch.zeros(B, n)
        outs = []
        for t in range(T):
            h = cell(xt[:, t], h)
            outs.append(h)
        torch.stack(outs, 1).sum().backward()

    # same numbers before timing anything
    g = ours()
    torch_rnn()
    err = float(np.max(np.abs(g["dW_rec"] - rnn.weight_hh_l0.grad.numpy())))
    scale = float(np.max(np.abs(g["dW_rec"])))
    if not err <= 1e-3 * scale:
        print(f"mismatch: max |dW_rec - torch| = {err:.3g} (scale {scale:.3g})", file=sys.stderr)
        return 1

    med, cpu = time_interleaved({"ours": ours, "torch_rnn": torch_rnn, "torch_loop": torch_loop},
                                repeats=args.repeats, warmup=args.warmup, cpu=True)
    print(torch_machine_summary(torch))
    print(f"workload: n={n} n_in={d} T={T} batch={B} float32, forward+backward, "
          f"median of {args.repeats} interleaved repeats after {args.warmup} warm-up")
    print(f"check: max |dW_rec(ours) - dW_rec(torch)| = {err:.2e} (max |dW_rec| = {scale:.2e})")
    print(f"{'':11s} {'wall':>8s}    {'cpu':>8s}")
    for name, sec in med.items():
        print(f"{name:11s} {sec * 1e3:8.2f} ms {cpu[name] * 1e3:8.2f} ms")
    print(f"cpu-time ratios: vs torch nn.RNN {cpu['ours'] / cpu['torch_rnn']:.3f}, "
          f"vs torch loop {cpu['ours'] / cpu['torch_loop']:.3f}")
    print(f"ratio_vs_torch_loop={med['ours'] / med['torch_loop']:.3f}")
    print(f"ratio_vs_torch_nn_rnn={med['ours'] / med['torch_rnn']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
