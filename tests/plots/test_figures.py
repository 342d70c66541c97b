"""Tests for approxbounds.plots.figures: the recipes, formats, parallel drawing, atomic files."""
import concurrent.futures as cf

import pytest

from approxbounds.plots.figures import (FIGURES, build_figures, check_formats, figure_descriptions,
                                        render_figure)

MAGIC = {"png": b"\x89PNG\r\n\x1a\n", "pdf": b"%PDF-", "svg": b"<?xml"}


def test_render_one_figure_in_every_format_reproducibly():
    job = {"name": "yarotsky_gadget", "smoke": True, "formats": ["png", "pdf", "svg"]}
    a, b = render_figure(job), render_figure(job)
    assert set(a) == {"png", "pdf", "svg"}
    for fmt, blob in a.items():
        assert blob.startswith(MAGIC[fmt]) and len(blob) > 1000
        assert blob == b[fmt]                      # no dates, fixed ids: identical bytes
    assert b"CreationDate" not in a["pdf"]
    assert b"<dc:date>" not in a["svg"]


def test_build_selected_figures_on_a_pool_and_serially(tmp_path):
    names = ["monotone_p_exponent", "yarotsky_gadget"]
    serial = build_figures(tmp_path / "a", smoke=True, formats="svg,png", names=names)
    assert [p.name for p in serial] == ["monotone_p_exponent.svg", "monotone_p_exponent.png",
                                        "yarotsky_gadget.svg", "yarotsky_gadget.png"]
    with cf.ThreadPoolExecutor(2) as ex:
        ticks = []
        pooled = build_figures(tmp_path / "b", smoke=True, formats=("svg", "png"), names=names,
                               executor=ex, progress=ticks.append)
    assert ticks == [1, 1]
    for p, q in zip(serial, pooled):
        assert p.read_bytes() == q.read_bytes()
    assert not [p for p in (tmp_path / "a").iterdir() if p.name.startswith(".")]


def test_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="formats"):
        check_formats(["png", "jpeg"])
    with pytest.raises(ValueError, match="formats"):
        check_formats([])
    assert check_formats("PDF, png,pdf") == ("pdf", "png")
    with pytest.raises(ValueError, match="unknown figure"):
        build_figures(tmp_path, names=["nope"])
    with pytest.raises(TypeError, match="smoke"):
        build_figures(tmp_path, smoke="yes")
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(ValueError, match="not a directory"):
        build_figures(f, names=["yarotsky_gadget"])


def test_descriptions_name_every_file():
    d = figure_descriptions("pdf")
    assert list(d) == [f"{n}.pdf" for n in FIGURES] and all(d.values())
