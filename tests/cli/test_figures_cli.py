"""Tests for ``approxbounds figures`` (smoke mode into a temp dir)."""
import os

import pytest

from approxbounds.cli import main
from approxbounds.plots.figures import FIGURES

MAGIC = {"png": b"\x89PNG\r\n\x1a\n", "pdf": b"%PDF-", "svg": b"<?xml"}


def test_figures_smoke_writes_every_file(tmp_path, capsys):
    out = tmp_path / "figs"
    assert main(["figures", "--out", str(out), "--smoke", "-q"]) == 0
    written = sorted(os.listdir(out))
    assert written == sorted(f"{n}.png" for n in FIGURES)
    for name in written:
        path = out / name
        assert path.stat().st_size > 1000
        assert path.read_bytes()[:8] == MAGIC["png"]
    printed = capsys.readouterr().out.split()
    assert len(printed) == len(FIGURES)


def test_formats_pdf_and_svg_on_two_workers(tmp_path, capsys):
    out = tmp_path / "figs"
    only = ["yarotsky_gadget", "monotone_p_exponent"]
    assert main(["figures", "--out", str(out), "--smoke", "-q", "--format", "PDF,svg",
                 "--workers", "2", "--only", *only]) == 0
    assert sorted(os.listdir(out)) == sorted(f"{n}.{f}" for n in only for f in ("pdf", "svg"))
    for name in os.listdir(out):
        assert (out / name).read_bytes().startswith(MAGIC[name.rsplit(".", 1)[1]])
    assert capsys.readouterr().out.split() == [str(out / f"{n}.{f}") for n in only for f in ("pdf", "svg")]


def test_list_and_unknown_name(capsys):
    assert main(["figures", "--list"]) == 0
    listed = capsys.readouterr().out
    assert all(name in listed for name in FIGURES)
    assert main(["figures", "--only", "nope"]) == 2
    assert "unknown figure(s) 'nope'" in capsys.readouterr().err


@pytest.mark.parametrize("make, message", [
    (lambda p: (p / "a_file").write_text("x") and p / "a_file", "exists and is not a directory"),
    (lambda p: p / "missing" / "figs", "does not exist"),
    (lambda p: (p / "a_file").write_text("x") and p / "a_file" / "figs", "is not a directory"),
])
def test_bad_out_is_a_clean_exit_2(tmp_path, capsys, make, message):
    assert main(["figures", "--out", str(make(tmp_path)), "--smoke"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --out: ") and message in err and "Traceback" not in err


def test_unwritable_out_is_a_clean_exit_2(capsys):
    if not os.path.isdir("/proc/self"):
        pytest.skip("needs /proc")
    assert main(["figures", "--out", "/proc/approxbounds-figures", "--smoke"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --out: cannot create directory") and "Traceback" not in err


def test_bad_format_exits_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["figures", "--format", "png,jpg"])
    assert exc.value.code == 2 and "unknown format 'jpg'" in capsys.readouterr().err


def test_figures_help_lists_options(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["figures", "--help"])
    assert exc.value.code == 0
    text = capsys.readouterr().out
    for opt in ("--smoke", "--out", "--format", "--workers", "--scheduler", "-q"):
        assert opt in text
