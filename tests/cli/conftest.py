"""Fixtures shared by the CLI tests."""
import pytest

from approxbounds.cli import main


@pytest.fixture
def cli_json(capsys):
    """``cli_json(command, argv)``: what ``approxbounds <command> <argv> --json`` prints, after
    asserting exit code 0 (``bound`` and ``band`` print a certificate file)."""

    def run(command, argv):
        assert main([command, *argv, "--json"]) == 0
        return capsys.readouterr().out

    return run
