"""Tests for approxbounds.experiments.sweep: multi-seed training sweeps, ordered, resumable,
identical on a process pool."""
import dataclasses

import pytest

from approxbounds.experiments import sweep as sweep_mod
from approxbounds.experiments.sweep import run_name, run_sweep, seed_configs
from approxbounds.experiments.train_run import TrainConfig
from approxbounds.parallel import open_executor

CFG = TrainConfig(task="copy", model="ornn", hidden=8, length=20, steps=6, batch=8, n_val=16,
                  checkpoint_every=2)
VOLATILE = ("seconds", "out_dir", "resumed_from")


def _stable(metrics):
    return [{k: v for k, v in m.items() if k not in VOLATILE} for m in metrics]


def test_seed_configs():
    cfgs = seed_configs(CFG, [2, 0, 1])
    assert [c.seed for c in cfgs] == [2, 0, 1]
    assert all(dataclasses.replace(c, seed=0) == CFG for c in cfgs)
    with pytest.raises(ValueError, match="repeat"):
        seed_configs(CFG, [1, 1])
    with pytest.raises(ValueError, match="at least one"):
        seed_configs(CFG, [])


def test_process_pool_matches_serial_in_order(tmp_path):
    cfgs = seed_configs(CFG, [0, 1, 2])
    serial = run_sweep(cfgs, tmp_path / "serial")
    with open_executor(workers=2) as ex:
        parallel = run_sweep(cfgs, tmp_path / "parallel", ex)
    assert _stable(parallel) == _stable(serial)
    assert len({m["val_ce"] for m in serial}) == 3        # three seeds, three different runs
    for cfg, m in zip(cfgs, serial):
        assert m["out_dir"] == str((tmp_path / "serial" / run_name(cfg)).resolve())


def test_resume_skips_finished_runs(tmp_path, monkeypatch):
    cfgs = seed_configs(CFG, [0, 1, 2])
    first = run_sweep(cfgs[:2], tmp_path)
    calls = []
    real = sweep_mod.train_job

    def counting(job):
        calls.append(job["config"]["seed"])
        return real(job)

    counting.__module__, counting.__qualname__ = real.__module__, real.__qualname__
    monkeypatch.setattr(sweep_mod, "train_job", counting)
    out = run_sweep(cfgs, tmp_path)
    assert calls == [2]                                   # seeds 0 and 1 read from results/
    assert out[:2] == first and len(list((tmp_path / "results").glob("*.json"))) == 3


def test_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="at least one"):
        run_sweep([], tmp_path)
    with pytest.raises(TypeError, match=r"configs\[0\]"):
        run_sweep([CFG.to_dict()], tmp_path)
    with pytest.raises(ValueError, match="distinct"):
        run_sweep([CFG, CFG], tmp_path)
    f = tmp_path / "file"
    f.write_text("")
    with pytest.raises(ValueError, match="not a directory"):
        run_sweep([CFG], f)
