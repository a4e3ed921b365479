"""The history of a response: who, when, question, old and new; paginated; CSV export."""

from __future__ import annotations

import csv
import io

import pytest

from phrom.responses.models import AnswerChange, ChangeKind
from tests.responses.helpers import post_answer

pytestmark = pytest.mark.django_db


def test_history_shows_who_when_question_old_and_new(world, client, second_coordinator_a):
    client.force_login(second_coordinator_a)
    post_answer(client, world.response_a, "POL-02-2", {"value": "once"}, 0)
    client.force_login(world.user("coordinator_a"))
    post_answer(client, world.response_a, "POL-02-2", {"value": "four_plus"}, 1)
    page = client.get(f"/responses/{world.response_a.pk}/history/").content.decode()
    assert "Somchai Jaidee" in page and "coordinator_a" in page
    assert "POL-02-2" in page
    assert "1 ครั้ง" in page and "4 ครั้งขึ้นไป" in page  # old and new, as labels
    assert "25" in page  # the year is in the Buddhist Era (25xx)
    # newest first
    assert page.index("4 ครั้งขึ้นไป") < page.rindex("Somchai Jaidee")


def test_history_is_paginated(world, client):
    client.force_login(world.user("coordinator_a"))
    for version in range(60):
        post_answer(client, world.response_a, "CAP-07-1",
                    {"value": "3", "explanation": f"note {version}"}, version)
    count = AnswerChange.objects.filter(response=world.response_a).count()
    assert count == 60
    first = client.get(f"/responses/{world.response_a.pk}/history/").content.decode()
    assert "?page=2" in first
    second = client.get(f"/responses/{world.response_a.pk}/history/?page=2")
    assert second.status_code == 200
    assert second.content.decode().count("<tr>") == count - 50 + 1  # rows + header


def test_history_csv_has_every_change_oldest_first(world, client):
    client.force_login(world.user("coordinator_a"))
    post_answer(client, world.response_a, "POL-03-2", {"value": "=HYPERLINK(\"x\")"}, 0)
    post_answer(client, world.response_a, "POL-06-1", {"value": "2", "explanation": "ดูรายงาน"}, 0)
    reply = client.get(f"/responses/{world.response_a.pk}/history.csv")
    assert reply["Content-Type"].startswith("text/csv")
    assert "attachment" in reply["Content-Disposition"]
    text = b"".join(reply.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["question"] for r in rows] == ["POL-03-2", "POL-06-1"]
    assert rows[0]["new"].startswith("'=")  # a spreadsheet will not run it
    assert rows[1]["new_explanation"] == "ดูรายงาน"
    assert rows[1]["kind"] == ChangeKind.ANSWER
    assert rows[1]["who"] == "coordinator_a"
    assert rows[1]["date_be"].endswith(str(AnswerChange.objects.last().at.year + 543))


def test_history_rows_cannot_be_changed(world, client):
    client.force_login(world.user("coordinator_a"))
    post_answer(client, world.response_a, "POL-01-1", {"value": "yes"})
    change = AnswerChange.objects.get()
    change.reason = "rewrite"
    with pytest.raises(ValueError):
        change.save()


def test_history_names_carried_evidence_and_submission(world, client, previous_a):
    client.force_login(world.user("coordinator_a"))
    client.post(f"/responses/{world.response_a.pk}/answer/POL-01-1/carry-over/",
                {"base_version": "0"}, HTTP_ACCEPT="application/json")
    page = client.get(f"/responses/{world.response_a.pk}/history/").content.decode()
    assert "plan.pdf" in page and "https://example.go.th/plan-2563.pdf" in page
    assert "ใช้คำตอบจากรอบที่แล้ว" in page  # kind "carried over", in Thai
