"""HadamRNN's fast training path (``HadamRNN.loss_and_grad``): scratch state buffer and the
softmax cross-entropy fused into the chunked backward pass.

Oracle: ``TrainingGlue.loss_and_grad`` called on the same model, i.e. the unfused sequence
forward → loss on the full output → backward, and (for one input kind the other tests do not
reach) a naive per-step reference loop.
"""
import math
import zlib

import numpy as np
import pytest

from approxbounds.models import HadamRNN
from approxbounds.models._base import TrainingGlue
from approxbounds.nn.hadamard import block_sylvester
from approxbounds.nn.losses import softmax_cross_entropy


@pytest.fixture
def rng(request):
    return np.random.default_rng(zlib.crc32(request.node.nodeid.encode()))


CONFIGS = [
    dict(n_in=3, n_hidden=8, n_out=4),
    dict(n_in=3, n_hidden=8, n_out=4, chunk=3),
    dict(n_in=3, n_hidden=8, n_out=4, output="last"),
    dict(n_in=3, n_hidden=16, n_out=5, blocks=4, chunk=2),
    dict(n_in=3, n_hidden=8, n_out=2, path="dense"),
    dict(n_in=3, n_hidden=8, n_out=2, path="fwht", chunk=4),
    dict(n_in=2, n_hidden=4, n_out=3, bits=None, chunk=1),
    dict(n_in=1, n_hidden=16, n_out=3, chunk=5),                   # d_in = 1: outer-product input
    dict(n_in=1, n_hidden=16, n_out=3, output="last", blocks=2),
]


def _inputs(model, rng, kind, B=3, T=11):
    if kind == "ids":
        return rng.integers(0, model.vocab, (B, T))
    return rng.standard_normal((B, T, model.n_in)).astype(model.dtype)


def _targets(model, rng, B=3, T=11):
    shape = (B, T) if model.output == "sequence" else (B,)
    return rng.integers(0, model.n_out, shape)


def _assert_same(a, b, rtol, atol_scale):
    va, ga = a
    vb, gb = b
    assert va == pytest.approx(vb, rel=rtol)
    assert set(ga) == set(gb)
    for k in ga:
        assert ga[k].dtype == gb[k].dtype and ga[k].shape == gb[k].shape
        np.testing.assert_allclose(ga[k], gb[k], rtol=rtol, atol=atol_scale * np.abs(gb[k]).max(), err_msg=k)


@pytest.mark.parametrize("kw", CONFIGS)
@pytest.mark.parametrize("kind", ["ids", "float"])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("loss", ["cross_entropy", softmax_cross_entropy])
def test_fast_loss_and_grad_equals_the_unfused_glue(rng, kw, kind, dtype, loss):
    model = HadamRNN(dtype=dtype, **kw)
    p = model.init(rng)
    x, y = _inputs(model, rng, kind), _targets(model, rng)
    fast = model.loss_and_grad(p, x, y, loss)
    ref = TrainingGlue.loss_and_grad(model, p, x, y, loss)
    tol = 1e-12 if dtype == "float64" else 2e-5
    _assert_same(fast, ref, tol, tol)


def test_embedding_model_and_padding_row(rng):
    model = HadamRNN(4, 8, 3, embedding=(12, 4), dtype="float64", chunk=4)
    p = model.init(rng)
    x = rng.integers(0, 12, (3, 9))
    x[:, :3] = 0                                    # padding tokens
    y = rng.integers(0, 3, (3, 9))
    fast = model.loss_and_grad(p, x, y)
    _assert_same(fast, TrainingGlue.loss_and_grad(model, p, x, y), 1e-12, 1e-12)
    assert np.all(fast[1]["E"][0] == 0) and np.any(fast[1]["E"][1:] != 0)


