"""Tests for the literature upper-bound rate curves [R]."""
import numpy as np
import pytest

from approxbounds.rates.upper_bounds import UPPER_BOUNDS, list_upper_bounds, upper_bound_curve

EXPECTED_KEYS = {"shen_yang_zhang_2022", "lu_shen_yang_zhang_2021", "yarotsky_2017",
                 "yarotsky_2018", "siegel_2023"}


def test_registry_lists_sources_and_tags():
    assert set(UPPER_BOUNDS) == EXPECTED_KEYS
    for entry in list_upper_bounds():
        assert entry["tag"] == "R"
        assert "not certified" in entry["note"]
        assert entry["source"] and entry["variables"][1] == "L"
    assert "2103.00502" in UPPER_BOUNDS["shen_yang_zhang_2022"].source
    assert "2001.03040" in UPPER_BOUNDS["lu_shen_yang_zhang_2021"].source


@pytest.mark.parametrize("key,slope", [("yarotsky_2017", -0.5), ("yarotsky_2018", -1.0),
                                       ("siegel_2023", -1.0)])
def test_W_curves_have_their_exponent(key, slope):
    W = np.array([1e4, 1e8])
    y = upper_bound_curve(key, W, d=2, s=1.0)
    fitted = np.diff(np.log(y)) / np.diff(np.log(W))
    assert fitted[0] == pytest.approx(slope, rel=1e-12)
    assert UPPER_BOUNDS[key].exponent(2, 1.0) == pytest.approx(slope)


def test_shen_yang_zhang_formula():
    b = UPPER_BOUNDS["shen_yang_zhang_2022"]
    N, L, d, s = 100.0, 5.0, 2, 1.0
    assert b.error(N, L, d, s) == pytest.approx(np.sqrt(d) * (N**2 * L**2 * np.log(N)) ** (-s / d))
    # against W at fixed depth: W ~ N^2 L, so the slope in W tends to -alpha/d (log factor aside)
    W = np.array([1e6, 1e10])
    y = upper_bound_curve("shen_yang_zhang_2022", W, d=2, s=1.0, depth=10)
    slope = float((np.diff(np.log(y)) / np.diff(np.log(W)))[0])
    assert -0.56 < slope < -0.5


def test_lu_shen_yang_zhang_formula():
    b = UPPER_BOUNDS["lu_shen_yang_zhang_2021"]
    assert b.error(10.0, 10.0, 2, 1.0) == pytest.approx(1e-2)


def test_bad_input():
    with pytest.raises(ValueError, match="unknown upper bound"):
        upper_bound_curve("nope", [100.0], d=2, s=1.0)
    with pytest.raises(ValueError, match="s must"):
        upper_bound_curve("yarotsky_2017", [100.0], d=2, s=0.0)
    with pytest.raises(ValueError, match="W_values"):
        upper_bound_curve("yarotsky_2017", [np.inf], d=2, s=1.0)
