"""Shared fixtures for the notebook tests: ``run_notebook(name)`` executes a jupytext source for
real (jupytext conversion, every cell in an IPython kernel of this interpreter via nbclient,
smoke parameters via ``APPROXBOUNDS_SMOKE=1``, the kernel's own inline matplotlib backend) and
returns the executed notebook; ``nbtools`` reads its outputs (``outputs``, ``text_of``,
``images``, ``check_clean``)."""
import json
import sys
from pathlib import Path
from types import SimpleNamespace

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
def run_notebook(tmp_path, monkeypatch):
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


@pytest.fixture
def nbtools():
    return SimpleNamespace(outputs=outputs, text_of=text_of, check_clean=check_clean, images=images,
                           NOTEBOOKS=NOTEBOOKS)
