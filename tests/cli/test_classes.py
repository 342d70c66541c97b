"""The function-class, norm and measure options shared by ``bound`` and ``band``
(approxbounds/cli/_classes.py): one parser, the same errors from both commands."""
import argparse

import pytest

from approxbounds.classes import DensityBounded, Holder, Monotone
from approxbounds.cli import main
from approxbounds.cli._classes import (add_cube_arguments, add_cube_classes, add_norm_arguments,
                                       cube_class_from_args, cube_measure_from_args, norm_from_args)
from approxbounds.norms import Norm


def _parser(arch_required=True):
    parser = argparse.ArgumentParser(prog="t")
    sub = parser.add_subparsers(dest="function_class")

    def options(p):
        add_cube_arguments(p, arch_required=arch_required)
        add_norm_arguments(p, kappa_help="k", tail_help="t", search_help="s")

    add_cube_classes(sub, options, func=None)
    return parser


def test_objects_from_the_options():
    args = _parser().parse_args(["holder", "--d", "2", "--alpha", "0.5", "--arch", "2,4,1", "--p", "3",
                                 "--kappa", "0.25"])
    assert cube_class_from_args(args).to_dict() == Holder(2, 0.5).to_dict()
    assert norm_from_args(args) == Norm.parse(3)
    assert cube_measure_from_args(args).to_dict() == DensityBounded(2, 0.25).to_dict()
    args = _parser().parse_args(["monotone", "--d", "1", "--arch", "1,4,1", "--norm", "sup"])
    assert cube_class_from_args(args).to_dict() == Monotone(1).to_dict()
    assert norm_from_args(args).is_sup and cube_measure_from_args(args) is None


def test_arch_required_or_not():
    with pytest.raises(SystemExit):
        _parser().parse_args(["monotone", "--d", "1"])
    assert _parser(arch_required=False).parse_args(["monotone", "--d", "1"]).arch is None


@pytest.mark.parametrize("extra,message", [
    (["--norm", "sup", "--p", "3"], "--p does not apply to --norm sup"),
    (["--norm", "sup", "--kappa", "0.5"], "--kappa does not apply to the sup norm"),
    (["--p", "inf", "--tail", "hoeffding"], "--tail does not apply to the sup norm"),
    (["--p", "0.5"], "--p"),
])
@pytest.mark.parametrize("command", ["bound", "band"])
def test_flags_that_do_not_apply_exit_2_from_both_commands(command, extra, message, capsys):
    assert main([command, "monotone", "--d", "1", "--arch", "1,4,1", *extra]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
