r"""The figure recipes behind ``approxbounds figures`` and the report's figures.

:data:`FIGURES` maps a file stem to a :class:`FigureRecipe` (description, size, painter).
:func:`render_figure` draws one recipe into image bytes (PNG, PDF and/or SVG) without
pyplot's global state -- a module-level pure function of a small configuration, so any
executor of :mod:`approxbounds.parallel` can run it; :func:`build_figures` draws a selection
on an executor and writes each file atomically as soon as it arrives. Files are reproducible:
no dates or version strings in the metadata, fixed SVG ids (:mod:`approxbounds.style`).

Adding a figure is one entry in :data:`FIGURES`: a painter ``paint(ax, smoke)`` drawing on
the given axes with the ``plot_*`` functions.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from approxbounds.classes import Holder, Monotone
from approxbounds.plots.data import (certified_curves, monotone_p_dependence, norm_comparison,
                                     rate_only_curve, upper_bound_curves)
from approxbounds.plots.rate_plots import (plot_certified_bounds, plot_fitted_slope,
                                           plot_norm_comparison, plot_p_certified, plot_p_exponents,
                                           plot_rate_only, plot_upper_bounds, plot_yarotsky_gadget)
from approxbounds.plots.style import class_title, legend_outside
from approxbounds.rates.slopes import fitted_slope, width_family

__all__ = ["FigureRecipe", "FIGURES", "FORMATS", "VERY_DEEP_NOTE", "render_figure",
           "build_figures", "figure_descriptions", "check_formats", "check_names"]

logger = logging.getLogger(__name__)

#: the file formats :func:`render_figure` writes
FORMATS = ("png", "pdf", "svg")

#: note drawn on the Hölder bounds-vs-W figure: why some upper rates lie below lower bounds
VERY_DEEP_NOTE = ("Yarotsky 2018 and Siegel 2023 (same rate\n"
                  r"$W^{-2\alpha/d}$, one line) assume depth $L \sim W$." "\n"
                  "The certified lower bounds are for fixed\n"
                  "$L$ = 2, 4, 8, where those deep upper rates do\n"
                  "not apply: hence the crossing.")


@dataclass(frozen=True)
class FigureRecipe:
    """One figure: ``paint(ax, smoke)`` draws it on ``ax``; ``figsize`` in inches."""

    description: str
    paint: Callable
    figsize: tuple = (6.4, 4.4)


# ------------------------------------------------------------------------------ settings
def _settings(smoke: bool) -> dict:
    return {"n": 5 if smoke else 15, "W_max": 1e5 if smoke else 1e8,
            "fit_min": 1e3 if smoke else 1e5, "depths": (2, 4) if smoke else (2, 4, 8)}


def _W_grid(smoke: bool):
    import numpy as np

    return np.logspace(2, np.log10(_settings(smoke)["W_max"]), 50)


@lru_cache(maxsize=2)
def _p_dependence(smoke: bool):
    return monotone_p_dependence((1, 2, 3) if smoke else (1, 2, 3, 4),
                                 p_certified=(1, 2, 4) if smoke else (1, 1.5, 2, 3, 4, 6))


# ------------------------------------------------------------------------------ painters
def _holder_bounds(ax, smoke):
    s, F = _settings(smoke), Holder(2, 1.0)
    curves = certified_curves(F, 2, depths=s["depths"], n=s["n"], W_max=s["W_max"])
    plot_certified_bounds(curves, ax=ax, legend=False)
    plot_rate_only(rate_only_curve(F, _W_grid(smoke), depth=2, norm=2), ax=ax, legend=False)
    plot_upper_bounds(upper_bound_curves(F, _W_grid(smoke), depth=10), ax=ax, legend=False)
    ax.set_title(class_title(F, 2, "ReLU"))
    legend_outside(ax)
    # below the legend, outside the data area
    ax.text(1.02, 0.30, VERY_DEEP_NOTE, transform=ax.transAxes, ha="left", va="top",
            fontsize=7, bbox=dict(boxstyle="round", facecolor="white", edgecolor="0.7"))


def _monotone_bounds(ax, smoke):
    s, F = _settings(smoke), Monotone(3)
    curves = certified_curves(F, 4, depths=s["depths"], n=s["n"], W_max=s["W_max"])
    plot_certified_bounds(curves, ax=ax, legend=False)
    plot_rate_only(rate_only_curve(F, _W_grid(smoke), depth=2, norm=4), ax=ax, legend=False)
    ax.set_title(class_title(F, 4, "ReLU"))
    legend_outside(ax)


def _slope(F, p):
    def paint(ax, smoke):
        s = _settings(smoke)
        fam = width_family(F.d, 2, W_min=1e2, W_max=s["W_max"], n=2 * s["n"])
        plot_fitted_slope(fitted_slope(F, fam, p, W_fit_min=s["fit_min"]), ax=ax)
    return paint


def _norms(F):
    def paint(ax, smoke):
        s = _settings(smoke)
        ax.set_title(class_title(F, None, r"$L^p$ against the sup norm, ReLU, $L=4$"))
        plot_norm_comparison(norm_comparison(F, depth=4, n=s["n"], W_max=s["W_max"]), ax=ax)
    return paint


def _p_exponent(ax, smoke):
    plot_p_exponents(_p_dependence(smoke), ax=ax)


def _p_certified(ax, smoke):
    plot_p_certified(_p_dependence(smoke), ax=ax)


def _yarotsky(ax, smoke):
    plot_yarotsky_gadget((1, 2, 3, 4), ax=ax)


def _band(ax, smoke):
    from approxbounds.plots.band import band_plot_data, plot_band

    widths = (2, 8, 32, 128) if smoke else (2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)
    plot_band(band_plot_data(Holder(1, 1.0), 2, widths=widths), ax=ax)


def _storage_floor(ax, smoke):
    """Certified floor eps(B) for the report's delayed Hölder class, and the recurrent models
    of the RNN cross-check placed by their exact storage account, each trained on a member of
    the storage certificate's packing (300 Adam steps; 30 in the smoke report)."""
    from approxbounds.classes import DelayedHolder
    from approxbounds.experiments.crosscheck_rnn import crosscheck_rnn
    from approxbounds.plots.storage import plot_storage_floor, storage_floor_curve, storage_points

    F = DelayedHolder(1, 1.0, 3, 8)
    points = storage_points(crosscheck_rnn(F, n_members=1, steps=30 if smoke else 300,
                                           kinds=("certificate",), n_eval=1000 if smoke else 4000))
    plot_storage_floor(storage_floor_curve(F, 200, 20000, n=8 if smoke else 25), points, ax=ax)


