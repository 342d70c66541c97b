"""The storage-floor figure: floor data from certificates, model points, drawing."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from approxbounds.classes import Holder  # noqa: E402
from approxbounds.classes.sequence import DelayedHolder  # noqa: E402
from approxbounds.lower.storage import storage_lower_bound  # noqa: E402
from approxbounds.plots.storage import (StoragePoint, plot_storage_floor, storage_floor_curve,  # noqa: E402
                                        storage_points)


def test_floor_curve_is_the_certified_floor():
    F = DelayedHolder(1, 1.0, 2, 5)
    curve = storage_floor_curve(F, 100, 10_000, n=6)
    assert curve.bits[0] == 100 and curve.bits[-1] == 10_000
    assert all(a > b for a, b in zip(curve.values, curve.values[1:]))
    assert set(curve.theorems) == {"C"}
    for b, v in zip(curve.bits, curve.values):
        assert v == storage_lower_bound(F, b, norm=2).value
    assert curve.certificates[0].verify()


def _result():
    def member(cert, est, lo, hi):
        return {"certificate": cert, "error_clipped": {"estimate": est, "ci_clt": [lo, hi]}}
    return {"models": [
        {"label": "A", "storage_bits": 800, "certified_members": {"storage": 1e-5},
         "members": [member("storage", 1e-3, 9e-4, 1.1e-3), member("storage", 3e-3, 2e-3, 4e-3),
                     member("recurrent", 5.0, 4.0, 6.0), member(None, 7.0, 6.0, 8.0)]},
        {"label": "B", "storage_bits": 3000, "certified_members": {"storage": 2e-6}, "members": []}]}


def test_points_from_a_crosscheck_result():
    pts = storage_points(_result())
    assert len(pts) == 1      # model B has no storage members
    pt = pts[0]
    assert pt.bits == 800 and pt.error == pytest.approx(2e-3) and pt.low == 9e-4 and pt.high == 4e-3
    assert pt.certified == 1e-5


def test_plot_draws_floor_and_points_on_given_axes():
    curve = storage_floor_curve(Holder(1, 1.0), 100, 5000, n=5)
    fig, ax = plt.subplots()
    out = plot_storage_floor(curve, [StoragePoint("m", 1000, 1e-3, 5e-4, 2e-3, 1e-5)], ax=ax, color="C3")
    assert out is ax
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    xs = list(ax.lines[0].get_xdata())
    assert xs == curve.bits and ax.lines[0].get_color() == "C3"
    assert "storage" in ax.get_xlabel() and ax.get_title()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("certified floor" in t for t in labels) and any("1000 bits" in t for t in labels)
    plt.close(fig)
    ax2 = plot_storage_floor(curve)          # own axes
    assert ax2.figure is not fig
    plt.close(ax2.figure)


def test_empty_curve_is_an_error():
    from approxbounds.plots.storage import FloorCurve

    with pytest.raises(ValueError, match="no points"):
        plot_storage_floor(FloorCurve("F", "", [], [], []))
