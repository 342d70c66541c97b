import json
import os

import pytest

from approxbounds.cli import main


def test_report_smoke(tmp_path, capsys):
    out = tmp_path / "rep"
    assert main(["report", "--out", str(out), "--smoke", "--no-progress", "--seed", "0e0"]) == 0
    printed = capsys.readouterr().out
    assert str(out / "report.md") in printed
    assert printed.count("-> PASS") == 2 and "checks: 5/5 passed" in printed
    data = json.loads((out / "report.json").read_text())
    assert data["command"] == "approxbounds report --smoke" and data["done_when"]["passed"]
    assert len(list((out / "figures").glob("*.png"))) == 11
    assert (out / "report.md").read_text().startswith("# approxbounds report")


@pytest.mark.parametrize("make, message", [
    (lambda p: (p / "afile").write_text("") or p / "afile", "exists and is not a directory"),
    (lambda p: p / "missing" / "rep", "parent directory"),
    (lambda p: (p / "afile").write_text("") or p / "afile" / "rep", "is not a directory"),
])
def test_report_bad_out(tmp_path, capsys, make, message):
    assert main(["report", "--out", str(make(tmp_path)), "--smoke", "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --out: ") and message in err and "Traceback" not in err


def test_report_unwritable_out(capsys):
    if not os.path.isdir("/proc/self"):
        pytest.skip("needs /proc")
    assert main(["report", "--out", "/proc/approxbounds-report", "--smoke"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --out: cannot create directory") and "Traceback" not in err


def test_report_read_only_directory(tmp_path, capsys, monkeypatch):
    import tempfile

    def refuse(*a, **k):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "TemporaryFile", refuse)
    assert main(["report", "--out", str(tmp_path), "--smoke"]) == 2
    assert capsys.readouterr().err == (f"error: --out: directory {str(tmp_path)!r} is not writable: "
                                       "Permission denied\n")


@pytest.mark.parametrize("argv, message", [
    (["--seed", "-1"], "--seed: expected an integer >= 0"),
    (["--seed", "1.5"], "--seed: expected an integer"),
    (["--workers", "0"], "--workers: expected an integer >= 1"),
    (["--format", "gif"], "unknown format 'gif'"),
])
def test_report_bad_options_exit_2(argv, message, capsys, tmp_path):
    with pytest.raises(SystemExit) as exc:
        main(["report", "--out", str(tmp_path / "r"), "--smoke", *argv])
    assert exc.value.code == 2 and message in capsys.readouterr().err
    assert not (tmp_path / "r").exists()


def test_report_failing_criterion_exit_code(tmp_path, monkeypatch, capsys):
    import approxbounds.report as rep

    def fake(out, **kw):
        return {"markdown": "m", "json": "j", "figures": [],
                "data": {"done_when": {"slopes": [{"class": "F", "norm_key": "L2",
                                                   "fitted_slope": -0.7, "predicted": -0.5,
                                                   "passed": False}],
                                       "passed": False, "n_verified": 1, "n_bounds": 1},
                         "checks": {"n_checks": 1, "n_failed": 0}}}

    monkeypatch.setattr(rep, "build_report", fake)
    assert main(["report", "--out", str(tmp_path / "x")]) == 1
    assert "-> FAIL" in capsys.readouterr().out
