import math

import mpmath
import pytest
from hypothesis import given, settings, strategies as st

from approxbounds.capacity import bhlm
from approxbounds.capacity.architecture import Architecture


def _mp_thm7(arch):
    """Independent high-precision evaluation of BHLM Thm 7 from the raw widths."""
    sizes = (arch.d_in,) + arch.widths
    nu, p = arch.degree, max(arch.activation.pieces - 1, 1)
    P = [sizes[i] * (sizes[i - 1] + 1) for i in range(1, len(sizes))]
    W = sum(P)
    if nu == 0:
        mult, S = W, sum(arch.widths)
    else:
        mult = sum(sum(P[: i + 1]) for i in range(len(P)))
        S = sum(k * (1 + i * nu ** i) for i, k in enumerate(arch.widths))
    with mpmath.workdps(50):
        e = mpmath.e
        return len(P) + mult * mpmath.log(4 * e * p * S * mpmath.log(2 * e * p * S, 2), 2)


@pytest.mark.parametrize("spec,expected", [("1,2,1", 85.54), ("1,10,1", 492.58),
                                           ("1,10,10,10,1", 8029.6), ("2,16,16,1", 8558.7)])
def test_reference_values(spec, expected):
    a = Architecture.parse(spec)
    b = bhlm.bhlm_vcdim(a)
    assert b.tag == "V" and b.quantity == "vcdim"
    assert abs(b.value - expected) < 0.05
    assert math.isclose(b.value, float(_mp_thm7(a)), rel_tol=1e-13)


@pytest.mark.parametrize("spec,act,kw", [("3,4,5,1", "hard_threshold", {}),
                                        ("2,3,3,1", "piecewise_polynomial",
                                         dict(pieces=4, degree=3)),
                                        ("2,6,1", "identity", {})])
def test_other_activations_vs_mpmath(spec, act, kw):
    a = Architecture.parse(spec, act, **kw)
    assert math.isclose(bhlm.bhlm_vcdim(a).value, float(_mp_thm7(a)), rel_tol=1e-13)


def test_small_U_uses_inversion():
    a = Architecture.parse("3,1,1")  # U = 2
    with pytest.raises(ValueError, match="U > 2"):
        bhlm.bhlm_vcdim(a)
    b = bhlm.bhlm_vcdim_by_growth(a)
    assert b.tag == "P" and b.value >= 1


def test_growth_inversion_is_the_first_valid_m():
    for spec in ["1,2,1", "1,10,1", "2,16,16,1", "3,1,1", "1,1"]:
        a = Architecture.parse(spec)
        c = bhlm.counts(a)
        b = bhlm.bhlm_vcdim_by_growth(a)
        m = int(b.value) + 1
        with mpmath.workdps(40):
            def log2_prod(mm):
                return sum(1 + w * mpmath.log(2 * mpmath.e * mm * k * c.p * f / w, 2)
                           for k, w, f in zip(c.widths, c.W_i, c.factors))
            assert m >= c.sum_W_i
            assert log2_prod(m) < m                           # certifies VCdim < m
            if m - 1 >= c.sum_W_i:
                assert log2_prod(m - 1) >= m - 1 - 1e-6       # and m is (nearly) minimal


def test_growth_product_matches_mpmath_and_needs_large_m():
    a = Architecture.parse("2,16,16,1")
    c = bhlm.counts(a)
    for m in [c.sum_W_i, 10**6, 1e30]:
        with mpmath.workdps(60):
            ref = sum(1 + w * mpmath.log(2 * mpmath.e * mpmath.mpf(m) * k * c.p * f / w, 2)
                      for k, w, f in zip(c.widths, c.W_i, c.factors))
        assert math.isclose(bhlm.bhlm_log2_growth(c, m), float(ref), rel_tol=1e-12)
    with pytest.raises(ValueError, match="L̄W"):
        bhlm.bhlm_log2_growth(c, c.sum_W_i - 1)


def test_augmented_counts():
    a = Architecture.parse("1,10,1")
    c, ca = bhlm.counts(a), bhlm.augmented_counts(a)
    assert (ca.W, ca.L, ca.U) == (c.W + 1, c.L + 1, c.U + 1)
    assert ca.W_i == c.W_i + (c.W + 1,) and ca.R == c.R + 1 + c.L
    assert bhlm.bhlm_pdim(a).value > bhlm.bhlm_vcdim(a).value


