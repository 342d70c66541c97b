"""Bump functions used to build packings of function classes.

* Tent bump (docs/function_classes.md §1): ``φ(u) = max(0, 1 − 2‖u − ½‖_∞)`` on [0,1]^d, with
  ``‖φ‖_{L^p}^p = Γ(d+1) Γ(p+1) / Γ(d+p+1)`` ([P]).  Proof: with s = 2‖u − ½‖_∞ the set
  {s ≤ s_0} is a cube of side s_0, so s has distribution function s^d on [0,1] and
  ∫φ^p = ∫_0^1 (1 − s)^p d s^{d−1} ds = d·B(d, p+1) = Γ(d+1)Γ(p+1)/Γ(d+p+1).
* Polynomial bump for smoothness α > 1 (α = r + β, r ≥ 1 integer, β ∈ (0,1]):
  ``ψ(t) = (4t(1−t))^{r+1}`` on [0,1] (ψ(½) = 1, zero of order r+1 at both ends, so ψ
  extended by 0 is C^r on R), and the tensor product ``Ψ(u) = Π_j ψ(u_j)``.  The sup norms
  ``s_j = ‖ψ^{(j)}‖_∞`` are computed exactly with sympy (critical points are algebraic
  numbers), and from them the constants that normalise a packing into the Hölder ball.

References
----------
A. B. Tsybakov, *Introduction to Nonparametric Estimation*, Springer 2009, §2.6 (bump
constructions for Hölder classes).
"""
from __future__ import annotations

import functools
import itertools
import math
from dataclasses import dataclass
from fractions import Fraction

import mpmath
import numpy as np
import sympy as sp

from approxbounds._validation import check_int, check_real

__all__ = [
    "tent",
    "tent_lp_norm_p",
    "tent_lp_norm_p_mp",
    "tent_lp_norm_p_exact",
    "PolynomialBump",
    "polynomial_bump",
    "HolderNormalisation",
]


def tent(u):
    """Tent bump φ(u) = max(0, 1 − 2‖u − ½‖_∞), vectorised.

    Parameters
    ----------
    u : array_like, shape (n, d), or (n,) meaning d = 1
    Returns
    -------
    ndarray, shape (n,)
    """
    u = np.asarray(u, dtype=float)
    if u.ndim == 1:
        u = u[:, None]
    return np.maximum(0.0, 1.0 - 2.0 * np.max(np.abs(u - 0.5), axis=1))


def _check_dp(d, p):
    d = check_int("d", d, minimum=1)
    p = check_real("p", p, low=1.0)
    return d, p


def tent_lp_norm_p(d: int, p: float) -> float:
    """‖φ‖_{L^p([0,1]^d)}^p = Γ(d+1)Γ(p+1)/Γ(d+p+1) (float, via log-gamma).

    Examples: (d, p) = (2, 2) → 1/6, (1, 1) → 1/2, (3, 1) → 1/4.
    """
    d, p = _check_dp(d, p)
    return math.exp(math.lgamma(d + 1) + math.lgamma(p + 1) - math.lgamma(d + p + 1))


def ln_tent_lp_norm_p(d: int, p: float) -> float:
    """Natural log of :func:`tent_lp_norm_p` (no underflow for large d, p)."""
    d, p = _check_dp(d, p)
    return math.lgamma(d + 1) + math.lgamma(p + 1) - math.lgamma(d + p + 1)


def tent_lp_norm_p_mp(d: int, p, dps: int = 50):
    """The same constant as an ``mpmath.mpf`` at ``dps`` digits (p may be an mpf/Fraction)."""
    d = check_int("d", d, minimum=1)
    with mpmath.workdps(dps):
        pm = mpmath.mpf(p.numerator) / p.denominator if isinstance(p, Fraction) else mpmath.mpf(p)
        if pm < 1:
            raise ValueError(f"p must be >= 1, got {p}")
        return +(mpmath.gamma(d + 1) * mpmath.gamma(pm + 1) / mpmath.gamma(d + pm + 1))


def tent_lp_norm_p_exact(d: int, p) -> sp.Expr:
    """Exact sympy value (rational when p is an integer), e.g. (2, 2) → 1/6."""
    d = check_int("d", d, minimum=1)
    ps = sp.Rational(Fraction(p)) if not isinstance(p, sp.Expr) else p
    if ps < 1:
        raise ValueError(f"p must be >= 1, got {p}")
    return sp.simplify(sp.gamma(d + 1) * sp.gamma(ps + 1) / sp.gamma(d + ps + 1))


_EXACT_ROOTS_MAX_DEGREE = 8


