"""One MLP training step (forward, MSE loss, backward, Adam update): numpy vs torch.

Candidates, measured interleaved in the same run, one BLAS thread, float32:

* pkg    -- the package path, exactly what ``fit`` runs: ``trainer.default_grad_fn`` (MLP
            forward, ``losses.mse``, backward without the unneeded input gradient), the pure
            ``optim.adam`` update, ``apply_updates(..., inplace=True)`` on fit's own copy;
* pkg_inplace -- the same with ``adam(..., inplace=True)`` (moments updated in place);
* inline -- the same maths written as one numpy function with in-place ufuncs and a fused
            Adam update (the floor numpy can reach; shows the package's overhead);
* torch  -- ``nn.Sequential`` of ``nn.Linear``/``nn.ReLU``, ``nn.MSELoss``, ``torch.optim.Adam``
            (default implementation), ``zero_grad`` + ``backward`` + ``step``.

Workloads (``--config``): ``deep`` = 2 -> 35 x 9 -> 1 (the design document's example
architecture), batch 256; ``wide`` = 784 -> 256 -> 256 -> 10, batch 128. Prints times and
ratios per workload (wall-clock and process CPU time), then three summary lines, each the
worse of the workloads run: ``ratio_vs_torch_pure_adam=<x> (cpu <y>)`` for ``pkg`` (the
default, pure ``adam``), ``ratio_vs_torch_cpu=<x>`` and, LAST, ``ratio_vs_torch=<x>`` for
``pkg_inplace`` (``fit`` with ``adam(..., inplace=True)``, the documented fast configuration),
from CPU-time and wall-clock medians respectively.
Run: ``python benchmarks/mlp_step.py [--config deep|wide|both] [--repeats 15] [--inner N]``.
"""
from __future__ import annotations

import argparse
import sys
import time

from _common import import_torch, pin_threads, time_interleaved, torch_machine_summary

pin_threads(1)

import numpy as np  # noqa: E402

CONFIGS = {"deep": (2, [35] * 9, 1, 256), "wide": (784, [256, 256], 10, 128)}
LR, B1, B2, EPS = 1e-3, 0.9, 0.999, 1e-8


def make_inline_step(Ws, bs):
    """A hand-fused numpy training step on lists of (n_in, n_out) weights and biases."""
    L = len(Ws)
    m = [np.zeros_like(p) for p in Ws + bs]
    v = [np.zeros_like(p) for p in Ws + bs]
    state = {"t": 0}

    def step(x, target):
        acts = [x]
        a = x
        for i in range(L):
            z = a @ Ws[i]
            z += bs[i]
            if i < L - 1:
                np.maximum(z, 0, out=z)
            acts.append(z)
            a = z
        d = a - target
        d *= 2.0 / d.size
        grads_W, grads_b = [None] * L, [None] * L
        for i in range(L - 1, -1, -1):
            grads_W[i] = acts[i].T @ d
            grads_b[i] = d.sum(axis=0)
            if i:
                d = d @ Ws[i].T
                d *= acts[i] > 0
        state["t"] += 1
        t = state["t"]
        step_size = LR * np.sqrt(1 - B2 ** t) / (1 - B1 ** t)
        eps_hat = EPS * np.sqrt(1 - B2 ** t)  # same update as Adam's eps on the corrected v
        for p, g, mi, vi in zip(Ws + bs, grads_W + grads_b, m, v):
            mi *= B1
            mi += (1 - B1) * g
            vi *= B2
            g *= g
            g *= (1 - B2)
            vi += g
            np.sqrt(vi, out=g)
            g += eps_hat
            np.divide(mi, g, out=g)
            g *= step_size
            p -= g

    return step


