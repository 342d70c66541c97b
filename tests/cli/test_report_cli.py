import json

from approxbounds.cli import main


def test_report_smoke(tmp_path, capsys):
    out = tmp_path / "rep"
    assert main(["report", "--out", str(out), "--smoke", "--no-progress"]) == 0
    printed = capsys.readouterr().out
    assert str(out / "report.md") in printed
    assert printed.count("-> PASS") == 2 and "checks: 5/5 passed" in printed
    data = json.loads((out / "report.json").read_text())
    assert data["command"] == "approxbounds report --smoke" and data["done_when"]["passed"]
    assert len(list((out / "figures").glob("*.png"))) == 9
    assert (out / "report.md").read_text().startswith("# approxbounds report")


def test_report_bad_out(tmp_path, capsys):
    f = tmp_path / "afile"
    f.write_text("")
    assert main(["report", "--out", str(f), "--smoke", "--no-progress"]) == 2
    assert "error: out" in capsys.readouterr().err


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
