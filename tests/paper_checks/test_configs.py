"""Every TOML of paper_checks/configs parses into a valid TrainConfig and builds its task and
model (smoke: image data replaced by a tiny IDX directory, a forward pass on two examples)."""
from pathlib import Path

import numpy as np
import pytest

from approxbounds.experiments.train_run import IMAGE_TASKS, TrainConfig, build_model, build_task, read_config_file

ROOT = Path(__file__).resolve().parents[2]
CONFIGS = sorted((ROOT / "paper_checks" / "configs").rglob("*.toml"))


def _fake_idx(directory):
    from approxbounds.tasks.mnist import save_idx
    rng = np.random.default_rng(0)
    for split, n in (("train", 12), ("t10k", 4)):
        save_idx(directory / f"{split}-images-idx3-ubyte.gz", rng.integers(0, 256, (n, 28, 28), dtype=np.uint8))
        save_idx(directory / f"{split}-labels-idx1-ubyte.gz", rng.integers(0, 10, n).astype(np.uint8))
    return directory


def test_the_paper_experiments_are_all_there():
    names = {p.relative_to(ROOT / "paper_checks" / "configs").as_posix() for p in CONFIGS}
    for n in ("copy_hadamrnn.toml", "smnist_hadamrnn.toml", "pmnist_hadamrnn.toml", "imdb_hadamrnn.toml",
              "smnist_block_hadamrnn.toml", "pmnist_block_hadamrnn.toml"):
        assert n in names
    assert sum(n.startswith("fashion/") for n in names) >= 12


def test_official_settings_as_in_the_reference_table():
    """docs/rnn.md §1 / the official YAML files: the numbers that define each experiment."""
    c = TrainConfig.from_toml(ROOT / "paper_checks/configs/copy_hadamrnn.toml")
    assert (c.task, c.model, c.hidden, c.bits, c.length, c.convention) == ("copy", "hadamrnn", 128, 4, 1000, "total")
    assert (c.lr, c.u_lr_scale, c.batch, c.lr_decay, c.decay_every, c.steps, c.seed) == \
        (1e-4, 1.0, 128, 0.98, 4000, 40000, 712)
    s = TrainConfig.from_toml(ROOT / "paper_checks/configs/smnist_hadamrnn.toml")
    assert (s.hidden, s.batch, s.lr, s.lr_decay, s.steps / s.decay_every) == (512, 64, 1e-3, 0.98, 100)
    p = TrainConfig.from_toml(ROOT / "paper_checks/configs/pmnist_hadamrnn.toml")
    assert (p.hidden, p.batch, p.lr, p.lr_decay, p.steps / p.decay_every) == (512, 100, 1e-3, 0.98, 100)
    i = TrainConfig.from_toml(ROOT / "paper_checks/configs/imdb_hadamrnn.toml")
    assert (i.hidden, i.embed, i.lr, i.lr_decay, i.steps / i.decay_every, i.length) == (128, 512, 5e-4, 0.99, 30, 500)
    b = TrainConfig.from_toml(ROOT / "paper_checks/configs/pmnist_block_hadamrnn.toml")
    assert (b.model, b.hidden, b.blocks) == ("block-hadamrnn", 512, 4)


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.relative_to(ROOT / "paper_checks" / "configs").as_posix())
def test_config_parses_and_builds(path, tmp_path):
    table = read_config_file(path)
    TrainConfig.check_keys(table, str(path))
    cfg = TrainConfig.from_toml(path)
    assert cfg.to_dict() == {**TrainConfig().to_dict(), **table}   # every key is the file's value
    small = {"n_val": 2}
    if cfg.task in IMAGE_TASKS:
        small.update(data=str(_fake_idx(tmp_path)), n_train=8)
    elif cfg.task == "imdb":
        small.update(n_train=8, length=20)
    smoke = TrainConfig.from_toml(path, **small)
    setup = build_task(smoke)
    model = build_model(smoke, setup)
    params = model.init(np.random.default_rng(0))
    y, _ = model.forward(params, setup.val[0][:2])
    assert np.all(np.isfinite(y))
    assert model.config()["n_hidden"] == cfg.hidden
