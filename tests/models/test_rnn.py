"""Tests of the vanilla ReLU RNN (approxbounds.models.rnn)."""
import zlib

import numpy as np
import pytest

from approxbounds.capacity.recurrent import RecurrentArchitecture
from approxbounds.models import ReLURNN
from approxbounds.models.storage import model_storage
from approxbounds.nn.base import layer_from_config
from approxbounds.nn.gradcheck import check_layer_gradients


@pytest.fixture
def rng(request):
    return np.random.default_rng(zlib.crc32(request.node.nodeid.encode()))


def naive_forward(params, x, output):
    """Independent per-step reference: h_t = ReLU(W h + U x_t + b), y = V h + c."""
    B, T, _ = x.shape
    h = np.zeros((B, params["W"].shape[0]))
    ys = []
    for t in range(T):
        h = np.maximum(h @ params["W"].T + x[:, t] @ params["U"].T + params["b"], 0.0)
        ys.append(h @ params["V"].T + params["c"])
    return np.stack(ys, axis=1) if output == "sequence" else ys[-1]


@pytest.mark.parametrize("output", ["last", "sequence"])
def test_forward_matches_the_per_step_reference_and_gradients_are_exact(rng, output):
    model = ReLURNN(2, 3, 2, output=output, dtype="float64")
    params = model.init(rng)
    params["b"] = params["b"] + 0.3           # keep most pre-activations away from the kink
    x = rng.random((4, 5, 2))
    y, _ = model.forward(params, x)
    np.testing.assert_allclose(y, naive_forward(params, x, output), rtol=1e-12, atol=1e-12)
    assert check_layer_gradients(model, x, rng, rtol=1e-5, atol=1e-8).ok


def test_initialisation_storage_and_config_round_trip(rng):
    model = ReLURNN(3, 6, 1, w_scale=0.5)
    params = model.init(rng)
    assert params["W"].dtype == np.float32 and not params["b"].any()
    np.testing.assert_allclose(np.linalg.svd(params["W"].astype(float), compute_uv=False), 0.5, rtol=1e-5)
    n, d = 6, 3
    assert model.storage_bits() == 32 * (n * d + n * n + n + n + 1)
    assert model.storage().total_bits == model_storage(model.param_shapes()).total_bits
    again = layer_from_config(model.config())
    assert isinstance(again, ReLURNN) and again.config() == model.config()


def test_embedding_inputs_train_every_row_but_padding(rng):
    model = ReLURNN(4, 5, 1, embedding=(11, 4), dtype="float64")
    params = model.init(rng)
    assert not params["E"][0].any()
    tokens = rng.integers(0, 11, (3, 6))
    value, grads = model.loss_and_grad(params, tokens, rng.random((3, 1)), loss="mse")
    assert np.isfinite(value) and not grads["E"][0].any() and grads["E"][1:].any()


def test_its_class_is_the_certified_relu_rnn_class():
    model = ReLURNN(2, 4, 3, output="sequence")
    G = RecurrentArchitecture.from_model(model, 9)
    assert G == RecurrentArchitecture.rnn(2, 4, 3, 9, activation="relu", readout="every")
    assert G.W == sum(int(np.prod(s)) for s in model.param_shapes().values())
    assert RecurrentArchitecture.from_model(ReLURNN(2, 4, 1), 9).readout == "last"
    with pytest.raises(ValueError, match="embedding"):
        RecurrentArchitecture.from_model(ReLURNN(4, 4, 1, embedding=(5, 4)), 9)


@pytest.mark.parametrize("kwargs, match", [({"w_scale": 0.0}, "w_scale"), ({"output": "all"}, "output"),
                                           ({"n_hidden": 0}, "n_hidden")])
def test_bad_input_names_the_parameter(kwargs, match):
    args = {"n_in": 2, "n_hidden": 3, "n_out": 1, **kwargs}
    with pytest.raises(ValueError, match=match):
        ReLURNN(**args)
