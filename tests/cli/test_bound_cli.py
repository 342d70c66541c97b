"""The ``approxbounds bound`` sub-command."""
import json
import subprocess
import sys

import pytest

from approxbounds.cli import main


def _json(capsys, argv):
    rc = main(argv)
    out = capsys.readouterr().out
    return rc, json.loads(out)


def test_cli_example_positive_verified(capsys):
    rc, d = _json(capsys, ["bound", "holder", "--d", "2", "--alpha", "1", "--p", "2",
                           "--arch", "2,35x9,1", "--json"])
    assert rc == 0
    claim = d["claim"]
    assert d["verification"]["verified"] is True and claim["value"] > 0 and claim["theorem"] == "L"
    ing = d["proof"]["ingredients"]
    assert ing["N"] == ing["n"] * (ing["K"] - 1)
    assert claim["value"] == pytest.approx(ing["eps"] / 4)


def test_cli_human_output(capsys):
    rc = main(["bound", "holder", "--d", "2", "--alpha", "1", "--arch", "2,35x9,1"])
    out = capsys.readouterr().out
    assert rc == 0
    assert "certified lower bound" in out and "Theorem L" in out
    assert "verified at 50 digits: yes" in out and "K = ceil(4B/eps)" in out


@pytest.mark.parametrize("argv,theorem", [
    (["holder", "--d", "2", "--alpha", "1", "--norm", "sup", "--arch", "2,35x9,1"], "S"),
    (["monotone", "--d", "3", "--p", "4", "--arch", "3,20x4,1"], "L"),
    (["monotone", "--d", "3", "--norm", "sup", "--arch", "3,20x4,1"], "D"),
    (["holder", "--d", "1", "--alpha", "0.5", "--p", "1", "--arch", "1,8,1", "--bits", "1",
      "--quantize", "all"], None),
    (["holder", "--d", "2", "--alpha", "1", "--arch", "2,10,1", "--tail", "hoeffding",
      "--kappa", "0.5"], "L"),
])
def test_cli_variants(capsys, argv, theorem):
    rc, d = _json(capsys, ["bound", *argv, "--json"])
    assert rc == 0 and d["verification"]["verified"] is True and d["claim"]["value"] > 0
    if theorem:
        assert d["claim"]["theorem"] == theorem
    else:  # quantized: the counting theorem is among the certificates
        assert "C" in {d["claim"]["theorem"], *(a["claim"]["theorem"] for a in d["alternatives"])}


@pytest.mark.parametrize("argv,needle", [
    (["holder", "--d", "2", "--alpha", "0", "--arch", "2,5,1"], "alpha"),
    (["holder", "--d", "2", "--alpha", "-1", "--arch", "2,5,1"], "alpha"),
    (["holder", "--d", "0", "--alpha", "1", "--arch", "2,5,1"], "d must"),
    (["holder", "--d", "2", "--alpha", "1", "--p", "0.5", "--arch", "2,5,1"], "p must"),
    (["holder", "--d", "2", "--alpha", "1", "--arch", "2,0,1"], "widths"),
    (["holder", "--d", "2", "--alpha", "1", "--arch", "2,abc,1"], "arch"),
    (["holder", "--d", "3", "--alpha", "1", "--arch", "2,5,1"], "dimension"),
    (["monotone", "--d", "2", "--arch", "2,5,1", "--kappa", "0"], "kappa"),
])
def test_cli_bad_input(capsys, argv, needle):
    rc = main(["bound", *argv])
    err = capsys.readouterr().err
    assert rc == 2 and err.startswith("error:") and needle in err
    assert "Traceback" not in err


def test_cli_subprocess_json():
    out = subprocess.run([sys.executable, "-m", "approxbounds", "bound", "holder", "--d", "2",
                          "--alpha", "1", "--p", "2", "--arch", "2,35x9,1", "--json"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert d["verification"]["verified"] is True and d["claim"]["value"] > 0


def test_transferred_certificate_and_lemma_names_are_printed(capsys):
    """The human output says when Lemma T carried a bound over, and calls D a lemma."""
    from approxbounds.cli import main

    assert main(["bound", "monotone", "--d", "2", "--norm", "sup", "--arch", "2,3,1",
                 "--activation", "hard_threshold"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert "transferred by Lemma T to sup" in first
    assert main(["bound", "monotone", "--d", "2", "--norm", "sup", "--arch", "2,3,1"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert "(Lemma D, sup norm)" in first and "Theorem D" not in first
