"""One HadamRNN training step (forward + backward + Adam) on the copy task, vs PyTorch.

Workload (issue 5): total length T = 1020, hidden n = 128, batch 128, 10 one-hot inputs,
9 classes, 4-bit U and V, float32, one BLAS thread, mean cross-entropy over all positions.
Candidates, measured interleaved in the same run:

* ours        -- ``approxbounds.models.HadamRNN`` (``path``: kron by default) +
  ``approxbounds.nn.optim.adam``;
* torch_loop  -- the SAME model in PyTorch with a per-step Python loop, as the official
  HadamRNN code is written: ``torch.sign`` with a straight-through estimator, the 4-bit
  per-tensor quantizer with STE, autograd, ``torch.optim.Adam``;
* torch_rnn   -- ``torch.nn.RNN`` (tanh, full precision) of the same size + a linear
  read-out, autograd, ``torch.optim.Adam``.

Before timing, ours and torch_loop are run on identical parameters and their losses and
gradients compared (a cross-check of the BPTT and of the STE conventions).

Also measured: the machine's single-thread SGEMM rate (numpy float32, 1024^3) and the
arithmetic rate of our step (FLOPs actually executed, and the "dense-equivalent" FLOPs of
the textbook formulation with a dense W and a dense dW GEMM).

Prints median wall-clock times, CPU times and ratios; the LAST two lines are
``ratio_vs_torch_loop=<ours/torch_loop>`` and ``ratio_vs_torch_nn_rnn=<ours/torch_rnn>``.
Run: ``python benchmarks/hadamrnn_step.py [--repeats 5] [--T 1020] [--path kron]``.
"""
from __future__ import annotations

import argparse
import math
import sys
import time

from _common import import_torch, machine_summary, pin_threads, time_interleaved

pin_threads(1)

import numpy as np  # noqa: E402


