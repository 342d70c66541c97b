import os
import subprocess
import sys
from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "01_certified_bounds.py"


def test_notebook_runs_in_smoke_mode(tmp_path):
    env = dict(os.environ, APPROXBOUNDS_SMOKE="1", MPLBACKEND="Agg", OMP_NUM_THREADS="1")
    r = subprocess.run([sys.executable, str(NOTEBOOK)], capture_output=True, text=True,
                       timeout=180, env=env, cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-3000:]
    assert "SMOKE=True" in r.stdout
    assert "Theorem L" in r.stdout and "verified" in r.stdout
    assert "fitted slope" in r.stdout and "checks passed" in r.stdout
    assert "FAIL" not in r.stdout


def test_jupytext_parses_into_notebook():
    jupytext = pytest.importorskip("jupytext")
    nb = jupytext.read(NOTEBOOK)
    assert len(nb.cells) >= 5
    assert {c.cell_type for c in nb.cells} == {"markdown", "code"}
    assert sum(c.cell_type == "code" for c in nb.cells) >= 5
    assert nb.metadata["jupytext"]["text_representation"]["format_name"] == "percent"
