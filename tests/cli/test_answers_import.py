"""Issue 13, point 8: `phrom answers import CYCLE FILE` brings a cycle kept in a spreadsheet
(the ANSWERS format of `phrom score-file`) into Phrom, all or nothing."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path
from typing import Any

import pytest

from phrom.cli import main
from phrom.frameworks.models import Cycle, CycleStatus
from phrom.responses.models import Answer, AnswerChange, Response
from scoring.answers import NOT_APPLICABLE
from scoring.matrix import matrix_questions
from scoring.model import Framework
from tests.conftest import FRAMEWORKS
from tests.synthetic.cycles import synthetic_answers

pytestmark = pytest.mark.django_db


def cell(value: Any) -> str:
    """An answer written as a person writes it in a spreadsheet."""
    if value is None:
        return ""
    if value is NOT_APPLICABLE:
        return "na"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple):
        return ";".join(value) or "-"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def write_answers(
    path: Path, spec: Framework, agencies: list[tuple[str, str]], seed: int = 2564
) -> Path:
    """An ANSWERS file of AGENCIES (code, peer group) with generated answers to every
    question of the matrix, some not applicable, some unanswered."""
    matrix = synthetic_answers(spec, len(agencies), seed=seed)
    questions = matrix_questions(spec)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["agency", "name", "group", *(q.code for q in questions)])
        for generated, (code, group) in zip(matrix.agencies, agencies, strict=True):
            answers = matrix.answers_of(spec, generated).answers
            writer.writerow([code, f"หน่วยงาน {code}", group,
                             *(cell(answers.get(q.code)) for q in questions)])
    return path


def rewrite(path: Path, row: int, column: str, text: str) -> Path:
    """PATH with the cell of ROW (spreadsheet numbering, header = 1) and COLUMN replaced."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[row - 1][rows[0].index(column)] = text
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def world_file(world, tmp_path: Path, name: str = "answers-2564.csv", seed: int = 2564) -> Path:  # type: ignore[no-untyped-def]
    spec = world.cycle.framework.spec()
    return write_answers(tmp_path / name, spec, [("mot-drr", "service"), ("mot-doh", "service")],
                         seed=seed)


def first_of_type(world, kind: str) -> str:  # type: ignore[no-untyped-def]
    return next(q.code for q in world.cycle.framework.spec().questions if q.type == kind)


def nothing_written(world) -> bool:  # type: ignore[no-untyped-def]
    return (
        not Answer.objects.filter(response__cycle=world.cycle).exists()
        and not AnswerChange.objects.filter(response__cycle=world.cycle).exists()
        and set(Response.objects.filter(cycle=world.cycle).values_list("status", flat=True))
        == {"not_started"}
    )


def test_an_imported_cycle_scores_as_score_file_scores_the_same_file(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    from phrom.frameworks.services import load_framework

    cycle = load_framework(path=FRAMEWORKS / "th-2564.yaml", cycle_code="th-2564-past").cycle
    spec = cycle.framework.spec()
    groups = [g.code for g in spec.peer_groups]
    agencies = [(f"dept-{k:03d}", groups[k % len(groups)]) for k in range(60)]
    registry = tmp_path / "agencies.csv"
    with registry.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["code", "name_th", "name_en", "kind", "ministry", "group"])
        writer.writerows([code, f"กรม {code}", f"Department {code}", "department", "", group]
                         for code, group in agencies)
    assert main(["agencies", "import", str(registry)]) == 0
    answers = write_answers(tmp_path / "answers.csv", spec, agencies)

    assert main(["answers", "import", "th-2564-past", str(answers)]) == 0
    assert main(["score", "th-2564-past", "--out", str(tmp_path / "stored.csv")]) == 0
    assert main(["score-file", "--framework", "th-2564", "--answers", str(answers),
                 "--out", str(tmp_path / "file.csv")]) == 0

    stored = (tmp_path / "stored.csv").read_text(encoding="utf-8")
    assert stored == (tmp_path / "file.csv").read_text(encoding="utf-8")
    assert len(stored.splitlines()) == 61
    assert "60 response(s) submitted (60 new, 0 replaced)" in capsys.readouterr().out


