"""``phrom score-file`` against the UN's published E-Government Development Index."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from phrom.cli import main

YEARS = ("2014", "2016", "2018")
# The UN published (and ranked on) 5 decimals in 2014 and 2016, 4 in 2018; un-egdi says 4.
PUBLISHED_PRECISION = {"2014": "5", "2016": "5", "2018": "4"}


def run(*args: str) -> int:
    return main(list(args))


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def score_egdi(egdi_dir: Path, year: str, out: Path, *extra: str) -> list[dict[str, str]]:
    code = run(
        "score-file", "--framework", "un-egdi", "--answers", str(egdi_dir / f"egdi-{year}.csv"),
        "--agency-column", "country-code", "--name-column", "country-name", "--out", str(out),
        *extra,
    )
    assert code == 0
    return read_csv(out)


@pytest.mark.parametrize("year", YEARS)
def test_it_reproduces_the_published_index_and_ranks(egdi_dir, tmp_path, year):
    published = {r["country-code"]: r for r in read_csv(egdi_dir / f"egdi-{year}.csv")}
    precision = PUBLISHED_PRECISION[year]
    rows = score_egdi(egdi_dir, year, tmp_path / "results.csv", "--precision", precision)
    assert len(rows) == len(published) == 193
    for row in rows:
        truth = published[row["agency"]]
        assert abs(float(row["total"]) - float(truth["e-gov-index"])) <= 0.0001, row
        assert int(row["rank"]) == int(truth["e-gov-rank"]), (row, truth["e-gov-rank"])
        assert len(row["total"].split(".")[1]) == int(precision)


def test_ranking_2014_at_four_decimals_makes_ties_the_un_did_not_have(egdi_dir, tmp_path):
    rows = score_egdi(egdi_dir, "2014", tmp_path / "results.csv")
    israel = next(r for r in rows if r["agency"] == "ISR")
    denmark = next(r for r in rows if r["agency"] == "DNK")
    assert israel["total"] == denmark["total"] == "0.8162"
    assert israel["rank"] == denmark["rank"] == "16"


def test_precision_out_of_range_is_refused(egdi_dir, tmp_path, capsys):
    assert run("score-file", "--framework", "un-egdi", "--answers",
               str(egdi_dir / "egdi-2018.csv"), "--agency-column", "country-code",
               "--precision", "9") == 2
    assert "--precision 9 is out of range" in capsys.readouterr().err


def test_results_have_the_documented_columns(egdi_dir, tmp_path):
    rows = score_egdi(egdi_dir, "2018", tmp_path / "r.csv")
    assert list(rows[0]) == ["agency", "group", "total", "osi", "hci", "tii", "band", "rank",
                             "group_rank"]
    denmark = next(r for r in rows if r["agency"] == "DNK")
    assert denmark["rank"] == "1" and denmark["band"] == "very_high"


def test_previous_results_give_gains_and_outstanding_development(egdi_dir, tmp_path):
    score_egdi(egdi_dir, "2016", tmp_path / "r2016.csv")
    rows = score_egdi(
        egdi_dir, "2018", tmp_path / "r2018.csv",
        "--previous", str(tmp_path / "r2016.csv"), "--awards-out", str(tmp_path / "a.json"),
    )
    assert list(rows[0])[-2:] == ["previous_total", "gain"]
    by_code = {r["agency"]: r for r in rows}
    for row in rows:
        expected = float(row["total"]) - float(row["previous_total"])
        assert abs(float(row["gain"]) - expected) < 1e-9
    awards = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert awards["framework"] == "un-egdi"
    od = next(a for a in awards["awards"] if a["code"] == "outstanding_development")
    assert len(od["winners"]) == 4
    eligible = sorted(
        (r for r in rows if float(r["total"]) >= 0.80),
        key=lambda r: (-float(r["gain"]), -float(r["total"])),
    )
    assert [w["agency"] for w in od["winners"]] == [r["agency"] for r in eligible[:4]]
    for winner in od["winners"]:
        assert winner["why"]
        assert abs(winner["gain"] - float(by_code[winner["agency"]]["gain"])) < 1e-9
    assert od["near_misses"]
    assert all(m["why"] for m in od["near_misses"])


def test_previous_answers_are_scored_with_the_same_framework(egdi_dir, tmp_path):
    rows = score_egdi(
        egdi_dir, "2018", tmp_path / "r.csv", "--previous", str(egdi_dir / "egdi-2016.csv")
    )
    assert all(r["previous_total"] for r in rows)


def test_a_value_that_is_not_valid_is_reported_with_row_and_column(tmp_path, capsys):
    answers = tmp_path / "answers.csv"
    answers.write_text("agency,osi,hci,tii\nA,0.5,0.5,0.5\nB,0.5,abc,0.5\nC,1.7,0.5,0.5\n")
    assert run("score-file", "--framework", "un-egdi", "--answers", str(answers)) == 2
    err = capsys.readouterr().err
    assert "answers.csv: row 3, column hci:" in err
    assert "answers.csv: row 4, column osi:" in err
    assert "Traceback" not in err


def test_a_missing_column_is_named(tmp_path, capsys):
    answers = tmp_path / "answers.csv"
    answers.write_text("agency,osi,hci\nA,0.5,0.5\n")
    assert run("score-file", "--framework", "un-egdi", "--answers", str(answers)) == 2
    assert "missing column(s) for question(s) tii" in capsys.readouterr().err


def test_a_missing_file_and_an_unknown_framework_are_reported(tmp_path, capsys):
    assert run("score-file", "--framework", "un-egdi", "--answers", str(tmp_path / "no.csv")) == 2
    assert "no such file" in capsys.readouterr().err
    answers = tmp_path / "a.csv"
    answers.write_text("agency,osi,hci,tii\nA,0.5,0.5,0.5\n")
    assert run("score-file", "--framework", "nope", "--answers", str(answers)) == 2
    err = capsys.readouterr().err
    assert "no framework file or shipped framework called 'nope'" in err
    assert "un-egdi" in err


def test_bad_input_never_shows_a_traceback_from_the_real_command(tmp_path):
    answers = tmp_path / "a.csv"
    answers.write_text("agency,osi,hci,tii\nA,x,0.5,0.5\n")
    done = subprocess.run(
        [sys.executable, "-m", "phrom.cli", "score-file", "--framework", "un-egdi",
         "--answers", str(answers)],
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("error: ")
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(("command", "name"), [
    (["score", "2564"], "score"),
    (["score-file", "--framework", "un-egdi", "--answers", "a.csv"], "score-file"),
    (["framework", "validate", "un-egdi"], "framework validate"),
])
def test_an_unknown_option_after_a_command_shows_that_commands_usage(capsys, command, name):
    with pytest.raises(SystemExit) as stop:
        main([*command, "--bogus"])

    assert stop.value.code == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"usage: phrom {name} [-h]")
    assert err[-1] == f"phrom {name}: error: unrecognized arguments: --bogus"
    assert "Traceback" not in "\n".join(err)


def test_a_large_cycle_prints_its_first_200_rows_and_says_how_to_get_the_rest(tmp_path, capsys):
    header = "agency,osi,tii,hci\n"
    rows = "".join(f"c{i:04d},0.{i % 90 + 10},0.5,0.5\n" for i in range(250))
    answers = tmp_path / "answers.csv"
    answers.write_text(header + rows, encoding="utf-8")
    assert run("score-file", "--framework", "un-egdi", "--answers", str(answers)) == 0
    out = capsys.readouterr().out
    assert "... and 50 more agencies" in out
    assert "--out RESULTS.csv" in out
    assert run("score-file", "--framework", "un-egdi", "--answers", str(answers),
               "--limit", "300") == 0
    assert "more agencies" not in capsys.readouterr().out
