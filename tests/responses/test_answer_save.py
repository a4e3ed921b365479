"""Autosave of one answer: every question type, validation, versions, history, locks."""

from __future__ import annotations

import pytest

from phrom.frameworks.models import CycleStatus
from phrom.responses.models import Answer, AnswerChange, ChangeKind, ResponseStatus
from phrom.responses.services import (
    AnswerInvalid,
    Conflict,
    ResponseLocked,
    answer_save,
)
from tests.conftest import in_english
from tests.responses.helpers import post_answer

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("code", "data", "stored"),
    [
        ("POL-01-1", {"value": "yes"}, True),
        ("POL-01-1", {"value": "no"}, False),
        ("POL-02-2", {"value": "two_three"}, "two_three"),
        # stored in the framework's option order, whatever order they arrive in
        ("POL-08-1", {"value": ["open_data", "website"]}, ["website", "open_data"]),
        ("POL-08-1", {"none_chosen": "on"}, []),
        ("POL-06-1", {"value": "3"}, 3),
        ("POL-06-1", {"value": "0"}, 0),
        ("POL-04-2", {"value": "12"}, 12),
        ("INF-06-1", {"value": "1,234.5"}, 1234.5),  # a measure: decimals are answers
        ("POL-04-2", {"value": "๑๒"}, 12),  # Thai digits
        ("CAP-07-1", {"value": "10"}, 10),
        ("POL-03-1", {"value": "4.25"}, 4.25),
        ("POL-03-1", {"value": "100"}, 100),
        ("POL-03-2", {"value": "  โครงการระบบงานสารบรรณอิเล็กทรอนิกส์  "},
         "โครงการระบบงานสารบรรณอิเล็กทรอนิกส์"),
        ("POL-10-3", {"value": "https://www.drr.go.th/privacy"}, "https://www.drr.go.th/privacy"),
        ("POL-06-2", {"explanation": "รายงานแนบด้านล่าง"}, None),  # file: evidence only
    ],
)
def test_each_question_type_is_stored_as_its_value(world, client, code, data, stored):
    client.force_login(world.user("coordinator_a"))
    reply = post_answer(client, world.response_a, code, data)
    assert reply.status_code == 200, reply.content
    assert reply.json()["version"] == 1
    answer = Answer.objects.get(response=world.response_a, question=code)
    assert answer.value == stored
    assert answer.version == 1
    assert answer.updated_by == world.user("coordinator_a")


@pytest.mark.parametrize(
    ("code", "data"),
    [
        ("POL-01-1", {"value": "maybe"}),
        ("POL-02-2", {"value": "every_day"}),
        ("POL-08-1", {"value": ["website", "not_an_option"]}),
        ("POL-08-1", {"value": ["website"], "none_chosen": "on"}),
        ("POL-06-1", {"value": "6"}),
        ("POL-06-1", {"value": "two"}),
        ("POL-04-2", {"value": "-1"}),  # minimum 0
        ("POL-04-2", {"value": "twelve"}),
        ("POL-04-2", {"value": "1,2"}),
        ("POL-04-2", {"value": "7.3"}),  # a count of documents: whole numbers only
        ("CAP-07-1", {"value": "11"}),  # maximum 10
        ("POL-03-1", {"value": "100.5"}),
        ("POL-03-1", {"value": "-3"}),
        ("POL-10-3", {"value": "www.drr.go.th"}),
        ("POL-10-3", {"value": "javascript:alert(1)"}),
        ("POL-01-1", {"value": "yes", "not_applicable": "on"}),  # no "not applicable" here
        # a NUL character, which PostgreSQL cannot store, in a text answer or an explanation
        ("POL-03-2", {"value": "ระบบ\x00สารบรรณ"}),
        ("POL-04-2", {"value": "12", "explanation": "แนบ\x00รายงาน"}),
    ],
)
def test_invalid_values_are_refused_with_a_message_and_nothing_is_stored(world, client, code, data):
    client.force_login(world.user("coordinator_a"))
    reply = post_answer(client, world.response_a, code, data)
    assert reply.status_code == 400
    body = reply.json()
    assert body["status"] == "invalid"
    assert body["message"]
    assert not Answer.objects.filter(response=world.response_a, question=code).exists()
    assert not AnswerChange.objects.filter(response=world.response_a).exists()


