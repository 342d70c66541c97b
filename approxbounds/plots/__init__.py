"""Plots (ArviZ style): computations in :mod:`approxbounds.plots.data` return arrays and
dataclasses; every ``plot_*(data, ax=None, **kwargs)`` in
:mod:`approxbounds.plots.rate_plots` draws them and returns the axes;
:mod:`approxbounds.plots.style` holds the paper style (Okabe-Ito palette, titles, legends);
:mod:`approxbounds.plots.figures` the recipes of ``approxbounds figures`` (:func:`build_figures`)."""
from approxbounds.plots.data import (  # noqa: F401
    BoundCurve, PDependence, RateCurve, certified_curves, monotone_p_dependence,
    norm_comparison, rate_only_curve, upper_bound_curves,
)
from approxbounds.plots.rate_plots import (  # noqa: F401
    CERTIFIED_YLABEL, MIXED_YLABEL, W_XLABEL, legend_outside, plot_certified_bounds,
    plot_fitted_slope, plot_norm_comparison, plot_p_certified, plot_p_exponents, plot_rate_only,
    plot_upper_bounds, plot_yarotsky_gadget,
)
from approxbounds.plots.style import OKABE_ITO, PAPER_RC, class_title, paper_style  # noqa: F401
