import math

import pytest
from hypothesis import given, settings, strategies as st

from approxbounds.capacity import Architecture, log2_growth_bound, pdim_bound
from approxbounds.capacity.sauer import ln_sauer_sum


def test_candidates_and_winner():
    a = Architecture.parse("1,10,1")
    small = log2_growth_bound(a, 10)
    assert small.method == "trivial" and small.value == 10
    assert "bhlm2019_product" in small.ingredients["not_applicable"]
    mid = log2_growth_bound(a, 10**5)
    c = mid.ingredients["candidates"]
    assert mid.value == min(c.values()) and mid.method == "bhlm2019_product_augmented"
    V = math.floor(pdim_bound(a).value)
    assert math.isclose(c["sauer_shelah"], ln_sauer_sum(10**5, V) / math.log(2), rel_tol=1e-14)


def test_huge_N_finite_and_sgn_version():
    a = Architecture.parse("2,35x9,1")
    thr = log2_growth_bound(a, 1e30)
    sgn = log2_growth_bound(a, 1e30, thresholded=False)
    assert math.isfinite(thr.value) and sgn.value <= thr.value


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 10**6), st.integers(1, 30), st.integers(1, 3))
def test_nondecreasing_in_N(N, k, h):
    a = Architecture.mlp(1, [k] * h)
    assert log2_growth_bound(a, N).value <= log2_growth_bound(a, 2 * N).value + 1e-9


@pytest.mark.parametrize("N", [0, -1, 2.5])
def test_bad_N(N):
    with pytest.raises(ValueError, match="N"):
        log2_growth_bound(Architecture.parse("1,3,1"), N)
