r"""``plot_*`` functions: each takes precomputed data, an optional ``ax`` and ``**kwargs``.

Conventions (ArviZ style):

* ``ax=None`` creates a figure (pyplot, so it shows inline in a notebook) in the paper style
  of :mod:`approxbounds.plots.style`; the axes are always returned.
* ``**kwargs`` go to the main matplotlib call of the function (``plot``/``loglog``) and
  override its defaults -- ``label=``, ``color=``, ``linestyle=``, ... (a ``label`` given
  here replaces the generated one on every curve drawn by that call).
* A title is set only on axes that have none: a caller's title is never replaced.
* ``legend=True`` puts the legend outside the axes, to the right, so it never covers data.

Certified curves are solid and labelled "certified"; the bare rate is dashed, black, and
labelled "rate only [R]"; literature upper bounds are dotted and labelled "upper bound [R]"
(rate only, constants set to 1, not certified). Once rate-only or upper curves are drawn
over certified ones, the y axis reads :data:`MIXED_YLABEL`: the axes then hold lower *and*
upper bounds, and only the solid curves are certified.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from approxbounds.plots.style import class_title, legend_outside, new_axes, set_title_if_unset

__all__ = [
    "plot_certified_bounds", "plot_rate_only", "plot_upper_bounds", "plot_fitted_slope",
    "plot_norm_comparison", "plot_p_exponents", "plot_p_certified", "plot_yarotsky_gadget",
    "legend_outside", "MIXED_YLABEL", "CERTIFIED_YLABEL", "W_XLABEL",
]

#: y label of axes that show certified lower bounds together with [R] curves
MIXED_YLABEL = r"bound on $\mathrm{dist}(F, G)$"
#: y label of axes with certified lower bounds only
CERTIFIED_YLABEL = r"certified lower bound on $\mathrm{dist}(F, G)$"
#: x label of every plot against the number of parameters
W_XLABEL = r"$W$ (number of parameters)"


def _axes(ax):
    return new_axes() if ax is None else ax


def _merged(defaults: dict, kwargs: dict) -> dict:
    """``defaults`` overridden by the caller's ``kwargs`` (no "multiple values" errors)."""
    return {**defaults, **kwargs}


def _finish(ax, xlabel, ylabel, title, legend: bool):
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        set_title_if_unset(ax, title)
    if legend:
        legend_outside(ax)
    return ax


def plot_certified_bounds(curves, ax=None, *, x="W", legend: bool = True, **kwargs):
    """Certified bound vs W (or vs the Pdim bound with ``x="pdim"``), one line per curve.

    Parameters
    ----------
    curves : list of :class:`~approxbounds.plots.data.BoundCurve`
    ax : matplotlib Axes, optional
    x : {"W", "pdim"}
    legend : bool
    **kwargs
        Passed to ``Axes.loglog`` (e.g. ``color``, ``label``, ``marker``).
    """
    if x not in ("W", "pdim"):
        raise ValueError(f"x must be 'W' or 'pdim', got {x!r}")
    ax = _axes(ax)
    for c in curves:
        xs = c.W if x == "W" else c.pdim
        ax.loglog(xs, c.value, **_merged({"marker": "o", "markersize": 3,
                                          "label": c.label}, kwargs))
    return _finish(ax, W_XLABEL if x == "W" else "Pdim bound", CERTIFIED_YLABEL, None, legend)


def _overlay_rates(ax, curves, defaults, kwargs, legend):
    """Rate-only curves against W on log axes, over whatever ``ax`` already shows. The y label
    becomes :data:`MIXED_YLABEL` (the axes no longer hold certified lower bounds only); a
    different label set by the caller is kept."""
    for c in curves:
        ax.loglog(c.W, c.value, **_merged({**defaults, "label": c.label}, kwargs))
    ax.set_xlabel(W_XLABEL)
    if ax.get_ylabel() in ("", CERTIFIED_YLABEL):
        ax.set_ylabel(MIXED_YLABEL)
    if legend:
        legend_outside(ax)
    return ax


def _merge_coinciding(curves, rtol: float = 1e-9):
    """Group curves drawn at the same W whose values agree to ``rtol`` (e.g. two papers with
    the same rate formula): one curve per group, labels joined with "= " on a new line, so
    that no curve hides exactly under another."""
    groups = []
    for c in curves:
        for g in groups:
            ref = g[0]
            if (np.shape(ref.W) == np.shape(c.W) and np.array_equal(ref.W, c.W)
                    and np.allclose(ref.value, c.value, rtol=rtol, atol=0.0)):
                g.append(c)
                break
        else:
            groups.append([c])
    out = []
    for g in groups:
        if len(g) == 1:
            out.append(g[0])
            continue
        prefix = "upper bound [R]: "
        names = [c.label[len(prefix):] if c.label.startswith(prefix) else c.label for c in g]
        label = (prefix if g[0].label.startswith(prefix) else "") + "\n  = ".join(names)
        out.append(dataclasses.replace(g[0], label=label))
    return out


