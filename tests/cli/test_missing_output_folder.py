"""An output path in a folder that does not exist is named as a missing folder."""

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
    assert err.splitlines()[0] == f"error: no such folder: {out.parent}"
    assert ".part" not in err
    assert "Traceback" not in err


def test_a_missing_input_file_is_still_a_missing_file(tmp_path, capsys):
    missing = tmp_path / "no.csv"
    code = main(["score-file", "--framework", "un-egdi", "--answers", str(missing)])
    assert code == 2
    assert "no such file" in capsys.readouterr().err
