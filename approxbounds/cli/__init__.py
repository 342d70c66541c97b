"""Command-line interface: ``approxbounds <command> ...`` (also ``python -m approxbounds``).

Each sub-command lives in its own module ``approxbounds.cli.<name>`` exposing
``register(subparsers)``, which adds its parser and sets ``func`` (a callable taking the
parsed namespace and returning an exit code). Heavy imports happen inside ``func`` so that
``approxbounds --help`` stays fast.

Errors that come from bad input (``ValueError``, ``TypeError``) are printed as one line
``error: <message>`` on stderr with exit code 2 and no traceback.
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys

# Order is the order shown by --help.
COMMANDS = ("capacity", "bound", "verify", "check", "report", "figures", "train")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="approxbounds",
        description="Certified approximation lower bounds for neural-network classes.",
    )
    from approxbounds import __version__

    parser.add_argument("--version", action="version", version=f"approxbounds {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"approxbounds.cli.{name}")
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "func", None) is None:
        parser.print_help()
        return 1
    try:
        return int(args.func(args) or 0)
    except (ValueError, TypeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # output piped into e.g. `head`: stop quietly, as other command-line tools do
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
