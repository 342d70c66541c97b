"""RecurrentArchitecture: validation, canonical JSON, from_model (parameter counts against
models.storage, faithfulness of the class to the models' forward pass)."""
import json
import math

import numpy as np
import pytest

from approxbounds.capacity import Activation
from approxbounds.capacity.networks import as_network_class, network_from_dict
from approxbounds.capacity.recurrent import RecurrentArchitecture as R
from approxbounds.capacity.recurrent import quantizer_levels
from approxbounds.claims import network_label
from approxbounds.models import LSTM, ORNN, QORNN, HadamRNN, ReLURNN
from approxbounds.models.storage import hadamrnn_storage
from approxbounds.nn.hadamard import sylvester
from approxbounds.nn.rnn import RNN


def entries(account):
    """Number of stored scalars of a storage account (what W must equal)."""
    return sum(v[0] for v in account.items.values())


# ---------------------------------------------------------------- validation
@pytest.mark.parametrize("kwargs,match", [
    (dict(hidden=100), "hidden must be a power of two"),
    (dict(length=0), "length must be >= 1"),
    (dict(length=2**53 + 1), "length must be <= "),
    (dict(u_bits=0), "u_bits must be >= 1"),
    (dict(v_bits=33), "v_bits must be <= 32"),
    (dict(readout="all"), "unknown readout"),
    (dict(matrix="dense"), "unknown matrix"),
    (dict(recurrence="tanh"), "recurrence 'tanh' is not piecewise polynomial"),
    (dict(recurrence="sigmoid"), "not piecewise polynomial"),
    (dict(recurrence="swishy"), "recurrence"),
    (dict(d_in=0), "d_in must be >= 1"),
    (dict(blocks=2), "blocks only applies"),
    (dict(w_bits=2), "w_bits only applies"),
])
def test_bad_input_names_the_parameter(kwargs, match):
    base = dict(d_in=2, hidden=8, d_out=1, length=5, matrix="hadamard", u_bits=2, v_bits=2)
    base.update(kwargs)
    with pytest.raises(ValueError, match=match):
        R(**base)


def test_bad_matrix_parameters():
    with pytest.raises(ValueError, match="blocks .* is required"):
        R(1, 8, 1, 3, matrix="block_hadamard")
    with pytest.raises(ValueError, match="multiple of blocks"):
        R(1, 12, 1, 3, matrix="block_hadamard", blocks=5)
    with pytest.raises(ValueError, match="block size .* power of two"):
        R(1, 12, 1, 3, matrix="block_hadamard", blocks=2)
    with pytest.raises(ValueError, match="w_bits is required"):
        R(1, 8, 1, 3, matrix="quantized")
    with pytest.raises(TypeError, match="length must be an integer"):
        R(1, 8, 1, 3.0)
    with pytest.raises(TypeError, match="hidden must be an integer"):
        R(1, True, 1, 3)
    assert R(1, 12, 1, 3, matrix="block_hadamard", blocks=3).blocks == 3   # 12 = 3 x 4


def test_recurrence_forms_and_activation_attribute():
    assert R(1, 4, 1, 2).recurrence == "linear" and R(1, 4, 1, 2).activation.name == "relu"
    g = R.rnn(1, 4, 1, 2, activation="relu")
    assert isinstance(g.recurrence, Activation) and g.activation.name == "relu"
    assert R(1, 4, 1, 2, recurrence="ModReLU").recurrence == "modrelu"
    assert R(1, 4, 1, 2, recurrence="modrelu").activation.name not in ("relu", "leaky_relu", "identity")
    pp = R.rnn(1, 4, 1, 2, activation="piecewise_polynomial", pieces=3, degree=2)
    assert (pp.recurrence.pieces, pp.recurrence.degree) == (3, 2)
    assert R(1, 4, 1, 2, recurrence=(2, 1)).recurrence.name == "piecewise_polynomial"


def test_domain_label_hash_and_repr():
    g = R.hadamrnn(10, 128, 9, 1000, bits=4)
    assert g.domain == ("sequence", 10, 1000) and (g.n, g.T) == (128, 1000)
    assert "hadamard W" in g.label() and "T=1000" in g.label() and network_label(g) == g.label()
    assert hash(g) == hash(R.hadamrnn(10, 128, 9, 1000, bits=4)) and g == R.hadamrnn(10, 128, 9, 1000, bits=4)
    assert "RecurrentArchitecture(" in repr(g) and "u_bits=4" in repr(g)
    assert as_network_class(g) is g


def test_parameter_count_by_hand():
    # HadamRNN: n signs + n d + n + o n + o + two scales
    assert R.hadamrnn(10, 128, 9, 1000, bits=4).W == 128 + 1280 + 128 + 9 * 128 + 9 + 2
    assert R.hadamrnn(10, 128, 9, 1000, bits=None).W == 128 + 1280 + 128 + 9 * 128 + 9
    # QORNN: n^2 + scale, U (+ scale), b, beta, V, c
    assert R.qornn(3, 8, 2, 4, w_bits=3, u_bits=3).W == 64 + 1 + 24 + 1 + 8 + 8 + 16 + 2
    assert R.rnn(3, 8, 2, 4).W == 64 + 24 + 8 + 16 + 2


