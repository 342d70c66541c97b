"""``approxbounds band``: JSON band files verify (each certificate on its own, and the band),
plain-text output, bad input exits 2, edited files exit 1."""
import json

import pytest

from approxbounds.cli import main

BAND_ARGVS = [
    ["holder", "--d", "1", "--alpha", "1", "--p", "2", "--arch", "1,16,1"],
    ["holder", "--d", "1", "--alpha", "0.5", "--norm", "sup", "--arch", "1,9,1",
     "--activation", "hard_threshold"],
    ["monotone", "--d", "1", "--p", "4", "--arch", "1,32,1"],
    ["monotone", "--d", "1", "--norm", "sup", "--arch", "1,100,1", "--activation", "hard_threshold"],
    ["holder", "--d", "1", "--alpha", "1", "--p", "1", "--arch", "1,8,1", "--kappa", "0.5"],
    ["holder", "--d", "2", "--alpha", "1", "--p", "2", "--arch", "2,40,60,30,1"],
]


@pytest.mark.parametrize("argv", BAND_ARGVS, ids=lambda a: " ".join(a[:8]))
def test_band_json_verifies(cli_json, capsys, tmp_path, argv):
    text = cli_json("band", argv)
    doc = json.loads(text)
    assert set(doc) == {"lower", "upper", "gap"}
    assert doc["lower"]["claim"]["value"] <= doc["upper"]["claim"]["value"]
    assert doc["gap"] == pytest.approx(doc["upper"]["claim"]["value"] / doc["lower"]["claim"]["value"])
    path = tmp_path / "band.json"
    path.write_text(text)
    assert main(["verify", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 3 and out[0].startswith("verified: ") and ">=" in out[0]
    assert "<=" in out[1] and out[2].startswith("verified band: ")
    # each certificate verifies on its own
    for side in ("lower", "upper"):
        one = tmp_path / f"{side}.json"
        one.write_text(json.dumps(doc[side]))
        assert main(["verify", str(one)]) == 0
        assert capsys.readouterr().out.count("\n") == 1


def test_plain_text(capsys):
    assert main(["band", *BAND_ARGVS[0]]) == 0
    out = capsys.readouterr().out
    assert out.startswith("certified band: ") and "gap u/l" in out
    assert out.count("verified at 50 digits: yes") == 2 and "Construction PL" in out


@pytest.mark.parametrize("edit", ["lower_value", "upper_value", "gap", "swap", "extra"])
def test_edited_band_files_are_rejected(cli_json, capsys, tmp_path, edit):
    doc = json.loads(cli_json("band", BAND_ARGVS[0]))
    if edit == "lower_value":
        doc["lower"]["claim"]["value"] *= 2
    elif edit == "upper_value":
        doc["upper"]["claim"]["value"] *= 0.5
    elif edit == "gap":
        doc["gap"] *= 0.5
    elif edit == "swap":
        doc["lower"], doc["upper"] = doc["upper"], doc["lower"]
    else:
        doc["note"] = "trust me"
    path = tmp_path / "band.json"
    path.write_text(json.dumps(doc))
    assert main(["verify", str(path)]) == 1
    assert "NOT VERIFIED" in capsys.readouterr().err


def test_band_of_different_classes_is_rejected(cli_json, capsys, tmp_path):
    a = json.loads(cli_json("band", BAND_ARGVS[0]))
    b = json.loads(cli_json("band", ["holder", "--d", "1", "--alpha", "1", "--p", "2", "--arch", "1,1000,1"]))
    a["upper"] = b["upper"]
    a["gap"] = b["upper"]["claim"]["value"] / a["lower"]["claim"]["value"]
    path = tmp_path / "band.json"
    path.write_text(json.dumps(a))
    assert main(["verify", str(path)]) == 1
    assert "same F, G" in capsys.readouterr().err


@pytest.mark.parametrize("argv, match", [
    (["holder", "--d", "1", "--alpha", "-1", "--arch", "1,8,1"], "alpha"),
    (["holder", "--d", "1", "--alpha", "1", "--p", "0.5", "--arch", "1,8,1"], "--p"),
    (["holder", "--d", "1", "--alpha", "1", "--norm", "sup", "--p", "3", "--arch", "1,8,1"], "--p"),
    (["holder", "--d", "1", "--alpha", "1", "--arch", "1,8,1", "--bits", "2", "--quantize", "all"],
     "no certified upper bound"),
    (["monotone", "--d", "2", "--arch", "1,8,1"], "input dimension"),
])
def test_bad_input_exits_2(capsys, argv, match):
    assert main(["band", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and match in err and "Traceback" not in err
