"""Activation values, the capacity vocabulary (pieces, degree) and the bare-function API."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from approxbounds.nn.activations import (ACTIVATION_NAMES, HardThreshold, Identity, LeakyReLU, ModReLU,
                                         PiecewisePolynomial, ReLU, Tanh, act_backward, act_forward,
                                         get_activation, modrelu_backward, modrelu_forward, piecewise_linear)

# scalar reference formulas written independently of the vectorised code
SCALAR = {
    "relu": (lambda z: max(z, 0.0), lambda z: 1.0 if z > 0 else 0.0),
    "leaky_relu": (lambda z: z if z > 0 else 0.01 * z, lambda z: 1.0 if z > 0 else 0.01),
    "tanh": (math.tanh, lambda z: 1 - math.tanh(z) ** 2),
    "identity": (lambda z: z, lambda z: 1.0),
    "hard_threshold": (lambda z: 1.0 if z >= 0 else 0.0, lambda z: 0.0),
}


@pytest.mark.parametrize("name", sorted(SCALAR))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_act_forward_backward_match_scalar_formulas(name, dtype, rng):
    z = rng.uniform(-3, 3, 50).astype(dtype)
    z[:3] = [0.0, -0.0, 1.0]
    da = rng.standard_normal(50).astype(dtype)
    a, aux = act_forward(name, z)
    dz = act_backward(name, aux, da)
    f, df = SCALAR[name]
    tol = 1e-6 if dtype == np.float32 else 1e-14
    np.testing.assert_allclose(a, [f(float(v)) for v in z], rtol=tol, atol=tol)
    np.testing.assert_allclose(dz, [d * df(float(v)) for v, d in zip(z, da)], rtol=tol, atol=tol)
    assert a.dtype == dtype and dz.dtype == dtype


@pytest.mark.parametrize("name", sorted(SCALAR))
def test_layers_agree_with_bare_functions(name, rng):
    layer = get_activation(name)
    z = rng.standard_normal((3, 4))
    a, aux = act_forward(name, z)
    y, cache = layer.forward({}, z)
    np.testing.assert_array_equal(y, a)
    da = rng.standard_normal(z.shape)
    np.testing.assert_array_equal(layer.backward({}, cache, da)[0], act_backward(name, aux, da))


def test_leaky_relu_slope_is_passed():
    a, aux = act_forward("leaky_relu", np.array([-2.0, 3.0]), slope=0.25)
    np.testing.assert_array_equal(a, [-0.5, 3.0])
    np.testing.assert_array_equal(act_backward("leaky_relu", aux, np.ones(2)), [0.25, 1.0])


@pytest.mark.parametrize("layer,pieces,degree", [
    (ReLU(), 2, 1), (LeakyReLU(0.1), 2, 1), (LeakyReLU(1.0), 2, 1), (Identity(), 1, 1),
    (HardThreshold(), 2, 0), (Tanh(), None, None), (ModReLU(3), 3, 1),
    (piecewise_linear([0], [0, 1]), 2, 1),
    (PiecewisePolynomial([-1, 0, 2], [[0, 0, 0, 1], [1, 0, 0, 0], [0, 2, 0, 0], [0, 0, 0, 0]]), 4, 3),
    (PiecewisePolynomial([0], [[0, 1, 0, 0], [1, 0, 0, 0]]), 2, 1),   # trailing zero columns ignored
    (PiecewisePolynomial([], [[0, 0]]), 1, 0),
])
def test_pieces_and_degree_vocabulary(layer, pieces, degree):
    assert (layer.pieces, layer.degree) == (pieces, degree)


def test_piecewise_linear_reproduces_relu_leaky_and_hardtanh(rng):
    z = rng.uniform(-3, 3, 200)
    np.testing.assert_array_equal(piecewise_linear([0], [0, 1])({}, z), np.maximum(z, 0))
    np.testing.assert_allclose(piecewise_linear([0], [0.1, 1])({}, z), np.where(z > 0, z, 0.1 * z), rtol=1e-15)
    np.testing.assert_allclose(piecewise_linear([-1, 1], [0, 1, 0], first_intercept=-1)({}, z),
                               np.clip(z, -1, 1), rtol=1e-15, atol=1e-15)


def test_piecewise_polynomial_discontinuous_values_and_right_convention():
    act = PiecewisePolynomial([0.0, 1.0], [[1, 1, 0], [5, 0, 2], [0, 0, -1]])
    z = np.array([-2.0, 0.0, 0.5, 1.0, 3.0])
    # piece 0: 1 + z ; piece 1: 5 + 2 z^2 (on [0, 1)) ; piece 2: -z^2 (on [1, inf))
    np.testing.assert_allclose(act({}, z), [-1.0, 5.0, 5.5, -1.0, -9.0], rtol=1e-15)
    y, cache = act.forward({}, z)
    np.testing.assert_allclose(act.backward({}, cache, np.ones(5))[0], [1.0, 0.0, 2.0, -2.0, -6.0], rtol=1e-15)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-3, 3), min_size=3, max_size=3, unique=True),
       st.lists(st.floats(-2, 2), min_size=12, max_size=12), st.floats(-4, 4))
def test_piecewise_polynomial_matches_numpy_polyval(bps, coef, z0):
    bps = sorted(bps)
    co = np.array(coef).reshape(4, 3)
    act = PiecewisePolynomial(bps, co)
    piece = sum(z0 >= b for b in bps)
    expected = np.polynomial.polynomial.polyval(z0, co[piece])
    np.testing.assert_allclose(act({}, np.array([z0]))[0], expected, rtol=1e-12, atol=1e-12)


def test_modrelu_formula_and_beta_gradient(rng):
    z = rng.uniform(-2, 2, (6, 3))
    beta = np.array([-0.5, 0.0, 0.7])
    a, s = modrelu_forward(z, beta)
    expected = np.sign(z) * np.maximum(np.abs(z) + beta, 0)
    np.testing.assert_array_equal(a, expected)
    da = rng.standard_normal(z.shape)
    dz, db = modrelu_backward(s, da)
    live = (np.abs(z) + beta) > 0
    np.testing.assert_array_equal(dz, da * live)
    np.testing.assert_array_equal(db, da * np.sign(z) * live)
    # the layer sums the elementwise β-gradient over the batch
    layer = ModReLU(3)
    y, cache = layer.forward({"beta": beta}, z)
    np.testing.assert_allclose(layer.backward({"beta": beta}, cache, da)[1]["beta"], db.sum(axis=0), rtol=1e-14)
    np.testing.assert_array_equal(act_forward("modrelu", z, beta=beta)[0], a)


def test_modrelu_shape_and_dtype_errors(rng):
    layer = ModReLU(3)
    p = layer.init(rng)
    with pytest.raises(ValueError, match=r"shape \(2, 4\).*units=3"):
        layer.forward(p, np.zeros((2, 4)))
    with pytest.raises(ValueError, match=r"x has dtype float32 but params\['beta'\] has dtype float64"):
        layer.forward(p, np.zeros((2, 3), np.float32))


def test_unknown_activation_lists_valid_names():
    for call in (lambda: get_activation("swish"), lambda: act_forward("swish", np.zeros(2)),
                 lambda: act_backward("swish", None, np.zeros(2))):
        with pytest.raises(ValueError, match="unknown activation 'swish'; valid values: relu, leaky_relu"):
            call()
    assert {"relu", "leaky_relu", "tanh", "identity", "hard_threshold", "modrelu",
            "piecewise_polynomial"} <= set(ACTIVATION_NAMES)


@pytest.mark.parametrize("args,match", [
    (([0, 1], [[1, 0], [0, 1]]), "breakpoints must have pieces - 1 = 1 entries, got 2"),
    (([1, 0], [[1], [0], [1]]), "strictly increasing"),
    (([0], [1, 2]), "2-d table"),
    (([np.nan], [[1], [2]]), "finite"),
])
def test_piecewise_polynomial_bad_tables(args, match):
    with pytest.raises(ValueError, match=match):
        PiecewisePolynomial(*args)


def test_activation_layer_rejects_integer_input():
    with pytest.raises(ValueError, match="input x must be float32 or float64"):
        ReLU().forward({}, np.array([1, 2]))


def test_get_activation_passes_kwargs_and_configs():
    assert get_activation("leaky_relu", slope=0.3).slope == 0.3
    pw = piecewise_linear([0, 1], [0, 1, 0])
    assert get_activation(pw.config()) == pw
    assert get_activation(pw) is pw
