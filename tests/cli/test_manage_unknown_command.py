"""``phrom manage`` with a command that does not exist, or one that fails: one line of error,
exit code 2."""

from __future__ import annotations

import os
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


def test_dbshell_passes_on_its_clients_exit_code(tmp_path):
    """``dbshell`` runs the database's own client: its exit code is the client's, not 2."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}  # the embedded SQLite
    env["PHROM_DATA_DIR"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "phrom.cli", "manage", "dbshell", "--", "-bail",
         "-cmd", "SELECT no_such_column;"],
        capture_output=True, text=True, timeout=60, env=env, stdin=subprocess.DEVNULL,
    )

    assert done.returncode not in (0, 2)
    assert done.stderr.splitlines()[-1].startswith("error: ")
    assert done.stderr.splitlines()[-1].endswith(f"exit status {done.returncode}.")
