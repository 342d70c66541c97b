r"""Sauer–Shelah: the number of label vectors of a class of VC dimension ``V`` on ``N`` points.

Sauer (1972), Shelah (1972), Vapnik–Chervonenkis (1971); see Anthony & Bartlett (1999),
Thm 3.6 and Thm 3.7. For a class ``H`` with ``VCdim(H) = V``:

.. math::

    \Pi_H(N) \le \Phi(N, V) = \sum_{i=0}^{V} \binom{N}{i}
             \le \Bigl(\frac{e N}{V}\Bigr)^{V} \quad (N \ge V \ge 1),

and :math:`\Phi(N, V) = 2^N` when :math:`N \le V`. Proofs are in ``docs/capacity.md`` [P].

Evaluation of :math:`\ln \Phi(N, V)` (``N`` an integer up to :math:`10^{30}` or more):

* *exact* (up to the final float rounding, which is rounded upward) when the sum has at
  most :data:`EXACT_TERMS` terms on the short side: the integers are summed exactly with
  Python big ints;
* otherwise a *certified upper bound*: for :math:`V < (N+1)/2` consecutive terms satisfy
  :math:`\binom{N}{i-1} / \binom{N}{i} = i/(N-i+1) \le r := V/(N-V+1) < 1`, so
  :math:`\Phi \le \binom{N}{V} / (1 - r)`; :math:`\ln\binom{N}{V}` is computed with mpmath
  at a precision that resolves ``N`` exactly and rounded upward. It is also capped by
  :math:`N \ln 2`. The bound exceeds the exact value by at most :math:`-\ln(1-r)`.
"""
from __future__ import annotations

import math
import numbers

import mpmath

from approxbounds._validation import check_real

__all__ = ["ln_sauer_sum", "log2_sauer_sum", "sauer_sum_exact", "ln_sauer_sum_detail",
           "ln_sauer_closed", "log2_sauer_closed", "EXACT_TERMS"]

EXACT_TERMS = 4000
LN2 = math.log(2.0)


def _as_count(name: str, value) -> int:
    """A non-negative integer given as an int or an integral float (e.g. 1e30)."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        if value < 0:
            raise ValueError(f"{name} must be >= 0, got {value}")
        return int(value)
    v = check_real(name, value, low=0.0)
    if not v.is_integer():
        raise ValueError(f"{name} must be a whole number, got {v}")
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
    if short <= EXACT_TERMS:
        return _up(math.log(sauer_sum_exact(N, V))), True
    cap = _up(N * LN2)
    if 2 * V >= N + 1:
        return cap, False
    digits = len(str(N)) + 30
    with mpmath.workdps(digits):
        n, v = mpmath.mpf(N), mpmath.mpf(V)
        ln_binom = mpmath.loggamma(n + 1) - mpmath.loggamma(v + 1) - mpmath.loggamma(n - v + 1)
        r = v / (n - v + 1)
        val = ln_binom - mpmath.log1p(-r)
        bound = _up(float(val))
    return min(bound, cap), False


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
        :data:`EXACT_TERMS` terms; otherwise a certified upper bound (see module notes).
    """
    return ln_sauer_sum_detail(N, V)[0]


def log2_sauer_sum(N, V) -> float:
    """:func:`ln_sauer_sum` in base 2."""
    return _up(ln_sauer_sum(N, V) / LN2)


def ln_sauer_closed(N, V) -> float:
    """:math:`V \\ln(e N / V)` for ``N >= V >= 1``; 0 for ``V = 0``.

    ``N`` may be any real ``>= V`` (e.g. 1e30); ``V`` a real ``>= 0`` (an integer VC bound in
    the Sauer–Shelah inequality).
    """
    N = check_real("N", N, low=0.0)
    V = check_real("V", V, low=0.0)
    if V == 0:
        return 0.0
    if N < V:
        raise ValueError(f"ln_sauer_closed needs N >= V, got N={N:g} < V={V:g} "
                         f"(for N <= V the sum is 2^N)")
    return V * (1.0 + math.log(N) - math.log(V))


def log2_sauer_closed(N, V) -> float:
    """:math:`V \\log_2(e N / V)` for ``N >= V``."""
    return ln_sauer_closed(N, V) / LN2
