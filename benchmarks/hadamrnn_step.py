"""One HadamRNN training step (forward + backward + Adam) vs PyTorch, one thread.

Workloads (``--workload``):

* ``copy``   (default; issue 5/12) total length T = 1020, hidden n = 128, batch 128, 10 one-hot
  inputs, 9 classes at every step, mean cross-entropy over all positions;
* ``smnist`` (the paper's sequential MNIST size) T = 784 one-pixel inputs, n = 512, batch 64,
  10 classes read out at the last step.

Both: 4-bit U and V, float32, one BLAS thread. Candidates, measured interleaved in the same run:

* ours        -- ``approxbounds.models.HadamRNN.loss_and_grad`` (states in a scratch buffer,
  softmax cross-entropy fused into the chunked backward; ``path``: kron by default) +
  ``approxbounds.nn.optim.adam``;
* torch_loop  -- the SAME model in PyTorch with a per-step Python loop, as the official
  HadamRNN code is written: ``torch.sign`` with a straight-through estimator, the 4-bit
  per-tensor quantizer with STE, autograd, ``torch.optim.Adam``;
* torch_rnn   -- ``torch.nn.RNN`` (tanh, full precision) of the same size + a linear
  read-out, autograd, ``torch.optim.Adam``.

Before timing, ours and torch_loop are run on identical parameters and their losses and
gradients compared (a cross-check of the BPTT, the fused loss and the STE conventions).

Also measured in the same run: the single-thread SGEMM rate of numpy and of torch
(float32, 1024^3, GFLOP per CPU second), and the arithmetic rate of our step: FLOPs actually
executed (:func:`flop_counts`) and the "dense-equivalent" FLOPs of the textbook formulation
(dense W, dense dW GEMM, one-hot input GEMMs). ``benchmarks/hadamrnn_profile.py`` splits
our step into phases.

Prints median wall-clock times, CPU times and ratios; the LAST two lines are
``ratio_vs_torch_loop=<ours/torch_loop>`` and ``ratio_vs_torch_nn_rnn=<ours/torch_rnn>``
(wall clock; the CPU-time ratios are printed just before them).
Run: ``python benchmarks/hadamrnn_step.py [--workload copy|smnist] [--repeats 5]``.
"""
from __future__ import annotations

import argparse
import math
import sys

from _common import import_torch, machine_summary, pin_threads, sgemm_rate, time_interleaved

pin_threads(1)

import numpy as np  # noqa: E402

WORKLOADS = {
    "copy": dict(T=1020, n=128, batch=128, d_in=10, d_out=9, output="sequence"),
    "smnist": dict(T=784, n=512, batch=64, d_in=1, d_out=10, output="last"),
}