def plot_rate_only(curve, ax=None, *, legend: bool = True, **kwargs):
    """The bare rate curve (constant 1), dashed black, labelled "rate only [R]"."""
    ax = _axes(ax)
    return _overlay_rates(ax, [curve], {"linestyle": "--", "color": "black"}, kwargs, legend)


def plot_upper_bounds(curves, ax=None, *, legend: bool = True, **kwargs):
    """Literature upper bounds (rate only [R], unit constants), dotted.

    Curves with identical values (same formula, e.g. Yarotsky 2018 and Siegel 2023 against
    W) are drawn once, labelled with both names joined by "=" (on two lines)."""
    ax = _axes(ax)
    return _overlay_rates(ax, _merge_coinciding(list(curves)), {"linestyle": ":"}, kwargs, legend)


def plot_fitted_slope(fit, ax=None, *, legend: bool = True, **kwargs):
    r"""$\ln$ certified bound vs $\ln$ Pdim bound: all points, the fitted line on the large-W
    end and the predicted rate exponent [R] through the last point. ``kwargs`` go to the
    fitted points."""
    ax = _axes(ax)
    ax.plot(fit.ln_pdim[~fit.used], fit.ln_bound[~fit.used], "o", color="0.6",
            markersize=4, label="certified (not fitted)")
    ax.plot(fit.ln_pdim[fit.used], fit.ln_bound[fit.used],
            **_merged({"marker": "o", "linestyle": "none", "markersize": 4,
                       "label": r"certified (fitted, large $W$)"}, kwargs))
    xs = fit.ln_pdim[fit.used]
    ax.plot(xs, fit.fitted(xs), "-", label=f"fit: slope {fit.slope:.4f}")
    if fit.predicted is not None:
        x0, y0 = fit.ln_pdim[-1], fit.ln_bound[-1]
        ax.plot(xs, y0 + fit.predicted * (xs - x0), "--", color="black",
                label=f"rate only [R]: slope {fit.predicted:.4f}")
    return _finish(ax, r"$\ln$ Pdim bound", r"$\ln$ certified lower bound",
                   class_title(fit.F_name, fit.norm, "fitted slope"), legend)


def plot_norm_comparison(curves, ax=None, *, legend: bool = True, **kwargs):
    """Certified bounds of several norms (L^p vs sup) against W, one line per curve,
    labelled by norm and depth."""
    ax = _axes(ax)
    for c in curves:
        ax.loglog(c.W, c.value, **_merged({"marker": "o", "markersize": 3,
                                           "label": c.label}, kwargs))
    return _finish(ax, W_XLABEL, CERTIFIED_YLABEL, r"$L^p$ against the sup norm", legend)


def plot_p_exponents(data, ax=None, *, legend: bool = True, **kwargs):
    r"""Monotone classes: rate exponent $-1/\max(d, p(d-1))$ of $(WL)$ vs $p$ (rate only [R])."""
    ax = _axes(ax)
    for d, e in data.exponents.items():
        ax.plot(data.p, e, **_merged({"label": f"$d={d}$"}, kwargs))
    return _finish(ax, "$p$", r"exponent of $WL$, rate only [R]",
                   r"monotone functions: $-1/\max(d,\,p(d-1))$", legend)


def plot_p_certified(data, ax=None, *, legend: bool = True, **kwargs):
    """Monotone classes: certified lower bound vs p at a fixed architecture."""
    ax = _axes(ax)
    for d, v in data.certified.items():
        ax.semilogy(data.p_certified, v, **_merged({"marker": "o", "label": f"$d={d}$ (certified)"},
                                                   kwargs))
    arch = data.architecture.replace("{d}", "d")
    return _finish(ax, "$p$", CERTIFIED_YLABEL, f"monotone functions, architecture {arch}", legend)


def plot_yarotsky_gadget(m_values=(1, 2, 3, 4), ax=None, n_grid: int = 2001, *,
                         legend: bool = True, **kwargs):
    r"""$f_m(x) - x^2$ on $[0,1]$ for several $m$, with the level $2^{-2m-2}$ (dotted)."""
    from approxbounds.rates.yarotsky import predicted_sup_error, square_gadget

    ax = _axes(ax)
    x = np.linspace(0.0, 1.0, n_grid)
    for m in m_values:
        line, = ax.plot(x, square_gadget(x, m) - x * x, **_merged({"label": f"$m={m}$"}, kwargs))
        ax.axhline(float(predicted_sup_error(m)), color=line.get_color(), linestyle=":",
                   linewidth=0.8)
    return _finish(ax, "$x$", "$f_m(x) - x^2$",
                   r"Yarotsky's square gadget; dotted: $2^{-2m-2}$", legend)
