"""Generic tests over every layer and activation (one table), then Dense/Embedding specifics."""
import json

import numpy as np
import pytest

from approxbounds.nn.activations import (HardThreshold, Identity, LeakyReLU, ModReLU, PiecewisePolynomial,
                                         ReLU, Tanh, piecewise_linear)
from approxbounds.nn.base import Layer, Sequential, accepts_need_dx, layer_from_config
from approxbounds.nn.gradcheck import check_layer_gradients
from approxbounds.nn.layers import Dense, Embedding, Flatten
from approxbounds.nn.mlp import MLP
from approxbounds.nn.quantizers import KBit, Sign, Ternary
from approxbounds.nn.rnn import RNN
from approxbounds.nn.tree import tree_items


def away_from(points, margin=0.05, low=-2.0, high=2.0):
    """Input maker: uniform floats at distance >= margin from every kink in ``points``."""
    def make(rng, shape):
        x = rng.uniform(low, high, shape)
        for _ in range(100):
            bad = np.zeros(shape, bool)
            for p in points:
                bad |= np.abs(x - p) < margin
            if not bad.any():
                return x
            x[bad] = rng.uniform(low, high, int(bad.sum()))
        raise RuntimeError("could not draw inputs away from the kinks")
    return make


def normal(rng, shape):
    return rng.standard_normal(shape)


def ids(vocab):
    return lambda rng, shape: rng.integers(0, vocab, shape)


# (id, layer factory, input shape, input maker, expected output shape)
LAYER_TABLE = [
    ("dense", lambda: Dense(3, 4), (5, 3), normal, (5, 4)),
    ("dense_nobias_he", lambda: Dense(3, 2, bias=False, init="he"), (2, 5, 3), normal, (2, 5, 2)),
    ("dense_bias_fanin", lambda: Dense(4, 3, init="uniform_fan_in", bias_init="uniform_fan_in"), (3, 4), normal, (3, 3)),
    ("dense_kbit4", lambda: Dense(3, 4, quantizer="kbit", bits=4), (5, 3), normal, (5, 4)),
    ("dense_kbit2_gated", lambda: Dense(3, 4, quantizer=KBit(2, alpha=0.3, ste="gated")), (5, 3), normal, (5, 4)),
    ("dense_sign_gated", lambda: Dense(3, 4, quantizer=Sign(ste="gated"), init="he"), (5, 3), normal, (5, 4)),
    ("dense_ternary", lambda: Dense(3, 4, quantizer=Ternary(threshold=0.3)), (5, 3), normal, (5, 4)),
    ("embedding", lambda: Embedding(7, 3), (4, 5), ids(7), (4, 5, 3)),
    ("flatten", lambda: Flatten(), (2, 3, 4), normal, (2, 12)),
    ("relu", lambda: ReLU(), (4, 3), away_from([0.0]), (4, 3)),
    ("leaky_relu", lambda: LeakyReLU(0.2), (4, 3), away_from([0.0]), (4, 3)),
    ("tanh", lambda: Tanh(), (4, 3), normal, (4, 3)),
    ("identity", lambda: Identity(), (4, 3), normal, (4, 3)),
    ("hard_threshold", lambda: HardThreshold(), (4, 3), away_from([0.0]), (4, 3)),
    ("modrelu", lambda: ModReLU(3, init_scale=0.5), (4, 3), away_from([0.0, -0.5, 0.5], margin=0.02), (4, 3)),
    ("piecewise_quadratic", lambda: PiecewisePolynomial([-0.5, 0.7], [[1, 2, 0], [0, -1, 3], [2, 0.5, -1]]),
     (4, 3), away_from([-0.5, 0.7]), (4, 3)),
    ("hardtanh", lambda: piecewise_linear([-1, 1], [0, 1, 0], first_intercept=-1), (6,), away_from([-1, 1]), (6,)),
    ("mlp_relu", lambda: MLP(3, [4, 5], 2), (6, 3), normal, (6, 2)),
    ("mlp_tanh_kbit", lambda: MLP(2, [3], 2, activation="tanh", quantizer="kbit", bits=3), (4, 2), normal, (4, 2)),
    ("mlp_modrelu", lambda: MLP(2, [4], 1, activation="modrelu", activation_kwargs={"init_scale": 0.3}),
     (5, 2), normal, (5, 1)),
    ("emb_flatten_dense", lambda: Sequential([Embedding(6, 2), Flatten(), Dense(6, 2), LeakyReLU(0.1)]),
     (4, 3), ids(6), (4, 2)),
    ("rnn_tanh", lambda: RNN(2, 3), (2, 4, 2), normal, (2, 4, 3)),
    ("rnn_linear_last", lambda: RNN(2, 3, nonlinearity="identity", return_sequences=False, init="orthogonal"),
     (2, 4, 2), normal, (2, 3)),
]
TABLE_IDS = [row[0] for row in LAYER_TABLE]


