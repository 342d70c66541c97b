"""Tests for the plot_* functions: they return axes with the expected artists and labels."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from approxbounds.plots.data import BoundCurve, PDependence, RateCurve  # noqa: E402
from approxbounds.plots.rate_plots import (  # noqa: E402
    plot_certified_bounds, plot_fitted_slope, plot_norm_comparison, plot_p_certified,
    plot_p_exponents, plot_rate_only, plot_upper_bounds, plot_yarotsky_gadget,
)
from approxbounds.rates.slopes import SlopeFit  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _curve(depth, norm=2):
    W = np.logspace(2, 6, 5)
    return BoundCurve(f"certified, L={depth}", depth, norm, W, np.full(5, depth), W * 3,
                      W ** -0.5 / depth, ("L",) * 5)


def test_certified_bounds_creates_axes_and_one_line_per_curve():
    ax = plot_certified_bounds([_curve(2), _curve(4), _curve(8)])
    assert len(ax.get_lines()) == 3
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert "W" in ax.get_xlabel() and "certified" in ax.get_ylabel()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["certified, L=2", "certified, L=4", "certified, L=8"]
    np.testing.assert_allclose(ax.get_lines()[1].get_ydata(), _curve(4).value)


def test_given_axes_are_reused_and_returned_and_kwargs_pass_through():
    fig, ax = plt.subplots()
    out = plot_certified_bounds([_curve(2)], ax=ax, color="red", x="pdim")
    assert out is ax
    assert out.get_lines()[0].get_color() == "red"
    np.testing.assert_allclose(out.get_lines()[0].get_xdata(), _curve(2).pdim)


def test_rate_only_and_upper_curves_labelled_R():
    W = np.logspace(2, 8, 10)
    ax = plot_rate_only(RateCurve("rate only [R]: x", W, W ** -0.5, -0.5))
    plot_upper_bounds([RateCurve("Yarotsky 2017 upper [R]", W, W ** -0.5, -0.5),
                       RateCurve("Yarotsky 2018 (very deep) upper [R]", W, W ** -1.0, -1.0)],
                      ax=ax)
    lines = ax.get_lines()
    assert len(lines) == 3
    assert lines[0].get_linestyle() == "--" and lines[1].get_linestyle() == ":"
    assert all("[R]" in t.get_text() for t in ax.get_legend().get_texts())


def test_fitted_slope_plot():
    x = np.linspace(5, 20, 8)
    used = x > 10
    fit = SlopeFit(-0.5, 1.0, -0.5, np.exp(x), np.full(8, 2.0), x, 1.0 - 0.5 * x, used,
                   ("L",) * 8, 2, "Holder")
    ax = plot_fitted_slope(fit)
    lines = ax.get_lines()
    assert len(lines) == 4  # not fitted, fitted, fit line, predicted
    assert lines[0].get_xdata().size == (~used).sum() and lines[1].get_xdata().size == used.sum()
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "fit: slope -0.5000" in texts and any("[R]" in t for t in texts)
    assert ax.get_xlabel() == r"$\ln$ Pdim bound"
    assert ax.get_title() == r"Holder, $L^{2}$, fitted slope"


def test_norm_and_p_plots():
    ax = plot_norm_comparison([_curve(4, 1), _curve(4, 2), _curve(4, "sup")])
    assert len(ax.get_lines()) == 3
    p = np.linspace(1, 6, 11)
    data = PDependence(p, {2: -1 / np.maximum(2, p), 3: -1 / np.maximum(3, 2 * p)},
                       np.array([1.0, 2.0]), {2: np.array([1e-3, 5e-4]), 3: np.array([1e-2, 1e-3])},
                       "{d},10,1")
    ax = plot_p_exponents(data)
    assert len(ax.get_lines()) == 2 and ax.get_xlabel() == "$p$" and "[R]" in ax.get_ylabel()
    np.testing.assert_allclose(ax.get_lines()[1].get_ydata(), data.exponents[3])
    ax = plot_p_certified(data)
    assert len(ax.get_lines()) == 2 and ax.get_yscale() == "log"


def test_yarotsky_plot_has_curve_and_level_per_m():
    ax = plot_yarotsky_gadget((1, 2, 3))
    lines = ax.get_lines()
    assert len(lines) == 6  # one curve and one horizontal level per m
    curve = lines[0].get_ydata()
    assert np.max(curve) == pytest.approx(0.0625, rel=1e-6)


def test_mixed_axes_relabelled_and_coinciding_upper_bounds_merged():
    from approxbounds.plots.rate_plots import CERTIFIED_YLABEL, MIXED_YLABEL, legend_outside

    ax = plot_certified_bounds([_curve(2)])
    assert ax.get_ylabel() == CERTIFIED_YLABEL and "certified" in CERTIFIED_YLABEL
    W = np.logspace(2, 6, 5)
    plot_rate_only(RateCurve("rate only [R]: x", W, W ** -0.5, -0.5), ax=ax)
    assert ax.get_ylabel() == MIXED_YLABEL and "certified" not in ax.get_ylabel()
    same = W ** -1.0
    plot_upper_bounds([RateCurve("upper bound [R]: A", W, W ** -0.5, -0.5),
                       RateCurve("upper bound [R]: B", W, same, -1.0),
                       RateCurve("upper bound [R]: C", W, same.copy(), -1.0)], ax=ax)
    lines = ax.get_lines()
    assert len(lines) == 4          # certified, rate, A, merged B = C
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[-1].startswith("upper bound [R]: B") and labels[-1].endswith("= C")
    assert labels[0].startswith("certified")
    leg = legend_outside(ax)
    assert leg.get_bbox_to_anchor().x0 > ax.get_window_extent().x1 - 1


ALL_PLOTS = [
    (plot_certified_bounds, lambda: [_curve(2), _curve(4)]),
    (plot_rate_only, lambda: RateCurve("rate only [R]: x", np.logspace(2, 6, 5), np.logspace(-1, -3, 5), -0.5)),
    (plot_upper_bounds, lambda: [RateCurve("upper bound [R]: A", np.logspace(2, 6, 5), np.logspace(-1, -3, 5), -0.5)]),
    (plot_norm_comparison, lambda: [_curve(4, 1), _curve(4, "sup")]),
    (plot_p_exponents, lambda: PDependence(np.linspace(1, 6, 5), {2: -1 / np.maximum(2, np.linspace(1, 6, 5))},
                                           np.array([1.0, 2.0]), {2: np.array([1e-3, 5e-4])}, "{d},10,1")),
]


@pytest.mark.parametrize("plot, make", ALL_PLOTS + [
    (plot_p_certified, ALL_PLOTS[-1][1]),
    (plot_yarotsky_gadget, lambda: (1, 2)),
])
def test_kwargs_override_defaults_and_caller_title_is_kept(plot, make):
    fig, ax = plt.subplots()
    ax.set_title("my title")
    out = plot(make(), ax=ax, label="mine", color="#123456", linewidth=3.0)
    assert out is ax and ax.get_title() == "my title"
    labelled = [ln for ln in ax.get_lines() if not ln.get_label().startswith("_")]
    assert labelled and all(ln.get_label() == "mine" for ln in labelled)
    assert all(ln.get_color() == "#123456" and ln.get_linewidth() == 3.0 for ln in labelled)


def test_legend_is_outside_the_axes_and_optional():
    ax = plot_certified_bounds([_curve(2)])
    fig = ax.figure
    fig.canvas.draw()
    leg_box = ax.get_legend().get_window_extent()
    assert leg_box.x0 >= ax.get_window_extent().x1          # right of the data area
    ax2 = plot_certified_bounds([_curve(2)], legend=False)
    assert ax2.get_legend() is None


def test_new_axes_use_the_colour_blind_safe_palette_and_mathtext_labels():
    from approxbounds.plots.style import OKABE_ITO

    ax = plot_certified_bounds([_curve(2), _curve(4), _curve(8)])
    colours = [ln.get_color() for ln in ax.get_lines()]
    assert colours == list(OKABE_ITO[:3])
    assert ax.get_xlabel().startswith("$W$") and r"\mathrm{dist}" in ax.get_ylabel()
    assert plt.rcParams["axes.prop_cycle"].by_key()["color"][0] != OKABE_ITO[0]   # global rc untouched


def test_default_title_set_once_on_untitled_axes():
    ax = plot_yarotsky_gadget((1,))
    assert "Yarotsky" in ax.get_title() and "$2^{-2m-2}$" in ax.get_title()