#: file stem -> recipe (the order in which they are drawn and listed)
FIGURES = {
    "holder_d2_alpha1_L2_bounds_vs_W": FigureRecipe(
        "Hölder d=2, alpha=1, L^2: certified lower bounds vs W (depths 2, 4, 8), rate only "
        "[R], literature upper bounds [R] (the very deep ones assume depth L ~ W)", _holder_bounds),
    "monotone_d3_L4_bounds_vs_W": FigureRecipe(
        "monotone d=3, L^4: certified lower bounds vs W and the rate-only curve [R]",
        _monotone_bounds),
    "holder_d2_alpha1_L2_slope": FigureRecipe(
        "Hölder d=2, alpha=1, L^2: fitted slope of ln(bound) vs ln(Pdim)", _slope(Holder(2, 1.0), 2)),
    "monotone_d3_L4_slope": FigureRecipe(
        "monotone d=3, L^4: fitted slope of ln(bound) vs ln(Pdim)", _slope(Monotone(3), 4)),
    "holder_d2_alpha1_norms": FigureRecipe(
        "Hölder d=2, alpha=1: L^1, L^2, L^4 and sup norm", _norms(Holder(2, 1.0))),
    "monotone_d2_norms": FigureRecipe(
        "monotone d=2: L^1, L^2, L^4 and sup norm", _norms(Monotone(2))),
    "monotone_p_exponent": FigureRecipe(
        "monotone: rate exponent -1/max(d, p(d-1)) vs p [R]", _p_exponent),
    "monotone_p_certified": FigureRecipe(
        "monotone: certified bound vs p at a fixed architecture", _p_certified),
    "yarotsky_gadget": FigureRecipe(
        "Yarotsky's square gadget f_m - x^2 for m = 1..4", _yarotsky),
    "band_holder_d1_L2": FigureRecipe(
        "Hölder d=1, alpha=1, L^2 vs 1,k,1 ReLU nets: the certified band (Theorem P below, "
        "interpolating networks above) and the literature upper rates [R]", _band),
    "storage_floor": FigureRecipe(
        "delayed Hölder (d=1, alpha=1, lag 3, T=8), L^2: the certified storage floor eps(B) "
        "(Theorem C on B-bit networks) and the recurrent models placed by their exact storage "
        "account (HadamRNN, Block-HadamRNN, QORNN, float ReLU RNN)", _storage_floor,
        figsize=(7.2, 4.4)),
}


