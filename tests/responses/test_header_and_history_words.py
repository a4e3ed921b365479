"""The questionnaire's header gives the deadline as the whole day it is, as the home page
does; the history names the state before a first answer."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.utils import timezone

from phrom.frameworks.models import Cycle, DeadlineChange
from tests.conftest import in_english
from tests.responses.helpers import post_answer

pytestmark = pytest.mark.django_db

# 7 Jan 2027 (B.E. 2570) at 07:58 Bangkok time: a time of day the deadline rule ignores.
STORED = dt.datetime(2027, 1, 7, 0, 58, tzinfo=dt.UTC)


def _facts(client, world):
    page = client.get(f"/responses/{world.response_a.pk}/").content.decode()
    return re.search(r'<p class="qn-facts">(.*?)</p>', page, re.S).group(1)


def test_the_header_gives_the_deadline_as_the_end_of_its_day(world, client):
    Cycle.objects.filter(pk=world.cycle.pk).update(deadline=STORED)
    client.force_login(world.user("coordinator_a"))
    facts = _facts(client, world)
    assert "กำหนดส่ง: สิ้นวันที่ 7 ม.ค. 2570 ตามเวลาประเทศไทย" in facts
    assert "07:58" not in facts and "น." not in facts
    english = _facts(in_english(client), world)
    assert "Deadline: the end of 7 Jan 2570 BE, Bangkok time" in english
    assert "07:58" not in english


def test_the_header_gives_the_agencys_extended_deadline(world, client):
    Cycle.objects.filter(pk=world.cycle.pk).update(deadline=STORED)
    DeadlineChange.objects.create(cycle=world.cycle, agency=world.agency_a, old_deadline=STORED,
                                  new_deadline=STORED + dt.timedelta(days=7), reason="น้ำท่วม")
    client.force_login(world.user("coordinator_a"))
    facts = _facts(client, world)
    assert "สิ้นวันที่ 14 ม.ค. 2570 ตามเวลาประเทศไทย (ขยายให้หน่วยงานของท่านแล้ว)" in facts


def test_no_deadline_no_deadline_in_the_header(world, client):
    Cycle.objects.filter(pk=world.cycle.pk).update(deadline=None)
    client.force_login(world.user("coordinator_a"))
    assert "กำหนดส่ง" not in _facts(client, world)


def test_the_history_says_a_first_answer_had_none_before(world, client):
    client.force_login(world.user("coordinator_a"))
    post_answer(client, world.response_a, "POL-01-1", {"value": "yes"}, 0)
    post_answer(client, world.response_a, "POL-01-1", {"value": "no"}, 1)
    page = client.get(f"/responses/{world.response_a.pk}/history/").content.decode()
    cells = re.findall(r"<td>([^<]*)(?:<br>.*?)?</td>\s*<td>(ใช่|ไม่ใช่)", page)
    assert [(old.strip(), new) for old, new in cells] == [("ใช่", "ไม่ใช่"), ("ยังไม่ได้ตอบ", "ใช่")]
    english = in_english(client).get(f"/responses/{world.response_a.pk}/history/").content.decode()
    assert "Not answered yet" in english


@pytest.mark.parametrize(("language", "said"), [("th", "ยังไม่ได้ตอบ"), ("en", "Not answered yet")])
def test_the_history_csv_says_so_in_its_language(world, client, settings, language, said):
    client.force_login(world.user("coordinator_a"))
    post_answer(client, world.response_a, "POL-04-2", {"value": "3"}, 0)
    post_answer(client, world.response_a, "POL-04-2", {"value": "4"}, 1)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    text = b"".join(
        client.get(f"/responses/{world.response_a.pk}/history.csv").streaming_content
    ).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["old"] == said
    assert rows[1]["old"] != said


def test_evidence_added_has_no_answer_before(world, client):
    """Only answers had a state before; an added file's row keeps its "before" empty."""
    from phrom.responses.history import history_all
    from phrom.responses.models import AnswerChange, ChangeKind

    AnswerChange.objects.create(response=world.response_a, question="POL-01-1",
                                kind=ChangeKind.EVIDENCE_ADDED, new_value={"name": "plan.pdf"},
                                at=timezone.now())
    rows = list(history_all(response=world.response_a, language="th"))
    assert [(r.old, r.new) for r in rows] == [("", "plan.pdf")]
