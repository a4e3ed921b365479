"""Issue 14, points 1 and 6: publishing a cycle stores its figures once (a version that
never changes), the results pages and the open data read them, and a correction is a new
version with its note, each version readable at its own URL."""

from __future__ import annotations

import csv
import hashlib
import io
import json

import pytest

from phrom.cli import main
from phrom.frameworks.models import Cycle, CycleStatus
from phrom.frameworks.services import cycle_set_status
from phrom.publications.models import Publication, PublicationStatus
from phrom.responses.models import Answer
from tests.conftest import submit_yes_no_answers
from tests.notifications.test_mail import run_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(world):  # type: ignore[no-untyped-def]
    """Both responses submitted with every yes/no question answered (A yes, B no)."""
    submit_yes_no_answers(world)
    return world


def publish(world, capture) -> Publication:  # type: ignore[no-untyped-def]
    """The cycle moved to published by the administrator, and the worker's task run."""
    admin = world.user("administrator")
    for status in (CycleStatus.CLOSED, CycleStatus.IN_REVIEW):
        cycle_set_status(cycle=world.cycle, status=status, by=admin)
    with capture(execute=True):
        cycle_set_status(cycle=world.cycle, status=CycleStatus.PUBLISHED, by=admin,
                         override_reason="a test without review")
    assert Publication.objects.get().status == PublicationStatus.PENDING  # queued only
    assert run_worker() == 1
    return Publication.objects.get()


def change_an_answer_of_a(world) -> None:  # type: ignore[no-untyped-def]
    """Agency A's first yes turned to no behind every screen (a direct ORM save)."""
    answer = Answer.objects.filter(response=world.response_a, value=True).first()
    answer.value = False
    answer.version += 1
    answer.save()


def page_total(client, world) -> str:  # type: ignore[no-untyped-def]
    client.force_login(world.user("administrator"))
    page = client.get("/results/th-2564/mot-drr/").content.decode()
    start = page.index("<strong>", page.index("figures")) + len("<strong>")
    return page[start:page.index("</strong>", start)]


def results_table(client) -> str:  # type: ignore[no-untyped-def]
    """The results table of the cycle's page (the page's form tokens change per request)."""
    page = client.get("/results/th-2564/").content.decode()
    return page[page.index("<table"):page.rindex("</table>")]


def csv_rows(text: str) -> dict[str, dict[str, str]]:
    return {r["agency"]: r for r in csv.DictReader(io.StringIO(text))}