@pytest.mark.parametrize("output", ["sequence", "last"])
def test_other_losses_take_the_unfused_readout(rng, output):
    model = HadamRNN(3, 16, 2, output=output, blocks=2, dtype="float64", chunk=4)
    p = model.init(rng)
    x = rng.integers(0, 3, (4, 10))
    shape = (4, 10, 2) if output == "sequence" else (4, 2)
    t = rng.standard_normal(shape)
    _assert_same(model.loss_and_grad(p, x, t, "mse"), TrainingGlue.loss_and_grad(model, p, x, t, "mse"), 1e-12, 1e-12)
    if output == "last":
        tb = rng.uniform(size=shape)
        _assert_same(model.loss_and_grad(p, x, tb, "bce_with_logits"),
                     TrainingGlue.loss_and_grad(model, p, x, tb, "bce_with_logits"), 1e-12, 1e-12)


def test_copy_sized_float32_step_matches_forward_backward(rng):
    """A longer float32 run (many chunks, the default kron path): fused vs unfused."""
    model = HadamRNN(10, 64, 9)
    p = model.init(rng)
    x = rng.integers(0, 10, (16, 150))
    y = rng.integers(0, 9, (16, 150))
    _assert_same(model.loss_and_grad(p, x, y), TrainingGlue.loss_and_grad(model, p, x, y), 2e-5, 1e-5)


def test_scratch_buffers_do_not_leak_into_results(rng):
    model = HadamRNN(3, 16, 4, chunk=4)
    p = model.init(rng)
    x1, y1 = rng.integers(0, 3, (5, 12)), rng.integers(0, 4, (5, 12))
    x2, y2 = rng.integers(0, 3, (5, 12)), rng.integers(0, 4, (5, 12))
    v1, g1 = model.loss_and_grad(p, x1, y1)
    kept = {k: v.copy() for k, v in g1.items()}
    v2, g2 = model.loss_and_grad(p, x2, y2)     # same shapes: the same scratch buffers are reused
    for k in g1:
        np.testing.assert_array_equal(g1[k], kept[k])
        assert not np.shares_memory(g1[k], g2[k])
    v1b, g1b = model.loss_and_grad(p, x1, y1)
    assert v1b == v1
    for k in g1:
        np.testing.assert_array_equal(g1b[k], kept[k])
    # forward's cache owns its states (not a scratch buffer)
    _, cache = model.forward(p, x1)
    H = cache.H.copy()
    model.loss_and_grad(p, x2, y2)
    np.testing.assert_array_equal(cache.H, H)


def test_fused_target_validation(rng):
    model = HadamRNN(3, 8, 4)
    p = model.init(rng)
    x = rng.integers(0, 3, (2, 5))
    with pytest.raises(ValueError, match=r"labels must have shape \(2, 5\)"):
        model.loss_and_grad(p, x, np.zeros((2, 4), int))
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 3\]"):
        model.loss_and_grad(p, x, np.full((2, 5), 4))
    with pytest.raises(ValueError, match="labels must be integers"):
        model.loss_and_grad(p, x, np.zeros((2, 5)))
    with pytest.raises(TypeError, match="loss must be a loss name or a callable"):
        model.loss_and_grad(p, x, np.zeros((2, 5), int), loss=3)


