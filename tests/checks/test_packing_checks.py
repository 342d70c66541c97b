from approxbounds.checks.packing_checks import PACKING_CASES, _midpoint_tent


def test_packing_results(by_name):
    res = by_name["packings"]
    assert len(res) == len(PACKING_CASES) and all(r.passed for r in res)
    assert all(r.numbers["cases"] >= 4 for r in res)
    assert all(r.numbers["max_rel_separation_error"] <= 2e-2 for r in res)
    names = " ".join(r.claim for r in res)
    for cons in ("(A construction", "(B construction", "Holder(d=2, alpha=2)"):
        assert cons in names


def test_bump_norm_results(by_name):
    (r,) = by_name["bump_norms"]
    assert r.passed
    assert r.numbers["max_rel_vs_mpmath"] < 1e-13
    assert r.numbers["max_rel_vs_midpoint"] < 2e-3


def test_midpoint_rule_reference_values():
    assert abs(_midpoint_tent(2, 2.0, 400) - 1 / 6) < 1e-4
    assert abs(_midpoint_tent(3, 1.0, 80) - 1 / 4) < 1e-3
