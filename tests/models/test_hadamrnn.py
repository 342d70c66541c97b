"""Tests of approxbounds.models.hadamrnn (HadamRNN / Block-HadamRNN).

The reference used throughout is an independent, deliberately naive implementation written
here from rnn.md §1: a per-step loop with the dense W = diag(s)(I_q ⊗ S_m)/√m and the p-bit
quantizer written out again. STE gradients are checked as the gradients of that reference
with respect to s = sgn u, Q(U), Q(V) (the definition of the straight-through estimator).
"""
import math
import zlib

import numpy as np
import pytest

from approxbounds.models import HadamRNN
from approxbounds.nn.base import layer_from_config
from approxbounds.nn.gradcheck import check_layer_gradients, numeric_gradient
from approxbounds.nn.hadamard import block_sylvester
from approxbounds.nn.losses import softmax_cross_entropy
from approxbounds.nn.orthogonal import orthogonality_defect


@pytest.fixture
def rng(request):
    return np.random.default_rng(zlib.crc32(request.node.nodeid.encode()))


# ----------------------------------------------------------------- independent reference
def q_p(w, p):
    """rnn.md §1 quantizer, written independently of approxbounds.nn.quantizers."""
    if p is None:
        return w.copy()
    alpha = np.max(np.abs(w)) or 1.0
    half = 2.0 ** (p - 1)
    hi = 1 if p == 1 else half - 1            # official clamp: p = 1 is ternary {-a, 0, a}
    return np.clip(np.round(w * half / alpha), -half, hi) * alpha / half


def ref_inputs(model, params, x):
    x = np.asarray(x)
    if np.issubdtype(x.dtype, np.integer):
        if model.embedding is not None:
            return params["E"][x]
        return np.eye(model.n_in)[x]
    return x


def ref_forward(model, s, Uq, b, Vq, c, xs):
    """Naive loop; xs is (B, T, d_in) float."""
    n, m = model.n_hidden, model.block_size
    W = np.diag(s) @ block_sylvester(n, m) / math.sqrt(m)
    B, T, _ = xs.shape
    h = np.zeros((B, n))
    ys = []
    for t in range(T):
        h = h @ W.T + xs[:, t] @ Uq.T + b
        ys.append(np.maximum(h, 0) @ Vq.T + c)
    return np.stack(ys, 1) if model.output == "sequence" else ys[-1]


def init_off_kinks(model, rng, x):
    """Parameters with every pre-activation |h| > 1e-6: quantized grids can make some h_t
    exactly 0 (a ReLU kink), where the derivative is a convention and central differences
    straddle the kink. Redraw b until no such point occurs."""
    p = model.init(rng)
    for _ in range(50):
        if np.min(np.abs(model.forward(p, x)[1].H)) > 1e-6:
            return p
        p["b"] = rng.uniform(-0.5, 0.5, p["b"].shape).astype(p["b"].dtype)
    raise AssertionError("could not draw parameters away from ReLU kinks")


def ste_point(model, params):
    s = np.where(params["u"] >= 0, 1.0, -1.0)
    return s, q_p(params["U"], model.bits), q_p(params["V"], model.bits)


MODELS = [
    dict(n_in=3, n_hidden=8, n_out=4),
    dict(n_in=3, n_hidden=8, n_out=4, output="last"),
    dict(n_in=3, n_hidden=8, n_out=4, blocks=2),
    dict(n_in=2, n_hidden=4, n_out=3, bits=2, chunk=2),
    dict(n_in=3, n_hidden=8, n_out=2, path="dense", blocks=4),
    dict(n_in=3, n_hidden=8, n_out=2, path="fwht", chunk=3),
    dict(n_in=3, n_hidden=8, n_out=2, bits=None),
]


