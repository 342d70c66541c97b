"""Closed forms of the error bounds against independent mpmath quadratures of their defining
integrals, and the lemmas behind them checked numerically."""
import math

import mpmath
import numpy as np
import pytest

from approxbounds.upper import bounds as B

ONE = mpmath.mpf(1)


@pytest.mark.parametrize("alpha", [0.3, 0.5, 1.0])
@pytest.mark.parametrize("p", [1.0, 2.0, 4.0, 2.5])
def test_pl_holder_lp_is_the_sawtooth_integral(alpha, p):
    n = 7
    sup, leb = B.holder_pl(mpmath.mpf(alpha), n, mpmath.mpf(p), ONE)
    h = ONE / n
    # sawtooth dist(x, knots)^alpha: (1/h) int_0^h min(t, h-t)^{alpha p} dt
    integral = mpmath.quad(lambda t: min(t, h - t) ** (alpha * p), [0, h / 2, h]) / h
    assert mpmath.almosteq(leb, integral ** (1 / mpmath.mpf(p)), rel_eps=mpmath.mpf(10) ** -12)
    assert mpmath.almosteq(sup, (h / 2) ** alpha)


@pytest.mark.parametrize("alpha", [0.2, 0.5, 0.8, 1.0])
def test_pl_sup_envelope_max_at_midpoint(alpha):
    t = np.linspace(0, 1, 100001)
    env = (1 - t) * t ** alpha + t * (1 - t) ** alpha
    assert env.max() <= 2.0 ** -alpha * (1 + 1e-12)
    assert env.max() >= 2.0 ** -alpha * (1 - 1e-9)


@pytest.mark.parametrize("alpha, p", [(0.25, 1), (0.5, 2), (0.75, 4), (1.0, 2)])
@pytest.mark.parametrize("sigma", [-1.0, -0.4, 0.3, 0.9])
def test_level_set_lemma(alpha, p, sigma):
    """int m_sigma^p <= int m_0^p, m_sigma(a) = min(a^alpha - sigma a, (1-a)^alpha + sigma(1-a))."""
    def m(s):
        return lambda a: max(0, min(a ** alpha - s * a, (1 - a) ** alpha + s * (1 - a))) ** p

    with mpmath.workdps(20):
        K0 = mpmath.quad(m(0), [0, 0.5, 1])
        Ks = mpmath.quad(m(sigma), mpmath.linspace(0, 1, 9))
    assert Ks <= K0 * (1 + 1e-12)
    assert mpmath.almosteq(K0, 2 ** (-alpha * p) / (alpha * p + 1), rel_eps=1e-12)


@pytest.mark.parametrize("d, alpha, p", [(1, 0.5, 2.0), (2, 1.0, 1.0), (2, 0.5, 3.0), (3, 1.0, 2.0)])
def test_steps_centre_moment(d, alpha, p):
    """E[max_i |u_i|^{alpha p}] = d/(d + alpha p) for u uniform on [-1,1]^d (P(max <= s) = s^d)."""
    q = alpha * p
    moment = mpmath.quad(lambda s: s ** q * d * s ** (d - 1), [0, 1])
    sup, leb = B.steps_centre(alpha, 1, d, 4, p, 1.0)
    assert math.isclose(leb, sup * float(moment) ** (1 / p), rel_tol=1e-12)
    assert math.isclose(float(moment), d / (d + q), rel_tol=1e-12)


def test_steps_midrange_caps_oscillation():
    assert B.steps_midrange(1.0, 2, 2, 1, 2.0, 1.0) == (1.0, 1.0)      # osc <= min(2 h, 2)
    assert B.steps_midrange(0.5, 1, 1, 4, None, 1.0) == (0.25, None)


def test_kt_dirichlet_mean_and_cs_bound():
    d = 2
    # E[1 - sum lambda_j^2] for lambda uniform on the 2-simplex (area 1/2)
    f = lambda x, y: 1 - x ** 2 - y ** 2 - (1 - x - y) ** 2
    mean = mpmath.quad(lambda x: mpmath.quad(lambda y: f(x, y), [0, 1 - x]), [0, 1]) * 2
    assert mpmath.almosteq(mean, mpmath.mpf(d) / (d + 2), rel_eps=1e-12)
    # the envelope sum_j lambda_j max(1 - t_j, t_{j+1}) stays below d/(d+1) (random orderings)
    rng = np.random.default_rng(0)
    for dd in (2, 3, 4):
        t = -np.sort(-rng.uniform(size=(200000, dd)), axis=1)
        T = np.concatenate([np.ones((len(t), 1)), t, np.zeros((len(t), 1))], axis=1)
        lam = T[:, :-1] - T[:, 1:]
        env = (lam * np.maximum(1 - T[:, :-1], T[:, 1:])).sum(1)
        assert env.max() <= dd / (dd + 1)
        assert np.all(env <= 1 - (lam ** 2).sum(1) + 1e-12)


@pytest.mark.parametrize("alpha, p", [(1.0, 1.0), (1.0, 4.0), (0.5, 1.0), (0.5, 6.0)])
def test_kt_moment_bound(alpha, p):
    d = 2
    q = alpha * p
    f = lambda x, y: (1 - x ** 2 - y ** 2 - (1 - x - y) ** 2) ** q
    exact = 2 * mpmath.quad(lambda x: mpmath.quad(lambda y: f(x, y), [0, 1 - x]), [0, 1])
    assert exact <= B.kt_moment(alpha, d, p, 1.0) * (1 + 1e-12)


@pytest.mark.parametrize("p", [1.0, 2.0, 3.5])
def test_monotone_pl_step_integral(p):
    """int_0^1 |1[t >= tau] - t|^p dt <= 1/(p+1), with equality at tau = 0."""
    for tau in (0.0, 0.2, 0.5, 0.9):
        v = mpmath.quad(lambda t: abs((1 if t >= tau else 0) - t) ** p, [0, tau, 1])
        assert v <= 1 / (p + 1) + 1e-15
    assert B.monotone_pl(4, p, 1.0)[1] == pytest.approx((0.25 / (p + 1)) ** (1 / p))


def test_crossed_cells_fraction():
    sup, leb = B.monotone_steps(2, 4, 1.0, 1.0)
    assert sup == 0.5 and leb == pytest.approx(0.5 * (16 - 9) / 16)
    assert B.monotone_kt(3, 5, 2.0, 1.0)[1] == pytest.approx(((125 - 64) / 125) ** 0.5)


def test_alpha_above_one_pl():
    sup, leb = B.holder_pl(2.0, 10, 1.0, 1.0)
    assert sup == pytest.approx(0.01 / 4) and leb == pytest.approx(min(0.01 / 4, 0.01 / 4))
    sup3, _ = B.holder_pl(3.0, 10, None, 1.0)
    assert sup3 == sup                                  # H^3 in H^2 on [0,1]


def test_mix_density_and_rounding():
    assert B.mix_density(0.5, 0.1, 1.0, 2.0, 1.0) == 0.1
    v = B.mix_density(0.5, 0.1, 0.5, 2.0, 1.0)
    assert v == pytest.approx(math.sqrt(0.5 * 0.01 + 0.5 * 0.25))
    big = B.mix_density(0.5, 0.1, 0.5, 1e300, 1.0)      # no overflow for huge p
    assert 0.1 <= big <= 0.5
    assert B.round_up(0.25) > 0.25 and B.round_up(0.25) < 0.25 * (1 + 1e-11)
    with pytest.raises(ValueError):
        B.round_up(float("nan"))
