"""``approxbounds bound delayed-holder / multilag-holder`` and ``--storage-bits``."""
import json
import subprocess
import sys

import pytest

from approxbounds.cli import main

EXAMPLE = ["bound", "delayed-holder", "--d", "1", "--alpha", "1", "--lag", "10", "--length", "50",
           "--p", "2", "--model", "hadamrnn", "--hidden", "64", "--bits", "4", "--json"]


def _json(capsys, argv):
    rc = main(argv)
    return rc, json.loads(capsys.readouterr().out)


def test_issue_example_prints_a_verified_certificate(capsys, tmp_path):
    rc, d = _json(capsys, EXAMPLE)
    assert rc == 0 and d["verification"]["verified"] is True
    claim = d["claim"]
    assert claim["function_class"] == {"name": "DelayedHolder", "d": 1, "alpha": 1.0, "lag": 10, "length": 50}
    net = claim["network_class"]
    assert net["kind"] == "recurrent" and net["hidden"] == 64 and net["u_bits"] == 4 and net["length"] == 50
    assert claim["measure"] == {"name": "iid_sequence", "d": 1, "length": 50, "base": {"name": "lebesgue", "d": 1}}
    assert claim["theorem"] == "L" and claim["value"] > 0
    path = tmp_path / "cert.json"
    path.write_text(json.dumps(d))
    assert main(["verify", str(path)]) == 0
    assert "verified" in capsys.readouterr().out.lower()


@pytest.mark.parametrize("argv, theorem", [
    (["delayed-holder", "--d", "1", "--alpha", "1", "--lag", "3", "--length", "8", "--norm", "sup",
      "--model", "hadamrnn", "--hidden", "16"], "S"),
    (["delayed-holder", "--d", "2", "--alpha", "0.5", "--lag", "0", "--length", "4", "--p", "1",
      "--model", "block-hadamrnn", "--hidden", "16", "--blocks", "2", "--readout", "every"], "L"),
    (["delayed-holder", "--d", "1", "--alpha", "1", "--lag", "3", "--length", "8", "--model", "qornn",
      "--hidden", "8", "--bits", "3", "--quantize-input"], "L"),
    (["delayed-holder", "--d", "1", "--alpha", "1", "--lag", "3", "--length", "8", "--model", "ornn",
      "--hidden", "8", "--kappa", "0.5"], "L"),
    (["multilag-holder", "--d", "1", "--alpha", "1", "--lag", "5,0", "--length", "20", "--model", "rnn",
      "--hidden", "16"], "L"),
    (["multilag-holder", "--d", "1", "--alpha", "1", "--lag", "0,5", "--length", "20",
      "--storage-bits", "4e4"], "C"),
    (["delayed-holder", "--d", "1", "--alpha", "1", "--lag", "0", "--length", "2", "--norm", "sup",
      "--storage-bits", "1000"], "S"),
    (["holder", "--d", "2", "--alpha", "1", "--p", "2", "--storage-bits", "40000"], "C"),
    (["monotone", "--d", "2", "--p", "3", "--storage-bits", "100"], "C"),
])
def test_variants_verify(capsys, argv, theorem):
    rc, d = _json(capsys, ["bound", *argv, "--json"])
    assert rc == 0 and d["verification"]["verified"] is True
    assert d["claim"]["theorem"] == theorem


def test_storage_bits_value_is_the_storage_floor(capsys):
    from approxbounds.classes.sequence import DelayedHolder
    from approxbounds.lower.storage import storage_lower_bound

    rc, d = _json(capsys, ["bound", "delayed-holder", "--d", "1", "--alpha", "1", "--lag", "10", "--length",
                           "50", "--storage-bits", "40000", "--json"])
    assert rc == 0
    cert = storage_lower_bound(DelayedHolder(1, 1.0, 10, 50), 40000, norm=2)
    assert d["claim"]["value"] == cert.value
    assert d["claim"]["network_class"] == {"kind": "storage", "bits": 40000, "domain": ["sequence", 1, 50]}


