"""Command-line interface: ``approxbounds [-q|-v] <command> ...`` (also ``python -m approxbounds``).

Each sub-command lives in its own module ``approxbounds.cli.<name>`` exposing
``register(subparsers)``, which adds its parser and sets ``func`` (a callable taking the
parsed namespace and returning an exit code). Heavy imports happen inside ``func`` so that
``approxbounds --help`` stays fast.

``-q``/``--quiet`` and ``-v``/``--verbose`` are accepted before or after the command and
add up (``args.verbosity = #v - #q``): ``-q`` shows errors only and no progress bars, the
default shows warnings, ``-v`` the library's log lines (``logging`` INFO) and ``-vv`` debug
lines and the traceback of an error. Library code never prints; it logs to the
``approxbounds`` logger, which :func:`configure_logging` connects to stderr.

Errors that come from bad input (``ValueError``, ``TypeError``) are printed as one line
``error: <message>`` on stderr with exit code 2 and no traceback; a file-system error
(``OSError``, e.g. a full disk) as ``error: <message>`` with exit code 1.
"""
from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys

__all__ = ["COMMANDS", "build_parser", "main", "configure_logging"]

# Order is the order shown by --help.
COMMANDS = ("capacity", "bound", "band", "verify", "check", "report", "figures", "train")

_LEVELS = {-1: logging.ERROR, 0: logging.WARNING, 1: logging.INFO, 2: logging.DEBUG}


def _add_verbosity(parser, prefix: str) -> None:
    # sub-command copies default to 0 and are summed with the top-level ones
    parser.add_argument("-q", "--quiet", action="count", default=0, dest=f"{prefix}quiet",
                        help="less output: errors only, no progress bars")
    parser.add_argument("-v", "--verbose", action="count", default=0, dest=f"{prefix}verbose",
                        help="more output: -v log lines, -vv debug lines and tracebacks")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="approxbounds",
        description="Certified approximation lower bounds for neural-network classes.",
    )
    from approxbounds import __version__

    parser.add_argument("--version", action="version", version=f"approxbounds {__version__}")
    _add_verbosity(parser, "")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"approxbounds.cli.{name}")
        module.register(sub)
    for subparser in sub.choices.values():
        _add_verbosity(subparser, "sub_")
    return parser


class _CLIHandler(logging.StreamHandler):
    """The stderr handler installed by :func:`configure_logging` (replaced on every call)."""


def configure_logging(verbosity: int = 0) -> logging.Logger:
    """Connect the ``approxbounds`` logger to the current ``sys.stderr``.

    ``verbosity`` <= -1: errors only; 0: warnings; 1: info; >= 2: debug. Returns the logger.
    """
    logger = logging.getLogger("approxbounds")
    for handler in list(logger.handlers):
        if isinstance(handler, _CLIHandler):
            logger.removeHandler(handler)
    level = _LEVELS[max(-1, min(2, int(verbosity)))]
    handler = _CLIHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(
        "%(levelname)s %(name)s: %(message)s" if level <= logging.DEBUG else "%(levelname)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(level)
    return logger


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.verbosity = (args.verbose + getattr(args, "sub_verbose", 0)
                      - args.quiet - getattr(args, "sub_quiet", 0))
    logger = configure_logging(args.verbosity)
    if getattr(args, "func", None) is None:      # a usage error, as argparse's own: exit 2
        parser.print_help(sys.stderr)
        print("error: a command is required (see the list above)", file=sys.stderr)
        return 2
    try:
        return int(args.func(args) or 0)
    except (ValueError, TypeError) as exc:
        logger.debug("traceback of the error below", exc_info=True)
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # output piped into e.g. `head`: stop quietly, as other command-line tools do
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 0
    except OSError as exc:
        logger.debug("traceback of the error below", exc_info=True)
        where = f": {exc.filename}" if getattr(exc, "filename", None) else ""
        print(f"error: {exc.strerror or exc}{where}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
