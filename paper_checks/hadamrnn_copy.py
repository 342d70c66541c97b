"""Paper check: binary-W HadamRNN with 4-bit U, V solves the copy task.

Claim (HadamRNN, Foucault et al., ICLR 2025, official configs; reference rnn.md §1/§5): a
HadamRNN with n = 128, W = diag(sgn u) S_n/sqrt(n) (binary), 4-bit U and V solves the copy
task. "Solves" is made measurable here as: validation cross-entropy below 5 % of the
memoryless baseline K ln 8 / S (K = 10), on fresh sequences.

Default mode: total length S = 120 (T = 100), n = 128, batch 128, Adam lr 3e-4, trained in
segments of --segment steps (resumed from the run directory, so an interrupted check picks up
where it stopped) until the criterion holds or the step/time budget is spent (default: at most
10 minutes). ``--long``: S = 1020, the paper's 1000-step claim; prints time and result (an hour
or more on a 2-core CPU with the default settings: rnn.md §5).

Options for the long task (measured on this 2-core machine, see the session report):

* ``--lr-decay G --decay-every N``: StepLR, the learning rate times G every N steps.
* ``--u-lr-scale F``: the Adam step of the sign parameters ``u`` is multiplied by F (the other
  parameters keep ``--lr``). Every sign flip of u changes W^k for all large k at once, so at
  length 1020 a learning rate high enough for U, V, b, c makes W jump around; F = 0.1 with
  lr 1e-3 keeps u at the paper's rate (1e-4) while U, V, b, c learn 10x faster; F = 0 freezes
  W's signs at their random initialisation. Passed to
  :func:`approxbounds.experiments.train_run.train` as ``TrainConfig.u_lr_scale`` (also
  ``approxbounds train --u-lr-scale``); F = 1 (the default) is plain Adam.

Exit code 0 on PASS, 1 on FAIL.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import verdict  # noqa: E402  (sets one BLAS thread before numpy loads)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--long", action="store_true", help="total length 1020 (paper's 1000-step claim)")
    ap.add_argument("--length", type=int, default=None, help="override the total length S")
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--lr", type=float, default=3e-4)
    ap.add_argument("--lr-decay", type=float, default=1.0, help="StepLR factor (default 1: constant)")
    ap.add_argument("--decay-every", type=int, default=4000, help="StepLR period in steps")
    ap.add_argument("--u-lr-scale", type=float, default=1.0,
                    help="multiply the Adam step of the sign parameters u by this (default 1)")
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--n-val", type=int, default=1000, help="fresh validation sequences")
    ap.add_argument("--max-steps", type=int, default=None, help="default 12000 (long: 40000)")
    ap.add_argument("--segment", type=int, default=500, help="steps between validations")
    ap.add_argument("--minutes", type=float, default=None, help="time budget (default 10; long: 240)")
    ap.add_argument("--out", default=None, help="run directory (default: a temporary one)")
    args = ap.parse_args(argv)
    if not 0.0 <= args.u_lr_scale < float("inf"):
        ap.error(f"--u-lr-scale must be finite and >= 0, got {args.u_lr_scale}")

    from approxbounds.experiments.train_run import TrainConfig, train

    length = args.length or (1020 if args.long else 120)
    max_steps = args.max_steps or (40000 if args.long else 12000)
    budget = 60 * (args.minutes if args.minutes is not None else (240 if args.long else 10))
    threshold = 0.05
    out = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="hadamrnn_copy_")) / "run"
    sched = "" if args.lr_decay == 1.0 else f" x{args.lr_decay} every {args.decay_every} steps"
    uscale = "" if args.u_lr_scale == 1.0 else f", u step x{args.u_lr_scale}"
    print(f"HadamRNN copy task: S={length}, n={args.hidden}, binary W, 4-bit U/V, batch {args.batch}, "
          f"lr {args.lr}{sched}{uscale}, seed {args.seed}; run directory {out}")
    t0 = time.perf_counter()
    steps, m = 0, None
    resume = out.joinpath("config.json").exists()
    if resume and out.joinpath("checkpoint.npz").exists():   # continue where an earlier call stopped
        from approxbounds.nn.checkpoint import load_checkpoint
        steps = load_checkpoint(out / "checkpoint.npz").step
    while m is None or steps < max_steps:      # at least one call (it only evaluates when done)
        steps = max(steps, min(max_steps, steps + args.segment))
        cfg = TrainConfig(task="copy", model="hadamrnn", hidden=args.hidden, bits=4, length=length,
                          steps=steps, batch=args.batch, lr=args.lr, lr_decay=args.lr_decay,
                          decay_every=args.decay_every, seed=args.seed, n_val=args.n_val,
                          checkpoint_every=args.segment, log_every=50, u_lr_scale=args.u_lr_scale)
        m = train(cfg, out, resume=resume).metrics
        resume = True
        steps = m["steps"]
        elapsed = time.perf_counter() - t0
        print(f"  step {steps:6d}  val CE {m['val_ce']:.5f}  = {m['val_ce_over_baseline']:.4f} x baseline "
              f"({m['baseline']:.5f})  recall acc {m['val_recall_accuracy']:.4f}  [{elapsed:.0f} s]", flush=True)
        if m["val_ce_over_baseline"] < threshold:
            break
        if elapsed > budget:
            print(f"  time budget of {budget / 60:.0f} min spent")
            break
    elapsed = time.perf_counter() - t0
    claim = (f"binary-W HadamRNN (n={args.hidden}) with 4-bit U, V solves the copy task of total length "
             f"{length}: validation CE < {threshold:.0%} of the memoryless baseline K ln8/S")
    meas = (f"val CE {m['val_ce']:.5f} = {m['val_ce_over_baseline']:.4f} x baseline {m['baseline']:.5f}, "
            f"recall accuracy {m['val_recall_accuracy']:.4f}, after {steps} steps in {elapsed:.0f} s "
            f"(seed {args.seed}, single run)")
    return verdict(claim, meas, m["val_ce_over_baseline"] < threshold)


if __name__ == "__main__":
    raise SystemExit(main())
