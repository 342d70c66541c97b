"""Tests for approxbounds.rates.exponents: sympy-derived rate exponents."""
import math

import mpmath
import numpy as np
import pytest
import sympy as sp

from approxbounds.classes import EntropyExponent, Holder, Monotone
from approxbounds.rates import L, W, derive_epsilon, rate

_Monotone = Monotone
holder = Holder


@pytest.mark.parametrize("d,alpha", [(1, 1.0), (2, 1.0), (3, 0.5), (2, 2.0), (4, 1.5)])
@pytest.mark.parametrize("norm", [1, 2, 4, "sup"])
def test_holder_exponent_is_minus_alpha_over_d(d, alpha, norm):
    r = rate(holder(d, alpha), "relu", norm)
    expected = -sp.nsimplify(alpha) / d
    assert r.exponent == expected
    assert r.exponent_L == expected  # the exponent is that of W*L
    assert r.size == W * L
    assert r.tag == "R"
    assert r.theorem == ("S" if norm == "sup" else "L")


@pytest.mark.parametrize("d,p", [(2, 1), (2, 4), (3, 1), (3, 2), (3, 4), (4, 3), (1, 2)])
def test_monotone_exponent(d, p):
    r = rate(_Monotone(d), "relu", p)
    assert r.exponent == sp.Rational(-1, max(d, p * (d - 1)))


def test_monotone_sup_has_no_rate_with_reason():
    r = rate(_Monotone(3), "relu", "sup")
    assert not r.has_rate
    assert r.exponent is None and r.expression is None
    assert "infinite" in r.reason
    assert "no rate" in str(r)
    with pytest.raises(ValueError, match="no rate"):
        r.evaluate([100.0])


def test_monotone_transition_carries_log_squared():
    # p = d/(d-1) (d=2, p=2): log M ~ eps^-2 log^2(1/eps); the extra logs raise the bound
    plain = rate(_Monotone(2), "relu", 1.5)  # e = d = 2, no log power
    trans = rate(_Monotone(2), "relu", 2)
    assert plain.exponent == trans.exponent == sp.Rational(-1, 2)
    Wv = 1e6
    assert trans.evaluate([Wv], 5)[0] > plain.evaluate([Wv], 5)[0]


def test_sup_and_lp_differ_only_by_log_factor():
    r2 = rate(holder(2, 1.0), "relu", 2)
    rs = rate(holder(2, 1.0), "relu", "sup")
    ratio = sp.simplify(r2.expression / rs.expression)
    # the ratio is a pure log factor: its exponent in W is 0
    x = sp.Symbol("x", positive=True)
    assert sp.limit(sp.log(ratio.subs(L, 1).subs(W, x)) / sp.log(x), x, sp.oo) == 0
    assert ratio.has(sp.log)


def test_expression_matches_hand_formula_numerically():
    # independent numeric path: eps = (P * log(P)/e)^(-1/e), P = W L log W, e = d/alpha = 2
    r = rate(holder(2, 1.0), "relu", 2)
    Wv, Lv = np.array([1e2, 1e4, 1e8]), np.array([2.0, 10.0, 50.0])
    P = Wv * Lv * np.log(Wv)
    hand = (P * np.log(P) / 2.0) ** -0.5
    got = r.evaluate(Wv, Lv)
    # constants are dropped by the derivation: the ratio is the constant 2^(-1/2)
    np.testing.assert_allclose(got / hand, np.full(3, 2.0 ** -0.5), rtol=1e-12)


def test_sympy_against_mpmath_root_of_balance_equation():
    """The leading-order solution has the same exponent as the exact root of
    eps^-e = P log(1/eps) (solved with mpmath): log-log slopes agree within 2%."""
    e = 2
    r = rate(holder(2, 1.0), "relu", 2)
    Ps, exact, approx = [], [], []
    for Wv in (1e6, 1e12):
        P = Wv * math.log(Wv)
        root = mpmath.findroot(lambda le: e * le - mpmath.log(P * le), 20)  # le = log(1/eps)
        Ps.append(math.log(Wv))
        exact.append(-float(root))
        approx.append(math.log(r.evaluate([Wv], 1)[0]))
    s_exact = (exact[1] - exact[0]) / (Ps[1] - Ps[0])
    s_approx = (approx[1] - approx[0]) / (Ps[1] - Ps[0])
    assert abs(s_exact - s_approx) < 0.02 * abs(s_exact)
    assert -0.6 < s_exact < -0.5


def test_derive_epsilon_symbolic_cases():
    P = W * L
    assert sp.simplify(derive_epsilon(2, 0, 0, P) - (W * L) ** sp.Rational(-1, 2)) == 0
    expr = derive_epsilon(1, 0, 1, P)
    assert sp.simplify(expr * W * L * sp.log(W * L)) == 1


def test_hard_threshold_and_polynomial_capacities():
    r = rate(holder(2, 1.0), "hard_threshold", 2)
    assert r.size == W and r.exponent_L == 0 and r.exponent == sp.Rational(-1, 2)
    r = rate(holder(2, 1.0), "piecewise_polynomial", 2)
    assert r.exponent_W == sp.Rational(-1, 2) and r.exponent_L == -1


