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


# ---------------------------------------------------------------- huge N (any Python int)
def _mp_product(c, N, dps=60):
    import mpmath
    with mpmath.workdps(dps):
        return sum(1 + w * mpmath.log(2 * mpmath.e * mpmath.mpf(N) * k * c.p * f / w, 2)
                   for k, w, f in zip(c.widths, c.W_i, c.factors))


@pytest.mark.parametrize("spec,bits", [("1,10,1", None), ("2,35x9,1", 3)])
def test_N_beyond_float_range(spec, bits):
    import json

    from approxbounds.capacity import bhlm

    a = Architecture.parse(spec, bits=bits)
    N = 10**400
    b = log2_growth_bound(a, N)
    assert math.isfinite(b.value)
    assert "trivial" in b.ingredients["not_applicable"]
    cands = b.ingredients["candidates"]
    assert b.value == min(cands.values())
    prod = float(_mp_product(bhlm.augmented_counts(a), N))
    assert math.isclose(cands["bhlm2019_product_augmented"], prod, rel_tol=1e-12)
    # monotone in N across the float-range boundary, and agrees with the float path
    assert log2_growth_bound(a, 10**300).value <= b.value <= log2_growth_bound(a, 10**401).value
    assert math.isclose(log2_growth_bound(a, 10**300).value,
                        log2_growth_bound(a, 1e300).value, rel_tol=1e-12)
    d = json.loads(json.dumps(b.to_dict(), allow_nan=False))
    assert d["ingredients"]["N"] is None and int(d["ingredients"]["N_exact"]) == N


def test_huge_N_sauer_against_mpmath():
    # sgn class of a tiny network: V small, so the Sauer sum is exact and checkable
    import mpmath

    from approxbounds.capacity import vcdim_bound

    a = Architecture.parse("1,1")
    N = 10**350
    b = log2_growth_bound(a, N, thresholded=False)
    V = math.floor(vcdim_bound(a).value)
    with mpmath.workdps(800):
        want = mpmath.log(mpmath.fsum(mpmath.binomial(N, i) for i in range(V + 1)), 2)
    got = b.ingredients["candidates"]["sauer_shelah"]
    assert got >= float(want) * (1 - 1e-15) and math.isclose(got, float(want), rel_tol=1e-13)


# ---------------------------------------------------------------- caching
def test_per_architecture_quantities_computed_once(monkeypatch):
    from approxbounds.capacity import bhlm, clear_caches

    calls = []
    real = bhlm._inversion_m
    monkeypatch.setattr(bhlm, "_inversion_m", lambda c: calls.append(c) or real(c))
    clear_caches()
    a = Architecture.parse("2,16,16,1")
    values = [log2_growth_bound(a, N).value for N in (10, 10**3, 10**6, 10**9, 10**30)]
    values.append(log2_growth_bound(Architecture.parse("2,16,16,1"), 10**6).value)  # equal arch
    assert len(calls) == 1  # the pseudo-dimension search ran once for all N
    clear_caches()
    cold = [log2_growth_bound(a, N).value for N in (10, 10**3, 10**6, 10**9, 10**30)]
    assert len(calls) == 2 and cold == values[:5] and values[5] == values[2]


def test_cached_results_cannot_be_corrupted():
    a = Architecture.parse("1,10,1")
    p = pdim_bound(a)
    p.ingredients["candidates"]["fake"] = -1.0
    p.ingredients["W"] = 0
    again = pdim_bound(a)
    assert "fake" not in again.ingredients["candidates"] and again.ingredients["W"] == a.W + 1
    g = log2_growth_bound(a, 10**6)
    g.ingredients["candidates"].clear()
    assert log2_growth_bound(a, 10**6).ingredients["candidates"]


@pytest.mark.parametrize("N,exc", [(math.nan, ValueError), (math.inf, ValueError),
                                   (-5.0, ValueError), (0.0, ValueError), ("10", TypeError),
                                   (True, TypeError), (None, TypeError), (1e30 + 0.5, None)])
def test_bad_N_types_named(N, exc):
    a = Architecture.parse("1,3,1")
    if exc is None:  # 1e30 + 0.5 == 1e30 as a float: a whole number, accepted
        assert math.isfinite(log2_growth_bound(a, N).value)
        return
    with pytest.raises(exc, match="N"):
        log2_growth_bound(a, N)


def test_bad_arch_and_flag():
    with pytest.raises(TypeError, match="arch"):
        log2_growth_bound("1,3,1", 10)
    with pytest.raises(TypeError, match="thresholded"):
        log2_growth_bound(Architecture.parse("1,3,1"), 10, thresholded="yes")
    with pytest.raises(ValueError, match="output width"):
        log2_growth_bound(Architecture.mlp(1, [3], out=2), 10)


def test_every_winner_records_which_class_it_bounds():
    """Even when the trivial 2^N or a finite count wins, the bound says thr(G) or sgn(G)."""
    from approxbounds.capacity import Architecture, log2_growth_bound

    for arch in (Architecture.parse("2,35x9,1"), Architecture.parse("2,4,1", bits=4, quantize="all")):
        for N in (5, 10**6):
            for thresholded in (True, False):
                b = log2_growth_bound(arch, N, thresholded=thresholded)
                assert b.ingredients["thresholded"] is thresholded
                assert b.ingredients["class"] == ("thr(G)" if thresholded else "sgn(G)")
