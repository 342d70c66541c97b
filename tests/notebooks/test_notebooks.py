"""Notebooks 01 and 02, executed for real (fixtures in conftest.py): no error output and
nothing on stderr, the inline figures (image/png) counted, the key values parsed from the
executed notebook's outputs."""
import re
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


# ------------------------------------------------------------------------------ 01
NB01 = "01_certified_bounds.py"


def test_01_executes_with_figures_rich_certificates_and_nonzero_values(run_notebook, nbtools):
    nb = run_notebook(NB01)
    nbtools.check_clean(nb)
    # bound vs W, two slope fits, two p-dependence plots: five inline PNG figures
    assert len(nbtools.images(nb)) >= 5
    rich = [o for o in nbtools.outputs(nb) if "text/markdown" in o.get("data", {})]
    assert len(rich) >= 2                       # the certificate and the rate, formatted
    md = rich[0]["data"]
    assert "Certified lower bound" in md["text/markdown"] and "Theorem L" in md["text/markdown"]
    assert "text/latex" in md and "text/html" in md
    text = nbtools.text_of(nb)
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


def test_02_executes_with_figures_and_metrics(run_notebook, nbtools):
    nb = run_notebook(NB02)
    nbtools.check_clean(nb)
    assert len(nbtools.images(nb)) >= 3                # learning curves, orthogonality defect, storage
    text = nbtools.text_of(nb)
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
