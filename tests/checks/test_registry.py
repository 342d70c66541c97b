import json
import math

import pytest

from approxbounds.capacity.empirical import CheckResult
from approxbounds.checks import registry
from approxbounds.checks.registry import (CHECKS, all_passed, check_names, format_table,
                                          results_to_json, run_checks)


def test_every_registered_check_runs_and_passes(all_results, by_name):
    assert set(by_name) == set(CHECKS)
    failed = [str(r) for r in all_results if not r.passed]
    assert not failed, failed
    assert all_passed(all_results)
    assert all(isinstance(r, CheckResult) and r.claim and r.numbers for r in all_results)
    # the capacity module's battery is reused, not duplicated
    assert len(by_name["capacity_patterns"]) == 15


def test_run_order_follows_registry(all_results):
    order = list(dict.fromkeys(r.name for r in all_results))
    assert order == check_names()


def test_selection_and_determinism():
    a = run_checks(["sauer_enumerated", "clipping"], seed=3)
    b = run_checks(("clipping", "sauer_enumerated", "clipping"), seed=3)
    assert [r.name for r in a] == ["sauer_enumerated", "clipping", "clipping"]
    assert {r.claim: r.numbers for r in a} == {r.claim: r.numbers for r in b}
    assert run_checks("yarotsky")[0].name == "yarotsky"


@pytest.mark.parametrize("bad", [["nope"], ["clipping", "Theorem_C"], []])
def test_unknown_names_rejected(bad):
    with pytest.raises(ValueError, match="check name|must not be empty"):
        run_checks(bad)


@pytest.mark.parametrize("seed,exc", [(-1, ValueError), (1.5, TypeError), (True, TypeError)])
def test_bad_seed(seed, exc):
    with pytest.raises(exc, match="seed"):
        run_checks(["sauer"], seed=seed)


def test_crashing_or_failing_check_is_reported_as_fail(monkeypatch):
    def boom(seed):
        raise RuntimeError("kaput")

    def wrong(seed):
        return CheckResult("a false claim", {"x": 1.0}, False)

    import types
    mod = types.ModuleType("fake_checks")
    mod.boom, mod.wrong = boom, wrong
    monkeypatch.setitem(__import__("sys").modules, "fake_checks", mod)
    monkeypatch.setitem(CHECKS, "boom", ("fake_checks", "boom", "raises"))
    monkeypatch.setitem(CHECKS, "wrong", ("fake_checks", "wrong", "fails"))
    res = run_checks(["boom", "wrong", "sauer"])
    assert [r.passed for r in res] == [False, False, True]
    assert "kaput" in res[0].numbers["error"]
    assert not all_passed(res)
    table = format_table(res)
    assert table.count("FAIL") >= 2 and "2 FAILED" in table and "1/3 checks passed" in table
    js = results_to_json(res, seed=0)
    assert js["passed"] is False and js["n_failed"] == 2
    json.dumps(js, allow_nan=False)


def test_json_is_strict_and_complete(all_results):
    js = results_to_json(all_results, seed=0)
    text = json.dumps(js, allow_nan=False)
    back = json.loads(text)
    assert back["passed"] is True and back["n_checks"] == len(all_results) and back["n_failed"] == 0
    assert {r["name"] for r in back["results"]} == set(CHECKS)


def test_all_passed_empty_is_false():
    assert not all_passed([])


def test_format_numbers_rounds_floats():
    s = registry.format_numbers({"a": math.pi, "b": [1.0, 2, 3], "c": "x"})
    assert s == "a=3.14159, b=[1, 2, 3], c=x"
