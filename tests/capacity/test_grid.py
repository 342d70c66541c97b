import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from approxbounds.capacity import Architecture, bhlm_vcdim, bhlm_vcdim_by_growth, bhlm_vcdim_grid, evaluate, vcdim_bound
from approxbounds.capacity.grid import uniform_mlp


@pytest.mark.parametrize("pieces,degree", [(2, 1), (2, 0), (1, 1), (3, 2), (5, 4)])
def test_grid_matches_scalar(pieces, degree):
    k = np.arange(1, 8)[:, None]
    h = np.arange(1, 7)[None, :]
    grid = bhlm_vcdim_grid(2, k, h, pieces, degree)
    assert grid.shape == (7, 6)
    for i, kk in enumerate(k[:, 0]):
        for j, hh in enumerate(h[0]):
            if kk * hh < 2:
                s = bhlm_vcdim_by_growth(uniform_mlp(2, 1, 1, pieces, degree)).value
                assert grid[i, j] == s
                continue
            s = bhlm_vcdim(uniform_mlp(2, int(kk), int(hh), pieces, degree)).value
            assert math.isclose(grid[i, j], s, rel_tol=1e-12), (kk, hh)


def test_reference_and_errors():
    assert abs(bhlm_vcdim_grid(1, 10, 1) - 492.58) < 0.01
    with pytest.raises(ValueError, match="U"):
        bhlm_vcdim_grid(1, [1, 2], 1, small_u="raise")
    with pytest.raises(ValueError, match="widths"):
        bhlm_vcdim_grid(1, [0, 2], 1)
    with pytest.raises(TypeError):
        bhlm_vcdim_grid(1, [1.5], 2)


def test_large_degree_no_overflow():
    v = bhlm_vcdim_grid(1, 10, 2000, pieces=3, degree=8)
    assert np.isfinite(v)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 10**6), st.integers(1, 10**6), st.integers(1, 5))
def test_grid_finite_up_to_W_1e12(d, k, h):
    if h * k < 2:
        return
    v = bhlm_vcdim_grid(d, k, h)
    assert np.isfinite(v) and v > 0


def test_evaluate():
    archs = [Architecture.parse(s) for s in ["1,2,1", "1,10,1"]]
    out = evaluate(archs)
    assert [b.value for b in out] == [vcdim_bound(a).value for a in archs]
    with pytest.raises(TypeError):
        evaluate(["1,2,1"])


@pytest.mark.parametrize("block", [1, 7, 64, 1 << 16])
def test_blocked_evaluation_equals_one_vectorised_pass(monkeypatch, block):
    """The grid is evaluated in blocks of GRID_BLOCK entries over the broadcast inputs; the
    result must not depend on the block size (bitwise), including U <= 2 entries."""
    from approxbounds.capacity import grid as grid_mod
    from approxbounds.capacity.activation import Activation
    d = np.array([1, 3, 8])[:, None, None]
    k = np.arange(1, 12)[None, :, None]
    h = np.arange(1, 6)[None, None, :]
    for pieces, degree in [(2, 1), (2, 0), (3, 2)]:
        monkeypatch.setattr(grid_mod, "GRID_BLOCK", 1 << 20)
        ref = bhlm_vcdim_grid(d, k, h, pieces, degree)
        bp = float(Activation.from_pieces(pieces, degree).bhlm_p)
        full = grid_mod._bhlm_closed_form(*np.broadcast_arrays(d * 1.0, k * 1.0, h * 1.0), degree, bp)
        monkeypatch.setattr(grid_mod, "GRID_BLOCK", block)
        got = bhlm_vcdim_grid(d, k, h, pieces, degree)
        assert got.shape == (3, 11, 5) and got.dtype == np.float64
        np.testing.assert_array_equal(got, ref)
        closed = (k * h >= 2) & np.ones(got.shape, bool)
        np.testing.assert_array_equal(got[closed], np.broadcast_to(full, got.shape)[closed])
    assert bhlm_vcdim_grid(2, np.ones((0, 3), int), 1).shape == (0, 3)
    assert isinstance(bhlm_vcdim_grid(1, 10, 1), np.float64)
