import json
import subprocess
import sys

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
