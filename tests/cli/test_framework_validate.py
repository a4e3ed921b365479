"""``phrom framework validate``: a framework file checked without a database."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from phrom.cli import main

MINIMAL = Path(__file__).resolve().parents[1] / "scoring" / "data" / "minimal.yaml"


def test_a_valid_file_is_summarised(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["framework", "validate", str(MINIMAL)]) == 0

    assert "ok minimal.yaml: framework minimal-2564" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"format: phrom-framework/1\nnote: " + b"[" * 10_000 + b"]" * 10_000 + b"\n",
         ":2: the document nests lists and mappings more than 32 levels deep"),
        (b"a: &a [x, x, x, x, x, x, x, x, x, x]\n"
         + b"".join(
             bytes(f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 10) + "]\n",
                   "ascii")
             for i in range(6)),
         ":5: the aliases of this file repeat more than 100,000 values"),
        (b"format: phrom-framework/1\ncode: a\x00b\n",
         ":2: the file holds the control character U+0000"),
        (b"format: phrom-framework/1\nname: caf\xe9\n", ":2: the file is not UTF-8 text"),
        (b"format: phrom-framework/1\nscale: 1e309\n",
         ":2: scale: scale must be 1 or 100, got 1e309; numbers in a framework must be finite"),
    ],
    ids=["nested 10,000 deep", "billion laughs", "NUL byte", "not UTF-8", "overflowing number"],
)
def test_pathological_yaml_is_an_error_naming_the_file_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, said: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_bytes(content)

    assert main(["framework", "validate", str(path)]) == 2

    err = capsys.readouterr().err
    assert err.startswith(f"error: {path}: ")
    assert f"{path}{said}" in err


def test_a_device_that_never_ends_is_refused_without_reading_it_all(
    capsys: pytest.CaptureFixture[str],
) -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")

    assert main(["framework", "validate", "/dev/zero"]) == 2

    assert "/dev/zero: the file is larger than 10 MB" in capsys.readouterr().err


def test_the_real_command_shows_no_traceback_for_yaml_nested_10000_deep(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("note: " + "{a: " * 10_000 + "1" + "}" * 10_000 + "\n")

    done = subprocess.run(
        [sys.executable, "-m", "phrom.cli", "framework", "validate", str(path)],
        capture_output=True, text=True, timeout=60,
    )

    assert done.returncode == 2
    assert done.stderr.startswith(f"error: {path}: 1 problem; nothing was loaded")
    assert "levels deep" in done.stderr and "Traceback" not in done.stderr
