"""Tests for approxbounds.plots.data: the computations behind the figures."""
import numpy as np
import pytest

from approxbounds.classes import Holder, Monotone
from approxbounds.lower import lower_bound
from approxbounds.plots.data import (
    certified_curves, monotone_p_dependence, norm_comparison, rate_only_curve,
    upper_bound_curves,
)


def test_certified_curves_are_lower_bound_values_and_non_increasing():
    F = Holder(2, 1.0)
    curves = certified_curves(F, 2, depths=(2, 4), W_min=1e2, W_max=1e6, n=5)
    assert [c.depth for c in curves] == [2, 4]
    for c in curves:
        assert np.all(c.L == c.depth) and np.all(np.diff(c.W) > 0)
        assert np.all(c.value > 0) and np.all(np.diff(c.value) <= 0)
        assert np.all(c.pdim > 0) and set(c.theorems) <= {"L", "S", "C"}
    from approxbounds.rates.slopes import width_family
    G = width_family(2, 4, W_min=1e2, W_max=1e6, n=5)[2]
    assert curves[1].value[2] == lower_bound(F, G, norm=2).value


def test_rate_only_curve_is_far_above_certified():
    F = Holder(2, 1.0)
    W = np.logspace(2, 8, 7)
    r = rate_only_curve(F, W, depth=2, norm=2)
    assert "rate only [R]" in r.label and r.exponent == -0.5
    c = certified_curves(F, 2, depths=(2,), W_min=1e2, W_max=1e8, n=4)[0]
    assert np.all(np.interp(c.W, W, r.value) > c.value)


def test_upper_bound_curves_for_holder_only():
    W = np.logspace(2, 8, 5)
    ups = upper_bound_curves(Holder(2, 1.0), W)
    assert len(ups) == 5 and all("[R]" in u.label for u in ups)
    assert upper_bound_curves(Monotone(2), W) == []


def test_norm_comparison_sup_and_lp():
    curves = norm_comparison(Holder(2, 1.0), norms=(2, "sup"), depth=3, W_max=1e5, n=3)
    assert [c.norm.to_json() for c in curves] == [2, "sup"]
    assert all(np.all(c.value > 0) for c in curves)


def test_monotone_p_dependence_exponents_match_rate():
    from approxbounds.rates import rate
    data = monotone_p_dependence((1, 3), p_values=[1, 1.5, 2, 4], p_certified=(1, 4),
                                 arch="{d},20x3,1")
    np.testing.assert_allclose(data.exponents[3], [-1 / 3, -1 / 3, -1 / 4, -1 / 8])
    np.testing.assert_allclose(data.exponents[1], [-1, -1, -1, -1])
    assert float(rate(Monotone(3), "relu", 4).exponent) == data.exponents[3][-1]
    assert data.certified[3].shape == (2,) and np.all(data.certified[3] > 0)
