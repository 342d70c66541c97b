"""argparse ``type=`` converters shared by every sub-command.

Each converter accepts what a user naturally types and rejects the rest with an
``argparse.ArgumentTypeError`` (argparse then prints ``error: argument --x: ...`` and exits 2).
"""
from __future__ import annotations

import argparse
from fractions import Fraction

__all__ = ["int_arg", "nonneg_int_arg", "positive_int_arg", "int_list_arg", "choices_list_arg"]


def _exact_integer(text: str) -> int:
    """``"1000"``, ``"1_000"``, ``"1e3"``, ``"2.5e3"`` -> int; ``"1.5"``, ``"1e-3"``, ``"nan"`` raise."""
    s = str(text).strip()
    try:
        return int(s)
    except ValueError:
        pass
    try:
        value = Fraction(s.replace("_", ""))
    except (ValueError, ZeroDivisionError):
        raise argparse.ArgumentTypeError(f"expected an integer (e.g. 1000 or 1e3), got {text!r}") from None
    if value.denominator != 1:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r} = {float(value):g}, "
                                         "which is not a whole number")
    return int(value)


def int_arg(text: str) -> int:
    """Any exact integer, also written in scientific notation (``1e3``)."""
    return _exact_integer(text)


def nonneg_int_arg(text: str) -> int:
    """An exact integer ``>= 0``."""
    value = _exact_integer(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected an integer >= 0, got {text!r}")
    return value


def positive_int_arg(text: str) -> int:
    """An exact integer ``>= 1``."""
    value = _exact_integer(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, got {text!r}")
    return value



def int_list_arg(text: str) -> list[int]:
    """Comma-separated exact integers >= 0 (``"0,1,2"``, ``"0, 1e1"``); at least one,
    no repeats (e.g. the seeds of a sweep)."""
    parts = [p.strip() for p in str(text).split(",")]
    if not parts or any(not p for p in parts):
        raise argparse.ArgumentTypeError(f"expected comma-separated integers such as 0,1,2, got {text!r}")
    values = [nonneg_int_arg(p) for p in parts]
    if len(set(values)) != len(values):
        raise argparse.ArgumentTypeError(f"repeated value in {text!r}")
    return values


def choices_list_arg(choices, *, what: str = "value"):
    """A converter for comma-separated names out of ``choices`` (case-insensitive), returned
    lower-case, in the given order, without repeats: ``"png,PDF"`` -> ``["png", "pdf"]``."""
    allowed = tuple(c.lower() for c in choices)

    def convert(text: str) -> list[str]:
        names = [p.strip().lower() for p in str(text).split(",")]
        bad = [n for n in names if n not in allowed]
        if bad or not names:
            raise argparse.ArgumentTypeError(
                f"unknown {what} {', '.join(map(repr, bad)) or repr(text)}; valid: {', '.join(allowed)} "
                "(comma-separated)")
        return list(dict.fromkeys(names))

    convert.__name__ = f"{what}_list"
    return convert
