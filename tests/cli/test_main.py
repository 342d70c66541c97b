"""Tests for approxbounds.cli.main: -q/-v anywhere, logging to stderr, clean error exits."""
import logging

import pytest

from approxbounds.cli import build_parser, configure_logging, main


@pytest.mark.parametrize("argv, verbosity", [
    (["check", "--list"], 0),
    (["-v", "check", "--list"], 1),
    (["check", "--list", "-vv"], 2),
    (["-v", "check", "-v", "--list"], 2),
    (["-q", "check", "--list"], -1),
    (["--quiet", "check", "--list", "--verbose"], 0),
])
def test_verbosity_before_or_after_the_command(argv, verbosity, monkeypatch):
    seen = {}
    import approxbounds.cli.check as check_cli

    monkeypatch.setattr(check_cli, "run", lambda args: seen.setdefault("v", args.verbosity) and 0)
    parser_func = build_parser  # every sub-command accepts the flags
    assert parser_func().parse_args(["report", "-q"]).sub_quiet == 1
    monkeypatch.setattr(check_cli, "register", _register_with(check_cli.register, check_cli.run))
    main(argv)
    assert seen["v"] == verbosity
    level = logging.getLogger("approxbounds").level
    assert level == {-1: logging.ERROR, 0: logging.WARNING, 1: logging.INFO, 2: logging.DEBUG}[verbosity]


def _register_with(register, func):
    def reg(sub):
        register(sub)
        sub.choices["check"].set_defaults(func=func)
    return reg


def test_log_lines_reach_stderr_only_when_verbose(capsys):
    log = logging.getLogger("approxbounds.test")
    configure_logging(0)
    log.info("hidden line")
    log.warning("shown warning")
    configure_logging(1)
    log.info("shown info")
    err = capsys.readouterr().err
    assert "hidden line" not in err and "WARNING: shown warning" in err and "INFO: shown info" in err
    handlers = [h for h in logging.getLogger("approxbounds").handlers if type(h).__name__ == "_CLIHandler"]
    assert len(handlers) == 1                      # reconfiguring replaces, never stacks
    configure_logging(0)


def test_value_error_is_one_line_and_vv_adds_the_traceback(monkeypatch, capsys):
    import approxbounds.cli.check as check_cli

    def boom(args):
        raise ValueError("seed: bad")

    monkeypatch.setattr(check_cli, "register", _register_with(check_cli.register, boom))
    assert main(["check"]) == 2
    err = capsys.readouterr().err
    assert err == "error: seed: bad\n"
    assert main(["-vv", "check"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" in err and err.rstrip().endswith("error: seed: bad")
    configure_logging(0)


def test_os_error_is_a_clean_exit_1(monkeypatch, capsys):
    import approxbounds.cli.check as check_cli

    def full(args):
        raise OSError(28, "No space left on device", "/tmp/x")

    monkeypatch.setattr(check_cli, "register", _register_with(check_cli.register, full))
    assert main(["check"]) == 1
    assert capsys.readouterr().err == "error: No space left on device: /tmp/x\n"


def test_no_command_is_a_usage_error(capsys):
    assert main([]) == 2
    cap = capsys.readouterr()
    assert cap.out == "" and "usage:" in cap.err
    assert cap.err.rstrip().endswith("a command is required (see the list above)")


@pytest.mark.parametrize("command", ["bound", "band"])
def test_a_command_without_its_class_is_a_usage_error(capsys, command):
    assert main([command]) == 2
    cap = capsys.readouterr()
    assert cap.out == ""
    assert cap.err.rstrip().endswith(f"approxbounds {command} needs a CLASS (see the list above)")
