"""``approxbounds train``: train a (quantized) recurrent model on copy, s/pMNIST, s/pFashion-MNIST or
IMDB.

Every training option is a field of :class:`approxbounds.experiments.train_run.TrainConfig`; the
flags below are generated from those fields (``n_train`` → ``--n-train``; type, default and help
from the field), so the command line, the TOML files and the Python API cannot drift apart.
Precedence, lowest first: the field defaults; with ``--resume``, the configuration stored in the
run directory; the ``--config FILE.toml`` file; the explicit flags (and the positional TASK).

Writes a run directory (config.json, metrics.jsonl, checkpoint.npz, final.json; see
:mod:`approxbounds.experiments.train_run`). ``--resume`` continues the run in ``--out`` (an error
when there is none); ``approxbounds train --resume --out DIR`` alone resumes it exactly as it was
configured (add e.g. ``--steps N`` to extend it). SIGINT (Ctrl-C) or SIGTERM stop training after
the current step, write its checkpoint and print that resume command (exit code 130 / 143).
"""
from __future__ import annotations

import argparse

from approxbounds.cli._parallel import add_parallel_arguments
from approxbounds.cli._types import int_arg, int_list_arg

__all__ = ["register", "run", "add_config_arguments", "config_overrides", "resume_command"]

_NONE = "none"


def _field_specs():
    """``(field, type, default)`` for every TrainConfig field (type hints resolved)."""
    import dataclasses
    import typing

    from approxbounds.experiments.train_run import TrainConfig

    hints = typing.get_type_hints(TrainConfig)
    return [(f, hints[f.name], f.default) for f in dataclasses.fields(TrainConfig)]


def _optional(inner):
    def convert(text: str):
        return None if str(text).strip().lower() == _NONE else inner(text)
    convert.__name__ = getattr(inner, "__name__", "value")
    return convert


def _float_arg(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None


def _converter(tp):
    """argparse ``type=`` for a field type: int (also 1e3), float, str, ``X | None`` (``none``)."""
    import types
    import typing

    from approxbounds.cli._types import int_arg

    args = typing.get_args(tp)
    if isinstance(tp, types.UnionType) or typing.get_origin(tp) is typing.Union:
        inner = [a for a in args if a is not type(None)]
        if len(inner) != 1:                                     # pragma: no cover - no such field
            raise TypeError(f"unsupported field type {tp!r}")
        return _optional(_converter(inner[0]))
    if tp is int:
        return int_arg
    if tp is float:
        return _float_arg
    if tp is str:
        return str
    raise TypeError(f"unsupported field type {tp!r}")        # pragma: no cover - no such field


def add_config_arguments(parser: argparse.ArgumentParser, *, task_positional: bool = True) -> None:
    """Add one flag per :class:`TrainConfig` field (the positional TASK for ``task`` if
    ``task_positional``). Every flag defaults to ``argparse.SUPPRESS``: only the flags given on
    the command line appear in the namespace (:func:`config_overrides`), so they can override a
    configuration file or a stored run."""
    from approxbounds.experiments.train_run import MODELS, TASKS

    registries = {"TASKS": tuple(TASKS), "MODELS": tuple(MODELS)}
    for f, tp, default in _field_specs():
        choices = f.metadata.get("choices")
        if isinstance(choices, str):
            choices = registries[choices]
        shown = _NONE if default is None else default
        help_text = f"{f.metadata.get('help', f.name)} (default: {shown})"
        if f.name == "task" and task_positional:
            parser.add_argument("task", nargs="?", default=argparse.SUPPRESS, metavar="TASK",
                                help=f"one of {', '.join(choices)}; may come from --config "
                                     f"(default: {shown})")
            continue
        flag = "--" + f.name.replace("_", "-")
        if tp is bool:
            parser.add_argument(flag, dest=f.name, action=argparse.BooleanOptionalAction,
                                default=argparse.SUPPRESS, help=help_text)
        else:
            parser.add_argument(flag, dest=f.name, type=_converter(tp), choices=choices,
                                default=argparse.SUPPRESS, help=help_text,
                                metavar=None if choices else f.name.upper())


def config_overrides(args: argparse.Namespace) -> dict:
    """The TrainConfig fields given explicitly on the command line."""
    return {f.name: getattr(args, f.name) for f, _, _ in _field_specs() if hasattr(args, f.name)}


def resume_command(out) -> str:
    """The shell command that resumes the run in ``out`` exactly as configured."""
    import shlex
    return f"approxbounds train --resume --out {shlex.quote(str(out))}"


def _sweep(args, cfg, out) -> int:
    """``--seeds``: one run per seed through :func:`approxbounds.experiments.sweep.run_sweep`."""
    import json

    from approxbounds.cli._parallel import executor_from_args
    from approxbounds.experiments.sweep import run_sweep, seed_configs

    if args.resume:
        raise ValueError("--seeds resumes by itself (finished runs are kept in --out); drop --resume")
    if args.out is None:
        out = out.parent / f"{cfg.task}-{cfg.model}-seeds"
    with executor_from_args(args) as executor:
        metrics = run_sweep(seed_configs(cfg, args.seeds), out, executor, progress=args.progress)
    if args.json:
        print(json.dumps(metrics, sort_keys=True, allow_nan=False))
        return 0
    print(f"sweep directory: {out}")
    for seed, m in zip(args.seeds, metrics):
        print(f"seed {seed}: validation ce {m['val_ce']:.5g}, accuracy {m['val_accuracy']:.4f}, "
              f"{m['steps']} steps, {m['seconds']:.1f} s")
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "train", help="train a quantized/orthogonal RNN on copy, s/pMNIST, s/pFashion-MNIST or IMDB",
        description="Train one model on one task into a run directory (config.json, metrics.jsonl, "
                    "checkpoint.npz, final.json). Options come from the flags below (generated from "
                    "TrainConfig), a --config TOML file, or, with --resume, the run directory; explicit "
                    "flags win. IMDB without --data uses a SYNTHETIC stand-in, labelled as such in every "
                    "output. SIGINT/SIGTERM checkpoint the current step and print the resume command.")
    add_config_arguments(p)
    p.add_argument("--config", default=None, metavar="FILE.toml",
                   help="TOML file of TrainConfig options (flat key = value; e.g. paper_checks/configs/"
                        "copy_hadamrnn.toml); explicit flags override it")
    p.add_argument("--delay", type=int_arg, default=None,
                   help="copy task in the delay convention: delay T (length T+20); short for "
                        "--convention delay --length T; excludes --length")
    p.add_argument("--out", default=None, help="run directory (default runs/<task>-<model>-s<seed>)")
    p.add_argument("--resume", action="store_true",
                   help="continue the run in --out (an error if it holds none); its stored configuration "
                        "is the base the other options override")
    p.add_argument("--json", action="store_true", help="print the final metrics as one JSON object")
    p.add_argument("--progress", action="store_true", help="show a progress bar")
    p.add_argument("--seeds", type=int_list_arg, default=None, metavar="S1,S2,...",
                   help="a multi-seed sweep: the configuration once per seed, each in --out/<run> "
                        "(one result file per finished run, so an interrupted sweep resumes); "
                        "with --workers N or --scheduler ADDRESS on local processes or dask")
    add_parallel_arguments(p)
    p.set_defaults(func=run)


