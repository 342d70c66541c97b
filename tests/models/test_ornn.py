"""Tests of the full-precision orthogonal RNN (approxbounds.models.ornn)."""
import zlib

import numpy as np
import pytest

from approxbounds.models.ornn import ORNN
from approxbounds.nn.base import layer_from_config
from approxbounds.nn.gradcheck import check_layer_gradients
from approxbounds.nn.optim import adam
from approxbounds.nn.orthogonal import orthogonality_defect
from approxbounds.nn.trainer import fit
from approxbounds.nn.tree import tree_size


@pytest.fixture
def rng(request):
    return np.random.default_rng(zlib.crc32(request.node.nodeid.encode()))


def naive_forward(params, x, output, W):
    """Independent per-step reference: h_t = modReLU(W h + U x_t + b), y = V h + c."""
    B, T, _ = x.shape
    n = W.shape[0]
    h = np.zeros((B, n))
    ys = []
    for t in range(T):
        z = h @ W.T + x[:, t] @ params["U"].T + params["b"]
        h = np.sign(z) * np.maximum(np.abs(z) + params["beta"], 0)
        ys.append(h @ params["V"].T + params["c"])
    return np.stack(ys, axis=1) if output == "sequence" else ys[-1]


@pytest.mark.parametrize("param", ["projection", "cayley"])
@pytest.mark.parametrize("output", ["sequence", "last"])
def test_gradients_match_central_differences(rng, param, output):
    model = ORNN(3, 5, 4, output=output, parametrization=param, dtype="float64")
    params = model.init(rng)
    params["b"] = params["b"] + 0.2   # keep pre-activations away from the modReLU kinks
    x = rng.standard_normal((2, 6, 3))
    res = check_layer_gradients(model, x, rng, params, rtol=1e-5, atol=1e-8)
    assert res.ok and set(res.n_checked) >= {"x", "U", "V", "b", "beta", "c"}


def test_embedding_gradient_and_token_checks(rng):
    model = ORNN(4, 5, 2, output="last", embedding=(9, 4), dtype="float64")
    params = model.init(rng)
    ids = rng.integers(0, 9, (3, 7))
    assert check_layer_gradients(model, ids, rng, params).ok
    with pytest.raises(ValueError, match="ids must lie"):
        model.forward(params, ids + 9)
    with pytest.raises(ValueError, match="token ids"):
        model.forward(params, rng.standard_normal((3, 7, 4)))
    with pytest.raises(ValueError, match="embedding dim"):
        ORNN(3, 5, 2, embedding=(9, 4))


@pytest.mark.parametrize("param", ["projection", "cayley"])
def test_forward_matches_naive_loop_and_w_is_orthogonal(rng, param):
    model = ORNN(2, 6, 3, parametrization=param, dtype="float64")
    params = model.init(rng)
    x = rng.standard_normal((4, 8, 2))
    W = model.recurrent_matrix(params)
    assert orthogonality_defect(W) < 1e-12
    np.testing.assert_allclose(model.forward(params, x)[0], naive_forward(params, x, "sequence", W),
                               rtol=1e-12, atol=1e-13)
    last = ORNN(2, 6, 3, output="last", parametrization=param, dtype="float64")
    np.testing.assert_allclose(last.forward(params, x)[0], naive_forward(params, x, "last", W), rtol=1e-12)
    # the deployed network (explicit W) computes the same function
    dm, dp = model.deployed(params)
    assert dm.parametrization == "projection"
    np.testing.assert_allclose(dm.forward(dp, x)[0], model.forward(params, x)[0], rtol=1e-12, atol=1e-14)


def test_projection_keeps_w_orthogonal_during_training(rng):
    model = ORNN(1, 8, 2, output="last", dtype="float64")
    x = rng.standard_normal((64, 10, 1))
    y = (x.sum(axis=(1, 2)) > 0).astype(np.int64)
    params = model.init(rng)
    loss0 = model.loss_and_grad(params, x, y)[0]
    res = fit(model, params, "cross_entropy", (x, y), model.wrap_optimizer(adam(0.02)), steps=60,
              progress=False, grad_fn=model.grad_fn("cross_entropy"))
    W = res.params["W"]
    assert np.abs(W - params["W"]).max() > 1e-2          # W moved ...
    assert model.orthogonality_defect(res.params) < 1e-10   # ... and stayed orthogonal
    assert res.history[-1]["loss"] < 0.7 * loss0