def flop_counts(T, B, n, d_in, d_out, a, b, path, output, vocab=None):
    """(executed FLOPs, dense-equivalent FLOPs) of one forward+backward of our implementation.

    Executed: the two recurrences (per vector 2n(a+b) for kron, 2n^2 dense, n log2 n FWHT),
    the read-out GEMMs (sequence output: logits, dY·Q(V) and dV, each 2TBn·d_out), the input
    side (one-hot: the dTable scatter GEMM 2TB·vocab·n; float: the projection and dU, 2·2TBn·d_in),
    and the sum G⊙H of the sign gradient (2TBn). Dense-equivalent: dense recurrences, a dense
    dW = Σ G_tᵀ H_{t-1} GEMM, the same read-out and input GEMMs.
    """
    per_vec = {"kron": 2 * n * (a + b), "dense": 2 * n * n, "fwht": n * int(math.log2(n))}[path]
    rec = 2 * T * B * per_vec
    readout = 3 * 2 * T * B * n * d_out if output == "sequence" else 3 * 2 * B * n * d_out
    inputs = 2 * T * B * (vocab if vocab is not None else 2 * d_in) * n
    du = 2 * T * B * n
    executed = rec + readout + inputs + du
    dense_equiv = 3 * 2 * T * B * n * n + readout + inputs
    return executed, dense_equiv


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workload", default="copy", choices=sorted(WORKLOADS))
    ap.add_argument("--T", type=int, default=None, help="sequence length (default: the workload's)")
    ap.add_argument("--n", type=int, default=None)
    ap.add_argument("--batch", type=int, default=None)
    ap.add_argument("--bits", type=int, default=4)
    ap.add_argument("--path", default="auto", choices=["auto", "kron", "dense", "fwht"])
    ap.add_argument("--chunk", type=int, default=None, help="HadamRNN chunk (default: the model's)")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    torch = import_torch(1)
    if torch is None:
        return 1

    from approxbounds.models import HadamRNN
    from approxbounds.nn.hadamard import kron_split, sylvester
    from approxbounds.nn.optim import adam, apply_updates

    wl = dict(WORKLOADS[args.workload])
    for key in ("T", "n", "batch"):
        if getattr(args, key) is not None:
            wl[key] = getattr(args, key)
    T, B, n, d_in, d_out, p = wl["T"], wl["batch"], wl["n"], wl["d_in"], wl["d_out"], args.bits
    seq = wl["output"] == "sequence"
    rng = np.random.default_rng(args.seed)
    if args.workload == "copy":
        x = rng.integers(0, d_in, (B, T))
        x_t = torch.nn.functional.one_hot(torch.tensor(x), d_in).to(torch.float32)
    else:
        x = rng.uniform(0, 1, (B, T, d_in)).astype(np.float32)
        x_t = torch.from_numpy(x)
    tgt = rng.integers(0, d_out, (B, T) if seq else (B,))

    # ---------------------------------------------------------------- ours
    kw = {} if args.chunk is None else {"chunk": args.chunk}
    model = HadamRNN(d_in, n, d_out, bits=p, path=args.path, output=wl["output"], **kw)
    params = model.init(rng)
    opt = adam(1e-4)
    state = {"params": params, "opt": opt.init(params)}

    def ours_step():
        value, grads = model.loss_and_grad(state["params"], x, tgt, "cross_entropy")
        upd, state["opt"] = opt.update(grads, state["opt"], state["params"])
        state["params"] = apply_updates(state["params"], upd)
        return value

    # ---------------------------------------------------------------- torch: same model, per-step loop
    class SignSTE(torch.autograd.Function):
        @staticmethod
        def forward(ctx, u):
            return torch.sign(u)            # sgn 0 = 0, the official convention

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
    t_tgt = torch.tensor(tgt)

    def torch_loop_loss():
        s = SignSTE.apply(tp["u"])
        W = s[:, None] * S
        Uq, Vq = quant(tp["U"]), quant(tp["V"])
        h = torch.zeros(B, n)
        outs = []
        for t in range(T):
            h = torch.nn.functional.linear(h, W) + torch.nn.functional.linear(x_t[:, t], Uq, tp["b"])
            if seq:
                outs.append(torch.nn.functional.linear(torch.relu(h), Vq, tp["c"]))
        if seq:
            y = torch.stack(outs, 1)
            return torch.nn.functional.cross_entropy(y.reshape(-1, d_out), t_tgt.reshape(-1))
        return torch.nn.functional.cross_entropy(torch.nn.functional.linear(torch.relu(h), Vq, tp["c"]), t_tgt)

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
        out, _ = rnn(x_t)
        if seq:
            loss = torch.nn.functional.cross_entropy(head(out).reshape(-1, d_out), t_tgt.reshape(-1))
        else:
            loss = torch.nn.functional.cross_entropy(head(out[:, -1]), t_tgt)
        loss.backward()
        ropt.step()
        return loss.item()

    # ---------------------------------------------------------------- cross-check (same params)
    value, grads = model.loss_and_grad(params, x, tgt, "cross_entropy")
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
    print(machine_summary() + f", torch {torch.__version__} threads {torch.get_num_threads()}")
    print(f"workload {args.workload}: T={T}, n={n}, batch={B}, d_in={d_in}, d_out={d_out}, output={wl['output']}, "
          f"bits={p}, path={model._resolved_path()}, chunk={model.chunk}")
    rate_np, rate_torch = sgemm_rate(), sgemm_rate(torch=torch)
    print(f"single-thread SGEMM 1024^3 (GFLOP per cpu-second): numpy {rate_np:.1f}, torch {rate_torch:.1f}")
    wall, cpu = time_interleaved({"ours": ours_step, "torch_loop": torch_loop_step, "torch_rnn": torch_rnn_step},
                                 repeats=args.repeats, warmup=args.warmup, cpu=True)
    for k in wall:
        print(f"{k:>11}: {wall[k] * 1e3:9.1f} ms/step wall, {cpu[k] * 1e3:9.1f} ms/step cpu")
    a, b = kron_split(n)
    executed, dense_eq = flop_counts(T, B, n, d_in, d_out, a, b, model._resolved_path(), wl["output"],
                                     vocab=d_in if args.workload == "copy" else None)
    peak = max(rate_np, rate_torch)
    for label, t in (("wall", wall["ours"]), ("cpu", cpu["ours"])):
        print(f"ours ({label} time): {executed / 1e9:.2f} GFLOP executed -> {executed / t / 1e9:.1f} GFLOP/s "
              f"({100 * executed / t / 1e9 / peak:.0f}% of the best SGEMM peak); dense-equivalent "
              f"{dense_eq / 1e9:.2f} GFLOP -> {dense_eq / t / 1e9:.1f} GFLOP/s ({100 * dense_eq / t / 1e9 / peak:.0f}%)")
    print(f"40,000 steps at this speed: {40_000 * wall['ours'] / 3600:.2f} h wall, "
          f"{40_000 * cpu['ours'] / 3600:.2f} h cpu (torch loop: {40_000 * wall['torch_loop'] / 3600:.2f} h wall)")
    print(f"cpu-time ratios: vs torch_loop {cpu['ours'] / cpu['torch_loop']:.3f}, "
          f"vs torch_rnn {cpu['ours'] / cpu['torch_rnn']:.3f}")
    print(f"ratio_vs_torch_loop={wall['ours'] / wall['torch_loop']:.3f}")
    print(f"ratio_vs_torch_nn_rnn={wall['ours'] / wall['torch_rnn']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
