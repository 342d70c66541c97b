"""Tests for ``approxbounds figures`` (smoke mode into a temp dir)."""
import os

from approxbounds.cli import main
from approxbounds.cli.figures import FIGURES


def test_figures_smoke_writes_every_file(tmp_path, capsys):
    out = tmp_path / "figs"
    assert main(["figures", "--out", str(out), "--smoke"]) == 0
    written = sorted(os.listdir(out))
    assert written == sorted(FIGURES)
    for name in written:
        path = out / name
        assert path.stat().st_size > 1000
        with open(path, "rb") as fh:
            assert fh.read(8) == b"\x89PNG\r\n\x1a\n"
    printed = capsys.readouterr().out.split()
    assert len(printed) == len(FIGURES)


def test_figures_help_lists_options(capsys):
    try:
        main(["figures", "--help"])
    except SystemExit as exc:
        assert exc.code == 0
    text = capsys.readouterr().out
    assert "--smoke" in text and "--out" in text