# ---------------------------------------------------------------- canonical JSON
CLASSES = [
    R.hadamrnn(10, 128, 9, 1000, bits=4),
    R.hadamrnn(1, 512, 10, 784, bits=4, blocks=4, readout="every"),
    R.hadamrnn(3, 8, 2, 1, bits=None),
    R.qornn(3, 8, 2, 10**12, w_bits=1, u_bits=2),
    R.ornn(2, 4, 1, 7),
    R.rnn(2, 4, 1, 7, activation="leaky_relu"),
    R(2, 4, 1, 7, recurrence=Activation.from_pieces(4, 3), matrix="quantized", w_bits=2),
]


@pytest.mark.parametrize("g", CLASSES, ids=lambda g: g.matrix + "-" + str(g.recurrence)[:12])
def test_to_dict_roundtrip(g):
    d = g.to_dict()
    assert d["kind"] == "recurrent" and d["W"] == g.W and d["domain"] == ["sequence", g.d_in, g.length]
    back = json.loads(json.dumps(d))
    assert R.from_dict(back) == g and R.from_dict(back).to_dict() == d
    assert network_from_dict(back) == g


def test_from_dict_rejects_non_canonical():
    d = R.hadamrnn(10, 128, 9, 1000, bits=4).to_dict()
    for key, value, match in [("W", 1, r"network_class\.W"), ("length", 1000.0, "length must be an integer"),
                              ("domain", ["cube", 10], r"network_class\.domain"),
                              ("recurrence", "tanh", "recurrence must be one of"),
                              ("hidden", 100, "power of two")]:
        bad = dict(d, **{key: value})
        with pytest.raises(ValueError, match=match):
            R.from_dict(bad)
    bad = dict(d)
    del bad["v_bits"]
    with pytest.raises(ValueError, match="missing field 'v_bits'"):
        R.from_dict(bad)
    with pytest.raises(ValueError, match="unexpected field"):
        R.from_dict(dict(d, extra=1))
    with pytest.raises(ValueError, match="must be a dict"):
        R.from_dict([1, 2])
    with pytest.raises(ValueError, match="unknown network kind"):
        network_from_dict(dict(d, kind="convolutional"))


# ---------------------------------------------------------------- from_model
MODELS = [
    (HadamRNN(10, 128, 9, bits=4), "every", "hadamard"),
    (HadamRNN(1, 64, 10, bits=4, blocks=4, output="last"), "last", "block_hadamard"),
    (HadamRNN(3, 8, 2, bits=None, output="last"), "last", "hadamard"),
    (HadamRNN(3, 8, 2, bits=1, output="last"), "last", "hadamard"),
    (ORNN(3, 8, 2), "every", "orthogonal"),
    (ORNN(3, 8, 2, parametrization="cayley", output="last"), "last", "orthogonal"),
    (QORNN(3, 8, 2, variant="bjorck", bits=3), "every", "quantized"),
    (QORNN(3, 8, 2, variant="ptq", bits=1, quantize_input=True, output="last"), "last", "quantized"),
    (QORNN(3, 8, 2, variant="projunn", bits=2), "every", "quantized"),
    (QORNN(3, 8, 2, variant="penalty", bits=4, quantize_input=True), "every", "quantized"),
    (ReLURNN(3, 8, 2), "last", "free"),
    (ReLURNN(3, 8, 2, output="sequence"), "every", "free"),
]


def _account(model):
    return hadamrnn_storage(model) if model.kind == "hadamrnn" else model.storage()


@pytest.mark.parametrize("model,readout,matrix", MODELS, ids=lambda x: getattr(x, "kind", str(x)))
def test_from_model_agrees_with_storage(model, readout, matrix):
    g = R.from_model(model, T=50)
    assert g.readout == readout and g.matrix == matrix
    assert (g.d_in, g.hidden, g.d_out, g.length) == (model.n_in, model.n_hidden, model.n_out, 50)
    assert g.W == entries(_account(model))
    assert R.from_model(model, T=50, readout="last").readout == "last"


def test_from_model_bits_map_to_the_class():
    g = R.from_model(QORNN(3, 8, 2, bits=3, quantize_input=True), T=5)
    assert (g.w_bits, g.u_bits, g.v_bits, g.recurrence) == (3, 3, None, "modrelu")
    g = R.from_model(QORNN(3, 8, 2, bits=3), T=5)
    assert (g.w_bits, g.u_bits) == (3, None)
    g = R.from_model(HadamRNN(3, 8, 2, bits=2, blocks=2), T=5)
    assert (g.blocks, g.u_bits, g.v_bits, g.recurrence) == (2, 2, 2, "linear")