def bench(name, cfg, repeats, warmup, torch, inner=None, seed=0):
    from approxbounds.nn.losses import mse
    from approxbounds.nn.mlp import MLP
    from approxbounds.nn.optim import adam, apply_updates
    from approxbounds.nn.trainer import default_grad_fn
    from approxbounds.nn.tree import tree_map

    d_in, hidden, d_out, B = cfg
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((B, d_in)).astype(np.float32)
    target = rng.standard_normal((B, d_out)).astype(np.float32)

    model = MLP(d_in, hidden, d_out, activation="relu", dtype="float32")
    params = model.init(rng)
    grad_fn = default_grad_fn(model, mse)       # exactly the step body of ``fit``

    def make_pkg(opt):
        own = tree_map(np.array, params)            # fit trains a private copy, updated in place
        box = {"params": own, "state": opt.init(own)}

        def step():
            _, grads, _ = grad_fn(box["params"], (x, target))
            updates, box["state"] = opt.update(grads, box["state"], box["params"])
            box["params"] = apply_updates(box["params"], updates, inplace=True)
        return step, box

    pkg, box = make_pkg(adam(LR, B1, B2, EPS))
    pkg_inplace, box_inplace = make_pkg(adam(LR, B1, B2, EPS, inplace=True))

    dense_keys = sorted(k for k in params if "W" in params[k])
    Ws = [params[k]["W"].copy() for k in dense_keys]
    bs = [params[k]["b"].copy() for k in dense_keys]
    inline_step = make_inline_step(Ws, bs)

    def inline():
        inline_step(x, target)

    torch.manual_seed(seed)
    widths = [d_in, *hidden, d_out]
    mods = []
    for i in range(len(widths) - 1):
        lin = torch.nn.Linear(widths[i], widths[i + 1])
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(Ws[i].T.copy()))
            lin.bias.copy_(torch.from_numpy(bs[i]))
        mods.append(lin)
        if i < len(widths) - 2:
            mods.append(torch.nn.ReLU())
    net = torch.nn.Sequential(*mods)
    topt = torch.optim.Adam(net.parameters(), lr=LR, betas=(B1, B2), eps=EPS)
    lossf = torch.nn.MSELoss()
    xt, tt = torch.from_numpy(x), torch.from_numpy(target)

    def torch_step():
        topt.zero_grad(set_to_none=True)
        loss = lossf(net(xt), tt)
        loss.backward()
        topt.step()

    # all candidates take the same first step from the same weights
    pkg()
    pkg_inplace()
    inline()
    torch_step()
    for i, k in enumerate(dense_keys):
        w_torch = net[2 * i].weight.detach().numpy().T
        for label, w in (("pkg", box["params"][k]["W"]), ("pkg_inplace", box_inplace["params"][k]["W"]),
                         ("inline", Ws[i])):
            err = float(np.max(np.abs(w - w_torch)))
            if not err <= 1e-5:
                print(f"{name}: first-step weights {k} of {label} differ from torch by {err:.3g}",
                      file=sys.stderr)
                return None
        if not np.array_equal(box["params"][k]["W"], box_inplace["params"][k]["W"]):
            print(f"{name}: adam(inplace=True) is not bitwise equal to the pure adam", file=sys.stderr)
            return None

    # One timed sample = ``inner`` consecutive steps (~30 ms of CPU time): on a loaded machine
    # a process loses the CPU for whole scheduler slices (~4 ms), which would add a
    # step-length-dependent constant to single-step wall times and squash the ratios.
    if inner is None:
        c0 = time.process_time()
        for _ in range(5):
            torch_step()
        inner = max(1, round(0.03 / max((time.process_time() - c0) / 5, 1e-6)))
    fns = {"pkg": pkg, "pkg_inplace": pkg_inplace, "inline": inline, "torch": torch_step}
    med, cpu = time_interleaved({k: (lambda f=f: [f() for _ in range(inner)]) for k, f in fns.items()},
                                repeats=repeats, warmup=warmup, cpu=True)
    med = {k: v / inner for k, v in med.items()}
    cpu = {k: v / inner for k, v in cpu.items()}
    print(f"[{name}] {d_in} -> {'x'.join(map(str, hidden))} -> {d_out}, batch {B}, float32, "
          f"median of {repeats} interleaved repeats of {inner} steps")
    for k, s in med.items():
        print(f"  {k:11s} {s * 1e3:8.3f} ms wall {cpu[k] * 1e3:8.3f} ms cpu   "
              f"/torch {s / med['torch']:.3f} wall {cpu[k] / cpu['torch']:.3f} cpu")
    return {k: (med[k] / med["torch"], cpu[k] / cpu["torch"]) for k in ("pkg", "pkg_inplace")}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", choices=[*CONFIGS, "both"], default="both")
    ap.add_argument("--repeats", type=int, default=15)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--inner", type=int, default=None,
                    help="steps per timed sample (default: enough for ~25 ms of torch steps)")
    args = ap.parse_args(argv)
    torch = import_torch(1)
    if torch is None:
        return 2
    print(torch_machine_summary(torch))
    names = list(CONFIGS) if args.config == "both" else [args.config]
    ratios = []
    for name in names:
        r = bench(name, CONFIGS[name], args.repeats, args.warmup, torch, inner=args.inner)
        if r is None:
            return 1
        ratios.append(r)
    worst = {k: (max(r[k][0] for r in ratios), max(r[k][1] for r in ratios)) for k in ("pkg", "pkg_inplace")}
    print(f"ratio_vs_torch_pure_adam={worst['pkg'][0]:.3f} (cpu {worst['pkg'][1]:.3f})")
    print(f"ratio_vs_torch_cpu={worst['pkg_inplace'][1]:.3f}")
    print(f"ratio_vs_torch={worst['pkg_inplace'][0]:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
