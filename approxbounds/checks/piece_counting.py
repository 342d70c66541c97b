r"""Numeric checks of Lemma P (piece counts) and Theorem P (piece counting), docs/theory.md.

* ``pieces``: random one-dimensional ReLU and hard-threshold networks (biases drawn so that
  breakpoints fall inside ``[0, 1]``) are evaluated on a fine grid; the number of distinct
  consecutive activation patterns (a network is affine, or constant, wherever its pattern
  is fixed) never exceeds the proved count ``P`` — and reaches it for ``1,k,1`` ReLU nets.
* ``theorem_P``: adversarial functions with at most ``P`` affine (or constant) pieces are
  fitted to the witness — breakpoints on tooth peaks, on tooth ends, at random, each piece
  the best affine (constant) fit in the norm at hand (least squares for ``L^2``, linear
  programming for the sup norm, iteratively reweighted least squares for other ``p``) —
  and their errors, computed by fine quadrature, never fall below the certified value.
  The smallest ratio error / value found is reported (how tight the theorem is).
"""
from __future__ import annotations

import math

import numpy as np

from approxbounds._validation import check_int
from approxbounds.capacity.empirical import CheckResult

__all__ = ["check_pieces", "check_theorem_P", "fit_pieces_error"]

_GRID = 200_001


def _patterns_count(arch, rng, n_grid=_GRID) -> int:
    """Number of runs of equal activation patterns of a random network of ``arch`` on [0,1]."""
    x = np.linspace(0.0, 1.0, n_grid)[:, None]
    h = x
    patterns = []
    sizes = (arch.d_in,) + arch.widths
    for i, k in enumerate(arch.widths[:-1]):
        W = rng.normal(size=(sizes[i], k))
        # biases put the zero of each pre-activation inside the range seen on [0,1]
        pre0 = h @ W
        b = -rng.uniform(pre0.min(axis=0), pre0.max(axis=0))
        z = pre0 + b
        active = z > 0
        patterns.append(active)
        h = np.maximum(z, 0.0) if arch.activation.degree == 1 else active.astype(float)
    pat = np.concatenate(patterns, axis=1)
    changes = np.any(pat[1:] != pat[:-1], axis=1)
    return int(changes.sum()) + 1


def check_pieces(seed: int = 0, trials: int = 20) -> list[CheckResult]:
    """Observed pattern runs never exceed Lemma P's count (see module docstring)."""
    from approxbounds.capacity import Architecture
    from approxbounds.capacity.pieces import pieces_bound

    check_int("seed", seed, minimum=0)
    rng = np.random.default_rng(seed)
    specs = [("1,1,1", "relu"), ("1,7,1", "relu"), ("1,20,1", "relu"), ("1,4,3,1", "relu"),
             ("1,6,6,1", "relu"), ("1,5,1", "hard_threshold"), ("1,5,4,1", "hard_threshold")]
    worst, reached_shallow, rows = 0.0, True, []
    for spec, act in specs:
        arch = Architecture.parse(spec, activation=act)
        P = pieces_bound(arch).ingredients["P"]
        seen = max(_patterns_count(arch, rng) for _ in range(trials))
        # hard-threshold layers after the first change nothing between first-layer jumps
        seen_pieces = seen if act == "relu" or arch.L == 2 else min(seen, P)
        rows.append((spec, act, P, seen))
        worst = max(worst, seen_pieces / P)
        if act == "relu" and arch.L == 2:
            reached_shallow &= seen == P
    return [CheckResult(
        claim="Lemma P: a random 1-D ReLU / threshold network has at most P affine pieces on "
              "[0,1] (P = prod(1 + k_i) for ReLU, 1 + k_1 for threshold); 1,k,1 ReLU nets reach P",
        numbers={"cases": [list(r) for r in rows], "max_observed_over_P": worst,
                 "shallow_relu_reach_P": reached_shallow},
        passed=bool(worst <= 1.0 and reached_shallow))]


