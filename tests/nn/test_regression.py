"""Regression on given functions and empirical L^p errors with confidence intervals."""
import math

import mpmath
import numpy as np
import pytest

from approxbounds.nn.regression import (empirical_lp_error, fit_regression, grid_lp_error, grid_points,
                                        uniform_points)


def square(x):
    return x[:, 0] ** 2


def zero(x):
    return np.zeros(x.shape[0])


@pytest.fixture(scope="module")
def fitted_square():
    return fit_regression(square, 1, [16], "relu", steps=300, lr=1e-2, batch_size=64, seed=0, n_eval=4000,
                          bound=1.0)


def test_relu_mlp_fits_x_squared(fitted_square):
    res = fitted_square
    assert res.error.estimate < 0.05
    # an affine model cannot do better than 1/(6 sqrt 5) ~ 0.0745 in L2: the fit uses the ReLUs
    assert res.error.estimate < 1 / (6 * math.sqrt(5))
    assert res.history[-1]["step"] == 300
    assert res.model.describe()["widths"] == [16, 1]


def test_intervals_cover_a_large_sample_truth(fitted_square):
    res = fitted_square
    truth = grid_lp_error(res.predict, square, 1, 2, per_axis=2 ** 16).estimate   # midpoint rule, h = 2^-16
    lo, hi = res.error.ci_clt
    assert lo <= truth <= hi
    hlo, hhi = res.error.ci_hoeffding
    assert hlo <= truth <= hhi
    assert hlo <= lo and hi <= hhi                # Hoeffding (exact level, bounded) is the wider one


def test_clt_and_hoeffding_coverage_against_mpmath_truth():
    # |f - g| = |sin(3 x)| on [0, 1]: ||.||_2^2 = int_0^1 sin(3x)^2 dx, computed with mpmath
    truth = float(mpmath.sqrt(mpmath.quad(lambda t: mpmath.sin(3 * t) ** 2, [0, 1])))
    f = lambda x: np.sin(3 * x[:, 0])                                       # noqa: E731
    clt = hoeff = 0
    trials = 300
    for seed in range(trials):
        est = empirical_lp_error(zero, f, 1, 2, 100, np.random.default_rng(seed), bound=1.0, confidence=0.9)
        clt += est.ci_clt[0] <= truth <= est.ci_clt[1]
        hoeff += est.ci_hoeffding[0] <= truth <= est.ci_hoeffding[1]
    # binomial(300, 0.9) has sd 5.2 draws: a band of about +-3 sd around 270
    assert 0.84 <= clt / trials <= 0.96
    assert hoeff / trials >= 0.9


def test_grid_estimate_converges_to_the_integral():
    # f - g = x0 * x1 on [0,1]^2: ||.||_2 = 1/3 exactly; the midpoint rule error is O(m^-2)
    f = lambda x: x[:, 0] * x[:, 1]                                         # noqa: E731
    errs = [abs(grid_lp_error(zero, f, 2, 2, m).estimate - 1 / 3) for m in (8, 16, 32)]
    assert errs[2] < errs[1] < errs[0] < 1e-2
    assert errs[1] / errs[2] > 3.5
    # L^1 norm of x0*x1 is 1/4, exact for the midpoint rule (bilinear integrand)
    assert math.isclose(grid_lp_error(zero, f, 2, 1, 8).estimate, 0.25, rel_tol=1e-14)


def test_large_p_does_not_overflow():
    f = lambda x: 1e3 * x[:, 0]                                             # noqa: E731
    est = empirical_lp_error(zero, f, 1, 400.0, 1000, np.random.default_rng(0))
    assert math.isfinite(est.estimate) and 0 < est.estimate <= est.max_abs_error <= 1e3
    # ||1000 x||_p = 1000 (p+1)^(-1/p): within a few percent for this sample
    assert est.estimate == pytest.approx(1e3 * 401 ** (-1 / 400), rel=0.02)


def test_zero_error_and_serialisation():
    est = empirical_lp_error(square, square, 1, 3, 50, np.random.default_rng(0), bound=0.5)
    assert est.estimate == 0.0 and est.ci_clt == (0.0, 0.0) and est.max_abs_error == 0.0
    d = est.to_dict()
    assert d["ci_clt"] == [0.0, 0.0] and d["design"] == "uniform"


def test_grid_training_design_and_float32():
    res = fit_regression(square, 1, [8], steps=50, design="grid", grid_per_axis=64, dtype="float32",
                         n_eval=500, seed=1)
    assert res.params["000"]["W"].dtype == np.float32
    assert math.isfinite(res.error.estimate)
    res2 = fit_regression(square, 1, [8], steps=50, n_train=100, n_eval=500, seed=1)
    assert math.isfinite(res2.error.estimate)


def test_points():
    g = grid_points(2, 3)
    assert g.shape == (9, 2) and np.allclose(sorted(set(g[:, 0])), [1 / 6, 1 / 2, 5 / 6])
    u = uniform_points(3, 100, np.random.default_rng(0))
    assert u.shape == (100, 3) and u.min() >= 0 and u.max() < 1
    with pytest.raises(ValueError, match="per_axis"):
        grid_points(8, 100)


def test_bad_input():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="bound=0.1 is violated"):
        empirical_lp_error(zero, lambda x: x[:, 0], 1, 2, 100, rng, bound=0.1)
    with pytest.raises(ValueError, match=r"f must map.*shape \(10, 2\)"):
        empirical_lp_error(zero, lambda x: np.zeros((x.shape[0], 2)), 1, 2, 10, rng)
    with pytest.raises(ValueError, match="predict returned non-finite"):
        empirical_lp_error(lambda x: np.full(x.shape[0], np.nan), square, 1, 2, 10, rng)
    with pytest.raises(ValueError, match=r"p must be a real p with 1 <= p"):
        empirical_lp_error(zero, square, 1, 0.5, 10, rng)
    with pytest.raises(ValueError, match="p must be a finite exponent"):
        empirical_lp_error(zero, square, 1, "sup", 10, rng)
    with pytest.raises(ValueError, match="confidence"):
        empirical_lp_error(zero, square, 1, 2, 10, rng, confidence=1.0)
    with pytest.raises(ValueError, match="n must be"):
        empirical_lp_error(zero, square, 1, 2, 1, rng)
    with pytest.raises(TypeError, match="rng"):
        empirical_lp_error(zero, square, 1, 2, 10)
    with pytest.raises(ValueError, match="design"):
        fit_regression(square, 1, [4], steps=1, design="sobol")