@pytest.fixture(params=LAYER_TABLE, ids=TABLE_IDS)
def case(request):
    return request.param


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_shape_and_dtype_preserved(case, dtype, rng):
    _, make, in_shape, make_x, out_shape = case
    layer = make()
    params = layer.init(rng, dtype)
    for path, leaf in tree_items(params):
        assert leaf.dtype == dtype, path
    x = make_x(rng, in_shape)
    if np.issubdtype(x.dtype, np.floating):
        x = x.astype(dtype)
    y, cache = layer.forward(params, x)
    assert y.shape == out_shape and y.dtype == dtype
    dx, grads = layer.backward(params, cache, np.ones_like(y))
    if np.issubdtype(x.dtype, np.floating):
        assert dx.shape == x.shape and dx.dtype == dtype
    else:
        assert dx is None
    flat_p, flat_g = dict(tree_items(params)), dict(tree_items(grads))
    assert set(flat_g) == set(flat_p)
    for path in flat_p:
        assert flat_g[path].shape == flat_p[path].shape and flat_g[path].dtype == dtype, path


def test_gradients_match_central_differences(case, rng):
    _, make, in_shape, make_x, _ = case
    res = check_layer_gradients(make(), make_x(rng, in_shape), rng, rtol=1e-5, atol=1e-7)
    assert res.ok and sum(res.n_checked.values()) > 0


def test_config_roundtrip_gives_same_function(case, rng):
    _, make, in_shape, make_x, _ = case
    layer = make()
    cfg = layer.config()
    rebuilt = layer_from_config(json.loads(json.dumps(cfg)))
    assert rebuilt == layer
    params = layer.init(rng)
    x = make_x(rng, in_shape)
    np.testing.assert_array_equal(rebuilt(params, x), layer(params, x))


def test_init_is_seeded(case):
    _, make, *_ = case
    layer = make()
    a = layer.init(np.random.default_rng(7))
    b = layer.init(np.random.default_rng(7))
    for (pa, la), (pb, lb) in zip(tree_items(a), tree_items(b)):
        assert pa == pb
        np.testing.assert_array_equal(la, lb)


# ---------------------------------------------------------------------------- Dense specifics
def test_dense_matches_explicit_affine_map(rng, assert_close):
    layer = Dense(3, 2)
    p = layer.init(rng)
    p["b"] = rng.standard_normal(2)
    x = rng.standard_normal((4, 3))
    expected = np.array([[sum(x[i, k] * p["W"][k, j] for k in range(3)) + p["b"][j] for j in range(2)]
                         for i in range(4)])
    assert_close(layer(p, x), expected)


@pytest.mark.parametrize("init,var", [("xavier_uniform", 2 / (40 + 60)), ("he", 2 / 40),
                                      ("uniform_fan_in", 1 / (3 * 40)), ("lecun_normal", 1 / 40)])
def test_dense_init_variance(init, var, rng):
    w = Dense(40, 60, init=init).init(rng)["W"]
    # 2400 draws: the sample variance is within 10% of the target with overwhelming probability
    assert abs(w.var() / var - 1) < 0.1


