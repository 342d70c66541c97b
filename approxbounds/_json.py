"""The one JSON policy for exact values (certificates, capacity bounds, reports).

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
This module is on the ground floor: it imports nothing from the rest of the package.
"""
from __future__ import annotations

import math
import sys
from fractions import Fraction

__all__ = ["to_json", "from_json", "read_exact", "first_difference", "float_up", "exact_int_str", "short_int_str",
           "decimal_digits", "JSON_EXACT_INT", "EXACT_SUFFIX"]

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


def read_exact(d: dict, key: str):
    """The exact value of field ``key`` of a dict written under this policy.

    Uses ``key_exact`` when present (an int from decimal or ``0x`` text, a ``Fraction`` from
    ``"num/den"``, ``inf``/``nan`` as floats; lists element-wise), else ``d[key]``.
    """
    if not isinstance(d, dict):
        raise TypeError(f"d must be a dict (JSON written by approxbounds), got {type(d).__name__}")
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


def to_json(obj):
    """JSON-ready form of ``obj`` under the policy of this module: special numbers inside
    dicts get ``<key>_exact`` fields; objects with ``to_dict()`` are converted through it;
    numpy scalars become Python numbers; tuples become lists."""
    value, exact = _convert(obj)
    if exact is not None:
        raise ValueError(f"a bare {type(obj).__name__} has no JSON form under this policy (it needs a "
                         "key for its exact text): put it in a dict")
    return value


def _convert(obj):
    """``(json_value, exact_string_or_None)``; the second item is set for numbers that a
    double cannot hold exactly (or lists containing them)."""
    if hasattr(obj, "to_dict") and callable(obj.to_dict) and not isinstance(obj, dict):
        return _convert(obj.to_dict())
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


def first_difference(found, expected, where: str = "") -> str | None:
    """Path and values of the first difference between two JSON values (``None`` if equal).

    Integers and floats differ by type (``2`` is not ``2.0``): only the canonical form of a
    description is accepted. Paths read ``claim.network_class.widths[0]``. A ``key_exact``
    field is compared before its ``key`` (the exact value is the one that matters).
    """
    if isinstance(found, dict) and isinstance(expected, dict):
        keys = list(expected) + [k for k in found if k not in expected]
        exact_first = [k + EXACT_SUFFIX for k in keys if k + EXACT_SUFFIX in expected]
        for key in exact_first + [k for k in keys if k not in exact_first]:
            path = f"{where}.{key}" if where else str(key)
            if key not in found:
                return f"{path}: missing (expected {expected[key]!r})"
            if key not in expected:
                return f"{path}: unexpected field (value {found[key]!r})"
            diff = first_difference(found[key], expected[key], path)
            if diff:
                return diff
        return None
    if isinstance(found, list) and isinstance(expected, list):
        if len(found) != len(expected):
            return f"{where}: has {len(found)} entries, expected {len(expected)}"
        for i, (a, b) in enumerate(zip(found, expected)):
            diff = first_difference(a, b, f"{where}[{i}]")
            if diff:
                return diff
        return None
    if type(found) is not type(expected) or found != expected:
        return f"{where}: {found!r} (expected {expected!r})"
    return None


def from_json(obj):
    """Inverse of :func:`to_json` for plain data: every ``key`` with a ``key_exact`` sibling
    gets its exact value back (int, Fraction, inf) and the ``_exact`` fields are dropped.
    ``to_json(from_json(x)) == x`` for every ``x`` that :func:`to_json` wrote."""
    if isinstance(obj, dict):
        out = {}
        for key, value in obj.items():
            if key.endswith(EXACT_SUFFIX) and key[: -len(EXACT_SUFFIX)] in obj:
                continue
            exact_key = key + EXACT_SUFFIX
            if exact_key in obj:
                try:
                    out[key] = _parse_exact(obj[exact_key])
                except (ValueError, ZeroDivisionError):
                    raise ValueError(f"{exact_key}: {obj[exact_key]!r} is not an exact value (an integer, "
                                     f"'p/q', 'inf', '-inf' or 'nan')") from None
            else:
                out[key] = from_json(value)
        return out
    if isinstance(obj, list):
        return [from_json(v) for v in obj]
    return obj
