import pytest

from approxbounds.capacity import Architecture, vcdim_bound


def test_best_is_min_of_certified_candidates():
    a = Architecture.parse("1,10,1")
    b = vcdim_bound(a)
    cands = b.ingredients["candidates"]
    assert set(cands) == {"bhlm2019_thm7", "bhlm2019_growth_inversion"}
    assert b.value == min(cands.values()) and b.certified
    assert b.value <= 492.59


def test_small_network_reports_why_thm7_skipped():
    b = vcdim_bound(Architecture.parse("2,1,1"))
    assert "bhlm2019_thm7" in b.ingredients["not_applicable"]
    # sgn of a one-hidden-unit ReLU net on R^2: VCdim >= 3 (contains halfplanes through
    # the ReLU's linear region), so any valid bound is >= 3
    assert b.value >= 3


def test_finite_class_wins_when_tiny():
    a = Architecture.parse("1,10,1", bits=1, quantize="all")
    b = vcdim_bound(a)
    assert b.method == "finite_class_count" and b.value == a.W


def test_type_errors():
    with pytest.raises(TypeError):
        vcdim_bound("1,10,1")


def test_cached_equals_cold_and_copies_are_independent():
    from approxbounds.capacity import cache_info, clear_caches
    from approxbounds.capacity.vcdim import vcdim_candidates

    clear_caches()
    a = Architecture.parse("1,10,10,10,1")
    cold = vcdim_bound(a)
    warm = vcdim_bound(Architecture.parse("1,10,10,10,1"))
    assert cold == warm and cold is not warm
    info = cache_info()["approxbounds.capacity.vcdim.cached_vcdim_bound"]
    assert info.hits == 1 and info.misses == 1
    warm.ingredients["candidates"]["fake"] = 0.0
    assert "fake" not in vcdim_bound(a).ingredients["candidates"]
    with pytest.raises(TypeError, match="arch"):
        vcdim_candidates([1, 10, 1])
    for _ in range(2):
        with pytest.raises(ValueError, match="output width"):
            vcdim_bound(Architecture.mlp(1, [3], out=2))
