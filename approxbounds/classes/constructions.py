"""Cell constructions: the building blocks of every packing in :mod:`approxbounds.classes`.

A *cell construction* on grid size m describes functions

    f_σ(x) = base(x) + Σ_{k=1}^{N} σ_k g_k(x),      σ ∈ {0,1}^N (or {−1,0,1}^N for sign families)

where the g_k have pairwise disjoint supports, one per grid cell.  Then for every measure μ

    ‖f_σ − f_σ'‖_{L^p(μ)}^p = Σ_{k : σ_k ≠ σ'_k} w_k,     w_k = ∫ |g_k|^p dμ,

and ‖f_σ − f_σ'‖_∞ ≥ min_k sup|g_k| when σ ≠ σ'.  Under Lebesgue measure all w_k are equal
to a closed form in m, which is what makes scales up to m ~ 1e14 cheap (log domain).

Constructions (proofs in docs/function_classes.md §1-4):

* ``tent``       Hölder α ≤ 1: g_k = ½ h^α φ((x − x_k)/h), h = 1/m, N = m^d.
* ``polynomial`` Hölder α > 1: g_k = c h^α Ψ((x − x_k)/h), Ψ the tensor polynomial bump.
* ``A``          Monotone: base = (1/2d) Σ_j x_j, g_k = δ φ((x − x_k)/h), δ = 1/(4dm).
* ``B``          Monotone, d ≥ 2: f_σ = 1[x_d ≥ τ_σ(x_{<d})], g_k = indicator of a slab of height
                 Δ/2 above cell k of [0,1]^{d−1}, Δ = 1/(2(d−1)m), N = m^{d−1}.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import mpmath
import numpy as np

from approxbounds.classes.bumps import ln_tent_lp_norm_p, polynomial_bump, tent, tent_lp_norm_p_mp

__all__ = ["CellConstruction", "TentHolder", "PolynomialHolder", "MonotoneA", "MonotoneB", "MembershipCheck"]

_MAX_MATERIALISE = 5_000_000


@dataclass
class MembershipCheck:
    """Result of a numerical membership check.

    ``worst`` is the largest normalised quantity found (Hölder quotient / sup norm relative to
    the allowed bound 1, or for monotone classes the largest decrease / range violation; the
    check passes when ``worst ≤ 1 + tol`` resp. ``≤ tol``); ``criterion`` says which.
    """

    passed: bool
    worst: float
    criterion: str
    n_checks: int
    details: dict


def _as_points(x, d):
    x = np.asarray(x, dtype=float)
    if x.ndim == 1 and d == 1:
        x = x[:, None]
    if x.ndim != 2 or x.shape[1] != d:
        raise ValueError(f"x must have shape (n, {d})" + (" or (n,)" if d == 1 else "") + f", got {x.shape}")
    return x


def _cells(x, m):
    """Integer cell indices (clipped to 0..m−1) and local coordinates u = m x − idx."""
    mx = x * m
    idx = np.clip(np.floor(mx), 0, m - 1)
    return idx.astype(np.int64), mx - idx


class CellConstruction:
    """Abstract cell construction (see module docstring). Subclasses fill in the maths."""

    name: str = "abstract"
    d: int
    low: float = 0.0  #: every member takes values in [low, high]
    high: float = 1.0
    m_min: int = 1

    # --- geometry -----------------------------------------------------------------------
    def grid_dim(self) -> int:
        """Dimension of the grid whose cells carry the bumps (d, or d−1 for B)."""
        return self.d

    def n_cells(self, m: int) -> int:
        return m ** self.grid_dim()

    def ln_n_cells(self, m) -> float:
        return self.grid_dim() * math.log(m)

    # --- closed forms (Lebesgue) --------------------------------------------------------
    def ln_cell_weight(self, m, p: float) -> float:
        """ln ∫|g_k|^p dλ (the same for every cell)."""
        raise NotImplementedError

    def cell_weight_mp(self, m, p, dps: int = 50):
        raise NotImplementedError

    def ln_cell_sup(self, m) -> float:
        """ln sup|g_k| (sup-norm separation of two words that differ)."""
        raise NotImplementedError

    def cell_sup_mp(self, m, dps: int = 50):
        raise NotImplementedError

    # --- evaluation ---------------------------------------------------------------------
    def base(self, x) -> np.ndarray:
        return np.zeros(x.shape[0])

    def bump(self, x, m):
        """(flat cell index, g_{cell}(x)) for each row of x; value 0 off every support."""
        raise NotImplementedError

    def evaluate(self, sigma, x, m):
        x = _as_points(x, self.d)
        cell, val = self.bump(x, m)
        return self.base(x) + np.asarray(sigma, dtype=float)[cell] * val

    def empirical_weights(self, points, m, p):
        """Certified lower bounds on w_k = (1/n) Σ_i |g_k(x_i)|^p, as (cells, weights) with
        weights > 0 only (cells without sample mass are dropped)."""
        cell, val = self.bump(points, m)
        lower = np.maximum(0.0, np.abs(val) * (1.0 - 1e-12) - self._eval_error(m))
        w = lower**p / points.shape[0] * (1.0 - 1e-12)
        keep = w > 0
        cells, inv = np.unique(cell[keep], return_inverse=True)
        sums = np.zeros(cells.size)
        np.add.at(sums, inv, w[keep])
        return cells, sums

    def empirical_weights_mp(self, points, m, p, dps: int = 50):
        """The same weights evaluated with mpmath from the exact sample (dict cell → mpf)."""
        raise NotImplementedError

    def _eval_error(self, m) -> float:
        return 0.0

    def check_membership(self, sigma, m, points, rng) -> MembershipCheck:
        raise NotImplementedError

    def quadrature(self, m, level: int = 8):
        """Points and weights (summing to 1) of a midpoint rule aligned with the cells."""
        s = m * level
        g = (np.arange(s) + 0.5) / s
        mesh = np.stack(np.meshgrid(*([g] * self.d), indexing="ij"), axis=-1).reshape(-1, self.d)
        return mesh, np.full(mesh.shape[0], 1.0 / mesh.shape[0])


# ----------------------------------------------------------------------------------------
class _BumpOnCube(CellConstruction):
    """Shared code of constructions whose g_k is amp(m)·B((x − x_k)/h) on the d-dim grid."""

    def amplitude_ln(self, m) -> float:
        raise NotImplementedError

    def amplitude_mp(self, m, dps):
        raise NotImplementedError

    def unit_bump(self, u):
        raise NotImplementedError

    def unit_bump_mp(self, u):
        raise NotImplementedError

    def ln_unit_norm_p(self, p):
        raise NotImplementedError

    def unit_norm_p_mp(self, p, dps):
        raise NotImplementedError

    def ln_cell_weight(self, m, p):
        return p * self.amplitude_ln(m) - self.d * math.log(m) + self.ln_unit_norm_p(p)

    def cell_weight_mp(self, m, p, dps=50):
        with mpmath.workdps(dps):
            return self.amplitude_mp(m, dps) ** p / mpmath.mpf(m) ** self.d * self.unit_norm_p_mp(p, dps)

    def ln_cell_sup(self, m):
        return self.amplitude_ln(m)

    def cell_sup_mp(self, m, dps=50):
        return self.amplitude_mp(m, dps)

    def bump(self, x, m):
        x = _as_points(x, self.d)
        if m ** self.d > _MAX_MATERIALISE:
            raise ValueError(f"m^d must be <= {_MAX_MATERIALISE} to evaluate members, got m={m}")
        idx, u = _cells(x, m)
        flat = np.ravel_multi_index(tuple(idx.T), (m,) * self.d)
        return flat, math.exp(self.amplitude_ln(m)) * self.unit_bump(u)

    def empirical_weights_mp(self, points, m, p, dps=50):
        out = {}
        with mpmath.workdps(dps):
            amp = self.amplitude_mp(m, dps)
            n = points.shape[0]
            for row in points:
                xs = [mpmath.mpf(float(v)) for v in row]
                idx = [min(int(mpmath.floor(v * m)), m - 1) for v in xs]
                u = [v * m - k for v, k in zip(xs, idx)]
                val = abs(amp * self.unit_bump_mp(u))
                if val > 0:
                    key = int(np.ravel_multi_index(tuple(idx), (m,) * self.d))
                    out[key] = out.get(key, mpmath.mpf(0)) + val**p / n
        return out


class _TentOnCube(_BumpOnCube):
    """Shared code of constructions whose unit bump is the tent φ(u) = max(0, 1 − 2‖u − ½‖_∞)."""

    def unit_bump(self, u):
        return tent(u)

    def unit_bump_mp(self, u):
        return max(mpmath.mpf(0), 1 - 2 * max(abs(v - mpmath.mpf(1) / 2) for v in u))

    def ln_unit_norm_p(self, p):
        return ln_tent_lp_norm_p(self.d, p)

    def unit_norm_p_mp(self, p, dps):
        return tent_lp_norm_p_mp(self.d, p, dps)

    def _eval_error(self, m):
        return 1e-14 * (m + 1) * self.d


class TentHolder(_TentOnCube):
    """Hölder α ≤ 1: g_k = ½ h^α φ((x − x_k)/h), values in [0, ½] (σ ∈ {0,1})."""

    name = "tent"
    low, high = 0.0, 0.5

    def __init__(self, d: int, alpha: float):
        self.d, self.alpha = d, alpha

    def amplitude_ln(self, m):
        return -math.log(2.0) - self.alpha * math.log(m)

    def amplitude_mp(self, m, dps):
        with mpmath.workdps(dps):
            return mpmath.mpf(m) ** (-mpmath.mpf(self.alpha)) / 2

    def check_membership(self, sigma, m, points, rng):
        return _holder_check(self, sigma, m, points, rng, r=0, beta=self.alpha, derivs=None)


class PolynomialHolder(_BumpOnCube):
    """Hölder α > 1: g_k = c h^α Ψ((x − x_k)/h), Ψ(u) = Π_j (4u_j(1 − u_j))^{r+1}.

    c is :attr:`approxbounds.classes.bumps.HolderNormalisation.c` (exact sympy constants,
    rounded down). Values in [0, c] ⊂ [0, ½].
    """

    name = "polynomial"
    low, high = 0.0, 0.5

    def __init__(self, d: int, alpha: float, r: int, beta):
        self.d, self.alpha, self.r = d, alpha, r
        self.bump_fn = polynomial_bump(r)
        self.norm = self.bump_fn.normalisation(d, beta)
        self.c = self.norm.c
        self.beta = float(beta)

    def amplitude_ln(self, m):
        return math.log(self.c) - self.alpha * math.log(m)

    def amplitude_mp(self, m, dps):
        with mpmath.workdps(dps):
            return mpmath.mpf(self.c) * mpmath.mpf(m) ** (-mpmath.mpf(self.alpha))

    def unit_bump(self, u):
        return self.bump_fn.tensor(u)

    def unit_bump_mp(self, u):
        out = mpmath.mpf(1)
        for v in u:
            out *= (4 * v * (1 - v)) ** (self.r + 1) if 0 <= v <= 1 else 0
        return out

    def ln_unit_norm_p(self, p):
        return self.d * self.bump_fn.ln_lp_norm_p_1d(p)

    def unit_norm_p_mp(self, p, dps):
        with mpmath.workdps(dps):
            return self.bump_fn.lp_norm_p_1d_mp(p, dps) ** self.d

    def _eval_error(self, m):
        s1 = float(self.norm.sup_derivs[1])
        return 1e-12 + 1e-14 * (m + 1) * self.d * s1

    def derivative(self, sigma, x, m, k):
        """∂^k f_σ(x) (the base is 0)."""
        x = _as_points(x, self.d)
        idx, u = _cells(x, m)
        flat = np.ravel_multi_index(tuple(idx.T), (m,) * self.d)
        scale = self.c * float(m) ** (sum(k) - self.alpha)
        return np.asarray(sigma, dtype=float)[flat] * scale * self.bump_fn.tensor(u, k)

    def check_membership(self, sigma, m, points, rng):
        return _holder_check(self, sigma, m, points, rng, r=self.r, beta=self.beta, derivs=self.derivative)


def _multi(d, total):
    from approxbounds.classes.bumps import _multi_indices

    return list(_multi_indices(d, total))


def _pairs(points, m, rng, d):
    """Pairs (x, y): random partners at many distances, plus partners across cell faces."""
    n = points.shape[0]
    scales = np.exp(rng.uniform(np.log(1e-4 / m), np.log(1.0), size=n))
    dirs = rng.uniform(-1.0, 1.0, size=(n, d))
    y1 = np.clip(points + scales[:, None] * dirs, 0.0, 1.0)
    y2 = rng.permutation(points)
    # partner in the neighbouring cell along a random axis (crosses a cell boundary)
    y3 = points.copy()
    ax = rng.integers(0, d, size=n)
    y3[np.arange(n), ax] = np.clip(y3[np.arange(n), ax] + rng.uniform(-1.5, 1.5, size=n) / m, 0.0, 1.0)
    x = np.concatenate([points, points, points])
    y = np.concatenate([y1, y2, y3])
    dist = np.max(np.abs(x - y), axis=1)
    ok = dist > 0
    return x[ok], y[ok], dist[ok]


def _holder_check(con, sigma, m, points, rng, *, r, beta, derivs):
    """Worst Hölder quotient and derivative sup norm (‖·‖_∞ on R^d) over sampled pairs."""
    d = con.d
    tol = 1e-9
    x, y, dist = _pairs(points, m, rng, d)
    worst_sup, worst_q = 0.0, 0.0
    if r == 0:
        fx, fy = con.evaluate(sigma, x, m), con.evaluate(sigma, y, m)
        worst_sup = float(np.max(np.abs(fx)))
        worst_q = float(np.max(np.abs(fx - fy) / dist**beta))
    else:
        for total in range(r + 1):
            for k in _multi(d, total)[:50]:
                gx = derivs(sigma, x, m, k)
                worst_sup = max(worst_sup, float(np.max(np.abs(gx))))
                if total == r:
                    gy = derivs(sigma, y, m, k)
                    worst_q = max(worst_q, float(np.max(np.abs(gx - gy) / dist**beta)))
    worst = max(worst_sup, worst_q)
    return MembershipCheck(
        passed=bool(worst <= 1.0 + tol),
        worst=worst,
        criterion="max(sup|d^k f| for |k|<=r, Holder quotient of d^k f for |k|=r) <= 1, norm ||.||_inf",
        n_checks=int(x.shape[0]),
        details={"worst_sup": worst_sup, "worst_holder_quotient": worst_q, "r": r, "beta": beta},
    )


# ----------------------------------------------------------------------------------------
class MonotoneA(_TentOnCube):
    """Monotone (A): base (1/2d)Σ_j x_j, g_k = δ φ((x − x_k)/h), δ = 1/(4dm); values in [0,1]."""

    name = "A"
    low, high = 0.0, 1.0

    def __init__(self, d: int):
        self.d = d

    def amplitude_ln(self, m):
        return -math.log(4.0 * self.d * m)

    def amplitude_mp(self, m, dps):
        with mpmath.workdps(dps):
            return 1 / (4 * mpmath.mpf(self.d) * m)

    def base(self, x):
        return np.sum(x, axis=1) / (2.0 * self.d)

    def check_membership(self, sigma, m, points, rng):
        return _monotone_check(self, sigma, m, points, rng)


class MonotoneB(CellConstruction):
    """Monotone (B), d ≥ 2: f_σ(x) = 1[x_d ≥ τ_σ(x_{<d})], values in {0, 1}.

    On cell k of the (d−1)-dimensional grid, τ_σ = 1 − Δ Σ_j k_j − σ_k Δ/2, Δ = 1/(2(d−1)m).
    """

    name = "B"
    low, high = 0.0, 1.0
    m_min = 1

    def __init__(self, d: int):
        if d < 2:
            raise ValueError("construction B needs d >= 2")
        self.d = d

    def grid_dim(self):
        return self.d - 1

    def _delta(self, m):
        return 1.0 / (2.0 * (self.d - 1) * m)

    def ln_cell_weight(self, m, p):
        # |g_k| = 1 on a slab of volume h^{d−1}·Δ/2 (independent of p)
        return -math.log(4.0 * (self.d - 1) * m) - (self.d - 1) * math.log(m)

    def cell_weight_mp(self, m, p, dps=50):
        with mpmath.workdps(dps):
            return 1 / (4 * mpmath.mpf(self.d - 1) * m) / mpmath.mpf(m) ** (self.d - 1)

    def ln_cell_sup(self, m):
        return 0.0

    def cell_sup_mp(self, m, dps=50):
        return mpmath.mpf(1)

    def _tau0(self, idx, m):
        return 1.0 - self._delta(m) * np.sum(idx, axis=1)

    def bump(self, x, m):
        x = _as_points(x, self.d)
        if m ** (self.d - 1) > _MAX_MATERIALISE:
            raise ValueError(f"m^(d-1) must be <= {_MAX_MATERIALISE} to evaluate members, got m={m}")
        idx, _ = _cells(x[:, :-1], m)
        flat = np.ravel_multi_index(tuple(idx.T), (m,) * (self.d - 1))
        tau0 = self._tau0(idx, m)
        xd = x[:, -1]
        val = ((xd >= tau0 - self._delta(m) / 2) & (xd < tau0)).astype(float)
        return flat, val

    def base(self, x):
        return np.zeros(x.shape[0])  # replaced in evaluate

    def evaluate(self, sigma, x, m):
        x = _as_points(x, self.d)
        idx, _ = _cells(x[:, :-1], m)
        flat = np.ravel_multi_index(tuple(idx.T), (m,) * (self.d - 1))
        tau = self._tau0(idx, m) - np.asarray(sigma, dtype=float)[flat] * self._delta(m) / 2
        return (x[:, -1] >= tau).astype(float)

    def empirical_weights(self, points, m, p):
        tol = 1e-9
        xp = points[:, :-1]
        idx, u = _cells(xp, m)
        interior = np.all((u > tol) & (u < 1 - tol), axis=1)
        tau0 = self._tau0(idx, m)
        xd = points[:, -1]
        inside = interior & (xd >= tau0 - self._delta(m) / 2 + tol) & (xd < tau0 - tol)
        flat = np.ravel_multi_index(tuple(idx.T), (m,) * (self.d - 1))
        cells, counts = np.unique(flat[inside], return_counts=True)
        return cells, counts / points.shape[0] * (1.0 - 1e-12)

    def empirical_weights_mp(self, points, m, p, dps=50):
        from fractions import Fraction

        out = {}
        n = points.shape[0]
        delta = Fraction(1, 2 * (self.d - 1) * m)
        for row in points:
            xs = [Fraction(float(v)) for v in row]
            idx = [min(int(v * m), m - 1) for v in xs[:-1]]
            tau0 = 1 - delta * sum(idx)
            if tau0 - delta / 2 <= xs[-1] < tau0:
                key = int(np.ravel_multi_index(tuple(idx), (m,) * (self.d - 1)))
                out[key] = out.get(key, 0) + Fraction(1, n)
        with mpmath.workdps(dps):
            return {k: mpmath.mpf(v.numerator) / v.denominator for k, v in out.items()}

    def quadrature(self, m, level: int = 8):
        s = m * level
        g = (np.arange(s) + 0.5) / s
        # along x_d: midpoints of intervals of length Δ/(2·level), aligned with every threshold
        nd = 4 * (self.d - 1) * m * level
        gd = (np.arange(nd) + 0.5) / nd
        mesh = np.stack(np.meshgrid(*([g] * (self.d - 1)), gd, indexing="ij"), axis=-1).reshape(-1, self.d)
        return mesh, np.full(mesh.shape[0], 1.0 / mesh.shape[0])

    def check_membership(self, sigma, m, points, rng):
        return _monotone_check(self, sigma, m, points, rng)


def _monotone_check(con, sigma, m, points, rng):
    """Largest decrease f(x) − f(x + t e_j) (t > 0) and range violation over sampled moves."""
    d = con.d
    n = points.shape[0]
    fx = con.evaluate(sigma, points, m)
    worst_range = float(max(0.0, -fx.min(), fx.max() - 1.0))
    worst_dec = 0.0
    n_checks = 0
    for j in range(d):
        t = np.exp(rng.uniform(np.log(1e-4 / m), np.log(1.0), size=n))
        y = points.copy()
        y[:, j] = np.minimum(1.0, y[:, j] + t)
        fy = con.evaluate(sigma, y, m)
        worst_dec = max(worst_dec, float(np.max(fx - fy)))
        n_checks += n
    worst = max(worst_dec, worst_range)
    tol = 1e-12
    return MembershipCheck(
        passed=bool(worst <= tol),
        worst=worst,
        criterion="max(decrease along a coordinate, distance of values outside [0,1]) <= 1e-12",
        n_checks=n_checks,
        details={"worst_decrease": worst_dec, "worst_range_violation": worst_range},
    )