def figure_descriptions(fmt: str = "png") -> dict:
    """``{"<stem>.<fmt>": description}`` for every recipe."""
    return {f"{stem}.{fmt}": r.description for stem, r in FIGURES.items()}


# ------------------------------------------------------------------------------ drawing
def check_formats(formats) -> tuple:
    """``formats`` (iterable or comma-separated string) as a tuple of :data:`FORMATS` names."""
    if isinstance(formats, str):
        formats = [f for f in formats.split(",")]
    formats = tuple(dict.fromkeys(str(f).strip().lower() for f in formats))
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise ValueError(f"formats must be among {', '.join(FORMATS)}, got {', '.join(map(repr, bad)) or 'none'}")
    return formats


def check_names(names) -> list:
    """``names`` (``None``: all) as a list of :data:`FIGURES` stems, checked, without repeats."""
    if names is None:
        return list(FIGURES)
    names = [names] if isinstance(names, str) else list(names)
    bad = [n for n in names if n not in FIGURES]
    if bad or not names:
        raise ValueError(f"unknown figure(s) {', '.join(map(repr, bad)) or 'none'}; valid: {', '.join(FIGURES)}")
    return list(dict.fromkeys(names))


def render_figure(job: dict) -> dict:
    """Draw one recipe: ``job = {"name": stem, "smoke": bool, "formats": [...]}`` ->
    ``{format: bytes}``. Uses a pyplot-free ``matplotlib.figure.Figure`` in the paper style."""
    import io

    from matplotlib.figure import Figure

    from approxbounds.plots.style import SAVE_METADATA, paper_style

    recipe = FIGURES[job["name"]]
    out = {}
    with paper_style():
        fig = Figure(figsize=recipe.figsize)
        ax = fig.add_subplot()
        recipe.paint(ax, bool(job["smoke"]))
        for fmt in job["formats"]:
            buf = io.BytesIO()
            fig.savefig(buf, format=fmt, metadata=SAVE_METADATA[fmt])
            out[fmt] = buf.getvalue()
    return out


def build_figures(out, *, smoke: bool = False, formats=("png",), names=None, executor=None,
                  progress=None) -> list:
    """Draw the figures ``names`` (default: all of :data:`FIGURES`) into directory ``out``.

    Parameters
    ----------
    out : path
        Output directory (created if missing; its parent must exist).
    smoke : bool
        Few points per curve (seconds instead of about a minute).
    formats : iterable of {"png", "pdf", "svg"} or a comma-separated string
    names : iterable of str, optional
        Stems of :data:`FIGURES`.
    executor : None, concurrent.futures.Executor or distributed.Client
        Figures are drawn in parallel (:func:`approxbounds.parallel.map_ordered`); the parent
        writes the files, so remote workers need no access to ``out``.
    progress : callable, optional
        ``progress(n)`` per finished figure (e.g. a tqdm ``update``).

    Returns
    -------
    list of pathlib.Path
        Written files, in the order of ``names`` and then ``formats``.
    """
    from approxbounds._io import atomic_write_bytes
    from approxbounds._outdir import prepare_output_dir
    from approxbounds._validation import check_bool
    from approxbounds.parallel import map_ordered

    check_bool("smoke", smoke)
    formats = check_formats(formats)
    names = check_names(names)
    out = prepare_output_dir(out, name="out")
    jobs = [{"name": n, "smoke": smoke, "formats": list(formats)} for n in names]

    def write(i, images):
        for fmt in formats:
            atomic_write_bytes(out / f"{names[i]}.{fmt}", images[fmt])
        logger.info("figure %s written (%s)", names[i], ", ".join(formats))

    map_ordered(render_figure, jobs, executor, progress=progress, on_result=write)
    return [out / f"{n}.{fmt}" for n in names for fmt in formats]
