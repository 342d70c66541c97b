"""Notebook 03 (recurrent bounds and the storage floor), executed for real with nbclient in a
kernel of this interpreter (smoke parameters), the same way tests/notebooks/test_notebooks.py
runs notebooks 01 and 02: no error, nothing on stderr, the inline figures counted, the certified
values and the cross-check verdict parsed from the outputs."""
import json
import re
import sys
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
NB03 = "03_recurrent_bounds.py"
KERNEL = "approxbounds-test-03"


def _kernel_spec(root: Path) -> None:
    spec = root / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "approxbounds test kernel", "language": "python"}))


def _execute(tmp_path, monkeypatch, name: str, timeout: int = 600):
    jupytext = pytest.importorskip("jupytext")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    jupyter = tmp_path / "jupyter"
    _kernel_spec(jupyter)
    monkeypatch.setenv("JUPYTER_PATH", str(jupyter))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    monkeypatch.setenv("APPROXBOUNDS_SMOKE", "1")
    monkeypatch.delenv("MPLBACKEND", raising=False)
    nb = jupytext.read(NOTEBOOKS / name)
    work = tmp_path / "work"
    work.mkdir()
    nbclient.NotebookClient(nb, kernel_name=KERNEL, timeout=timeout,
                            resources={"metadata": {"path": str(work)}}).execute()
    return nb


def _outputs(nb):
    return [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]


def _text(nb) -> str:
    parts = []
    for o in _outputs(nb):
        if o["output_type"] == "stream":
            parts.append(o["text"])
        for mime in ("text/plain", "text/markdown"):
            if mime in o.get("data", {}):
                parts.append(o["data"][mime])
    return "\n".join(parts)


def test_03_executes_with_certificates_floor_and_trained_models(tmp_path, monkeypatch):
    nb = _execute(tmp_path, monkeypatch, NB03)
    outs = _outputs(nb)
    errors = [o for o in outs if o["output_type"] == "error"]
    assert not errors, errors[0]["ename"] + ": " + errors[0]["evalue"]
    stderr = [o["text"] for o in outs if o["output_type"] == "stream" and o["name"] == "stderr"]
    assert not stderr, "".join(stderr)[:2000]
    assert all(c.get("execution_count") for c in nb.cells if c.cell_type == "code")
    assert sum("image/png" in o.get("data", {}) for o in outs) >= 2       # bound vs T, storage floor
    md = [o["data"]["text/markdown"] for o in outs if "text/markdown" in o.get("data", {})]
    assert md and "Theorem L" in md[0]
    text = _text(nb)
    assert "SMOKE=True" in text
    first = re.search(r"certified ([0-9.]+e[-+][0-9]+) \(Theorem L\), verified at 50 digits", text)
    assert first and float(first.group(1)) > 0
    rows = re.findall(r"^(.+?)\s+W=(\d+)\s+certified (.+)$", text, flags=re.M)
    assert len(rows) == 5
    for _, _, vals in rows:
        nums = [float(v) for v in re.findall(r"([0-9.]+e[-+][0-9]+)", vals)]
        assert len(nums) == 3 and all(v > 0 for v in nums) and nums[2] > nums[1] > nums[0]
    floor = re.search(r"storage floor at B = 1000 bits: certified ([0-9.]+e[-+][0-9]+) \(Theorem C\)", text)
    assert floor and float(floor.group(1)) > 0
    ratios = [float(v) for v in re.findall(r"\(ratio ([0-9.e+]+)\)", text)]
    assert len(ratios) == 2 and all(r >= 1 for r in ratios)
    assert "all certificate members above their certified value: yes" in text


def test_03_jupytext_parses_into_notebook():
    jupytext = pytest.importorskip("jupytext")
    nb = jupytext.read(NOTEBOOKS / NB03)
    assert {c.cell_type for c in nb.cells} == {"markdown", "code"}
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert len(code) >= 7 and any(src.startswith("%matplotlib inline") for src in code)
    assert "parameters" in nb.cells[[c.cell_type for c in nb.cells].index("code")].metadata.get("tags", [])
    assert not any("plt.close" in src for src in code)
    assert nb.metadata["jupytext"]["text_representation"]["format_name"] == "percent"
