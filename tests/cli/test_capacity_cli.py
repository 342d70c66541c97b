import json
import math
import subprocess
import sys

import pytest

from approxbounds.cli import main


def test_json_1_10_1(capsys):
    assert main(["capacity", "--arch", "1,10,1", "--activation", "relu", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    arch = out["architecture"]
    assert (arch["W"], arch["U"], arch["L"], arch["R"]) == (31, 11, 2, 12)
    assert arch["Lbar_fraction"] == "51/31" and abs(arch["Lbar"] - 51 / 31) < 1e-15
    thm7 = [b for b in out["bounds"] if b["method"] == "bhlm2019_thm7"][0]
    assert thm7["quantity"] == "vcdim" and thm7["tag"] == "V" and abs(thm7["value"] - 492.58) < 0.01
    assert {b["tag"] for b in out["bounds"]} <= {"V", "P", "R"}


def test_table_and_points(capsys):
    assert main(["capacity", "--arch", "2,16x2,1", "--bits", "4", "--points", "1e6"]) == 0
    out = capsys.readouterr().out
    assert "W=337" in out and "log2_growth" in out and "best certified vcdim" in out


def test_bad_input_exit_2(capsys):
    assert main(["capacity", "--arch", "1,0,1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and "widths" in err and "Traceback" not in err
    assert main(["capacity", "--activation", "swish"]) == 2
    assert "valid values" in capsys.readouterr().err
    assert main(["capacity", "--bits", "0"]) == 2
    assert main(["capacity", "--points", "abc"]) == 2


def test_subprocess():
    r = subprocess.run([sys.executable, "-m", "approxbounds", "capacity", "--arch", "2,35x9,1",
                        "--json"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["architecture"]["W"] == 10221
    r = subprocess.run([sys.executable, "-m", "approxbounds", "capacity", "--arch", "1,x,1"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and r.stderr.startswith("error:") and "Traceback" not in r.stderr


def test_growth_rows_at_default_points(capsys):
    """Without --points the table and JSON still bound the growth of thr(G) and sgn(G)."""
    import json

    from approxbounds.cli import main
    from approxbounds.cli.capacity import DEFAULT_POINTS

    assert main(["capacity", "--arch", "1,10,1", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["points"] == DEFAULT_POINTS
    growth = [b for b in payload["bounds"] if b["quantity"] == "log2_growth"]
    assert len(growth) == 2 and all(0 < b["value"] < DEFAULT_POINTS for b in growth)
    assert main(["capacity", "--arch", "1,10,1"]) == 0
    text = capsys.readouterr().out
    assert "log2_growth[thr]" in text and "log2_growth[sgn]" in text


# ---------------------------------------------------------------- recurrent classes (--model)
def _json(capsys, argv):
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_recurrent_hadamrnn_issue_example(capsys):
    argv = ["capacity", "--model", "hadamrnn", "--hidden", "128", "--d-in", "10", "--d-out", "9",
            "--length", "1000", "--bits", "4", "--json"]
    out = _json(capsys, argv)
    arch = out["architecture"]
    assert arch["kind"] == "recurrent" and arch["W"] == 128 + 1280 + 128 + 9 * 128 + 9 + 2
    assert (arch["matrix"], arch["recurrence"], arch["u_bits"], arch["v_bits"]) == ("hadamard", "linear", 4, 4)
    quantities = {b["quantity"] for b in out["bounds"]}
    assert quantities == {"vcdim", "pdim", "log2_growth"}
    assert all(b["tag"] == "P" and b["certified"] for b in out["bounds"])
    from approxbounds.capacity.recurrent import RecurrentArchitecture

    g = RecurrentArchitecture.from_dict(arch)
    assert out["best"]["pdim"]["value"] == g.pdim_bound().value
    growth = [b for b in out["bounds"] if b["quantity"] == "log2_growth"]
    assert [b["ingredients"]["class"] for b in growth] == ["thr(G)", "sgn(G)"]
    # the T-independent bound: the same numbers at T = 10^12, and --readout every adds log2 T
    out12 = _json(capsys, argv[:-3] + ["--length", "1e12", "--json"])
    assert out12["best"] == out["best"]
    every = _json(capsys, argv[:-1] + ["--readout", "every", "--json"])
    g_every = next(b for b in every["bounds"] if b["quantity"] == "log2_growth")
    assert abs(g_every["value"] - (growth[0]["value"] + math.log2(1000))) < 1e-9


def test_recurrent_models_and_text(capsys):
    for argv in (["--model", "block-hadamrnn", "--blocks", "4", "--hidden", "64", "--d-in", "1"],
                 ["--model", "qornn", "--w-bits", "3", "--bits", "3", "--hidden", "16", "--d-in", "2"],
                 ["--model", "ornn", "--hidden", "16", "--d-in", "2"],
                 ["--model", "rnn", "--activation", "relu", "--hidden", "16", "--d-in", "2"],
                 ["--model", "rnn", "--activation", "piecewise_polynomial", "--pieces", "3",
                  "--degree", "2", "--hidden", "4", "--d-in", "1"]):
        out = _json(capsys, ["capacity", *argv, "--length", "100", "--json"])
        assert out["architecture"]["kind"] == "recurrent"
        assert 0 < out["best"]["vcdim"]["value"] < 1e12
    assert main(["capacity", "--model", "qornn", "--hidden", "16", "--d-in", "2", "--length", "50"]) == 0
    text = capsys.readouterr().out
    assert "modrelu recurrence" in text and "log2_growth[thr]" in text and "best certified pdim" in text


def test_recurrent_bad_input_exit_2(capsys):
    base = ["capacity", "--model", "hadamrnn", "--d-in", "10", "--length", "5"]
    for argv, match in [(base + ["--hidden", "100"], "power of two"),
                        (base + ["--hidden", "128", "--bits", "0"], "bits must be >= 1"),
                        (base, "needs --hidden"),
                        (base + ["--hidden", "128", "--w-bits", "2"], "--w-bits only applies"),
                        (base + ["--hidden", "128", "--blocks", "2"], "--blocks only applies"),
                        (["capacity", "--model", "block-hadamrnn", "--hidden", "128", "--d-in", "1",
                          "--length", "5"], "needs --blocks"),
                        (["capacity", "--model", "rnn", "--activation", "tanh", "--hidden", "8",
                          "--d-in", "1", "--length", "5"], "not piecewise polynomial"),
                        (["capacity", "--model", "qornn", "--w-bits", "0", "--hidden", "8",
                          "--d-in", "1", "--length", "5"], "w_bits must be >= 1"),
                        (base + ["--hidden", "128", "--quantize", "all"], "--quantize")]:
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert err.startswith("error:") and match in err and "Traceback" not in err
    for argv in (base + ["--hidden", "128", "--length", "0"], base + ["--hidden", "x"]):
        with pytest.raises(SystemExit) as exc:   # argparse type errors: exit 2 with the message
            main(argv)
        assert exc.value.code == 2
        assert "expected an integer" in capsys.readouterr().err
