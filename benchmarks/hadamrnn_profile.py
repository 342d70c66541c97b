"""Where the time of one HadamRNN training step goes: ms per phase and GFLOP/s per phase.

Runs ``HadamRNN.loss_and_grad`` + Adam on a workload of ``hadamrnn_step.py`` (``copy`` or
``smnist``) under ``line_profiler`` (``pip install line_profiler``; a benchmark tool, not a
dependency), maps every profiled source line of the model's passes to a phase by what it
computes, and prints a table: phase, ms per step, share, FLOPs per step and GFLOP/s, next to
the single-thread SGEMM rate of numpy measured in the same run. The profiled total is
compared with an unprofiled run (process CPU time) so the profiler's own overhead is visible.

Run: ``python benchmarks/hadamrnn_profile.py [--workload copy|smnist] [--steps 5]``.
"""
from __future__ import annotations

import argparse
import inspect
import time

from _common import machine_summary, pin_threads, sgemm_rate

pin_threads(1)

import numpy as np  # noqa: E402

# (phase, substrings of the profiled source line that belong to it), first match wins
PHASES = [
    ("input projection (gather / [x, 1]·[Q(U)ᵀ; bᵀ])", ("np.take(table", "np.copyto(a[:, :d]",
                                                        "np.matmul(a", "xin[:, d] = 1")),
    ("forward recurrence h_t += W h_{t-1}", ("forward_scan(H",)),
    ("ReLU of the states", ("np.maximum(Hc, zero",)),
    ("logits GEMM relu(H)·Q(V)ᵀ + c", ("np.matmul(r, VqT", "dYc += cache.c")),
    ("softmax-CE (fused, in place)", ("softmax_xent_inplace(", "dc += ")),
    ("D = dY·Q(V) GEMM", ("np.matmul(dYc, Vq",)),
    ("ReLU mask of D", ("np.greater(Hc, 0", "Gc *= mask")),
    ("dV GEMM dYᵀ·relu(H)", ("dV += dYc",)),
    ("backward recurrence G_{t-1} += G_t W", ("add_backward(carry", "backward(carry", "backward_scan(Gc",
                                               "np.multiply(dy @ Vq", "np.copyto(carry")),
    ("Σ G⊙H (sign gradient)", ("np.einsum(",)),
    ("dTable scatter GEMM (one-hot)", ("oh.fill", "oh[rows", "dTable += oh", "argsort", "reduceat")),
    ("dU, db (float input)", ("dUacc +=", "dbacc +=")),
]
OTHER = "other (setup, quantizers, validation, bookkeeping)"