def test_from_model_refusals():
    with pytest.raises(ValueError, match="LSTM"):
        R.from_model(LSTM(3, 8, 2), T=5)
    with pytest.raises(ValueError, match="tanh"):
        R.from_model(RNN(3, 8, nonlinearity="tanh"), T=5)
    with pytest.raises(ValueError, match="without a read-out"):
        R.from_model(RNN(3, 8, nonlinearity="relu"), T=5)
    with pytest.raises(ValueError, match="embedding"):
        R.from_model(HadamRNN(4, 8, 2, embedding=(20, 4)), T=5)
    with pytest.raises(TypeError, match="HadamRNN, ORNN, QORNN or ReLURNN"):
        R.from_model(object(), T=5)
    with pytest.raises(ValueError, match="length must be >= 1"):
        R.from_model(HadamRNN(3, 8, 2), T=0)


def test_quantizer_levels_match_the_models():
    from approxbounds.nn.quantizers import KBit

    for p in range(1, 9):
        assert quantizer_levels(p) == KBit(p).n_levels
    with pytest.raises(ValueError, match="bits must be >= 1"):
        quantizer_levels(0)


# ---------------------------------------------------------------- the class is the model's
def _class_forward_linear(s, Ut, aU, b, Vt, aV, c, X):
    """The class formula of docs/capacity.md §9.1 for the linear recurrence (reference)."""
    n = s.size
    W = (s[:, None] * sylvester(n, np.float64)) / math.sqrt(n)
    h = np.zeros((X.shape[0], n))
    for t in range(X.shape[1]):
        h = h @ W.T + b + aU * (X[:, t] @ Ut.T)
    return aV * (np.maximum(h, 0) @ Vt.T) + c, h


@pytest.mark.parametrize("bits", [1, 2, 4])
def test_hadamrnn_forward_is_a_member_of_its_class(bits):
    """Decompose a HadamRNN into (sgn u, integer levels of U and V, scales, b, c) and evaluate
    the class formula: equal to the model's forward pass; the levels lie on the grid."""
    rng = np.random.default_rng(bits)
    model = HadamRNN(3, 8, 2, bits=bits, output="last", dtype="float64")
    p = model.init(rng)
    X = rng.standard_normal((5, 6, 3))
    y, cache = model.forward(p, X)
    q = model.quantizer
    step = lambda w: np.max(np.abs(w)) / 2 ** (bits - 1)   # the grid step alpha / 2^{p-1}
    Uq, Vq = q(p["U"]), q(p["V"])
    Ut, Vt = Uq / step(p["U"]), Vq / step(p["V"])
    assert np.allclose(Ut, np.round(Ut)) and np.allclose(Vt, np.round(Vt))
    levels = set(np.round(Ut).ravel()) | set(np.round(Vt).ravel())
    lo, hi = (-1, 1) if bits == 1 else (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1)
    assert levels <= set(range(lo, hi + 1)) and hi - lo + 1 == quantizer_levels(bits)
    y_ref, h_ref = _class_forward_linear(np.sign(p["u"]), np.round(Ut), step(p["U"]), p["b"],
                                         np.round(Vt), step(p["V"]), p["c"], X)
    assert np.allclose(y, y_ref, atol=1e-12) and np.allclose(cache.H[-1], h_ref, atol=1e-12)


def test_hadamrnn_hidden_state_is_linear_in_bias_and_input_scale():
    """The step behind the T-independent bound, on the real model: with the discrete parts
    fixed, h_T is linear in (b, alpha_U): h(b1, U) + h(b2, U) = h(b1 + b2, 2U)."""
    rng = np.random.default_rng(0)
    model = HadamRNN(2, 8, 1, bits=3, output="last", dtype="float64")
    p = model.init(rng)
    X = rng.standard_normal((4, 40, 2))
    H = lambda q: model.forward(q, X)[1].H[-1]
    b1, b2 = rng.standard_normal(8), rng.standard_normal(8)
    lhs = H(dict(p, b=b1)) + H(dict(p, b=b2))
    rhs = H(dict(p, b=b1 + b2, U=2 * p["U"]))
    assert np.allclose(lhs, rhs, atol=1e-10) and np.abs(lhs).max() > 0.1
    # and alpha_V moves inside: y(V/2, scaled hidden state by 2) has the same ReLU read-out
    y1 = model.forward(p, X)[0]
    y2 = model.forward(dict(p, b=2 * p["b"], U=2 * p["U"], V=p["V"] / 2), X)[0]
    assert np.allclose(y1, y2, atol=1e-10)


def test_qornn_deployed_W_lies_on_the_class_grid():
    rng = np.random.default_rng(1)
    for bits in (1, 2, 3):
        model = QORNN(3, 8, 2, bits=bits, quantize_input=True, dtype="float64")
        p = model.init(rng)
        _, dp = model.deployed(p)
        for name in ("W", "U"):
            w = dp[name]
            step = np.max(np.abs(model.orthogonal_matrix(p) if name == "W" else p["U"])) / 2 ** (bits - 1)
            lv = w / step
            assert np.allclose(lv, np.round(lv))
            assert len(set(np.round(lv).ravel())) <= quantizer_levels(bits)
