r"""Sauer–Shelah: the number of label vectors of a class of VC dimension ``V`` on ``N`` points.

Sauer (1972), Shelah (1972), Vapnik–Chervonenkis (1971); see Anthony & Bartlett (1999),
Thm 3.6 and Thm 3.7. For a class ``H`` with ``VCdim(H) = V``:

.. math::

    \Pi_H(N) \le \Phi(N, V) = \sum_{i=0}^{V} \binom{N}{i}
             \le \Bigl(\frac{e N}{V}\Bigr)^{V} \quad (N \ge V \ge 1),

and :math:`\Phi(N, V) = 2^N` when :math:`N \le V`. Proofs are in ``docs/capacity.md`` [P].

Evaluation of :math:`\ln \Phi(N, V)` (``N`` any Python int, e.g. :math:`10^{30}` or
:math:`10^{400}`):

* *exact* (up to the final float rounding, which is rounded upward) when the sum has at
  most :data:`EXACT_TERMS` terms on the short side and those terms are not too long
  (``short * bit_length(N) <= EXACT_TERMS * EXACT_BITS_PER_TERM``, which holds for every
  ``N < 2**128``): the integers are summed exactly with Python big ints;
* otherwise a *certified upper bound*: for :math:`V < (N+1)/2` consecutive terms satisfy
  :math:`\binom{N}{i-1} / \binom{N}{i} = i/(N-i+1) \le r := V/(N-V+1) < 1`, so
  :math:`\Phi \le \binom{N}{V} / (1 - r)`; :math:`\ln\binom{N}{V}` is computed with mpmath
  at a precision that resolves ``N`` exactly and rounded upward. It is also capped by
  :math:`N \ln 2` (when that is a float). The bound exceeds the exact value by at most
  :math:`-\ln(1-r)`. For :math:`V \ge (N+1)/2` beyond the exact range the value is
  :math:`N \ln 2`, which must be a float (``ValueError`` naming ``N`` otherwise).
"""
from __future__ import annotations

import math
import numbers

import mpmath

from approxbounds._validation import check_real
from approxbounds.capacity.bound import decimal_digits, short_int_str

__all__ = ["ln_sauer_sum", "log2_sauer_sum", "sauer_sum_exact", "ln_sauer_sum_detail",
           "ln_sauer_closed", "log2_sauer_closed", "EXACT_TERMS"]

EXACT_TERMS = 4000
#: bits per term allowed on average in the exact sum (its largest term has about
#: ``short * log2 N`` bits): keeps the exact path cheap for astronomically large N
EXACT_BITS_PER_TERM = 128
LN2 = math.log(2.0)
#: N ln 2 is formed as a float only below this (beyond it the 2^N cap is not a float)
_CAP_LIMIT = 2**1020