def test_imported_responses_are_submitted_with_history_naming_the_file_and_its_sha256(
    world, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    path = world_file(world, tmp_path)
    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()

    assert main(["answers", "import", "th-2564", str(path)]) == 0

    for response in (world.response_a, world.response_b):
        response.refresh_from_db()
        assert response.status == "submitted"
        assert response.submitted_at is not None and response.started_at is not None
        changes = AnswerChange.objects.filter(response=response)
        assert set(changes.values_list("kind", flat=True)) == {"imported"}
        assert all(c.reason == f"imported from answers-2564.csv (SHA-256 {sha256})"
                   for c in changes)
        status_change = changes.get(question="")
        assert (status_change.old_value, status_change.new_value) == ("not_started", "submitted")
        answers = Answer.objects.filter(response=response)
        assert answers.count() == changes.count() - 1 > 0
        assert set(answers.values_list("version", flat=True)) == {1}


def test_a_bad_cell_is_reported_with_its_row_and_column_and_nothing_is_written(
    world, tmp_path, capsys
) -> None:  # type: ignore[no-untyped-def]
    yes_no = first_of_type(world, "yes_no")
    path = rewrite(world_file(world, tmp_path), 3, yes_no, "maybe")

    assert main(["answers", "import", "th-2564", str(path)]) == 2

    err = capsys.readouterr().err
    assert err.startswith(f"error: answers-2564.csv: row 3, column {yes_no}: ")
    assert "Traceback" not in err
    assert nothing_written(world)


def test_an_agency_missing_from_the_registry_is_named_with_its_row_and_how_to_add_it(
    world, tmp_path, capsys
) -> None:  # type: ignore[no-untyped-def]
    path = rewrite(world_file(world, tmp_path), 2, "agency", "mot-xyz")

    assert main(["answers", "import", "2564", str(path)]) == 2

    err = capsys.readouterr().err
    assert "row 2, column agency: no agency 'mot-xyz' in the registry" in err
    assert "add it with phrom agencies import" in err
    assert "nothing was imported" in err
    assert nothing_written(world)


def test_a_peer_group_other_than_the_registrys_is_refused(world, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = rewrite(world_file(world, tmp_path), 3, "group", "policy")

    assert main(["answers", "import", "th-2564", str(path)]) == 2

    assert "row 3, column group: 'policy' differs from the registry's peer group of mot-doh" \
        in capsys.readouterr().err
    assert nothing_written(world)


def test_a_response_that_has_answers_is_refused_unless_replace_is_given(
    world, tmp_path, capsys
) -> None:  # type: ignore[no-untyped-def]
    first = world_file(world, tmp_path, "first.csv", seed=1)
    second = world_file(world, tmp_path, "second.csv", seed=2)
    assert main(["answers", "import", "th-2564", str(first)]) == 0
    before = list(Answer.objects.filter(response__cycle=world.cycle)
                  .order_by("id").values_list("value", "version"))
    history = AnswerChange.objects.count()
    capsys.readouterr()

    assert main(["answers", "import", "th-2564", str(second)]) == 2

    err = capsys.readouterr().err
    assert "row 2, column agency: mot-drr already has" in err
    assert "row 3, column agency: mot-doh already has" in err
    assert "pass --replace" in err
    assert list(Answer.objects.filter(response__cycle=world.cycle)
                .order_by("id").values_list("value", "version")) == before
    assert AnswerChange.objects.count() == history

    assert main(["answers", "import", "th-2564", str(second), "--replace"]) == 0

    assert "2 replaced" in capsys.readouterr().out
    replaced = AnswerChange.objects.filter(reason__contains="second.csv").exclude(question="")
    assert any(c.old_value is not None for c in replaced)
    # a new version of each answer changed; the first of one the first file left unanswered
    assert all(c.version == (1 if c.old_value is None else 2) for c in replaced)
    assert all(
        Answer.objects.get(response=c.response, question=c.question).value
        == c.new_value["value"] for c in replaced
    )


def test_a_published_cycle_is_refused_and_left_as_it_was(world, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    Cycle.objects.filter(pk=world.cycle.pk).update(status=CycleStatus.PUBLISHED)

    assert main(["answers", "import", "th-2564", str(world_file(world, tmp_path))]) == 2

    assert capsys.readouterr().err.startswith("error: cycle th-2564 is published")
    assert nothing_written(world)


@pytest.mark.parametrize(
    ("status", "message"),
    [
        ("in_review", "error: cycle th-2564 is in review: reviewers are checking and signing "
                      "off its answers"),
        ("closed", "error: cycle th-2564 is closed: its answers no longer change; import into "
                   "a draft or open cycle, or, if these answers belong in it, open the cycle "
                   "again first (its page, /cycles/th-2564/)"),
    ],
)
def test_a_closed_or_in_review_cycle_is_refused_even_with_replace(
    world, tmp_path, capsys, status, message
) -> None:  # type: ignore[no-untyped-def]
    first = world_file(world, tmp_path, "first.csv", seed=1)
    assert main(["answers", "import", "th-2564", str(first)]) == 0
    before = list(Answer.objects.filter(response__cycle=world.cycle)
                  .order_by("id").values_list("value", "version"))
    history = AnswerChange.objects.count()
    Cycle.objects.filter(pk=world.cycle.pk).update(status=status)
    capsys.readouterr()

    second = world_file(world, tmp_path, "second.csv", seed=2)
    assert main(["answers", "import", "th-2564", str(second), "--replace"]) == 2

    assert capsys.readouterr().err.startswith(message)
    assert list(Answer.objects.filter(response__cycle=world.cycle)
                .order_by("id").values_list("value", "version")) == before
    assert AnswerChange.objects.count() == history


def test_a_draft_cycle_takes_an_import(world, tmp_path) -> None:  # type: ignore[no-untyped-def]
    Cycle.objects.filter(pk=world.cycle.pk).update(status=CycleStatus.DRAFT)

    assert main(["answers", "import", "th-2564", str(world_file(world, tmp_path))]) == 0

    assert Answer.objects.filter(response__cycle=world.cycle).exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["th-2599", "{file}"], "error: no cycle 'th-2599'"),
        (["th-2564", "{missing}"], "error: nope.csv: no such file: "),
    ],
)
def test_an_unknown_cycle_or_file_is_an_error_not_a_traceback(
    world, tmp_path, capsys, args, message
) -> None:  # type: ignore[no-untyped-def]
    path = world_file(world, tmp_path)
    argv = [a.format(file=path, missing=tmp_path / "nope.csv") for a in args]

    assert main(["answers", "import", *argv]) == 2

    assert capsys.readouterr().err.startswith(message)
    assert nothing_written(world)


