"""Tests of approxbounds.models._base: the training glue shared by every model (padding row)."""
import numpy as np
import pytest

from approxbounds.models import LSTM, ORNN, QORNN, HadamRNN
from approxbounds.models._base import PADDING_ID

BUILDERS = {
    "hadamrnn": lambda: HadamRNN(4, 8, 1, output="last", embedding=(9, 4), dtype="float64"),
    "ornn": lambda: ORNN(4, 8, 1, output="last", embedding=(9, 4), dtype="float64"),
    "lstm": lambda: LSTM(4, 8, 1, output="last", embedding=(9, 4), dtype="float64"),
    "qornn": lambda: QORNN(4, 8, 1, output="last", embedding=(9, 4), variant="bjorck", bits=4,
                           dtype="float64"),
}


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_padding_row_starts_at_zero_and_gets_no_gradient(name):
    model = BUILDERS[name]()
    rng = np.random.default_rng(3)
    p = model.init(rng)
    assert PADDING_ID == 0
    np.testing.assert_array_equal(p["E"][PADDING_ID], 0.0)
    assert np.all(np.any(p["E"][1:] != 0, axis=1))
    x = rng.integers(1, 9, (5, 7))
    x[:, :3] = PADDING_ID
    y = (rng.random((5, 1)) > 0.5).astype(np.float64)
    value, g = model.loss_and_grad(p, x, y, "bce_with_logits")
    assert np.isfinite(value)
    np.testing.assert_array_equal(g["E"][PADDING_ID], 0.0)
    assert np.any(g["E"][1:] != 0)                       # the other rows do learn
