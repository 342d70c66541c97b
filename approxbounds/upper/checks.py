r"""Numeric checks of the constructions: build the explicit network of a certificate for hard
members of F and measure its error, which must not exceed the certified value.

* :func:`hard_members` -- members of F that are hard for the certificate's construction: the
  extremal functions of the proofs (sawtooth of cusps on the grid, the jump right after a knot,
  the identity against a staircase), packing members (:meth:`FunctionClass.packing`) and
  random members (maxima of Hölder cones, random monotone step-and-ramp functions);
* :func:`measured_error` -- :math:`\|f - g\|` on a dense grid: the maximum for the sup norm,
  the midpoint rule for :math:`L^p(\lambda)`, the exact mean for an empirical measure;
* :func:`check_certificate` -- both together: the largest measured error over the members.

Membership of every generated function in F is by construction (docs/upper_bounds.md §5);
:func:`holder_quotient` re-checks it numerically.
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

__all__ = ["hard_members", "measured_error", "check_certificate", "CheckResult", "holder_quotient",
           "random_holder", "random_monotone", "grid_points"]


def _as(x, d):
    x = np.asarray(x, dtype=float)
    return x.reshape(-1, 1) if (d == 1 and x.ndim == 1) else x


def random_holder(d: int, alpha: float, rng, n_cones: int = 12, lip: float = 1.0):
    r"""``x -> clip(max_j (a_j - lip ||x - y_j||_inf^alpha), -1, 1)``: a maximum of Hölder
    cones, in :math:`H^\alpha` (``alpha <= 1``, ``lip <= 1``)."""
    ys = rng.uniform(size=(n_cones, d))
    a = rng.uniform(-0.5, 1.0, size=n_cones)

    def f(x):
        X = _as(x, d)
        dist = np.max(np.abs(X[:, None, :] - ys[None, :, :]), axis=2)
        return np.clip(np.max(a[None, :] - lip * dist ** alpha, axis=1), -1.0, 1.0)

    return f


def random_monotone(d: int, rng, n_steps: int = 20):
    """A random non-decreasing ``[0,1]^d -> [0,1]``: a mixture of upper-orthant indicators
    (open and closed) and a smooth ramp, weights summing to 1."""
    t = rng.uniform(size=(n_steps, d))
    closed = rng.uniform(size=n_steps) < 0.5
    w = rng.dirichlet(np.ones(n_steps + 1))

    def f(x):
        X = _as(x, d)
        out = w[-1] * np.mean(X, axis=1)
        for k in range(n_steps):
            ind = np.all(X >= t[k], axis=1) if closed[k] else np.all(X > t[k], axis=1)
            out = out + w[k] * ind
        return np.clip(out, 0.0, 1.0)

    return f


def _sawtooth(knots_per_axis: int, alpha: float, d: int, centred: bool, lip: float = 1.0):
    """``lip * dist_inf(x, grid)^alpha`` with the grid ``i/n`` (or the cell centres)."""
    n = knots_per_axis

    def f(x):
        X = _as(x, d)
        Y = X * n - (0.5 if centred else 0.0)
        dist = np.abs(Y - np.round(Y)) / n
        if centred:
            dist = np.minimum(dist, np.abs(X * n - 0.5) / n)  # keep the boundary cells exact
        return lip * np.max(dist, axis=1) ** alpha

    return f


def _smooth_bump(n: int):
    """``(1 - cos(2 pi n x)) / (4 pi^2 n^2)``: in H^alpha for every alpha (|f''| <= 1 and
    |f'| <= 1/(2 pi n)); zero at the knots ``i/n``."""
    def f(x):
        X = _as(x, 1)[:, 0]
        return (1.0 - np.cos(2 * np.pi * n * X)) / (4 * np.pi ** 2 * n ** 2)

    return f


def hard_members(cert, k: int = 2, rng=None) -> list:
    """``[(name, f), ...]``: members of the certificate's F that are hard for its construction."""
    rng = np.random.default_rng(rng)
    F, G, norm, _ = cert.objects()
    key, route = cert.theorem, cert.route
    d = F.d
    out = []
    holder = getattr(F, "alpha", None) is not None
    if holder:
        alpha = float(F.alpha)
        if alpha <= 1:
            if key == "PL":
                out.append(("sawtooth on the knots", _sawtooth(route["pieces"], alpha, 1, False)))
            elif key in ("ST", "U0"):
                m = route.get("cells", 1)
                out.append(("cusps at the cell centres", _sawtooth(m, alpha, d, True)))
                out.append(("cusps on the grid", _sawtooth(m, alpha, d, False)))
            elif key == "KT":
                out.append(("cusps at the cell centres", _sawtooth(2 * route["cells"], alpha, d, False)))
            for j in range(k):
                # cones with Lipschitz constant 1 lie in H^alpha for alpha <= 1
                out.append((f"random Hölder cones #{j}", random_holder(d, alpha, rng, lip=1.0)))
        elif d == 1:
            n = route.get("pieces", route.get("cells", 1))
            out.append(("smooth bumps zero at the knots", _smooth_bump(n)))
    else:
        if d == 1:
            out.append(("identity", lambda x: np.clip(_as(x, 1)[:, 0], 0.0, 1.0)))
            out.append(("jump right after 0", lambda x: (_as(x, 1)[:, 0] > 0).astype(float)))
            if key == "PL":
                n = route["pieces"]
                out.append(("jumps right after the knots",
                            lambda x, n=n: np.minimum(np.ceil(_as(x, 1)[:, 0] * n) / n, 1.0)))
            if key == "RI":
                n = route["levels"] + 1
                out.append(("staircase of the levels",
                            lambda x, n=n: np.minimum(np.floor(_as(x, 1)[:, 0] * n) / n, 1.0)))
        for j in range(k):
            out.append((f"random monotone #{j}", random_monotone(d, rng)))
    try:      # members of F's own packing (drawn last: the rng stream above is unchanged)
        pk = F.packing(4 if d == 1 else 2, "sup" if norm.is_sup else norm.p)
        out += [(f"packing member #{j}", f) for j, f in enumerate(pk.random_members(k, rng))]
    except (ValueError, TypeError):
        pass
    return out


def grid_points(d: int, n: int, midpoints: bool = True) -> np.ndarray:
    """The ``n^d`` cell midpoints (``midpoints=True``) or the ``(n+1)^d`` nodes of the grid ``1/n``."""
    ax = (np.arange(n) + 0.5) / n if midpoints else np.arange(n + 1) / n
    if d == 1:
        return ax[:, None]
    return np.array(list(itertools.product(ax, repeat=d)))


def measured_error(g, f, d: int, norm, measure=None, n: int | None = None) -> float:
    r"""``||f - g||`` measured on a grid: the maximum over nodes and midpoints of the grid of side
    ``1/n`` (sup norm), the midpoint rule (:math:`L^p(\lambda)`, or a density measure, for which
    the Lebesgue value is returned), the exact mean over the points (empirical measure)."""
    from approxbounds.norms import Norm

    norm = Norm.parse(norm)
    if n is None:
        n = 200_000 if d == 1 else 600
    if measure is not None and getattr(measure, "name", "") == "empirical":
        pts = measure.points
        diff = np.abs(f(pts[:, 0] if d == 1 else pts) - g(pts[:, 0] if d == 1 else pts))
        return float(diff.max()) if norm.is_sup else float(np.mean(diff ** norm.p) ** (1 / norm.p))
    if norm.is_sup:
        vals = []
        for mid in (True, False):
            pts = grid_points(d, n, mid)
            x = pts[:, 0] if d == 1 else pts
            vals.append(float(np.max(np.abs(f(x) - g(x)))))
        return max(vals)
    pts = grid_points(d, n, True)
    x = pts[:, 0] if d == 1 else pts
    diff = np.abs(f(x) - g(x))
    return float(np.mean(diff ** norm.p) ** (1.0 / norm.p))


@dataclass
class CheckResult:
    """Largest measured error over the hard members vs the certified value."""

    value: float
    worst: float
    worst_member: str
    errors: dict

    @property
    def ratio(self) -> float:
        return self.worst / self.value


def check_certificate(cert, k: int = 2, rng=None, n: int | None = None, members=None) -> CheckResult:
    """Build the certificate's network for each hard member and measure its error."""
    F, G, norm, mu = cert.objects()
    members = hard_members(cert, k, rng) if members is None else members
    if n is None:
        n = 200_000 if F.d == 1 else 600
    kwargs = {}
    if cert.route.get("variant") == "midrange":
        # the midrange is taken over a sub-grid containing every measured point of the cell
        m = cert.route.get("cells", 1)
        n = m * -(-n // m)
        kwargs["samples"] = 2 * (n // m) + 1
    errors = {}
    for name, f in members:
        g = cert.network(f, **kwargs)
        errors[name] = measured_error(g, f, F.d, norm, mu, n)
    worst = max(errors, key=errors.get)
    return CheckResult(cert.value, errors[worst], worst, errors)


def holder_quotient(f, d: int, alpha: float, rng=None, n: int = 4000) -> float:
    r"""Largest :math:`|f(x)-f(y)| / \|x-y\|_\infty^\alpha` over random pairs (close and far)."""
    rng = np.random.default_rng(rng)
    x = rng.uniform(size=(n, d))
    scale = 10.0 ** rng.uniform(-6, 0, size=(n, 1))
    y = np.clip(x + scale * rng.uniform(-1, 1, size=(n, d)), 0, 1)
    fx, fy = f(x[:, 0] if d == 1 else x), f(y[:, 0] if d == 1 else y)
    dist = np.max(np.abs(x - y), axis=1)
    ok = dist > 0
    return float(np.max(np.abs(fx - fy)[ok] / dist[ok] ** alpha)) if np.any(ok) else 0.0


del math