def test_invalid_value_leaves_the_previous_answer_untouched(world, client):
    client.force_login(world.user("coordinator_a"))
    assert post_answer(client, world.response_a, "CAP-07-1", {"value": "4"}).status_code == 200
    assert post_answer(client, world.response_a, "CAP-07-1", {"value": "40"}, 1).status_code == 400
    answer = Answer.objects.get(response=world.response_a, question="CAP-07-1")
    assert (answer.value, answer.version) == (4, 1)


def test_not_applicable_is_stored_without_a_value_where_allowed(world, client):
    client.force_login(world.user("coordinator_a"))
    reply = post_answer(
        client, world.response_a, "POL-04-2", {"value": "5", "not_applicable": "on"}
    )
    assert reply.status_code == 200
    answer = Answer.objects.get(response=world.response_a, question="POL-04-2")
    assert answer.not_applicable is True
    assert answer.value is None


def test_the_explanation_is_saved_with_the_answer_and_in_history(world, client):
    client.force_login(world.user("coordinator_a"))
    post_answer(client, world.response_a, "POL-01-1", {"value": "yes", "explanation": "ดูหน้า 3"})
    answer = Answer.objects.get(response=world.response_a, question="POL-01-1")
    assert answer.explanation == "ดูหน้า 3"
    change = AnswerChange.objects.get(response=world.response_a)
    assert change.new_value == {"value": True, "not_applicable": False, "explanation": "ดูหน้า 3"}


def test_every_accepted_change_adds_a_version_and_a_history_row(world, client):
    client.force_login(world.user("coordinator_a"))
    post_answer(client, world.response_a, "POL-06-1", {"value": "2"}, 0)
    post_answer(client, world.response_a, "POL-06-1", {"value": "4"}, 1)
    post_answer(client, world.response_a, "POL-06-1", {"value": "4", "explanation": "x"}, 2)
    changes = list(AnswerChange.objects.filter(response=world.response_a).order_by("id"))
    assert [c.kind for c in changes] == [ChangeKind.ANSWER] * 3
    assert [c.version for c in changes] == [1, 2, 3]
    assert changes[0].old_value is None
    assert changes[0].new_value["value"] == 2
    assert changes[1].old_value["value"] == 2
    assert changes[1].new_value["value"] == 4
    assert changes[2].new_value["explanation"] == "x"
    assert all(c.by == world.user("coordinator_a") for c in changes)
    assert Answer.objects.get(response=world.response_a, question="POL-06-1").version == 3


def test_saving_the_stored_answer_again_adds_nothing(world, client):
    client.force_login(world.user("coordinator_a"))
    post_answer(client, world.response_a, "POL-01-1", {"value": "yes"}, 0)
    # the page's retry after a lost reply carries the old version: no conflict, no new row
    reply = post_answer(client, world.response_a, "POL-01-1", {"value": "yes"}, 0)
    assert reply.status_code == 200
    assert reply.json()["version"] == 1
    assert AnswerChange.objects.filter(response=world.response_a).count() == 1


def test_clearing_an_answer_is_a_change_too(world, client):
    client.force_login(world.user("coordinator_a"))
    post_answer(client, world.response_a, "POL-02-2", {"value": "once"}, 0)
    reply = post_answer(client, world.response_a, "POL-02-2", {"value": ""}, 1)
    assert reply.status_code == 200
    assert Answer.objects.get(response=world.response_a, question="POL-02-2").value is None
    assert AnswerChange.objects.filter(response=world.response_a).count() == 2


def test_the_first_answer_starts_the_response(world, client):
    assert world.response_a.status == ResponseStatus.NOT_STARTED
    client.force_login(world.user("respondent_a"))
    post_answer(client, world.response_a, "POL-01-1", {"value": "yes"})
    world.response_a.refresh_from_db()
    assert world.response_a.status == ResponseStatus.IN_PROGRESS
    assert world.response_a.started_at is not None


