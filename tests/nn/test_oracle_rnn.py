"""RNN BPTT against independent autodiff oracles: torch.nn.RNN (copied weights) and autograd.

Both oracles are optional (``pytest.importorskip``); neither is imported by the package.
"""
import numpy as np
import pytest

from approxbounds.nn.rnn import NONLINEARITIES, RNN

SLOPE = 0.1


def _params(rng, d, n, nonlinearity, bias=True):
    p = {"W_in": rng.uniform(-0.7, 0.7, (n, d)), "W_rec": rng.uniform(-0.5, 0.5, (n, n))}
    if bias:
        p["b"] = rng.uniform(-0.5, 0.5, n)
    if nonlinearity == "modrelu":
        p["beta"] = rng.uniform(-0.3, 0.3, n)
    return p


# ------------------------------------------------------------------------------ torch
@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
@pytest.mark.parametrize("return_sequences", [True, False])
@pytest.mark.parametrize("with_h0", [False, True])
def test_against_torch_nn_rnn_float64(rng, nonlinearity, return_sequences, with_h0):
    torch = pytest.importorskip("torch")
    B, T, d, n = 3, 7, 4, 5
    params = _params(rng, d, n, nonlinearity)
    x = rng.standard_normal((B, T, d))
    h0 = rng.standard_normal((B, n)) if with_h0 else None
    layer = RNN(d, n, nonlinearity, return_sequences=return_sequences)
    y, cache = layer.forward(params, x, h0=h0)
    r = rng.standard_normal(y.shape)
    dx, grads, dh0 = layer.backward(params, cache, r, return_dh0=True)

    rnn = torch.nn.RNN(d, n, nonlinearity=nonlinearity, batch_first=True).double()
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.from_numpy(params["W_in"]))
        rnn.weight_hh_l0.copy_(torch.from_numpy(params["W_rec"]))
        # torch has two biases; ours is their sum: split it unevenly on purpose
        rnn.bias_ih_l0.copy_(torch.from_numpy(0.3 * params["b"]))
        rnn.bias_hh_l0.copy_(torch.from_numpy(0.7 * params["b"]))
    xt = torch.from_numpy(x.copy()).requires_grad_(True)
    h0t = torch.from_numpy((h0 if with_h0 else np.zeros((B, n))).copy()).unsqueeze(0).requires_grad_(True)
    out, _ = rnn(xt, h0t)
    yt = out if return_sequences else out[:, -1]
    (yt * torch.from_numpy(r)).sum().backward()

    tol = dict(rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(y, yt.detach().numpy(), **tol)
    np.testing.assert_allclose(dx, xt.grad.numpy(), **tol)
    np.testing.assert_allclose(grads["W_in"], rnn.weight_ih_l0.grad.numpy(), **tol)
    np.testing.assert_allclose(grads["W_rec"], rnn.weight_hh_l0.grad.numpy(), **tol)
    np.testing.assert_allclose(grads["b"], rnn.bias_ih_l0.grad.numpy(), **tol)
    np.testing.assert_allclose(grads["b"], rnn.bias_hh_l0.grad.numpy(), **tol)
    np.testing.assert_allclose(dh0, h0t.grad.numpy()[0], **tol)


def test_against_torch_float32_longer_sequence(rng):
    """float32 end to end on a benchmark-like (but smaller) shape; float32 tolerances."""
    torch = pytest.importorskip("torch")
    B, T, d, n = 8, 50, 16, 32
    layer = RNN(d, n)
    params = layer.init(rng, np.float32)
    x = rng.standard_normal((B, T, d)).astype(np.float32)
    y, cache = layer.forward(params, x)
    dx, grads = layer.backward(params, cache, np.ones_like(y))
    rnn = torch.nn.RNN(d, n, batch_first=True)
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.from_numpy(params["W_in"]))
        rnn.weight_hh_l0.copy_(torch.from_numpy(params["W_rec"]))
        rnn.bias_ih_l0.copy_(torch.from_numpy(params["b"]))
        rnn.bias_hh_l0.zero_()
    xt = torch.from_numpy(x.copy()).requires_grad_(True)
    out, _ = rnn(xt)
    out.sum().backward()
    assert y.dtype == np.float32 and grads["W_rec"].dtype == np.float32
    np.testing.assert_allclose(y, out.detach().numpy(), rtol=1e-5, atol=1e-5)
    scale = np.abs(rnn.weight_hh_l0.grad.numpy()).max()
    np.testing.assert_allclose(grads["W_rec"], rnn.weight_hh_l0.grad.numpy(), rtol=1e-4, atol=1e-5 * scale)
    np.testing.assert_allclose(dx, xt.grad.numpy(), rtol=1e-4, atol=1e-5 * np.abs(dx).max())


# ------------------------------------------------------------------------------ autograd
def _autograd_loss(anp, nonlinearity, bias):
    def phi(z, beta):
        if nonlinearity == "tanh":
            return anp.tanh(z)
        if nonlinearity == "relu":
            return anp.maximum(z, 0.0)
        if nonlinearity == "identity":
            return z
        if nonlinearity == "leaky_relu":
            return anp.where(z > 0, z, SLOPE * z)
        return anp.sign(z) * anp.maximum(anp.abs(z) + beta, 0.0)

    def loss(theta, x, h0, r, return_sequences):
        W_in, W_rec = theta["W_in"], theta["W_rec"]
        h, total = h0, 0.0
        T = x.shape[1]
        for t in range(T):
            z = anp.dot(x[:, t], W_in.T) + anp.dot(h, W_rec.T)
            if bias:
                z = z + theta["b"]
            h = phi(z, theta.get("beta"))
            if return_sequences:
                total = total + anp.sum(h * r[:, t])
        return total if return_sequences else anp.sum(h * r)

    return loss


@pytest.mark.parametrize("nonlinearity", NONLINEARITIES)
@pytest.mark.parametrize("return_sequences", [True, False])
def test_against_autograd(rng, nonlinearity, return_sequences):
    autograd = pytest.importorskip("autograd")
    anp = pytest.importorskip("autograd.numpy")
    B, T, d, n = 2, 6, 3, 4
    bias = nonlinearity != "identity"  # cover a bias-free case too
    params = _params(rng, d, n, nonlinearity, bias=bias)
    x = rng.standard_normal((B, T, d))
    h0 = rng.standard_normal((B, n))
    layer = RNN(d, n, nonlinearity, return_sequences=return_sequences, bias=bias, negative_slope=SLOPE)
    y, cache = layer.forward(params, x, h0=h0)
    r = rng.standard_normal(y.shape)
    dx, grads, dh0 = layer.backward(params, cache, r, return_dh0=True)

    loss = _autograd_loss(anp, nonlinearity, bias)
    g_theta = autograd.grad(loss, 0)(params, x, h0, r, return_sequences)
    g_x = autograd.grad(loss, 1)(params, x, h0, r, return_sequences)
    g_h0 = autograd.grad(loss, 2)(params, x, h0, r, return_sequences)
    assert np.isclose(loss(params, x, h0, r, return_sequences), float(np.sum(y * r)), rtol=1e-12)
    tol = dict(rtol=1e-10, atol=1e-12)
    assert set(grads) == set(g_theta)
    for k in grads:
        np.testing.assert_allclose(grads[k], g_theta[k], **tol, err_msg=k)
    np.testing.assert_allclose(dx, g_x, **tol)
    np.testing.assert_allclose(dh0, g_h0, **tol)