def sgemm_rate(size: int = 1024, repeats: int = 5) -> float:
    """Single-thread float32 GEMM rate (GFLOP per CPU second, so other processes time-slicing
    the core do not lower it), best of ``repeats``."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((size, size)).astype(np.float32)
    b = rng.standard_normal((size, size)).astype(np.float32)
    c = np.empty_like(a)
    np.matmul(a, b, out=c)
    best = math.inf
    for _ in range(repeats):
        t0 = time.process_time()
        for _ in range(4):
            np.matmul(a, b, out=c)
        best = min(best, (time.process_time() - t0) / 4)
    return 2.0 * size ** 3 / best / 1e9


def flop_counts(T, B, n, d_in, d_out, a, b, path):
    """(executed FLOPs, dense-equivalent FLOPs) of one forward+backward of our implementation."""
    per_vec = {"kron": 2 * n * (a + b), "dense": 2 * n * n, "fwht": n * int(math.log2(n))}[path]
    rec = 2 * T * B * per_vec                  # forward and backward recurrences
    readout = 3 * 2 * T * B * n * d_out         # y = relu(H) V^T, dY V, dV
    inputs = 2 * T * B * d_in * n               # one-hot scatter GEMM for dU, db
    du = 2 * T * B * n                          # sum G * H
    executed = rec + readout + inputs + du
    dense_equiv = 3 * 2 * T * B * n * n + readout + 2 * 2 * T * B * d_in * n
    return executed, dense_equiv


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--T", type=int, default=1020, help="total sequence length")
    ap.add_argument("--n", type=int, default=128)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--bits", type=int, default=4)
    ap.add_argument("--path", default="auto", choices=["auto", "kron", "dense", "fwht"])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    torch = import_torch(1)
    if torch is None:
        return 1

    from approxbounds.models import HadamRNN
    from approxbounds.nn.hadamard import kron_factors, sylvester
    from approxbounds.nn.optim import adam, apply_updates

    T, B, n, d_in, d_out, p = args.T, args.batch, args.n, 10, 9, args.bits
    rng = np.random.default_rng(args.seed)
    ids = rng.integers(0, d_in, (B, T))
    tgt = rng.integers(0, d_out, (B, T))

    # ---------------------------------------------------------------- ours
    model = HadamRNN(d_in, n, d_out, bits=p, path=args.path)
    params = model.init(rng)
    opt = adam(1e-4)
    state = {"params": params, "opt": opt.init(params)}

    def ours_step():
        value, grads = model.loss_and_grad(state["params"], ids, tgt, "cross_entropy")
        upd, state["opt"] = opt.update(grads, state["opt"], state["params"])
        state["params"] = apply_updates(state["params"], upd)
        return value

    # ---------------------------------------------------------------- torch: same model, per-step loop
    class SignSTE(torch.autograd.Function):
        @staticmethod
        def forward(ctx, u):
            return torch.where(u >= 0, torch.ones_like(u), -torch.ones_like(u))

        @staticmethod
        def backward(ctx, g):
            return g

    def quant(w):
        alpha = w.detach().abs().max()
        alpha = torch.where(alpha > 0, alpha, torch.ones_like(alpha))
        half = 2.0 ** (p - 1)
        step = alpha / half
        q = torch.clamp(torch.round(w / step), -half, half - 1) * step
        return w + (q - w).detach()

    S = torch.tensor(sylvester(n, np.float32) / np.float32(math.sqrt(n)))
    tp = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    topt = torch.optim.Adam(list(tp.values()), lr=1e-4)
    x_onehot = torch.nn.functional.one_hot(torch.tensor(ids), d_in).to(torch.float32)
    t_tgt = torch.tensor(tgt)

    def torch_loop_loss():
        s = SignSTE.apply(tp["u"])
        W = s[:, None] * S
        Uq, Vq = quant(tp["U"]), quant(tp["V"])
        h = torch.zeros(B, n)
        outs = []
        for t in range(T):
            h = torch.nn.functional.linear(h, W) + torch.nn.functional.linear(x_onehot[:, t], Uq, tp["b"])
            outs.append(torch.nn.functional.linear(torch.relu(h), Vq, tp["c"]))
        y = torch.stack(outs, 1)
        return torch.nn.functional.cross_entropy(y.reshape(-1, d_out), t_tgt.reshape(-1))

    def torch_loop_step():
        topt.zero_grad(set_to_none=True)
        loss = torch_loop_loss()
        loss.backward()
        topt.step()
        return loss.item()

    # ---------------------------------------------------------------- torch nn.RNN, full precision
    torch.manual_seed(args.seed)
    rnn = torch.nn.RNN(d_in, n, batch_first=True)
    head = torch.nn.Linear(n, d_out)
    ropt = torch.optim.Adam(list(rnn.parameters()) + list(head.parameters()), lr=1e-4)

    def torch_rnn_step():
        ropt.zero_grad(set_to_none=True)
        out, _ = rnn(x_onehot)
        loss = torch.nn.functional.cross_entropy(head(out).reshape(-1, d_out), t_tgt.reshape(-1))
        loss.backward()
        ropt.step()
        return loss.item()

    # ---------------------------------------------------------------- cross-check (same params)
    value, grads = model.loss_and_grad(params, ids, tgt, "cross_entropy")
    tloss_t = torch_loop_loss()
    tloss_t.backward()
    tloss = tloss_t.item()
    worst = 0.0
    for k in params:
        tg = tp[k].grad.numpy()
        worst = max(worst, float(np.max(np.abs(grads[k] - tg)) / (np.max(np.abs(tg)) + 1e-30)))
    for v in tp.values():
        v.grad = None
    print(f"cross-check vs torch loop: loss {value:.6f} vs {tloss:.6f}; "
          f"max relative gradient difference {worst:.2e}")
    if abs(value - tloss) > 1e-4 * abs(value) or worst > 1e-2:
        print("cross-check FAILED", file=sys.stderr)
        return 1

    # ---------------------------------------------------------------- timing
    print(machine_summary())
    print(f"workload: T={T}, n={n}, batch={B}, d_in={d_in}, d_out={d_out}, bits={p}, path={model._resolved_path()}")
    rate = sgemm_rate()
    print(f"single-thread SGEMM (numpy float32, 1024^3): {rate:.1f} GFLOP per cpu-second")
    wall, cpu = time_interleaved({"ours": ours_step, "torch_loop": torch_loop_step, "torch_rnn": torch_rnn_step},
                                 repeats=args.repeats, warmup=args.warmup, cpu=True)
    for k in wall:
        print(f"{k:>11}: {wall[k] * 1e3:9.1f} ms/step wall, {cpu[k] * 1e3:9.1f} ms/step cpu")
    a, b = kron_factors(n)
    executed, dense_eq = flop_counts(T, B, n, d_in, d_out, a, b, model._resolved_path())
    for label, t in (("wall", wall["ours"]), ("cpu", cpu["ours"])):
        print(f"ours ({label} time): {executed / 1e9:.2f} GFLOP executed -> {executed / t / 1e9:.1f} GFLOP/s "
              f"({100 * executed / t / 1e9 / rate:.0f}% of SGEMM); dense-equivalent {dense_eq / 1e9:.2f} GFLOP "
              f"-> {dense_eq / t / 1e9:.1f} GFLOP/s ({100 * dense_eq / t / 1e9 / rate:.0f}% of SGEMM)")
    print(f"paper schedule (40,000 steps) at this speed: {40_000 * wall['ours'] / 3600:.2f} h wall, "
          f"{40_000 * cpu['ours'] / 3600:.2f} h cpu (torch loop: {40_000 * wall['torch_loop'] / 3600:.2f} h wall)")
    print(f"cpu-time ratios: vs torch_loop {cpu['ours'] / cpu['torch_loop']:.3f}, "
          f"vs torch_rnn {cpu['ours'] / cpu['torch_rnn']:.3f}")
    print(f"ratio_vs_torch_loop={wall['ours'] / wall['torch_loop']:.3f}")
    print(f"ratio_vs_torch_nn_rnn={wall['ours'] / wall['torch_rnn']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
