"""``approxbounds figures [--out figures/] [--smoke]``: regenerate every PNG in figures/.

File names are fixed (see :data:`FIGURES`); each figure is written to a temporary file and
renamed into place, so an interrupted run leaves no half-written PNG.
"""
from __future__ import annotations

import os

#: file name -> short description (the order in which they are drawn)
FIGURES = {
    "holder_d2_alpha1_L2_bounds_vs_W.png":
        "Hölder d=2, alpha=1, L^2: certified lower bounds vs W (depths 2, 4, 8), rate only "
        "[R], literature upper bounds [R] (the very deep ones assume depth L ~ W)",
    "monotone_d3_L4_bounds_vs_W.png":
        "monotone d=3, L^4: certified lower bounds vs W and the rate-only curve [R]",
    "holder_d2_alpha1_L2_slope.png":
        "Hölder d=2, alpha=1, L^2: fitted slope of ln(bound) vs ln(Pdim)",
    "monotone_d3_L4_slope.png": "monotone d=3, L^4: fitted slope of ln(bound) vs ln(Pdim)",
    "holder_d2_alpha1_norms.png": "Hölder d=2, alpha=1: L^1, L^2, L^4 and sup norm",
    "monotone_d2_norms.png": "monotone d=2: L^1, L^2, L^4 and sup norm",
    "monotone_p_exponent.png": "monotone: rate exponent -1/max(d, p(d-1)) vs p [R]",
    "monotone_p_certified.png": "monotone: certified bound vs p at a fixed architecture",
    "yarotsky_gadget.png": "Yarotsky's square gadget f_m - x^2 for m = 1..4",
}


#: note drawn on the Hölder bounds-vs-W figure: why some upper rates lie below lower bounds
VERY_DEEP_NOTE = ("Yarotsky 2018 and Siegel 2023 (same rate\n"
                  "W^(-2 alpha/d), one line) assume depth L ~ W.\n"
                  "The certified lower bounds are for fixed\n"
                  "L = 2, 4, 8, where those deep upper rates do\n"
                  "not apply: hence the crossing.")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "figures", help="regenerate every figure in figures/ (PNG)",
        description="Regenerate every figure (certified bounds, rate-only curves, upper "
                    "bounds, fitted slopes, norms, p-dependence, Yarotsky's gadget).")
    parser.add_argument("--out", default="figures", help="output directory (default: figures)")
    parser.add_argument("--smoke", action="store_true",
                        help="few points per curve (fast, for tests)")
    parser.set_defaults(func=run)


def _save(fig, path: str) -> None:
    tmp = f"{path}.tmp.png"
    try:
        fig.savefig(tmp, dpi=110, bbox_inches="tight", metadata={"Software": None})
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def build_figures(out: str, *, smoke: bool = False) -> list[str]:
    """Draw every figure of :data:`FIGURES` into ``out``; return the written paths."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from approxbounds.classes import Holder, Monotone
    from approxbounds import plots
    from approxbounds.rates.slopes import fitted_slope, width_family

    os.makedirs(out, exist_ok=True)
    n = 5 if smoke else 15
    W_max = 1e5 if smoke else 1e8
    fit_min = 1e3 if smoke else 1e5
    depths = (2, 4) if smoke else (2, 4, 8)
    holder, mono3, mono2 = Holder(2, 1.0), Monotone(3), Monotone(2)
    W_grid = np.logspace(2, np.log10(W_max), 50)
    written = []

    def draw(name, painter, figsize=(6.4, 4.4)):
        fig, ax = plt.subplots(figsize=figsize)
        try:
            painter(ax)
            path = os.path.join(out, name)
            _save(fig, path)
            written.append(path)
        finally:
            plt.close(fig)

    def holder_bounds(ax):
        plots.plot_certified_bounds(plots.certified_curves(holder, 2, depths=depths, n=n,
                                                           W_max=W_max), ax=ax)
        plots.plot_rate_only(plots.rate_only_curve(holder, W_grid, depth=2, norm=2), ax=ax)
        plots.plot_upper_bounds(plots.upper_bound_curves(holder, W_grid, depth=10), ax=ax)
        ax.set_title("Hölder d=2, alpha=1, L^2 (ReLU)", fontsize=9)
        plots.legend_outside(ax)
        # below the legend, outside the data area
        ax.text(1.02, 0.38, VERY_DEEP_NOTE, transform=ax.transAxes, ha="left", va="top",
                fontsize=7, bbox=dict(boxstyle="round", facecolor="white", edgecolor="0.7"))

    def mono_bounds(ax):
        plots.plot_certified_bounds(plots.certified_curves(mono3, 4, depths=depths, n=n,
                                                           W_max=W_max), ax=ax)
        plots.plot_rate_only(plots.rate_only_curve(mono3, W_grid, depth=2, norm=4), ax=ax)
        ax.set_title("monotone d=3, L^4 (ReLU)", fontsize=9)
        plots.legend_outside(ax)

    def slope(F, p):
        def painter(ax):
            fam = width_family(F.d, 2, W_min=1e2, W_max=W_max, n=2 * n)
            plots.plot_fitted_slope(fitted_slope(F, fam, p, W_fit_min=fit_min), ax=ax)
        return painter

    def norms(F):
        def painter(ax):
            plots.plot_norm_comparison(plots.norm_comparison(F, depth=4, n=n, W_max=W_max),
                                       ax=ax)
            ax.set_title(f"{F.name}: L^p against sup norm (ReLU, L=4)", fontsize=9)
        return painter

    p_data = {}

    def p_dep():
        if "data" not in p_data:
            p_data["data"] = plots.monotone_p_dependence(
                (1, 2, 3) if smoke else (1, 2, 3, 4),
                p_certified=(1, 2, 4) if smoke else (1, 1.5, 2, 3, 4, 6))
        return p_data["data"]

    draw("holder_d2_alpha1_L2_bounds_vs_W.png", holder_bounds, figsize=(6.4, 4.4))
    draw("monotone_d3_L4_bounds_vs_W.png", mono_bounds, figsize=(6.4, 4.4))
    draw("holder_d2_alpha1_L2_slope.png", slope(holder, 2))
    draw("monotone_d3_L4_slope.png", slope(mono3, 4))
    draw("holder_d2_alpha1_norms.png", norms(holder))
    draw("monotone_d2_norms.png", norms(mono2))
    draw("monotone_p_exponent.png", lambda ax: plots.plot_p_exponents(p_dep(), ax=ax))
    draw("monotone_p_certified.png", lambda ax: plots.plot_p_certified(p_dep(), ax=ax))
    draw("yarotsky_gadget.png", lambda ax: plots.plot_yarotsky_gadget((1, 2, 3, 4), ax=ax))
    return written


def run(args) -> int:
    written = build_figures(args.out, smoke=args.smoke)
    for path in written:
        print(path)
    return 0
