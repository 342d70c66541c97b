"""Symbolic forms of the capacity bounds: agreement with the numeric core, leading order,
LaTeX, and the relaxations behind the order of magnitude."""
import math

import mpmath
import pytest
import sympy as sp

from approxbounds.capacity import Architecture
from approxbounds.capacity import bhlm
from approxbounds.capacity import symbolic as S

X = S.SYMBOLS

ARCHS = [
    Architecture.parse("1,2,1"),
    Architecture.parse("1,10,1"),
    Architecture.parse("1,10,10,10,1"),
    Architecture.parse("2,16,16,1"),
    Architecture.parse("3,7,5,1", activation="hard_threshold"),
    Architecture.parse("2,4,4,1", activation=(3, 2)),
    Architecture.parse("2,6,1", activation="piecewise_linear", pieces=5),
]


def _rel(a, b):
    return abs(a - b) / max(abs(b), 1e-300)


@pytest.mark.parametrize("arch", ARCHS, ids=lambda a: f"{a.spec()}-{a.activation.name}")
def test_vcdim_expression_matches_core(arch):
    expr = S.bhlm_vcdim_expr(arch.degree)
    general = S.bhlm_vcdim_expr()  # symbolic nu: must agree after substitution too
    core = bhlm.bhlm_vcdim(arch).value
    assert _rel(S.evaluate(expr, arch), core) < 1e-9
    assert _rel(S.evaluate(general, arch), core) < 1e-9


@pytest.mark.parametrize("arch", ARCHS, ids=lambda a: f"{a.spec()}-{a.activation.name}")
def test_pdim_expression_matches_core(arch):
    core = bhlm.bhlm_pdim(arch).value
    assert _rel(S.evaluate(S.pdim_vcdim_expr(arch.degree), arch), core) < 1e-9
    general = S.evaluate(S.pdim_vcdim_expr(), arch)
    if arch.degree >= 1:
        assert _rel(general, core) < 1e-9
    else:  # the symbolic-nu form uses the cumulative W_{L+1} = W + 1: larger, still valid
        assert general > core


@pytest.mark.parametrize("arch", ARCHS, ids=lambda a: f"{a.spec()}-{a.activation.name}")
@pytest.mark.parametrize("scale", [1, 3, 10**6, 10**25])
def test_growth_product_expression_matches_core(arch, scale):
    n_plain = (sum(arch.W_i)) * scale
    core = bhlm.bhlm_growth_bound(arch, n_plain).value
    assert _rel(S.evaluate(S.log2_growth_product_expr(arch.degree), arch, N=n_plain), core) < 1e-9
    aug = bhlm.augmented_counts(arch)
    n_aug = aug.sum_W_i * scale
    core_t = bhlm.bhlm_growth_bound(arch, n_aug, thresholded=True).value
    got_t = S.evaluate(S.log2_growth_product_augmented_expr(arch.degree), arch, N=n_aug)
    assert _rel(got_t, core_t) < 1e-9


@pytest.mark.parametrize("arch", ARCHS, ids=lambda a: f"{a.spec()}-{a.activation.name}")
def test_R_and_Lbar_sums_match_architecture(arch):
    assert S.substitute_architecture(S.R_expr(arch.degree), arch) == arch.R
    assert S.substitute_architecture(S.R_expr(), arch) == arch.R
    lbar = S.substitute_architecture(S.Lbar_expr(), arch)
    assert lbar == sp.Rational(arch.Lbar.numerator, arch.Lbar.denominator)
    # R <= U + U (L-1) nu^(L-1) (BHLM Thm 7)
    assert S.substitute_architecture(S.R_upper_expr(arch.degree), arch) >= arch.R