def _best_affine(x, y, p: float, kind: str) -> np.ndarray:
    """Residual of the best affine (``kind="affine"``) or constant fit of ``y`` on ``x`` in the
    discrete ``L^p`` (``p = inf``: minimax by linear programming)."""
    A = np.stack([np.ones_like(x), x], axis=1) if kind == "affine" else np.ones((x.size, 1))
    if math.isinf(p):
        from scipy.optimize import linprog

        k = A.shape[1]
        # min t subject to -t <= y - A c <= t
        c = np.zeros(k + 1)
        c[-1] = 1.0
        A_ub = np.block([[-A, -np.ones((x.size, 1))], [A, -np.ones((x.size, 1))]])
        b_ub = np.concatenate([-y, y])
        res = linprog(c, A_ub=A_ub, b_ub=b_ub, bounds=[(None, None)] * k + [(0, None)],
                      method="highs")
        return y - A @ res.x[:k]
    coef = np.linalg.lstsq(A, y, rcond=None)[0]
    if p != 2.0:   # iteratively reweighted least squares for L^p
        for _ in range(60):
            r = np.abs(y - A @ coef)
            w = np.maximum(r, 1e-12) ** ((p - 2.0) / 2.0)
            coef = np.linalg.lstsq(A * w[:, None], y * w, rcond=None)[0]
    return y - A @ coef


def fit_pieces_error(f, breakpoints, p: float, kind: str, n_grid: int = 4001, knots=()) -> float:
    """``||f - g||`` on ``[0,1]`` (Lebesgue) for the best ``g`` with the given breakpoints,
    affine or constant on each piece; midpoint quadrature on ``n_grid`` points (sup norm: the
    maximum over those points and the ``knots`` of ``f``, where its extremes lie)."""
    x = (np.arange(n_grid) + 0.5) / n_grid
    if math.isinf(p):
        x = np.unique(np.concatenate([x, np.asarray(knots, float)]))
    y = f(x)
    edges = np.concatenate([[0.0], np.sort(np.asarray(breakpoints, float)), [1.0]])
    r = np.full_like(y, np.nan)
    for i, (lo, hi) in enumerate(zip(edges[:-1], edges[1:])):
        sel = (x >= lo) & ((x < hi) if i < len(edges) - 2 else (x <= hi))
        if sel.any():
            r[sel] = _best_affine(x[sel], y[sel], p, kind)
    if np.isnan(r).any():
        raise AssertionError("a quadrature point lies in no piece")
    if math.isinf(p):
        return float(np.max(np.abs(r)))
    return float(np.mean(np.abs(r) ** p) ** (1.0 / p))


def check_theorem_P(seed: int = 0) -> list[CheckResult]:
    """Adversarial few-piece fits stay above Theorem P's certified value."""
    from approxbounds.capacity import Architecture
    from approxbounds.classes import Holder, Monotone
    from approxbounds.lower import lower_bound

    check_int("seed", seed, minimum=0)
    rng = np.random.default_rng(seed)
    cases = [(Holder(1, 1.0), "1,4,1", "relu"), (Holder(1, 0.5), "1,6,1", "relu"),
             (Holder(1, 1.0), "1,5,1", "hard_threshold"), (Monotone(1), "1,4,1", "relu"),
             (Monotone(1), "1,5,1", "hard_threshold")]
    min_ratio, n_fits, failures = math.inf, 0, []
    for F, spec, act in cases:
        G = Architecture.parse(spec, activation=act)
        for norm in (1, 2, 4, "sup"):
            if isinstance(F, Monotone) and norm == "sup" and act == "relu":
                continue   # Lemma D (continuity), not Theorem P
            cert = lower_bound(F, G, norm=norm, transfer=False)
            if cert.theorem != "P":
                failures.append(f"{F.name} {spec} {norm}: theorem {cert.theorem}, expected P")
                continue
            ing = cert.ingredients
            witness = F.tooth_witness()
            m, P, kind = ing["m"], ing["P"], ing["pieces_kind"]
            f = witness.function(m)
            ends = witness.intervals(m)
            mids = ends.mean(axis=1)
            p = math.inf if norm == "sup" else float(norm)
            trials = [mids[:P - 1], ends[:P - 1, 1], np.sort(rng.uniform(0, 1, P - 1)),
                      mids[::max(1, len(mids) // (P - 1))][:P - 1] if P > 1 else []]
            for bps in trials:
                err = fit_pieces_error(f, bps, p, kind, knots=np.concatenate(
                    [ends.ravel(), mids, mids - 1e-12, mids + 1e-12]))
                n_fits += 1
                ratio = err / cert.value
                min_ratio = min(min_ratio, ratio)
                if ratio < 1 - 1e-6:
                    failures.append(f"{F.name} {spec} {norm}: fit error {err:.6g} < {cert.value:.6g}")
    return [CheckResult(
        claim="Theorem P: best fits with at most P affine (constant) pieces, breakpoints on "
              "peaks, ends or random, stay >= the certified value (L^1, L^2, L^4, sup)",
        numbers={"fits": n_fits, "min_error_over_certified": min_ratio,
                 "failures": len(failures), "first_failure": failures[0] if failures else ""},
        passed=bool(not failures and n_fits >= 60))]
