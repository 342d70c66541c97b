import os
import subprocess
import sys
from pathlib import Path

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "02_quantized_rnns.py"


def test_notebook_runs_in_smoke_mode(tmp_path):
    env = dict(os.environ, APPROXBOUNDS_SMOKE="1", MPLBACKEND="Agg", OMP_NUM_THREADS="1")
    r = subprocess.run([sys.executable, str(NOTEBOOK)], capture_output=True, text=True, timeout=120,
                       env=env, cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-3000:]
    assert "SMOKE=True" in r.stdout
    assert "HadamRNN p=4" in r.stdout and "val CE" in r.stdout


def test_jupytext_parses_into_notebook():
    jupytext = __import__("pytest").importorskip("jupytext")
    nb = jupytext.read(NOTEBOOK)
    assert len(nb.cells) >= 5
    kinds = {c.cell_type for c in nb.cells}
    assert kinds == {"markdown", "code"}
    assert sum(c.cell_type == "code" for c in nb.cells) >= 4
