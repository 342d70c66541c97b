"""``approxbounds check [--json] [--only NAME ...] [--seed S] [--list] [--workers N | --scheduler
ADDRESS]``: numeric checks of every proof step (see :mod:`approxbounds.checks`).

Prints a table (status, check name, claim, numbers) or, with ``--json``, one JSON object
``{"passed", "n_checks", "n_failed", "seed", "results": [...]}``. Exit code 0 when every
check passes, 1 when any fails.
"""
from __future__ import annotations

from approxbounds.cli._parallel import add_parallel_arguments, executor_from_args
from approxbounds.cli._types import nonneg_int_arg

__all__ = ["register", "run"]


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "check", help="numeric checks of every proof step (PASS/FAIL table)",
        description="Run the numeric checks of each proof step (clipping, tail bounds, "
                    "Sauer-Shelah, Varshamov-Gilbert, packings, bump norms, Theorems C/L/S by "
                    "brute force, capacity sign patterns, certificates at 50 digits, "
                    "Yarotsky's gadget). Exit code 1 if any check fails.")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--only", nargs="+", metavar="NAME", default=None,
                        help="run only these checks (see --list)")
    parser.add_argument("--seed", type=nonneg_int_arg, default=0, help="random seed (default 0)")
    parser.add_argument("--list", action="store_true", help="list the check names and exit")
    add_parallel_arguments(parser)
    parser.set_defaults(func=run)


def run(args) -> int:
    import json

    from approxbounds.checks.registry import (
        CHECKS,
        all_passed,
        format_table,
        results_to_json,
        run_checks,
    )

    if args.list:
        for name, (_, _, what) in CHECKS.items():
            print(f"{name:<18} {what}")
        return 0
    with executor_from_args(args) as executor:
        results = run_checks(args.only, seed=args.seed, executor=executor)
    if args.json:
        print(json.dumps(results_to_json(results, args.seed), indent=2, allow_nan=False))
    else:
        print(format_table(results))
    return 0 if all_passed(results) else 1
