"""Shared helpers of the paper_checks scripts: one-thread BLAS, the PASS/FAIL verdict, and the
configuration files of ``paper_checks/configs/`` (the papers' settings as TOML files read by
:meth:`approxbounds.experiments.train_run.TrainConfig.from_toml`).

A script takes ``--config FILE`` (default: its own file in ``configs/``) plus one override flag
per :class:`~approxbounds.experiments.train_run.TrainConfig` field (``--seed 3``, ``--steps 500``,
``--u-lr-scale 0``...; the same flags ``approxbounds train`` generates), so no script keeps its
own copy of the training options.
"""
from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

#: directory of the TOML configurations
CONFIGS = Path(__file__).resolve().parent / "configs"


def fmt_ci(ci) -> str:
    """A confidence interval ``(lo, hi)`` for a table cell (``-`` when there is none)."""
    return "-" if ci is None else f"[{ci[0]:.3g}, {ci[1]:.3g}]"


def verdict(claim: str, measurement: str, passed: bool) -> int:
    """Print claim, measurement and PASS/FAIL; return the exit code (0 pass, 1 fail)."""
    print(f"claim:       {claim}")
    print(f"measured:    {measurement}")
    print(f"result:      {'PASS' if passed else 'FAIL'}")
    return 0 if passed else 1


def config_parser(description: str, default_config: str):
    """An ``ArgumentParser`` with ``--config`` (default ``configs/<default_config>``) and one
    override flag per TrainConfig field (``--task`` included)."""
    import argparse

    from approxbounds.cli.train import add_config_arguments

    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--config", default=str(CONFIGS / default_config),
                    help=f"TOML file of training options (default: configs/{default_config})")
    add_config_arguments(ap, task_positional=False)
    return ap


def load_config(args):
    """The TrainConfig of ``args.config`` with the explicitly given override flags applied."""
    from approxbounds.cli.train import config_overrides
    from approxbounds.experiments.train_run import TrainConfig

    return TrainConfig.from_toml(args.config, **config_overrides(args))


def rerun_command() -> str:
    """The command line of this script, to print after an interruption (it resumes)."""
    return " ".join(shlex.quote(a) for a in [sys.executable, *sys.argv])


def report_interruption(exc) -> int:
    """Print a SIGINT/SIGTERM stop (:class:`approxbounds.nn.trainer.TrainingInterrupted`) and
    the command that resumes; return its exit code."""
    print(f"{exc}\nresume with: {rerun_command()}", file=sys.stderr, flush=True)
    return exc.exit_code
