"""Property tests (hypothesis) of the capacity bounds: finiteness up to W ~ 1e12,
monotonicity in widths, depth, pieces and N, 1 <= L̄ <= L, log2 growth <= N, and the
Sauer-Shelah sum against mpmath."""
import math

import mpmath
from hypothesis import given, settings
from hypothesis import strategies as st

from approxbounds.capacity import (
    Architecture,
    bhlm_vcdim,
    log2_growth_bound,
    log2_sauer_sum,
    pdim_bound,
    vcdim_bound,
)
from approxbounds.capacity.sauer import ln_sauer_sum_detail

FAST = settings(max_examples=60, deadline=None)

small_widths = st.lists(st.integers(1, 40), min_size=1, max_size=6)
huge_widths = st.lists(st.integers(1, 10**6), min_size=1, max_size=9)
activations = st.sampled_from(["relu", "hard_threshold", (3, 1), (4, 2), (2, 3)])


def _arch(d, hidden, act="relu"):
    return Architecture.mlp(d, hidden, act)


@FAST
@given(d=st.integers(1, 10**6), hidden=huge_widths, act=activations,
       n=st.one_of(st.integers(1, 10**6), st.sampled_from([1e12, 1e20, 1e30])))
def test_bounds_finite_for_huge_networks(d, hidden, act, n):
    arch = _arch(d, hidden, act)
    assert arch.W <= 10**13
    vc, pd = vcdim_bound(arch), pdim_bound(arch)
    for b in (vc, pd):
        assert math.isfinite(b.value) and b.value > 0 and b.tag in ("V", "P")
    for thresholded in (False, True):
        g = log2_growth_bound(arch, n, thresholded=thresholded)
        assert math.isfinite(g.value) and 0 <= g.value <= n * (1 + 1e-12)


@FAST
@given(d=st.integers(1, 20), hidden=small_widths, act=activations)
def test_lbar_between_one_and_L(d, hidden, act):
    arch = _arch(d, hidden, act)
    assert 1 <= arch.Lbar <= arch.L
    assert sum(arch.W_i) == arch.Lbar * arch.W
    # R <= U + U (L-1) nu^(L-1) (BHLM Thm 7), with equality for one layer
    assert arch.U <= arch.R <= arch.U + arch.U * (arch.L - 1) * arch.degree ** (arch.L - 1)


@FAST
@given(d=st.integers(1, 20), hidden=small_widths, act=activations,
       data=st.data())
def test_non_decreasing_in_widths(d, hidden, act, data):
    i = data.draw(st.integers(0, len(hidden) - 1))
    extra = data.draw(st.integers(1, 50))
    small = _arch(d, hidden, act)
    bigger = hidden.copy()
    bigger[i] += extra
    big = _arch(d, bigger, act)
    if small.U > 2:  # Thm 7 closed form applies to both
        assert bhlm_vcdim(big).value >= bhlm_vcdim(small).value
    assert vcdim_bound(big).value >= vcdim_bound(small).value - 1e-9
    assert pdim_bound(big).value >= pdim_bound(small).value - 1e-9
    n = data.draw(st.integers(1, 10**5))
    for thr in (False, True):
        assert (log2_growth_bound(big, n, thresholded=thr).value
                >= log2_growth_bound(small, n, thresholded=thr).value - 1e-9)
    # wider input too
    wide_in = _arch(d + extra, hidden, act)
    assert vcdim_bound(wide_in).value >= vcdim_bound(small).value - 1e-9


@FAST
@given(d=st.integers(1, 20), hidden=small_widths, act=activations, data=st.data())
def test_non_decreasing_in_depth(d, hidden, act, data):
    # insert a hidden layer at least as wide as the layer feeding it (a narrower one is a
    # bottleneck that removes parameters, so no monotonicity is expected there)
    pos = data.draw(st.integers(0, len(hidden)))
    feeding = ([d] + hidden)[pos]
    k = data.draw(st.integers(feeding, feeding + 40))
    small = _arch(d, hidden, act)
    big = _arch(d, hidden[:pos] + [k] + hidden[pos:], act)
    if small.U > 2:
        assert bhlm_vcdim(big).value >= bhlm_vcdim(small).value
    assert vcdim_bound(big).value >= vcdim_bound(small).value - 1e-9
    assert pdim_bound(big).value >= pdim_bound(small).value - 1e-9


@FAST
@given(d=st.integers(1, 20), k=st.integers(1, 30), depth=st.integers(1, 10), act=activations)
def test_uniform_width_family_non_decreasing_in_depth(d, k, depth, act):
    small, big = _arch(d, [k] * depth, act), _arch(d, [k] * (depth + 1), act)
    assert vcdim_bound(big).value >= vcdim_bound(small).value - 1e-9
    assert pdim_bound(big).value >= pdim_bound(small).value - 1e-9
    assert (log2_growth_bound(big, 10**6).value
            >= log2_growth_bound(small, 10**6).value - 1e-9)


@FAST
@given(d=st.integers(1, 20), hidden=small_widths, pieces=st.integers(2, 50),
       extra=st.integers(1, 50), degree=st.integers(0, 4))
def test_non_decreasing_in_pieces(d, hidden, pieces, extra, degree):
    small = _arch(d, hidden, (pieces, degree))
    big = _arch(d, hidden, (pieces + extra, degree))
    if small.U > 2:
        assert bhlm_vcdim(big).value >= bhlm_vcdim(small).value
    assert vcdim_bound(big).value >= vcdim_bound(small).value - 1e-9
    assert pdim_bound(big).value >= pdim_bound(small).value - 1e-9


@FAST
@given(d=st.integers(1, 20), hidden=small_widths, act=activations,
       n=st.integers(1, 10**7), extra=st.integers(1, 10**7))
def test_growth_at_most_N_and_non_decreasing_in_N(d, hidden, act, n, extra):
    arch = _arch(d, hidden, act)
    for thr in (False, True):
        a = log2_growth_bound(arch, n, thresholded=thr).value
        b = log2_growth_bound(arch, n + extra, thresholded=thr).value
        assert a <= n * (1 + 1e-12)             # never more than 2^N label vectors
        assert b >= a - 1e-9
        # consistency: a growth bound below 2^n certifies that no n points are shattered,
        # so then the dimension bound must be below n as well
        dim = (pdim_bound if thr else vcdim_bound)(arch).value
        if n <= math.floor(dim):
            assert a >= n * (1 - 1e-12)


@FAST
@given(n=st.one_of(st.integers(0, 3000), st.integers(10**6, 10**30)),
       v=st.integers(0, 150))
def test_sauer_sum_against_mpmath(n, v):
    with mpmath.workdps(len(str(n)) + 40):
        total = mpmath.mpf(0)
        for i in range(min(n, v) + 1):
            total += mpmath.binomial(n, i)
        want = mpmath.log(total, 2)
        got = log2_sauer_sum(n, v)
        _, exact = ln_sauer_sum_detail(n, v)
        assert exact  # short side <= 150 terms: summed exactly
        assert got >= want                     # rounded upward, never below
        assert got - want <= 1e-12 * max(1.0, float(want))
