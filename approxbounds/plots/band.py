r"""The certified band ``lower <= dist(F, G) <= upper`` against ``W``, with [R] rates beside it.

* :func:`band_plot_data` -- computes (no drawing) the band of a width family
  (:func:`approxbounds.upper.sweep.band_curve`) and the literature upper-bound rate curves of
  :mod:`approxbounds.rates.upper_bounds` (rate only [R], constants set to 1, not certified);
* :func:`plot_band` -- draws it: the band shaded between the certified lower and upper bounds
  (both solid), the [R] curves dotted, and a note under the legend (:func:`rate_note`) saying
  that the [R] curves are for deeper classes than the band's family -- so they may cross below
  the certified lower bound without contradicting it; returns the axes.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from approxbounds.plots.rate_plots import W_XLABEL, plot_upper_bounds
from approxbounds.plots.style import OKABE_ITO, class_title, legend_outside, new_axes, set_title_if_unset

__all__ = ["BandPlotData", "band_plot_data", "plot_band", "rate_note", "band_figure", "DEFAULT_PANELS",
           "BAND_YLABEL"]

#: y label of a band plot (certified lower and upper bounds, [R] curves dotted)
BAND_YLABEL = r"$\mathrm{dist}(F, G)$: certified band"


@dataclass
class BandPlotData:
    """What :func:`plot_band` draws: ``curve`` (a :class:`~approxbounds.upper.sweep.BandCurve`)
    and ``rates`` (:class:`~approxbounds.plots.data.RateCurve` list, rate only [R])."""

    curve: object
    rates: list = field(default_factory=list)
    F: object = None
    rate_depth: int | None = None


def band_plot_data(F, norm=2, *, widths=(2, 4, 8, 16, 32, 64, 128, 256), depth: int = 1,
                   activation: str = "relu", measure=None, rates: bool = True,
                   rate_depth: int = 10) -> BandPlotData:
    """The band of the family ``d,k,1`` (``d,k×depth,1`` when deeper) against ``W`` and the [R] literature rates.

    Parameters
    ----------
    F : FunctionClass
    norm : p >= 1 or "sup"
    widths, depth, activation, measure
        As in :func:`approxbounds.upper.sweep.band_curve`.
    rates : bool
        Add the literature upper-bound curves (Hölder classes; rate only [R]).
    rate_depth : int
        Depth at which (N, L)-parametrised [R] bounds are drawn against W.
    """
    from approxbounds.plots.data import upper_bound_curves
    from approxbounds.upper.sweep import band_curve

    curve = band_curve(F, norm, widths=widths, depth=depth, activation=activation, measure=measure)
    rate_curves = upper_bound_curves(F, curve.W, depth=rate_depth) if rates else []
    return BandPlotData(curve, rate_curves, F, rate_depth if rate_curves else None)


def rate_note(data: BandPlotData) -> str:
    """Caption for the [R] curves beside a band: they bound other (deeper) network classes, so
    they may fall below the certified lower bound of the band's own family without conflict."""
    depth = f"$L$ = {data.rate_depth}" if data.rate_depth is not None else "$L$ large"
    return ("[R] rates: constants set to 1, drawn for\n"
            f"deeper classes (their depth parameter\n{depth}, or $L \\sim W$);\n"
            f"the band is certified for {data.curve.family}\n"
            "only, so [R] curves may cross below $\\ell$.")