def _as_count(name: str, value, minimum: int = 0) -> int:
    """An integer ``>= minimum`` given as an int (any size) or an integral float (e.g. 1e30)."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        if value < minimum:
            raise ValueError(f"{name} must be an integer >= {minimum}, got "
                             f"{short_int_str(value)}")
        return int(value)
    v = check_real(name, value, low=float(minimum))
    if not v.is_integer():
        raise ValueError(f"{name} must be a whole number >= {minimum}, got {v}")
    return int(v)


def _up(x: float) -> float:
    """Round a float upward by two ulps (covers the final conversion's rounding)."""
    return math.nextafter(math.nextafter(x, math.inf), math.inf)


def sauer_sum_exact(N, V) -> int:
    """Exact :math:`\\Phi(N, V) = \\sum_{i=0}^{\\min(V,N)} \\binom{N}{i}` as a Python int.

    Intended for small sums (cost grows with ``min(V, N - V)`` and the size of the terms).
    """
    N, V = _as_count("N", N), _as_count("V", V)
    if V >= N:
        return 1 << N
    if V > N - V - 1:  # sum the shorter complement: 2^N - sum_{i > V}
        return (1 << N) - _partial(N, N - V - 1)
    return _partial(N, V)


def _partial(N: int, V: int) -> int:
    term, total = 1, 1
    for i in range(1, V + 1):
        term = term * (N - i + 1) // i
        total += term
    return total


def ln_sauer_sum_detail(N, V) -> tuple[float, bool]:
    """``(value, exact)``: :math:`\\ln\\Phi(N, V)` and whether it is exact (else an upper bound)."""
    N, V = _as_count("N", N), _as_count("V", V)
    if N == 0 or V == 0:
        return 0.0, True
    if V >= N:
        return _up(N * LN2), True
    short = min(V, N - V - 1)
    if short <= EXACT_TERMS and short * N.bit_length() <= EXACT_TERMS * EXACT_BITS_PER_TERM:
        return _up(math.log(sauer_sum_exact(N, V))), True
    cap = _up(N * LN2) if N < _CAP_LIMIT else math.inf
    if 2 * V >= N + 1:
        if math.isinf(cap):
            raise ValueError(f"ln Phi(N, V) >= (N-1) ln 2 exceeds the float range for "
                             f"N ~ 10^{decimal_digits(N) - 1} and V >= (N+1)/2; use N < 2^1020")
        return cap, False
    digits = decimal_digits(N) + 30
    with mpmath.workdps(digits):
        n, v = mpmath.mpf(N), mpmath.mpf(V)
        ln_binom = mpmath.loggamma(n + 1) - mpmath.loggamma(v + 1) - mpmath.loggamma(n - v + 1)
        r = v / (n - v + 1)
        val = ln_binom - mpmath.log1p(-r)
        bound = _up(float(val))
    value = min(bound, cap)
    if not math.isfinite(value):
        raise ValueError(f"ln Phi(N, V) exceeds the float range for N ~ 10^{decimal_digits(N) - 1},"
                         f" V ~ 10^{decimal_digits(V) - 1}; V must be below ~1e300")
    return value, False


def ln_sauer_sum(N, V) -> float:
    """Natural log of :math:`\\Phi(N, V) = \\sum_{i \\le V} \\binom{N}{i}` (exact or certified upper).

    Parameters
    ----------
    N : int or integral float
        Number of points, ``0 <= N`` (``1e30`` is fine).
    V : int or integral float
        VC dimension bound, ``V >= 0``.

    Returns
    -------
    float
        Exact (rounded up) when the short side of the sum has at most
        :data:`EXACT_TERMS` terms (and, for ``N >= 2**128``, short enough terms);
        otherwise a certified upper bound (see module notes).
    """
    return ln_sauer_sum_detail(N, V)[0]


def log2_sauer_sum(N, V) -> float:
    """:func:`ln_sauer_sum` in base 2."""
    return _up(ln_sauer_sum(N, V) / LN2)


def ln_sauer_closed(N, V) -> float:
    """:math:`V \\ln(e N / V)` for ``N >= V >= 1``; 0 for ``V = 0``.

    ``N`` may be any real ``>= V`` (e.g. 1e30) or any Python int (e.g. ``10**400``: only
    ``ln N`` is formed); ``V`` a real ``>= 0`` (an integer VC bound in the Sauer–Shelah
    inequality).
    """
    N = _nonneg_real("N", N)
    V = _nonneg_real("V", V)
    if V == 0:
        return 0.0
    if N < V:
        raise ValueError(f"ln_sauer_closed needs N >= V, got N={_fmt(N)} < V={_fmt(V)} "
                         f"(for N <= V the sum is 2^N)")
    try:
        return V * (1.0 + math.log(N) - math.log(V))
    except OverflowError:
        raise ValueError(f"V ln(eN/V) exceeds the float range for V={_fmt(V)}; "
                         f"V must be below ~1e306") from None


def _nonneg_real(name, value):
    """A finite real ``>= 0``; ints are kept exact (``math.log`` handles any size)."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        if value < 0:
            raise ValueError(f"{name} must be >= 0, got {short_int_str(value)}")
        return int(value)
    return check_real(name, value, low=0.0)


def _fmt(x) -> str:
    if isinstance(x, int):
        return short_int_str(x)
    return f"{x:g}"


def log2_sauer_closed(N, V) -> float:
    """:math:`V \\log_2(e N / V)` for ``N >= V``."""
    return ln_sauer_closed(N, V) / LN2
