"""Per-pair tail bounds and the sample size used by Theorem L.

Setting (``docs/theory.md``, Theorem L). For one pair of clipped approximants put
``Z = |g_i - g_j|^p / B^p``, a random variable in ``[0, 1]`` whose mean exceeds
``s = (eps / 2B)^p``. The proof needs the probability that the empirical mean of ``n``
i.i.d. copies falls to ``s' = 2^{-p} s`` or below. Two bounds are offered:

* Hoeffding:  ``q_n = exp(-2 n (s - s')^2)``;
* Chernoff-KL (Hoeffding 1963, Theorem 1, lower tail):
  ``q_n = exp(-n kl(s' || s))`` with ``kl(a || b) = a ln(a/b) + (1-a) ln((1-a)/(1-b))``.

Both are of the form ``q_n = exp(-n r)``; only the *rate* ``r`` differs. Since ``s`` can be as
small as ``1e-1200`` (``eps = 1e-300`` with ``p = 4``) every quantity is carried as a natural
logarithm (``ln_*``). Pinsker's inequality ``kl(a||b) >= 2 (a-b)^2`` makes the Chernoff rate
the larger one, hence the Chernoff sample size the smaller one.

The union bound over the ``C(m, 2)`` pairs of an ``m``-element packing asks for
``ln C(m, 2) + ln q_n < 0``; :func:`smallest_sample_size` returns the least such ``n``
as an exact Python ``int`` (it may exceed the float range).

References
----------
W. Hoeffding, "Probability inequalities for sums of bounded random variables",
J. Amer. Statist. Assoc. 58 (1963), 13-30, Theorem 1 and eq. (2.3).
"""
from __future__ import annotations

import math

import mpmath

from .._validation import check_choice, check_real

__all__ = [
    "TAILS",
    "kl_bernoulli",
    "ln_tail_rate",
    "ln_tail_rate_mp",
    "ln_pairs",
    "ln_pairs_mp",
    "smallest_sample_size",
    "ln_mean_floor",
    "ln_mean_floor_mp",
]

TAILS = ("chernoff", "hoeffding")

_LN2 = math.log(2.0)
# Below this s the O(s) term of the kl expansion is smaller than 1e-80 relative.
_SERIES_BELOW = 1e-80


def kl_bernoulli(a: float, b: float) -> float:
    r"""Bernoulli relative entropy :math:`\mathrm{kl}(a\,\|\,b)` for ``0 <= a < b < 1``.

    .. math:: \mathrm{kl}(a\|b) = a\ln\frac{a}{b} + (1-a)\ln\frac{1-a}{1-b},

    evaluated with ``log1p`` so that it stays accurate for ``b`` down to the smallest
    normal floats (the second term is ``(1-a)(log1p(-a) - log1p(-b))``, a difference of two
    numbers of size ``a`` and ``b`` with ``a < b``: no catastrophic cancellation when
    ``a <= b/2``).
    """
    a = check_real("a", a, low=0.0, high=1.0, high_open=True)
    b = check_real("b", b, low=0.0, high=1.0, low_open=True, high_open=True)
    if not a < b:
        raise ValueError(f"a must be < b for the lower-tail kl, got a={a}, b={b}")
    first = 0.0 if a == 0.0 else a * (math.log(a) - math.log(b))
    return first + (1.0 - a) * (math.log1p(-a) - math.log1p(-b))


def _ln_kl_halving(ln_s: float, p: float) -> float:
    """ln kl(2^-p s || s), valid for every ln_s <= ln(1/2) (s may underflow)."""
    c = math.exp(-p * _LN2)  # 2^-p, in (0, 1/2]
    if ln_s < math.log(_SERIES_BELOW):
        # kl = s [(1 - c) - c p ln 2] + O(s^2); the bracket is > 0 for every p >= 1
        # (it equals 1 - 2^-p (1 + p ln 2) and 1 + p ln 2 < 2^p for p >= 1).
        lead = (1.0 - c) - c * p * _LN2
        return ln_s + math.log(lead)
    s = math.exp(ln_s)
    a = c * s
    kl = -a * p * _LN2 + (1.0 - a) * (math.log1p(-a) - math.log1p(-s))
    return math.log(kl)


def ln_tail_rate(ln_s: float, p: float, tail: str = "chernoff") -> float:
    r"""Natural log of the per-sample rate ``r`` with ``q_n = exp(-n r)``.

    Parameters
    ----------
    ln_s : float
        ``ln s``, where ``s = (eps / 2B)^p`` lower-bounds the mean of ``Z``; ``s <= 1/2``.
    p : float
        The norm exponent ``p >= 1``; the threshold is ``s' = 2^{-p} s``.
    tail : {"chernoff", "hoeffding"}
        ``"hoeffding"``: :math:`r = 2 (s - s')^2 = 2 s^2 (1 - 2^{-p})^2`;
        ``"chernoff"``: :math:`r = \mathrm{kl}(2^{-p}s \,\|\, s)`.
    """
    check_real("ln_s", ln_s, high=-_LN2)
    check_real("p", p, low=1.0)
    check_choice("tail", tail, TAILS)
    return _ln_rate(ln_s, p, tail)


def _ln_rate(ln_s: float, p: float, tail: str) -> float:
    if tail == "hoeffding":
        return _LN2 + 2.0 * ln_s + 2.0 * math.log1p(-math.exp(-p * _LN2))
    return _ln_kl_halving(ln_s, p)