def test_cayley_trains_with_plain_optimizer(rng):
    model = ORNN(1, 6, 2, output="last", parametrization="cayley", dtype="float64")
    x = rng.standard_normal((32, 6, 1))
    y = (x[:, 0, 0] > 0).astype(np.int64)
    res = fit(model, None, "cross_entropy", (x, y), model.wrap_optimizer(adam(0.03)), steps=40,
              progress=False, seed=3)
    assert model.orthogonality_defect(res.params, norm="spectral") < 1e-12
    assert res.history[-1]["loss"] < res.history[0]["loss"]


def test_integer_symbols_are_one_hot(rng):
    model = ORNN(5, 4, 3, dtype="float64")
    params = model.init(rng)
    ids = rng.integers(0, 5, (2, 6))
    onehot = np.eye(5)[ids]
    y_ids, c_ids = model.forward(params, ids)
    y_oh, c_oh = model.forward(params, onehot)
    np.testing.assert_array_equal(y_ids, y_oh)
    dy = rng.standard_normal(y_ids.shape)
    dx_ids, g_ids = model.backward(params, c_ids, dy)
    dx_oh, g_oh = model.backward(params, c_oh, dy)
    assert dx_ids is None and dx_oh.shape == onehot.shape
    for k in g_oh:
        np.testing.assert_allclose(g_ids[k], g_oh[k], rtol=1e-13, atol=1e-15)
    assert model.backward(params, c_oh, dy, need_dx=False)[0] is None
    with pytest.raises(ValueError, match="ids must lie"):
        model.forward(params, ids + 5)


def test_loss_and_grad_is_forward_plus_loss(rng):
    model = ORNN(2, 4, 3, dtype="float64")
    params = model.init(rng)
    x = rng.standard_normal((2, 5, 2))
    t = rng.integers(0, 3, (2, 5))
    value, grads = model.loss_and_grad(params, x, t, "cross_entropy")
    from approxbounds.nn.losses import softmax_cross_entropy
    v2, dy = softmax_cross_entropy(model.forward(params, x)[0], t)
    _, g2 = model.backward(params, model.forward(params, x)[1], dy)
    assert value == pytest.approx(v2, rel=1e-14)
    for k in g2:
        np.testing.assert_array_equal(grads[k], g2[k])


def test_config_roundtrip_storage_and_validation(rng):
    model = ORNN(3, 7, 2, output="last", embedding=(11, 3), parametrization="cayley", dtype="float64")
    clone = layer_from_config(model.config())
    assert clone == model and clone.embedding == (11, 3)
    params = model.init(rng)
    dm, dp = model.deployed(params)
    # fp32: 32 bits per scalar of the deployed tree (explicit W)
    assert model.storage_bits() == 32 * tree_size(dp) == 32 * (7 * 3 + 49 + 7 + 7 + 2 * 7 + 2 + 11 * 3)
    assert model.storage().items["W"] == (49, 32, 49 * 32)
    d = model.orthogonality_defect(params, norm="all")
    assert set(d) == {"fro", "spectral"} and d["spectral"] <= d["fro"] < 1e-12
    with pytest.raises(ValueError, match="norm"):
        model.orthogonality_defect(params, norm="nuc")
    assert params["U"].dtype == np.float64 and ORNN(3, 7, 2).init(rng)["U"].dtype == np.float32
    with pytest.raises(ValueError, match="n_hidden"):
        ORNN(3, 0, 2)
    with pytest.raises(ValueError, match="output"):
        ORNN(3, 4, 2, output="all")
    with pytest.raises(ValueError, match="parametrization"):
        ORNN(3, 4, 2, parametrization="expm")
    with pytest.raises(ValueError, match="dtype"):
        ORNN(3, 4, 2, dtype="float16")
    m32 = ORNN(3, 4, 2)
    with pytest.raises(ValueError, match="dtype"):
        m32.forward(m32.init(rng), rng.standard_normal((1, 2, 3)))
    with pytest.raises(ValueError, match="shape"):
        m32.forward(m32.init(rng), rng.standard_normal((1, 2, 5)).astype(np.float32))
    bad = m32.init(rng)
    bad["V"] = bad["V"][:, :3]
    with pytest.raises(ValueError, match="params\\['V'\\]"):
        m32.forward(bad, rng.standard_normal((1, 2, 3)).astype(np.float32))
    bad = m32.init(rng)
    bad["b"] = bad["b"].astype(np.float64)
    with pytest.raises(ValueError, match="dtype"):
        m32.forward(bad, rng.standard_normal((1, 2, 3)).astype(np.float32))
    with pytest.raises(ValueError, match="keys"):
        m32.forward({k: v for k, v in m32.init(rng).items() if k != "beta"}, np.zeros((1, 2, 3), np.float32))
