"""The gradient checker itself: it must pass correct code and catch wrong code."""
import numpy as np
import pytest

from approxbounds.nn.base import Layer, Sequential
from approxbounds.nn.gradcheck import check_layer_gradients, check_loss_gradient, numeric_gradient
from approxbounds.nn.layers import Dense
from approxbounds.nn.quantizers import KBit


class Cube(Layer):
    kind = "test_cube"

    def __init__(self, wrong_dx=False, wrong_dw=False):
        self.wrong_dx, self.wrong_dw = wrong_dx, wrong_dw

    def init(self, rng, dtype=np.float64):
        return {"w": rng.standard_normal(3).astype(dtype)}

    def forward(self, params, x):
        return params["w"] * x ** 3, x

    def backward(self, params, cache, dy):
        x = cache
        dx = dy * params["w"] * (2 if self.wrong_dx else 3) * x ** 2
        dw = (dy * x ** 3).reshape(-1, 3).sum(0) * (1.01 if self.wrong_dw else 1)
        return dx, {"w": dw}


def test_numeric_gradient_of_quadratic_is_exact_to_rounding(rng):
    a = rng.standard_normal(5)
    v = rng.standard_normal(5)
    g = numeric_gradient(lambda: float(np.sum(a * v ** 2)), v, 1e-5)
    np.testing.assert_allclose(g, 2 * a * v, rtol=1e-8)


def test_numeric_gradient_probes_only_requested_entries(rng):
    v = rng.standard_normal(6)
    g = numeric_gradient(lambda: float(np.sum(v)), v, 1e-6, idx=[1, 4])
    assert np.isnan(g[[0, 2, 3, 5]]).all()
    np.testing.assert_allclose(g[[1, 4]], 1.0, rtol=1e-8)


def test_correct_layer_passes(rng):
    res = check_layer_gradients(Cube(), rng.standard_normal((4, 3)), rng)
    assert res.ok and res.n_checked == {"x": 12, "w": 3}
    assert res.max_abs_err["x"] < 1e-7


@pytest.mark.parametrize("kw,tensor", [({"wrong_dx": True}, "x"), ({"wrong_dw": True}, "w")])
def test_wrong_gradients_are_caught(kw, tensor, rng):
    with pytest.raises(AssertionError, match="gradient check failed"):
        check_layer_gradients(Cube(**kw), rng.standard_normal((4, 3)), rng)
    res = check_layer_gradients(Cube(**kw), rng.standard_normal((4, 3)), rng, raise_on_failure=False)
    assert not res.ok and res.max_rel_err[tensor] > 1e-3


def test_wrong_gradient_inside_sequential_is_caught(rng):
    seq = Sequential([Dense(3, 3), Cube(wrong_dw=True)])
    with pytest.raises(AssertionError, match="001/w"):
        check_layer_gradients(seq, rng.standard_normal((2, 3)), rng)


def test_max_entries_subsamples(rng):
    res = check_layer_gradients(Dense(6, 5), rng.standard_normal((4, 6)), rng, max_entries=7)
    assert res.n_checked == {"x": 7, "W": 7, "b": 5}


def test_ste_check_catches_a_missing_gate(rng):
    """A Dense whose backward forgets the gate of a gated quantizer must fail the check."""

    class NoGate(Dense):
        def backward(self, params, cache, dy):
            x, wq, _ = cache
            dx, g = super().backward(params, cache, dy)
            g["W"] = x.reshape(-1, self.n_in).T @ dy.reshape(-1, self.n_out)
            return dx, g

    q = KBit(2, alpha=0.2, ste="gated")
    x = rng.standard_normal((5, 3))
    params = {"W": rng.uniform(-1, 1, (3, 2)), "b": np.zeros(2)}
    check_layer_gradients(Dense(3, 2, quantizer=q), x, rng, params=params)
    with pytest.raises(AssertionError, match="W"):
        check_layer_gradients(NoGate(3, 2, quantizer=q), x, rng, params=params)


def test_loss_check_catches_wrong_gradient(rng):
    def half_grad_mse(y, t):
        return float(np.mean((y - t) ** 2)), (y - t) / y.size

    y, t = rng.standard_normal(5), rng.standard_normal(5)
    with pytest.raises(AssertionError, match="loss gradient check failed"):
        check_loss_gradient(half_grad_mse, y, t)


def test_bad_arguments(rng):
    with pytest.raises(ValueError, match="eps must lie in"):
        check_layer_gradients(Cube(), np.zeros((1, 3)), rng, eps=0.0)
    with pytest.raises(ValueError, match="dtype"):
        check_layer_gradients(Cube(), np.zeros((1, 3)), rng, dtype=np.int32)

