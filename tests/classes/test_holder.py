import math

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from approxbounds.classes import DensityBounded, Empirical, Holder


def test_reference_value_section6():
    P = Holder(2, 1.0).packing(100, 2)
    assert P.separation == pytest.approx(7.217e-4, rel=1e-4)
    with mpmath.workdps(50):
        oracle = mpmath.mpf(1) / 2 * mpmath.mpf(100) ** -1 * mpmath.sqrt(mpmath.mpf(1) / 6 / 8)
        assert abs(P.separation_mp(50) - oracle) < mpmath.mpf(10) ** -45
        assert mpmath.mpf(P.separation) <= P.separation_mp(50)
    assert P.ingredients["log2_size_varshamov_gilbert"] == 1250.0
    assert P.log2_size >= 1250 and P.tag == "P"
    assert P.D == 1250 and P.N == 10**4


@pytest.mark.parametrize("d,alpha,p", [(1, 0.5, 1), (2, 1.0, 2), (2, 0.7, 3.5), (1, 1.5, 2), (2, 2.0, 1), (1, 3.0, 2)])
def test_membership_and_separation_random_members(d, alpha, p):
    m = 4 if d == 1 else 3
    P = Holder(d, alpha).packing(m, p)
    mem = P.verify_membership(n=1500, rng=1)
    assert mem.passed, mem
    sep = P.verify_separation(k=4, rng=2)
    assert sep.passed, sep
    assert sep.min_exact >= P.separation


def test_membership_check_detects_too_large_bump():
    F = Holder(1, 1.0)
    P = F.packing(4, 2)
    con = P._con
    w = np.ones(P.N_grid)
    scaled = type("C", (), {})()  # a member scaled by 3 must violate the Lipschitz bound
    x = np.linspace(0, 1, 1001)[:, None]
    f = 3 * con.evaluate(w, x, 4)
    q = np.max(np.abs(np.diff(f)) / np.diff(x[:, 0]))
    assert q > 1.0 + 1e-6
    assert P.verify_membership(rng=0).worst <= 1 + 1e-9


def test_sup_norm_packing_and_sign_family():
    F = Holder(2, 1.0)
    P = F.packing(3, "sup")
    assert P.log2_size == 9 and P.separation == pytest.approx(1 / 6, rel=1e-11)
    assert P.verify_separation(rng=0).passed
    S = F.sign_family(3)
    assert S.N == 9 and S.c == pytest.approx(1 / 6) and S.tag == "P"
    signs = np.array([1, -1, 1, -1, -1, 1, 1, 1, -1])
    f = S.member(signs)
    assert np.allclose(f(S.centres()), signs * S.c)
    assert S.verify_membership(signs=signs, rng=0).passed
    S2 = Holder(1, 2.5).sign_family(5)
    assert S2.verify_membership(rng=3).passed
    assert np.allclose(np.abs(S2.member(np.ones(5))(S2.centres())), S2.c)


def test_density_transfer():
    F = Holder(2, 0.5)
    P = F.packing(10, 2)
    Q = F.packing(10, 2, DensityBounded(2, 0.25))
    assert Q.separation == pytest.approx(P.separation * 0.5, rel=1e-10)
    assert Q.log2_size == P.log2_size
    assert Q.verify_separation(rng=0).passed


def test_empirical_measure_exact_on_sample():
    rng = np.random.default_rng(0)
    E = Empirical(rng.uniform(size=(400, 2)))
    P = Holder(2, 1.0).packing(6, 2, E)
    assert P.N <= 36 and P.log2_size > 0
    assert mpmath.mpf(P.separation) <= P.separation_mp(40)
    chk = P.verify_separation(k=5, rng=1)
    assert chk.passed and chk.max_rel_error < 1e-9


def test_log2_packing_lower_is_best_and_valid():
    F = Holder(2, 1.0)
    eps = 1e-3
    P = F.log2_packing_lower(eps, 2)
    assert P.separation > eps
    # one more grid step would not separate by more than eps
    assert F.packing(P.m + 1, 2).separation <= eps
    tiny = F.log2_packing_lower(0.5, 2)
    assert tiny.log2_size == 0.0 and tiny.construction == "single"


def test_entropy_exponent():
    e = Holder(3, 1.5).entropy_exponent(2)
    assert e.value == 2.0 and e.tag == "R" and "Kolmogorov" in e.source


@pytest.mark.parametrize(
    "kwargs,match",
    [({"d": 2, "alpha": 0.0}, "alpha"), ({"d": 2, "alpha": -1}, "alpha"), ({"d": 0, "alpha": 1}, "d")],
)
def test_bad_class_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Holder(**kwargs)


def test_bad_input_messages():
    F = Holder(2, 1.0)
    with pytest.raises(TypeError, match="d"):
        Holder(1.5, 1.0)
    with pytest.raises(ValueError, match="p"):
        F.packing(3, 0.5)
    with pytest.raises(ValueError, match="eps"):
        F.log2_packing_lower(0.0, 2)
    with pytest.raises(ValueError, match="eps"):
        F.log2_packing_lower(0.6, 2)
    with pytest.raises(ValueError, match="kappa"):
        DensityBounded(2, 0.0)
    with pytest.raises(ValueError, match="kappa"):
        DensityBounded(2, -1.0)
    with pytest.raises(ValueError, match="measure"):
        F.packing(3, 2, DensityBounded(3, 0.5))
    with pytest.raises(ValueError, match="construction"):
        F.packing(3, 2, construction="B")


@settings(max_examples=80, deadline=None)
@given(
    d=st.integers(1, 4),
    alpha=st.floats(0.05, 4.0),
    p=st.floats(1.0, 30.0),
    m1=st.integers(1, 10**14),
    m2=st.integers(1, 10**14),
)
def test_monotone_in_m_no_overflow(d, alpha, p, m1, m2):
    lo, hi = sorted((m1, m2))
    fam = Holder(d, alpha).packing_scales(p)
    a, b = fam.point(lo), fam.point(hi)
    for v in (a.log2_separation, b.log2_separation, a.log2_size, b.log2_size):
        assert math.isfinite(v)
    assert b.log2_separation <= a.log2_separation + 1e-9 * (1 + abs(a.log2_separation))
    assert b.log2_size >= a.log2_size * (1 - 1e-12)
    assert a.separation >= 0.0 and not math.isnan(b.separation)


@settings(max_examples=30, deadline=None)
@given(eps_exp=st.floats(-300, -0.31), alpha=st.floats(0.1, 4.0), d=st.integers(1, 3))
def test_log2_packing_lower_tiny_eps(eps_exp, alpha, d):
    eps = 10.0**eps_exp
    P = Holder(d, alpha).log2_packing_lower(eps, 2)
    assert math.isfinite(P.log2_size) and math.isfinite(P.log2_separation)
    if P.construction != "single":
        assert P.log2_separation > math.log2(eps) and P.m <= 10**14


def test_large_alpha_tiny_separation_finite():
    P = Holder(1, 10.0).packing(10**14, 3)
    assert P.log2_separation < math.log2(1e-140) and math.isfinite(P.log2_separation)
    chk = Holder(1, 10.0).packing(3, 2).verify_membership(n=800, rng=0)
    assert chk.passed
