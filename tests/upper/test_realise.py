"""Realisation counts: which constructions fit which network classes (exact integers)."""
import pytest

from approxbounds.capacity import Architecture
from approxbounds.upper.realise import (RealisationError, constant_problem, grid_step_best,
                                        grid_step_widths, kt_best, kt_depth, kt_fit, kt_widths,
                                        network_problem, relu_line_plan, threshold_line_jumps)


def test_shallow_relu_offers_k_line_units():
    plan = relu_line_plan((16,))
    assert not plan.deep and plan.n_free == 16 and plan.pieces == 16 and plan.ramps == 8


@pytest.mark.parametrize("hidden, free, pieces", [
    ((8, 8), (7, 7), 15),               # X + 7 | A + 7
    ((5, 1, 7), (4, 0, 0), 5),          # a width-1 middle layer carries A only: x is lost
    ((4, 6, 6, 3), (3, 4, 4, 2), 14),   # X+3 | A,X+4 | A,X+4 | A+2
    ((1, 1), (0, 0), 1),                # only the linear term
])
def test_deep_relu_plan(hidden, free, pieces):
    plan = relu_line_plan(hidden)
    assert plan.deep and plan.free == free and plan.pieces == pieces
    assert all(u <= k for u, k in zip(plan.widths_used(), hidden))


def test_threshold_jumps_is_min_width():
    assert threshold_line_jumps((9, 6)) == 6 and threshold_line_jumps((3,)) == 3


def test_kt_widths_d2_closed_form():
    for m in (1, 2, 5, 10):
        assert kt_widths(2, m) == (4 * (m + 1), 2 * (m + 1) ** 2 + 2 * (m + 1), (m + 1) ** 2)
    assert kt_depth(2) == 3 and kt_depth(3) == 4 and kt_depth(4) == 4 and kt_depth(5) == 5


def test_kt_widths_d3():
    m = 2
    assert kt_widths(3, m) == (18, 2 * ((m + 1) ** 2 + (m + 1)) + 2 * (m + 1), 4 * 27, 27)


def test_kt_fit_and_best_with_offset():
    hidden = (2, 40, 60, 30)            # layer 1 (width 2 = d) passes x, the block starts after it
    assert kt_fit(2, 4, hidden, 1) is None
    assert kt_fit(2, 5, hidden, 1) is not None
    assert kt_best(2, hidden) == (4, 1)
    assert kt_best(2, (40, 60)) is None                    # too shallow
    assert kt_best(2, (1, 40, 60, 30)) is None             # width 1 cannot pass two inputs
    with pytest.raises(RealisationError):
        kt_widths(1, 3)


def test_grid_steps():
    assert grid_step_widths(2, 5, 2) == (8, 24)
    assert grid_step_best(2, (12, 30)) == 5
    assert grid_step_best(2, (12,)) is None
    assert grid_step_best(1, (9, 6)) == 7
    with pytest.raises(RealisationError):
        grid_step_widths(2, 3, 1)


def test_network_and_constant_problems():
    assert network_problem(Architecture.parse("1,8,1")) is None
    assert "outputs" in network_problem(Architecture.parse("1,8,2"))
    assert "quantized" in network_problem(Architecture.parse("1,8,1", bits=2))
    assert "activation" in network_problem(Architecture.parse("1,8,1", activation="identity"))
    assert constant_problem(Architecture.parse("1,8,1", activation="identity")) is None
    assert constant_problem(Architecture.parse("1,8,1", bits=2)) is None      # biases in full precision
    assert "n_float" in constant_problem(Architecture.parse("1,8,1", bits=2, quantize="all"))
    assert "switched off" in constant_problem(Architecture.parse("1,8,1", activation="identity", bits=2))
