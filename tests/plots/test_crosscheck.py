"""Tests for approxbounds.plots.crosscheck.plot_crosscheck on a hand-made result dict."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from approxbounds.plots.crosscheck import plot_crosscheck  # noqa: E402


def _member(kind, i, est):
    return {"kind": kind, "index": i, "m": 3, "error": {"estimate": est, "ci_clt": [est * 0.9, est * 1.1]},
            "constant_error": {"estimate": 2 * est}}


RESULT = {"members": [_member("smooth", 0, 1e-3), _member("certificate", 0, 2e-2), _member("certificate", 1, 3e-2)],
          "certified": 1e-4, "theorem": "L", "p": 2.0, "function_class": "Holder(d=2, alpha=1)",
          "architecture": {"spec": "2,4,1", "W": 17}}


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_points_line_labels_and_title():
    ax = plot_crosscheck(RESULT)
    assert ax.get_yscale() == "log" and ax.get_ylabel() == "$L^{2}$ error of the trained net"
    assert ax.get_title().startswith(r"Hölder ball $H^{1}$ on $[0,1]^{2}$")
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert sorted(labels) == sorted(["smooth ($m=3$)", "certificate ($m=3$)",
                                     r"certified: $\sup_F \inf_G \geq$ 0.0001 (Thm L)"])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["s0", "c0", "c1"]


def test_caller_axes_title_and_kwargs_kept():
    fig, ax = plt.subplots()
    ax.set_title("mine")
    out = plot_crosscheck(RESULT, ax=ax, capsize=7, legend=False, show_constant=False)
    assert out is ax and ax.get_title() == "mine" and ax.get_legend() is None
    caps = [c for cont in ax.containers for c in cont.lines[1]]
    assert caps and all(c.get_markersize() == 14 for c in caps)     # capsize 7 -> 2*7 points
    with pytest.raises(ValueError, match="no members"):
        plot_crosscheck({**RESULT, "members": []})
