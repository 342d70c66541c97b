"""The network options shared by ``capacity`` and ``bound`` (approxbounds/cli/_network.py)."""
import pytest

from approxbounds.cli import main


@pytest.mark.parametrize("command", [["capacity"], ["bound", "holder", "--d", "1", "--alpha", "1"]])
def test_quantize_without_bits_is_refused(command, capsys):
    assert main(command + ["--arch", "1,4,1", "--quantize", "all"]) == 2
    assert "--quantize needs --bits" in capsys.readouterr().err


def test_bits_with_float_biases_explains_why_the_class_is_infinite(capsys):
    assert main(["capacity", "--arch", "2,8,1", "--bits", "4"]) == 0
    err = capsys.readouterr().err
    assert "9 parameters stay full precision" in err and "--quantize all" in err


def test_quantize_all_gives_a_finite_class_and_no_note(capsys):
    assert main(["capacity", "--arch", "2,8,1", "--bits", "4", "--quantize", "all"]) == 0
    captured = capsys.readouterr()
    assert "note:" not in captured.err
    assert "finite_class_count" in captured.out


def test_bound_uses_counting_theorem_for_a_finite_class(capsys):
    import json

    assert main(["bound", "holder", "--d", "2", "--alpha", "1", "--arch", "2,8,1",
                 "--bits", "2", "--quantize", "all", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["claim"]["theorem"] == "C" and out["verification"]["verified"] is True
    assert out["claim"]["value"] > 0


def test_version_flag(capsys):
    import approxbounds

    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"approxbounds {approxbounds.__version__}"