def test_multi_output_rejected():
    with pytest.raises(ValueError, match="output width"):
        bhlm.bhlm_vcdim(Architecture.mlp(1, [3], out=2))


widths_st = st.lists(st.integers(1, 10**6), min_size=1, max_size=4)


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 10**5), widths_st, st.integers(1, 5), st.integers(0, 3))
def test_finite_for_huge_W_and_Lbar_range(d, hidden, pieces, degree):
    a = Architecture.mlp(d, hidden, (pieces, degree))
    assert 1 <= a.Lbar <= a.L
    v = bhlm.bhlm_vcdim_by_growth(a).value
    assert math.isfinite(v) and v >= 1
    if a.U > 2:
        assert math.isfinite(bhlm.bhlm_vcdim(a).value)
    assert math.isfinite(bhlm.bhlm_log2_growth(bhlm.counts(a), 1e30))


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 50), st.lists(st.integers(1, 200), min_size=1, max_size=5),
       st.integers(0, 4), st.integers(1, 50), st.integers(1, 4), st.integers(0, 2))
def test_monotone_in_width_depth_pieces(d, hidden, idx, extra, pieces, degree):
    act = (pieces, degree)
    base = Architecture.mlp(d, hidden, act)
    i = idx % len(hidden)
    wider = Architecture.mlp(d, hidden[:i] + [hidden[i] + extra] + hidden[i + 1:], act)
    deeper = Architecture.mlp(d, hidden + [hidden[-1]], act)
    more_pieces = Architecture.mlp(d, hidden, (pieces + extra, degree))
    for f in (lambda a: bhlm.bhlm_vcdim(a).value, lambda a: bhlm.bhlm_pdim(a).value):
        if base.U > 2:
            for other in (wider, deeper, more_pieces):
                assert f(other) >= f(base)
    g = lambda a: bhlm.bhlm_vcdim_by_growth(a).value  # noqa: E731
    for other in (wider, deeper, more_pieces):
        assert g(other) >= g(base) - 1  # integer search: allow the rounding step


# ---------------------------------------------------------------- huge m, caching, validation
def _mp_log2_prod(c, m, dps=60):
    with mpmath.workdps(dps):
        return sum(1 + w * mpmath.log(2 * mpmath.e * mpmath.mpf(m) * k * c.p * f / w, 2)
                   for k, w, f in zip(c.widths, c.W_i, c.factors))


@pytest.mark.parametrize("m", [10**308, 10**309, 10**400, 10**5000, 2**20000 + 1],
                         ids=["1e308", "1e309", "1e400", "1e5000", "2^20000+1"])
def test_product_bound_for_ints_beyond_float_range(m):
    a = Architecture.parse("2,16,16,1")
    for c in (bhlm.counts(a), bhlm.augmented_counts(a)):
        got = bhlm.bhlm_log2_growth(c, m)
        assert math.isfinite(got)
        assert math.isclose(got, float(_mp_log2_prod(c, m)), rel_tol=1e-12)
    b = bhlm.bhlm_growth_bound(a, m, thresholded=True)
    assert b.ingredients["N"] == m and b.tag == "P"  # exact int kept
    assert int(b.to_dict()["ingredients"]["N_exact"], 0) == m  # decimal, or 0x... if huge


def test_log2_growth_const_matches_mpmath():
    for spec in ["1,10,1", "3,4,5,1", "2,1000,3,1"]:
        c = bhlm.augmented_counts(Architecture.parse(spec))
        with mpmath.workdps(50):
            want = sum(1 + w * mpmath.log(2 * mpmath.e * k * c.p * f / w, 2)
                       for k, w, f in zip(c.widths, c.W_i, c.factors))
        assert abs(c.log2_growth_const - float(want)) <= 1e-12 * max(1.0, abs(float(want)))


