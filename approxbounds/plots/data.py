"""Computations behind the plots: arrays and dataclasses, no drawing.

Every function here returns plain numbers so that it can be tested without matplotlib;
the ``plot_*`` functions of :mod:`approxbounds.plots.rate_plots` only draw them.
Certified values come from ``approxbounds.lower.lower_bound`` ([V]/[P] statements only);
rate curves and literature upper bounds are rate only [R] and are labelled so.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from approxbounds._validation import check_int, check_real
from approxbounds.norms import Norm

__all__ = [
    "BoundCurve", "RateCurve", "PDependence", "certified_curves", "rate_only_curve",
    "upper_bound_curves", "norm_comparison", "monotone_p_dependence",
]


@dataclass(frozen=True)
class BoundCurve:
    """Certified lower bounds along a width family of fixed depth (certified, [V]/[P])."""

    label: str
    depth: int
    norm: object
    W: np.ndarray
    L: np.ndarray
    pdim: np.ndarray
    value: np.ndarray
    theorems: tuple


@dataclass(frozen=True)
class RateCurve:
    """A rate-only [R] curve (unit constants) against W."""

    label: str
    W: np.ndarray
    value: np.ndarray
    exponent: float | None
    source: str = ""
    tag: str = "R"


@dataclass(frozen=True)
class PDependence:
    """Monotone classes: rate exponent −1/max(d, p(d−1)) vs p [R] and certified values."""

    p: np.ndarray
    exponents: dict          # d -> array over p (rate only [R])
    p_certified: np.ndarray
    certified: dict          # d -> array of certified values over p_certified
    architecture: str
    extra: dict = field(default_factory=dict)


def certified_curves(F, norm=2, *, depths=(2, 4, 8), d_in: int | None = None,
                     W_min: float = 1e2, W_max: float = 1e8, n: int = 15,
                     measure=None) -> list[BoundCurve]:
    """Certified bound vs W for width families of the given depths.

    Parameters
    ----------
    F : function class
    norm : float ≥ 1 or "sup"
    depths : iterable of int ≥ 2
        Number of layers L (hidden layers + output).
    d_in : int, optional
        Input dimension (default ``F.d``).
    W_min, W_max, n : family range and size (log-uniform targets).
    """
    from approxbounds.capacity import pdim_bound
    from approxbounds.lower import lower_bound
    from approxbounds.rates.slopes import width_family

    norm = Norm.parse(norm)
    d_in = check_int("d_in", F.d if d_in is None else d_in, minimum=1)
    curves = []
    for depth in depths:
        depth = check_int("depth", depth, minimum=2, maximum=10**4)
        fam = width_family(d_in, depth, W_min=W_min, W_max=W_max, n=n)
        vals, pd, thm = [], [], []
        for G in fam:
            cert = lower_bound(F, G, norm=norm, measure=measure)
            vals.append(float(cert.value))
            pd.append(float(pdim_bound(G).value))
            thm.append(str(cert.theorem))
        curves.append(BoundCurve(
            rf"certified, $L={depth}$, {norm.latex}", depth, norm,
            np.array([float(G.W) for G in fam]), np.array([float(G.L) for G in fam]),
            np.array(pd), np.array(vals), tuple(thm)))
    return curves


def rate_only_curve(F, W_values, *, depth: int = 2, norm=2, activation: str = "relu") -> RateCurve:
    """The bare rate ε(W, L) of :func:`approxbounds.rates.rate` with constant 1 (rate only)."""
    from approxbounds.rates.exponents import rate

    depth = check_int("depth", depth, minimum=1, maximum=10**4)
    r = rate(F, activation, norm)
    W_values = np.asarray(W_values, float)
    return RateCurve(rf"rate only [R]: $(WL)^{{{r.exponent}}}$ × logs, $L={depth}$",
                     W_values, r.evaluate(W_values, depth),
                     None if r.exponent is None else float(r.exponent),
                     "; ".join(src for _, tag, src in r.provenance if tag == "R"))


def upper_bound_curves(F, W_values, *, depth: int = 10, keys=None) -> list[RateCurve]:
    """Literature upper bounds (rate only [R], constants not certified) for a Hölder-type
    class (attribute ``alpha`` = smoothness s). Classes without ``alpha`` get ``[]``."""
    from approxbounds.rates.upper_bounds import UPPER_BOUNDS, upper_bound_curve

    if not hasattr(F, "alpha"):
        return []
    s = check_real("F.alpha", F.alpha, low=0.0, low_open=True)
    d = check_int("F.d", F.d, minimum=1)
    keys = list(UPPER_BOUNDS) if keys is None else list(keys)
    W_values = np.asarray(W_values, float)
    out = []
    for key in keys:
        b = UPPER_BOUNDS[key]
        exponent = Fraction(float(b.exponent(d, s))).limit_denominator(1000)
        out.append(RateCurve(rf"upper bound [R]: {b.label}, $W^{{{exponent}}}$", W_values,
                             upper_bound_curve(key, W_values, d=d, s=s, depth=depth),
                             float(b.exponent(d, s)), b.source))
    return out


def norm_comparison(F, norms=(1, 2, 4, "sup"), *, depth: int = 4, W_min: float = 1e2,
                    W_max: float = 1e8, n: int = 12, measure=None) -> list[BoundCurve]:
    """Certified bound vs W for one depth and several norms (L^p against sup)."""
    out = []
    for norm in norms:
        out.extend(certified_curves(F, norm, depths=(depth,), W_min=W_min, W_max=W_max, n=n,
                                    measure=measure))
    return out


def monotone_p_dependence(d_values=(1, 2, 3, 4), p_values=None, *, p_certified=(1, 2, 3, 4, 6),
                          arch: str = "{d},100x4,1", monotone_factory=None) -> PDependence:
    """Rate exponent −1/max(d, p(d−1)) against p [R] and certified values at one
    architecture per d (``arch`` formatted with ``d``).

    ``monotone_factory(d)`` builds the class (default ``approxbounds.classes.Monotone``).
    """
    from approxbounds.capacity import Architecture
    from approxbounds.lower import lower_bound

    if monotone_factory is None:
        from approxbounds.classes import Monotone as monotone_factory
    p_values = np.linspace(1.0, 6.0, 51) if p_values is None else np.asarray(p_values, float)
    for p in p_values:
        check_real("p_values", float(p), low=1.0)
    p_cert = np.asarray(p_certified, float)
    exps, certs = {}, {}
    for d in d_values:
        d = check_int("d", d, minimum=1, maximum=20)
        F = monotone_factory(d)
        exps[d] = np.array([float(F.entropy_exponent(float(p)).wl_exponent()) for p in p_values])
        G = Architecture.parse(arch.format(d=d))
        certs[d] = np.array([float(lower_bound(F, G, norm=float(p)).value) for p in p_cert])
    return PDependence(p_values, exps, p_cert, certs, arch)
