import mpmath
import numpy as np
import pytest

from approxbounds.checks.piecewise_linear import (lp_distances, merge_grid, segment_lp_p,
                                                  sup_distances)


@pytest.mark.parametrize("a,b,p", [(1.0, -2.0, 1), (0.3, 0.7, 2), (-0.2, 0.5, 4), (0.0, 0.0, 3),
                                   (0.5, 0.5, 2), (-1e-3, 2e-3, 1)])
def test_segment_integral_vs_mpmath(a, b, p):
    pts = [0, abs(a) / (abs(a) + abs(b)), 1] if a * b < 0 else [0, 1]
    exact = mpmath.quad(lambda t: abs(a + (b - a) * t) ** p, pts)
    assert float(segment_lp_p(a, b, 1.0, p)) == pytest.approx(float(exact), rel=1e-13, abs=1e-300)


def test_lp_and_sup_distances_vs_mpmath():
    rng = np.random.default_rng(1)
    grid = merge_grid(rng.uniform(size=6))
    F = rng.normal(size=(3, grid.size))
    G = rng.normal(size=(2, grid.size))
    for p in (1, 2, 4):
        D = lp_distances(F, G, grid, p)
        for i in range(3):
            for j in range(2):
                e = lambda x: np.interp(x, grid, F[i] - G[j])  # noqa: E731
                exact = mpmath.quad(lambda x: abs(float(e(float(x)))) ** p,
                                    list(grid) + [], maxdegree=8) ** (1.0 / p)
                assert D[i, j] == pytest.approx(float(exact), rel=1e-6)
    S = sup_distances(F, G)
    xs = np.linspace(0, 1, 20001)
    dense = max(np.abs(np.interp(xs, grid, F[0] - G[1])))
    assert S[0, 1] >= dense - 1e-15 and S[0, 1] == pytest.approx(dense, rel=1e-3)


def test_merge_grid_and_errors():
    g = merge_grid([0.5, 1.5, -1, 0.25], [0.5])
    assert g.tolist() == [0.0, 0.25, 0.5, 1.0]
    with pytest.raises(ValueError, match="column"):
        lp_distances(np.zeros((1, 3)), np.zeros((1, 4)), np.linspace(0, 1, 3), 2)
    with pytest.raises(ValueError, match="increasing"):
        lp_distances(np.zeros((1, 3)), np.zeros((1, 3)), np.array([0.0, 0.5, 0.5]), 2)
    with pytest.raises(ValueError, match="p"):
        lp_distances(np.zeros((1, 2)), np.zeros((1, 2)), np.array([0.0, 1.0]), 0)