def test_human_output(capsys):
    rc = main(EXAMPLE[:-1])
    out = capsys.readouterr().out
    assert rc == 0 and "certified lower bound" in out and "verified at 50 digits: yes" in out


@pytest.mark.parametrize("argv, needle", [
    (["delayed-holder", "--d", "1", "--alpha", "1", "--lag", "10", "--length", "50", "--model", "hadamrnn",
      "--hidden", "48"], "power of two"),
    (["delayed-holder", "--d", "1", "--alpha", "1", "--lag", "10", "--length", "0", "--model", "rnn",
      "--hidden", "8"], "length"),
    (["delayed-holder", "--d", "1", "--alpha", "1", "--lag", "50", "--length", "50", "--model", "rnn",
      "--hidden", "8"], "lag"),
    (["multilag-holder", "--d", "1", "--alpha", "1", "--lag", "0,50", "--length", "50", "--model", "rnn",
      "--hidden", "8"], "lag"),
    (["multilag-holder", "--d", "1", "--alpha", "1", "--lag", "0,x", "--length", "50", "--model", "rnn",
      "--hidden", "8"], "--lag"),
    (["delayed-holder", "--d", "1", "--alpha", "1", "--lag", "1", "--length", "5", "--model", "hadamrnn",
      "--hidden", "8", "--bits", "0"], "--bits"),
    (["delayed-holder", "--d", "1", "--alpha", "1", "--lag", "1", "--length", "5", "--model", "lstm",
      "--hidden", "8"], "--model lstm"),
    (["delayed-holder", "--d", "1", "--alpha", "1", "--lag", "1", "--length", "5", "--model", "rnn",
      "--hidden", "8", "--activation", "tanh"], "--activation tanh"),
    (["delayed-holder", "--d", "1", "--alpha", "1", "--lag", "1", "--length", "5", "--model", "gru",
      "--hidden", "8"], "--model"),
    (["delayed-holder", "--d", "1", "--alpha", "1", "--lag", "1", "--length", "5"], "--model"),
    (["delayed-holder", "--d", "1", "--alpha", "1", "--lag", "1", "--length", "5", "--model", "rnn"], "--hidden"),
    (["delayed-holder", "--d", "1", "--alpha", "1", "--lag", "1", "--length", "5", "--model", "rnn",
      "--hidden", "8", "--bits", "4"], "--bits"),
    (["delayed-holder", "--d", "1", "--alpha", "1", "--lag", "1", "--length", "5", "--model", "hadamrnn",
      "--hidden", "8", "--blocks", "2"], "--blocks"),
    (["delayed-holder", "--d", "1", "--alpha", "1", "--lag", "1", "--length", "5", "--storage-bits", "0"],
     "--storage-bits"),
    (["delayed-holder", "--d", "1", "--alpha", "1", "--lag", "1", "--length", "5", "--storage-bits", "10",
      "--model", "hadamrnn"], "--model"),
    (["holder", "--d", "1", "--alpha", "1", "--storage-bits", "10", "--arch", "1,4,1"], "--arch"),
    (["holder", "--d", "1", "--alpha", "1"], "--arch"),
    (["delayed-holder", "--d", "1", "--alpha", "1", "--lag", "1", "--length", "5", "--model", "rnn",
      "--hidden", "8", "--norm", "sup", "--kappa", "0.5"], "--kappa"),
])
def test_bad_input_exits_2_with_one_line(capsys, argv, needle):
    rc = main(["bound", *argv])
    err = capsys.readouterr().err
    assert rc == 2 and err.startswith("error:") and needle in err, err
    assert "Traceback" not in err and err.count("\n") == 1


def test_subprocess_example_and_verify_from_stdin():
    out = subprocess.run([sys.executable, "-m", "approxbounds", *EXAMPLE], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    ver = subprocess.run([sys.executable, "-m", "approxbounds", "verify", "-"], input=out.stdout,
                         capture_output=True, text=True, timeout=120)
    assert ver.returncode == 0, ver.stderr