def test_publishing_a_cycle_stores_every_figure_through_the_worker(
    submitted, django_capture_on_commit_callbacks, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    publication = publish(submitted, django_capture_on_commit_callbacks)
    assert publication.status == PublicationStatus.COMPLETE
    assert publication.version == 1
    assert publication.by == submitted.user("administrator")
    text = submitted.cycle.framework.source
    assert publication.framework_text == text
    assert publication.framework_sha256 == hashlib.sha256(text.encode()).hexdigest()
    assert publication.phrom_version
    rows = {r["agency"]: r for r in publication.rows}
    assert set(rows) == {"mot-drr", "mot-doh"}
    assert rows["mot-drr"]["rank"] == 1 and rows["mot-doh"]["rank"] == 2
    assert rows["mot-drr"]["indicators"] and rows["mot-drr"]["dimensions"]
    assert [a["code"] for a in publication.awards["awards"]]
    # the same figures as `phrom score` at publication time
    out = tmp_path / "RESULTS.csv"
    assert main(["score", "th-2564", "--out", str(out)]) == 0
    assert csv_rows(publication.results_csv) == csv_rows(out.read_text(encoding="utf-8"))


def test_an_answer_changed_after_publication_changes_no_published_figure(
    client, submitted, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    publish(submitted, django_capture_on_commit_callbacks)
    before_page = page_total(client, submitted)
    table_before = results_table(client)
    before_csv = client.get("/open-data/2564/results.csv").content
    before_json = client.get("/open-data/2564/results.json").content
    change_an_answer_of_a(submitted)
    assert page_total(client, submitted) == before_page
    assert results_table(client) == table_before
    assert client.get("/open-data/2564/results.csv").content == before_csv
    assert client.get("/open-data/2564/results.json").content == before_json


def test_a_correction_is_a_new_version_and_both_stay_readable(
    client, submitted, django_capture_on_commit_callbacks, capsys
) -> None:  # type: ignore[no-untyped-def]
    publish(submitted, django_capture_on_commit_callbacks)
    v1 = client.get("/open-data/2564/results.csv").content.decode()
    change_an_answer_of_a(submitted)
    assert main(["publish", "2564", "--note", "answer 1.1 of mot-drr was wrong; approved by "
                 "the lead reviewer"]) == 0
    assert "version 2" in capsys.readouterr().out
    v2 = client.get("/open-data/2564/results.csv").content.decode()
    assert v2 != v1
    assert client.get("/open-data/2564/v1/results.csv").content.decode() == v1
    assert client.get("/open-data/2564/v2/results.csv").content.decode() == v2
    log = json.loads(client.get("/open-data/2564/results.json").content)
    assert log["version"] == 2 and "approved by the lead reviewer" in log["correction_note"]
    log = json.loads(client.get("/open-data/2564/log.json").content)
    assert [v["version"] for v in log["versions"]] == [2, 1]
    assert "approved by the lead reviewer" in log["versions"][0]["correction_note"]
    assert log["versions"][1]["correction_note"] == ""
    assert log["versions"][1]["by"] == "administrator"
    assert log["versions"][1]["files"]["results.csv"].endswith("/open-data/2564/v1/results.csv")
    # the pages now show the correction
    assert page_total(client, submitted) == csv_rows(v2)["mot-drr"]["total"]


def test_open_data_is_public_once_published_and_not_before(
    client, submitted, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    for name in ("results.csv", "results.json", "answers.csv", "awards.json", "framework.yaml"):
        assert client.get(f"/open-data/2564/{name}").status_code == 404
    publish(submitted, django_capture_on_commit_callbacks)
    for name in ("results.csv", "results.json", "answers.csv", "awards.json", "framework.yaml"):
        reply = client.get(f"/open-data/2564/{name}")  # no login
        assert reply.status_code == 200, name
    assert client.get("/open-data/2564/answers.xlsx").status_code == 404
    assert client.get("/open-data/2564/v9/results.csv").status_code == 404
    assert client.get("/open-data/2563/results.csv").status_code == 404  # not published
    assert client.get("/open-data/2563/log.json").status_code == 404
    assert client.get("/open-data/2564/log.json").status_code == 200
    awards = json.loads(client.get("/open-data/2564/awards.json").content)
    assert set(awards) == {"framework", "awards"}
    yaml = client.get("/open-data/2564/framework.yaml").content.decode()
    assert yaml == submitted.cycle.framework.source


def test_the_open_framework_and_answers_score_to_the_published_figures(
    client, submitted, django_capture_on_commit_callbacks, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    publish(submitted, django_capture_on_commit_callbacks)
    for name in ("framework.yaml", "answers.csv"):
        (tmp_path / name).write_bytes(client.get(f"/open-data/2564/{name}").content)
    out, awards = tmp_path / "RESULTS.csv", tmp_path / "AWARDS.json"
    assert main(["score-file", "--framework", str(tmp_path / "framework.yaml"),
                 "--answers", str(tmp_path / "answers.csv"), "--out", str(out),
                 "--awards-out", str(awards)]) == 0
    recomputed = csv_rows(out.read_text(encoding="utf-8"))
    published = csv_rows(client.get("/open-data/2564/results.csv").content.decode())
    assert set(recomputed) == set(published) == {"mot-drr", "mot-doh"}
    for agency, row in published.items():
        assert recomputed[agency]["total"] == row["total"]
        assert recomputed[agency]["rank"] == row["rank"]
    open_awards = json.loads(client.get("/open-data/2564/awards.json").content)
    assert json.loads(awards.read_text(encoding="utf-8")) == open_awards


def test_publish_refuses_a_cycle_that_is_not_published(world, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["publish", "2564"]) != 0
    assert "not published" in capsys.readouterr().err
    assert not Publication.objects.exists()
    assert Cycle.objects.get(pk=world.cycle.pk).status == CycleStatus.OPEN
