"""Argument validation shared by every public function.

Every public entry point validates its inputs with these helpers so that bad input
raises a ``ValueError`` or ``TypeError`` naming the parameter and its allowed range,
never a NaN or an overflow further down.
"""
from __future__ import annotations

import math
import numbers
from typing import Iterable

__all__ = ["check_int", "check_real", "check_choice", "check_probability", "check_bool", "is_finite_real"]


def check_int(name: str, value, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """Return ``value`` as a Python ``int`` after checking type and range.

    Booleans and non-integral floats are rejected (``TypeError``); integral floats such as
    ``3.0`` are rejected too, because a width of ``3.0`` is almost always a bug upstream.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r} ({type(value).__name__})")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum}, got {value}")
    return value


def is_finite_real(value) -> bool:
    """``value`` is a real number (not a ``bool``) that is finite as a double: ``False`` for
    NaN, infinities and integers beyond the double range (no ``OverflowError``)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def check_real(
    name: str,
    value,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """Return ``value`` as a finite ``float`` in the given interval.

    ``low``/``high`` are inclusive unless ``low_open``/``high_open`` is set. ``high`` may be
    ``math.inf`` to allow any finite value above ``low``.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r} ({type(value).__name__})")
    try:
        value = float(value)
    except OverflowError:       # an int (or Fraction) beyond the double range
        raise ValueError(f"{name} must be finite, got a number beyond the double range (~1.8e308)") from None
    if math.isnan(value):
        raise ValueError(f"{name} must not be NaN")
    if math.isinf(value) and not (high == math.inf and value == math.inf and not high_open):
        raise ValueError(f"{name} must be finite, got {value}")
    lo_txt = "(" if low_open else "["
    hi_txt = ")" if high_open else "]"
    interval = f"{lo_txt}{'-inf' if low is None else low}, {'inf' if high is None else high}{hi_txt}"
    if low is not None and (value < low or (low_open and value == low)):
        raise ValueError(f"{name} must lie in {interval}, got {value}")
    if high is not None and (value > high or (high_open and value == high)):
        raise ValueError(f"{name} must lie in {interval}, got {value}")
    return value


def check_probability(name: str, value) -> float:
    """A real number in the open interval (0, 1)."""
    return check_real(name, value, low=0.0, high=1.0, low_open=True, high_open=True)


def check_choice(name: str, value, choices: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``choices``; otherwise list the valid ones."""
    choices = list(choices)
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"unknown {name} {value!r}; valid values: {', '.join(map(str, choices))}")
    return value


def check_bool(name: str, value) -> bool:
    """Return ``value`` if it is a ``bool``; anything else (``0``, ``"yes"``) is a ``TypeError``."""
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool (True or False), got {value!r}")
    return value
