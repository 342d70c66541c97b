"""The value object every capacity bound returns, and its JSON form.

JSON: :mod:`approxbounds._json` (the package's one policy for exact values).
"""
from __future__ import annotations

import copy
import math
import numbers
from dataclasses import dataclass, field

from approxbounds._json import (
    EXACT_SUFFIX,
    JSON_EXACT_INT,
    decimal_digits,
    exact_int_str,
    float_up,
    read_exact,
    short_int_str,
    to_json,
)
from approxbounds._validation import check_choice
from approxbounds.display import RichDisplay

__all__ = ["Bound", "LightBound", "QUANTITIES", "TAGS", "float_up", "exact_int_str", "short_int_str",
           "decimal_digits", "read_exact",
           "JSON_EXACT_INT", "EXACT_SUFFIX"]

QUANTITIES = ("vcdim", "pdim", "log2_growth", "log2_size", "pieces")
TAGS = ("V", "P", "R")


@dataclass(frozen=True)
class Bound(RichDisplay):
    """An upper bound on a capacity quantity, with its provenance.

    Parameters
    ----------
    quantity : {"vcdim", "pdim", "log2_growth", "log2_size", "pieces"}
        What is bounded. Growth functions and class sizes are given in log2; ``pieces`` is
        the number of affine pieces of a one-dimensional network
        (:mod:`approxbounds.capacity.pieces`).
    method : str
        Name of the formula (e.g. ``"bhlm2019_thm7"``).
    value : float
        The bound (finite). An exact int or Fraction is converted with :func:`float_up`
        (rounded upward, so the stored float is still an upper bound).
    tag : {"V", "P", "R"}
        Provenance as explained in ``docs/theory.md`` (and docs/capacity.md): only V and
        P are certified;
        R is "rate only".
    source : str
        Citation.
    ingredients : dict
        Every input of the formula (exact ints/Fractions allowed; :meth:`to_dict` makes them
        JSON-friendly, see the module notes).
    """

    quantity: str
    method: str
    value: float
    tag: str
    source: str
    ingredients: dict = field(default_factory=dict)

    def __post_init__(self):
        check_choice("quantity", self.quantity, QUANTITIES)
        check_choice("tag", self.tag, TAGS)
        for name in ("method", "source"):
            if not isinstance(getattr(self, name), str):
                raise TypeError(f"{name} must be a string, got "
                                f"{type(getattr(self, name)).__name__}")
        if not isinstance(self.ingredients, dict):
            raise TypeError(f"ingredients must be a dict, got {type(self.ingredients).__name__}")
        value = self.value
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(f"value must be a real number, got {value!r} "
                            f"({type(value).__name__})")
        if isinstance(value, numbers.Integral):
            value = int(value)  # numpy ints: exact comparisons in float_up
        try:
            v = float_up(value) if isinstance(value, numbers.Rational) else float(value)
        except OverflowError:
            raise ValueError(f"value must be a finite float (|value| < 1.8e308), got an "
                             f"exact number of about 10^{decimal_digits(int(value)) - 1} for "
                             f"{self.method}") from None
        if not math.isfinite(v):
            raise ValueError(f"bound value must be finite, got {v} for {self.method}")
        object.__setattr__(self, "value", v)

    @property
    def certified(self) -> bool:
        return self.tag in ("V", "P")


    def copy(self) -> "Bound":
        """A copy whose ``ingredients`` (deep-copied) can be edited freely."""
        return Bound(self.quantity, self.method, self.value, self.tag, self.source,
                     copy.deepcopy(self.ingredients))

    def to_dict(self) -> dict:
        """JSON-ready dict; see the module notes for huge ints, Fractions and non-finite
        floats (``key`` numeric, ``key_exact`` exact string)."""
        return {"quantity": self.quantity, "method": self.method, "value": self.value,
                "tag": self.tag, "certified": self.certified, "source": self.source,
                "ingredients": to_json(self.ingredients)}


class LightBound:
    """A :class:`Bound` look-alike without validation, for the hot loop of scale searches
    (``quantity`` is ``"log2_growth"``, ``tag`` ``"P"``): the growth models of
    :mod:`approxbounds.capacity.growth` and :mod:`approxbounds.capacity.recurrent_bounds`
    return it from ``fast(N)``; certificates convert it with :meth:`to_dict`."""

    __slots__ = ("quantity", "method", "value", "tag", "source", "ingredients")

    def __init__(self, method, value, source, ingredients):
        self.quantity = "log2_growth"
        self.method = method
        self.value = value
        self.tag = "P"
        self.source = source
        self.ingredients = ingredients

    def to_dict(self) -> dict:
        return {"quantity": self.quantity, "method": self.method, "value": self.value,
                "tag": self.tag, "certified": True, "source": self.source,
                "ingredients": dict(self.ingredients)}