def plot_band(data: BandPlotData, ax=None, *, legend: bool = True, rates: bool = True, note: bool = True,
              **kwargs):
    """Shade the certified band between the lower and upper bounds against ``W``.

    Parameters
    ----------
    data : BandPlotData
        From :func:`band_plot_data`.
    ax : matplotlib axes, optional
        A new figure in the paper style when ``None``.
    legend : bool
        Legend outside the axes, to the right.
    rates : bool
        Draw the [R] literature rate curves (dotted) beside the band.
    note : bool
        With a legend and [R] curves, write :func:`rate_note` under the legend (outside the
        data): the literature rates are for deeper networks than the band's family.
    **kwargs
        Passed to ``fill_between`` (e.g. ``color``, ``alpha``, ``label``).
    """
    if not isinstance(data, BandPlotData):
        raise TypeError(f"data must be a BandPlotData (from band_plot_data), got {type(data).__name__}")
    ax = new_axes() if ax is None else ax
    c = data.curve
    ok = np.isfinite(c.lower) & np.isfinite(c.upper)
    color = kwargs.pop("color", OKABE_ITO[0])
    fill = {"alpha": 0.25, "color": color, "linewidth": 0,
            "label": rf"certified band, {c.norm.latex} (gap $u/\ell$ {_gap_text(c.gap[ok])})"}
    fill.update(kwargs)
    ax.fill_between(c.W[ok], c.lower[ok], c.upper[ok], **fill)
    ax.loglog(c.W, c.upper, "-", marker="v", color=color, label=r"certified upper bound $u$ (explicit network)")
    ax.loglog(c.W, c.lower, "-", marker="^", color=OKABE_ITO[1], label=r"certified lower bound $\ell$")
    if rates and data.rates:
        plot_upper_bounds(data.rates, ax=ax, legend=False)
    ax.set_xlabel(W_XLABEL)
    ax.set_ylabel(BAND_YLABEL)
    F = data.F if data.F is not None else c.function_class
    set_title_if_unset(ax, class_title(F, c.norm, detail=c.family))
    if legend:
        legend_outside(ax)
        if note and rates and data.rates:
            ax.text(1.02, 0.40, rate_note(data), transform=ax.transAxes, ha="left", va="top", fontsize=7,
                    bbox=dict(boxstyle="round", facecolor="white", edgecolor="0.7"))
    return ax


#: panels of :func:`band_figure`: ``(F description, norm, activation, depth)``
DEFAULT_PANELS = (
    ({"name": "Holder", "d": 1, "alpha": 1.0}, 2, "relu", 1),
    ({"name": "Holder", "d": 1, "alpha": 0.5}, "sup", "hard_threshold", 1),
    ({"name": "Monotone", "d": 1}, 2, "relu", 1),
    ({"name": "Holder", "d": 2, "alpha": 1.0}, 2, "relu", 3),
)


def band_figure(panels=DEFAULT_PANELS, *, widths=(2, 4, 8, 16, 32, 64, 128, 256), rates: bool = True):
    """A figure with one :func:`plot_band` panel per ``(F description, norm, activation, depth)``
    (the band table's companion for reports; pyplot-free, so it works on any backend).

    Returns the :class:`matplotlib.figure.Figure`.
    """
    from matplotlib.figure import Figure

    from approxbounds.classes.registry import class_from_dict
    from approxbounds.plots.style import paper_style

    panels = list(panels)
    if not panels:
        raise ValueError("panels must contain at least one (F, norm, activation, depth) entry")
    with paper_style():
        fig = Figure(figsize=(6.4, 3.6 * len(panels)))
        axes = fig.subplots(len(panels), 1, squeeze=False)[:, 0]
        for ax, (desc, norm, activation, depth) in zip(axes, panels):
            F = class_from_dict(desc, "panels[i][0]") if isinstance(desc, dict) else desc
            data = band_plot_data(F, norm, widths=widths, depth=depth, activation=activation, rates=rates)
            plot_band(data, ax=ax)
        fig.tight_layout()
    return fig


def _gap_text(gaps) -> str:
    gaps = np.asarray(gaps, float)
    if gaps.size == 0:
        return "n/a"
    lo, hi = float(np.min(gaps)), float(np.max(gaps))
    return f"{lo:.3g}" if abs(hi - lo) <= 1e-9 * hi else f"{lo:.3g}–{hi:.3g}"
