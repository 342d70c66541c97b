import json
import subprocess
import sys

import pytest

from approxbounds.capacity.empirical import CheckResult
from approxbounds.checks.registry import CHECKS
from approxbounds.cli import main


def test_table_and_exit_code(capsys):
    assert main(["check", "--only", "yarotsky", "sauer"]) == 0
    out = capsys.readouterr().out
    assert out.count("PASS  ") == 2 and "2/2 checks passed" in out
    assert "yarotsky" in out and "error_m5=0.000244141" in out


def test_json_output(capsys):
    assert main(["check", "--json", "--only", "clipping", "--seed", "2"]) == 0
    obj = json.loads(capsys.readouterr().out)
    assert obj["passed"] is True and obj["seed"] == 2 and obj["n_checks"] == 2
    assert {r["name"] for r in obj["results"]} == {"clipping"}
    assert all(set(r) == {"name", "claim", "numbers", "passed"} for r in obj["results"])


def test_failure_gives_exit_code_1(monkeypatch, capsys):
    import types

    mod = types.ModuleType("fake_failing_check")
    mod.run = lambda seed: [CheckResult("deliberately false", {"x": 1}, False)]
    monkeypatch.setitem(sys.modules, "fake_failing_check", mod)
    monkeypatch.setitem(CHECKS, "false_claim", ("fake_failing_check", "run", "fails"))
    assert main(["check", "--only", "false_claim", "sauer"]) == 1
    out = capsys.readouterr().out
    assert "FAIL  false_claim" in out and "1 FAILED" in out
    assert main(["check", "--json", "--only", "false_claim"]) == 1
    assert json.loads(capsys.readouterr().out)["passed"] is False


def test_unknown_name_and_list(capsys):
    assert main(["check", "--only", "nonsense"]) == 2
    assert "unknown check name" in capsys.readouterr().err
    assert main(["check", "--list"]) == 0
    listed = capsys.readouterr().out
    assert all(name in listed for name in CHECKS)


@pytest.mark.parametrize("argv, match", [
    (["--seed", "-1"], "--seed: expected an integer >= 0"),
    (["--seed", "1.5"], "--seed: expected an integer"),
    (["--workers", "0"], "--workers: expected an integer >= 1"),
    (["--workers", "2", "--scheduler", "tcp://127.0.0.1:1"], "not allowed with argument"),
])
def test_bad_integer_and_parallel_options_exit_2(argv, match, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["check", "--only", "sauer", *argv])
    assert exc.value.code == 2 and match in capsys.readouterr().err


def test_workers_give_the_serial_results_and_seed_in_scientific_notation(capsys):
    names = ["sauer", "clipping", "yarotsky"]
    assert main(["check", "--json", "--seed", "1e1", "--only", *names]) == 0
    serial = json.loads(capsys.readouterr().out)
    assert serial["seed"] == 10
    assert main(["check", "--json", "--seed", "10", "--workers", "2", "--only", *names]) == 0
    assert json.loads(capsys.readouterr().out) == serial
    assert [r["name"] for r in serial["results"]] == sorted(
        [r["name"] for r in serial["results"]], key=names.index)


def test_unreachable_scheduler_is_a_clean_error(capsys, monkeypatch):
    pytest.importorskip("distributed")
    import approxbounds.parallel

    monkeypatch.setattr(approxbounds.parallel, "SCHEDULER_TIMEOUT", 0.5)
    assert main(["check", "--only", "sauer", "--scheduler", "tcp://127.0.0.1:9"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: scheduler: cannot connect") and "Traceback" not in err


def test_console_script():
    r = subprocess.run([sys.executable, "-m", "approxbounds", "check", "--only", "sauer",
                        "varshamov_gilbert"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "2/2 checks passed" in r.stdout
