"""The notebooks, executed for real: each jupytext source is converted with jupytext and run
cell by cell in an IPython kernel of this interpreter (nbclient; smoke parameters via
``APPROXBOUNDS_SMOKE=1``); the assertions read the executed notebook's outputs: no error and
nothing on stderr, the inline figures (image/png) counted, the key values parsed."""
import json
import re
import sys
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
KERNEL = "approxbounds-test"


def _kernel_spec(root: Path) -> None:
    """A kernel spec running ``sys.executable`` (this venv), found first via JUPYTER_PATH."""
    spec = root / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "approxbounds test kernel", "language": "python"}))


@pytest.fixture
def execute_notebook(tmp_path, monkeypatch):
    jupytext = pytest.importorskip("jupytext")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")

    def run(name: str, timeout: int = 600):
        jupyter = tmp_path / "jupyter"
        _kernel_spec(jupyter)
        monkeypatch.setenv("JUPYTER_PATH", str(jupyter))
        monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
        monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")
        monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
        monkeypatch.setenv("APPROXBOUNDS_SMOKE", "1")
        monkeypatch.delenv("MPLBACKEND", raising=False)      # the kernel's own inline backend
        nb = jupytext.read(NOTEBOOKS / name)
        work = tmp_path / "work"
        work.mkdir()
        client = nbclient.NotebookClient(nb, kernel_name=KERNEL, timeout=timeout,
                                         resources={"metadata": {"path": str(work)}})
        client.execute()
        return nb

    return run


def outputs(nb):
    """Every output of every code cell, in order."""
    return [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]


def text_of(nb) -> str:
    """All stream text and all text/plain, text/markdown, text/latex, text/html data."""
    parts = []
    for o in outputs(nb):
        if o["output_type"] == "stream":
            parts.append(o["text"])
        for mime in ("text/plain", "text/markdown", "text/latex", "text/html"):
            if mime in o.get("data", {}):
                parts.append(o["data"][mime])
    return "\n".join(parts)


def check_clean(nb) -> None:
    """No error output, nothing on stderr (warnings included), every code cell ran."""
    outs = outputs(nb)
    errors = [o for o in outs if o["output_type"] == "error"]
    assert not errors, errors[0]["ename"] + ": " + errors[0]["evalue"]
    stderr = [o["text"] for o in outs if o["output_type"] == "stream" and o["name"] == "stderr"]
    assert not stderr, "stderr output: " + "".join(stderr)[:2000]
    assert all(c.get("execution_count") for c in nb.cells if c.cell_type == "code")


def images(nb) -> list:
    return [o for o in outputs(nb) if "image/png" in o.get("data", {})]


# ------------------------------------------------------------------------------ 01
NB01 = "01_certified_bounds.py"


def test_01_executes_with_figures_rich_certificates_and_nonzero_values(execute_notebook):
    nb = execute_notebook(NB01)
    check_clean(nb)
    # bound vs W, two slope fits, two p-dependence plots: five inline PNG figures
    assert len(images(nb)) >= 5
    rich = [o for o in outputs(nb) if "text/markdown" in o.get("data", {})]
    assert len(rich) >= 2                       # the certificate and the rate, formatted
    md = rich[0]["data"]
    assert "Certified lower bound" in md["text/markdown"] and "Theorem L" in md["text/markdown"]
    assert "text/latex" in md and "text/html" in md
    text = text_of(nb)
    assert "SMOKE=True" in text and "Rate only [R]" in text
    certified = [float(v) for v in re.findall(r"certified ([0-9.]+e[-+][0-9]+)", text)]
    assert len(certified) == 12 and all(v > 0 for v in certified)      # 3 classes x 4 norms
    assert " 0.0 " not in text and "[0.0" not in text                   # nothing printed as zero
    slopes = [float(v) for v in re.findall(r"fitted slope (-?[0-9.]+)", text)]
    assert len(slopes) == 2 and abs(slopes[0] + 0.5) <= 0.05 and abs(slopes[1] + 0.125) <= 0.05
    p_values = re.findall(r"d=\d: certified at p = .*", text)
    assert len(p_values) == 3 and all(float(v) > 0 for line in p_values
                                      for v in re.findall(r"([0-9.]+e[-+][0-9]+)", line))
    assert "checks passed" in text and "FAIL" not in text


def test_01_jupytext_parses_into_notebook():
    jupytext = pytest.importorskip("jupytext")
    nb = jupytext.read(NOTEBOOKS / NB01)
    assert {c.cell_type for c in nb.cells} == {"markdown", "code"}
    assert sum(c.cell_type == "code" for c in nb.cells) >= 8
    assert nb.metadata["jupytext"]["text_representation"]["format_name"] == "percent"
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert "parameters" in nb.cells[[c.cell_type for c in nb.cells].index("code")].metadata.get("tags", [])
    assert any(src.startswith("%matplotlib inline") for src in code)
    assert not any("plt.close" in src for src in code)          # figures are shown, not closed


# ------------------------------------------------------------------------------ 02
NB02 = "02_quantized_rnns.py"
MODELS = ["hadamrnn", "block-hadamrnn", "qornn-ptq", "qornn-bjorck", "ornn", "lstm"]


def test_02_executes_with_figures_and_metrics(execute_notebook):
    nb = execute_notebook(NB02)
    check_clean(nb)
    assert len(images(nb)) >= 3                # learning curves, orthogonality defect, storage
    text = text_of(nb)
    assert "SMOKE=True" in text
    ce = dict(re.findall(r"^(\S+)\s+val CE ([0-9.]+) =", text, flags=re.M))
    assert sorted(ce) == sorted(MODELS) and all(float(v) > 0 for v in ce.values())
    storage = dict(re.findall(r"^(.+?)\s+([0-9,]+) bits =", text, flags=re.M))
    assert int(storage["HadamRNN p=4"].replace(",", "")) < int(storage["LSTM fp32"].replace(",", ""))
    defects = [float(v) for v in re.findall(r"mean Frobenius defect ([0-9.]+)", text)]
    assert len(defects) == 7 and defects[0] > defects[-1] > 0         # 2..8 bits: falls with k


def test_02_jupytext_parses_into_notebook():
    jupytext = pytest.importorskip("jupytext")
    nb = jupytext.read(NOTEBOOKS / NB02)
    assert {c.cell_type for c in nb.cells} == {"markdown", "code"}
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert len(code) >= 6 and any(src.startswith("%matplotlib inline") for src in code)
    assert not any("plt.close" in src for src in code)
