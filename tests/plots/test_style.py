"""Tests for approxbounds.plots.style: palette, rc, one title style per class, legends."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from approxbounds.classes import Holder, Monotone  # noqa: E402
from approxbounds.plots.style import (OKABE_ITO, PAPER_RC, class_title, legend_outside,  # noqa: E402
                                      paper_style, set_title_if_unset)


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_okabe_ito_palette():
    assert len(OKABE_ITO) == len(set(OKABE_ITO)) == 8
    assert "#E69F00" in OKABE_ITO and "#000000" in OKABE_ITO
    assert PAPER_RC["axes.prop_cycle"].by_key()["color"] == list(OKABE_ITO)


def test_paper_style_is_a_context():
    before = plt.rcParams["pdf.fonttype"]
    with paper_style():
        assert plt.rcParams["pdf.fonttype"] == 42
    assert plt.rcParams["pdf.fonttype"] == before


@pytest.mark.parametrize("F, norm, detail, expected", [
    (Holder(2, 1.0), 2, "", r"Hölder ball $H^{1}$ on $[0,1]^{2}$, $L^{2}$"),
    (Holder(1, 0.5), "sup", "ReLU", r"Hölder ball $H^{0.5}$ on $[0,1]^{1}$, $\|\cdot\|_\infty$, ReLU"),
    (Monotone(3), 4, "", r"monotone functions on $[0,1]^{3}$, $L^{4}$"),
    ("Monotone(d=3)", None, "x", r"monotone functions on $[0,1]^{3}$, x"),
    ("Spline(k=2)", 1.5, "", r"Spline(k=2), $L^{1.5}$"),
])
def test_class_title(F, norm, detail, expected):
    assert class_title(F, norm, detail) == expected


def test_titles_render_as_mathtext():
    fig, ax = plt.subplots()
    ax.set_title(class_title(Holder(2, 1.0), "sup", r"$(WL)^{-1/2}$"))
    fig.canvas.draw()                     # raises on malformed mathtext


def test_title_and_legend_helpers():
    fig, ax = plt.subplots()
    set_title_if_unset(ax, "a")
    set_title_if_unset(ax, "b")
    assert ax.get_title() == "a"
    assert legend_outside(ax) is None     # nothing labelled
    ax.plot([0, 1], label="x")
    leg = legend_outside(ax, fontsize=6)
    assert leg.get_texts()[0].get_fontsize() == 6
