"""Fitted slopes of log(certified bound) against log(pseudo-dimension bound).

For a family of architectures (fixed depth, growing width) we compute the certified lower
bound ``lower_bound(F, G, norm).value`` (Theorems L/S/C, [P]) and the certified
pseudo-dimension bound ``pdim_bound(G).value``, and fit

.. math:: \\log(\\text{bound}) \\approx a + b \\log(\\text{Pdim})

by least squares on the large-W end. The rate statements (:func:`approxbounds.rates.rate`,
[R]) predict b → −1/e (−α/d for Hölder, −1/max(d, p(d−1)) for monotone in L^p),
approached from below because of the log factors.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from approxbounds._validation import check_int, check_real

__all__ = ["SlopeFit", "width_family", "fitted_slope", "least_squares_slope",
           "width_for_params"]


def width_for_params(d_in: int, depth: int, target_W: float) -> int:
    """Hidden width k (all hidden layers equal) whose parameter count is closest to
    ``target_W`` for ``depth`` layers (depth − 1 hidden layers and a linear output).

    W(k) = (d_in + 1) k + (depth − 2)(k + 1) k + (k + 1).
    """
    d_in = check_int("d_in", d_in, minimum=1)
    depth = check_int("depth", depth, minimum=2, maximum=10**4)
    target_W = check_real("target_W", target_W, low=1.0, high=1e15)
    a = depth - 2
    b = (d_in + 1) + (depth - 2) + 1
    c = 1 - target_W
    k = (-b + math.sqrt(b * b - 4 * a * c)) / (2 * a) if a > 0 else -c / b
    return max(1, int(round(k)))


def width_family(d_in: int, depth: int, *, W_min: float = 1e2, W_max: float = 1e8,
                 n: int = 25, activation: str = "relu"):
    """Architectures of fixed ``depth`` whose W runs log-uniformly over [W_min, W_max]
    (duplicates removed; each W within rounding of its target)."""
    from approxbounds.capacity import Architecture

    n = check_int("n", n, minimum=2, maximum=10_000)
    W_min = check_real("W_min", W_min, low=1.0, high=1e14)
    W_max = check_real("W_max", W_max, low=W_min, high=1e14, low_open=True)
    widths = []
    for target in np.logspace(math.log10(W_min), math.log10(W_max), n):
        k = width_for_params(d_in, depth, float(target))
        if k not in widths:
            widths.append(k)
    return [Architecture.mlp(d_in, [k] * (depth - 1), activation) for k in widths]


def least_squares_slope(x, y) -> tuple[float, float]:
    """Ordinary least squares y ≈ intercept + slope·x; returns (slope, intercept)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    if x.shape != y.shape or x.size < 2:
        raise ValueError("x and y must have the same shape with at least 2 points")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise ValueError("x and y must be finite")
    if np.ptp(x) == 0:
        raise ValueError("x must not be constant")
    A = np.vstack([x, np.ones_like(x)]).T
    (slope, intercept), *_ = np.linalg.lstsq(A, y, rcond=None)
    return float(slope), float(intercept)


@dataclass(frozen=True)
class SlopeFit:
    """Least-squares fit of ln(certified bound) on ln(Pdim bound).

    ``W``, ``L``, ``ln_pdim``, ``ln_bound`` hold every family member; ``used`` marks the
    large-W points entering the fit; ``predicted`` is the rate exponent (−1/e, [R]) or None.
    """

    slope: float
    intercept: float
    predicted: float | None
    W: np.ndarray
    L: np.ndarray
    ln_pdim: np.ndarray
    ln_bound: np.ndarray
    used: np.ndarray
    theorems: tuple
    norm: object
    F_name: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def n_used(self) -> int:
        return int(np.count_nonzero(self.used))

    def fitted(self, ln_pdim) -> np.ndarray:
        return self.intercept + self.slope * np.asarray(ln_pdim, float)

    def to_dict(self) -> dict:
        return {"slope": self.slope, "intercept": self.intercept, "predicted": self.predicted,
                "n_used": self.n_used, "W_fit_min": float(self.W[self.used].min()),
                "W_fit_max": float(self.W[self.used].max()), "norm": self.norm,
                "F": self.F_name, "theorems": sorted(set(self.theorems))}


def fitted_slope(F, G_family, norm=2, *, measure=None, W_fit_min: float = 1e5,
                 W_fit_max: float = math.inf) -> SlopeFit:
    """Slope of ln(certified lower bound) against ln(certified Pdim bound) at large W.

    Parameters
    ----------
    F : function class (``Holder``, ``Monotone``, ...)
    G_family : iterable of Architecture
        E.g. :func:`width_family` (fixed depth, W from 1e2 to 1e8).
    norm : float ≥ 1 or "sup"
    measure : optional measure passed to ``lower_bound``
    W_fit_min, W_fit_max : float
        Only members with W in [W_fit_min, W_fit_max] enter the fit (at least two needed).

    Returns
    -------
    SlopeFit
        ``slope`` is the fitted exponent; ``predicted`` the rate exponent from
        :func:`approxbounds.rates.rate` (rate only [R]).
    """
    from approxbounds.capacity import pdim_bound
    from approxbounds.lower import lower_bound
    from approxbounds.rates.exponents import rate

    W_fit_min = check_real("W_fit_min", W_fit_min, low=1.0)
    W_fit_max = check_real("W_fit_max", W_fit_max, low=W_fit_min, high=math.inf)
    archs = list(G_family)
    if len(archs) < 2:
        raise ValueError(f"G_family must hold at least 2 architectures, got {len(archs)}")
    Ws, Ls, ln_p, ln_b, theorems = [], [], [], [], []
    for G in archs:
        cert = lower_bound(F, G, norm=norm, measure=measure)
        value = float(cert.value)
        if not value > 0:
            raise ValueError(f"lower_bound returned a non-positive value {value} for {G!r}")
        Ws.append(float(G.W))
        Ls.append(float(G.L))
        ln_p.append(math.log(float(pdim_bound(G).value)))
        ln_b.append(math.log(value))
        theorems.append(str(cert.theorem))
    W_arr = np.array(Ws)
    used = (W_arr >= W_fit_min) & (W_arr <= W_fit_max)
    if np.count_nonzero(used) < 2:
        raise ValueError(f"fewer than 2 architectures have W in [{W_fit_min:g}, {W_fit_max:g}]"
                         "; widen W_fit_min/W_fit_max or the family")
    ln_p_arr, ln_b_arr = np.array(ln_p), np.array(ln_b)
    slope, intercept = least_squares_slope(ln_p_arr[used], ln_b_arr[used])
    r = rate(F, archs[0], norm)
    predicted = None if r.exponent is None else float(r.exponent)
    return SlopeFit(slope, intercept, predicted, W_arr, np.array(Ls), ln_p_arr, ln_b_arr,
                    used, tuple(theorems), norm, r.F_name)
