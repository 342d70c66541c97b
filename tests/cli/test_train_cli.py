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


def test_resume_into_an_empty_directory_says_it_starts_a_new_run(tmp_path, capsys):
    from approxbounds.cli import main

    out = tmp_path / "fresh"
    assert main(["train", "copy", "--model", "hadamrnn", "--hidden", "8", "--length", "20",
                 "--steps", "2", "--out", str(out), "--resume", "--json"]) == 0
    assert "no run found" in capsys.readouterr().err


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
    # resuming with another u_lr_scale is refused; other models reject it
    assert main(base + ["--steps", "8", "--out", str(out), "--resume"]) == 2
    assert "u_lr_scale" in capsys.readouterr().err
    assert main(base + ["--model", "lstm", "--u-lr-scale", "0.5", "--out", str(tmp_path / "l")]) == 2
    assert "u_lr_scale" in capsys.readouterr().err
