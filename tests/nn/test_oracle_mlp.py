"""MLP forward/backward against two independent autodiff oracles: autograd and torch.

Each oracle re-implements the network from the parameter tree alone (y = σ(x W + b) ...), so
the comparison exercises our Dense/activation/loss code, not a shared helper.
"""
import numpy as np
import pytest

from approxbounds.nn.losses import mse, softmax_cross_entropy
from approxbounds.nn.mlp import MLP

SEEDS = range(4)
ACTS = ["relu", "tanh", "leaky_relu", "identity"]


def _random_mlp(seed, activation, **kw):
    rng = np.random.default_rng(seed)
    d_in, d_out = int(rng.integers(1, 5)), int(rng.integers(1, 4))
    hidden = [int(h) for h in rng.integers(1, 6, size=int(rng.integers(0, 3)))]
    model = MLP(d_in, hidden, d_out, activation=activation, **kw)
    params = model.init(rng)
    for key in params:                            # non-zero biases so they matter
        if "b" in params[key]:
            params[key]["b"] = rng.standard_normal(params[key]["b"].shape)
    x = rng.standard_normal((int(rng.integers(1, 7)), d_in))
    t = rng.standard_normal((x.shape[0], d_out))
    return model, params, x, t


def _ours(model, params, x, t):
    y, cache = model.forward(params, x)
    value, dy = mse(y, t)
    _, grads = model.backward(params, cache, dy)
    return y, value, grads


def _dense_keys(params):
    return sorted(k for k in params if "W" in params[k])


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("activation", ACTS)
def test_mlp_matches_autograd(activation, seed):
    ag = pytest.importorskip("autograd")
    anp = pytest.importorskip("autograd.numpy")
    model, params, x, t = _random_mlp(seed, activation)
    keys = _dense_keys(params)
    act = {"relu": lambda z: anp.maximum(z, 0.0), "tanh": anp.tanh, "identity": lambda z: z,
           "leaky_relu": lambda z: anp.where(z > 0, z, 0.01 * z)}[activation]

    def loss(flat):
        h = x
        for i, k in enumerate(keys):
            h = anp.dot(h, flat[2 * i]) + flat[2 * i + 1]
            if i < len(keys) - 1:
                h = act(h)
        return anp.mean((h - t) ** 2)

    flat = [a for k in keys for a in (params[k]["W"], params[k]["b"])]
    ref_grads = ag.grad(loss)(flat)
    y, value, grads = _ours(model, params, x, t)
    assert value == pytest.approx(float(loss(flat)), rel=1e-12)
    for i, k in enumerate(keys):
        np.testing.assert_allclose(grads[k]["W"], ref_grads[2 * i], rtol=1e-10, atol=1e-13)
        np.testing.assert_allclose(grads[k]["b"], ref_grads[2 * i + 1], rtol=1e-10, atol=1e-13)


