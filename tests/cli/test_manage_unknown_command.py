"""``phrom manage`` with a command that does not exist, or one that fails: one line of error,
exit code 2."""

from __future__ import annotations

import subprocess
import sys

from phrom.cli import main


def test_an_unknown_management_command_is_one_line_and_exit_code_2(capsys):
    assert main(["manage", "no_such_command"]) == 2
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [
        "error: no command 'no_such_command'; 'phrom manage help' lists them"
    ]


def test_a_failing_management_command_is_one_line_and_exit_code_2():
    done = subprocess.run(
        [sys.executable, "-m", "phrom.cli", "manage", "check", "--tag", "no_such_tag"],
        capture_output=True, text=True, timeout=60,
    )

    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        'error: There is no system check with the "no_such_tag" tag.'
    ]
