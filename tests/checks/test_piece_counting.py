"""Lemma P and Theorem P checks (approxbounds.checks.piece_counting)."""
import math

import numpy as np
import pytest

from approxbounds.capacity import Architecture
from approxbounds.capacity.pieces import piece_kind, pieces_bound
from approxbounds.checks.piece_counting import check_pieces, check_theorem_P, fit_pieces_error
from approxbounds.classes import Holder, Monotone
from approxbounds.lower import lower_bound


def test_pieces_check_passes_and_reaches_P_for_shallow_relu():
    (r,) = check_pieces(seed=0, trials=5)
    assert r.passed, r.numbers
    assert r.numbers["shallow_relu_reach_P"] and r.numbers["max_observed_over_P"] <= 1


def test_theorem_P_check_passes_and_is_tight_in_sup_norm():
    (r,) = check_theorem_P(seed=1)
    assert r.passed, r.numbers
    assert 1.0 <= r.numbers["min_error_over_certified"] < 1.0 + 1e-9   # attained (sup norm)


@pytest.mark.parametrize("spec,act,P,kind", [
    ("1,10,1", "relu", 11, "affine"), ("1,4,3,1", "relu", 20, "affine"),
    ("1,4,3,1", "leaky_relu", 20, "affine"), ("1,4,3,1", "hard_threshold", 5, "constant"),
    ("1,3,1", "identity", 1, "affine")])
def test_pieces_bound_values(spec, act, P, kind):
    b = pieces_bound(Architecture.parse(spec, activation=act))
    assert b.ingredients["P"] == P and b.ingredients["kind"] == kind and b.tag == "P"
    assert piece_kind(Architecture.parse(spec, activation=act)) == kind


def test_pieces_bound_does_not_apply():
    assert pieces_bound(Architecture.parse("2,10,1")) is None
    assert pieces_bound(Architecture.parse("1,10,1", activation="piecewise_polynomial",
                                           pieces=2, degree=2)) is None
    assert pieces_bound(Architecture.parse("1,1000x120,1")) is None     # beyond 2^1000


def test_a_one_piece_short_bound_would_be_caught():
    """Falsifiability: with one piece fewer than Lemma P allows, the adversary beats the
    'certified' value (so the check is not vacuous)."""
    F, G = Holder(1, 1.0), Architecture.parse("1,4,1")
    cert = lower_bound(F, G, norm="sup", transfer=False)
    w = F.tooth_witness()
    m, P = cert.ingredients["m"], cert.ingredients["P"]
    ends = w.intervals(m)
    knots = np.concatenate([ends.ravel(), ends.mean(axis=1)])
    # P - 1 breakpoints on tooth ends leave whole teeth: the bound holds (and is attained)
    ok = fit_pieces_error(w.function(m), ends[1:P, 0], math.inf, "affine", knots=knots)
    # 2m breakpoints (peaks and ends): g interpolates f* exactly, far below the "bound"
    many = np.sort(np.concatenate([ends[1:, 0], ends.mean(axis=1)]))
    better = fit_pieces_error(w.function(m), many, math.inf, "affine", knots=knots)
    assert cert.value <= ok <= cert.value * (1 + 1e-9) and better < 1e-9


@pytest.mark.parametrize("F", [Holder(1, 1.0), Holder(1, 0.3), Monotone(1)])
def test_witness_is_a_member_and_has_the_stated_teeth(F):
    w = F.tooth_witness()
    m = 7
    f = w.function(m)
    x = np.linspace(0, 1, 70001)
    y = f(x)
    assert y.min() >= F.a and y.max() <= F.a + F.B
    if isinstance(F, Monotone):
        assert np.all(np.diff(y) >= 0) and w.n_teeth(m) == m - 1
    else:   # Hölder with constant 1: |f(x) - f(y)| <= |x - y|^alpha on the grid
        dx = np.diff(x)
        assert np.all(np.abs(np.diff(y)) <= dx ** F.alpha + 1e-12)
        assert np.allclose(y, F.packing(m, "sup").member(np.ones(m, dtype=np.int8))(x))
    for lo, hi in w.intervals(m):
        assert 0 <= lo < hi <= 1 and math.isclose(hi - lo, 1 / m)


def test_witness_errors():
    with pytest.raises(ValueError, match="d = 1"):
        Holder(2, 1.0).tooth_witness()
    with pytest.raises(ValueError, match="alpha <= 1"):
        Holder(1, 1.5).tooth_witness()
    with pytest.raises(ValueError, match="d = 1"):
        Monotone(2).tooth_witness()