def test_quantized_dense_uses_quantized_weights_and_ste(rng, assert_close):
    q = KBit(2, alpha=0.5, ste="gated")
    layer = Dense(3, 4, quantizer=q)
    p = layer.init(rng)
    p["W"] = rng.uniform(-1, 1, (3, 4))
    x = rng.standard_normal((5, 3))
    y, cache = layer.forward(p, x)
    wq = q(p["W"])
    assert set(np.unique(wq)) <= set(q.levels(0.5))
    assert_close(y, x @ wq + p["b"])
    dy = rng.standard_normal(y.shape)
    dx, g = layer.backward(p, cache, dy)
    assert_close(dx, dy @ wq.T)
    assert_close(g["W"], (x.T @ dy) * (np.abs(p["W"]) <= 0.5))
    assert np.any(np.abs(p["W"]) > 0.5) and np.all(g["W"][np.abs(p["W"]) > 0.5] == 0)


def test_dense_dtype_mismatch_names_tensors(rng):
    layer = Dense(3, 2)
    p = layer.init(rng, np.float32)
    with pytest.raises(ValueError, match=r"x has dtype float64 but params\['W'\] has dtype float32"):
        layer.forward(p, np.zeros((2, 3)))


def test_dense_shape_mismatch_names_tensors(rng):
    layer = Dense(3, 2)
    p = layer.init(rng)
    with pytest.raises(ValueError, match=r"x has shape \(2, 4\) but params\['W'\] has shape \(3, 2\)"):
        layer.forward(p, np.zeros((2, 4)))


@pytest.mark.parametrize("kw,match", [({"n_in": 0, "n_out": 2}, "n_in must be >= 1"),
                                      ({"n_in": 2, "n_out": 2.0}, "n_out must be an integer"),
                                      ({"n_in": 2, "n_out": 2, "init": "magic"}, "unknown init 'magic'; valid values: xavier"),
                                      ({"n_in": 2, "n_out": 2, "quantizer": "kbit", "bits": 0}, "bits must be >= 1"),
                                      ({"n_in": 2, "n_out": 2, "bits": 4}, "bits given without a quantizer")])
def test_dense_bad_arguments(kw, match):
    with pytest.raises((ValueError, TypeError), match=match):
        Dense(**kw)


def test_bad_dtype_rejected(rng):
    with pytest.raises(ValueError, match="dtype"):
        Dense(2, 2).init(rng, np.float16)


# ------------------------------------------------------------------------ Embedding specifics
def test_embedding_repeated_ids_accumulate(rng):
    layer = Embedding(5, 2)
    p = layer.init(rng)
    idx = np.array([[1, 1, 3], [1, 0, 3]])
    y, cache = layer.forward(p, idx)
    np.testing.assert_array_equal(y, p["E"][idx])
    dy = rng.standard_normal(y.shape)
    _, g = layer.backward(p, cache, dy)
    expected = np.zeros((5, 2))
    for (i, j), tok in np.ndenumerate(idx):
        expected[tok] += dy[i, j]
    np.testing.assert_allclose(g["E"], expected, rtol=1e-14)
    assert np.all(g["E"][[2, 4]] == 0)


@pytest.mark.parametrize("bad,match", [(np.array([0, 5]), r"ids must lie in \[0, 4\]"),
                                       (np.array([-1, 2]), r"ids must lie in \[0, 4\]"),
                                       (np.array([0.0, 1.0]), "ids must be integers")])
def test_embedding_bad_ids(bad, match, rng):
    layer = Embedding(5, 2)
    with pytest.raises(ValueError, match=match):
        layer.forward(layer.init(rng), bad)


# ------------------------------------------------------------- need_dx: skipping the input gradient
def _float_input(make_x, rng, shape, dtype=np.float64):
    x = make_x(rng, shape)
    return x.astype(dtype) if np.issubdtype(x.dtype, np.floating) else x


@pytest.mark.parametrize("row", [r for r in LAYER_TABLE if accepts_need_dx(r[1]())], ids=lambda r: r[0])
def test_need_dx_false_gives_bitwise_equal_grads_and_no_dx(row, rng):
    _, make, in_shape, make_x, _ = row
    layer = make()
    params = layer.init(rng, np.float32)
    x = _float_input(make_x, rng, in_shape, np.float32)
    y, cache = layer.forward(params, x)
    dy = rng.standard_normal(y.shape).astype(np.float32)
    dx_full, g_full = layer.backward(params, cache, dy)
    dx_none, g_skip = layer.backward(params, cache, dy, need_dx=False)
    assert dx_none is None
    assert dx_full is None or dx_full.shape == x.shape
    assert [p for p, _ in tree_items(g_skip)] == [p for p, _ in tree_items(g_full)]
    for (path, a), (_, b) in zip(tree_items(g_skip), tree_items(g_full)):
        assert np.array_equal(a, b) and a.dtype == b.dtype, path