def _torch_forward(torch, tparams, x, activation, quant_bits=None):
    act = {"relu": torch.relu, "tanh": torch.tanh, "identity": lambda z: z,
           "leaky_relu": lambda z: torch.nn.functional.leaky_relu(z, 0.01)}[activation]
    h = torch.tensor(x)
    for i, (w, b) in enumerate(tparams):
        if quant_bits is not None:
            # Q_p with torch primitives; STE written the usual torch way: w + (Q(w) - w).detach()
            half = 2 ** (quant_bits - 1)
            alpha = w.detach().abs().max()
            q = torch.clamp(torch.round(w.detach() * half / alpha), -half, half - 1) * alpha / half
            w = w + (q - w.detach())
        h = h @ w + b
        if i < len(tparams) - 1:
            h = act(h)
    return h


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("activation", ACTS)
@pytest.mark.parametrize("bits", [None, 3])
def test_mlp_matches_torch(activation, seed, bits):
    torch = pytest.importorskip("torch")
    kw = {} if bits is None else {"quantizer": "kbit", "bits": bits}
    model, params, x, t = _random_mlp(seed, activation, **kw)
    keys = _dense_keys(params)
    tparams = [(torch.tensor(params[k]["W"], requires_grad=True), torch.tensor(params[k]["b"], requires_grad=True))
               for k in keys]
    out = _torch_forward(torch, tparams, x, activation, bits)
    ref = torch.mean((out - torch.tensor(t)) ** 2)
    ref.backward()
    y, value, grads = _ours(model, params, x, t)
    np.testing.assert_allclose(y, out.detach().numpy(), rtol=1e-10, atol=1e-13)
    assert value == pytest.approx(ref.item(), rel=1e-10)
    for k, (w, b) in zip(keys, tparams):
        np.testing.assert_allclose(grads[k]["W"], w.grad.numpy(), rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(grads[k]["b"], b.grad.numpy(), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("dtype,rtol", [(np.float32, 2e-5), (np.float64, 1e-11)])
def test_mlp_classifier_input_gradient_matches_torch(dtype, rtol, rng):
    torch = pytest.importorskip("torch")
    model = MLP(4, [6, 5], 3, activation="tanh", dtype=dtype)
    params = model.init(rng)
    x = rng.standard_normal((8, 4)).astype(dtype)
    labels = rng.integers(0, 3, 8)
    y, cache = model.forward(params, x)
    value, dy = softmax_cross_entropy(y, labels)
    dx, _ = model.backward(params, cache, dy)
    assert dx.dtype == dtype
    keys = _dense_keys(params)
    xt = torch.tensor(x, requires_grad=True)
    h = xt
    for i, k in enumerate(keys):
        h = h @ torch.tensor(params[k]["W"]) + torch.tensor(params[k]["b"])
        if i < len(keys) - 1:
            h = torch.tanh(h)
    ref = torch.nn.functional.cross_entropy(h, torch.tensor(labels))
    ref.backward()
    assert value == pytest.approx(ref.item(), rel=10 * rtol)
    np.testing.assert_allclose(dx, xt.grad.numpy(), rtol=rtol * 10, atol=rtol * 1e-2)


def test_describe_maps_to_capacity_vocabulary():
    d = MLP(2, [35] * 9, 1).describe()
    assert d == {"d_in": 2, "widths": [35] * 9 + [1], "activation": "relu", "pieces": 2, "degree": 1,
                 "bits": None, "bias": True, "n_params": 2 * 35 + 35 + 8 * (35 * 35 + 35) + 35 + 1}
    d = MLP(3, [4], 2, activation="hard_threshold", quantizer="kbit", bits=4).describe()
    assert (d["activation"], d["pieces"], d["degree"], d["bits"]) == ("hard_threshold", 2, 0, 4)
    assert MLP(3, [], 1, activation="tanh").describe()["pieces"] is None
    assert MLP(3, [2], 1, quantizer="sign").describe()["bits"] == 1


@pytest.mark.parametrize("kw,match", [({"d_in": 0}, "d_in must be >= 1"), ({"d_in": 2, "hidden": [3, 0]}, r"hidden\[1\]"),
                                      ({"d_in": 2, "activation": "gelu"}, "unknown activation 'gelu'"),
                                      ({"d_in": 2, "dtype": "float16"}, "unknown dtype"),
                                      ({"d_in": 2, "quantizer": "kbit", "bits": 0}, "bits must be >= 1")])
def test_mlp_bad_arguments(kw, match):
    with pytest.raises((ValueError, TypeError), match=match):
        MLP(**kw)


@pytest.mark.parametrize("activation,kw", [("relu", {}), ("leaky_relu", {}), ("identity", {}),
                                           ("hard_threshold", {}),
                                           ("piecewise_linear", {"breakpoints": [-1, 1], "slopes": [0, 1, 0]})])
def test_describe_is_accepted_by_capacity_activation(activation, kw):
    """describe()'s (activation, pieces, degree) is a valid capacity Activation with equal vocabulary."""
    capacity = pytest.importorskip("approxbounds.capacity")
    d = MLP(2, [3], 1, activation=activation, activation_kwargs=kw).describe()
    act = capacity.Activation.from_name(d["activation"], pieces=d["pieces"], degree=d["degree"])
    assert (act.pieces, act.degree) == (d["pieces"], d["degree"])
