"""Cached capacity constants: float fast path vs the capacity module vs mpmath."""
import math

import mpmath
import pytest

from approxbounds.capacity import Architecture, log2_growth_bound, vcdim_bound
from approxbounds.capacity.growth import growth_model

SPECS = ["1,2,1", "1,10,1", "2,16,16,1", "2,35x9,1", "3,100x3,1"]


@pytest.mark.parametrize("spec", SPECS)
@pytest.mark.parametrize("N", [5, 10**3, 10**6, 10**14, 10**29])
def test_fast_never_below_capacity_module_and_mp_agrees(spec, N):
    arch = Architecture.parse(spec)
    model = growth_model(arch)
    fast = model.fast(N)
    module = log2_growth_bound(arch, N, thresholded=True)
    # the module's candidates include ours except the Sauer closed form, which dominates
    # the exact Sauer sum: the module is never larger
    assert module.value <= fast.value * (1 + 1e-12) + 1e-9
    chosen = model.bound(N)
    assert chosen.value <= fast.value
    with mpmath.workdps(50):
        for b in (fast, chosen):
            mp = model.log2_growth_mp(b.method, N, b.ingredients)
            assert abs(mp - b.value) <= 1e-9 * max(1.0, abs(mp))


def test_product_bound_against_independent_formula():
    """BHLM product on the augmented net typed afresh from theory.md §2."""
    arch = Architecture.parse("2,16,16,1")
    N = 10**12
    c = growth_model(arch).aug
    with mpmath.workdps(40):
        ref = mpmath.fsum(1 + w * mpmath.log(2 * mpmath.e * N * k * c.p * f / w, 2)
                          for k, w, f in zip(c.widths, c.W_i, c.factors))
        got = growth_model(arch).log2_growth_mp("bhlm2019_product_augmented", N)
    assert abs(ref - got) < mpmath.mpf(10) ** -30
    # augmented network: one more layer of width 1 and one more parameter
    assert c.L == arch.L + 1 and c.W == arch.W + 1


@pytest.mark.parametrize("spec", SPECS)
def test_vcdim_mp_matches_capacity(spec):
    arch = Architecture.parse(spec)
    vc = vcdim_bound(arch)
    with mpmath.workdps(50):
        assert abs(growth_model(arch).vcdim_mp(vc) - vc.value) <= 1e-9 * vc.value


def test_finite_class_sizes():
    q = Architecture.parse("2,10,1", bits=3, quantize="all")
    model = growth_model(q)
    assert model.finite and model.size_mp() == 3 * q.W
    assert model.fast(10**9).method == "finite_class_count"
    mixed = Architecture.parse("2,10,1", bits=3)  # biases stay float
    mm = growth_model(mixed)
    assert not mm.finite and mm.size_bound is None
    b = mm.fast(10**9)
    assert b.method in ("finite_union", "bhlm2019_product_augmented", "sauer_shelah_closed_form")
    with pytest.raises(ValueError, match="not finite"):
        mm.size_mp()


def test_unknown_method_rejected():
    with pytest.raises(ValueError, match="no high-precision evaluator"):
        growth_model(Architecture.parse("1,10,1")).log2_growth_mp("goldberg_jerrum", 100)


def test_huge_N_is_finite():
    model = growth_model(Architecture.mlp(2, [10**6, 10**6]))
    b = model.fast(10**2000)
    assert math.isfinite(b.value) and b.method != "trivial"
