"""Notebook 03 (recurrent bounds and the storage floor), executed for real with the shared
``run_notebook`` fixture (tests/notebooks/conftest.py: nbclient, a kernel of this interpreter,
smoke parameters): no error, nothing on stderr, the inline figures counted, the certified
values and the cross-check verdict parsed from the outputs."""
import re

import pytest

NB03 = "03_recurrent_bounds.py"


def test_03_executes_with_certificates_floor_and_trained_models(run_notebook, nbtools):
    nb = run_notebook(NB03)
    nbtools.check_clean(nb)
    outs = nbtools.outputs(nb)
    assert len(nbtools.images(nb)) >= 2                     # bound vs T, storage floor
    md = [o["data"]["text/markdown"] for o in outs if "text/markdown" in o.get("data", {})]
    assert md and "Theorem L" in md[0]
    text = nbtools.text_of(nb)
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


def test_03_jupytext_parses_into_notebook(nbtools):
    jupytext = pytest.importorskip("jupytext")
    nb = jupytext.read(nbtools.NOTEBOOKS / NB03)
    assert {c.cell_type for c in nb.cells} == {"markdown", "code"}
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert len(code) >= 7 and any(src.startswith("%matplotlib inline") for src in code)
    assert "parameters" in nb.cells[[c.cell_type for c in nb.cells].index("code")].metadata.get("tags", [])
    assert not any("plt.close" in src for src in code)
    assert nb.metadata["jupytext"]["text_representation"]["format_name"] == "percent"