def ln_tail_rate_mp(ln_s, p, tail: str = "chernoff"):
    """High-precision twin of :func:`ln_tail_rate` (mpmath, current working precision)."""
    check_choice("tail", tail, TAILS)
    ln_s = mpmath.mpf(ln_s)
    p = mpmath.mpf(p)
    s = mpmath.exp(ln_s)
    sp = s * mpmath.power(2, -p)
    if tail == "hoeffding":
        return mpmath.log(2) + 2 * mpmath.log(s - sp)
    kl = sp * mpmath.log(sp / s) + (1 - sp) * (mpmath.log1p(-sp) - mpmath.log1p(-s))
    return mpmath.log(kl)


def ln_pairs(log2_m: float) -> float:
    r"""``ln C(x, 2)`` for ``x = 2^{log2_m} >= 2`` (real ``x``; ``C(x,2) = x(x-1)/2``).

    .. math:: \ln\binom{x}{2} = (2\lambda - 1)\ln 2 + \mathrm{log1p}(-2^{-\lambda}),
              \quad \lambda = \log_2 x,

    finite for ``lambda`` up to ~1e300 (``m`` up to ``2^(1e300)``).
    """
    return _ln_pairs(check_real("log2_m", log2_m, low=1.0))


def _ln_pairs(lam: float) -> float:
    return (2.0 * lam - 1.0) * _LN2 + math.log1p(-math.exp(-lam * _LN2))


def ln_pairs_mp(log2_m):
    """High-precision twin of :func:`ln_pairs`."""
    lam = mpmath.mpf(log2_m)
    return (2 * lam - 1) * mpmath.log(2) + mpmath.log1p(-mpmath.power(2, -lam))


def _rate_mp(eps, B, p, tail):
    """The rate ``r`` itself (not its log) at the current mpmath precision; mpmath's
    exponent range is unbounded, so ``s = 1e-1200`` is fine."""
    p = mpmath.mpf(p)
    s = (mpmath.mpf(eps) / (2 * mpmath.mpf(B))) ** p
    sp = s * mpmath.power(2, -p)
    if tail == "hoeffding":
        return 2 * (s - sp) ** 2
    return -sp * p * mpmath.ln2 + (1 - sp) * (mpmath.log1p(-sp) - mpmath.log1p(-s))


def ln_mean_floor(eps: float, B: float, p: float) -> float:
    """``ln s`` with ``s = (eps / 2B)^p`` (log domain: ``s`` may underflow)."""
    return p * (math.log(eps) - math.log(2.0 * B))


def ln_mean_floor_mp(eps, B, p):
    """High-precision twin of :func:`ln_mean_floor`."""
    return mpmath.mpf(p) * (mpmath.log(mpmath.mpf(eps)) - mpmath.log(2 * mpmath.mpf(B)))


def smallest_sample_size(log2_m: float, eps: float, B: float, p: float,
                         tail: str = "chernoff", *, exact: bool = True) -> int:
    r"""Least integer ``n >= 1`` with ``C(m, 2) q_n < 1`` for ``m = 2^{log2_m}`` members.

    Parameters
    ----------
    log2_m : float
        ``log2`` of the number of packing members (``>= 1``).
    eps, B, p : float
        Separation ``0 < eps <= B``, range width ``B`` and norm exponent ``p >= 1``;
        they fix ``s = (eps/2B)^p`` and ``s' = 2^{-p} s``.
    tail : {"chernoff", "hoeffding"}
    exact : bool
        ``True`` (default): the exactly minimal ``n``. ``False`` (used inside searches): a
        float evaluation inflated by a relative ``1e-12`` when ``n > 2^52``, still valid but
        possibly a few units above the minimum, and much cheaper.

    Notes
    -----
    The condition is :math:`\ln\binom{m}{2} - n r < 0`, i.e. ``n > ln C(m,2) / r``, so
    ``n = floor(ln C(m,2) / r) + 1``. The quotient is formed in the log domain (``r`` may be
    ``1e-2400``) and, whenever it lies within a relative ``1e-9`` of an integer or beyond
    ``2^52``, recomputed with mpmath (enough digits to hold ``n`` exactly) so that the
    returned ``n`` is exactly minimal: ``n - 1`` fails the condition.

    Returns
    -------
    int
        Exact Python integer (arbitrary size).
    """
    B = check_real("B", B, low=0.0, low_open=True)
    eps = check_real("eps", eps, low=0.0, high=B, low_open=True)
    p = check_real("p", p, low=1.0)
    check_real("log2_m", log2_m, low=1.0)
    check_choice("tail", tail, TAILS)
    return _sample_size(float(log2_m), eps, B, p, tail, exact)


def _sample_size(log2_m: float, eps: float, B: float, p: float, tail: str,
                 exact: bool) -> int:
    """:func:`smallest_sample_size` without argument checks (validated callers only)."""
    lnc = _ln_pairs(log2_m)
    ln_s = p * (math.log(eps) - math.log(2.0 * B))
    ln_r = _ln_rate(ln_s, p, tail)
    if lnc <= 0.0:  # at most one pair: C(m,2) <= 1, and q_1 < 1 already
        return 1
    ln_x = math.log(lnc) - ln_r  # ln(ln C / r)
    if ln_x < 36.0:  # x < 4.3e15 < 2^52
        x = math.exp(ln_x)
        n = math.floor(x) + 1
        frac = x - math.floor(x)
        if min(frac, 1.0 - frac) > 1e-9 * max(x, 1.0):
            return max(n, 1)
    if not exact and ln_x < 700.0:
        return int(math.exp(ln_x) * (1.0 + 1e-12)) + 1
    with mpmath.workdps(40 + max(0, int(ln_x / 2.3))):
        lnc_mp = ln_pairs_mp(log2_m)
        r = _rate_mp(eps, B, p, tail)
        n = max(int(lnc_mp / r) + 1, 1)
        # Guard the rounding at the boundary both ways.
        while not lnc_mp - n * r < 0:
            n += 1
        while n > 1 and lnc_mp - (n - 1) * r < 0:
            n -= 1
    return n
