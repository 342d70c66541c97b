"""Tail bounds and sample sizes: validity (mpmath), minimality, Hoeffding vs Chernoff."""
import math

import mpmath
import pytest
from hypothesis import given, settings, strategies as st

from approxbounds.lower.tails import (
    kl_bernoulli, ln_mean_floor, ln_pairs, ln_tail_rate, smallest_sample_size,
)


def _mp_condition(n, log2_m, eps, B, p, tail):
    """C(m,2) q_n < 1 recomputed independently at 60 digits (direct formulas)."""
    with mpmath.workdps(60 + len(str(n)) + int(-math.log10(eps) * p)):
        m = mpmath.power(2, mpmath.mpf(log2_m))
        s = (mpmath.mpf(eps) / (2 * mpmath.mpf(B))) ** mpmath.mpf(p)
        sp = s / mpmath.power(2, mpmath.mpf(p))
        if tail == "hoeffding":
            ln_q = -2 * n * (s - sp) ** 2
        else:
            kl = sp * mpmath.log(sp / s) + (1 - sp) * mpmath.log((1 - sp) / (1 - s))
            ln_q = -n * kl
        return mpmath.log(m * (m - 1) / 2) + ln_q < 0


def test_kl_against_mpmath_and_tiny_values():
    for a, b in [(0.1, 0.4), (0.25, 0.5), (1e-12, 4e-12), (1e-300, 4e-300), (0.0, 0.3)]:
        with mpmath.workdps(400):  # enough digits to resolve 1 - 1e-300
            A, Bm = mpmath.mpf(a), mpmath.mpf(b)
            ref = (A * mpmath.log(A / Bm) if a else 0) + (1 - A) * mpmath.log((1 - A) / (1 - Bm))
        got = kl_bernoulli(a, b)
        assert got > 0 and math.isfinite(got)
        assert abs(got - float(ref)) <= 1e-12 * float(ref)


def test_kl_rejects_bad_input():
    with pytest.raises(ValueError, match="a must be < b"):
        kl_bernoulli(0.5, 0.4)
    with pytest.raises(ValueError, match="b must lie"):
        kl_bernoulli(0.1, 1.0)


@pytest.mark.parametrize("tail", ["chernoff", "hoeffding"])
@pytest.mark.parametrize("log2_m,eps,B,p", [
    (1250.0, 7.2e-4, 0.5, 2.0), (1.0, 0.5, 0.5, 1.0), (40.0, 0.3, 1.0, 4.0),
    (1e6, 1e-3, 0.5, 1.0), (3.5, 0.01, 2.0, 3.0),
])
def test_sample_size_valid_and_minimal(tail, log2_m, eps, B, p):
    n = smallest_sample_size(log2_m, eps, B, p, tail)
    assert _mp_condition(n, log2_m, eps, B, p, tail)
    assert n == 1 or not _mp_condition(n - 1, log2_m, eps, B, p, tail)


@settings(max_examples=60, deadline=None)
@given(log2_m=st.floats(1.0, 1e15), eps_exp=st.floats(-300, 0), p=st.floats(1.0, 8.0))
def test_hoeffding_needs_at_least_chernoff(log2_m, eps_exp, p):
    B = 1.0
    eps = min(B, 10.0 ** eps_exp)
    n_c = smallest_sample_size(log2_m, eps, B, p, "chernoff")
    n_h = smallest_sample_size(log2_m, eps, B, p, "hoeffding")
    assert 1 <= n_c <= n_h


def test_extreme_scales_no_overflow():
    # m = 2^(1e15) members, separation 1e-300, p = 4: s = (1e-300)^4 / 16 underflows floats.
    ln_s = ln_mean_floor(1e-300, 0.5, 4.0)
    assert math.isfinite(ln_s) and ln_s < -2700
    for tail in ("chernoff", "hoeffding"):
        r = ln_tail_rate(ln_s, 4.0, tail)
        assert math.isfinite(r)
        n = smallest_sample_size(1e15, 1e-300, 0.5, 4.0, tail)
        assert isinstance(n, int) and n > 10**1000
        assert _mp_condition(n, 1e15, 1e-300, 0.5, 4.0, tail)
        assert not _mp_condition(n - 1, 1e15, 1e-300, 0.5, 4.0, tail)
    assert math.isfinite(ln_pairs(1e15))


def test_chernoff_is_linear_hoeffding_quadratic_in_inverse_scale():
    # halving eps multiplies the Chernoff n by ~2^p and the Hoeffding n by ~4^p
    p, B, lm = 1.0, 1.0, 100.0
    c1, c2 = (smallest_sample_size(lm, e, B, p) for e in (1e-4, 5e-5))
    h1, h2 = (smallest_sample_size(lm, e, B, p, "hoeffding") for e in (1e-4, 5e-5))
    assert c2 / c1 == pytest.approx(2.0, rel=1e-3)
    assert h2 / h1 == pytest.approx(4.0, rel=1e-3)


def test_bad_arguments():
    with pytest.raises(ValueError, match="tail"):
        smallest_sample_size(10.0, 0.1, 1.0, 2.0, "bernstein")
    with pytest.raises(ValueError, match="eps"):
        smallest_sample_size(10.0, 2.0, 1.0, 2.0)
    with pytest.raises(ValueError, match="p must"):
        smallest_sample_size(10.0, 0.1, 1.0, 0.5)
    with pytest.raises(ValueError, match="log2_m"):
        smallest_sample_size(0.5, 0.1, 1.0, 2.0)
