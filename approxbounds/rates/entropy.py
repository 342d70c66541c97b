"""Entropy exponents of function classes, as used by the rate statements.

For a function class F and a norm, the *entropy exponent* e is the number with

.. math:: \\log M(\\varepsilon, F, \\|\\cdot\\|) \\asymp \\varepsilon^{-e}\\,
          (\\log 1/\\varepsilon)^{k},

where M is the packing number and k a (usually zero) power of a log factor. These are
rate-level statements, tagged [R] (docs/rates.md §1; packings in docs/function_classes.md):

* Hölder ball H^α on [0,1]^d, any L^p and the sup norm: e = d/α
  (Kolmogorov & Tikhomirov 1959).
* Monotone functions [0,1]^d → [0,1] in L^p: e = max(d, p(d−1)), with k = 2 at the
  transition p = d/(d−1) (Gao & Wellner 2007); d = 1 gives e = 1.
* Monotone functions in the sup norm: the ε-packing is infinite for every ε < 1
  (the family 1[x_1 ≥ t]), so there is no rate.

When the class object offers ``entropy_exponent(p)`` (the project's ``Holder`` and
``Monotone`` do), its answer is used; otherwise the formulas above are applied to duck-typed
objects with attributes ``d`` and ``alpha`` (Hölder-like) or a class/``name`` that says
"monotone".
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field
from fractions import Fraction

import sympy as sp

from approxbounds._validation import check_int, check_real

__all__ = ["EntropyExponent", "entropy_info", "normalise_norm"]

KOLMOGOROV_TIKHOMIROV = (
    "Kolmogorov & Tikhomirov, epsilon-entropy and epsilon-capacity of sets in function "
    "spaces, Uspekhi Mat. Nauk 14(2), 1959"
)
GAO_WELLNER = (
    "Gao & Wellner, Entropy estimate for high-dimensional monotonic functions, "
    "J. Multivariate Anal. 98(9), 2007"
)


@dataclass(frozen=True)
class EntropyExponent:
    """Rate-level entropy of a class: log M(ε) ≍ ε^(−exponent) · log(1/ε)^log_power.

    ``exponent`` is ``None`` when the class has no finite packing at small scales in this
    norm; ``reason`` then says why.
    """

    exponent: sp.Expr | None
    log_power: int = 0
    tag: str = "R"
    source: str = ""
    reason: str = ""
    extra: dict = field(default_factory=dict)


def normalise_norm(norm):
    """Return ``"sup"`` or a float p ≥ 1 (``math.inf`` is read as ``"sup"``)."""
    if isinstance(norm, str):
        if norm.lower() in ("sup", "inf", "infinity", "linf"):
            return "sup"
        raise ValueError(f"norm must be a real p >= 1 or 'sup', got {norm!r}")
    if isinstance(norm, numbers.Real) and not isinstance(norm, bool) and math.isinf(norm) and norm > 0:
        return "sup"
    return check_real("norm", norm, low=1.0)


def _as_rational(value) -> sp.Expr:
    """Exact sympy number for a float/int/Fraction (floats go through ``Fraction`` limits)."""
    if isinstance(value, sp.Basic):
        return sp.nsimplify(value)
    if isinstance(value, Fraction):
        return sp.Rational(value.numerator, value.denominator)
    if isinstance(value, numbers.Integral):
        return sp.Integer(int(value))
    frac = Fraction(float(value)).limit_denominator(10**6)
    return sp.Rational(frac.numerator, frac.denominator)


def _is_monotone(F) -> bool:
    names = {type(F).__name__.lower(), str(getattr(F, "name", "")).lower()}
    return any(name.startswith("monotone") for name in names)


def _builtin(F, norm) -> EntropyExponent:
    if not hasattr(F, "d"):
        raise TypeError("F must be a Holder/Monotone class or offer entropy_exponent(p), or "
                        f"have attributes d and alpha; got {type(F).__name__}")
    d = check_int("F.d", getattr(F, "d", None), minimum=1)
    if hasattr(F, "alpha"):
        alpha = check_real("F.alpha", F.alpha, low=0.0, low_open=True)
        return EntropyExponent(sp.Integer(d) / _as_rational(alpha), 0, "R", KOLMOGOROV_TIKHOMIROV)
    if _is_monotone(F):
        if norm == "sup":
            return EntropyExponent(
                None, 0, "P", "docs/theory.md §6 (Lemma D: monotone class, sup norm)",
                reason=("the monotone class has an infinite eps-packing in sup norm for every "
                        "eps < 1 (1[x_1 >= t], t in (0,1)), and every continuous g is at sup "
                        "distance >= 1/2 from 1[x_1 >= 1/2]: no rate for continuous networks"),
            )
        p = _as_rational(norm)
        if d == 1:
            return EntropyExponent(sp.Integer(1), 0, "R", GAO_WELLNER)
        e = sp.Max(sp.Integer(d), p * (d - 1))
        log_power = 2 if p * (d - 1) == d else 0
        return EntropyExponent(e, log_power, "R", GAO_WELLNER)
    raise TypeError(
        "F must be a Holder/Monotone class or offer entropy_exponent(p), or have attributes "
        f"d and alpha; got {type(F).__name__}"
    )


def _parse(answer, fallback: EntropyExponent) -> EntropyExponent:
    """Read whatever ``F.entropy_exponent(p)`` returned into an :class:`EntropyExponent`."""
    if answer is None:
        return EntropyExponent(None, 0, fallback.tag, fallback.source,
                               reason=fallback.reason or "the class reports no entropy rate")
    if isinstance(answer, (numbers.Real, sp.Basic, Fraction)) and not isinstance(answer, bool):
        return EntropyExponent(_as_rational(answer), fallback.log_power, "R", fallback.source)
    if isinstance(answer, dict):
        get = answer.get
    else:
        def get(key, default=None):
            return getattr(answer, key, default)
    value = None
    for key in ("exponent", "value", "e"):
        if get(key) is not None:
            value = get(key)
            break
    if value is None:
        return EntropyExponent(None, 0, str(get("tag", fallback.tag)),
                               str(get("source", fallback.source)),
                               reason=str(get("reason", "") or fallback.reason
                                          or "the class reports no entropy rate"))
    log_power = get("log_power", None)
    if log_power is None:
        log_power = get("log_exponent", fallback.log_power)
    return EntropyExponent(
        _as_rational(value), int(log_power or 0), str(get("tag", "R")),
        str(get("source", fallback.source) or fallback.source),
    )


def entropy_info(F, norm) -> EntropyExponent:
    """Entropy exponent of ``F`` in ``norm`` (a real p ≥ 1 or ``"sup"``), rate level [R].

    Parameters
    ----------
    F : function class
        ``Holder``/``Monotone`` or any object with ``d`` and ``alpha`` or
        ``entropy_exponent(p)``.
    norm : float or "sup"

    Returns
    -------
    EntropyExponent
        ``exponent`` None (with ``reason``) when no finite packing rate exists.
    """
    norm = normalise_norm(norm)
    try:
        fallback = _builtin(F, norm)
    except TypeError:
        if not hasattr(F, "entropy_exponent"):
            raise
        fallback = EntropyExponent(None, 0, "R", "")
    if hasattr(F, "entropy_exponent"):
        try:
            answer = F.entropy_exponent(math.inf if norm == "sup" else norm)
        except (ValueError, TypeError) as exc:
            try:
                answer = F.entropy_exponent("sup") if norm == "sup" else None
            except (ValueError, TypeError):
                if fallback.exponent is None and fallback.reason:
                    return fallback
                return EntropyExponent(None, 0, "R", fallback.source, reason=str(exc))
            if answer is None and norm != "sup":
                return EntropyExponent(None, 0, "R", fallback.source, reason=str(exc))
        parsed = _parse(answer, fallback)
        if parsed.exponent is None and fallback.exponent is None and fallback.reason:
            return fallback
        return parsed
    return fallback
