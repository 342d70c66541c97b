r"""VC-dimension and growth-function bounds of Bartlett, Harvey, Liaw & Mehrabian (2019).

Source: P. L. Bartlett, N. Harvey, C. Liaw, A. Mehrabian, "Nearly-tight VC-dimension and
pseudodimension bounds for piecewise linear neural networks", JMLR 20(63):1-17, 2019,
Theorem 7 (statement checked verbatim against the paper: tag [V], see ``docs/capacity.md`` §1;
tags explained in ``docs/theory.md``).

For a feed-forward network with ``W`` parameters, ``U`` units in ``L`` layers (widths
:math:`k_i`), activations piecewise polynomial with ``p`` breakpoints and degree :math:`\nu`:

.. math::

    \Pi_{\mathrm{sgn} F}(m) \le \prod_{i=1}^{L}
        2\Bigl(\frac{2 e m k_i p (1+(i-1)\nu^{i-1})}{W_i}\Bigr)^{W_i}
    \qquad (m \ge \bar L W),

    \mathrm{VCdim} \le L + \bar L W \log_2\bigl(4 e p R \log_2(2 e p R)\bigr)
    \qquad (U > 2,\ \nu \ge 1),

    \mathrm{VCdim} \le L + W \log_2\bigl(4 e p U \log_2(2 e p U)\bigr)
    \qquad (U > 2,\ \nu = 0).

Everything is evaluated in the log domain (``log2`` of exact integers), so nothing
overflows for ``W`` up to :math:`10^{12}`; ``m`` may be any Python int (``math.log2`` of an
int is exact-argument and works beyond the float range, e.g. ``m = 10**400``) or a finite
float.

``U <= 2``: Theorem 7's closed form is only stated for ``U > 2``. We then use the
*growth inversion* bound (tag [P], proof in ``docs/capacity.md``): if some
``m >= L̄W`` has product bound ``< 2**m`` then no ``m`` points are shattered, so
``VCdim <= m - 1``. It is computed for every architecture and may be the smaller one.

Per-architecture quantities (the counts, the product bound's constant term, the inversion
search) are cached (:mod:`approxbounds.capacity._cache`), so evaluating the product bound
at many ``m`` costs one multiply-add each.
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property

from approxbounds._validation import check_bool, check_real
from approxbounds.capacity._cache import per_architecture
from approxbounds.capacity.architecture import Architecture, check_architecture
from approxbounds.capacity.bound import Bound, float_up, short_int_str

__all__ = ["BhlmCounts", "counts", "augmented_counts", "bhlm_vcdim", "bhlm_log2_growth",
           "bhlm_growth_bound", "bhlm_vcdim_by_growth", "log_linear_inversion", "SOURCE"]

SOURCE = ("Bartlett, Harvey, Liaw, Mehrabian, JMLR 20(63), 2019, Thm 7")
LOG2E = math.log2(math.e)
# relative + absolute safety margins for float rounding in certified comparisons
_REL = 1e-12
_ABS = 1e-9


@dataclass(frozen=True)
class BhlmCounts:
    """The integers Theorem 7 is evaluated on (exact)."""

    L: int
    W: int
    U: int
    widths: tuple          # k_1..k_L
    W_i: tuple             # BHLM W_i (convention chosen by nu)
    factors: tuple         # 1 + (i-1) nu^(i-1)
    p: int                 # breakpoints, >= 1
    nu: int
    R: int

    @cached_property
    def sum_W_i(self) -> int:
        """``L̄ W = Σ_i W_i``."""
        return sum(self.W_i)

    @cached_property
    def Lbar(self) -> Fraction:
        return Fraction(self.sum_W_i, self.W)

    @cached_property
    def log2_growth_const(self) -> float:
        r"""Constant term of the product bound in ``log2 m``:
        :math:`\log_2 B(m) = C + (\sum_i W_i) \log_2 m` with
        :math:`C = \sum_i [1 + W_i (1 + \log_2 e + \log_2 k_i + \log_2 p + \log_2 f_i
        - \log_2 W_i)]`, :math:`f_i = 1 + (i-1)\nu^{i-1}`."""
        lp = math.log2(self.p)
        return math.fsum(
            1.0 + w * (1.0 + LOG2E + math.log2(k) + lp + math.log2(f) - math.log2(w))
            for k, w, f in zip(self.widths, self.W_i, self.factors))

    def to_dict(self) -> dict:
        """JSON-ready counts (``Lbar`` as a float, exactly as ``Lbar_exact`` = "num/den")."""
        lb = self.Lbar
        return {"L": self.L, "W": self.W, "U": self.U, "p": self.p, "nu": self.nu,
                "R": self.R, "sum_W_i": self.sum_W_i, "Lbar": float(lb),
                "Lbar_exact": f"{lb.numerator}/{lb.denominator}"}


def counts(arch: Architecture) -> BhlmCounts:
    """Theorem 7's quantities for ``arch`` itself (requires output width 1; cached)."""
    _check_arch(arch)
    return _counts(arch)


