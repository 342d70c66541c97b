import math

import numpy as np
import pytest

from approxbounds.classes.measures import DensityBounded, Empirical, Lebesgue, check_measure


def test_factors():
    assert Lebesgue(2).lebesgue_factor(3) == 1.0
    assert DensityBounded(2, 0.5).lebesgue_factor(2) == pytest.approx(math.sqrt(0.5))
    assert DensityBounded(1, 0.5).lebesgue_factor(math.inf) == 1.0


def test_density_transfer_numerically():
    """∫|h|^p dμ ≥ κ∫|h|^p dλ for a density ≥ κ (here 0.4 + 1.2 x, κ = 0.4)."""
    x = (np.arange(200000) + 0.5) / 200000
    h = np.sin(7 * x) ** 2
    dens = 0.4 + 1.2 * x
    for p in (1.0, 2.0, 5.0):
        lhs = np.mean(h**p * dens) ** (1 / p)
        rhs = DensityBounded(1, 0.4).lebesgue_factor(p) * np.mean(h**p) ** (1 / p)
        assert lhs >= rhs


def test_empirical_validation():
    E = Empirical([0.1, 0.5, 0.9])
    assert E.d == 1 and E.n == 3
    with pytest.raises(ValueError, match="points"):
        Empirical([[0.5, 1.5]])
    with pytest.raises(ValueError, match="points"):
        Empirical([[np.nan, 0.2]])


def test_check_measure():
    assert isinstance(check_measure(None, 3), Lebesgue)
    with pytest.raises(ValueError, match="measure"):
        check_measure(Lebesgue(2), 3)
    with pytest.raises(TypeError, match="measure"):
        check_measure("lebesgue", 2)
    with pytest.raises(ValueError, match="kappa"):
        DensityBounded(2, 1.5)


def test_marginal_density_bound_that_underflows_names_kappa():
    from approxbounds.classes.measures import DensityBounded, IIDSequence

    mu = IIDSequence(DensityBounded(1, 1e-300), 10)
    assert mu.marginal(1).kappa == 1e-300
    with pytest.raises(ValueError, match=r"kappa\^j = 1e-300\^2 underflows"):
        mu.marginal(2)