def _build_config(args):
    """(TrainConfig, out path) from the parsed arguments (precedence in the module docstring)."""
    from pathlib import Path

    from approxbounds.experiments.train_run import (
        TrainConfig,
        read_config_file,
        run_exists,
        stored_config,
    )

    explicit = config_overrides(args)
    if args.delay is not None:
        if "length" in explicit:
            raise ValueError("give either --length (total-length convention) or --delay, not both")
        if args.delay < 1:
            raise ValueError(f"--delay must be >= 1 (steps between the symbols and the marker), got {args.delay}")
        explicit.update(length=args.delay, convention="delay")
    base: dict = {}
    if args.resume:
        if args.out is None:
            raise ValueError("--resume needs --out, the run directory to continue")
        if not run_exists(args.out):
            why = "does not exist" if not Path(args.out).exists() else "holds no run (no config.json)"
            raise ValueError(f"--resume: {args.out!r} {why}; run without --resume to start a new run there")
        base.update(stored_config(args.out))
    if args.config is not None:
        table = read_config_file(args.config)
        TrainConfig.check_keys(table, where=args.config)
        base.update(table)
    if not base and "task" not in explicit:
        raise ValueError("give a TASK (copy, smnist, ...) or --config FILE.toml (or --resume --out DIR)")
    where = "command line" if args.config is None else f"{args.config} with the command-line flags"
    cfg = TrainConfig.from_dict({**base, **explicit}, where=where)
    if args.delay is not None and cfg.task != "copy":
        raise ValueError("--delay applies to the copy task only")
    out = Path(args.out) if args.out else Path("runs") / f"{cfg.task}-{cfg.model}-s{cfg.seed}"
    return cfg, out


def run(args) -> int:
    import json
    import sys

    import numpy as np

    from approxbounds.experiments.train_run import train
    from approxbounds.nn.trainer import TrainingInterrupted

    cfg, out = _build_config(args)
    if args.seeds is not None:
        return _sweep(args, cfg, out)
    if args.workers is not None or args.scheduler is not None:
        raise ValueError("--workers/--scheduler apply to a --seeds sweep only (one run trains on one core)")
    if cfg.task == "imdb" and cfg.data is None:
        print("note: IMDB data is a SYNTHETIC seeded stand-in (no --data given); results say nothing "
              "about the real benchmark", file=sys.stderr)
    try:
        # fit() checks the loss, gradients and parameters of every step and names the step of the
        # first non-finite value, so numpy's overflow/invalid warnings would only repeat it
        with np.errstate(over="ignore", invalid="ignore"):
            result = train(cfg, out, resume=args.resume, progress=args.progress)
    except FloatingPointError as exc:   # NaN/inf loss, gradient or parameter: a run-time failure
        print(f"error: training diverged: {exc} (try a smaller --lr in a new run directory; {out} keeps "
              "the last checkpoint written before the failure, if any)", file=sys.stderr)
        return 1
    except TrainingInterrupted as exc:
        print(f"{exc}\nresume with: {resume_command(out)}", file=sys.stderr)
        return exc.exit_code
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
        line += (f" (recall window); memoryless baseline {m['baseline']:.5g} "
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