def test_architecture_input_and_quantized_counting():
    ab = pytest.importorskip("approxbounds.capacity")
    G = ab.Architecture.parse("2,35x9,1")
    r = rate(holder(2, 1.0), G, 2)
    assert r.exponent == sp.Rational(-1, 2) and "2,35x9,1" in r.G_name
    Gq = ab.Architecture.parse("2,35x9,1", bits=4, quantize="all")
    rq = rate(holder(2, 1.0), Gq, 2)
    assert rq.theorem == "C" and rq.size == W and rq.log_factors == 1


def test_string_latex_and_dict():
    r = rate(holder(2, 1.0), "relu", 2)
    assert "rate only" in str(r) and "-1/2" in str(r)
    assert r.latex().startswith(r"\operatorname{dist}") and "[R]" in r.latex()
    d = r.to_dict()
    assert d["exponent"] == "-1/2" and d["theorem"] == "L"
    tags = {t for _, t, _ in r.provenance}
    assert "R" in tags and "P" in tags


@pytest.mark.parametrize("bad,exc", [(0.5, ValueError), ("l2", ValueError), (True, TypeError)])
def test_bad_norm(bad, exc):
    with pytest.raises(exc, match="norm"):
        rate(holder(2, 1.0), "relu", bad)


def test_bad_class_and_activation():
    with pytest.raises(TypeError, match="F must be"):
        rate(object(), "relu", 2)
    with pytest.raises(TypeError, match="F must be"):
        rate("holder", "relu", 2)
    with pytest.raises(ValueError, match="alpha"):
        rate(holder(2, -1.0), "relu", 2)
    with pytest.raises(ValueError, match="activation"):
        rate(holder(2, 1.0), "identity", 2)
    with pytest.raises(ValueError, match="activation"):
        rate(holder(2, 1.0), "softmax", 2)


def test_entropy_exponent_method_is_used():
    class Custom:
        d = 2

        def entropy_exponent(self, norm):
            return EntropyExponent(sp.Integer(3), 0, "R", "custom source")

    r = rate(Custom(), "relu", 2)
    assert r.exponent == sp.Rational(-1, 3)
    assert any(src == "custom source" for _, _, src in r.provenance)


def test_evaluate_rejects_bad_values():
    r = rate(holder(2, 1.0), "relu", 2)
    with pytest.raises(ValueError, match="W_values"):
        r.evaluate([1.0])
    out = r.evaluate(np.logspace(2, 12, 20), 10)
    assert np.all(np.isfinite(out)) and np.all(np.diff(out) < 0)


def test_spec_string_is_read_as_lower_bound_reads_it():
    """rate(F, "2,10,1") is the rate of the ReLU network 2,10,1 (issue 9), not an activation."""
    from approxbounds.capacity import Architecture

    by_string = rate(Holder(2, 1.0), "2,10,1", 2)
    by_object = rate(Holder(2, 1.0), Architecture.parse("2,10,1"), 2)
    assert by_string.exponent == by_object.exponent == sp.Rational(-1, 2)
    assert by_string.G_name == by_object.G_name == "relu net 2,10,1"
    with pytest.raises(ValueError, match="arch"):
        rate(Holder(2, 1.0), "2,,1", 2)
    with pytest.raises(TypeError, match="G must be"):
        rate(Holder(2, 1.0), 3.5, 2)


def test_project_classes_give_expected_rates():
    import approxbounds as ab

    assert rate(ab.Holder(3, 2.0), "relu", 1).exponent == sp.Rational(-2, 3)
    assert rate(ab.Holder(2, 0.5), "relu", "sup").exponent == sp.Rational(-1, 4)
    assert rate(ab.Monotone(3), "relu", 4).exponent == sp.Rational(-1, 8)
    r = rate(ab.Monotone(2), "relu", "sup")
    assert not r.has_rate and "no rate" in str(r)


from hypothesis import given, settings, strategies as st  # noqa: E402


@settings(max_examples=8, deadline=None)
@given(d=st.integers(1, 5), num=st.integers(1, 6), den=st.integers(1, 4),
       W_exp=st.floats(2.0, 12.0), L_val=st.integers(1, 50))
def test_symbolic_and_numeric_evaluation_agree(d, num, den, W_exp, L_val):
    alpha = num / den
    r = rate(holder(d, alpha), "relu", "sup")
    assert r.exponent == -sp.Rational(num, den) / d
    Wv = 10.0 ** W_exp
    symbolic = float(r.expression.subs({W: sp.Float(Wv, 30), L: L_val}).evalf(30))
    numeric = (Wv * L_val * math.log(Wv)) ** (-alpha / d)
    assert symbolic == pytest.approx(numeric, rel=1e-10)
    assert r.evaluate([Wv], L_val)[0] == pytest.approx(numeric, rel=1e-10)
