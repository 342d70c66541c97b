"""Tests for Yarotsky's square gadget (function, exact rationals, explicit ReLU network)."""
from fractions import Fraction

import numpy as np
import pytest

from approxbounds.rates.yarotsky import (
    gadget_network, gadget_size, gadget_sup_error, gadget_sup_error_exact,
    predicted_sup_error, sawtooth, square_gadget, square_gadget_exact, tooth,
)


@pytest.mark.parametrize("m,expected", [(1, 0.0625), (2, 0.015625), (5, 2.0**-12)])
def test_known_sup_errors(m, expected):
    assert gadget_sup_error_exact(m) == Fraction(expected)
    assert gadget_sup_error(m) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("m", range(0, 8))
def test_exact_error_equals_two_to_minus_2m_minus_2(m):
    assert gadget_sup_error_exact(m) == predicted_sup_error(m) == Fraction(1, 4 ** (m + 1))
    # a finer dyadic level does not exceed it
    assert gadget_sup_error_exact(m, level=m + 4) == predicted_sup_error(m)


@pytest.mark.parametrize("m", [1, 3, 6])
def test_interpolates_square_at_knots_and_is_above_it(m):
    for k in range(2**m + 1):
        x = Fraction(k, 2**m)
        assert square_gadget_exact(x, m) == x * x
    x = np.linspace(0, 1, 4001)
    assert np.all(square_gadget(x, m) >= x * x - 1e-15)


def test_tooth_and_sawtooth():
    x = np.array([0.0, 0.25, 0.5, 0.75, 1.0])
    np.testing.assert_allclose(tooth(x), [0, 0.5, 1, 0.5, 0])
    np.testing.assert_allclose(sawtooth(x, 2), [0, 1, 0, 1, 0])
    np.testing.assert_allclose(sawtooth(x, 0), x)
    # g_s has 2^(s-1) teeth: value 1 at the odd multiples of 2^-s
    xs = (2 * np.arange(8) + 1) / 16.0
    np.testing.assert_allclose(sawtooth(xs, 4), 1.0)


@pytest.mark.parametrize("m", [1, 2, 3, 5, 9])
def test_network_matches_function_and_size(m):
    net = gadget_network(m)
    x = np.concatenate([np.linspace(0, 1, 2001), np.arange(2 ** (m + 1) + 1) / 2.0 ** (m + 1)])
    np.testing.assert_allclose(net(x), square_gadget(x, m), atol=1e-14)
    size = gadget_size(m)
    assert (net.W, net.L, net.U) == (size["W"], size["L"], size["U"]) == (12 * m - 2, m + 1, 3 * m + 1)
    assert net.widths == (3,) * m + (1,)


def test_network_size_matches_capacity_architecture():
    cap = pytest.importorskip("approxbounds.capacity")
    for m in (1, 4):
        arch = cap.Architecture.parse(f"1,3x{m},1")
        assert arch.W == gadget_size(m)["W"] and arch.L == gadget_size(m)["L"]


@pytest.mark.parametrize("bad", [-0.1, 1.5, np.nan])
def test_bad_x(bad):
    with pytest.raises(ValueError, match="x must lie"):
        square_gadget(np.array([0.2, bad]), 2)
    with pytest.raises(ValueError, match="x must lie"):
        gadget_network(2)(np.array([bad]))


def test_bad_m():
    with pytest.raises(ValueError, match="m must be"):
        square_gadget([0.5], -1)
    with pytest.raises(TypeError, match="m must be an integer"):
        gadget_network(2.0)
    with pytest.raises(ValueError, match="x must lie"):
        square_gadget_exact(Fraction(3, 2), 2)