def test_relu_leading_order_is_W_L_log_W():
    relaxed = S.relax(S.bhlm_vcdim_expr(1), degree=1, breakpoints=1)
    assert not relaxed.has(X.Lbar) and not relaxed.has(X.R) and not relaxed.has(X.U)
    lead = S.leading_order(relaxed)
    assert sp.simplify(lead - X.W * X.L * sp.log(X.W)) == 0
    lead_c = S.leading_order(relaxed, keep_constant=True)
    assert sp.simplify(lead_c - X.W * X.L * sp.log(X.W) / sp.log(2)) == 0
    # the leading order really is the asymptote: ratio -> 1 numerically (L fixed)
    f = S.numeric_function(relaxed, "W", "L")
    g = S.numeric_function(lead_c, "W", "L")
    ratios = [f(w, 5.0) / g(w, 5.0) for w in (1e6, 1e12, 1e24, 1e48)]
    assert all(r > 1 for r in ratios)
    assert ratios == sorted(ratios, reverse=True)
    assert abs(ratios[-1] - 1) < 0.1


def test_hard_threshold_leading_order_is_W_log_W():
    relaxed = S.relax(S.bhlm_vcdim_expr(0), degree=0, breakpoints=1)
    assert sp.simplify(S.leading_order(relaxed) - X.W * sp.log(X.W)) == 0


def test_relaxation_is_an_upper_bound_on_real_architectures():
    relaxed = S.relax(S.bhlm_vcdim_expr(1), degree=1, breakpoints=1)
    for arch in ARCHS[:4]:  # ReLU ones
        assert S.evaluate(relaxed, W=arch.W, L=arch.L) >= bhlm.bhlm_vcdim(arch).value


def test_to_latex_renders_paper_notation():
    tex = S.to_latex(S.bhlm_vcdim_expr())
    assert r"\bar{L}" in tex and r"\log_2" in tex and "e" in tex
    assert r"\nu" in S.to_latex(S.R_expr())
    assert r"\sum_{i=1}^{L}" in S.to_latex(S.log2_growth_product_expr())
    for b in S.catalogue():
        assert b.tag in ("V", "P") and b.latex()


def test_sauer_expressions_against_mpmath():
    assert S.evaluate(S.sauer_sum_expr(), N=10, V=3) == 176
    closed = S.evaluate(S.sauer_closed_form_expr(), N=10, V=3)
    mpmath.mp.dps = 50
    want = (10 * mpmath.e / 3) ** 3
    assert _rel(closed, float(want)) < 1e-12
    assert _rel(S.evaluate(S.log2_sauer_sum_expr(), N=10, V=3), math.log2(176)) < 1e-12
    assert _rel(S.evaluate(S.log2_sauer_closed_form_expr(), N=10**30, V=500),
                float(500 * mpmath.log(mpmath.e * mpmath.mpf(10) ** 30 / 500, 2))) < 1e-12


def test_log2_function_basics():
    assert S.log2(sp.Integer(1024)) == 10
    assert abs(float(S.log2(sp.Integer(10)).evalf(30)) - math.log2(10)) < 1e-15
    assert sp.simplify(sp.diff(S.log2(X.W), X.W) - 1 / (X.W * sp.log(2))) == 0


def test_bad_input_raises():
    with pytest.raises(ValueError, match="degree"):
        S.bhlm_vcdim_expr(-1)
    with pytest.raises(TypeError, match="degree"):
        S.R_expr(1.5)
    with pytest.raises(ValueError, match="no value given"):
        S.evaluate(S.bhlm_vcdim_expr(), W=3)
    with pytest.raises(ValueError, match="unknown symbol"):
        S.evaluate(S.bhlm_vcdim_expr(), foo=3)
    with pytest.raises(ValueError, match="breakpoints"):
        S.relax(S.bhlm_vcdim_expr(), breakpoints=0)
    with pytest.raises(ValueError, match="not finite|constant limit"):
        S.leading_order(sp.exp(X.W))
    with pytest.raises(TypeError, match="arch"):
        S.substitute_architecture(S.bhlm_vcdim_expr(), object())
