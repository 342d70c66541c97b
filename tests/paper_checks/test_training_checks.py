"""The training paper checks run end to end on tiny settings (their TOML configs overridden by the
generated flags): exit codes, resumption and the summary of the Fashion-MNIST suite."""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]


def _run(script, *args, timeout=120):
    return subprocess.run([sys.executable, str(ROOT / "paper_checks" / script), *args],
                          capture_output=True, text=True, timeout=timeout)


def test_official_copy_script_runs_from_its_config_and_resumes(tmp_path):
    out = tmp_path / "copy"
    tiny = ["--length", "24", "--hidden", "8", "--segment", "10", "--test-every", "10", "--n-val", "20"]
    r = _run("hadamrnn_copy_official.py", "--out", str(out), "--steps", "20", *tiny)
    assert r.returncode in (0, 1), r.stderr
    assert "seed 712" in r.stdout and "result:" in r.stdout
    stored = json.loads((out / "config.json").read_text())["config"]
    assert stored["lr"] == 1e-4 and stored["lr_decay"] == 0.98 and stored["seed"] == 712
    recs = [json.loads(line) for line in (out / "official.jsonl").read_text().splitlines()]
    assert [r["step"] for r in recs] == [0, 10, 20] and "test_ce" in recs[-1]
    r = _run("hadamrnn_copy_official.py", "--out", str(out), "--steps", "30", *tiny)
    assert "resuming at step 20" in r.stdout and r.returncode in (0, 1), r.stderr
    recs = [json.loads(line) for line in (out / "official.jsonl").read_text().splitlines()]
    assert [r["step"] for r in recs] == [0, 10, 20, 30]


def test_fashion_suite_runs_selected_configs_and_summarises(tmp_path):
    from approxbounds.tasks.mnist import save_idx
    data = tmp_path / "fm"
    data.mkdir()
    rng = np.random.default_rng(0)
    for split, n in (("train", 40), ("t10k", 10)):
        save_idx(data / f"{split}-images-idx3-ubyte.gz", rng.integers(0, 256, (n, 28, 28), dtype=np.uint8))
        save_idx(data / f"{split}-labels-idx1-ubyte.gz", rng.integers(0, 10, n).astype(np.uint8))
    out = tmp_path / "runs"
    r = _run("fashion_mnist.py", "--out", str(out), "--only", "sfmnist_hadamrnn128", "sfmnist_ornn128",
             "--data", str(data), "--steps", "2", "--hidden", "8", "--n-val", "10", "--checkpoint-every", "1")
    assert r.returncode in (0, 1), r.stderr
    assert "| sequential Fashion-MNIST | HadamRNN, n=8, u frozen |" in r.stdout
    assert "| sequential Fashion-MNIST | ORNN (fp32), n=8 |" in r.stdout
    summary = json.loads((out / "summary.json").read_text())
    assert {row["name"] for row in summary["rows"]} == {"sfmnist_hadamrnn128", "sfmnist_ornn128"}
    assert all(row["wall_s"] > 0 and row["storage_bits"] > 0 for row in summary["rows"])
    assert "HadamRNN" in summary["measured"] and (out / "summary.md").is_file()
    # started again: finished runs are skipped (resumed at their last step), nothing retrained
    r = _run("fashion_mnist.py", "--out", str(out), "--only", "sfmnist_hadamrnn128", "--data", str(data),
             "--steps", "2", "--hidden", "8", "--n-val", "10", "--checkpoint-every", "1")
    assert r.returncode in (0, 1), r.stderr
    final = json.loads((out / "sfmnist_hadamrnn128" / "final.json").read_text())
    assert final["resumed_from"] == 2
    r = _run("fashion_mnist.py", "--out", str(tmp_path / "empty"), "--summary")
    assert r.returncode == 1 and "no task has both" in r.stdout
