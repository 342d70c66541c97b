from approxbounds.report import render_markdown
from approxbounds.report.markdown import fmt_value


def _data(verified=True, value=1e-5, check_ok=True):
    row = {"class": "Holder(d=2, alpha=1)", "norm_key": "L2", "depth": 2, "W": 101,
           "arch": "2,25,1", "pdim_bound": 2630.0, "value": value, "theorem": "L",
           "verified": verified, "rate_only": 1e-2}
    return {
        "command": "approxbounds report", "version": "0",
        "settings": {"smoke": False, "norm_keys": ["L2"], "depths": [2], "n_W": 1,
                     "W_min": 100.0, "W_max": 1e8, "dps": 50},
        "class_names": ["Holder(d=2, alpha=1)"],
        "done_when": {"slopes": [{"class": "Holder(d=2, alpha=1)", "norm_key": "L2",
                                  "fitted_slope": -0.6, "predicted": -0.5, "passed": False}],
                      "all_verified": verified, "n_verified": int(verified), "n_bounds": 1},
        "slopes": [{"class": "Holder(d=2, alpha=1)", "norm_key": "L2", "depth": 2,
                    "fitted_slope": -0.6, "predicted_text": "-1/2", "deviation": -0.1,
                    "within_0_05": False, "theorems": ["L"], "n_used": 5, "W_fit_min": 1e5}],
        "bounds": [row],
        "checks": {"passed": check_ok, "n_checks": 1, "n_failed": 0 if check_ok else 1, "seed": 0,
                   "results": [{"name": "x", "claim": "a|b", "numbers": {"v": 0.5},
                                "passed": check_ok}]},
        "figures": {"a.png": "figure A"},
    }


def test_failures_are_visible():
    md = render_markdown(_data(verified=False, check_ok=False))
    assert "**FAIL** slope" in md and "| **no** |" in md
    assert "NOT VERIFIED" in md and "| **FAIL** | x |" in md
    assert "a\\|b" in md                    # pipes in claims are escaped
    assert "![figure A](figures/a.png)" in md


def test_no_certificate_cell_and_pass():
    md = render_markdown(_data(value=None))
    assert "no certificate" in md
    md = render_markdown(_data())
    assert "1.00e-05 (Thm L ✓)<br>*[R] 1.00e-02*" in md


def test_theorem_names_and_settings_state_what_is_used():
    data = _data()
    data["bounds"][0]["theorem"] = "D"
    data["settings"].update(n_W=25, slope_n=30, slope_depth=2, W_fit_min=1e5)
    md = render_markdown(data)
    assert "(Lemma D ✓)" in md and "Theorem D" not in md
    assert "25 log-spaced target W" in md and "width family of 30 networks" in md
    assert "depth-2" in md and "## Slope checks against predicted exponents" in md
    assert "issue 3" not in md and "Done when" not in md


def test_fmt_value():
    assert fmt_value(None) == "–" and fmt_value(12345.0) == "1.23e+04"
    assert fmt_value(0.5, 2) == "5.0e-01"
