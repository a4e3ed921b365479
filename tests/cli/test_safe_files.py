"""Every CSV Phrom writes is safe to open in a spreadsheet: text cells that a spreadsheet
would run as a formula start with a single quote; numbers stay numbers."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from phrom.cli import main
from phrom.core.tables import safe_cell

HOSTILE = ['=HYPERLINK("http://evil.example","click")', "+1+1", "-2+3", "@SUM(A1:A2)"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+66 2 123 4567", "'+66 2 123 4567"),
        ("-A", "'-A"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("กรมทางหลวงชนบท", "กรมทางหลวงชนบท"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (-1.25, -1.25),
        (-3, -3),
        (0.0, 0.0),
    ],
)
def test_text_that_a_spreadsheet_would_run_is_quoted_and_numbers_stay_numbers(value, expected):
    assert safe_cell(value) == expected
    assert type(safe_cell(value)) is type(expected)


def write_answers(path: Path, agencies: list[str], values: float) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["agency", "group", "osi", "hci", "tii"])
        for agency in agencies:
            writer.writerow([agency, "", values, values, values])
    return path


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def test_results_csv_quotes_hostile_agency_codes_and_keeps_negative_gains_as_numbers(tmp_path):
    previous = write_answers(tmp_path / "previous.csv", HOSTILE, 0.75)
    answers = write_answers(tmp_path / "answers.csv", HOSTILE, 0.5)
    out = tmp_path / "results.csv"
    assert main(["score-file", "--framework", "un-egdi", "--answers", str(answers),
                 "--previous", str(previous), "--out", str(out)]) == 0
    header, *rows = read_rows(out)
    assert sorted(r[0] for r in rows) == sorted("'" + a for a in HOSTILE)
    for row in rows:
        record = dict(zip(header, row, strict=True))
        assert record["total"] == "0.5000"
        assert record["gain"] == "-0.2500"  # a number, written as it is


def test_results_csv_read_back_as_previous_results_matches_its_agencies(tmp_path):
    answers = write_answers(tmp_path / "answers.csv", HOSTILE, 0.5)
    earlier = tmp_path / "earlier.csv"
    assert main(["score-file", "--framework", "un-egdi", "--answers", str(answers),
                 "--out", str(earlier)]) == 0
    later = write_answers(tmp_path / "later.csv", HOSTILE, 0.625)
    out = tmp_path / "results.csv"
    assert main(["score-file", "--framework", "un-egdi", "--answers", str(later),
                 "--previous", str(earlier), "--out", str(out)]) == 0
    header, *rows = read_rows(out)
    gains = [dict(zip(header, row, strict=True))["gain"] for row in rows]
    assert gains == ["0.1250"] * len(HOSTILE)


def test_awards_json_keeps_agency_codes_as_they_are(tmp_path):
    answers = write_answers(tmp_path / "answers.csv", HOSTILE, 0.9)
    out = tmp_path / "awards.json"
    assert main(["score-file", "--framework", "un-egdi", "--answers", str(answers),
                 "--awards-out", str(out)]) == 0
    awards = json.loads(out.read_text(encoding="utf-8"))["awards"]
    winners = {w["agency"] for a in awards for w in a["winners"]}
    assert winners <= set(HOSTILE) and winners
