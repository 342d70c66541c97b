"""Tests of approxbounds.nn.orthogonal: Björck (forward, exact backward), projections, Cayley, defects."""
import numpy as np
import pytest

from approxbounds.nn.gradcheck import numeric_gradient
from approxbounds.nn.orthogonal import (
    Bjorck, bjorck, cayley, cayley_grad, orthogonality_defect, polar_projection,
    power_iteration_sigma_max, qr_projection, random_orthogonal, skew,
)


def _central_diff_matrix(fn, v, eps=1e-6):
    v = np.array(v, dtype=np.float64, copy=True)
    return numeric_gradient(lambda: fn(v), v, eps)


# ----------------------------------------------------------------- defects
def test_defect_zero_for_identity_and_known_value():
    assert orthogonality_defect(np.eye(5)) == 0.0
    assert orthogonality_defect(np.eye(5), norm="spectral") == 0.0
    q = np.diag([1.0, 2.0, 1.0])          # QᵀQ - I = diag(0, 3, 0)
    assert orthogonality_defect(q) == pytest.approx(3.0, rel=1e-15)
    assert orthogonality_defect(q, norm="spectral") == pytest.approx(3.0, rel=1e-15)
    q2 = np.diag([0.0, 2.0])              # diag(-1, 3): Frobenius sqrt(10), spectral 3
    assert orthogonality_defect(q2) == pytest.approx(np.sqrt(10.0), rel=1e-15)
    assert orthogonality_defect(q2, norm="spectral") == pytest.approx(3.0, rel=1e-15)


def test_defect_bad_input():
    with pytest.raises(ValueError, match="norm"):
        orthogonality_defect(np.eye(3), norm="nuclear")
    with pytest.raises(ValueError, match="rows"):
        orthogonality_defect(np.ones((2, 3)))
    with pytest.raises(ValueError, match="NaN"):
        orthogonality_defect(np.array([[np.nan]]))
    with pytest.raises(TypeError, match="float32 or float64"):
        orthogonality_defect(np.eye(3, dtype=int))
    with pytest.raises(ValueError, match="2-D"):
        orthogonality_defect(np.ones(3))


# ----------------------------------------------------------------- projections
@pytest.mark.parametrize("shape", [(6, 6), (7, 4)])
def test_polar_projection_is_orthogonal_and_nearest(rng, shape):
    w = rng.standard_normal(shape)
    p = polar_projection(w)
    assert orthogonality_defect(p) < 1e-13
    # nearest: no other orthonormal-column matrix we try is closer in Frobenius norm
    d = np.linalg.norm(w - p)
    for _ in range(20):
        q = qr_projection(rng.standard_normal(shape))
        assert np.linalg.norm(w - q) >= d - 1e-12
    assert np.linalg.norm(w - qr_projection(w)) >= d - 1e-12
    # symmetric positive semi-definite factor: pᵀw = (wᵀw)^{1/2}
    h = p.T @ w
    np.testing.assert_allclose(h, h.T, atol=1e-12)
    assert np.linalg.eigvalsh((h + h.T) / 2).min() > -1e-12


def test_qr_projection_orthogonal_unique_sign(rng):
    w = rng.standard_normal((5, 5)).astype(np.float32)
    q = qr_projection(w)
    assert q.dtype == np.float32
    assert orthogonality_defect(q) < 1e-5
    r = q.T.astype(np.float64) @ w.astype(np.float64)   # upper triangular with diag >= 0
    np.testing.assert_allclose(np.tril(r, -1), 0, atol=1e-5)
    assert np.all(np.diag(r) > 0)
    # already orthogonal with positive R diagonal: fixed point
    q64 = qr_projection(rng.standard_normal((4, 4)))
    np.testing.assert_allclose(qr_projection(q64), q64, atol=1e-14)
    with pytest.raises(ValueError, match="rows"):
        qr_projection(np.ones((2, 3)))


def test_random_orthogonal(rng):
    q = random_orthogonal(rng, 8)
    assert orthogonality_defect(q) < 1e-13
    with pytest.raises(ValueError, match="n"):
        random_orthogonal(rng, 0)


# ----------------------------------------------------------------- power iteration
def test_power_iteration_converges_to_sigma_max(rng):
    w = rng.standard_normal((9, 6))
    s = np.linalg.svd(w, compute_uv=False)
    est = power_iteration_sigma_max(w, iters=500)
    assert est == pytest.approx(s[0], rel=1e-10)
    # a lower bound at every iteration count
    for k in range(0, 6):
        assert power_iteration_sigma_max(w, iters=k) <= s[0] * (1 + 1e-12)