def test_need_dx_is_offered_by_dense_sequential_and_mlp():
    assert accepts_need_dx(Dense(2, 2)) and accepts_need_dx(Sequential([ReLU()])) and accepts_need_dx(MLP(2, [3], 1))
    assert not accepts_need_dx(ReLU()) and not accepts_need_dx(Embedding(3, 2))


class _Spy(Layer):
    """Wraps a layer and records the keyword arguments of every backward call."""

    kind = "_test_spy"

    def __init__(self, inner, calls):
        self.inner, self.calls = inner, calls

    def init(self, rng, dtype=np.float64):
        return self.inner.init(rng, dtype)

    def forward(self, params, x):
        return self.inner.forward(params, x)

    def backward(self, params, cache, dy, need_dx=True):
        self.calls.append((self.inner.kind, need_dx))
        return self.inner.backward(params, cache, dy, **({} if need_dx else {"need_dx": False}))


class _SpyNoKw(_Spy):
    kind = "_test_spy_nokw"

    def backward(self, params, cache, dy):
        self.calls.append((self.inner.kind, "no keyword"))
        return self.inner.backward(params, cache, dy)


def test_sequential_need_dx_skips_leading_parameter_free_layers(rng):
    calls = []
    seq = Sequential([_Spy(Flatten(), calls), _Spy(Dense(6, 4), calls), _Spy(Tanh(), calls),
                      _Spy(Dense(4, 2), calls)])
    params = seq.init(rng)
    x = rng.standard_normal((5, 2, 3))
    y, cache = seq.forward(params, x)
    dy = rng.standard_normal(y.shape)
    dx, g_full = seq.backward(params, cache, dy)
    assert dx.shape == x.shape
    assert calls == [("dense", True), ("tanh", True), ("dense", True), ("flatten", True)]
    calls.clear()
    none, g_skip = seq.backward(params, cache, dy, need_dx=False)
    assert none is None
    # Flatten (before the first parameterised layer) is not run; the first Dense skips dx
    assert calls == [("dense", True), ("tanh", True), ("dense", False)]
    assert g_skip["000"] == {} and set(g_skip) == set(g_full)
    for (p, a), (_, b) in zip(tree_items(g_skip), tree_items(g_full)):
        assert np.array_equal(a, b), p


def test_sequential_need_dx_with_a_first_layer_without_the_keyword(rng):
    calls = []
    seq = Sequential([_SpyNoKw(Dense(3, 2), calls), ReLU()])
    params = seq.init(rng)
    y, cache = seq.forward(params, rng.standard_normal((4, 3)))
    dx, grads = seq.backward(params, cache, np.ones_like(y), need_dx=False)
    assert dx is None and calls == [("dense", "no keyword")] and grads["000"]["W"].shape == (3, 2)
    # no parameters at all: nothing runs backward, every gradient tree is empty
    calls.clear()
    free = Sequential([_SpyNoKw(ReLU(), calls), Tanh()])
    y, cache = free.forward({"000": {}, "001": {}}, rng.standard_normal((2, 2)))
    assert free.backward({"000": {}, "001": {}}, cache, y, need_dx=False) == (None, {"000": {}, "001": {}})
    assert calls == []
    with pytest.raises(TypeError, match="need_dx must be a bool"):
        seq.backward(params, cache, np.ones_like(y), need_dx="no")


def test_mlp_backward_without_dx_matches_with_dx(rng):
    model = MLP(5, [7, 6], 3, dtype="float32")
    params = model.init(rng)
    y, cache = model.forward(params, rng.standard_normal((9, 5)).astype(np.float32))
    dy = rng.standard_normal(y.shape).astype(np.float32)
    dx, g_full = model.backward(params, cache, dy)
    none, g_skip = model.backward(params, cache, dy, need_dx=False)
    assert dx.shape == (9, 5) and none is None
    for (p, a), (_, b) in zip(tree_items(g_skip), tree_items(g_full)):
        assert np.array_equal(a, b), p