def test_counts_cached_and_json_friendly():
    a, b = Architecture.parse("1,10,1"), Architecture.parse("1,10,1")
    assert a == b and hash(a) == hash(b) and a is not b
    assert bhlm.counts(a) is bhlm.counts(b)                      # shared cache entry
    assert bhlm.augmented_counts(a) is bhlm.augmented_counts(b)
    d = bhlm.counts(a).to_dict()
    assert d["Lbar"] == 51 / 31 and d["Lbar_exact"] == "51/31"


@pytest.mark.parametrize("m,exc", [(0, ValueError), (-3, ValueError), (0.5, ValueError),
                                   (math.nan, ValueError), (math.inf, ValueError),
                                   ("100", TypeError), (True, TypeError), (None, TypeError)])
def test_bad_m_is_named(m, exc):
    c = bhlm.counts(Architecture.parse("1,10,1"))
    with pytest.raises(exc, match="m"):
        bhlm.bhlm_log2_growth(c, m)


def test_bad_arguments_are_named():
    a = Architecture.parse("1,10,1")
    with pytest.raises(TypeError, match="c must be BhlmCounts"):
        bhlm.bhlm_log2_growth(a, 100)
    with pytest.raises(ValueError, match="N >= L̄W"):
        bhlm.bhlm_growth_bound(a, 5)
    with pytest.raises(ValueError, match="N must be"):
        bhlm.bhlm_growth_bound(a, -5)
    with pytest.raises(TypeError, match="thresholded"):
        bhlm.bhlm_growth_bound(a, 10**6, thresholded=1)
    with pytest.raises(TypeError, match="thresholded"):
        bhlm.bhlm_vcdim_by_growth(a, thresholded="no")
    for fn in (bhlm.counts, bhlm.augmented_counts, bhlm.bhlm_vcdim, bhlm.bhlm_pdim,
               bhlm.bhlm_vcdim_by_growth):
        with pytest.raises(TypeError, match="arch"):
            fn([1, 10, 1])


def test_by_growth_returns_independent_copies():
    a = Architecture.parse("1,10,1")
    b = bhlm.bhlm_vcdim_by_growth(a)
    b.ingredients["m"] = -1
    assert bhlm.bhlm_vcdim_by_growth(a).ingredients["m"] == int(b.value) + 1


def test_closed_form_is_never_below_the_exact_value():
    """The float closed form is rounded upward: compare with mpmath at 60 digits."""
    import mpmath

    from approxbounds.capacity import Architecture
    from approxbounds.capacity.bhlm import bhlm_vcdim

    for spec in ["1,2,1", "1,10,1", "1,10,10,10,1", "2,16,16,1", "3,35x9,1", "8,1000x20,1"]:
        arch = Architecture.parse(spec)
        with mpmath.workdps(60):
            p, R = 1, sum(i * k for i, k in enumerate(arch.widths, start=1))
            # cumulative parameter counts W_i for nu = 1
            sizes = (arch.d_in,) + arch.widths
            per_layer = [(sizes[i] + 1) * sizes[i + 1] for i in range(len(arch.widths))]
            lbar_w = sum(sum(per_layer[: i + 1]) for i in range(len(per_layer)))
            arg = 4 * mpmath.e * p * R * mpmath.log(2 * mpmath.e * p * R, 2)
            exact = len(arch.widths) + lbar_w * mpmath.log(arg, 2)
        assert bhlm_vcdim(arch).value >= exact


@pytest.mark.parametrize("C,S,m0", [(0.0, 1.0, 1), (10.0, 3.0, 1), (100.5, 40.0, 40), (3.0, 0.0, 2),
                                    (1e4, 2e3, 5), (7.25, 120.0, 400), (-5.0, 2.0, 1)])
def test_log_linear_inversion_is_the_smallest_admissible_m(C, S, m0):
    """The growth inversion shared by the product bound and the recurrent counting: the
    smallest m >= m0 with m > (C + S log2 m)(1 + 1e-12) + 1e-9, checked by a linear scan."""
    m = bhlm.log_linear_inversion(C, S, m0)

    def ok(k):
        return k > (C + S * math.log2(k)) * (1 + 1e-12) + 1e-9

    assert m >= m0 and ok(m)
    assert not any(ok(k) for k in range(m0, m))
    with mpmath.workdps(40):   # and the margin is real: C + S log2 m < m at high precision
        assert C + S * mpmath.log(m, 2) < m