def test_power_iteration_bad_start():
    w = np.diag([1.0, 0.0])
    with pytest.raises(ValueError, match="null space"):
        power_iteration_sigma_max(w, iters=3, v0=[0.0, 1.0])
    with pytest.raises(ValueError, match="v0"):
        power_iteration_sigma_max(w, iters=3, v0=[1.0, 0.0, 0.0])


# ----------------------------------------------------------------- Björck
@pytest.mark.parametrize("scale", ["power", "fro"])
def test_bjorck_converges_to_polar_factor(rng, scale):
    v = rng.standard_normal((8, 8)) + 3 * np.eye(8)   # well conditioned
    w = Bjorck(iters=60, scale=scale, power_iters=50)(v)
    assert orthogonality_defect(w) < 1e-12
    np.testing.assert_allclose(w, polar_projection(v), atol=1e-11)


def test_bjorck_rectangular_and_float32(rng):
    v = (rng.standard_normal((10, 6)) + np.eye(10, 6) * 3).astype(np.float32)
    w = bjorck(v, iters=40, power_iters=30)
    assert w.dtype == np.float32
    assert orthogonality_defect(w) < 1e-5


def test_bjorck_fixed_point_for_orthogonal_input(rng):
    q = random_orthogonal(rng, 6)
    np.testing.assert_allclose(Bjorck(iters=15)(q), q, atol=1e-12)


@pytest.mark.parametrize("scale", ["power", "fro", "none"])
@pytest.mark.parametrize("shape", [(5, 5), (6, 4)])
def test_bjorck_backward_matches_central_differences(rng, scale, shape):
    # few iterations on purpose: the gradient must be that of the function computed,
    # not of the converged polar factor
    bj = Bjorck(iters=4, scale=scale, power_iters=3)
    v = rng.standard_normal(shape) * (0.4 if scale == "none" else 1.0)
    r = rng.standard_normal(shape)
    w, cache = bj.forward(v)
    dv = bj.backward(cache, r)
    num = _central_diff_matrix(lambda m: float(np.sum(bj(m) * r)), v)
    np.testing.assert_allclose(dv, num, rtol=1e-6, atol=1e-8)


def test_bjorck_validation():
    with pytest.raises(ValueError, match="beta"):
        Bjorck(beta=0.0)
    with pytest.raises(ValueError, match="scale"):
        Bjorck(scale="spectral")
    with pytest.raises(ValueError, match="iters"):
        Bjorck(iters=-1)
    with pytest.raises(ValueError, match="zero"):
        Bjorck(scale="fro")(np.zeros((3, 3)))
    with pytest.raises(ValueError, match="diverged"):
        Bjorck(scale="none", iters=30)(np.eye(3) * 10.0)
    with pytest.raises(ValueError, match="dw"):
        bj = Bjorck(iters=2)
        _, c = bj.forward(np.eye(3))
        bj.backward(c, np.ones((2, 2)))
    assert Bjorck.from_config(Bjorck(iters=3, beta=0.25).config()) == Bjorck(iters=3, beta=0.25)


# ----------------------------------------------------------------- Cayley
def test_cayley_orthogonal_for_skew(rng):
    a = skew(rng.standard_normal((7, 7)))
    q = cayley(a)
    assert orthogonality_defect(q) < 1e-12
    # inverse map: A = (Q - I)(Q + I)^{-1}
    i = np.eye(7)
    np.testing.assert_allclose((q - i) @ np.linalg.inv(q + i), a, atol=1e-12)
    np.testing.assert_allclose(cayley(np.zeros((3, 3))), np.eye(3))


def test_cayley_grad_matches_central_differences(rng):
    a = 0.5 * rng.standard_normal((5, 5))        # general A: the gradient formula holds for any A
    g = rng.standard_normal((5, 5))
    num = _central_diff_matrix(lambda m: float(np.sum(cayley(m) * g)), a)
    np.testing.assert_allclose(cayley_grad(a, g), num, rtol=1e-6, atol=1e-8)
    # skew parametrisation A = skew(X): chain rule is skew() of the gradient
    x = rng.standard_normal((5, 5))
    num_x = _central_diff_matrix(lambda m: float(np.sum(cayley(skew(m)) * g)), x)
    np.testing.assert_allclose(skew(cayley_grad(skew(x), g)), num_x, rtol=1e-6, atol=1e-8)


def test_cayley_singular():
    with pytest.raises(ValueError, match="singular"):
        cayley(np.eye(3))
    with pytest.raises(ValueError, match="square"):
        cayley(np.ones((2, 3)))
    with pytest.raises(ValueError, match="dq"):
        cayley_grad(np.zeros((3, 3)), np.ones((2, 2)))
