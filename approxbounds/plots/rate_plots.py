"""``plot_*`` functions: each takes precomputed data, an optional ``ax`` and ``**kwargs``
(passed to the main matplotlib call), creates axes when ``ax`` is None and returns them.

Certified curves are solid and labelled "certified lower bound"; the bare rate is dashed and
labelled "rate only [R]"; literature upper bounds are dotted and labelled "upper bound [R]"
(rate only, constants set to 1 and not certified). Once rate-only or upper curves are drawn
over certified ones, the y axis reads "bound on dist(F, G)": the axes then hold lower *and*
upper bounds, and only the solid curves are certified.
"""
from __future__ import annotations

import dataclasses

import numpy as np

__all__ = [
    "plot_certified_bounds", "plot_rate_only", "plot_upper_bounds", "plot_fitted_slope",
    "plot_norm_comparison", "plot_p_exponents", "plot_p_certified", "plot_yarotsky_gadget",
    "legend_outside", "MIXED_YLABEL",
]

#: y label of axes that show certified lower bounds together with [R] curves
MIXED_YLABEL = "bound on dist(F, G)"
_CERTIFIED_YLABEL = "certified lower bound on dist(F, G)"


def _axes(ax):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(6.4, 4.4))
    return ax


def _finish(ax, xlabel, ylabel, title):
    """Axis labels, a small title and the legend, in the style every titled plot here uses."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=7)
    return ax


def plot_certified_bounds(curves, ax=None, *, x="W", **kwargs):
    """Certified bound vs W (or vs Pdim with ``x="pdim"``), one line per curve."""
    ax = _axes(ax)
    for c in curves:
        xs = c.W if x == "W" else c.pdim
        ax.loglog(xs, c.value, marker="o", markersize=3, label=c.label, **kwargs)
    ax.set_xlabel("W (parameters)" if x == "W" else "Pdim bound")
    ax.set_ylabel(_CERTIFIED_YLABEL)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=7)
    return ax


def _overlay_rates(ax, curves, kwargs):
    """Rate-only curves against W on log axes, over whatever ``ax`` already shows. The y label
    becomes :data:`MIXED_YLABEL` (the axes no longer hold certified lower bounds only); a
    different label set by the caller is kept."""
    for c in curves:
        ax.loglog(c.W, c.value, label=c.label, **kwargs)
    ax.set_xlabel("W (parameters)")
    if ax.get_ylabel() in ("", _CERTIFIED_YLABEL):
        ax.set_ylabel(MIXED_YLABEL)
    ax.legend(fontsize=7)
    return ax


def _merge_coinciding(curves, rtol: float = 1e-9):
    """Group curves drawn at the same W whose values agree to ``rtol`` (e.g. two papers with
    the same rate formula): one curve per group, labels joined with "= " on a new line, so that no curve
    hides exactly under another."""
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


def plot_rate_only(curve, ax=None, **kwargs):
    """The bare rate curve, dashed, labelled "rate only [R]"."""
    ax = _axes(ax)
    kwargs.setdefault("linestyle", "--")
    kwargs.setdefault("color", "black")
    return _overlay_rates(ax, [curve], kwargs)


def plot_upper_bounds(curves, ax=None, **kwargs):
    """Literature upper bounds (rate only [R], unit constants), dotted.

    Curves with identical values (same formula, e.g. Yarotsky 2018 and Siegel 2023 against
    W) are drawn once, labelled with both names joined by "=" (on two lines)."""
    ax = _axes(ax)
    kwargs.setdefault("linestyle", ":")
    return _overlay_rates(ax, _merge_coinciding(list(curves)), kwargs)


def legend_outside(ax, fontsize: float = 7):
    """Put the legend to the right of the axes (outside the data area) and return it."""
    return ax.legend(fontsize=fontsize, loc="upper left", bbox_to_anchor=(1.02, 1.0),
                     borderaxespad=0.0, frameon=False)


def plot_fitted_slope(fit, ax=None, **kwargs):
    """ln(certified bound) vs ln(Pdim bound): all points, the fitted line on the large-W end
    and the predicted rate exponent [R] through the last point."""
    ax = _axes(ax)
    ax.plot(fit.ln_pdim[~fit.used], fit.ln_bound[~fit.used], "o", color="0.6",
            markersize=4, label="certified (not fitted)")
    ax.plot(fit.ln_pdim[fit.used], fit.ln_bound[fit.used], "o", markersize=4,
            label="certified (fitted, large W)", **kwargs)
    xs = fit.ln_pdim[fit.used]
    ax.plot(xs, fit.fitted(xs), "-", label=f"fit: slope {fit.slope:.4f}")
    if fit.predicted is not None:
        x0, y0 = fit.ln_pdim[-1], fit.ln_bound[-1]
        ax.plot(xs, y0 + fit.predicted * (xs - x0), "--",
                label=f"rate only [R]: slope {fit.predicted:.4f}")
    return _finish(ax, "ln(Pdim bound)", "ln(certified lower bound)", f"{fit.F_name}, norm {fit.norm}")


def plot_norm_comparison(curves, ax=None, **kwargs):
    """Certified bounds of several norms (L^p vs sup) against W."""
    ax = _axes(ax)
    for c in curves:
        ax.loglog(c.W, c.value, marker="o", markersize=3, label=c.label, **kwargs)
    return _finish(ax, "W (parameters)", "certified lower bound", "L^p against sup norm")


def plot_p_exponents(data, ax=None, **kwargs):
    """Monotone classes: rate exponent −1/max(d, p(d−1)) vs p (rate only [R])."""
    ax = _axes(ax)
    for d, e in data.exponents.items():
        ax.plot(data.p, e, label=f"d={d}", **kwargs)
    return _finish(ax, "p", "exponent of (WL), rate only [R]", "monotone: -1/max(d, p(d-1))")


def plot_p_certified(data, ax=None, **kwargs):
    """Monotone classes: certified lower bound vs p at a fixed architecture."""
    ax = _axes(ax)
    for d, v in data.certified.items():
        ax.semilogy(data.p_certified, v, marker="o", label=f"d={d} (certified)", **kwargs)
    return _finish(ax, "p", "certified lower bound",
                   f"monotone, architecture {data.architecture.replace('{d}', 'd')}")


def plot_yarotsky_gadget(m_values=(1, 2, 3, 4), ax=None, n_grid: int = 2001, **kwargs):
    """f_m(x) − x² on [0,1] for several m, with the level 2^(−2m−2)."""
    from approxbounds.rates.yarotsky import predicted_sup_error, square_gadget

    ax = _axes(ax)
    x = np.linspace(0.0, 1.0, n_grid)
    for m in m_values:
        line, = ax.plot(x, square_gadget(x, m) - x * x, label=f"m={m}", **kwargs)
        ax.axhline(float(predicted_sup_error(m)), color=line.get_color(), linestyle=":",
                   linewidth=0.8)
    return _finish(ax, "x", "f_m(x) - x^2", "Yarotsky square gadget; dotted: 2^(-2m-2)")
