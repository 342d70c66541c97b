"""Packings, sign families and scale families built from cell constructions.

A :class:`Packing` is a *certified* statement: there are at least ``2**log2_size`` members of
the function class, pairwise at L^p(μ) distance ≥ ``separation`` (tag "P"). Members are
f_σ for σ ranging over a binary code with Hamming distance ≥ D = max(1, ⌈δN⌉) (δ = ``delta``,
default 1/8); the code exists by Gilbert–Varshamov / Varshamov–Gilbert
(:mod:`approxbounds.classes.varshamov_gilbert`). For Lebesgue measure

    separation^p = max(δN, 1) · w(m),       log2_size = N (1 − H(δ)),

both closed forms in m (w the per-cell weight), evaluated in the log domain, so m ~ 1e14 and
separations far below 1e−300 (``log2_separation``) are fine. Floats are rounded *down* by a
relative 1e−12 so that they remain certified; ``separation_mp(dps)`` recomputes the separation
with mpmath. For sup norm (p = ∞) every σ ∈ {0,1}^N is used: log2_size = N,
separation = sup|g_k|.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Iterator

import mpmath
import numpy as np

from approxbounds._validation import check_int
from approxbounds.classes.constructions import MembershipCheck, _as_points
from approxbounds.classes.measures import DensityBounded, Empirical
from approxbounds.classes.varshamov_gilbert import (  # noqa: I001
    _gv_rate,
    _gv_rate_times,
    binary_entropy,
    greedy_code,
    gv_log2_size_entropy,
    vg_log2_size,
)

__all__ = ["Packing", "SignFamily", "PackingScales", "ScalePoint", "SeparationCheck", "M_MAX"]

#: largest grid size used by closed-form scale searches
M_MAX = 10**14
_SAFETY = 1e-12
_LN2 = math.log(2.0)


def _round_down_ln(x: float) -> float:
    return x - _SAFETY * (abs(x) + 1.0)


@dataclass
class SeparationCheck:
    """Pairwise distances of random members: closed form vs numerical integration."""

    passed: bool
    separation: float
    min_exact: float
    min_numeric: float
    max_rel_error: float
    n_pairs: int
    method: str
    details: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ScalePoint:
    """One scale of a packing family: grid size m, certified separation and log2 size."""

    m: int
    separation: float
    log2_separation: float
    log2_size: float
    construction: str


def _lebesgue_ln_sep(con, m: int, p: float, delta: float, ln_factor: float) -> float:
    if math.isinf(p):
        return _round_down_ln(con.ln_cell_sup(m))
    ln_dn = max(math.log(delta) + con.ln_n_cells(m), 0.0)  # ln max(δN, 1)
    return _round_down_ln((ln_dn + con.ln_cell_weight(m, p)) / p + ln_factor)


#: Largest number of cells whose code size a packing states: log2 sizes are doubles, and a
#: grid with more cells than this has a log2 size beyond the double range.
N_CELLS_MAX = 2**1000


_LN_N_CELLS_MAX = 1000 * math.log(2)


def _beyond_cell_cap(construction, m: int) -> bool:
    """``construction.n_cells(m) > N_CELLS_MAX``, decided in the log domain first: the exact
    power ``m**d`` is only formed when it has at most about 1000 bits (for ``d`` = 10^12 it
    would take hours)."""
    ln_n = construction.ln_n_cells(m)
    if ln_n > _LN_N_CELLS_MAX + 1e-6:
        return True
    if ln_n < _LN_N_CELLS_MAX - 1e-6:
        return False
    return construction.n_cells(m) > N_CELLS_MAX


def _checked_cells(construction, m: int, d: int) -> int:
    """The exact number of cells ``m^grid_dim`` (``ValueError`` beyond :data:`N_CELLS_MAX`)."""
    if _beyond_cell_cap(construction, m):
        raise ValueError(f"the grid m={m} on [0,1]^{d} has {m}^{construction.grid_dim()} > 2^1000 cells: "
                         f"its packing size 2^(c m^d) is beyond the double range; use a smaller m "
                         f"(or smaller d)")
    return construction.n_cells(m)


def _log2_code_size(N: float, p: float, delta: float) -> tuple[float, str]:
    if math.isinf(p):
        return float(N), "all_words"
    gv = gv_log2_size_entropy(N, delta)
    if delta <= 0.125 and N >= 8 and vg_log2_size(N) > gv:  # never happens (kept for clarity)
        return vg_log2_size(N), "varshamov_gilbert"
    return gv, "gilbert_varshamov_entropy"


class Packing:
    """A certified packing of a function class (see module docstring).

    Attributes
    ----------
    construction : str        name of the cell construction
    m : int                   grid size (cells of side 1/m)
    p : float                 norm exponent (``math.inf`` for the sup norm)
    measure                   Lebesgue / DensityBounded / Empirical
    delta : float             relative Hamming distance of the code (1/8 by default)
    N : int                   number of cells (code length; active cells for Empirical)
    D : int                   guaranteed Hamming distance between code words
    separation : float        certified: members pairwise ≥ this far apart in L^p(μ)
    log2_separation : float   the same in log2 (never underflows)
    log2_size : float         certified: at least 2^log2_size members
    tag : "P"
    ingredients : dict        every constant used
    """

    tag = "P"

    def __init__(self, function_class, construction, m: int, p: float, measure, delta: float = 0.125):
        self.function_class = function_class
        self._con = construction
        self.construction = construction.name
        self.m = m
        self.p = p
        self.measure = measure
        self.delta = delta
        self.d = function_class.d
        self.N_grid = _checked_cells(construction, m, function_class.d)
        self._active = None
        self._weights = None
        ingredients = {
            "class": function_class.name,
            "class_params": function_class.to_dict() if hasattr(function_class, "to_dict") else None,
            "construction": self.construction,
            "m": m,
            "h": 1.0 / m,
            "p": p,
            "delta": delta,
            "measure": measure.to_dict(),
            "range": (construction.low, construction.high),
        }
        if isinstance(measure, Empirical) and not math.isinf(p):
            cells, weights = construction.empirical_weights(measure.points, m, p)
            self._active, self._weights = cells, weights
            self.N = int(cells.size)
            if self.N == 0:
                self.D, ln_sep = 1, math.log(construction.high - construction.low)
                self.log2_size, method = 0.0, "single_member"
            else:
                self.D = max(1, math.ceil(Fraction(delta) * self.N))
                smallest = np.sort(weights)[: self.D]
                ln_sep = _round_down_ln(math.log(math.fsum(smallest)) / p)
                self.log2_size, method = _log2_code_size(self.N, p, delta)
            ingredients["active_cells"] = self.N
            ingredients["empirical_n"] = measure.n
        else:
            self.N = self.N_grid
            ln_factor = measure.ln_lebesgue_factor(p) if hasattr(measure, "ln_lebesgue_factor") else 0.0
            ln_sep = _lebesgue_ln_sep(construction, m, p, delta, ln_factor)
            if math.isinf(p):
                self.D = 1
            else:
                self.D = max(1, math.ceil(Fraction(delta) * self.N))
                ingredients["ln_cell_weight"] = construction.ln_cell_weight(m, p)
                ingredients["lebesgue_factor_ln"] = ln_factor
            self.log2_size, method = _log2_code_size(self.N, p, delta)
        self.ln_separation = ln_sep
        self.log2_separation = ln_sep / _LN2
        self.separation = math.exp(ln_sep)
        ingredients.update(
            {
                "N": self.N,
                "D": self.D,
                "binary_entropy_delta": binary_entropy(delta),
                "size_method": method,
                "log2_size": self.log2_size,
                "ln_cell_sup": construction.ln_cell_sup(m),
                "log2_separation": self.log2_separation,
            }
        )
        if self.N >= 8 and not math.isinf(p):
            ingredients["log2_size_varshamov_gilbert"] = vg_log2_size(self.N)
        extra = getattr(construction, "norm", None)
        if extra is not None:
            ingredients["bump_c"] = extra.c
            ingredients["bump_r"] = extra.r
        self.ingredients = ingredients

    # ------------------------------------------------------------------------------------
    def __repr__(self) -> str:
        return (
            f"Packing({self.function_class.name}, construction={self.construction!r}, m={self.m}, "
            f"p={self.p}, separation={self.separation:.6g}, log2_size={self.log2_size:.6g}, tag='P')"
        )

    def to_dict(self) -> dict:
        return {
            "construction": self.construction,
            "m": self.m,
            "p": self.p if not math.isinf(self.p) else "sup",
            "separation": self.separation,
            "log2_separation": self.log2_separation,
            "log2_size": self.log2_size,
            "tag": self.tag,
            "ingredients": dict(self.ingredients),
        }

    def separation_mp(self, dps: int = 50):
        """The separation recomputed with mpmath at ``dps`` digits (≥ :attr:`separation`)."""
        con, m, p = self._con, self.m, self.p
        with mpmath.workdps(dps):
            if math.isinf(p):
                return +con.cell_sup_mp(m, dps)
            pm = mpmath.mpf(p)
            if isinstance(self.measure, Empirical):
                if self.N == 0:
                    return mpmath.mpf(con.high - con.low)
                exact = con.empirical_weights_mp(self.measure.points, m, p, dps)
                vals = sorted(exact[int(c)] for c in self._active)
                return mpmath.fsum(vals[: self.D]) ** (1 / pm)
            dn = max(mpmath.mpf(Fraction(self.delta).numerator) / Fraction(self.delta).denominator * self.N, 1)
            val = (dn * con.cell_weight_mp(m, p, dps)) ** (1 / pm)
            if isinstance(self.measure, DensityBounded):
                val *= mpmath.mpf(self.measure.kappa) ** (1 / pm)
            return val

    def log2_size_mp(self, dps: int = 50):
        """The certified ``log2`` size recomputed with mpmath at ``dps`` digits (≥ :attr:`log2_size`).

        ``N`` for the sup norm (all words), ``0`` for a single member, else the
        Gilbert–Varshamov entropy form ``N (1 − H(δ))`` with ``δ`` taken exactly.
        """
        method = self.ingredients.get("size_method")
        with mpmath.workdps(dps):
            if method == "single_member" or self.construction == "single":
                return mpmath.mpf(0)
            if method == "all_words":
                return mpmath.mpf(self.N)
            fr = Fraction(self.delta)
            q = mpmath.mpf(fr.numerator) / fr.denominator
            h = -q * mpmath.log(q, 2) - (1 - q) * mpmath.log(1 - q, 2)
            if method == "varshamov_gilbert":
                return mpmath.mpf(self.N) / 8
            return mpmath.mpf(self.N) * (1 - h)

    def value_range(self) -> tuple:
        """``(low, high)``: every member takes values in ``[low, high]`` (exact floats)."""
        return (float(self._con.low), float(self._con.high))

    # ------------------------------------------------------------------------------------
    def _free_cells(self) -> np.ndarray:
        if self._active is not None:
            return self._active
        if self.N_grid > 5_000_000:
            raise ValueError(f"m={self.m} has too many cells ({self.N_grid}) to materialise members")
        return np.arange(self.N_grid)

    def code_words(self, k: int, rng=None) -> np.ndarray:
        """``k`` code words (rows of a k×N_grid 0/1 matrix) pairwise at Hamming distance ≥ D.

        For few free cells (≤ 16) the words are drawn from the greedy (lexicographic) code;
        otherwise random words are drawn and rejected until they are D-separated.
        """
        k = check_int("k", k, minimum=1)
        rng = np.random.default_rng(rng)
        free = self._free_cells()
        nf = free.size
        if nf == 0:
            return np.zeros((1, self.N_grid), dtype=np.int8)
        if nf <= 16:
            code = greedy_code(nf, self.D)
            pick = rng.choice(code.size, size=min(k, code.size), replace=False)
            bits = ((code[pick][:, None] >> np.arange(nf, dtype=np.uint32)) & 1).astype(np.int8)
        else:
            rows = []
            for _ in range(200 * k):
                cand = rng.integers(0, 2, size=nf, dtype=np.int8)
                if all(np.count_nonzero(cand != r) >= self.D for r in rows):
                    rows.append(cand)
                    if len(rows) == k:
                        break
            bits = np.array(rows, dtype=np.int8)
        out = np.zeros((bits.shape[0], self.N_grid), dtype=np.int8)
        out[:, free] = bits
        return out

    def member(self, code_word):
        """Vectorised callable x ↦ f_σ(x) (x of shape (n, d), or (n,) when d = 1)."""
        sigma = np.asarray(code_word, dtype=float).ravel()
        if sigma.size != self.N_grid:
            raise ValueError(f"code_word must have length {self.N_grid}, got {sigma.size}")
        if not np.all(np.isin(sigma, (0.0, 1.0))):
            raise ValueError("code_word entries must be 0 or 1")
        con, m = self._con, self.m

        def f(x):
            return con.evaluate(sigma, x, m)

        f.code_word = sigma
        return f

    def random_members(self, k: int, rng=None) -> list:
        """``k`` members whose code words are pairwise ≥ D apart (callables)."""
        return [self.member(w) for w in self.code_words(k, rng)]

    def _sample(self, points, n, rng):
        if points is not None:
            return _as_points(points, self.d)
        n = check_int("n", n, minimum=1)
        return rng.uniform(0.0, 1.0, size=(n, self.d))

    def verify_membership(self, points=None, n: int = 2000, rng=None, k: int = 3) -> MembershipCheck:
        """Check numerically that ``k`` random members and the all-ones word lie in the class.

        Hölder: sup norms of derivatives of order ≤ r and the β-Hölder quotients of order-r
        derivatives (‖·‖_∞ on R^d) on pairs of sample points, many of them across cell faces.
        Monotone: values in [0,1] and no decrease along coordinate moves.
        """
        rng = np.random.default_rng(rng)
        pts = self._sample(points, n, rng)
        words = list(self.code_words(k, rng))
        words.append(np.ones(self.N_grid, dtype=np.int8))
        results = [self._con.check_membership(w.astype(float), self.m, pts, rng) for w in words]
        worst = max(results, key=lambda r: r.worst)
        return MembershipCheck(
            passed=all(r.passed for r in results),
            worst=worst.worst,
            criterion=worst.criterion,
            n_checks=sum(r.n_checks for r in results),
            details={"members_checked": len(results), **worst.details},
        )

    def verify_separation(self, k: int = 4, rng=None, level: int = 16, rtol: float | None = None) -> SeparationCheck:
        """Pairwise distances of ``k`` random members: closed form vs numerical evaluation.

        Lebesgue/DensityBounded: the closed form Σ_{differing cells} w is compared with a
        midpoint rule aligned with the cells (``level`` points per cell side); for a density
        measure the Lebesgue numbers are computed and multiplied by κ^{1/p}. Empirical: the
        weights on the sample vs the direct sample mean of |f_i − f_j|^p. Sup norm: the cell
        sup vs the maximum over the grid and the cell centres. Passes when every pair agrees
        within ``rtol`` and is ≥ :attr:`separation`.
        """
        rng = np.random.default_rng(rng)
        words = self.code_words(k, rng)
        con, m, p = self._con, self.m, self.p
        emp = isinstance(self.measure, Empirical) and not math.isinf(p)
        if emp:
            pts, wts = self.measure.points, np.full(self.measure.n, 1.0 / self.measure.n)
            exact_w = con.empirical_weights_mp(pts, m, p, 30)
            default_rtol = 1e-9
        else:
            pts, wts = con.quadrature(m, level)
            if math.isinf(p) and hasattr(con, "amplitude_ln"):
                idx = np.stack(np.unravel_index(np.arange(self.N_grid), (m,) * con.d), axis=1)
                pts = np.concatenate([pts, (idx + 0.5) / m])
            default_rtol = 2e-2 if not math.isinf(p) else 1e-9
        rtol = default_rtol if rtol is None else rtol
        factor = 1.0 if emp or math.isinf(p) else self.measure.lebesgue_factor(p)
        vals = [con.evaluate(w.astype(float), pts, m) for w in words]
        min_exact, min_num, max_err, n_pairs = math.inf, math.inf, 0.0, 0
        for i in range(len(words)):
            for j in range(i + 1, len(words)):
                diff_cells = np.flatnonzero(words[i] != words[j])
                absdiff = np.abs(vals[i] - vals[j])
                if math.isinf(p):
                    exact = math.exp(con.ln_cell_sup(m))
                    num = float(absdiff.max())
                elif emp:
                    exact = float(mpmath.fsum(exact_w.get(int(c), 0) for c in diff_cells)) ** (1 / p)
                    num = float(np.sum(wts * absdiff**p)) ** (1 / p)
                else:
                    exact = (diff_cells.size * math.exp(con.ln_cell_weight(m, p))) ** (1 / p) * factor
                    num = float(np.sum(wts * absdiff**p)) ** (1 / p) * factor
                err = abs(num - exact) / exact if exact > 0 else abs(num)
                min_exact, min_num = min(min_exact, exact), min(min_num, num)
                max_err = max(max_err, err)
                n_pairs += 1
        passed = n_pairs > 0 and max_err <= rtol and min_exact >= self.separation * (1 - 1e-9)
        method = "sample" if emp else ("grid+centres sup" if math.isinf(p) else f"midpoint rule, {level}/cell")
        return SeparationCheck(passed, self.separation, min_exact, min_num, max_err, n_pairs, method,
                               {"rtol": rtol, "D": self.D, "k": len(words)})


class SignFamily:
    """Sign family for Theorem S: f_σ = Σ_k σ_k c φ_k ∈ F for every σ ∈ {−1,+1}^N (tag "P").

    Bumps φ_k have disjoint supports (cell k of the m^d grid) and φ_k(x_k) = 1 at the cell
    centre x_k, so f_σ(x_k) = σ_k c.
    """

    tag = "P"

    def __init__(self, function_class, construction, m: int):
        self.function_class = function_class
        self._con = construction
        self.construction = construction.name
        self.m = m
        self.d = function_class.d
        self.N = _checked_cells(construction, m, function_class.d)
        self.ln_c = construction.ln_cell_sup(m)
        self.log2_c = self.ln_c / _LN2
        self.c = math.exp(self.ln_c)
        self.ingredients = {
            "class": function_class.name,
            "class_params": function_class.to_dict() if hasattr(function_class, "to_dict") else None,
            "construction": self.construction,
            "m": m,
            "N": self.N,
            "c": self.c,
            "log2_c": self.log2_c,
        }

    def __repr__(self) -> str:
        return f"SignFamily({self.function_class.name}, m={self.m}, N={self.N}, c={self.c:.6g}, tag='P')"

    def c_mp(self, dps: int = 50):
        return self._con.cell_sup_mp(self.m, dps)

    def n_points_exact(self) -> int:
        """Number of disjoint bumps ``N`` recomputed from the construction (exact int)."""
        return int(self._con.n_cells(self.m))

    def centres(self) -> np.ndarray:
        """Cell centres x_k, shape (N, d) (materialised; N ≤ 5e6)."""
        if self.N > 5_000_000:
            raise ValueError(f"N={self.N} centres are too many to materialise")
        idx = np.stack(np.unravel_index(np.arange(self.N), (self.m,) * self.d), axis=1)
        return (idx + 0.5) / self.m

    def member(self, signs):
        s = np.asarray(signs, dtype=float).ravel()
        if s.size != self.N or not np.all(np.isin(s, (-1.0, 1.0))):
            raise ValueError(f"signs must be a ±1 vector of length {self.N}")
        con, m = self._con, self.m
        return lambda x: con.evaluate(s, x, m)

    def verify_membership(self, signs=None, points=None, n: int = 2000, rng=None) -> MembershipCheck:
        rng = np.random.default_rng(rng)
        s = rng.choice([-1.0, 1.0], size=self.N) if signs is None else np.asarray(signs, dtype=float)
        pts = rng.uniform(size=(n, self.d)) if points is None else _as_points(points, self.d)
        return self._con.check_membership(s, self.m, pts, rng)


class PackingScales:
    """A one-parameter family of packings (one construction), closed forms in m.

    Iterating yields :class:`ScalePoint` for increasing m in ``m_values`` (default: a
    geometric grid from the smallest m to ``M_MAX = 1e14``). For Empirical measures every
    scale is materialised on the sample.
    """

    def __init__(self, function_class, construction, p: float, measure, delta: float = 0.125, m_values=None):
        self.function_class, self._con = function_class, construction
        self.construction = construction.name
        self.p, self.measure, self.delta = p, measure, delta
        self._m_values = m_values
        self.closed_form = not (isinstance(measure, Empirical) and not math.isinf(p))
        self._ln_factor = measure.ln_lebesgue_factor(p) if hasattr(measure, "ln_lebesgue_factor") else 0.0

    def ln_separation(self, m: int) -> float:
        if not self.closed_form:
            return self.packing(m).ln_separation
        return _lebesgue_ln_sep(self._con, m, self.p, self.delta, self._ln_factor)

    def log2_separation(self, m: int) -> float:
        return self.ln_separation(m) / _LN2

    def separation(self, m: int) -> float:
        return math.exp(self.ln_separation(m))

    def log2_size(self, m: int) -> float:
        if not self.closed_form:
            return self.packing(m).log2_size
        if _beyond_cell_cap(self._con, m):   # beyond the double range: no packing at this m
            return math.inf
        N = self._con.n_cells(m)
        if math.isinf(self.p):
            return float(N)
        # the closed form of _log2_code_size without re-validating delta at every m
        # (the Varshamov-Gilbert branch there never wins: N(1 - H(1/8)) > N/8)
        return _gv_rate_times(float(N), _gv_rate(self.delta))

    def point(self, m: int) -> ScalePoint:
        ln_sep = self.ln_separation(m)
        return ScalePoint(m, math.exp(ln_sep), ln_sep / _LN2, self.log2_size(m), self.construction)

    def packing(self, m: int) -> Packing:
        return Packing(self.function_class, self._con, m, self.p, self.measure, self.delta)

    def default_m_values(self) -> list[int]:
        lo = self._con.m_min
        hi = M_MAX if self.closed_form else min(512, 4 * math.ceil(self.measure.n ** (1 / self.measure.d)) + 4)
        vals, x = [], float(lo)
        while x <= hi:
            vals.append(int(round(x)))
            x = max(x * 1.1, x + 1)
        return sorted(set(vals))

    def __iter__(self) -> Iterator[ScalePoint]:
        for m in self._m_values if self._m_values is not None else self.default_m_values():
            yield self.point(int(m))

    def largest_m_above(self, eps: float, m_max: int = M_MAX) -> int | None:
        """Largest m ≤ m_max with certified separation > eps (closed form only), or None."""
        if not self.closed_form:
            raise ValueError("largest_m_above needs a closed-form (non-empirical) family")
        ln_eps = math.log(eps)
        lo = self._con.m_min
        if self.ln_separation(lo) <= ln_eps:
            return None
        if self.ln_separation(m_max) > ln_eps:
            return m_max
        hi = m_max  # invariant: sep(lo) > eps >= sep(hi)
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if self.ln_separation(mid) > ln_eps:
                lo = mid
            else:
                hi = mid
        return lo
