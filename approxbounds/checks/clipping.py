r"""The clipping step of Theorem L, checked on random functions.

Claim (docs/theory.md, proof of Theorem L) [P]: if :math:`f` maps into :math:`[a, a+B]` and
:math:`\hat g = \min(\max(g, a), a+B)`, then :math:`|f(x) - \hat g(x)| \le |f(x) - g(x)|` at
every x (clipping onto an interval containing f(x) is the metric projection onto a convex
set, hence 1-Lipschitz and fixing f(x)); integrating, :math:`\|f - \hat g\|_p \le \|f - g\|_p`
for every p and every measure. Consequence used by the proof: if
:math:`\|f_i - g_i\| < \varepsilon/4` and the :math:`f_i` are pairwise :math:`> \varepsilon`
apart, the clipped :math:`\hat g_i` are pairwise :math:`> \varepsilon/2` apart.

Floating point: clipping is exact and subtraction/absolute value/rounding are monotone, so
the pointwise inequality must hold *exactly* on the computed values; sums taken in the same
order are monotone too, so the L^p comparison is exact as well.
"""
from __future__ import annotations

import numpy as np

from approxbounds._validation import check_int
from approxbounds.capacity.empirical import CheckResult

__all__ = ["check_clipping"]


def check_clipping(seed: int = 0, *, n_functions: int = 400, n_points: int = 257) -> list[CheckResult]:
    """Random f in [a, a+B] (smooth, rough and step-like) and random g overshooting the range.

    Returns two results: the pointwise / L^p inequality, and the separation consequence
    (pairs of f's more than eps apart with g's within eps/4 have clipped g's > eps/2 apart).
    """
    seed = check_int("seed", seed, minimum=0)
    n_functions = check_int("n_functions", n_functions, minimum=2, maximum=100_000)
    n_points = check_int("n_points", n_points, minimum=2, maximum=100_000)
    rng = np.random.default_rng(seed)
    x = np.linspace(0.0, 1.0, n_points)
    a = rng.uniform(-2.0, 2.0, size=(n_functions, 1))
    B = rng.uniform(0.1, 3.0, size=(n_functions, 1))
    kind = rng.integers(0, 3, size=n_functions)
    freq = rng.uniform(1.0, 20.0, size=(n_functions, 1))
    phase = rng.uniform(0.0, 2 * np.pi, size=(n_functions, 1))
    smooth = 0.5 + 0.5 * np.sin(freq * x[None, :] + phase)
    rough = rng.uniform(0.0, 1.0, size=(n_functions, n_points))
    step = (x[None, :] > rng.uniform(size=(n_functions, 1))).astype(float)
    unit = np.where(kind[:, None] == 0, smooth, np.where(kind[:, None] == 1, rough, step))
    f = a + B * unit
    g = f + rng.normal(0.0, 1.0, size=f.shape) * B * rng.uniform(0.05, 2.0, size=(n_functions, 1))
    g_hat = np.clip(g, a, a + B)
    d_raw, d_clip = np.abs(f - g), np.abs(f - g_hat)
    excess = float(np.max(d_clip - d_raw))
    changed = float(np.mean(g_hat != g))
    ratios = {}
    ok_lp = True
    for p in (1, 2, 4):
        n_raw = np.mean(d_raw**p, axis=1) ** (1 / p)
        n_clip = np.mean(d_clip**p, axis=1) ** (1 / p)
        ok_lp &= bool(np.all(n_clip <= n_raw))
        ratios[f"max_ratio_L{p}"] = float(np.max(n_clip / n_raw))
    sup_ok = bool(np.all(d_clip.max(axis=1) <= d_raw.max(axis=1)))
    out = [CheckResult(
        claim="clipping onto [a, a+B] never increases |f - g| pointwise, in L^1, L^2, L^4 "
              "or sup norm (random f in range, random g)",
        numbers={"functions": n_functions, "points": n_points, "max_pointwise_excess": excess,
                 "fraction_clipped": changed, **ratios},
        passed=bool(excess <= 0.0 and ok_lp and sup_ok and changed > 0.05))]

    # separation consequence in L^2 on the grid (discrete uniform measure)
    eps = 0.3
    n_pairs = 0
    worst = np.inf
    for _ in range(200):
        base = rng.uniform(0.0, 1.0, size=n_points)
        f1 = np.clip(base + rng.normal(0, 0.2, n_points), 0.0, 1.0)
        f2 = np.clip(base + rng.normal(0, 0.6, n_points), 0.0, 1.0)
        if np.sqrt(np.mean((f1 - f2) ** 2)) <= eps:
            continue
        gs = []
        for fi in (f1, f2):
            noise = rng.normal(0.0, 1.0, n_points)
            noise *= (0.999 * eps / 4) / np.sqrt(np.mean(noise**2))    # ||f - g||_2 < eps/4
            gs.append(np.clip(fi + noise, 0.0, 1.0))
        n_pairs += 1
        worst = min(worst, float(np.sqrt(np.mean((gs[0] - gs[1]) ** 2))))
    out.append(CheckResult(
        claim="f_i pairwise > eps apart and ||f_i - g_i||_2 < eps/4 imply clipped g_i pairwise "
              "> eps/2 apart (random pairs, eps = 0.3)",
        numbers={"pairs": n_pairs, "eps": eps, "min_clipped_distance": worst, "eps_half": eps / 2},
        passed=bool(n_pairs > 20 and worst > eps / 2)))
    return out