def phase_flops(workload: dict, a: int, b: int) -> dict:
    """Arithmetic of each phase per step (FLOPs; multiply-adds count 2)."""
    T, B, n, d_in, o = workload["T"], workload["batch"], workload["n"], workload["d_in"], workload["d_out"]
    seq = workload["output"] == "sequence"
    rec = 2 * T * B * n * (a + b)
    f = {PHASES[1][0]: rec, PHASES[8][0]: rec, PHASES[9][0]: 2 * T * B * n}
    if seq:
        for i in (3, 5, 7):
            f[PHASES[i][0]] = 2 * T * B * n * o
    if workload["ids"]:
        f[PHASES[10][0]] = 2 * T * B * d_in * n
    else:
        f[PHASES[0][0]] = 2 * T * B * n * (d_in + 1)
        f[PHASES[11][0]] = 2 * T * B * n * (d_in + 1)
    return f


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workload", default="copy", choices=["copy", "smnist"])
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--chunk", type=int, default=None)
    args = ap.parse_args(argv)
    try:
        from line_profiler import LineProfiler
    except ImportError:
        print("line_profiler is needed for this benchmark: pip install line_profiler")
        return 1

    from approxbounds.models import HadamRNN
    from approxbounds.nn.hadamard import kron_split
    from approxbounds.nn.optim import adam, apply_updates
    from hadamrnn_step import WORKLOADS

    wl = dict(WORKLOADS[args.workload], ids=args.workload == "copy")
    T, B, n, d_in, d_out = wl["T"], wl["batch"], wl["n"], wl["d_in"], wl["d_out"]
    rng = np.random.default_rng(0)
    if wl["ids"]:
        x = rng.integers(0, d_in, (B, T))
    else:
        x = rng.uniform(0, 1, (B, T, d_in)).astype(np.float32)
    tgt = rng.integers(0, d_out, (B, T) if wl["output"] == "sequence" else (B,))
    kw = {} if args.chunk is None else {"chunk": args.chunk}
    model = HadamRNN(d_in, n, d_out, output=wl["output"], **kw)
    params = model.init(rng)
    opt = adam(1e-4)
    state = {"params": params, "opt": opt.init(params)}

    def loss_grad():
        return model.loss_and_grad(state["params"], x, tgt, "cross_entropy")

    def update(grads):
        upd, state["opt"] = opt.update(grads, state["opt"], state["params"])
        state["params"] = apply_updates(state["params"], upd)

    # unprofiled reference: median CPU time of whole steps, and of the Adam update alone
    for _ in range(2):
        update(loss_grad()[1])
    steps, adam_t = [], []
    for _ in range(args.steps):
        c0 = time.process_time()
        grads = loss_grad()[1]
        c1 = time.process_time()
        update(grads)
        c2 = time.process_time()
        steps.append(c2 - c0)
        adam_t.append(c2 - c1)
    step_ms = float(np.median(steps)) * 1e3
    adam_ms = float(np.median(adam_t)) * 1e3

    funcs = [HadamRNN._fill_states, HadamRNN._bptt, HadamRNN.loss_and_grad, HadamRNN._setup]
    lp = LineProfiler()
    for fn in funcs:
        lp.add_function(fn)
    prof = lp(loss_grad)
    for _ in range(args.steps):
        prof()
    stats = lp.get_stats()
    per_phase = {name: 0.0 for name, _ in PHASES}
    per_phase[OTHER] = 0.0
    nested = {"self._fill_states(", "self._bptt(", "self._setup("}   # counted inside their own functions
    sources = {}
    for fn in funcs:
        lines, start = inspect.getsourcelines(fn)
        sources[fn.__qualname__] = sources[fn.__name__] = {start + i: s for i, s in enumerate(lines)}
    for (_, _, name), timings in stats.timings.items():
        src = sources.get(name) or sources.get(name.rsplit(".", 1)[-1])
        if src is None:                      # the profiled wrapper itself
            continue
        for lineno, _hits, t in timings:
            text = src.get(lineno, "")
            if any(k in text for k in nested):
                continue
            sec = t * stats.unit / args.steps
            for phase, keys in PHASES:
                if any(k in text for k in keys):
                    per_phase[phase] += sec
                    break
            else:
                per_phase[OTHER] += sec
    prof_total = sum(per_phase.values())
    # line_profiler times wall clock (inflated on a loaded machine, plus its own per-line
    # overhead): keep its SHARES and scale them to the unprofiled CPU time of loss_and_grad
    lg_ms = step_ms - adam_ms
    ms = {k: v / prof_total * lg_ms for k, v in per_phase.items()}
    ms["Adam update"] = adam_ms
    a, b = kron_split(n)
    flops = phase_flops(wl, a, b)
    rate = sgemm_rate()
    print(machine_summary())
    print(f"workload {args.workload}: T={T} n={n} batch={B} d_in={d_in} d_out={d_out} output={wl['output']} "
          f"path={model._resolved_path()} chunk={model.chunk} (kron factors a={a}, b={b})")
    print(f"single-thread SGEMM (numpy, 1024^3): {rate:.1f} GFLOP per cpu-second")
    print(f"unprofiled step: {step_ms:.1f} ms cpu (median of {args.steps}; Adam {adam_ms:.2f} ms); the "
          f"profiled loss_and_grad took {prof_total * 1e3:.1f} ms wall per step, whose shares give the "
          f"ms column (share x {lg_ms:.1f} ms)")
    print()
    print("| phase | ms / step | share | GFLOP / step | GFLOP/s | % of SGEMM |")
    print("|---|---:|---:|---:|---:|---:|")
    for phase, t in sorted(ms.items(), key=lambda kv: -kv[1]):
        if t <= 0.0:
            continue
        fl = flops.get(phase)
        g = f"{fl / 1e9:.3f}" if fl else ""
        r = f"{fl / t / 1e6:.1f}" if fl else ""
        pct = f"{100 * fl / t / 1e6 / rate:.0f}%" if fl else ""
        print(f"| {phase} | {t:.1f} | {100 * t / step_ms:.0f}% | {g} | {r} | {pct} |")
    tf = sum(flops.values())
    print(f"| **total** | **{step_ms:.1f}** | 100% | {tf / 1e9:.3f} | {tf / step_ms / 1e6:.1f} | "
          f"{100 * tf / step_ms / 1e6 / rate:.0f}% |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
