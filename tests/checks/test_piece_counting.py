"""Lemma P and Theorem P checks (approxbounds.checks.piece_counting)."""
import math

import numpy as np
import pytest

from approxbounds.capacity import Architecture
from approxbounds.capacity.pieces import piece_kind, pieces_bound
from approxbounds.checks.piece_counting import check_pieces, check_theorem_P, fit_pieces_error
from approxbounds.classes import Holder, Monotone
from approxbounds.classes.witnesses import ToothWitness
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


@pytest.mark.parametrize("F", [Holder(1, 1.0), Holder(1, 0.3), Holder(1, 2.0), Monotone(1)])
def test_witness_is_a_member_and_has_the_stated_teeth(F):
    w = F.tooth_witness()
    m = 7
    f = w.function(m)
    x = np.linspace(0, 1, 70001)
    y = f(x)
    assert y.min() >= F.a and y.max() <= F.a + F.B
    if isinstance(F, Monotone):
        assert np.all(np.diff(y) >= 0) and w.n_teeth(m) == m - 1
    else:   # Hölder with constant 1: |f(x) - f(y)| <= |x - y|^min(alpha, 1) on the grid
        dx = np.diff(x)
        assert np.all(np.abs(np.diff(y)) <= dx ** min(F.alpha, 1.0) + 1e-12)
        assert np.allclose(y, F.packing(m, "sup").member(np.ones(m, dtype=np.int8))(x))
    for lo, hi in w.intervals(m):
        assert 0 <= lo < hi <= 1 and math.isclose(hi - lo, 1 / m)


def test_poly_witness_for_alpha_above_one():
    """alpha > 1: the all-ones member of the polynomial construction; exact variance of
    psi = (4u(1-u))^k against quadrature, and the value verified by adversarial fits."""
    import mpmath

    from approxbounds.checks.piece_counting import fit_pieces_error

    for alpha in (1.5, 2.0, 3.0):
        F = Holder(1, alpha)
        w = F.tooth_witness()
        assert w.shape == "poly" and w.r == F.r and w.c == float(F._construction(None, math.inf).c)
        k = w.r + 1
        mpmath.mp.dps = 30
        m1 = mpmath.quad(lambda u: (4 * u * (1 - u)) ** k, [0, 1])
        m2 = mpmath.quad(lambda u: (4 * u * (1 - u)) ** (2 * k), [0, 1])
        v = w.variance_poly()
        assert abs(mpmath.mpf(v.numerator) / v.denominator - (m2 - m1 ** 2)) < 1e-25
        m = 6
        x = np.linspace(0, 1, 60001)
        member = F.packing(m, "sup").member(np.ones(m, dtype=np.int8))
        assert np.allclose(w.function(m)(x), member(x), atol=1e-15)
        for norm in (1, 2, 4, "sup"):
            cert = lower_bound(F, "1,5,1", norm=norm, transfer=False)
            assert cert.theorem == "P" and cert.verify(dps=30)
            i = cert.ingredients
            ends = w.intervals(i["m"])
            p = math.inf if norm == "sup" else float(norm)
            knots = np.concatenate([ends.ravel(), ends.mean(axis=1)])
            for bps in (ends[1:i["P"], 0], ends[:i["P"] - 1].mean(axis=1)):
                err = fit_pieces_error(w.function(i["m"]), bps, p, "affine", knots=knots)
                assert err >= cert.value


def test_witness_errors():
    with pytest.raises(ValueError, match="d = 1"):
        Holder(2, 1.0).tooth_witness()
    with pytest.raises(ValueError, match="alpha"):
        ToothWitness("tent", 1.5)
    with pytest.raises(ValueError, match="poly"):
        ToothWitness("poly", 0.5, r=1, c=0.1)
    with pytest.raises(ValueError, match="d = 1"):
        Monotone(2).tooth_witness()
