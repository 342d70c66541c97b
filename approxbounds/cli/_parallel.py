"""The ``--workers N`` / ``--scheduler ADDRESS`` options shared by every sweeping command.

``add_parallel_arguments(parser)`` adds them; ``executor_from_args(args)`` is a context
manager yielding the executor (``None`` for a serial run) of :func:`approxbounds.parallel.open_executor`.
"""
from __future__ import annotations

from approxbounds.cli._types import positive_int_arg

__all__ = ["add_parallel_arguments", "executor_from_args"]


def add_parallel_arguments(parser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--workers", type=positive_int_arg, default=None, metavar="N",
                       help="run the sweep on N local worker processes (default: serial)")
    group.add_argument("--scheduler", default=None, metavar="ADDRESS",
                       help="run the sweep on a dask distributed scheduler, e.g. tcp://host:8786 "
                            "(needs approxbounds[distributed] on every worker)")


def executor_from_args(args):
    from approxbounds.parallel import open_executor

    return open_executor(workers=args.workers, scheduler=args.scheduler)
