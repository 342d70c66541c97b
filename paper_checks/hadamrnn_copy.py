"""Paper check: binary-W HadamRNN with 4-bit U, V solves the copy task.

Claim (HadamRNN, Foucault et al., ICLR 2025; reference rnn.md §1/§5): a HadamRNN with n = 128,
W = diag(sgn u) S_n/sqrt(n) (binary), 4-bit U and V solves the copy task. "Solves" is made
measurable here as: validation cross-entropy below 5 % of the memoryless baseline K ln 8 / S
(K = 10), on fresh sequences.

Settings come from a TOML file of ``paper_checks/configs`` (``--config``; every TrainConfig field
can be overridden by its flag, e.g. ``--seed 3``):

* default ``configs/copy120_hadamrnn.toml``: total length S = 120 (T = 100), n = 128, batch 128,
  Adam lr 3e-4, u trained; at most 10 minutes by default.
* ``--long`` = ``configs/copy1020_frozen_u.toml``: S = 1020, batch 64, lr 1e-3 x0.7 every 5,000
  steps, **u frozen** (``u_lr_scale = 0``: W's signs stay at their random initialisation), the
  fast setting of docs/rnn.md §5. The official recipe with u trained is
  ``hadamrnn_copy_official.py``.

Training runs in segments of ``--segment`` steps (resumed from the run directory, so an
interrupted check picks up where it stopped; SIGINT/SIGTERM checkpoint the current step) until
the criterion holds or the step/time budget is spent.

Exit code 0 on PASS, 1 on FAIL.
"""
from __future__ import annotations

import dataclasses
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (  # noqa: E402  (sets one BLAS thread before numpy loads)
    CONFIGS, config_parser, load_config, report_interruption, verdict,
)


def main(argv=None) -> int:
    ap = config_parser(__doc__.splitlines()[0], "copy120_hadamrnn.toml")
    ap.add_argument("--long", action="store_true",
                    help="use configs/copy1020_frozen_u.toml (total length 1020, u frozen) unless --config is given")
    ap.add_argument("--segment", type=int, default=500, help="steps between validations")
    ap.add_argument("--minutes", type=float, default=None, help="time budget (default 10; long: 240)")
    ap.add_argument("--out", default=None, help="run directory (default: a temporary one)")
    argv = sys.argv[1:] if argv is None else list(argv)
    if "--long" in argv and not any(a == "--config" or a.startswith("--config=") for a in argv):
        argv = argv + ["--config", str(CONFIGS / "copy1020_frozen_u.toml")]
    args = ap.parse_args(argv)

    from approxbounds.experiments.train_run import run_exists, train
    from approxbounds.nn.checkpoint import load_latest_checkpoint
    from approxbounds.nn.trainer import TrainingInterrupted

    base = load_config(args)
    budget = 60 * (args.minutes if args.minutes is not None else (240 if args.long else 10))
    threshold = 0.05
    out = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="hadamrnn_copy_")) / "run"
    sched = "" if base.lr_decay == 1.0 else f" x{base.lr_decay} every {base.decay_every} steps"
    uscale = "" if base.u_lr_scale == 1.0 else f", u step x{base.u_lr_scale}"
    length = base.length if base.convention == "total" else base.length + 20
    print(f"HadamRNN copy task ({Path(args.config).name}): S={length}, n={base.hidden}, binary W, "
          f"{base.bits}-bit U/V, batch {base.batch}, lr {base.lr}{sched}{uscale}, seed {base.seed}; "
          f"run directory {out}")
    t0 = time.perf_counter()
    steps, m = 0, None
    if run_exists(out) and out.joinpath("checkpoint.npz").exists():   # continue where an earlier call stopped
        steps = load_latest_checkpoint(out / "checkpoint.npz").step
    while m is None or steps < base.steps:      # at least one call (it only evaluates when done)
        steps = max(steps, min(base.steps, steps + args.segment))
        try:
            m = train(dataclasses.replace(base, steps=steps), out, resume=run_exists(out)).metrics
        except TrainingInterrupted as exc:
            return report_interruption(exc)
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
    claim = (f"binary-W HadamRNN (n={base.hidden}) with {base.bits}-bit U, V solves the copy task of total "
             f"length {length}: validation CE < {threshold:.0%} of the memoryless baseline K ln8/S")
    meas = (f"val CE {m['val_ce']:.5f} = {m['val_ce_over_baseline']:.4f} x baseline {m['baseline']:.5f}, "
            f"recall accuracy {m['val_recall_accuracy']:.4f}, after {steps} steps in {elapsed:.0f} s "
            f"(seed {base.seed}, single run)")
    return verdict(claim, meas, m["val_ce_over_baseline"] < threshold)


if __name__ == "__main__":
    raise SystemExit(main())
