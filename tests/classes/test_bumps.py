import math

import mpmath
import numpy as np
import pytest
import sympy as sp
from scipy import integrate

from approxbounds.classes.bumps import (
    PolynomialBump,
    polynomial_bump,
    tent,
    tent_lp_norm_p,
    tent_lp_norm_p_exact,
    tent_lp_norm_p_mp,
)


@pytest.mark.parametrize("d,p,value", [(2, 2, sp.Rational(1, 6)), (1, 1, sp.Rational(1, 2)), (3, 1, sp.Rational(1, 4))])
def test_tent_norm_reference_values(d, p, value):
    assert tent_lp_norm_p_exact(d, p) == value
    assert tent_lp_norm_p(d, p) == pytest.approx(float(value), rel=1e-14)
    with mpmath.workdps(40):
        assert abs(tent_lp_norm_p_mp(d, p, 40) - mpmath.mpf(value.p) / value.q) < mpmath.mpf(10) ** -35


@pytest.mark.parametrize("d,p", [(1, 1.0), (1, 2.5), (2, 1.0), (2, 3.0)])
def test_tent_norm_vs_quadrature(d, p):
    if d == 1:
        num, _ = integrate.quad(lambda t: tent(np.array([t]))[0] ** p, 0, 1, points=[0.5])
    else:
        # 2-d midpoint rule on a 1000^2 grid (error O(1/n^2) from the pyramid's ridges)
        g = (np.arange(1000) + 0.5) / 1000
        xx, yy = np.meshgrid(g, g)
        num = float(np.mean(tent(np.stack([xx.ravel(), yy.ravel()], axis=1)) ** p))
        assert num == pytest.approx(tent_lp_norm_p(d, p), rel=1e-5)
        # and by the triangle decomposition: 8 ∫_{1/2}^{1} (x − 1/2)(2 − 2x)^p dx
        num, _ = integrate.quad(lambda x: 8 * (x - 0.5) * (2 - 2 * x) ** p, 0.5, 1)
    assert num == pytest.approx(tent_lp_norm_p(d, p), rel=1e-7)


def test_tent_norm_mpmath_oracle_high_dim():
    # independent path: E[(1-s)^p] with s ~ max of d uniforms, computed by mpmath quadrature
    for d, p in [(4, 2.5), (6, 1.0)]:
        with mpmath.workdps(30):
            oracle = mpmath.quad(lambda s: (1 - s) ** p * d * s ** (d - 1), [0, 1])
        assert tent_lp_norm_p(d, p) == pytest.approx(float(oracle), rel=1e-12)


def test_tent_shape():
    assert tent(np.array([0.5]))[0] == 1.0
    assert tent(np.array([[0.0, 0.5]]))[0] == 0.0
    assert tent(np.array([[0.25, 0.5]]))[0] == pytest.approx(0.5)


def test_polynomial_bump_sup_norms_exact():
    b = PolynomialBump(1)  # ψ = 16 t²(1−t)²: ψ' max at t = 1/2 − √3/6, ψ'' max 32 at t = 0
    s = b.sup_derivs
    assert s[0] == 1 and s[2] == 32
    assert float(s[1]) == pytest.approx(16 * math.sqrt(3) / 9, rel=1e-14)
    t = np.linspace(0, 1, 200001)
    for j, sj in enumerate(s):
        assert np.max(np.abs(b.derivative(t, j))) == pytest.approx(float(sj), rel=1e-8)


def test_polynomial_bump_vanishing_derivatives():
    for r in (1, 2, 3):
        b = polynomial_bump(r)
        for j in range(r + 1):
            assert b.derivative(np.array([0.0, 1.0]), j) == pytest.approx([0.0, 0.0], abs=1e-12)


def test_normalisation_constant_valid():
    n = polynomial_bump(1).normalisation(2, sp.Rational(1, 2))
    assert 0 < n.c <= 0.5
    assert n.c <= float(n.c_mp(50))
    assert n.c * float(n.holder_top_mp(30)) <= 1.0 and n.c * float(sp.N(n.holder_top, 30)) <= 1.0 and n.c * float(n.S_all) <= 1.0


def test_polynomial_lp_norm_vs_quadrature():
    b = polynomial_bump(2)
    num, _ = integrate.quad(lambda t: float(b.derivative(np.array([t]), 0)[0]) ** 1.5, 0, 1)
    assert float(b.lp_norm_p_1d_mp(1.5)) == pytest.approx(num, rel=1e-9)
    assert math.exp(b.ln_lp_norm_p_1d(1.5)) == pytest.approx(num, rel=1e-9)


def test_bad_input():
    with pytest.raises(ValueError, match="p"):
        tent_lp_norm_p(2, 0.5)
    with pytest.raises(ValueError, match="d"):
        tent_lp_norm_p(0, 2)
    with pytest.raises(ValueError, match="beta"):
        polynomial_bump(1).normalisation(2, 0)
