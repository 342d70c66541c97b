import argparse

import pytest

from approxbounds.cli._types import int_arg, nonneg_int_arg, positive_int_arg


@pytest.mark.parametrize("text, value", [("1000", 1000), ("1e3", 1000), ("1_000", 1000), ("2.5e3", 2500),
                                         ("-4", -4), ("1E6", 10**6), ("10000000000000000000001", 10**22 + 1),
                                         ("1e30", 10**30)])
def test_exact_integers(text, value):
    assert int_arg(text) == value and type(int_arg(text)) is int


@pytest.mark.parametrize("text", ["1.5", "1e-3", "nan", "inf", "", "ten", "3/2"])
def test_not_integers(text):
    with pytest.raises(argparse.ArgumentTypeError):
        int_arg(text)


def test_ranges():
    assert nonneg_int_arg("0") == 0 and positive_int_arg("1e0") == 1
    with pytest.raises(argparse.ArgumentTypeError, match=">= 0"):
        nonneg_int_arg("-1")
    with pytest.raises(argparse.ArgumentTypeError, match=">= 1"):
        positive_int_arg("0")


def test_in_a_parser(capsys):
    p = argparse.ArgumentParser()
    p.add_argument("--steps", type=positive_int_arg)
    assert p.parse_args(["--steps", "1e3"]).steps == 1000
    with pytest.raises(SystemExit) as e:
        p.parse_args(["--steps", "1.5"])
    assert e.value.code == 2 and "whole number" in capsys.readouterr().err


def test_int_list():
    from approxbounds.cli._types import int_list_arg

    assert int_list_arg("0,1,2") == [0, 1, 2] and int_list_arg(" 3, 1e1 ") == [3, 10]
    for bad in ("", "1,,2", "1,1", "-1", "1.5", "a"):
        with pytest.raises(argparse.ArgumentTypeError):
            int_list_arg(bad)


def test_choices_list():
    from approxbounds.cli._types import choices_list_arg

    conv = choices_list_arg(("png", "pdf", "svg"), what="format")
    assert conv("PNG, pdf,png") == ["png", "pdf"]
    with pytest.raises(argparse.ArgumentTypeError, match="unknown format 'jpg'"):
        conv("png,jpg")