def _sup_abs_on_unit_interval(poly: sp.Poly) -> sp.Expr:
    """max_{t∈[0,1]} |poly(t)| with exact sympy arithmetic.

    Degree of poly' ≤ 8: the exact maximum (values at 0, 1 and the real critical points,
    which are algebraic numbers). Higher degrees: an exact *rational upper bound* within
    1e−25 of the maximum — the critical points are isolated in rational intervals [a, b] of
    width ≤ 1e−30 (``Poly.intervals``) and |poly| ≤ max(|poly(a)|, |poly(b)|) + (b − a)·Σ|c_i(poly')|
    there (the coefficient sum bounds |poly'| on [0,1]).
    """
    t = poly.gen
    dpoly = poly.diff(t)
    cands = [abs(poly.eval(0)), abs(poly.eval(1))]
    if dpoly.degree() < 1:
        return max(cands)
    if dpoly.degree() <= _EXACT_ROOTS_MAX_DEGREE:
        for root in dpoly.real_roots():
            if 0 < root < 1:
                cands.append(sp.Abs(poly.as_expr().subs(t, root)))
        return max(cands, key=lambda v: sp.N(v, 60))
    slope = sum(abs(c) for c in dpoly.all_coeffs())
    for (a, b), _mult in dpoly.intervals(inf=0, sup=1, eps=sp.Rational(1, 10**30)):
        a, b = sp.Rational(a), sp.Rational(b)
        cands.append(max(abs(poly.eval(a)), abs(poly.eval(b))) + (b - a) * slope)
    return max(cands)


@dataclass(frozen=True)
class HolderNormalisation:
    """Constants that put ``c·h^α·Ψ((x − x_k)/h)`` packings into the Hölder ball H^α.

    Attributes
    ----------
    r, beta : α = r + β with β ∈ (0, 1]
    sup_derivs : tuple of sympy numbers, s_j = ‖ψ^{(j)}‖_∞, j = 0..r+1 (exact)
    S_all : exact max over |k| ≤ r of ‖∂^k Ψ‖_∞ = Π_j s_{k_j}
    S_top : exact max over |k| = r of ‖∂^k Ψ‖_∞
    L_top : upper bound (exact expression) on max over |k| = r of the Lipschitz constant of
        ∂^k Ψ w.r.t. ‖·‖_∞ on R^d, i.e. of Σ_i ‖∂^{k+e_i} Ψ‖_∞
    holder_top : 2^{1−β} L_top^β (2 S_top)^{1−β}, bound on the β-Hölder constant of ∂^k Ψ
        (|k| = r) for the periodic-cell packing (see docs/function_classes.md)
    c : float, the normalisation, rounded down: c = min(½, 1/max(S_all, holder_top))
    """

    d: int
    r: int
    beta: sp.Expr
    sup_derivs: tuple
    S_all: sp.Expr
    S_top: sp.Expr
    L_top: sp.Expr
    holder_top: sp.Expr
    c: float

    def holder_top_mp(self, dps: int = 50):
        """holder_top evaluated with mpmath (β may be a rational with a huge denominator)."""
        with mpmath.workdps(dps):
            bm = mpmath.mpf(self.beta.p) / self.beta.q
            L = mpmath.mpf(sp.N(self.L_top, dps + 10))
            S = mpmath.mpf(sp.N(self.S_top, dps + 10))
            return 2 ** (1 - bm) * L**bm * (2 * S) ** (1 - bm)

    def c_mp(self, dps: int = 50):
        """The un-rounded constant min(½, 1/max(S_all, holder_top)) as an mpf."""
        with mpmath.workdps(dps):
            big = max(mpmath.mpf(sp.N(self.S_all, dps + 10)), self.holder_top_mp(dps))
            return min(mpmath.mpf(1) / 2, 1 / big)


