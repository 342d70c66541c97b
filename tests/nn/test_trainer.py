"""The training loop: determinism, bitwise resume, logs, non-finite detection, bad input."""
import json

import numpy as np
import pytest

from approxbounds.nn.base import Layer, register_layer
from approxbounds.nn.losses import mse
from approxbounds.nn.mlp import MLP
from approxbounds.nn.optim import adam, chain, clip_by_global_norm, sgd
from approxbounds.nn.schedules import step_decay
from approxbounds.nn.trainer import array_batches, check_finite_tree, default_grad_fn, fit
from approxbounds.nn.tree import tree_items


@register_layer
class _Linear(Layer):
    """A tiny private layer y = x w (no bias) for tests independent of the layer library."""

    kind = "_test_linear"

    def __init__(self, n: int):
        self.n = n

    def init(self, rng, dtype=np.float64):
        return {"w": rng.standard_normal((self.n, 1)).astype(dtype)}

    def forward(self, params, x):
        return x @ params["w"], x

    def backward(self, params, cache, dy):
        return dy @ params["w"].T, {"w": cache.T @ dy}

    def config(self):
        return {"kind": self.kind, "n": self.n}


def _data(n=64, d=2, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.random((n, d))
    return x, np.sin(3 * x[:, :1]) + x[:, 1:] ** 2


def _model():
    return MLP(2, [8], 1, activation="tanh")


def _opt():
    return chain(clip_by_global_norm(5.0), adam(step_decay(3e-2, 0.5, every=7)))


def _same_tree(a, b):
    la, lb = list(tree_items(a)), list(tree_items(b))
    return [p for p, _ in la] == [p for p, _ in lb] and all(
        np.array_equal(x, y) and np.asarray(x).dtype == np.asarray(y).dtype for (_, x), (_, y) in zip(la, lb))


def _timeless(history):
    """The records without their wall time, after checking it is there and never decreases."""
    walls = [r["wall_s"] for r in history]
    assert all(isinstance(w, float) and w >= 0 for w in walls) and walls == sorted(walls)
    return [{k: v for k, v in r.items() if k != "wall_s"} for r in history]


def _timeless_log(path):
    return _timeless([json.loads(line) for line in path.read_text().splitlines()])


def _run(tmp_path, name, steps, data, **kw):
    model = _model()
    params = model.init(np.random.default_rng(5))
    args = dict(steps=steps, batch_size=16, seed=3, progress=False, log_path=tmp_path / f"{name}.jsonl",
                checkpoint_path=tmp_path / f"{name}.npz")
    args.update(kw)
    return fit(model, params, "mse", data, _opt(), **args)


def test_training_reduces_the_loss(tmp_path):
    res = _run(tmp_path, "a", 60, _data())
    first = np.mean([r["loss"] for r in res.history[:5]])
    last = np.mean([r["loss"] for r in res.history[-5:]])
    assert last < 0.3 * first


def test_same_seed_gives_bitwise_identical_params(tmp_path):
    a = _run(tmp_path, "a", 15, _data())
    b = _run(tmp_path, "b", 15, _data())
    assert _same_tree(a.params, b.params) and _same_tree(a.opt_state, b.opt_state)
    assert _timeless(a.history) == _timeless(b.history)
    c = _run(tmp_path, "c", 15, _data(), seed=4)
    assert not _same_tree(a.params, c.params)


def _callable_data():
    def batch(rng, step):
        x = rng.random((16, 2))
        return x, np.sin(3 * x[:, :1]) + x[:, 1:] ** 2
    return batch


def _crashing_loss(at_call):
    """MSE that raises (a simulated crash) on its ``at_call``-th call (1-based)."""
    calls = [0]

    def loss(pred, target):
        calls[0] += 1
        if calls[0] == at_call:
            raise KeyboardInterrupt("simulated crash")
        return mse(pred, target)
    return loss


@pytest.mark.parametrize("kind", ["arrays", "callable"])
def test_resume_after_crash_is_bitwise_identical(tmp_path, kind):
    data = _data() if kind == "arrays" else _callable_data()
    full = _run(tmp_path, "full", 20, data, checkpoint_every=5)

    # the interrupted run crashes while computing update 14: last checkpoint at step 10,
    # and its log already holds records for steps 11..13 that must be discarded
    model = _model()
    with pytest.raises(KeyboardInterrupt):
        fit(model, model.init(np.random.default_rng(5)), _crashing_loss(14), data, _opt(), steps=20,
            batch_size=16, seed=3, progress=False, log_path=tmp_path / "part.jsonl",
            checkpoint_path=tmp_path / "part.npz", checkpoint_every=5)
    assert len((tmp_path / "part.jsonl").read_text().splitlines()) == 13
    resumed = _run(tmp_path, "part", 20, data, checkpoint_every=5, resume=True)
    assert resumed.resumed_from == 10
    assert _same_tree(resumed.params, full.params)
    assert _same_tree(resumed.opt_state, full.opt_state)
    assert _timeless(resumed.history) == _timeless(full.history)
    assert _timeless_log(tmp_path / "part.jsonl") == _timeless_log(tmp_path / "full.jsonl")
    assert resumed.rng_state == full.rng_state


def test_resume_a_finished_run_to_more_steps(tmp_path):
    full = _run(tmp_path, "full", 20, _data())
    _run(tmp_path, "part", 10, _data())
    resumed = _run(tmp_path, "part", 20, _data(), resume=True)
    assert resumed.resumed_from == 10
    assert _same_tree(resumed.params, full.params)
    assert [json.loads(l)["step"] for l in (tmp_path / "part.jsonl").read_text().splitlines()] == list(range(1, 21))


def test_resume_refuses_other_model_seed_or_optimizer(tmp_path):
    _run(tmp_path, "r", 4, _data())
    other = MLP(2, [9], 1, activation="tanh")
    with pytest.raises(ValueError, match=r"another model.*hidden"):
        fit(other, other.init(np.random.default_rng(0)), "mse", _data(), _opt(), steps=8, batch_size=16, seed=3,
            progress=False, checkpoint_path=tmp_path / "r.npz", resume=True)
    with pytest.raises(ValueError, match=r"another run configuration.*seed"):
        _run(tmp_path, "r", 8, _data(), seed=4, resume=True)
    model = _model()
    with pytest.raises(ValueError, match="optimizer state does not match"):
        fit(model, model.init(np.random.default_rng(5)), "mse", _data(), sgd(0.1), steps=8, batch_size=16,
            seed=3, progress=False, checkpoint_path=tmp_path / "r.npz", resume=True)
    with pytest.raises(ValueError, match="beyond steps"):
        _run(tmp_path, "r", 2, _data(), resume=True)


def test_resume_without_checkpoint_starts_fresh(tmp_path):
    a = _run(tmp_path, "fresh", 6, _data(), resume=True)
    b = _run(tmp_path, "other", 6, _data())
    assert a.resumed_from is None and _same_tree(a.params, b.params)


def test_nan_loss_names_the_step(tmp_path):
    def data(rng, step):
        x = rng.random((8, 2))
        y = np.zeros((8, 1))
        if step == 6:
            y[3] = np.nan
        return x, y
    with pytest.raises(FloatingPointError, match=r"non-finite loss nan at step 7"):
        _run(tmp_path, "nan", 10, data)


def test_infinite_gradient_names_the_tensor_and_step(tmp_path):
    model = _Linear(3)
    params = model.init(np.random.default_rng(0))

    def grad_fn(p, batch):
        x, y = batch
        pred, cache = model.forward(p, x)
        value, d = mse(pred, y)
        _, g = model.backward(p, cache, d)
        if np.sum(x) > 0 and grad_fn.calls == 2:
            g["w"][1, 0] = np.inf
        grad_fn.calls += 1
        return value, g, None
    grad_fn.calls = 0
    x = np.random.default_rng(1).random((10, 3))
    with pytest.raises(FloatingPointError, match=r"grads/w at step 3 \(1 of 3 entries"):
        fit(model, params, None, (x, x[:, :1]), sgd(0.1), steps=5, progress=False, grad_fn=grad_fn)


def test_diverging_parameters_are_caught():
    model = _Linear(1)
    params = {"w": np.array([[1.0]])}
    x = np.full((4, 1), 1e150)                   # loss 1e300 and gradient 2e300 are finite,
    with pytest.raises(FloatingPointError, match="params/w at step 1"):   # the update overflows
        fit(model, params, "mse", (x, np.zeros((4, 1))), sgd(1e10), steps=3, progress=False)


def test_grad_fn_override_matches_default_and_private_layer_trains():
    model = _Linear(3)
    params = model.init(np.random.default_rng(0))
    x = np.random.default_rng(1).random((50, 3))
    y = x @ np.array([[1.0], [-2.0], [0.5]])

    def grad_fn(p, batch):
        pred, cache = model.forward(p, batch[0])
        value, d = mse(pred, batch[1])
        return value, model.backward(p, cache, d)[1], {"aux": 1}

    a = fit(model, params, "mse", (x, y), sgd(0.3, momentum=0.9), steps=200, batch_size=10, progress=False)
    b = fit(model, params, None, (x, y), sgd(0.3, momentum=0.9), steps=200, batch_size=10, progress=False,
            grad_fn=grad_fn)
    assert np.array_equal(a.params["w"], b.params["w"])
    np.testing.assert_allclose(a.params["w"].ravel(), [1.0, -2.0, 0.5], atol=1e-3)


def test_eval_and_logging(tmp_path):
    ex, ey = _data(32, seed=9)
    res = _run(tmp_path, "ev", 12, _data(), eval_every=5, eval_data=(ex, ey), log_every=4)
    steps = [r["step"] for r in res.history]
    assert steps == [4, 5, 8, 10, 12]
    assert [("eval_loss" in r) for r in res.history] == [False, True, False, True, True]
    model = _model()
    direct = mse(model(res.params, ex), ey)[0]
    assert res.history[-1]["eval_loss"] == direct
    logged = [json.loads(l) for l in (tmp_path / "ev.jsonl").read_text().splitlines()]
    assert logged == res.history
    res2 = _run(tmp_path, "ev2", 4, _data(), eval_every=2, eval_fn=lambda p: {"norm": float(np.abs(p["000"]["W"]).sum())})
    assert "norm" in res2.history[1]


def test_array_batches_cover_each_epoch_once():
    x = np.arange(10.0)[:, None]
    batch = array_batches(x, x, 4, seed=1)
    seen = np.concatenate([batch(None, k)[0].ravel() for k in range(5)])      # 20 = two epochs
    assert sorted(seen[:10]) == list(range(10)) and sorted(seen[10:]) == list(range(10))
    assert not np.array_equal(seen[:10], seen[10:])                           # reshuffled per epoch
    assert np.array_equal(batch(None, 2)[0], array_batches(x, x, 4, seed=1)(None, 2)[0])
    full = array_batches(x, x, None, seed=1)(None, 0)[0]
    assert full is x


def test_progress_bar_runs(tmp_path, capsys):
    res = _run(tmp_path, "pb", 3, _data(), progress=True)
    assert res.step == 3


@pytest.mark.parametrize("kw, exc, match", [
    (dict(steps=-1), ValueError, "steps"),
    (dict(batch_size=0), ValueError, "batch_size"),
    (dict(seed=-2), ValueError, "seed"),
    (dict(resume=True, checkpoint_path=None), ValueError, "checkpoint_path"),
    (dict(eval_every=3), ValueError, "eval_fn or eval_data"),
    (dict(steps=2.0), TypeError, "steps"),
])
def test_bad_arguments(tmp_path, kw, exc, match):
    with pytest.raises(exc, match=match):
        _run(tmp_path, "bad", **{"steps": 3, "data": _data(), **kw})


def test_bad_data():
    model = _model()
    params = model.init(np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"shapes \(5, 2\) and \(4, 1\)"):
        fit(model, params, "mse", (np.zeros((5, 2)), np.zeros((4, 1))), sgd(0.1), steps=1, progress=False)
    with pytest.raises(TypeError, match="data must be"):
        fit(model, params, "mse", 42, sgd(0.1), steps=1, progress=False)
    with pytest.raises(ValueError, match="unknown loss"):
        fit(model, params, "hinge", (np.zeros((5, 2)), np.zeros((5, 1))), sgd(0.1), steps=1, progress=False)


# ------------------------------------------------------------------------------ fast path of fit
class _RecordingMLP(MLP):
    """An MLP that records the ``need_dx`` of every backward call (for the fast-path test)."""

    kind = "_test_recording_mlp"
    seen: list = []

    def backward(self, params, cache, dy, need_dx=True):
        self.seen.append(need_dx)
        return super().backward(params, cache, dy, need_dx=need_dx)


def test_default_grad_fn_skips_the_input_gradient_and_matches_full_backward():
    model = _RecordingMLP(2, [8], 1, activation="tanh")
    model.seen = []
    params = model.init(np.random.default_rng(0))
    x, y = _data(16)
    value, grads, aux = default_grad_fn(model, mse)(params, (x, y))
    assert model.seen == [False] and aux is None
    pred, cache = model.forward(params, x)
    ref_value, d = mse(pred, y)
    dx, ref = model.backward(params, cache, d)
    assert dx.shape == x.shape and value == ref_value and _same_tree(grads, ref)
    # a model without the keyword is called without it
    lin = _Linear(2)
    p = lin.init(np.random.default_rng(1))
    value, g, _ = default_grad_fn(lin, mse)(p, (x, y))
    assert g["w"].shape == (2, 1) and np.isfinite(value)
    with pytest.raises(TypeError, match="loss_fn must be a callable"):
        default_grad_fn(lin, "mse")


def _opt_inplace():
    return chain(clip_by_global_norm(5.0), adam(step_decay(3e-2, 0.5, every=7), inplace=True))


def test_inplace_adam_in_fit_is_bitwise_the_pure_run_and_resumes_exactly(tmp_path):
    pure = _run(tmp_path, "pure", 20, _data())
    start = _model().init(np.random.default_rng(5))
    snapshot = {k: {n: a.copy() for n, a in v.items()} for k, v in start.items()}
    fast = fit(_model(), start, "mse", _data(), _opt_inplace(), steps=20,
               batch_size=16, seed=3, progress=False, checkpoint_path=tmp_path / "fast.npz")
    assert _same_tree(pure.params, fast.params) and _same_tree(pure.opt_state, fast.opt_state)
    assert _same_tree(start, snapshot)           # fit trains a copy: the caller's arrays are intact
    assert _timeless(pure.history) == _timeless(fast.history)
    model = _model()
    with pytest.raises(KeyboardInterrupt):
        fit(model, model.init(np.random.default_rng(5)), _crashing_loss(14), _data(), _opt_inplace(), steps=20,
            batch_size=16, seed=3, progress=False, checkpoint_path=tmp_path / "part.npz", checkpoint_every=5)
    resumed = fit(model, model.init(np.random.default_rng(5)), "mse", _data(), _opt_inplace(), steps=20,
                  batch_size=16, seed=3, progress=False, checkpoint_path=tmp_path / "part.npz",
                  checkpoint_every=5, resume=True)
    assert resumed.resumed_from == 10
    assert _same_tree(resumed.params, pure.params) and _same_tree(resumed.opt_state, pure.opt_state)


def test_check_finite_tree_flags_nan_and_inf_but_not_large_finite_values():
    big = np.full(4, 3e38, np.float32)           # finite entries whose float32 sum overflows
    check_finite_tree({"a": big, "b": -big, "n": np.arange(3)}, "params", 1)
    for bad, count in ((np.nan, 1), (np.inf, 1), (-np.inf, 1)):
        leaf = big.copy()
        leaf[2] = bad
        with pytest.raises(FloatingPointError, match=rf"params/x/y at step 9 \({count} of 4 entries"):
            check_finite_tree({"x": {"y": leaf}}, "params", 9)
    both = np.array([np.inf, -np.inf, 1.0])      # +inf and -inf: the sum is nan, still caught
    with pytest.raises(FloatingPointError, match=r"grads at step 2 \(2 of 3 entries"):
        check_finite_tree(both, "grads", 2)


def test_resume_from_read_only_arrays_with_inplace_updates(tmp_path, monkeypatch):
    import approxbounds.nn.trainer as trainer_module

    real_load = trainer_module.load_latest_checkpoint

    def read_only_load(*args, **kwargs):
        ck = real_load(*args, **kwargs)
        for tree in (ck.params, ck.opt_state):
            for _, leaf in tree_items(tree):
                if isinstance(leaf, np.ndarray):
                    leaf.flags.writeable = False
        return ck

    full = fit(_model(), _model().init(np.random.default_rng(5)), "mse", _data(), _opt_inplace(), steps=12,
               batch_size=16, seed=3, progress=False)
    kw = dict(batch_size=16, seed=3, progress=False, checkpoint_path=tmp_path / "ro.npz")
    fit(_model(), _model().init(np.random.default_rng(5)), "mse", _data(), _opt_inplace(), steps=6, **kw)
    monkeypatch.setattr(trainer_module, "load_latest_checkpoint", read_only_load)
    resumed = fit(_model(), _model().init(np.random.default_rng(5)), "mse", _data(), _opt_inplace(), steps=12,
                  resume=True, **kw)
    assert resumed.resumed_from == 6 and _same_tree(resumed.params, full.params)


# ----------------------------------------------------------------- step function, signals, fallback
def test_train_step_is_the_update_of_fit():
    from approxbounds.nn.trainer import TrainState, train_step
    model = _model()
    x, y = _data()
    p0 = model.init(np.random.default_rng(5))
    ref = fit(model, p0, "mse", (x, y), sgd(0.1), steps=3, progress=False)
    opt = sgd(0.1)
    params = {k: {n: a.copy() for n, a in v.items()} for k, v in p0.items()}
    state = TrainState(params, opt.init(params), np.random.default_rng(0))
    grad_fn = default_grad_fn(model, mse)
    losses = [train_step(state, (x, y), grad_fn, opt) for _ in range(3)]
    assert state.step == 3 and _same_tree(state.params, ref.params)
    assert losses == [r["loss"] for r in ref.history]
    assert state.params["000"]["W"] is params["000"]["W"]            # updated in place


def _signalling(data, at_step, signum):
    import os
    import signal as _signal

    def batch(rng, step):
        if step == at_step:
            os.kill(os.getpid(), signum)            # delivered while step at_step+1 is computed
        return data(rng, step)
    return batch


@pytest.mark.parametrize("signame", ["SIGINT", "SIGTERM"])
def test_signal_checkpoints_the_current_step_and_resumes_bitwise(tmp_path, signame):
    import signal as _signal

    from approxbounds.nn.checkpoint import load_checkpoint
    from approxbounds.nn.trainer import TrainingInterrupted
    signum = getattr(_signal, signame)
    before = _signal.getsignal(signum)
    data = _callable_data()
    full = _run(tmp_path, "full", 20, data, checkpoint_every=5)
    with pytest.raises(TrainingInterrupted) as info:
        _run(tmp_path, "cut", 20, _signalling(data, 12, signum), checkpoint_every=5)
    exc = info.value
    assert exc.step == 13 and exc.signum == signum and exc.exit_code == 128 + signum
    assert exc.checkpoint == str(tmp_path / "cut.npz") and signame in str(exc)
    assert load_checkpoint(tmp_path / "cut.npz").step == 13          # not the periodic one (10)
    assert _signal.getsignal(signum) is before                        # handler restored
    resumed = _run(tmp_path, "cut", 20, data, checkpoint_every=5, resume=True)
    assert resumed.resumed_from == 13
    assert _same_tree(resumed.params, full.params) and _same_tree(resumed.opt_state, full.opt_state)
    assert resumed.rng_state == full.rng_state
    assert _timeless(resumed.history) == _timeless(full.history)


def test_signal_without_checkpoint_path_still_stops_cleanly():
    import signal as _signal

    from approxbounds.nn.trainer import TrainingInterrupted
    with pytest.raises(TrainingInterrupted, match="nothing was saved") as info:
        fit(_model(), None, "mse", _signalling(_callable_data(), 2, _signal.SIGTERM), _opt(), steps=10,
            progress=False)
    assert info.value.step == 3 and info.value.checkpoint is None


def test_corrupt_latest_checkpoint_falls_back_to_the_previous_and_resumes_exactly(tmp_path):
    from approxbounds.nn.checkpoint import CheckpointFallbackWarning, load_checkpoint
    data = _data()
    full = _run(tmp_path, "full", 20, data, checkpoint_every=5)
    model = _model()
    with pytest.raises(KeyboardInterrupt):
        fit(model, model.init(np.random.default_rng(5)), _crashing_loss(14), data, _opt(), steps=20,
            batch_size=16, seed=3, progress=False, log_path=tmp_path / "part.jsonl",
            checkpoint_path=tmp_path / "part.npz", checkpoint_every=5)
    latest, prev = tmp_path / "part.npz", tmp_path / "part.prev.npz"
    assert load_checkpoint(latest).step == 10 and load_checkpoint(prev).step == 5
    latest.write_bytes(latest.read_bytes()[:-40])                     # damaged on disk
    with pytest.warns(CheckpointFallbackWarning, match="step 5"):
        resumed = _run(tmp_path, "part", 20, data, checkpoint_every=5, resume=True)
    assert resumed.resumed_from == 5
    assert _same_tree(resumed.params, full.params) and _same_tree(resumed.opt_state, full.opt_state)
    # the damaged file was overwritten, not rotated into the fallback slot
    assert load_checkpoint(latest).step == 20 and load_checkpoint(prev).step == 15


def test_wall_time_accumulates_over_resumed_segments(tmp_path):
    first = _run(tmp_path, "w", 10, _data(), checkpoint_every=5)
    w10 = first.history[-1]["wall_s"]
    second = _run(tmp_path, "w", 20, _data(), checkpoint_every=5, resume=True)
    walls = [r["wall_s"] for r in second.history]
    assert walls == sorted(walls) and walls[-1] > w10 > 0
    logged = [json.loads(line) for line in (tmp_path / "w.jsonl").read_text().splitlines()]
    assert all("wall_s" in r for r in logged) and len(logged) == 20
