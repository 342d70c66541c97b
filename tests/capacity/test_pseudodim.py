import itertools

import numpy as np

from approxbounds.capacity import Architecture, pdim_bound, vcdim_bound


def test_pdim_at_least_vc_and_tagged_P():
    for spec in ["1,2,1", "1,10,1", "2,16,16,1", "1,1"]:
        a = Architecture.parse(spec)
        p, v = pdim_bound(a), vcdim_bound(a)
        assert p.tag == "P" and p.quantity == "pdim"
        assert p.value >= v.value


def test_pdim_not_below_a_shattered_set():
    # Pdim of 1-hidden-unit ReLU nets on R: g(x) = a relu(w x + b) + c.  A witnessed
    # shattering of 2 points (x, t) is found by a search (g is monotone, so 3 points with
    # one threshold cannot be shattered); the bound must be >= 2.
    xs = np.array([0.0, 1.0])
    ts = np.array([0.5, 0.5])
    grid = np.linspace(-2, 2, 9)
    seen = set()
    for a_, w, b, c in itertools.product(grid, grid, grid, grid):
        g = a_ * np.maximum(w * xs + b, 0) + c
        seen.add(tuple(g > ts))
    assert len(seen) == 4
    assert pdim_bound(Architecture.parse("1,1,1")).value >= 2


def test_finite_pdim():
    a = Architecture.parse("2,3,1", bits=2, quantize="all")
    assert pdim_bound(a).value == 2 * a.W


def test_cached_equals_cold_and_copies_are_independent():
    import pytest

    from approxbounds.capacity import clear_caches
    from approxbounds.capacity.pseudodim import pdim_candidates

    a = Architecture.parse("2,16,16,1")
    warm = pdim_bound(a)
    clear_caches()
    cold = pdim_bound(Architecture.parse("2,16,16,1"))
    assert warm == cold and warm is not cold
    cands, skipped = pdim_candidates(a)
    cands[0].ingredients.clear()
    skipped["x"] = "y"
    again, skipped2 = pdim_candidates(a)
    assert again[0].ingredients and "x" not in skipped2
    with pytest.raises(TypeError, match="arch"):
        pdim_bound("2,16,16,1")
    with pytest.raises(TypeError, match="arch"):
        pdim_candidates(None)
    for _ in range(2):  # errors are not cached away
        with pytest.raises(ValueError, match="output width"):
            pdim_bound(Architecture.mlp(1, [3], out=2))
