"""``phrom score-file`` refuses files it cannot read honestly: ``error: ...``, exit 2, no
traceback, nothing written."""

from __future__ import annotations

import csv
import io
import os
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from phrom.cli import main
from phrom.core.tables import MAX_LINE_BYTES, MAX_TABLE_BYTES

ANSWERS = "agency,osi,hci,tii\nA,0.5,0.5,0.5\nB,0.75,0.25,0.5\nC,0.9,0.8,0.7\n"


def score_file(tmp_path: Path, answers: Path, *extra: str) -> int:
    return main([
        "score-file", "--framework", "un-egdi", "--answers", str(answers),
        "--out", str(tmp_path / "results.csv"), "--awards-out", str(tmp_path / "awards.json"),
        *extra,
    ])


def refused(tmp_path: Path, capsys: pytest.CaptureFixture[str], answers: Path, *extra: str) -> str:
    assert score_file(tmp_path, answers, *extra) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: "), err
    assert "Traceback" not in err
    assert not (tmp_path / "results.csv").exists()
    assert not (tmp_path / "awards.json").exists()
    return err


def written(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_a_cell_over_the_csv_field_size_limit_is_refused_with_its_row(tmp_path, capsys):
    long_cell = "x" * (csv.field_size_limit() + 10)
    answers = written(tmp_path / "a.csv", f"agency,osi,hci,tii\nA,0.5,0.5,0.5\nB,{long_cell},0.5,0.5\n".encode())
    err = refused(tmp_path, capsys, answers)
    assert "a.csv: row 3: a cell is longer than 131,072 characters" in err


def test_a_quote_left_open_is_refused_rather_than_read_to_the_end(tmp_path, capsys):
    answers = written(tmp_path / "a.csv", b'agency,osi,hci,tii\nA,"0.5,0.5,0.5\n' + b"B,0.5,0.5,0.5\n" * 20_000)
    err = refused(tmp_path, capsys, answers)
    assert "row 2: a cell is longer than" in err
    assert "quote left open" in err


def test_a_line_of_millions_of_cells_is_refused_before_it_is_held_in_memory(tmp_path, capsys):
    answers = written(tmp_path / "a.csv", ANSWERS.encode() + b"ab," * (MAX_LINE_BYTES // 3 + 1))
    err = refused(tmp_path, capsys, answers)
    assert "a.csv: line 5 is longer than 16 MB" in err


def test_dev_zero_given_as_answers_is_refused_without_reading_it(tmp_path, capsys):
    err = refused(tmp_path, capsys, Path("/dev/zero"))
    assert "/dev/zero is not a regular file" in err


def test_a_fifo_given_as_answers_is_refused_without_waiting_for_a_writer(tmp_path, capsys):
    fifo = tmp_path / "answers.csv"
    os.mkfifo(fifo)
    err = refused(tmp_path, capsys, fifo)
    assert "is not a regular file" in err


def test_a_file_larger_than_any_table_is_refused_before_it_is_read(tmp_path, capsys):
    huge = tmp_path / "answers.csv"
    with huge.open("wb") as fh:
        fh.write(ANSWERS.encode())
        fh.truncate(MAX_TABLE_BYTES + 1)  # sparse: no disk used
    err = refused(tmp_path, capsys, huge)
    assert f"answers.csv: the file has {MAX_TABLE_BYTES + 1:,} bytes, more than the 200 MB" in err


def test_a_file_that_is_not_utf8_names_the_byte_and_line(tmp_path, capsys):
    answers = written(tmp_path / "a.csv", ANSWERS.encode() + "D,0.5,0.5,0.5,ส\n".encode("cp874"))
    err = refused(tmp_path, capsys, answers)
    assert f"a.csv: the file is not UTF-8 (byte {len(ANSWERS) + 14}, line 5); save it as CSV UTF-8" in err


def test_a_nul_byte_is_refused_with_its_line(tmp_path, capsys):
    answers = written(tmp_path / "a.csv", b"agency,osi,hci,tii\nA,0.5,0.5,0.5\nB,0.5\x00,0.5,0.5\n")
    err = refused(tmp_path, capsys, answers)
    assert "a.csv: line 3 holds a NUL byte" in err


def test_a_nul_byte_far_into_a_large_file_is_found(tmp_path, capsys):
    rows = b"".join(b"A%d,0.5,0.5,0.5\n" % i for i in range(20_000))
    answers = written(tmp_path / "a.csv", b"agency,osi,hci,tii\n" + rows + b"Z,\x00,0.5,0.5\n")
    err = refused(tmp_path, capsys, answers)
    assert "line 20002 holds a NUL byte" in err


@pytest.mark.parametrize("end", ["\r", "\r\n"])
def test_lines_ended_the_old_mac_or_the_windows_way_are_read(tmp_path, end):
    answers = written(tmp_path / "a.csv", ANSWERS.replace("\n", end).encode())
    assert score_file(tmp_path, answers) == 0
    assert (tmp_path / "results.csv").read_text(encoding="utf-8").count("\n") == 4


def test_a_damaged_workbook_is_refused(tmp_path, capsys):
    answers = written(tmp_path / "a.xlsx", b"PK\x03\x04 this is not a workbook")
    err = refused(tmp_path, capsys, answers)
    assert "a.xlsx: cannot read the workbook" in err


def test_a_folder_given_as_answers_is_refused(tmp_path, capsys):
    (tmp_path / "folder.csv").mkdir()
    err = refused(tmp_path, capsys, tmp_path / "folder.csv")
    assert "is a folder; give a CSV or XLSX file" in err


@pytest.mark.parametrize("bad", ["/dev/zero", "nul", "not-utf8"])
def test_a_previous_file_that_cannot_be_read_is_refused_the_same_way(tmp_path, capsys, bad):
    answers = written(tmp_path / "a.csv", ANSWERS.encode())
    previous = {
        "/dev/zero": Path("/dev/zero"),
        "nul": written(tmp_path / "p.csv", b"agency,total\nA,0.5\x00\n"),
        "not-utf8": written(tmp_path / "p.csv", b"agency,total\nA\xff,0.5\n"),
    }[bad]
    refused(tmp_path, capsys, answers, "--previous", str(previous))


def test_the_real_command_reports_dev_zero_without_a_traceback(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "phrom.cli", "score-file", "--framework", "un-egdi",
         "--answers", "/dev/zero", "--out", str(tmp_path / "r.csv")],
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("error: ")
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "r.csv").exists()


# --- previous results -----------------------------------------------------------------------


def previous_results(tmp_path: Path, body: str) -> Path:
    return written(tmp_path / "previous.csv", ("agency,group,total\n" + body).encode())


@pytest.mark.parametrize("total", ["nan", "NaN", "inf", "-inf", "Infinity", "1e999"])
def test_a_previous_total_that_is_not_finite_is_refused(tmp_path, capsys, total):
    answers = written(tmp_path / "a.csv", ANSWERS.encode())
    previous = previous_results(tmp_path, f"A,,0.5\nB,,{total}\n")
    err = refused(tmp_path, capsys, answers, "--previous", str(previous))
    assert f"previous.csv: row 3, column total: {total!r} is" in err
    assert "like 76.5" in err


@pytest.mark.parametrize("total", ["76,5", "1,234.5", "0,5"])
def test_a_previous_total_with_a_comma_is_refused_saying_what_to_write(tmp_path, capsys, total):
    answers = written(tmp_path / "a.csv", ANSWERS.encode())
    previous = previous_results(tmp_path, f'A,,"{total}"\n')
    err = refused(tmp_path, capsys, answers, "--previous", str(previous))
    assert (
        f"previous.csv: row 2, column total: {total!r} has a comma, which could be a decimal "
        "comma or a thousands separator; write the total with a decimal point and no "
        "separator, like 76.5"
    ) in err


def test_an_agency_twice_in_the_previous_results_is_refused(tmp_path, capsys):
    answers = written(tmp_path / "a.csv", ANSWERS.encode())
    previous = previous_results(tmp_path, "A,,0.5\nB,,0.6\nA,,0.7\n")
    err = refused(tmp_path, capsys, answers, "--previous", str(previous))
    assert "previous.csv: row 4, column agency: 'A' is already on row 2" in err


def test_an_agency_twice_in_previous_answers_is_refused(tmp_path, capsys):
    answers = written(tmp_path / "a.csv", ANSWERS.encode())
    previous = written(tmp_path / "p.csv", (ANSWERS + "A,0.1,0.1,0.1\n").encode())
    err = refused(tmp_path, capsys, answers, "--previous", str(previous))
    assert "p.csv: row 5, column agency: 'A' is already on row 2" in err


def test_previous_totals_in_plain_and_thai_digits_give_gains(tmp_path):
    answers = written(tmp_path / "a.csv", ANSWERS.encode())
    previous = previous_results(tmp_path, "A,,0.25\nB,,๐.๕\nC,,\n")
    assert score_file(tmp_path, answers, "--previous", str(previous)) == 0
    with (tmp_path / "results.csv").open(encoding="utf-8") as fh:
        rows = {r["agency"]: r for r in csv.DictReader(fh)}
    assert rows["A"]["gain"] == "0.2500"
    assert rows["B"]["gain"] == "0.0000"
    assert rows["C"]["previous_total"] == ""


# --- workbooks ------------------------------------------------------------------------------


def test_a_workbook_that_unpacks_to_more_than_any_table_is_refused(tmp_path, capsys):
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<worksheet/>")
    data = bytearray(packed.getvalue())
    # the size the archive's directory declares for the sheet once unpacked: about 4 GB
    struct.pack_into("<I", data, data.rfind(b"PK\x01\x02") + 24, 0xFFFF_FFF0)
    answers = written(tmp_path / "a.xlsx", bytes(data))
    err = refused(tmp_path, capsys, answers)
    assert "a.xlsx: the workbook unpacks to 4,294,967,280 bytes, more than the 1024 MB" in err


def test_a_workbook_gives_the_results_its_csv_gives(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in csv.reader(io.StringIO(ANSWERS)):
        sheet.append([float(c) if c[:1].isdigit() else c for c in row])
    book.save(tmp_path / "answers.xlsx")
    (tmp_path / "answers.csv").write_text(ANSWERS, encoding="utf-8")
    for name in ("answers.xlsx", "answers.csv"):
        assert main(["score-file", "--framework", "un-egdi", "--answers", str(tmp_path / name),
                     "--out", str(tmp_path / f"{name}.results.csv")]) == 0
    assert (tmp_path / "answers.xlsx.results.csv").read_text(encoding="utf-8") == (
        tmp_path / "answers.csv.results.csv"
    ).read_text(encoding="utf-8")


def test_many_ignored_columns_are_summed_up_in_one_short_note(tmp_path, capsys):
    extra = [f"c{i}" for i in range(5000)]
    answers = written(tmp_path / "a.csv", (
        ",".join(["agency", "osi", "hci", "tii", *extra]) + "\nA,0.5,0.5,0.5\n"
    ).encode())
    assert score_file(tmp_path, answers) == 0
    err = capsys.readouterr().err
    assert "ignored column(s): c0, c1, c2, c3, c4, c5, c6, c7, c8, c9 and 4990 more" in err


# --- rows longer than the header, and columns asked for that are not there ----------------


def test_a_row_shifted_by_an_unquoted_comma_is_refused_with_its_row_and_counts(tmp_path, capsys):
    answers = written(tmp_path / "shift.csv", (
        b"agency,name,group,osi,hci,tii\n"
        b'THA,"Thailand, Kingdom of",,0.6,0.7,0.8\n'
        b"LAO,Lao People's Democratic Republic, The,,0.6,0.7,0.8\n"
    ))

    err = refused(tmp_path, capsys, answers)

    assert err.splitlines()[0] == (
        "error: shift.csv: row 3: 7 cells but the header has 6; quote values that contain "
        'commas (as in "Bangkok, Thailand"), or add the missing column to the header'
    )


def test_a_shifted_row_whose_last_value_is_empty_is_refused_too(tmp_path, capsys):
    answers = written(tmp_path / "a.csv", (
        b"agency,name,osi,hci,tii\nA,Lao, The,0.6,0.7,\nB,Thailand,0.6,0.7,\n"
    ))

    err = refused(tmp_path, capsys, answers)

    assert "a.csv: row 2: 6 cells but the header has 5;" in err
    assert "or remove the comma that ends the row" in err


def test_empty_cells_right_of_the_named_columns_of_a_workbook_are_harmless(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    for row in (["agency", "osi", "hci", "tii"], ["A", 0.5, 0.5, 0.5, "", None],
                ["B", 0.7, 0.2, 0.5, ""]):
        book.active.append(row)
    book.active.cell(row=2, column=7).number_format = "0.00"  # a formatted empty cell
    path = tmp_path / "a.xlsx"
    book.save(path)

    assert score_file(tmp_path, path) == 0


def test_a_previous_file_with_a_shifted_row_is_refused_too(tmp_path, capsys):
    answers = written(tmp_path / "a.csv", ANSWERS.encode())
    previous = written(tmp_path / "p.csv", b"agency,total\nA,50\nB,6,0\n")

    err = refused(tmp_path, capsys, answers, "--previous", str(previous))

    assert "p.csv: row 3: 3 cells but the header has 2" in err


@pytest.mark.parametrize(
    ("option", "what"), [("--group-column", "peer groups"), ("--name-column", "names")]
)
def test_a_name_or_group_column_that_the_file_lacks_is_refused_naming_its_columns(
    tmp_path, capsys, option, what
):
    answers = written(tmp_path / "a.csv", b"agency,country,group,osi,hci,tii\nA,X,,0.5,0.5,0.5\n")

    err = refused(tmp_path, capsys, answers, option, "grp")

    assert err.splitlines()[0] == (
        f"error: a.csv: no column 'grp' (the agencies' {what}, {option}); the file's "
        "columns other than question codes are 'agency', 'country', 'group'; did you mean "
        "'group'?"
    )


def test_the_usual_name_and_group_columns_may_still_be_left_out(tmp_path):
    answers = written(tmp_path / "a.csv", ANSWERS.encode())
    assert score_file(tmp_path, answers, "--name-column", "name", "--group-column", "group") == 0
