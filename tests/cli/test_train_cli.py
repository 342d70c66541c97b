import json
import math
import subprocess
import sys

import pytest

from approxbounds.cli import main


def test_json_copy(tmp_path, capsys):
    out = tmp_path / "run"
    rc = main(["train", "copy", "--model", "hadamrnn", "--hidden", "16", "--length", "20", "--steps", "6",
               "--batch", "8", "--n-val", "16", "--out", str(out), "--json"])
    assert rc == 0
    m = json.loads(capsys.readouterr().out)
    assert m["task"] == "copy" and m["model"] == "hadamrnn" and m["steps"] == 6
    assert m["baseline"] == pytest.approx(10 * math.log(8) / 20)
    assert math.isfinite(m["val_ce"]) and "val_recall_accuracy" in m
    for name in ("config.json", "metrics.jsonl", "checkpoint.npz", "final.json"):
        assert (out / name).is_file()
    # resume to more steps: continues from the checkpoint
    rc = main(["train", "copy", "--model", "hadamrnn", "--hidden", "16", "--length", "20", "--steps", "10",
               "--batch", "8", "--n-val", "16", "--out", str(out), "--json", "--resume"])
    assert rc == 0
    m2 = json.loads(capsys.readouterr().out)
    assert m2["steps"] == 10 and m2["resumed_from"] == 6


def test_refuses_mismatch_exit_2(tmp_path, capsys):
    out = tmp_path / "run"
    base = ["train", "copy", "--hidden", "16", "--length", "20", "--steps", "2", "--batch", "4",
            "--n-val", "8", "--out", str(out)]
    assert main(base) == 0
    text = capsys.readouterr().out
    assert "memoryless baseline" in text and "storage" in text
    assert main(base) == 2
    assert "already holds a run" in capsys.readouterr().err
    assert main(base[:-2] + ["--out", str(out), "--bits", "3", "--resume"]) == 2
    assert "bits" in capsys.readouterr().err


def test_bad_input_exit_2(tmp_path, capsys):
    assert main(["train", "copy", "--hidden", "24", "--out", str(tmp_path / "a")]) == 2
    assert "power of two" in capsys.readouterr().err
    assert main(["train", "copy", "--length", "20", "--delay", "5", "--out", str(tmp_path / "b")]) == 2
    assert "either --length" in capsys.readouterr().err
    assert main(["train", "smnist", "--delay", "5", "--out", str(tmp_path / "c")]) == 2
    assert main(["train", "copy", "--steps", "-1", "--out", str(tmp_path / "d")]) == 2
    assert "steps" in capsys.readouterr().err


def test_imdb_synthetic_printed(tmp_path, capsys):
    rc = main(["train", "imdb", "--model", "lstm", "--hidden", "8", "--embed", "8", "--length", "30",
               "--steps", "2", "--batch", "8", "--n-train", "32", "--n-val", "16", "--out", str(tmp_path / "i")])
    assert rc == 0
    cap = capsys.readouterr()
    assert "SYNTHETIC" in cap.err and "SYNTHETIC" in cap.out
    rc = main(["train", "imdb", "--model", "lstm", "--hidden", "8", "--embed", "8", "--length", "30",
               "--steps", "2", "--batch", "8", "--n-train", "32", "--n-val", "16",
               "--out", str(tmp_path / "j"), "--json"])
    m = json.loads(capsys.readouterr().out)
    assert m["synthetic"] is True and "val_ce" in m and "val_accuracy" in m