@pytest.mark.parametrize("kind", ["ids", "float1", "float3"])
@pytest.mark.parametrize("zero_sign", [False, True])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_states_against_a_naive_loop(rng, kind, zero_sign, dtype):
    """The states over several chunks, for the three input projections, with every sign ±1
    (the kron scan's pre-scaled inputs) and with a zero sign (sgn 0 = 0: plain inputs)."""
    n_in = 1 if kind == "float1" else 3
    model = HadamRNN(n_in, 32, 3, blocks=2, dtype=dtype, chunk=3)
    p = model.init(rng)
    if zero_sign:
        p["u"][5] = 0
    x = (rng.integers(0, n_in, (2, 10)) if kind == "ids"
         else rng.standard_normal((2, 10, n_in)).astype(dtype))
    y, cache = model.forward(p, x)
    xs = np.eye(n_in)[x] if kind == "ids" else x.astype(np.float64)
    s = np.sign(p["u"].astype(np.float64))
    W = s[:, None] * block_sylvester(32, 16) / 4.0
    q = model.quantized_weights(p)
    Uq, Vq = q["U"].astype(np.float64), q["V"].astype(np.float64)
    h = np.zeros((2, 32))
    tol = 1e-12 if dtype == "float64" else 2e-5
    for t in range(10):
        h = h @ W.T + xs[:, t] @ Uq.T + p["b"]
        np.testing.assert_allclose(cache.H[t], h, rtol=tol, atol=tol)
        np.testing.assert_allclose(y[:, t], np.maximum(h, 0) @ Vq.T + p["c"], rtol=tol, atol=tol)


def test_single_input_channel_against_a_naive_loop(rng):
    """d_in = 1 (sequential MNIST) builds the input projection as an outer product."""
    model = HadamRNN(1, 8, 3, blocks=2, dtype="float64", chunk=3)
    p = model.init(rng)
    x = rng.standard_normal((2, 7, 1))
    y, _ = model.forward(p, x)
    s = np.where(p["u"] >= 0, 1.0, -1.0)
    W = s[:, None] * block_sylvester(8, 4) / math.sqrt(4)
    Uq, Vq = model.quantized_weights(p)["U"], model.quantized_weights(p)["V"]
    h = np.zeros((2, 8))
    for t in range(7):
        h = h @ W.T + x[:, t] @ Uq.T + p["b"]
        np.testing.assert_allclose(y[:, t], np.maximum(h, 0) @ Vq.T + p["c"], rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("kind,output", [("ids", "sequence"), ("float1", "last"), ("float3", "sequence")])
def test_fused_step_against_torch_autograd(rng, kind, output):
    """Multi-chunk fused loss_and_grad (kron scans, pre-scaled inputs) against torch autograd of
    an independent per-step loop with straight-through estimators (float64)."""
    torch = pytest.importorskip("torch")
    n_in = 1 if kind == "float1" else 3
    model = HadamRNN(n_in, 32, 4, blocks=2, output=output, dtype="float64", chunk=4)
    p = model.init(rng)
    B, T = 3, 13
    x = (rng.integers(0, n_in, (B, T)) if kind == "ids" else rng.standard_normal((B, T, n_in)))
    y = rng.integers(0, 4, (B, T) if output == "sequence" else (B,))
    value, grads = model.loss_and_grad(p, x, y)
    tp = {k: torch.tensor(v, requires_grad=True) for k, v in p.items()}
    q = model.quantized_weights(p)

    def ste(w, fixed):
        return w + (torch.tensor(fixed) - w).detach()

    s = ste(tp["u"], np.sign(p["u"]))
    W = s[:, None] * torch.tensor(block_sylvester(32, 16) / 4.0)
    Uq, Vq = ste(tp["U"], q["U"]), ste(tp["V"], q["V"])
    xt = (torch.nn.functional.one_hot(torch.tensor(x), n_in).double() if kind == "ids" else torch.tensor(x))
    h = torch.zeros(B, 32, dtype=torch.float64)
    ys = []
    for t in range(T):
        h = h @ W.T + xt[:, t] @ Uq.T + tp["b"]
        ys.append(torch.relu(h) @ Vq.T + tp["c"])
    if output == "sequence":
        loss = torch.nn.functional.cross_entropy(torch.stack(ys, 1).reshape(-1, 4), torch.tensor(y).reshape(-1))
    else:
        loss = torch.nn.functional.cross_entropy(ys[-1], torch.tensor(y))
    loss.backward()
    assert value == pytest.approx(loss.item(), rel=1e-12)
    for k in p:
        np.testing.assert_allclose(grads[k], tp[k].grad.numpy(), rtol=1e-9, atol=1e-12, err_msg=k)
