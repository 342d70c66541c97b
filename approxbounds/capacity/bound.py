"""The value object every capacity bound returns, and its JSON form.

JSON convention (:meth:`Bound.to_dict`)
---------------------------------------
Numeric fields are always JSON numbers (or ``null``), never strings, so that consumers can
compare and plot them directly. Where a number is not exactly representable as an IEEE
double -- which is what most JSON readers (JavaScript, ``jq``, many C/Go decoders) turn every
number into -- the exact form is added next to it as a string:

* an integer with ``|n| > 2**53`` (beyond the interoperable range of RFC 8259, §6):
  ``key`` holds the nearest double (``null`` if it exceeds the double range, about
  ``1.8e308``) and ``key_exact`` the exact decimal string -- or, for integers too long for
  Python's decimal conversion limit (``sys.get_int_max_str_digits()``, 4300 digits by
  default), the exact hexadecimal string ``"0x..."`` / ``"-0x..."``;
* a :class:`fractions.Fraction`: ``key`` holds the nearest double and ``key_exact`` the
  string ``"numerator/denominator"``;
* a non-finite float: ``key`` is ``null`` and ``key_exact`` is ``"inf"``, ``"-inf"`` or
  ``"nan"``;
* a list containing any of these: ``key`` is the list of doubles and ``key_exact`` the list
  with each special entry replaced by its exact string.

Python's ``json`` module would keep huge integers exact, but other readers silently round
them; ``key_exact`` is the loss-free field, ``key`` the convenient one. :func:`read_exact`
reads a field back exactly (int, Fraction or special float).
"""
from __future__ import annotations

import copy
import math
import numbers
import sys
from dataclasses import dataclass, field
from fractions import Fraction

from approxbounds._validation import check_choice

__all__ = ["Bound", "QUANTITIES", "TAGS", "float_up", "exact_int_str", "short_int_str",
           "decimal_digits", "read_exact",
           "JSON_EXACT_INT", "EXACT_SUFFIX"]

QUANTITIES = ("vcdim", "pdim", "log2_growth", "log2_size")
TAGS = ("V", "P", "R")
#: integers up to this magnitude are exact in every JSON reader (IEEE doubles)
JSON_EXACT_INT = 2**53
EXACT_SUFFIX = "_exact"


def float_up(x) -> float:
    """Smallest float ``>= x`` for an exact real ``x`` (int or Fraction), for upper bounds.

    ``float(n)`` rounds to nearest, which can be *below* an integer ``n > 2**53``; an upper
    bound must not move down. Raises ``OverflowError`` beyond the float range.
    """
    f = float(x)
    if f < x:  # int/Fraction vs float comparisons are exact in Python
        f = math.nextafter(f, math.inf)
    return f


def decimal_digits(n: int) -> int:
    """Upper estimate (exact or one too many) of the number of decimal digits of ``|n|``,
    without a decimal conversion (``str`` refuses ints beyond 4300 digits by default)."""
    return int(abs(int(n)).bit_length() * 0.30102999566398120) + 1


def exact_int_str(n: int) -> str:
    """Exact text of an int: decimal, or ``"0x..."`` hexadecimal when the decimal form would
    exceed ``sys.get_int_max_str_digits()`` (hex conversion has no limit and is linear)."""
    n = int(n)
    limit = sys.get_int_max_str_digits() if hasattr(sys, "get_int_max_str_digits") else 0
    if limit and decimal_digits(n) >= limit:
        return hex(n)
    return str(n)


def short_int_str(n: int) -> str:
    """Readable text of an int of any size for messages: exact up to 20 digits, else
    ``"~10^k"`` / ``"-~10^k"`` (no decimal conversion of huge ints)."""
    n = int(n)
    d = decimal_digits(n)
    if d <= 20:
        return str(n)
    return ("-" if n < 0 else "") + f"~10^{d - 1}"


@dataclass(frozen=True)
class Bound:
    """An upper bound on a capacity quantity, with its provenance.

    Parameters
    ----------
    quantity : {"vcdim", "pdim", "log2_growth", "log2_size"}
        What is bounded. Growth functions and class sizes are given in log2.
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
                "ingredients": _jsonable(self.ingredients)}


def read_exact(d: dict, key: str):
    """The exact value of field ``key`` of a dict produced by :meth:`Bound.to_dict`.

    Uses ``key_exact`` when present (an int from decimal or ``0x`` text, a ``Fraction`` from
    ``"num/den"``, ``inf``/``nan`` as floats; lists element-wise), else ``d[key]``.
    """
    if not isinstance(d, dict):
        raise TypeError(f"d must be a dict (from Bound.to_dict), got {type(d).__name__}")
    if key + EXACT_SUFFIX not in d:
        if key not in d:
            raise KeyError(key)
        return d[key]
    return _parse_exact(d[key + EXACT_SUFFIX])


def _parse_exact(x):
    if isinstance(x, list):
        return [_parse_exact(v) for v in x]
    if not isinstance(x, str):
        return x
    if x in ("inf", "-inf", "nan"):
        return float(x)
    if "/" in x:
        num, den = x.split("/")
        return Fraction(int(num, 0), int(den, 0))
    return int(x, 0)


def _jsonable(obj):
    """JSON-ready form of ``obj`` (special numbers inside lists/dicts get ``_exact`` fields)."""
    return _convert(obj)[0]


def _convert(obj):
    """``(json_value, exact_string_or_None)``; the second item is set for numbers that a
    double cannot hold exactly (or lists containing them)."""
    if isinstance(obj, Bound):
        return obj.to_dict(), None
    if isinstance(obj, dict):
        out = {}
        for k, v in obj.items():
            key = str(k)
            val, exact = _convert(v)
            out[key] = val
            if exact is not None:
                ekey = key + EXACT_SUFFIX
                if ekey in obj or ekey in out:
                    raise ValueError(f"ingredient {ekey!r} clashes with the exact form of "
                                     f"{key!r}")
                out[ekey] = exact
        return out, None
    if isinstance(obj, (list, tuple)):
        pairs = [_convert(v) for v in obj]
        vals = [p[0] for p in pairs]
        if all(p[1] is None for p in pairs):
            return vals, None
        return vals, [p[0] if p[1] is None else p[1] for p in pairs]
    if not isinstance(obj, (bool, int, float, Fraction)) and hasattr(obj, "item") \
            and callable(obj.item):  # numpy scalar
        obj = obj.item()
    if isinstance(obj, bool):
        return obj, None
    if isinstance(obj, int):
        if abs(obj) <= JSON_EXACT_INT:
            return obj, None
        try:
            approx = float(obj)
        except OverflowError:
            approx = None
        return approx, exact_int_str(obj)
    if isinstance(obj, Fraction):
        exact = f"{exact_int_str(obj.numerator)}/{exact_int_str(obj.denominator)}"
        try:
            return float(obj), exact
        except OverflowError:
            return None, exact
    if isinstance(obj, float) and not math.isfinite(obj):
        return None, str(obj)
    return obj, None
