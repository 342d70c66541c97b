import json

import pytest

from approxbounds.report import SMOKE, build_report
from approxbounds.report.sweep import DONE_WHEN


@pytest.fixture(scope="module")
def smoke_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("rep") / "report"
    return build_report(out, smoke=True, progress=False), out


def test_files_written(smoke_report):
    res, out = smoke_report
    assert res["markdown"] == out / "report.md" and res["json"] == out / "report.json"
    from approxbounds.plots.figures import FIGURES

    assert len(res["figures"]) == len(FIGURES) == 11
    for fig in res["figures"]:
        assert fig.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not [p for p in out.rglob("*") if ".tmp" in p.name]      # nothing half-written
    assert not (out / ".partial").exists()                          # resume files removed at the end
    data = json.loads((out / "report.json").read_text(), parse_constant=pytest.fail)
    assert data == json.loads(json.dumps(res["data"]))


def test_done_when_slopes_within_0_05(smoke_report):
    """Issue 3 'Done when': fitted slopes of ln(certified bound) vs ln(Pdim bound) for Hölder
    (d=2, alpha=1, p=2) and monotone (d=3, p=4) within 0.05 of -1/2 and -1/8."""
    data = smoke_report[0]["data"]
    items = data["done_when"]["slopes"]
    assert [(i["class"], i["norm"]) for i in items] == [("Holder(d=2, alpha=1)", 2),
                                                      ("Monotone(d=3)", 4)]
    for item, (_, _, predicted) in zip(items, DONE_WHEN):
        assert item["predicted"] == predicted
        assert abs(item["fitted_slope"] - predicted) <= 0.05
        assert item["passed"]
    for row in data["slopes"]:
        assert row["n_used"] >= 5 and row["W_fit_min"] >= 1e5 and row["W_fit_max"] > 5e7
        assert row["theorems"] == ["L"]
    assert data["done_when"]["passed"]


def test_bounds_rows(smoke_report):
    data = smoke_report[0]["data"]
    rows = data["bounds"]
    n = len(SMOKE.classes) * len(SMOKE.norms) * len(SMOKE.depths)
    assert len(rows) >= n * 3
    assert all(r["verified"] and r["value"] > 0 for r in rows)
    assert min(r["W"] for r in rows) <= 120 and max(r["W"] for r in rows) >= 9e7
    for r in rows:
        assert r["rate_only_tag"] == "R"
        if r["class"].startswith("Monotone") and r["norm"] == "sup":
            assert r["theorem"] == "D" and r["value"] == 0.5 and r["rate_only"] is None
        elif r["theorem"] == "L":
            assert r["rate_only"] > r["value"]           # Theorem L's constants: far below the bare rate
    # certified values are non-increasing in W along each family
    fams = {}
    for r in rows:
        fams.setdefault((r["class"], r["norm_key"], r["depth"]), []).append((r["W"], r["value"]))
    for pts in fams.values():
        vals = [v for _, v in sorted(pts)]
        assert all(b <= a for a, b in zip(vals, vals[1:]))


def test_markdown_content(smoke_report):
    md = (smoke_report[1] / "report.md").read_text()
    for section in ("## Slope checks against predicted exponents", "## Fitted slopes", "## Certified lower bounds",
                    "## Numeric proof checks", "## Figures"):
        assert section in md
    assert "rate only" in md and "*[R]" in md and "no rate" in md
    assert "✗" not in md and "**FAIL**" not in md
    for fig in smoke_report[0]["figures"]:
        assert f"(figures/{fig.name})" in md


def test_bad_arguments(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(ValueError, match="out: .* exists and is not a directory"):
        build_report(f, smoke=True, progress=False)
    with pytest.raises(ValueError, match="parent"):
        build_report(tmp_path / "missing" / "deeper", smoke=True, progress=False)
    with pytest.raises(TypeError, match="smoke"):
        build_report(tmp_path / "r", smoke="yes")
    with pytest.raises(TypeError, match="config"):
        build_report(tmp_path / "r", config={"classes": ()})
    with pytest.raises(ValueError, match="formats"):
        build_report(tmp_path / "r", smoke=True, formats=("png", "jpg"))
    with pytest.raises(ValueError, match="seed"):
        build_report(tmp_path / "r", smoke=True, seed=-1)
    assert not (tmp_path / "r").exists()
