import math

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from approxbounds.classes import Empirical, Monotone


def test_reference_value_B_section6():
    P = Monotone(3).packing(100, 4, construction="B")
    assert P.separation == pytest.approx(0.1118, abs=5e-5)
    with mpmath.workdps(50):
        assert abs(P.separation_mp(50) - mpmath.mpf(6400) ** (-mpmath.mpf(1) / 4)) < mpmath.mpf(10) ** -45
    assert P.ingredients["log2_size_varshamov_gilbert"] == 1250.0 and P.log2_size >= 1250


def test_A_closed_form():
    d, m, p = 2, 10, 2
    P = Monotone(d).packing(m, p, construction="A")
    delta = 1 / (4 * d * m)
    expected = delta * (1 / 6 / 8) ** 0.5
    assert P.separation == pytest.approx(expected, rel=1e-10)


@pytest.mark.parametrize("d,con,p", [(1, "A", 1), (2, "A", 2), (2, "B", 1), (3, "B", 4), (3, "A", 3)])
def test_membership_and_separation(d, con, p):
    P = Monotone(d).packing(3, p, construction=con)
    mem = P.verify_membership(n=1500, rng=0)
    assert mem.passed, mem
    sep = P.verify_separation(k=4, rng=1)
    assert sep.passed, sep


def test_monotone_check_detects_decrease():
    P = Monotone(2).packing(3, 2, construction="A")
    con = P._con
    bad = type(con)(2)
    bad.amplitude_ln = lambda m: math.log(3.0 / (4 * 2 * m))  # 3x too tall: slope can go negative
    res = bad.check_membership(np.ones(9), 3, np.random.default_rng(0).uniform(size=(500, 2)), np.random.default_rng(1))
    assert not res.passed and res.worst > 1e-3


def test_constructions_order_and_sign_family():
    assert Monotone(1).constructions == ("A",)
    assert Monotone(3).constructions_for(4) == ("B", "A")
    assert Monotone(3).constructions_for(1) == ("A", "B")
    with pytest.raises(ValueError, match="sign"):
        Monotone(2).sign_family(3)
    with pytest.raises(ValueError, match="construction"):
        Monotone(1).packing(3, 2, construction="B")


def test_sup_norm_discontinuity():
    ob = Monotone(2).sup_norm_discontinuity()
    assert ob.value == 0.5 and ob.tag == "P"
    # any continuous g: a few examples, the max error next to the jump is >= 1/2 - tiny
    for g in (lambda x: np.full(len(x), 0.5), lambda x: np.clip(1e3 * (x[:, 0] - 0.5) + 0.5, 0, 1),
              lambda x: x[:, 0]):
        assert ob.check(g, d=2, rng=0) >= 0.5 - 1e-5


def test_sup_norm_packing_B():
    P = Monotone(2).packing(4, "sup", construction="B")
    assert P.separation == pytest.approx(1.0) and P.log2_size == 4
    assert P.verify_separation(rng=0).passed


def test_entropy_exponent():
    assert Monotone(3).entropy_exponent(4).value == 8
    assert Monotone(3).entropy_exponent(1).value == 3
    e = Monotone(2).entropy_exponent(2)
    assert e.value == 2 and e.log_power == 2 and e.tag == "R"
    assert Monotone(1).entropy_exponent(5).value == 1
    sup = Monotone(2).entropy_exponent("sup")
    assert sup.exponent is None and not sup.has_rate and "Lemma D" in sup.source
    assert "infinite" in sup.reason and sup.wl_exponent() is None
    with pytest.raises(ValueError, match="no entropy rate"):
        sup.value
    with pytest.raises(ValueError, match="norm"):
        Monotone(2).entropy_exponent(0.5)


def test_entropy_exponent_gives_the_wl_exponent():
    """-1/e: -alpha/d for Hölder, -1/max(d, p(d-1)) for monotone (rate only)."""
    from fractions import Fraction

    from approxbounds.classes import Holder

    assert Holder(2, 0.1).entropy_exponent(2).wl_exponent() == Fraction(-1, 20)
    assert Holder(3, 1.5).entropy_exponent("sup").wl_exponent() == Fraction(-1, 2)
    assert Monotone(3).entropy_exponent(4).wl_exponent() == Fraction(-1, 8)
    assert Monotone(3).entropy_exponent(1.25).wl_exponent() == Fraction(-1, 3)


def test_best_construction_chosen():
    M = Monotone(3)
    P = M.log2_packing_lower(0.01, 4)
    assert P.construction == "B" and P.separation > 0.01
    A = M.packing_scales(4, construction="A")
    mA = A.largest_m_above(0.01)
    assert A.separation(mA) > 0.01 >= A.separation(mA + 1)
    assert A.log2_size(mA) < P.log2_size
    assert A.largest_m_above(0.05) is None  # A cannot separate by 0.05 at any m


def test_empirical_B():
    rng = np.random.default_rng(3)
    E = Empirical(rng.uniform(size=(500, 2)))
    P = Monotone(2).packing(4, 1, E, construction="B")
    assert P.log2_size > 0
    assert mpmath.mpf(P.separation) <= P.separation_mp(30)
    assert P.verify_separation(k=4, rng=0).passed


def test_bad_input():
    with pytest.raises(ValueError, match="d"):
        Monotone(0)
    with pytest.raises(ValueError, match="eps"):
        Monotone(2).log2_packing_lower(1.5, 2)


@settings(max_examples=60, deadline=None)
@given(d=st.integers(1, 4), p=st.floats(1.0, 40.0), m1=st.integers(1, 10**14), m2=st.integers(1, 10**14))
def test_scales_monotone(d, p, m1, m2):
    lo, hi = sorted((m1, m2))
    M = Monotone(d)
    for name in M.constructions:
        fam = M.packing_scales(p, construction=name)
        a, b = fam.point(lo), fam.point(hi)
        assert all(math.isfinite(v) for v in (a.log2_separation, b.log2_separation, a.log2_size, b.log2_size))
        assert b.log2_separation <= a.log2_separation + 1e-9 * (1 + abs(a.log2_separation))
        assert b.log2_size >= a.log2_size * (1 - 1e-12)