# ----------------------------------------------------------------- W: orthogonal, binary / ternary
@pytest.mark.parametrize("n,blocks", [(8, 1), (128, 1), (512, 1), (128, 4), (512, 4), (64, 64)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_recurrent_matrix_orthogonal_with_allowed_entries(rng, n, blocks, dtype):
    model = HadamRNN(3, n, 2, blocks=blocks, dtype=dtype)
    m = n // blocks
    for scale in (1.0, 1e-8, 1e3):          # u is unbounded: any scale, any signs
        params = model.init(rng)
        params["u"] = (rng.standard_normal(n) * scale).astype(dtype)
        W = model.recurrent_matrix(params)
        assert W.dtype == np.dtype(dtype) and W.shape == (n, n)
        assert orthogonality_defect(W, norm="spectral") < 1e-6
        assert model.orthogonality_defect(params) < 1e-5
        vals = set(np.unique(W.astype(np.float64)).tolist())
        allowed = {float(np.asarray(v, dtype=dtype)) for v in (1 / math.sqrt(m), -1 / math.sqrt(m))}
        if blocks > 1:
            allowed.add(0.0)
        assert vals <= allowed
        assert np.count_nonzero(W) == n * n // blocks       # non-zero fraction exactly 1/q
        # the sign vector flips rows
        s = np.where(params["u"] >= 0, 1.0, -1.0)
        np.testing.assert_array_equal(W, (np.diag(s) @ block_sylvester(n, m) / np.sqrt(m)).astype(dtype))


def test_sign_of_zero_is_zero_as_torch_sign():
    """Official convention (torch.sign): sgn 0 = 0, so u_i = 0 zeroes row i of W."""
    model = HadamRNN(1, 4, 1, dtype="float64")
    p = model.init(np.random.default_rng(0))
    p["u"] = np.array([0.0, -0.0, -1e-300, 2.0])
    np.testing.assert_array_equal(model.signs(p), [0, 0, -1, 1])
    W = model.recurrent_matrix(p)
    np.testing.assert_array_equal(W[:2], 0.0)
    np.testing.assert_array_equal(np.abs(W[2:]), 0.5)


def test_quantized_weights_on_the_p_bit_grid(rng):
    for bits in (1, 2, 4, 8):
        model = HadamRNN(5, 16, 7, bits=bits, dtype="float64")
        p = model.init(rng)
        q = model.quantized_weights(p)
        for name in ("U", "V"):
            alpha = np.max(np.abs(p[name]))
            top = 2 if bits == 1 else 2 ** (bits - 1)      # 1 bit: ternary {-a, 0, a}
            levels = np.arange(-2 ** (bits - 1), top) * alpha / 2 ** (bits - 1)
            assert np.all(np.min(np.abs(q[name][..., None] - levels), axis=-1) == 0)
            assert len(np.unique(q[name])) <= len(levels)
            if bits == 1:
                assert set(np.unique(q[name])) == {-alpha, 0.0, alpha}
            # nearest level (round to nearest, clipped at the top)
            np.testing.assert_allclose(q[name], q_p(p[name], bits), rtol=0, atol=1e-15)


def test_init_ranges_hand_computed_from_the_official_code(rng):
    """Official copy model (n=128, d_in=10, d_out=9), ranges computed by hand from the torch
    initialisers it uses: xavier_uniform_ on u (1×128): √(6/129) = 0.215666...; on U (128×10):
    √(6/138) = 0.208514...; on V (9×128): √(6/137) = 0.209274...; nn.Linear(128, 128).bias
    and nn.Linear(128, 9).bias: U(±1/√128) = U(±0.0883883...)."""
    bounds = {"u": 0.21566554640687682, "U": 0.20851441405707477, "V": 0.20927403192454674,
              "b": 0.08838834764831843, "c": 0.08838834764831843}
    model = HadamRNN(10, 128, 9, dtype="float64")
    draws = {k: np.concatenate([model.init(np.random.default_rng(s))[k].ravel() for s in range(40)])
             for k in bounds}
    for k, lim in bounds.items():
        a = np.abs(draws[k])
        assert a.max() <= lim, k
        assert a.max() > 0.97 * lim, k                       # the whole interval is used
        assert abs(np.mean(a) / lim - 0.5) < 0.05, k          # |U(-l, l)| has mean l/2


def test_embedding_padding_row_zero_and_never_trained(rng):
    """nn.Embedding(vocab, dim, padding_idx=0): row 0 starts at zero and Adam never moves it."""
    from approxbounds.nn.optim import adam, apply_updates
    model = HadamRNN(4, 8, 1, output="last", embedding=(12, 4), dtype="float64")
    p = model.init(rng)
    np.testing.assert_array_equal(p["E"][0], 0.0)
    assert np.all(np.abs(p["E"][1:]).sum(axis=1) > 0)
    x = rng.integers(0, 12, (6, 9))
    x[:, :4] = 0                                        # left padding, as Keras IMDB
    y = (rng.random((6, 1)) > 0.5).astype(np.float64)
    opt = adam(1e-2)
    state = opt.init(p)
    for _ in range(5):
        _, g = model.loss_and_grad(p, x, y, "bce_with_logits")
        assert np.all(g["E"][0] == 0.0)
        upd, state = opt.update(g, state, p)
        p = apply_updates(p, upd)
    np.testing.assert_array_equal(p["E"][0], 0.0)
    # backward itself still returns the true derivative of row 0 (used by the padding tokens)
    yhat, cache = model.forward(p, x)
    _, raw = model.backward(p, cache, np.ones_like(yhat))
    assert np.any(raw["E"][0] != 0.0)


def test_init_distribution_bounds(rng):
    n, d, o = 128, 10, 9
    model = HadamRNN(d, n, o)
    p = model.init(rng)
    assert all(v.dtype == np.float32 for v in p.values())
    assert np.max(np.abs(p["u"])) <= math.sqrt(6 / (n + 1))
    assert np.max(np.abs(p["U"])) <= math.sqrt(6 / (n + d))
    assert np.max(np.abs(p["V"])) <= math.sqrt(6 / (n + o))
    # official convention: b is the bias of the n x n recurrent layer, fan-in n (not d_in)
    assert np.max(np.abs(p["b"])) <= 1 / math.sqrt(n)
    assert np.max(np.abs(p["b"])) > 0.9 / math.sqrt(n)
    assert np.max(np.abs(p["c"])) <= 1 / math.sqrt(n)
    # uniform, not degenerate: spread over most of the interval
    assert np.max(np.abs(p["U"])) > 0.9 * math.sqrt(6 / (n + d))
    assert 0.3 < np.mean(p["u"] >= 0) < 0.7


# ----------------------------------------------------------------- forward vs reference
@pytest.mark.parametrize("kw", MODELS)
@pytest.mark.parametrize("kind", ["ids", "float"])
def test_forward_matches_reference(rng, kw, kind):
    model = HadamRNN(dtype="float64", **kw)
    p = model.init(rng)
    x = rng.integers(0, model.n_in, (3, 7)) if kind == "ids" else rng.standard_normal((3, 7, model.n_in))
    y, _ = model.forward(p, x)
    s, Uq, Vq = ste_point(model, p)
    ref = ref_forward(model, s, Uq, p["b"], Vq, p["c"], ref_inputs(model, p, x))
    assert y.shape == ref.shape
    np.testing.assert_allclose(y, ref, rtol=1e-12, atol=1e-12)


def test_embedding_forward_matches_reference(rng):
    model = HadamRNN(4, 8, 3, embedding=(11, 4), dtype="float64", output="last")
    p = model.init(rng)
    assert p["E"].shape == (11, 4)
    x = rng.integers(0, 11, (2, 6))
    s, Uq, Vq = ste_point(model, p)
    np.testing.assert_allclose(model(p, x), ref_forward(model, s, Uq, p["b"], Vq, p["c"], p["E"][x]),
                               rtol=1e-12, atol=1e-12)


# ----------------------------------------------------------------- gradients (STE definition)
def _reference_grads(model, p, x, R):
    s, Uq, Vq = ste_point(model, p)
    point = {"u": s, "U": Uq, "b": p["b"].copy(), "V": Vq, "c": p["c"].copy()}
    if model.embedding is not None:
        point["E"] = p["E"].copy()
    xf = None if np.issubdtype(np.asarray(x).dtype, np.integer) else np.array(x, copy=True)

    def value():
        xs = ref_inputs(model, point, x) if xf is None else xf
        y = ref_forward(model, point["u"], point["U"], point["b"], point["V"], point["c"], xs)
        return float(np.sum(y * R))

    g = {k: numeric_gradient(value, v, 1e-6) for k, v in point.items()}
    if xf is not None:
        g["x"] = numeric_gradient(value, xf, 1e-6)
    return g


@pytest.mark.parametrize("kw", MODELS)
@pytest.mark.parametrize("kind", ["ids", "float"])
def test_gradients_match_central_differences_of_reference(rng, kw, kind):
    model = HadamRNN(dtype="float64", **kw)
    x = rng.integers(0, model.n_in, (2, 5)) if kind == "ids" else rng.standard_normal((2, 5, model.n_in))
    p = init_off_kinks(model, rng, x)
    y, cache = model.forward(p, x)
    R = rng.standard_normal(y.shape)
    dx, grads = model.backward(p, cache, R)
    ref = _reference_grads(model, p, x, R)
    assert set(grads) == {"u", "U", "b", "V", "c"}
    for k in grads:
        assert grads[k].shape == p[k].shape and grads[k].dtype == np.float64
        np.testing.assert_allclose(grads[k], ref[k], rtol=1e-6, atol=1e-8, err_msg=k)
    if kind == "float":
        np.testing.assert_allclose(dx, ref["x"], rtol=1e-6, atol=1e-8)
    else:
        assert dx is None


@pytest.mark.parametrize("vocab", [6, 300])     # dense one-hot scatter / sorted-run scatter
def test_embedding_gradients(rng, vocab):
    model = HadamRNN(4, 8, 3, embedding=(vocab, 4), dtype="float64", chunk=2)
    x = rng.integers(0, vocab, (3, 5))
    x[0, :3] = x[1, 1]                           # repeated ids must add up
    p = init_off_kinks(model, rng, x)
    y, cache = model.forward(p, x)
    R = rng.standard_normal(y.shape)
    _, grads = model.backward(p, cache, R)
    ref = _reference_grads(model, p, x, R)
    for k in ("u", "U", "b", "V", "c", "E"):
        np.testing.assert_allclose(grads[k], ref[k], rtol=1e-6, atol=1e-8, err_msg=k)


def test_du_is_the_ste_of_the_dense_dW(rng):
    """du_i = Σ_j dW_ij S_ij/√m with dW = Σ_t G_tᵀ H_{t-1} (the textbook STE), in float32 too."""
    for dtype, tol in (("float64", 1e-10), ("float32", 2e-3)):
        model = HadamRNN(3, 32, 4, blocks=2, dtype=dtype)
        p = model.init(rng)
        x = rng.integers(0, 3, (4, 60))
        y, cache = model.forward(p, x)
        R = rng.standard_normal(y.shape).astype(dtype)
        _, grads = model.backward(p, cache, R)
        # dense dW from the states and the back-propagated G (float64 recomputation)
        H = cache.H.astype(np.float64)
        W = model.recurrent_matrix(p).astype(np.float64)
        Vq = q_p(p["V"].astype(np.float64), 4)
        G = np.zeros_like(H)
        Rt = R.astype(np.float64).transpose(1, 0, 2)
        g = np.zeros(H.shape[1:])
        for t in range(H.shape[0] - 1, -1, -1):
            g = (Rt[t] @ Vq) * (H[t] > 0) + (g @ W if t < H.shape[0] - 1 else 0)
            G[t] = g
        dW = np.einsum("tbi,tbj->ij", G[1:], H[:-1])
        bs = block_sylvester(32, 16) / 4.0
        du = np.sum(dW * bs, axis=1)
        np.testing.assert_allclose(grads["u"], du, rtol=tol, atol=tol * np.max(np.abs(du)))


def test_project_gradcheck_with_ste_surrogate(rng):
    model = HadamRNN(3, 8, 2, dtype="float64", blocks=2)
    check_layer_gradients(model, rng.standard_normal((2, 5, 3)), rng)
    check_layer_gradients(model, rng.integers(0, 3, (2, 5)), rng)


def test_torch_autograd_oracle(rng):
    torch = pytest.importorskip("torch")
    model = HadamRNN(3, 8, 4, dtype="float64", blocks=2)
    ids = rng.integers(0, 3, (3, 6))
    p = init_off_kinks(model, rng, ids)
    tgt = rng.integers(0, 4, (3, 6))
    value, grads = model.loss_and_grad(p, ids, tgt, softmax_cross_entropy)
    tp = {k: torch.tensor(v, requires_grad=True) for k, v in p.items()}

    def ste(w, q):
        return w + (torch.tensor(q) - w).detach()

    s = ste(tp["u"], np.where(p["u"] >= 0, 1.0, -1.0))
    W = s[:, None] * torch.tensor(block_sylvester(8, 4) / 2.0)
    Uq, Vq = ste(tp["U"], q_p(p["U"], 4)), ste(tp["V"], q_p(p["V"], 4))
    x = torch.nn.functional.one_hot(torch.tensor(ids), 3).double()
    h = torch.zeros(3, 8, dtype=torch.float64)
    ys = []
    for t in range(6):
        h = h @ W.T + x[:, t] @ Uq.T + tp["b"]
        ys.append(torch.relu(h) @ Vq.T + tp["c"])
    loss = torch.nn.functional.cross_entropy(torch.stack(ys, 1).reshape(-1, 4), torch.tensor(tgt).reshape(-1))
    loss.backward()
    assert value == pytest.approx(loss.item(), rel=1e-12)
    for k in p:
        np.testing.assert_allclose(grads[k], tp[k].grad.numpy(), rtol=1e-9, atol=1e-12, err_msg=k)


# ----------------------------------------------------------------- paths and chunks agree
@pytest.mark.parametrize("blocks", [1, 4])
def test_fast_and_dense_paths_agree(rng, blocks):
    base = dict(n_in=10, n_hidden=64, n_out=9, blocks=blocks)
    models = {path: HadamRNN(path=path, **base) for path in ("dense", "fwht", "kron", "auto")}
    p = models["dense"].init(rng)
    x = rng.integers(0, 10, (8, 50))
    out = {k: m.forward(p, x) for k, m in models.items()}
    R = rng.standard_normal(out["dense"][0].shape).astype(np.float32)
    grads = {k: models[k].backward(p, out[k][1], R)[1] for k in models}
    y0 = out["dense"][0]
    for k in models:
        assert out[k][0].dtype == np.float32
        np.testing.assert_allclose(out[k][0], y0, rtol=1e-4, atol=1e-4 * np.abs(y0).max())
        for name, g in grads[k].items():
            g0 = grads["dense"][name]
            np.testing.assert_allclose(g, g0, rtol=1e-3, atol=1e-4 * np.abs(g0).max(), err_msg=f"{k}/{name}")
    # float64: the paths agree to rounding
    m64 = {path: HadamRNN(path=path, dtype="float64", **base) for path in ("dense", "fwht", "kron")}
    p64 = {k: v.astype(np.float64) for k, v in p.items()}
    ys = [m.forward(p64, x)[0] for m in m64.values()]
    for y in ys[1:]:
        np.testing.assert_allclose(y, ys[0], rtol=1e-11, atol=1e-11)


def test_chunk_size_does_not_change_results(rng):
    kw = dict(n_in=3, n_hidden=16, n_out=2, dtype="float64")
    p = HadamRNN(**kw).init(rng)
    x = rng.standard_normal((2, 11, 3))
    res = []
    for chunk in (1, 3, 11, 64):
        m = HadamRNN(chunk=chunk, **kw)
        y, c = m.forward(p, x)
        res.append((y, m.backward(p, c, np.ones_like(y))))
    for y, (dx, g) in res[1:]:
        np.testing.assert_allclose(y, res[0][0], rtol=1e-13)
        np.testing.assert_allclose(dx, res[0][1][0], rtol=1e-12, atol=1e-14)
        for k in g:
            np.testing.assert_allclose(g[k], res[0][1][1][k], rtol=1e-11, atol=1e-13)


# ----------------------------------------------------------------- config, training, errors
def test_config_round_trip_and_storage():
    m = HadamRNN(4, 32, 3, bits=3, output="last", blocks=2, embedding=(50, 4), dtype="float64", path="fwht")
    c = m.config()
    assert layer_from_config(c) == m and HadamRNN.from_config(c) == m
    assert m.storage_bits() == 32 + 32 * 4 * 3 + 3 * 32 * 3 + 32 * (32 + 3) + 32 * 50 * 4 + 2 * 32
    import json
    json.dumps(c)


def test_training_reduces_loss_with_fit(rng, tmp_path):
    from approxbounds.nn.optim import adam
    from approxbounds.nn.trainer import fit

    model = HadamRNN(4, 16, 4, dtype="float64")
    x = rng.integers(0, 4, (16, 6))
    y = np.roll(x, 1, axis=1)            # predict the previous symbol: needs memory
    p0 = model.init(np.random.default_rng(0))
    v0 = softmax_cross_entropy(model(p0, x), y)[0]
    res = fit(model, p0, None, (x, y), adam(3e-2), steps=60, grad_fn=model.grad_fn("cross_entropy"),
              progress=False, checkpoint_path=tmp_path / "ck.npz")
    v1 = softmax_cross_entropy(model(res.params, x), y)[0]
    assert v1 < 0.7 * v0


@pytest.mark.parametrize("kwargs,match", [
    (dict(n_in=2, n_hidden=12, n_out=2), "power of two"),
    (dict(n_in=2, n_hidden=16, n_out=2, blocks=3), "multiple of blocks"),
    (dict(n_in=2, n_hidden=24, n_out=2, blocks=2), "power of two"),
    (dict(n_in=2, n_hidden=16, n_out=2, bits=0), "bits"),
    (dict(n_in=2, n_hidden=16, n_out=2, output="all"), "output"),
    (dict(n_in=2, n_hidden=16, n_out=2, path="gpu"), "path"),
    (dict(n_in=2, n_hidden=16, n_out=2, embedding=(10, 3)), "embedding dim"),
    (dict(n_in=2, n_hidden=16, n_out=2, dtype="float16"), "dtype"),
    (dict(n_in=0, n_hidden=16, n_out=2), "n_in"),
])
def test_constructor_validation(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        HadamRNN(**kwargs)


def test_input_and_gradient_validation(rng):
    m = HadamRNN(3, 8, 2)
    p = m.init(rng)
    with pytest.raises(ValueError, match=r"\[0, 2\]"):
        m.forward(p, np.array([[0, 3]]))
    with pytest.raises(ValueError, match="dtype"):
        m.forward(p, np.zeros((1, 2, 3)))            # float64 input, float32 params
    with pytest.raises(ValueError, match="n_in=3"):
        m.forward(p, np.zeros((1, 2, 4), dtype=np.float32))
    with pytest.raises(ValueError, match="NaN"):
        m.forward(p, np.full((1, 2, 3), np.nan, dtype=np.float32))
    with pytest.raises(ValueError, match="keys"):
        m.forward({"u": p["u"]}, np.zeros((1, 2), dtype=int))
    bad = dict(p, U=np.zeros((8, 4), np.float32))
    with pytest.raises(ValueError, match="U"):
        m.forward(bad, np.zeros((1, 2), dtype=int))
    y, c = m.forward(p, np.zeros((2, 3), dtype=int))
    with pytest.raises(ValueError, match="dy must have shape"):
        m.backward(p, c, np.zeros((2, 2, 2), np.float32))