@per_architecture
def _counts(arch: Architecture) -> BhlmCounts:
    return BhlmCounts(arch.L, arch.W, arch.U, arch.widths, arch.W_i, arch.degree_factors,
                      arch.activation.bhlm_p, arch.degree, arch.R)


def augmented_counts(arch: Architecture) -> BhlmCounts:
    """Counts of the network with one more parameter and one more layer.

    Used for the pseudo-dimension (thresholded class ``1[g(x) > t]``, Anthony & Bartlett
    1999, Thm 14.1; BHLM 2019 Sec. 1): layers ``1..L`` unchanged, an extra layer ``L+1``
    with one unit, one extra parameter (``W' = W + 1``). ``W_{L+1} = W + 1`` when ν > 0
    (cumulative convention), ``1`` when ν = 0; ``R' = R + (1 + L ν^L)``; ``U' = U + 1``.
    Every Theorem-7 expression is non-decreasing in these counts, so over-counting the
    extra layer only weakens (never invalidates) the bound; see ``docs/capacity.md``.
    Cached per architecture.
    """
    _check_arch(arch)
    return _augmented_counts(arch)


@per_architecture
def _augmented_counts(arch: Architecture) -> BhlmCounts:
    c = _counts(arch)
    nu = c.nu
    extra_factor = 1 + c.L * nu ** c.L
    w_last = c.W + 1 if nu > 0 else 1
    return BhlmCounts(c.L + 1, c.W + 1, c.U + 1, c.widths + (1,), c.W_i + (w_last,),
                      c.factors + (extra_factor,), c.p, nu, c.R + extra_factor)


def _check_arch(arch):
    check_architecture(arch)
    if arch.widths[-1] != 1:
        raise ValueError(f"the VC/growth bounds need a single output unit (last width 1), "
                         f"got output width {arch.widths[-1]}")


def _log2_int(n: int) -> float:
    return math.log2(n)  # exact-argument log2; Python handles big ints


_CLOSED_FORM_PAD = 2e-14


def _vc_closed_form(c: BhlmCounts) -> tuple[float, dict]:
    """Theorem 7 closed form (U > 2); returns (value, ingredients)."""
    if c.U <= 2:
        raise ValueError(f"BHLM Thm 7 closed form needs U > 2 units, got U={c.U}")
    if c.nu == 0:
        mult, size, size_name = c.W, c.U, "U"
    else:
        mult, size, size_name = c.sum_W_i, c.R, "R"
    log2_2eps = 1.0 + LOG2E + _log2_int(c.p) + _log2_int(size)       # log2(2 e p S)
    log2_arg = 2.0 + LOG2E + _log2_int(c.p) + _log2_int(size) + math.log2(log2_2eps)
    # A handful of float operations, each within half an ulp: inflate by a relative 2e-14
    # (about 90 ulps) so that the returned upper bound is never below the exact value.
    value = (c.L + mult * log2_arg) * (1.0 + _CLOSED_FORM_PAD)
    ingr = {**c.to_dict(), "form": "nu=0" if c.nu == 0 else "nu>=1", "multiplier": mult,
            "size_name": size_name, "log2_argument": log2_arg}
    return value, ingr


def bhlm_vcdim(arch: Architecture) -> Bound:
    """BHLM 2019 Thm 7 upper bound on VCdim(sgn G) [V] (requires U > 2).

    Parameters
    ----------
    arch : Architecture
        Output width 1. Raises ``ValueError`` when ``U <= 2`` (use
        :func:`bhlm_vcdim_by_growth`, valid for every U).
    """
    value, ingr = _vc_closed_form(counts(arch))
    return Bound("vcdim", "bhlm2019_thm7", value, "V", SOURCE, ingr)


def _log2_growth(c: BhlmCounts, log2_m: float) -> float:
    """log2 of ``prod_i 2 (2 e m k_i p f_i / W_i)^{W_i}`` given ``log2 m``."""
    return c.log2_growth_const + c.sum_W_i * log2_m