def test_the_agency_sees_the_imported_answers_in_its_history(world, client, tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert main(["answers", "import", "th-2564", str(world_file(world, tmp_path))]) == 0
    client.force_login(world.user("coordinator_a"))

    page = client.get(f"/responses/{world.response_a.pk}/history/").content.decode()

    assert "นำเข้าจากไฟล์" in page  # "Imported from a file"
    assert "ส่งแล้ว" in page  # the status it came in with: submitted


def test_a_row_shifted_by_an_unquoted_comma_is_refused_and_nothing_written(
    world, tmp_path, capsys
) -> None:  # type: ignore[no-untyped-def]
    path = world_file(world, tmp_path)
    rewrite(path, 3, "name", "กรมทางหลวง, สำนักงาน")
    text = path.read_text(encoding="utf-8").replace('"กรมทางหลวง, สำนักงาน"', "กรมทางหลวง, สำนักงาน")
    path.write_text(text, encoding="utf-8")
    width = len(text.splitlines()[0].split(","))

    assert main(["answers", "import", "th-2564", str(path)]) == 2

    err = capsys.readouterr().err
    assert f"row 3: {width + 1} cells but the header has {width}; quote values" in err
    assert nothing_written(world)


def test_a_group_column_the_file_lacks_is_refused(world, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = world_file(world, tmp_path)

    assert main(["answers", "import", "th-2564", str(path), "--group-column", "peer"]) == 2

    err = capsys.readouterr().err
    assert "no column 'peer' (the agencies' peer groups, --group-column); the file's columns " \
           "other than question codes are 'agency', 'name', 'group'" in err
    assert nothing_written(world)

