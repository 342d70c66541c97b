import math

import mpmath
import pytest
from hypothesis import given, settings, strategies as st

from approxbounds.capacity import sauer
from approxbounds.capacity.sauer import (ln_sauer_closed, ln_sauer_sum, ln_sauer_sum_detail,
                                         log2_sauer_sum, sauer_sum_exact)


def test_known_value():
    assert sauer_sum_exact(10, 3) == 176
    assert math.isclose(math.exp(ln_sauer_sum(10, 3)), 176, rel_tol=1e-14)
    assert math.isclose(math.exp(ln_sauer_closed(10, 3)), 743.9087749328763, rel_tol=1e-12)
    assert sauer_sum_exact(5, 9) == 32 and math.isclose(log2_sauer_sum(5, 9), 5, rel_tol=1e-14)


def _oracle(N, V):
    with mpmath.workdps(60):
        return mpmath.log(mpmath.fsum(mpmath.binomial(N, i) for i in range(0, min(V, N) + 1)))


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 400), st.integers(0, 400))
def test_exact_vs_mpmath(N, V):
    val, exact = ln_sauer_sum_detail(N, V)
    assert exact
    ref = float(_oracle(N, V))
    assert val >= ref  # rounded upward
    assert math.isclose(val, ref, rel_tol=1e-13, abs_tol=1e-13)
    if 1 <= V <= N:
        assert val <= ln_sauer_closed(N, V) + 1e-12


@pytest.mark.parametrize("N,V", [(10**30, 10**6), (10**30, 10**12), (10**9, 10**5),
                                 (10**7, 3 * 10**6)])
def test_large_is_certified_upper_and_close(N, V):
    val, exact = ln_sauer_sum_detail(float(N), V)
    assert not exact and math.isfinite(val)
    with mpmath.workdps(80):
        # lower bound of the sum: its largest term C(N, V) (V < N/2)
        ln_term = mpmath.loggamma(N + 1) - mpmath.loggamma(V + 1) - mpmath.loggamma(N - V + 1)
        r = mpmath.mpf(V) / (N - V + 1)
    assert val >= float(ln_term)
    assert val - float(ln_term) <= float(-mpmath.log1p(-r)) + 1e-6 * max(1.0, val) * 1e-6
    assert val <= ln_sauer_closed(N, V) + 1e-9 * val


def test_large_matches_exact_at_the_switch(monkeypatch):
    N, V = 10**30, 50
    exact = ln_sauer_sum(N, V)
    monkeypatch.setattr(sauer, "EXACT_TERMS", 10)
    bound, flag = ln_sauer_sum_detail(N, V)
    assert not flag and exact <= bound <= exact + 1e-12 * exact + 1e-27


def test_middle_region_is_capped_by_2_to_N(monkeypatch):
    monkeypatch.setattr(sauer, "EXACT_TERMS", 10)
    val, exact = ln_sauer_sum_detail(1000, 600)
    assert not exact and val >= math.log(sauer_sum_exact(1000, 600))
    assert val <= 1000 * math.log(2) * (1 + 1e-15)


@pytest.mark.parametrize("args,exc", [((-1, 2), ValueError), ((2.5, 1), ValueError),
                                      ((10, -1), ValueError), ((float("nan"), 1), ValueError),
                                      (("10", 1), TypeError)])
def test_bad_input(args, exc):
    with pytest.raises(exc):
        ln_sauer_sum(*args)


def test_closed_needs_N_ge_V():
    with pytest.raises(ValueError, match="N >= V"):
        ln_sauer_closed(3, 5)
    assert ln_sauer_closed(3, 0) == 0.0