def _count_and_log2(name: str, value, minimum: int = 1):
    """``(value, log2 value)`` for a number of points: a Python/numpy int of any size (kept
    exact; ``math.log2`` of an int never overflows) or a finite real ``>= minimum``."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        value = int(value)
        if value < minimum:
            raise ValueError(f"{name} must be >= {minimum}, got {short_int_str(value)}")
        return value, math.log2(value)
    v = check_real(name, value, low=float(minimum))  # TypeError/NaN/inf named
    return v, math.log2(v)


def bhlm_log2_growth(c: BhlmCounts, m) -> float:
    r"""log2 of Theorem 7's product bound on Π(m); needs ``m >= L̄W``.

    Parameters
    ----------
    c : BhlmCounts
        From :func:`counts` or :func:`augmented_counts`.
    m : int or float
        Number of points, ``m >= L̄W = Σ_i W_i``: any Python int (e.g. ``10**400``; only
        ``log2 m`` is formed) or a finite float.

    Returns
    -------
    float
        :math:`\sum_i [1 + W_i \log_2(2 e m k_i p f_i / W_i)]`, evaluated as
        ``C + (Σ W_i) log2 m`` (see :attr:`BhlmCounts.log2_growth_const`).
    """
    if not isinstance(c, BhlmCounts):
        raise TypeError(f"c must be BhlmCounts (from counts/augmented_counts), got "
                        f"{type(c).__name__}")
    m, log2_m = _count_and_log2("m", m)
    if m < c.sum_W_i:
        raise ValueError(f"the BHLM product bound needs m >= L̄W = {c.sum_W_i}, got m={m}")
    return _log2_growth(c, log2_m)


def bhlm_growth_bound(arch: Architecture, N, *, thresholded: bool = False) -> Bound:
    """Theorem 7 product bound as a :class:`Bound` (``log2_growth``), for ``N >= L̄W``.

    ``N`` is an int of any size or a finite float. With ``thresholded=True`` it bounds the
    growth of ``thr(G)`` via the augmented network (one more parameter, one more layer).
    """
    check_bool("thresholded", thresholded)
    c = augmented_counts(arch) if thresholded else counts(arch)
    N, log2_n = _count_and_log2("N", N)
    if N < c.sum_W_i:
        raise ValueError(f"the BHLM product bound needs N >= L̄W = {c.sum_W_i}, got N={N}")
    value = _log2_growth(c, log2_n)
    tag = "P" if thresholded else "V"
    return Bound("log2_growth", "bhlm2019_product" + ("_augmented" if thresholded else ""),
                 value, tag, SOURCE + (" + one-more-parameter/layer reduction" if thresholded
                                       else ""),
                 {**c.to_dict(), "N": N, "thresholded": thresholded})


def log_linear_inversion(C, S, m0: int) -> int:
    r"""Smallest integer ``m >= m0`` with ``m > (C + S log2 m)(1 + 1e-12) + 1e-9``: the
    inversion of a growth bound :math:`\log_2\Pi(m) \le C + S\log_2 m` (so
    :math:`\Pi(m) < 2^m` and VCdim ``<= m - 1``), with float safety margins that the mpmath
    re-checks of the callers confirm.

    Shared by the product bound (``C`` = its constant, ``S = m0 = L̄W``) and the recurrent
    counting of :class:`approxbounds.capacity.recurrent_bounds.CapacityPlan`.
    ``g(m) = m - C - S log2 m`` is convex with its minimum at ``S / ln 2``, so
    ``{g <= 0}`` is an interval: when ``m0`` fails, the answer is found by doubling from the
    right of the minimiser and bisecting.
    """

    def ok(m: int) -> bool:
        return m > (C + S * math.log2(m)) * (1 + _REL) + _ABS

    if ok(m0):
        return m0
    lo = max(m0, int(S / math.log(2)))
    hi = max(lo * 2, 2)
    while not ok(hi):
        lo, hi = hi, hi * 2
    while hi - lo > 1:  # invariant: not ok(lo) (or lo is left of the minimiser), ok(hi)
        mid = (lo + hi) // 2
        if ok(mid):
            hi = mid
        else:
            lo = mid
    return hi


def _inversion_m(c: BhlmCounts) -> int:
    """Smallest integer m >= L̄W with product bound < 2^m (with safety margin)."""
    return log_linear_inversion(c.log2_growth_const, c.sum_W_i, c.sum_W_i)


def bhlm_vcdim_by_growth(arch: Architecture, *, thresholded: bool = False) -> Bound:
    """VC bound from the product bound: VCdim <= m - 1 for the first m >= L̄W with Π(m) < 2^m.

    [P] (elementary step on top of the [V] product bound; proof in ``docs/capacity.md``).
    With ``thresholded=True`` it bounds Pdim(G) through the augmented network. Cached per
    architecture (a copy is returned).
    """
    check_bool("thresholded", thresholded)
    _check_arch(arch)
    return _by_growth(arch, thresholded).copy()


@per_architecture
def _by_growth(arch: Architecture, thresholded: bool) -> Bound:
    c = _augmented_counts(arch) if thresholded else _counts(arch)
    m = _inversion_m(c)
    return Bound("pdim" if thresholded else "vcdim",
                 "bhlm2019_growth_inversion" + ("_augmented" if thresholded else ""),
                 float_up(m - 1), "P", SOURCE + " (product bound) + definition of VCdim",
                 {**c.to_dict(), "m": m, "log2_growth_at_m": _log2_growth(c, math.log2(m))})


def bhlm_pdim(arch: Architecture) -> Bound:
    """Theorem 7 closed form on the augmented network: Pdim(G) bound [P] (U' > 2)."""
    value, ingr = _vc_closed_form(augmented_counts(arch))
    return Bound("pdim", "bhlm2019_thm7_augmented", value, "P",
                 SOURCE + "; Pdim via one more parameter and one more layer "
                 "(Anthony & Bartlett 1999, Thm 14.1)", ingr)