class PolynomialBump:
    """ψ(t) = (4t(1−t))^{r+1} on [0,1] and its tensor product Ψ on [0,1]^d.

    Parameters
    ----------
    r : int ≥ 0
        ψ and its derivatives of order ≤ r vanish at 0 and 1; ψ ∈ C^r(R) after extension by 0.
    """

    def __init__(self, r: int):
        self.r = check_int("r", r, minimum=0)
        t = sp.Symbol("t", real=True)
        self._t = t
        self.expr = (4 * t * (1 - t)) ** (self.r + 1)
        self._polys = [sp.Poly(sp.diff(self.expr, t, j), t) for j in range(self.r + 2)]
        # numpy coefficient arrays, highest degree first
        self._coeffs = [np.array([float(c) for c in P.all_coeffs()]) for P in self._polys]

    @functools.cached_property
    def sup_derivs(self) -> tuple:
        """Exact s_j = ‖ψ^{(j)}‖_{∞,[0,1]} for j = 0..r+1 (sympy algebraic numbers)."""
        return tuple(_sup_abs_on_unit_interval(P) for P in self._polys)

    def derivative(self, t, j: int = 0):
        """ψ^{(j)}(t) for t in [0,1] (vectorised); 0 outside [0,1]."""
        t = np.asarray(t, dtype=float)
        val = np.polyval(self._coeffs[j], t)
        return np.where((t >= 0.0) & (t <= 1.0), val, 0.0)

    def tensor(self, u, k=None):
        """∂^k Ψ(u) for u of shape (n, d); k a multi-index (default 0)."""
        u = np.asarray(u, dtype=float)
        if u.ndim == 1:
            u = u[:, None]
        k = (0,) * u.shape[1] if k is None else tuple(k)
        out = np.ones(u.shape[0])
        for j, kj in enumerate(k):
            out = out * self.derivative(u[:, j], kj)
        return out

    def lp_norm_p_1d_mp(self, p, dps: int = 50):
        """∫_0^1 ψ^p = 4^{q} B(q+1, q+1) with q = (r+1)p (mpmath)."""
        with mpmath.workdps(dps):
            q = (self.r + 1) * mpmath.mpf(p)
            return +(mpmath.power(4, q) * mpmath.beta(q + 1, q + 1))

    def ln_lp_norm_p_1d(self, p: float) -> float:
        """Natural log of ∫_0^1 ψ^p (float)."""
        q = (self.r + 1) * p
        return q * math.log(4.0) + 2 * math.lgamma(q + 1) - math.lgamma(2 * q + 2)

    def normalisation(self, d: int, beta) -> HolderNormalisation:
        """Constants for the Hölder ball H^{r+β} on [0,1]^d with ‖·‖_∞ on R^d (see class doc)."""
        d = check_int("d", d, minimum=1)
        beta = sp.Rational(Fraction(beta)) if not isinstance(beta, sp.Expr) else beta
        if not (0 < beta <= 1):
            raise ValueError(f"beta must lie in (0, 1], got {beta}")
        return _normalisation(self.r, d, beta)


@functools.lru_cache(maxsize=None)
def polynomial_bump(r: int) -> PolynomialBump:
    """Cached :class:`PolynomialBump` (sympy work is done once per r)."""
    return PolynomialBump(r)


def _multi_indices(d: int, total: int):
    """All k ∈ N^d with |k| = total."""
    for bars in itertools.combinations(range(total + d - 1), d - 1):
        prev, k = -1, []
        for b in bars:
            k.append(b - prev - 1)
            prev = b
        k.append(total + d - 1 - prev - 1)
        yield tuple(k)


_MAX_ENUM = 20000


@functools.lru_cache(maxsize=None)
def _normalisation(r: int, d: int, beta: sp.Expr) -> HolderNormalisation:
    bump = polynomial_bump(r)
    s = bump.sup_derivs
    sn = [mpmath.mpf(sp.N(v, 60)) for v in s]

    def prod_expr(k):
        return sp.Mul(*[s[kj] for kj in k])

    def prod_num(k):
        return mpmath.fprod(sn[kj] for kj in k)

    def lip_expr(k):
        return sp.Add(*[s[k[i] + 1] * sp.Mul(*[s[k[j]] for j in range(d) if j != i]) for i in range(d)])

    def lip_num(k):
        return mpmath.fsum(sn[k[i] + 1] * mpmath.fprod(sn[k[j]] for j in range(d) if j != i) for i in range(d))

    n_enum = sum(math.comb(t + d - 1, d - 1) for t in range(r + 1))
    if n_enum <= _MAX_ENUM:
        all_k = [k for t in range(r + 1) for k in _multi_indices(d, t)]
        top_k = list(_multi_indices(d, r))
        S_all = prod_expr(max(all_k, key=prod_num))
        S_top = prod_expr(max(top_k, key=prod_num))
        L_top = lip_expr(max(top_k, key=lip_num))
    else:  # upper bounds: the largest s_j dominates each factor (valid, conservative)
        big = max(range(r + 1), key=lambda j: sn[j])
        big1 = max(range(1, r + 2), key=lambda j: sn[j])
        S_all = s[big] ** d
        S_top = S_all
        L_top = d * s[big1] * s[big] ** (d - 1)
    holder_top = sp.Mul(
        sp.Pow(2, 1 - beta, evaluate=False),
        sp.Pow(L_top, beta, evaluate=False),
        sp.Pow(2 * S_top, 1 - beta, evaluate=False),
        evaluate=False,
    )
    with mpmath.workdps(60):
        bm = mpmath.mpf(beta.p) / beta.q
        ht = 2 ** (1 - bm) * mpmath.mpf(sp.N(L_top, 70)) ** bm * (2 * mpmath.mpf(sp.N(S_top, 70))) ** (1 - bm)
        big = max(mpmath.mpf(sp.N(S_all, 70)), ht)
        c_mp = min(mpmath.mpf(1) / 2, 1 / big)
        c = float(c_mp)
        if c > c_mp:  # round down so that membership is certified
            c = math.nextafter(c, 0.0)
    return HolderNormalisation(d, r, beta, tuple(s), S_all, S_top, L_top, holder_top, c)
