"""An output that cannot be written is named as the person gave it (never the temporary
file written first), with what to do; --limit takes a number of rows."""

from __future__ import annotations

from phrom.cli import main


def test_an_output_file_in_a_missing_folder_names_the_folder(tmp_path, capsys):
    answers = tmp_path / "answers.csv"
    answers.write_text("agency,osi,hci,tii\nA,0.5,0.5,0.5\nB,0.4,0.6,0.3\n")
    out = tmp_path / "no-such-folder" / "results.csv"
    code = main(["score-file", "--framework", "un-egdi", "--answers", str(answers),
                 "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.splitlines()[0].startswith(f"error: no such folder: {out.parent}; create it")
    assert ".part" not in err
    assert "Traceback" not in err


def test_a_missing_input_file_is_still_a_missing_file(tmp_path, capsys):
    missing = tmp_path / "no.csv"
    code = main(["score-file", "--framework", "un-egdi", "--answers", str(missing)])
    assert code == 2
    assert "no such file" in capsys.readouterr().err


def _score_file(tmp_path, *extra):  # type: ignore[no-untyped-def]
    answers = tmp_path / "answers.csv"
    answers.write_text("agency,osi,hci,tii\nA,0.5,0.5,0.5\nB,0.4,0.6,0.3\n")
    return main(["score-file", "--framework", "un-egdi", "--answers", str(answers), *extra])


def test_an_output_that_is_a_folder_asks_for_a_file_name(tmp_path, capsys):
    assert _score_file(tmp_path, "--out", str(tmp_path)) == 2
    err = capsys.readouterr().err
    assert f"error: {tmp_path} is a folder: give the name of a file to write" in err
    assert ".part" not in err and "Errno" not in err


def test_an_output_that_cannot_be_written_names_it(tmp_path, capsys):
    assert _score_file(tmp_path, "--awards-out", "/proc/awards.json") == 2
    err = capsys.readouterr().err
    assert err.startswith("error: cannot write /proc/awards.json:")
    assert ".part" not in err


def test_a_limit_is_a_number_of_rows(tmp_path, capsys):
    import pytest

    with pytest.raises(SystemExit) as exited:
        _score_file(tmp_path, "--limit", "-1")
    assert exited.value.code == 2
    assert "give a whole number of rows, 1 or more" in capsys.readouterr().err
    assert _score_file(tmp_path, "--limit", "1") == 0