def test_subprocess_delay_json(tmp_path):
    r = subprocess.run([sys.executable, "-m", "approxbounds", "train", "copy", "--model", "ornn", "--delay", "5",
                        "--hidden", "8", "--steps", "2", "--batch", "4", "--n-val", "8",
                        "--out", str(tmp_path / "s"), "--json"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    m = json.loads(r.stdout)
    assert m["baseline"] == pytest.approx(10 * math.log(8) / 25)


def test_out_is_a_file_exit_2_no_traceback(tmp_path, capsys):
    f = tmp_path / "afile"
    f.write_text("x")
    for out in (f, f / "sub"):
        rc = main(["train", "copy", "--hidden", "8", "--length", "20", "--steps", "1", "--batch", "4",
                   "--n-val", "4", "--out", str(out)])
        assert rc == 2
        err = capsys.readouterr().err
        assert err.startswith("error:") and "run directory" in err and str(f) in err
    assert f.read_text() == "x"


def test_divergence_is_one_line_error_naming_the_step(tmp_path, capsys):
    rc = main(["train", "copy", "--model", "ornn", "--hidden", "8", "--length", "20", "--steps", "20",
               "--batch", "4", "--n-val", "4", "--lr", "1e30", "--out", str(tmp_path / "d")])
    assert rc == 1
    err = capsys.readouterr().err              # numpy overflow warnings may precede the message
    last = err.strip().splitlines()[-1]
    assert last.startswith("error: training diverged") and "at step" in last and "--lr" in last
    assert "Traceback" not in err


def test_resume_without_a_run_is_an_error(tmp_path, capsys):
    base = ["train", "copy", "--model", "hadamrnn", "--hidden", "8", "--length", "20", "--steps", "2", "--resume"]
    assert main(base + ["--out", str(tmp_path / "missing")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --resume:") and "missing" in err and "does not exist" in err
    assert not (tmp_path / "missing").exists()
    (tmp_path / "empty").mkdir()
    assert main(base + ["--out", str(tmp_path / "empty")]) == 2
    assert "holds no run" in capsys.readouterr().err
    assert main(["train", "--resume"]) == 2
    assert "--resume needs --out" in capsys.readouterr().err


def test_delay_below_one_names_the_flag(tmp_path, capsys):
    from approxbounds.cli import main

    assert main(["train", "copy", "--model", "hadamrnn", "--delay", "0", "--out", str(tmp_path / "r")]) == 2
    assert "--delay must be >= 1" in capsys.readouterr().err


def test_u_lr_scale_and_log_every(tmp_path, capsys):
    out = tmp_path / "run"
    base = ["train", "copy", "--hidden", "16", "--length", "20", "--steps", "6", "--batch", "8",
            "--n-val", "8", "--json"]
    assert main(base + ["--u-lr-scale", "0", "--log-every", "3", "--out", str(out)]) == 0
    capsys.readouterr()
    cfg = json.loads((out / "config.json").read_text())["config"]
    assert cfg["u_lr_scale"] == 0.0 and cfg["log_every"] == 3
    logged = [json.loads(line)["step"] for line in (out / "metrics.jsonl").read_text().splitlines()
              if "loss" in json.loads(line)]
    assert logged == [3, 6]
    # resuming takes the stored u_lr_scale unless a flag says otherwise; another value is refused
    assert main(base + ["--steps", "8", "--out", str(out), "--resume"]) == 0
    assert json.loads(capsys.readouterr().out)["resumed_from"] == 6
    assert main(base + ["--steps", "10", "--u-lr-scale", "1", "--out", str(out), "--resume"]) == 2
    assert "u_lr_scale: run directory has 0.0, requested 1.0" in capsys.readouterr().err
    assert main(base + ["--model", "lstm", "--u-lr-scale", "0.5", "--out", str(tmp_path / "l")]) == 2
    assert "u_lr_scale" in capsys.readouterr().err


# ----------------------------------------------------------------- flags generated from TrainConfig
def test_every_trainconfig_field_is_a_flag_with_its_type():
    import argparse
    import dataclasses

    from approxbounds.cli.train import add_config_arguments, config_overrides
    from approxbounds.experiments.train_run import TrainConfig

    p = argparse.ArgumentParser()
    add_config_arguments(p)
    assert config_overrides(p.parse_args([])) == {}             # nothing given: nothing overrides
    values = {"model": "lstm", "hidden": "2e3", "bits": "3", "length": "none", "convention": "delay",
              "steps": "7", "batch": "5", "lr": "0.25", "lr_decay": "0.5", "decay_every": "9", "seed": "4",
              "blocks": "2", "embed": "6", "n_train": "11", "n_val": "12", "eval_every": "3",
              "log_every": "2", "checkpoint_every": "0", "data": "some/dir", "penalty": "0.1",
              "projunn_lr": "0.01", "u_lr_scale": "0.5"}
    names = {f.name for f in dataclasses.fields(TrainConfig)}
    assert names == set(values) | {"task", "quantize_input"}      # the test covers every field
    argv = ["smnist", "--quantize-input"]
    for k, v in values.items():
        argv += ["--" + k.replace("_", "-"), v]
    got = config_overrides(p.parse_args(argv))
    assert got == {"task": "smnist", "model": "lstm", "hidden": 2000, "bits": 3, "length": None,
                   "convention": "delay", "steps": 7, "batch": 5, "lr": 0.25, "lr_decay": 0.5,
                   "decay_every": 9, "seed": 4, "blocks": 2, "embed": 6, "n_train": 11, "n_val": 12,
                   "eval_every": 3, "log_every": 2, "checkpoint_every": 0, "data": "some/dir",
                   "penalty": 0.1, "projunn_lr": 0.01, "u_lr_scale": 0.5, "quantize_input": True}
    assert config_overrides(p.parse_args(["--no-quantize-input"])) == {"quantize_input": False}
    help_text = p.format_help()
    for f in dataclasses.fields(TrainConfig):
        if f.name != "task":
            assert "--" + f.name.replace("_", "-") in help_text


def test_config_file_with_overrides(tmp_path, capsys):
    f = tmp_path / "c.toml"
    f.write_text('task = "copy"\nmodel = "hadamrnn"\nhidden = 16\nlength = 20\nsteps = 4\nbatch = 8\n'
                 'n_val = 8\nseed = 5\nlr = 0.002\n')
    out = tmp_path / "run"
    assert main(["train", "--config", str(f), "--steps", "6", "--out", str(out), "--json"]) == 0
    m = json.loads(capsys.readouterr().out)
    assert m["steps"] == 6
    stored = json.loads((out / "config.json").read_text())["config"]
    assert stored["seed"] == 5 and stored["lr"] == 0.002 and stored["hidden"] == 16 and stored["steps"] == 6
    # the positional task overrides the file too
    assert main(["train", "imdb", "--config", str(f), "--model", "lstm", "--hidden", "8", "--embed", "8",
                 "--length", "30", "--n-train", "16", "--steps", "1", "--out", str(tmp_path / "i"),
                 "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["task"] == "imdb"
    bad = tmp_path / "bad.toml"
    bad.write_text('task = "copy"\nhiden = 16\n')
    assert main(["train", "--config", str(bad), "--out", str(tmp_path / "b")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and "unknown key 'hiden'" in err and "bad.toml" in err
    assert "Traceback" not in err and not (tmp_path / "b").exists()
    assert main(["train", "--config", str(tmp_path / "nope.toml")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["train"]) == 2
    assert "give a TASK" in capsys.readouterr().err


def test_resume_alone_continues_the_stored_configuration(tmp_path, capsys):
    out = tmp_path / "run"
    argv = ["train", "copy", "--hidden", "16", "--length", "20", "--steps", "4", "--batch", "8", "--n-val", "8",
            "--seed", "3", "--lr", "0.003", "--out", str(out), "--json"]
    assert main(argv) == 0
    capsys.readouterr()
    assert main(["train", "--resume", "--out", str(out), "--steps", "7", "--json"]) == 0
    m = json.loads(capsys.readouterr().out)
    assert m["resumed_from"] == 4 and m["steps"] == 7
    straight = tmp_path / "straight"
    assert main(argv[:argv.index("--steps")] + ["--steps", "7"] + argv[argv.index("--steps") + 2:-3]
                + ["--out", str(straight), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["val_ce"] == m["val_ce"]


def test_fashion_task_without_data_exit_2_naming_data(tmp_path, capsys, monkeypatch):
    import approxbounds.tasks.fashion_mnist as F
    monkeypatch.setattr(F, "DEFAULT_DIRS", (str(tmp_path / "absent"),))
    assert main(["train", "pfmnist", "--hidden", "8", "--steps", "1", "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: Fashion-MNIST not found") and "--data" in err and "Traceback" not in err
    assert main(["train", "sfmnist", "--data", str(tmp_path / "nowhere"), "--out", str(tmp_path / "r")]) == 2
    assert "--data" in capsys.readouterr().err


def _wait_for(predicate, proc, timeout=60.0):
    import time
    t0 = time.monotonic()
    while not predicate():
        if proc.poll() is not None:
            raise AssertionError(f"process ended early (rc {proc.returncode}): {proc.stderr.read()}")
        if time.monotonic() - t0 > timeout:
            proc.kill()
            raise AssertionError("timed out waiting for the training subprocess")
        time.sleep(0.05)


def test_sigterm_checkpoints_prints_the_resume_command_and_resumes_bitwise(tmp_path):
    """A real SIGTERM to a training subprocess: exit 143, a checkpoint of the step it stopped at,
    the exact resume command; resuming gives the parameters of an uninterrupted run bit for bit."""
    import os
    import signal
    import numpy as np
    from approxbounds.nn.checkpoint import load_checkpoint

    out = tmp_path / "cut"
    cfg = ["--model", "hadamrnn", "--hidden", "16", "--length", "20", "--batch", "8", "--n-val", "8",
           "--checkpoint-every", "1000000", "--log-every", "1"]
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "approxbounds", "train", "copy", *cfg, "--steps", "1000000",
                             "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    metrics = out / "metrics.jsonl"
    _wait_for(lambda: metrics.exists() and len(metrics.read_text().splitlines()) >= 30, proc)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    step = load_checkpoint(out / "checkpoint.npz").step
    assert step >= 30
    assert f"interrupted by SIGTERM after step {step}" in err
    assert f"resume with: approxbounds train --resume --out {out}" in err and "Traceback" not in err
    # resume exactly as printed (to a few more steps), and compare with a straight run
    target = str(step + 5)
    r = subprocess.run([sys.executable, "-m", "approxbounds", "train", "--resume", "--out", str(out),
                        "--steps", target, "--json"], capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["resumed_from"] == step
    r = subprocess.run([sys.executable, "-m", "approxbounds", "train", "copy", *cfg, "--steps", target,
                        "--out", str(tmp_path / "straight"), "--json"], capture_output=True, text=True, env=env,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    a = load_checkpoint(out / "checkpoint.npz")
    b = load_checkpoint(tmp_path / "straight" / "checkpoint.npz")
    assert a.step == b.step == step + 5
    for k in b.params:
        assert a.params[k].dtype == b.params[k].dtype and np.array_equal(a.params[k], b.params[k]), k
    assert a.rng_state == b.rng_state


def test_seed_sweep_serial_equals_two_workers_and_resumes(tmp_path, capsys):
    """train --seeds: one run per seed; the same metrics on 2 worker processes as serially,
    and a second call reads the finished runs back instead of training again."""
    import json

    base = ["train", "copy", "--model", "hadamrnn", "--length", "30", "--steps", "30", "--n-val", "32",
            "--seeds", "0,1", "--json"]
    assert main(base + ["--out", str(tmp_path / "serial")]) == 0
    serial = json.loads(capsys.readouterr().out)
    assert main(base + ["--out", str(tmp_path / "par"), "--workers", "2"]) == 0
    par = json.loads(capsys.readouterr().out)
    assert len(serial) == 2 and serial[0]["val_ce"] != serial[1]["val_ce"]     # seeds 0 and 1
    drop = ("seconds", "wall_s", "out_dir")
    assert [{k: v for k, v in m.items() if k not in drop} for m in par] == \
        [{k: v for k, v in m.items() if k not in drop} for m in serial]
    assert main(base + ["--out", str(tmp_path / "serial")]) == 0
    assert json.loads(capsys.readouterr().out) == serial


def test_workers_without_seeds_is_an_error(capsys):
    assert main(["train", "copy", "--workers", "2"]) == 2
    assert "--seeds" in capsys.readouterr().err
