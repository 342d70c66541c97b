import pytest

from approxbounds.checks.clipping import check_clipping


def test_clipping_results(by_name):
    pointwise, separation = by_name["clipping"]
    assert pointwise.passed and separation.passed
    assert pointwise.numbers["max_pointwise_excess"] <= 0.0
    assert 0.05 < pointwise.numbers["fraction_clipped"] < 1.0   # clipping actually happened
    for p in (1, 2, 4):
        assert pointwise.numbers[f"max_ratio_L{p}"] <= 1.0
    assert separation.numbers["min_clipped_distance"] > separation.numbers["eps_half"]
    assert separation.numbers["pairs"] > 20


def test_other_seed_also_passes():
    assert all(r.passed for r in check_clipping(seed=7, n_functions=50, n_points=33))


@pytest.mark.parametrize("kw", [{"n_functions": 1}, {"n_points": 0}, {"seed": -2}])
def test_bad_arguments(kw):
    with pytest.raises(ValueError):
        check_clipping(**kw)