def test_stale_version_gets_a_conflict_with_both_values(world, client, second_coordinator_a):
    client.force_login(second_coordinator_a)
    assert post_answer(client, world.response_a, "POL-02-2", {"value": "once"}, 0).status_code == 200
    client.force_login(world.user("coordinator_a"))
    reply = post_answer(
        client, world.response_a, "POL-02-2", {"value": "four_plus", "explanation": "มีรายงาน"}, 0
    )
    assert reply.status_code == 409
    body = reply.json()
    assert body["status"] == "conflict"
    assert body["version"] == 1
    html = body["html"]
    assert "Somchai Jaidee" in html  # who saved the current answer
    assert "1 ครั้ง" in html  # their answer ("once")
    assert "4 ครั้งขึ้นไป" in html  # this person's answer ("four_plus")
    assert "มีรายงาน" in html
    assert 'data-conflict="mine"' in html and 'data-conflict="theirs"' in html
    # nothing was overwritten
    answer = Answer.objects.get(response=world.response_a, question="POL-02-2")
    assert (answer.value, answer.version) == ("once", 1)
    # keeping one's own answer saves it on top of the current version
    reply = post_answer(client, world.response_a, "POL-02-2", {"value": "four_plus"}, 1)
    assert reply.status_code == 200
    answer.refresh_from_db()
    assert (answer.value, answer.version) == ("four_plus", 2)
    history = list(AnswerChange.objects.filter(response=world.response_a).order_by("id"))
    assert [(h.old_value and h.old_value["value"], h.new_value["value"]) for h in history] == [
        (None, "once"), ("once", "four_plus"),
    ]


def test_conflict_without_script_is_a_page_to_choose_not_an_error(world, client, second_coordinator_a):
    client.force_login(second_coordinator_a)
    post_answer(client, world.response_a, "POL-01-1", {"value": "yes"}, 0)
    client.force_login(world.user("coordinator_a"))
    reply = client.post(
        f"/responses/{world.response_a.pk}/answer/POL-01-1/",
        {"value": "no", "base_version": "0"},
    )
    assert reply.status_code == 409
    page = reply.content.decode()
    assert "Somchai Jaidee" in page
    assert 'name="base_version" value="1"' in page
    assert 'name="value" value="no"' in page


def test_a_conflict_with_ones_own_save_in_another_tab_says_you_changed_it(world, client):
    coordinator = world.user("coordinator_a")
    coordinator.first_name, coordinator.last_name = "Malee", "Srisuk"
    coordinator.save()
    client.force_login(coordinator)
    post_answer(client, world.response_a, "POL-02-2", {"value": "once"}, 0)  # another tab

    english = in_english(client)
    reply = post_answer(english, world.response_a, "POL-02-2", {"value": "four_plus"}, 0)

    assert reply.status_code == 409
    body = reply.json()
    assert body["message"].startswith("You changed this answer at ")
    assert body["message"].endswith(" in another window or tab: choose which to keep.")
    assert "You changed this answer at " in body["html"]
    assert "Keep the answer from the other window or tab" in body["html"]
    assert "Keep the answer on this page" in body["html"]
    page = english.post(f"/responses/{world.response_a.pk}/answer/POL-02-2/",
                        {"value": "four_plus", "base_version": "0"}).content.decode()
    box = page.split('class="q-conflict-box"', 1)[1]  # the page's header names the person
    assert "You changed this answer at " in box and "Keep the answer on this page" in box
    for text in (body["message"], body["html"], box):
        assert "Malee" not in text
    assert Answer.objects.get(response=world.response_a, question="POL-02-2").value == "once"


def test_the_service_refuses_a_stale_version_with_the_current_answer(world, spec, second_coordinator_a):
    question = spec.question("POL-06-1")
    answer_save(response=world.response_a, question=question, value=2, not_applicable=False,
                explanation="", base_version=0, by=second_coordinator_a)
    with pytest.raises(Conflict) as caught:
        answer_save(response=world.response_a, question=question, value=5,
                    not_applicable=False, explanation="", base_version=0,
                    by=world.user("coordinator_a"))
    conflict = caught.value
    assert conflict.value == 2
    assert conflict.version == 1
    assert conflict.by == second_coordinator_a
    assert conflict.at is not None


