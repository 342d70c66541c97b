"""``approxbounds verify FILE.json``: every certificate that ``bound --json`` prints verifies;
edited files are rejected (exit 1, reason on stderr); unreadable input exits 2."""
import io
import json

import pytest

from approxbounds.cli import main

BOUND_ARGVS = [
    ["holder", "--d", "2", "--alpha", "1", "--p", "2", "--arch", "2,10,1"],
    ["holder", "--d", "1", "--alpha", "0.1", "--norm", "sup", "--arch", "1,100,1"],
    ["holder", "--d", "1", "--alpha", "1", "--p", "1e300", "--arch", "1,10,1"],
    ["holder", "--d", "2", "--alpha", "1", "--p", "3", "--arch", "2,10x2,1", "--bits", "2",
     "--quantize", "all"],
    ["holder", "--d", "1", "--alpha", "0.5", "--p", "1", "--arch", "1,8,1", "--kappa", "0.5"],
    ["monotone", "--d", "3", "--p", "4", "--arch", "3,20x4,1"],
    ["monotone", "--d", "2", "--norm", "sup", "--arch", "2,10,1"],
    ["monotone", "--d", "2", "--norm", "sup", "--arch", "2,3,1", "--activation", "hard_threshold"],
]


@pytest.mark.parametrize("argv", BOUND_ARGVS, ids=lambda a: " ".join(a[:6]))
def test_every_bound_json_verifies(cli_json, capsys, tmp_path, argv):
    text = cli_json("bound", argv)
    path = tmp_path / "cert.json"
    path.write_text(text)
    rc = main(["verify", str(path)])
    out, err = capsys.readouterr()
    assert rc == 0, err
    assert out.startswith("verified: dist(") and out.count("\n") == 1


def test_edited_claim_exits_1_with_the_reason(cli_json, capsys, tmp_path):
    doc = json.loads(cli_json("bound", BOUND_ARGVS[1]))
    doc["claim"]["function_class"]["alpha"] = 1.0    # the forgery
    path = tmp_path / "forged.json"
    path.write_text(json.dumps(doc))
    rc = main(["verify", str(path)])
    _, err = capsys.readouterr()
    assert rc == 1 and err.startswith("NOT VERIFIED:") and "claim" in err


def test_stdin(cli_json, capsys, monkeypatch):
    text = cli_json("bound", BOUND_ARGVS[0])
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    assert main(["verify", "-"]) == 0
    assert capsys.readouterr().out.startswith("verified:")


@pytest.mark.parametrize("content,needle", [
    (None, "cannot read"), ("{not json", "not JSON"), ('{"a": 1}', "not an approxbounds certificate"),
])
def test_unreadable_input_exits_2(capsys, tmp_path, content, needle):
    path = tmp_path / "x.json"
    if content is not None:
        path.write_text(content)
    rc = main(["verify", str(path)])
    err = capsys.readouterr().err
    assert rc == 2 and needle in err and "Traceback" not in err


@pytest.mark.parametrize("argv,needle", [
    (["holder", "--d", "1", "--alpha", "1", "--norm", "sup", "--p", "3", "--arch", "1,5,1"], "--p does not apply"),
    (["holder", "--d", "1", "--alpha", "1", "--norm", "sup", "--kappa", "0.5", "--arch", "1,5,1"], "--kappa does not apply"),
    (["holder", "--d", "1", "--alpha", "1", "--norm", "sup", "--tail", "hoeffding", "--arch", "1,5,1"], "--tail does not apply"),
    (["holder", "--d", "1", "--alpha", "1", "--p", "nan", "--arch", "1,5,1"], "--p must be"),
    (["holder", "--d", "1", "--alpha", "1", "--arch", "1,5,1", "--quantize", "all"], "--quantize needs --bits"),
])
def test_flags_that_do_not_apply_are_errors(capsys, argv, needle):
    rc = main(["bound", *argv])
    err = capsys.readouterr().err
    assert rc == 2 and needle in err and "Traceback" not in err


# ------------------------------------------------- hostile files (review of this turn)
RECURRENT_ARGV = ["delayed-holder", "--d", "1", "--alpha", "1", "--lag", "2", "--length", "10", "--p", "2",
                  "--model", "hadamrnn", "--hidden", "8", "--bits", "4"]


def _verify_text(tmp_path, capsys, text, *extra):
    path = tmp_path / "edited.json"
    path.write_text(text)
    rc = main(["verify", str(path), *extra])
    out, err = capsys.readouterr()
    assert "Traceback" not in err and err.count("\n") <= 1
    return rc, out, err


@pytest.mark.parametrize("where", [("N",), ("capacity", "ingredients", "N"), ("N_exact",)])
@pytest.mark.parametrize("junk", ["x", -1, 12345])
def test_a_double_beside_its_exact_companion_cannot_be_edited(cli_json, capsys, tmp_path, where, junk):
    """The proof of a recurrent certificate stores N > 2^53 as a double and its exact string;
    the CLI used to read the exact one only, so junk in the double verified."""
    doc = json.loads(cli_json("bound", RECURRENT_ARGV))
    node = doc["proof"]["ingredients"]
    for key in where[:-1]:
        node = node[key]
    assert where[-1] in node
    node[where[-1]] = str(junk) if where[-1].endswith("_exact") else junk
    rc, _, err = _verify_text(tmp_path, capsys, json.dumps(doc))
    assert rc == 1 and err.startswith("NOT VERIFIED") and ("N:" in err or "N_exact:" in err), err


@pytest.mark.parametrize("path", [("claim", "value"), ("claim", "norm"), ("claim", "function_class", "alpha"),
                                  ("proof", "route", "delta"), ("proof", "ingredients", "eps")])
def test_integers_beyond_the_double_range_are_rejected_not_raised(cli_json, capsys, tmp_path, path):
    doc = json.loads(cli_json("bound", BOUND_ARGVS[0]))
    node = doc
    for key in path[:-1]:
        node = node[key]
    assert path[-1] in node, path
    node[path[-1]] = 10**400
    rc, _, err = _verify_text(tmp_path, capsys, json.dumps(doc))
    assert rc == 1 and err.startswith("NOT VERIFIED")


def test_deeply_nested_input_and_absurd_dps_exit_2(cli_json, capsys, tmp_path):
    rc, _, err = _verify_text(tmp_path, capsys, "[" * 100_000 + "]" * 100_000)
    assert rc == 2 and "nested too deeply" in err
    text = cli_json("bound", BOUND_ARGVS[0])
    for dps in ("100000", "19"):
        rc, _, err = _verify_text(tmp_path, capsys, text, "--dps", dps)
        assert rc == 2 and "--dps must be an integer in [20, 10000]" in err


def test_a_band_gap_beyond_the_double_range_is_rejected(cli_json, capsys, tmp_path):
    doc = json.loads(cli_json("band", ["holder", "--d", "1", "--alpha", "1", "--p", "2", "--arch", "1,16,1"]))
    doc["gap"] = 10**400
    rc, _, err = _verify_text(tmp_path, capsys, json.dumps(doc))
    assert rc == 1 and "band gap must be a finite number, got ~10^400" in err
