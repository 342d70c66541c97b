r"""Exact distances between continuous piecewise-linear functions on [0, 1].

The brute-force checks of Theorems C and S compare tent-bump packings (piecewise linear,
breakpoints at multiples of 1/(2m)) with tiny ReLU networks of one input (piecewise linear,
breakpoints where a first-layer pre-activation vanishes). On a common grid
:math:`0 = x_0 < \dots < x_J = 1` containing every breakpoint of both, the difference
:math:`e = f - g` is linear on each segment, so

* :math:`\|e\|_\infty = \max_j |e(x_j)|`;
* :math:`\int_{x_j}^{x_{j+1}} |e|^p = \frac{h}{p+1}\sum_{i=0}^{p} |a|^i |b|^{p-i}` when the
  end values :math:`a, b` have the same sign (integer p), and
  :math:`\frac{h}{p+1}\,\frac{|a|^{p+1} + |b|^{p+1}}{|a| + |b|}` when they have opposite signs
  (split at the root :math:`t^* = |a| / (|a| + |b|)`).

Both formulas follow from :math:`\int_0^1 |a + (b - a)t|^p\,dt` by the substitution
:math:`u = a + (b - a)t`; they avoid the cancellation of
:math:`(|b|^{p+1} - |a|^{p+1}) / (|b| - |a|)`.
"""
from __future__ import annotations

import numpy as np

from approxbounds._validation import check_int

__all__ = ["segment_lp_p", "lp_distances", "sup_distances", "merge_grid"]


def merge_grid(*point_sets) -> np.ndarray:
    """Sorted union of breakpoints inside [0, 1], with 0 and 1 added."""
    pts = [np.asarray(p, dtype=float).ravel() for p in point_sets]
    allp = np.concatenate(pts + [np.array([0.0, 1.0])])
    allp = allp[(allp >= 0.0) & (allp <= 1.0)]
    return np.unique(allp)


def segment_lp_p(a, b, h, p: int) -> np.ndarray:
    r""":math:`\int |e|^p` over segments of length ``h`` on which ``e`` is linear from ``a`` to
    ``b`` (signed end values; arrays broadcast together); ``p`` a positive integer."""
    p = check_int("p", p, minimum=1, maximum=64)
    return _segment_integrals(np.asarray(a, dtype=float), np.asarray(b, dtype=float),
                              np.asarray(h, dtype=float), p)


def _segment_integrals(ea, eb, h, p: int) -> np.ndarray:
    """Integral of |e|^p on each segment; ``ea``/``eb`` signed end values, last axis segments."""
    aa, ab = np.abs(ea), np.abs(eb)
    same_sign = (ea * eb) >= 0.0
    poly = np.zeros_like(aa)
    for i in range(p + 1):
        poly = poly + aa**i * ab ** (p - i)
    denom = aa + ab
    safe = np.where(denom > 0.0, denom, 1.0)
    split = np.where(denom > 0.0, (aa ** (p + 1) + ab ** (p + 1)) / safe, 0.0)
    return h * np.where(same_sign, poly, split) / (p + 1)


def lp_distances(F_values, G_values, grid, p: int, *, chunk: int = 64) -> np.ndarray:
    r"""Matrix of exact :math:`\|f_i - g_j\|_{L^p([0,1])}` for piecewise-linear functions.

    Parameters
    ----------
    F_values : array, shape (n_f, J)
        Values of the f's at ``grid`` (every breakpoint of every f and g must be in it).
    G_values : array, shape (n_g, J)
    grid : array, shape (J,), increasing, from 0 to 1
    p : int >= 1
    chunk : int
        Rows of ``F_values`` processed at once (memory).

    Returns
    -------
    ndarray, shape (n_f, n_g)
    """
    p = check_int("p", p, minimum=1, maximum=64)
    F = np.atleast_2d(np.asarray(F_values, dtype=float))
    G = np.atleast_2d(np.asarray(G_values, dtype=float))
    x = np.asarray(grid, dtype=float)
    if F.shape[1] != x.size or G.shape[1] != x.size:
        raise ValueError(f"values must have one column per grid point ({x.size}), "
                         f"got {F.shape[1]} and {G.shape[1]}")
    if x.size < 2 or np.any(np.diff(x) <= 0):
        raise ValueError("grid must be strictly increasing with at least 2 points")
    h = np.diff(x)
    out = np.empty((F.shape[0], G.shape[0]))
    for start in range(0, F.shape[0], chunk):
        e = F[start:start + chunk, None, :] - G[None, :, :]
        integ = _segment_integrals(e[..., :-1], e[..., 1:], h, p).sum(axis=-1)
        out[start:start + chunk] = integ ** (1.0 / p)
    return out


def sup_distances(F_values, G_values, *, chunk: int = 256) -> np.ndarray:
    r"""Matrix of exact :math:`\|f_i - g_j\|_\infty` (values on a grid containing every
    breakpoint, so the maximum over the grid is the sup over [0, 1])."""
    F = np.atleast_2d(np.asarray(F_values, dtype=float))
    G = np.atleast_2d(np.asarray(G_values, dtype=float))
    if F.shape[1] != G.shape[1]:
        raise ValueError("F_values and G_values must have the same number of columns")
    out = np.empty((F.shape[0], G.shape[0]))
    for start in range(0, F.shape[0], chunk):
        out[start:start + chunk] = np.abs(F[start:start + chunk, None, :] - G[None, :, :]).max(-1)
    return out
