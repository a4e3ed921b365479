"""``phrom manage`` with a command that does not exist: one line of error, exit code 2."""

from __future__ import annotations

from phrom.cli import main


def test_an_unknown_management_command_is_one_line_and_exit_code_2(capsys):
    assert main(["manage", "no_such_command"]) == 2
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [
        "error: no command 'no_such_command'; 'phrom manage help' lists them"
    ]
