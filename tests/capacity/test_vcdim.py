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
