"""The band figure: data (no drawing) and the drawing (Agg)."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from approxbounds.classes import Holder, Monotone  # noqa: E402
from approxbounds.plots.band import BAND_YLABEL, band_plot_data, plot_band  # noqa: E402


def test_band_plot_data():
    data = band_plot_data(Holder(1, 1.0), 2, widths=(2, 8, 32))
    c = data.curve
    assert np.all(c.lower <= c.upper) and len(c.W) == 3
    assert data.rates and all("[R]" in r.label for r in data.rates)
    assert np.allclose(data.rates[0].W, c.W)
    mono = band_plot_data(Monotone(1), "sup", widths=(2, 4), activation="hard_threshold")
    assert mono.rates == []                              # no literature rate for the monotone class


def test_plot_band_draws_shaded_band_and_rates():
    data = band_plot_data(Holder(1, 0.5), "sup", widths=(2, 8, 32))
    fig, ax = plt.subplots()
    out = plot_band(data, ax=ax)
    assert out is ax
    assert ax.get_ylabel() == BAND_YLABEL and ax.get_xscale() == "log"
    assert len(ax.collections) >= 1                      # the shaded band
    labels = [line.get_label() for line in ax.get_lines()]
    assert any("upper bound $u$" in s for s in labels) and any("lower bound" in s for s in labels)
    assert any("[R]" in s for s in labels)
    assert "$" in ax.get_title()
    notes = [t.get_text() for t in ax.texts]          # the [R] curves are for other classes: said
    assert len(notes) == 1 and "L$ = 10" in notes[0] and "1,k,1 (relu)" in notes[0]
    plt.close(fig)
    fig, ax = plt.subplots()
    plot_band(data, ax=ax, note=False)
    assert len(ax.texts) == 0
    plt.close(fig)


def test_plot_band_own_axes_and_bad_input():
    ax = plot_band(band_plot_data(Holder(1, 1.0), 1, widths=(4,)), rates=False)
    assert not any("[R]" in line.get_label() for line in ax.get_lines())
    assert len(ax.texts) == 0                             # no [R] curves, no note
    plt.close(ax.figure)
    with pytest.raises(TypeError, match="BandPlotData"):
        plot_band({"W": [1]})


def test_band_figure():
    from approxbounds.plots.band import band_figure

    fig = band_figure(panels=[({"name": "Holder", "d": 1, "alpha": 1.0}, 2, "relu", 1),
                              (Monotone(1), "sup", "hard_threshold", 1)], widths=(2, 8))
    assert len(fig.axes) == 2 and all(ax.collections for ax in fig.axes)
    with pytest.raises(ValueError, match="panels"):
        band_figure(panels=[])
