import math

import numpy as np
import pytest

from approxbounds.tasks.copy import (
    BLANK, MARKER, N_OUTPUT_CLASSES, CopyTask, copy_metrics, one_hot_encode,
)


@pytest.mark.parametrize("S", [20, 21, 120, 1020])
def test_total_length_layout(S):
    task = CopyTask.total_length(S)
    x, y = task.tokens(np.random.default_rng(S), 7)
    K = 10
    assert x.shape == y.shape == (7, S) and task.length == S
    assert np.all((x[:, :K] >= 1) & (x[:, :K] <= 8))
    assert np.all(x[:, K:S - K] == BLANK)
    assert np.all(x[:, S - K] == MARKER) and task.marker_position == S - K
    assert np.all(x[:, S - K + 1:] == BLANK)
    # target: blanks, then the K symbols, the first due AT the marker step
    assert np.all(y[:, :S - K] == BLANK)
    np.testing.assert_array_equal(y[:, S - K:], x[:, :K])
    assert (x == MARKER).sum() == 7
    assert task.baseline == pytest.approx(K * math.log(8) / S, rel=1e-15)


@pytest.mark.parametrize("T", [1, 5, 100, 1000])
def test_delay_layout_and_baseline(T):
    task = CopyTask.delay(T)
    S = T + 20
    x, y = task.tokens(np.random.default_rng(T), 5)
    assert x.shape == (5, S) and task.length == S
    # uRNN layout: 10 symbols, T-1 blanks, marker, 10 blanks; target T+10 blanks then symbols
    assert np.all(x[:, 10:10 + T - 1] == BLANK) and np.all(x[:, T + 9] == MARKER)
    assert np.all(x[:, T + 10:] == BLANK)
    assert np.all(y[:, :T + 10] == BLANK)
    np.testing.assert_array_equal(y[:, T + 10:], x[:, :10])
    assert task.baseline == pytest.approx(10 * math.log(8) / (T + 20), rel=1e-15)


def test_conventions_differ_only_in_marker():
    a = CopyTask.total_length(40).tokens(np.random.default_rng(1), 3)
    b = CopyTask.delay(20).tokens(np.random.default_rng(1), 3)
    np.testing.assert_array_equal(a[1], b[1])                 # same targets
    assert np.argmax(a[0][0] == MARKER) == 30 and np.argmax(b[0][0] == MARKER) == 29


def test_seeded_and_symbols_uniform():
    task = CopyTask.total_length(30)
    x1, _ = task.batch(np.random.default_rng(3), 4)
    x2, _ = task.batch(np.random.default_rng(3), 4)
    np.testing.assert_array_equal(x1, x2)
    assert x1.dtype == np.float32 and x1.shape == (4, 30, 10) and np.all(x1.sum(-1) == 1)
    ids, _ = task.tokens(np.random.default_rng(0), 4000)
    counts = np.bincount(ids[:, :10].ravel(), minlength=9)[1:]
    assert counts.min() > 0.9 * 5000 and counts.max() < 1.1 * 5000   # 40000 draws over 8 symbols


def test_baseline_is_memoryless_predictor_ce():
    """The baseline is exactly the CE of 'blank off the window, uniform on the window'."""
    task = CopyTask.total_length(50)
    _, y = task.tokens(np.random.default_rng(0), 16)
    logits = np.full(y.shape + (N_OUTPUT_CLASSES,), -np.inf)
    logits[..., 0] = 0.0
    logits[:, task.recall_start:, :] = -np.inf
    logits[:, task.recall_start:, 1:] = 0.0
    logits = np.where(np.isinf(logits), -1e9, logits)
    m = task.metrics(logits, y)
    assert m["ce"] == pytest.approx(task.baseline, rel=1e-12)
    assert m["ce_over_baseline"] == pytest.approx(1.0, rel=1e-12)


def test_metrics_perfect_and_recall():
    task = CopyTask.total_length(25)
    _, y = task.tokens(np.random.default_rng(0), 8)
    logits = one_hot_encode(y, 9, np.float64) * 30.0
    m = copy_metrics(logits, y, task.recall_start)
    assert m["recall_accuracy"] == 1.0 and m["accuracy"] == 1.0 and m["ce"] < 1e-11
    assert m["accuracy_all_positions"] == 1.0
    wrong = logits.copy()
    wrong[:, task.recall_start:] = 0.0
    wrong[:, task.recall_start:, 0] = 30.0                    # predicts blanks in the window
    m = copy_metrics(wrong, y, task.recall_start)
    # accuracy counts the recall window only; the blanks are right but not counted
    assert m["recall_accuracy"] == 0.0 and m["accuracy"] == 0.0
    assert m["accuracy_all_positions"] == pytest.approx(15 / 25)


def test_bad_input():
    with pytest.raises(ValueError, match="length"):
        CopyTask.total_length(19)
    with pytest.raises(ValueError, match="delay"):
        CopyTask.delay(0)
    with pytest.raises(ValueError, match="convention"):
        CopyTask("lag", 10)
    with pytest.raises(TypeError, match="batch"):
        CopyTask.total_length(20).tokens(np.random.default_rng(0), 2.0)
    with pytest.raises(TypeError, match="rng"):
        CopyTask.total_length(20).tokens(0, 2)
    with pytest.raises(ValueError, match="logits"):
        copy_metrics(np.zeros((2, 20, 10)), np.zeros((2, 20), int), 10)
    with pytest.raises(ValueError, match="tokens"):
        one_hot_encode(np.array([0, 10]), 10)