def test_the_service_validates_values_itself(world, spec):
    with pytest.raises(AnswerInvalid):
        answer_save(response=world.response_a, question=spec.question("POL-06-1"), value=9,
                    not_applicable=False, explanation="", base_version=0,
                    by=world.user("coordinator_a"))
    with pytest.raises(AnswerInvalid):
        answer_save(response=world.response_a, question=spec.question("POL-01-1"), value="yes",
                    not_applicable=False, explanation="", base_version=0,
                    by=world.user("coordinator_a"))


def test_a_submitted_response_refuses_saves_with_a_clear_message(world, client):
    world.response_a.status = ResponseStatus.SUBMITTED
    world.response_a.save()
    client.force_login(world.user("coordinator_a"))
    reply = post_answer(client, world.response_a, "POL-01-1", {"value": "yes"})
    assert reply.status_code == 423
    assert reply.json()["status"] == "locked"
    assert reply.json()["message"]
    assert not Answer.objects.filter(response=world.response_a).exists()


@pytest.mark.parametrize("status", [CycleStatus.DRAFT, CycleStatus.CLOSED, CycleStatus.IN_REVIEW,
                                    CycleStatus.PUBLISHED])
def test_a_cycle_that_is_not_open_refuses_saves(world, client, spec, status):
    world.cycle.status = status
    world.cycle.save()
    client.force_login(world.user("coordinator_a"))
    reply = post_answer(client, world.response_a, "POL-01-1", {"value": "yes"})
    assert reply.status_code == 423
    assert not Answer.objects.filter(response=world.response_a).exists()
    world.response_a.refresh_from_db()
    with pytest.raises(ResponseLocked):
        answer_save(response=world.response_a, question=spec.question("POL-01-1"), value=True,
                    not_applicable=False, explanation="", base_version=0,
                    by=world.user("coordinator_a"))


def test_respondent_limited_to_policy_cannot_save_capability(world, client):
    client.force_login(world.user("respondent_a"))
    assert post_answer(client, world.response_a, "POL-01-1", {"value": "yes"}).status_code == 200
    reply = post_answer(client, world.response_a, "CAP-01-1", {"value": "yes"})
    assert reply.status_code == 403
    assert reply.json()["status"] == "forbidden"
    assert not Answer.objects.filter(response=world.response_a, question="CAP-01-1").exists()


def test_an_unknown_question_is_not_found(world, client):
    client.force_login(world.user("coordinator_a"))
    assert post_answer(client, world.response_a, "NOPE-1", {"value": "yes"}).status_code == 404


def test_plain_form_post_saves_and_returns_to_the_question(world, client):
    client.force_login(world.user("coordinator_a"))
    reply = client.post(
        f"/responses/{world.response_a.pk}/answer/POL-06-1/", {"value": "1", "base_version": "0"}
    )
    assert reply.status_code == 302
    assert reply["Location"].endswith("/policy/#q-POL-06-1")
    assert Answer.objects.get(response=world.response_a, question="POL-06-1").value == 1


def test_a_decimal_count_is_refused_in_thai_and_the_input_steps_by_one(world, client):
    client.force_login(world.user("coordinator_a"))
    reply = post_answer(client, world.response_a, "POL-04-2", {"value": "7.3"})
    assert reply.status_code == 400
    assert reply.json()["message"] == "ข้อนี้นับเป็นจำนวนเต็ม: โปรดกรอกจำนวนเต็มโดยไม่มีทศนิยม"
    page = client.get(f"/responses/{world.response_a.pk}/question/POL-04-2/").content.decode()
    assert 'step="1" inputmode="numeric"' in page and "จำนวนเต็ม" in page
    bandwidth = client.get(f"/responses/{world.response_a.pk}/question/INF-06-1/").content.decode()
    assert 'step="any" inputmode="decimal"' in bandwidth
