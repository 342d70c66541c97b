"""Tests of the LSTM baseline (approxbounds.models.lstm)."""
import zlib

import numpy as np
import pytest

from approxbounds.models.lstm import LSTM
from approxbounds.nn.base import layer_from_config
from approxbounds.nn.gradcheck import check_layer_gradients
from approxbounds.nn.optim import adam
from approxbounds.nn.trainer import fit
from approxbounds.nn.tree import tree_size


@pytest.fixture
def rng(request):
    return np.random.default_rng(zlib.crc32(request.node.nodeid.encode()))


def naive_lstm(params, x):
    """Independent per-step reference with the explicit logistic function."""
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    B, T, _ = x.shape
    n = params["W_hh"].shape[1]
    h = np.zeros((B, n))
    c = np.zeros((B, n))
    hs = []
    for t in range(T):
        a = x[:, t] @ params["W_ih"].T + h @ params["W_hh"].T + params["b"]
        i, f, g, o = sig(a[:, :n]), sig(a[:, n:2 * n]), np.tanh(a[:, 2 * n:3 * n]), sig(a[:, 3 * n:])
        c = f * c + i * g
        h = o * np.tanh(c)
        hs.append(h)
    return np.stack(hs, axis=1)


@pytest.mark.parametrize("output", ["sequence", "last"])
def test_gradients_match_central_differences(rng, output):
    model = LSTM(3, 4, 2, output=output, dtype="float64")
    params = model.init(rng)
    res = check_layer_gradients(model, rng.standard_normal((2, 6, 3)), rng, params, rtol=1e-5, atol=1e-9)
    assert res.ok and set(res.n_checked) == {"x", "W_ih", "W_hh", "b", "V", "c"}


def test_embedding_gradient(rng):
    model = LSTM(3, 4, 2, output="last", embedding=(6, 3), dtype="float64")
    assert check_layer_gradients(model, rng.integers(0, 6, (3, 5)), rng).ok


def test_forward_matches_naive_loop(rng):
    model = LSTM(2, 5, 3, dtype="float64")
    params = model.init(rng)
    x = rng.standard_normal((4, 7, 2))
    hs = naive_lstm(params, x)
    np.testing.assert_allclose(model.forward(params, x)[0], hs @ params["V"].T + params["c"], rtol=1e-12, atol=1e-14)
    last = LSTM(2, 5, 3, output="last", dtype="float64")
    np.testing.assert_allclose(last.forward(params, x)[0], hs[:, -1] @ params["V"].T + params["c"], rtol=1e-12)


@pytest.mark.parametrize("output", ["sequence", "last"])
def test_matches_torch_lstm_outputs_and_gradients(rng, output):
    torch = pytest.importorskip("torch")
    n_in, n, n_out, B, T = 3, 6, 4, 5, 9
    model = LSTM(n_in, n, n_out, output=output, dtype="float64")
    params = model.init(rng)
    x = rng.standard_normal((B, T, n_in))
    y, cache = model.forward(params, x)
    r = rng.standard_normal(y.shape)
    dx, grads = model.backward(params, cache, r)

    lstm = torch.nn.LSTM(n_in, n, batch_first=True).double()
    with torch.no_grad():
        lstm.weight_ih_l0.copy_(torch.from_numpy(params["W_ih"]))
        lstm.weight_hh_l0.copy_(torch.from_numpy(params["W_hh"]))
        lstm.bias_ih_l0.copy_(torch.from_numpy(params["b"]))
        lstm.bias_hh_l0.zero_()
    V = torch.tensor(params["V"], requires_grad=True)
    c = torch.tensor(params["c"], requires_grad=True)
    xt = torch.tensor(x, requires_grad=True)
    hs, _ = lstm(xt)
    h = hs if output == "sequence" else hs[:, -1]
    yt = h @ V.T + c
    np.testing.assert_allclose(y, yt.detach().numpy(), rtol=1e-10, atol=1e-12)
    (yt * torch.from_numpy(r)).sum().backward()
    np.testing.assert_allclose(grads["W_ih"], lstm.weight_ih_l0.grad.numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(grads["W_hh"], lstm.weight_hh_l0.grad.numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(grads["b"], lstm.bias_hh_l0.grad.numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(grads["V"], V.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(grads["c"], c.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(dx, xt.grad.numpy(), rtol=1e-9, atol=1e-12)


def test_float32_agrees_with_float64_and_no_overflow(rng):
    m64 = LSTM(2, 8, 3, dtype="float64")
    m32 = LSTM(2, 8, 3)
    p64 = m64.init(rng)
    p32 = {k: v.astype(np.float32) for k, v in p64.items()}
    x = rng.standard_normal((3, 20, 2))
    y32 = m32.forward(p32, x.astype(np.float32))[0]
    assert y32.dtype == np.float32
    np.testing.assert_allclose(y32, m64.forward(p64, x)[0], rtol=2e-4, atol=2e-5)
    with np.errstate(all="raise"):   # saturated gates: no overflow warning, finite outputs
        y, cache = m64.forward(p64, 1e4 * x)
        _, g = m64.backward(p64, cache, np.ones_like(y))
    assert np.all(np.isfinite(y)) and all(np.all(np.isfinite(v)) for v in g.values())


def test_trains_and_roundtrips(rng):
    model = LSTM(1, 8, 2, output="last")
    x = rng.standard_normal((64, 6, 1)).astype(np.float32)
    y = (x[:, 0, 0] > 0).astype(np.int64)     # must remember the first input
    res = fit(model, None, "cross_entropy", (x, y), model.wrap_optimizer(adam(0.03)), steps=80,
              progress=False, seed=2, grad_fn=model.grad_fn("cross_entropy"))
    assert res.history[-1]["loss"] < 0.5 * res.history[0]["loss"]
    clone = layer_from_config(model.config())
    assert clone == model
    assert model.storage_bits() == 32 * tree_size(res.params) == 32 * (4 * 8 * 1 + 4 * 8 * 8 + 4 * 8 + 2 * 8 + 2)
    with pytest.raises(ValueError, match="n_out"):
        LSTM(1, 8, 0)
    with pytest.raises(ValueError, match="shape"):
        model.forward(res.params, x[:, :, :0])
