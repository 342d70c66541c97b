"""Tests for approxbounds.rates.slopes (families, least squares, fitted slopes)."""
import math

import numpy as np
import pytest

from approxbounds.rates.slopes import least_squares_slope, width_family, width_for_params


@pytest.mark.parametrize("d_in,depth", [(1, 2), (2, 2), (2, 5), (3, 10)])
def test_width_for_params_hits_target(d_in, depth):
    cap = pytest.importorskip("approxbounds.capacity")
    for target in (1e3, 1e6, 1e8):
        k = width_for_params(d_in, depth, target)
        W = cap.Architecture.mlp(d_in, [k] * (depth - 1)).W
        # rounding k by at most 1/2 moves W by at most ~ dW/dk / 2 (relative 1/k)
        assert abs(W - target) / target < 2.0 / k + 1e-9


def test_width_family_spans_range_and_is_increasing():
    pytest.importorskip("approxbounds.capacity")
    fam = width_family(2, 4, W_min=1e2, W_max=1e8, n=25)
    Ws = [a.W for a in fam]
    assert all(a.L == 4 for a in fam)
    assert np.all(np.diff(Ws) > 0)
    assert 50 < Ws[0] < 200 and 0.99e8 < Ws[-1] < 1.01e8


def test_least_squares_slope_exact_line_and_errors():
    x = np.linspace(0, 10, 7)
    s, c = least_squares_slope(x, 3.0 - 0.25 * x)
    assert s == pytest.approx(-0.25, abs=1e-12) and c == pytest.approx(3.0, abs=1e-12)
    with pytest.raises(ValueError, match="constant"):
        least_squares_slope([1, 1], [2, 3])
    with pytest.raises(ValueError, match="finite"):
        least_squares_slope([1, 2], [2, math.nan])


def test_bad_family_arguments():
    with pytest.raises(ValueError, match="depth"):
        width_for_params(2, 1, 1e3)
    with pytest.raises(ValueError, match="W_max"):
        width_family(2, 3, W_min=1e4, W_max=1e3)


def test_fitted_slope_holder_d2_alpha1_p2_is_minus_half():
    import approxbounds as ab
    from approxbounds.rates.slopes import fitted_slope

    fam = width_family(2, 4, W_min=1e2, W_max=1e8, n=20)
    fit = fitted_slope(ab.Holder(2, 1.0), fam, 2)
    assert fit.predicted == -0.5
    assert abs(fit.slope - (-0.5)) < 0.05
    assert fit.slope <= -0.5 + 1e-3  # approached from below (log factor of Theorem L)
    assert fit.n_used >= 5 and fit.W[fit.used].min() >= 1e5
    # the fit is the least-squares line through the stored points
    s, c = least_squares_slope(fit.ln_pdim[fit.used], fit.ln_bound[fit.used])
    assert (s, c) == (fit.slope, fit.intercept)
    assert np.all(np.diff(fit.ln_bound) <= 0)


def test_fitted_slope_monotone_d3_p4_is_minus_one_eighth():
    import approxbounds as ab
    from approxbounds.rates.slopes import fitted_slope

    fam = width_family(3, 2, W_min=1e2, W_max=1e8, n=20)
    fit = fitted_slope(ab.Monotone(3), fam, 4)
    assert fit.predicted == -0.125
    assert abs(fit.slope - (-0.125)) < 0.05
    assert fit.to_dict()["theorems"] == ["L"]


def test_fitted_slope_needs_two_points():
    import approxbounds as ab
    from approxbounds.rates.slopes import fitted_slope

    fam = width_family(2, 2, W_min=1e2, W_max=1e3, n=3)
    with pytest.raises(ValueError, match="fewer than 2"):
        fitted_slope(ab.Holder(2, 1.0), fam, 2, W_fit_min=1e6)
    with pytest.raises(ValueError, match="at least 2"):
        fitted_slope(ab.Holder(2, 1.0), fam[:1], 2)
