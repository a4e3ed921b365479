"""Deadlines kept on the server: saves, evidence and submission end with the agency's day;
administrators move the cycle's deadline or extend one agency's, both in the history."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from phrom.frameworks.deadlines import (
    Block,
    agency_deadline,
    change_block,
    end_of_day,
    has_passed,
)
from phrom.frameworks.models import Cycle, DeadlineChange
from phrom.frameworks.services import (
    LifecycleRefused,
    cycle_set_deadline,
    deadline_extend_for_agency,
)
from phrom.responses.evidence import EvidenceRejected, evidence_add_url, evidence_remove
from phrom.responses.models import AnswerChange, ChangeKind, Evidence, Response, ResponseStatus
from phrom.responses.services import ResponseLocked, response_submit
from tests.conftest import in_english
from tests.responses.helpers import complete_response, post_answer

pytestmark = pytest.mark.django_db

BANGKOK = ZoneInfo("Asia/Bangkok")
LAST_DAY = dt.date(2026, 12, 31)


def _local_today() -> dt.date:
    return timezone.localdate()


def set_deadline(cycle, day: dt.date) -> None:
    """The cycle's deadline set directly, past days included (the form refuses those)."""
    Cycle.objects.filter(pk=cycle.pk).update(deadline=end_of_day(day))
    cycle.refresh_from_db()


def passed(world) -> None:
    set_deadline(world.cycle, _local_today() - dt.timedelta(days=1))


def fresh(response) -> Response:
    return Response.objects.select_related("cycle").get(pk=response.pk)


# --- the one rule, at the boundary ------------------------------------------------------------


def test_a_response_may_change_until_the_last_second_of_the_deadline_day_in_bangkok(world):
    set_deadline(world.cycle, LAST_DAY)
    last_second = dt.datetime(2026, 12, 31, 23, 59, 59, tzinfo=BANGKOK)
    assert change_block(fresh(world.response_a), at=last_second) is None


def test_a_response_is_closed_from_midnight_after_the_deadline_day_in_bangkok(world):
    set_deadline(world.cycle, LAST_DAY)
    midnight = dt.datetime(2027, 1, 1, 0, 0, 0, tzinfo=BANGKOK)
    blocked = change_block(fresh(world.response_a), at=midnight)
    assert blocked is not None and blocked.block is Block.DEADLINE_PASSED


def test_the_day_is_bangkoks_even_for_a_moment_given_in_utc(world):
    set_deadline(world.cycle, LAST_DAY)
    # 17:00 UTC on the 31st is already midnight of 1 January in Bangkok (UTC+7)
    assert not has_passed(world.cycle.deadline, dt.datetime(2026, 12, 31, 16, 59, 59, tzinfo=dt.UTC))
    assert has_passed(world.cycle.deadline, dt.datetime(2026, 12, 31, 17, 0, 0, tzinfo=dt.UTC))


def test_a_deadline_stored_at_any_time_of_day_lasts_to_the_end_of_that_day(world):
    Cycle.objects.filter(pk=world.cycle.pk).update(
        deadline=dt.datetime(2026, 12, 31, 9, 0, tzinfo=BANGKOK)
    )
    response = fresh(world.response_a)
    assert change_block(response, at=dt.datetime(2026, 12, 31, 23, 0, tzinfo=BANGKOK)) is None


def test_a_cycle_without_a_deadline_never_closes_by_date(world):
    far = dt.datetime(2100, 1, 1, tzinfo=BANGKOK)
    assert change_block(fresh(world.response_a), at=far) is None


def test_submitted_and_closed_are_said_before_the_deadline(world):
    passed(world)
    Response.objects.filter(pk=world.response_a.pk).update(status=ResponseStatus.SUBMITTED)
    assert change_block(fresh(world.response_a)).block is Block.SUBMITTED
    Cycle.objects.filter(pk=world.cycle.pk).update(status="closed")
    assert change_block(fresh(world.response_b)).block is Block.CYCLE_NOT_OPEN


# --- saves, evidence and submission after the deadline --------------------------------------


def test_an_autosave_after_the_deadline_is_refused_saying_who_can_extend_it(world, client):
    passed(world)
    client.force_login(world.user("coordinator_a"))
    reply = post_answer(client, world.response_a, "POL-02-1", {"value": "yes"})
    assert reply.status_code == 423
    body = reply.json()
    assert body["status"] == "locked"
    assert "กำหนดส่ง" in body["message"] and "ผู้ดูแลการสำรวจ" in body["message"]
    assert not AnswerChange.objects.filter(response=world.response_a).exists()


def test_the_refusal_is_in_english_for_english_readers(world, client):
    passed(world)
    in_english(client).force_login(world.user("coordinator_a"))
    message = post_answer(client, world.response_a, "POL-02-1", {"value": "yes"}).json()["message"]
    assert "deadline" in message and "survey administrators" in message
    assert "extend" in message


def test_a_save_on_the_last_day_is_accepted(world, client):
    set_deadline(world.cycle, _local_today())
    client.force_login(world.user("coordinator_a"))
    assert post_answer(client, world.response_a, "POL-02-1", {"value": "yes"}).status_code == 200


def test_evidence_cannot_be_added_or_removed_after_the_deadline(world, client):
    item = Evidence.objects.create(response=world.response_a, question="POL-02-1",
                                   url="https://example.go.th/old.pdf")
    passed(world)
    coordinator = world.user("coordinator_a")
    with pytest.raises(EvidenceRejected) as caught:
        evidence_add_url(response=world.response_a, question="POL-02-1",
                         url="https://example.go.th/late.pdf", by=coordinator)
    assert "ผู้ดูแลการสำรวจ" in str(caught.value.message)
    with pytest.raises(EvidenceRejected):
        evidence_remove(evidence=item, by=coordinator)
    client.force_login(coordinator)
    reply = client.post(
        f"/responses/{world.response_a.pk}/questions/POL-02-1/evidence/url",
        {"url": "https://example.go.th/late.pdf"},
    )
    assert reply.status_code == 423  # as answer saves answer
    assert "ผู้ดูแลการสำรวจ" in reply.content.decode()
    item.refresh_from_db()
    assert item.removed_at is None
    assert Evidence.objects.filter(response=world.response_a).count() == 1


def test_a_complete_response_cannot_be_submitted_after_the_deadline(world, client):
    coordinator = world.user("coordinator_a")
    complete_response(world.response_a, coordinator)
    passed(world)
    with pytest.raises(ResponseLocked):
        response_submit(response=world.response_a, by=coordinator)
    client.force_login(coordinator)
    reply = client.post(f"/responses/{world.response_a.pk}/submit/", {"confirm": "yes"})
    assert reply.status_code == 400
    assert "ผู้ดูแลการสำรวจ" in reply.content.decode()
    assert fresh(world.response_a).status != ResponseStatus.SUBMITTED


def test_the_questionnaire_says_the_deadline_passed_and_is_read_only(world, client):
    passed(world)
    client.force_login(world.user("coordinator_a"))
    page = client.get(f"/responses/{world.response_a.pk}/").content.decode()
    assert 'class="qn-locked"' in page and "ผู้ดูแลการสำรวจ" in page
    assert "data-editable" not in page


def test_the_agencys_home_says_how_many_days_it_is_overdue(world, client):
    set_deadline(world.cycle, _local_today() - dt.timedelta(days=3))
    in_english(client).force_login(world.user("respondent_a"))
    page = client.get("/").content.decode()
    assert "3 days past the deadline" in page
    assert "survey administrators can extend" in page


def test_the_agencys_home_counts_the_days_left(world, client):
    set_deadline(world.cycle, _local_today() + dt.timedelta(days=5))
    in_english(client).force_login(world.user("coordinator_a"))
    assert "5 days left" in client.get("/").content.decode()


# --- extensions --------------------------------------------------------------------------------


def test_an_agency_given_an_extension_may_answer_while_others_may_not(world, client):
    passed(world)
    deadline_extend_for_agency(
        cycle=world.cycle, agency=world.agency_a, deadline=end_of_day(_local_today()),
        reason="น้ำท่วมสำนักงาน", by=world.user("administrator"),
    )
    client.force_login(world.user("coordinator_a"))
    assert post_answer(client, world.response_a, "POL-02-1", {"value": "yes"}).status_code == 200
    client.force_login(world.user("coordinator_b"))
    assert post_answer(client, world.response_b, "POL-02-1", {"value": "yes"}).status_code == 423


def test_an_extension_is_kept_with_its_reason_in_the_agencys_history(world):
    set_deadline(world.cycle, _local_today())
    later = end_of_day(_local_today() + dt.timedelta(days=10))
    administrator = world.user("administrator")
    deadline_extend_for_agency(cycle=world.cycle, agency=world.agency_a, deadline=later,
                               reason="ระบบไฟฟ้าขัดข้อง", by=administrator)
    change = AnswerChange.objects.get(response=world.response_a, kind=ChangeKind.DEADLINE_CHANGED)
    assert change.reason == "ระบบไฟฟ้าขัดข้อง" and change.by == administrator
    assert change.new_value == (_local_today() + dt.timedelta(days=10)).isoformat()
    assert not AnswerChange.objects.filter(response=world.response_b).exists()
    assert agency_deadline(cycle=world.cycle, agency_id=world.agency_a.pk) == later
    assert agency_deadline(cycle=world.cycle, agency_id=world.agency_b.pk) == world.cycle.deadline


def test_a_later_cycle_deadline_wins_over_an_earlier_extension(world):
    set_deadline(world.cycle, _local_today())
    deadline_extend_for_agency(
        cycle=world.cycle, agency=world.agency_a,
        deadline=end_of_day(_local_today() + dt.timedelta(days=2)), reason="late",
        by=world.user("administrator"),
    )
    set_deadline(world.cycle, _local_today() + dt.timedelta(days=20))
    assert agency_deadline(cycle=world.cycle, agency_id=world.agency_a.pk) == world.cycle.deadline


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_extension_needs_a_reason(world, reason):
    set_deadline(world.cycle, _local_today())
    with pytest.raises(LifecycleRefused):
        deadline_extend_for_agency(
            cycle=world.cycle, agency=world.agency_a,
            deadline=end_of_day(_local_today() + dt.timedelta(days=3)), reason=reason,
            by=world.user("administrator"),
        )
    assert not DeadlineChange.objects.exists()


def test_an_extension_must_end_after_the_cycles_deadline(world):
    set_deadline(world.cycle, _local_today() + dt.timedelta(days=5))
    with pytest.raises(LifecycleRefused, match="after the cycle's deadline|หลังกำหนดส่ง"):
        deadline_extend_for_agency(
            cycle=world.cycle, agency=world.agency_a,
            deadline=end_of_day(_local_today() + dt.timedelta(days=5)), reason="x",
            by=world.user("administrator"),
        )


@pytest.mark.parametrize(
    "persona", ["executive", "reviewer", "lead_reviewer", "coordinator_a", "respondent_a"]
)
def test_only_an_administrator_extends_a_deadline(world, persona):
    set_deadline(world.cycle, _local_today())
    with pytest.raises(PermissionDenied):
        deadline_extend_for_agency(
            cycle=world.cycle, agency=world.agency_a,
            deadline=end_of_day(_local_today() + dt.timedelta(days=3)), reason="x",
            by=world.user(persona),
        )
    with pytest.raises(PermissionDenied):
        cycle_set_deadline(cycle=world.cycle, deadline=None, by=world.user(persona))


def test_moving_the_cycles_deadline_is_written_to_every_responses_history(world):
    set_deadline(world.cycle, _local_today())
    later = end_of_day(_local_today() + dt.timedelta(days=14))
    cycle_set_deadline(cycle=world.cycle, deadline=later, by=world.user("administrator"),
                       reason="ขยายให้ทุกหน่วยงาน")
    changes = AnswerChange.objects.filter(kind=ChangeKind.DEADLINE_CHANGED)
    assert {c.response_id for c in changes} == {world.response_a.pk, world.response_b.pk}
    assert {c.reason for c in changes} == {"ขยายให้ทุกหน่วยงาน"}
    record = DeadlineChange.objects.get(agency=None)
    assert record.old_deadline == end_of_day(_local_today()) and record.new_deadline == later


def test_administrator_extends_an_agency_from_the_progress_page(world, client):
    set_deadline(world.cycle, _local_today())
    client.force_login(world.user("administrator"))
    day = _local_today() + dt.timedelta(days=7)
    page = client.post(
        "/cycles/th-2564/extend/",
        {"agency": world.agency_b.code, "deadline": f"{day.day}/{day.month}/{day.year + 543}",
         "reason": "เปลี่ยนผู้ประสานงาน"},
        follow=True,
    )
    assert page.redirect_chain == [("/cycles/th-2564/", 302)]
    html = page.content.decode()
    assert "เปลี่ยนผู้ประสานงาน" in html  # listed among the extensions granted
    assert agency_deadline(cycle=world.cycle, agency_id=world.agency_b.pk) == end_of_day(day)


def test_an_extension_without_a_reason_is_refused_on_the_page(world, client):
    set_deadline(world.cycle, _local_today())
    client.force_login(world.user("administrator"))
    day = _local_today() + dt.timedelta(days=7)
    page = client.post(
        "/cycles/th-2564/extend/",
        {"agency": world.agency_b.code, "deadline": f"{day.day}/{day.month}/{day.year + 543}"},
    )
    assert page.status_code == 400
    assert "เหตุผล" in page.content.decode()  # Thai: "reason"
    assert not DeadlineChange.objects.exists()


@pytest.mark.parametrize("persona", ["executive", "reviewer", "coordinator_a", "coordinator_b"])
def test_only_an_administrator_may_post_an_extension(world, client, persona):
    set_deadline(world.cycle, _local_today())
    client.force_login(world.user(persona))
    reply = client.post(
        "/cycles/th-2564/extend/",
        {"agency": world.agency_a.code, "deadline": "31/12/2600", "reason": "x"},
    )
    assert reply.status_code == 403
    assert not DeadlineChange.objects.exists()


def test_the_extension_form_offers_only_agencies_that_have_not_submitted(world, client):
    set_deadline(world.cycle, _local_today())
    Response.objects.filter(pk=world.response_b.pk).update(status=ResponseStatus.SUBMITTED)
    client.force_login(world.user("administrator"))
    reply = client.post(
        "/cycles/th-2564/extend/",
        {"agency": world.agency_b.code, "deadline": "31/12/2600", "reason": "x"},
    )
    assert reply.status_code == 400
    assert "No agency still answering this cycle has the code or name" in in_english_text(
        client, {"agency": world.agency_b.code, "deadline": "31/12/2600", "reason": "x"})
    assert not DeadlineChange.objects.exists()


def in_english_text(client, data):
    client.cookies["django_language"] = "en"
    return client.post("/cycles/th-2564/extend/", data).content.decode()


def test_an_extension_names_its_agency_by_a_part_of_its_name(world, client):
    set_deadline(world.cycle, _local_today())
    client.force_login(world.user("administrator"))
    day = _local_today() + dt.timedelta(days=7)
    data = {"deadline": f"{day.day}/{day.month}/{day.year + 543}", "reason": "x"}
    # "ทางหลวง" is in both departments' names: refused, naming both, nothing granted.
    text = in_english_text(client, {**data, "agency": "ทางหลวง"})
    assert "is in the code or name of 2 agencies" in text and "mot-doh" in text
    assert not DeadlineChange.objects.exists()
    client.post("/cycles/th-2564/extend/", {**data, "agency": "กรมทางหลวงชนบท"})
    assert DeadlineChange.objects.get().agency == world.agency_a


def test_the_progress_page_lists_no_agency_in_the_extension_form(world, client):
    set_deadline(world.cycle, _local_today())
    client.force_login(world.user("administrator"))
    page = client.get("/cycles/th-2564/").content.decode()
    form = page.split('action="/cycles/th-2564/extend/"')[1].split("</form>")[0]
    assert "<option" not in form and 'hx-get="/agencies/suggestions/"' in form


def test_the_agency_reads_its_extension_in_its_history_in_the_buddhist_era(world, client):
    set_deadline(world.cycle, _local_today())
    day = _local_today() + dt.timedelta(days=10)
    deadline_extend_for_agency(cycle=world.cycle, agency=world.agency_a, deadline=end_of_day(day),
                               reason="ระบบไฟฟ้าขัดข้อง", by=world.user("administrator"))
    client.force_login(world.user("coordinator_a"))
    page = client.get(f"/responses/{world.response_a.pk}/history/").content.decode()
    assert "เปลี่ยนกำหนดส่ง" in page and "ระบบไฟฟ้าขัดข้อง" in page
    assert str(day.year + 543) in page and day.isoformat() not in page


def test_reopening_after_the_agencys_deadline_asks_for_an_extension_first(world):
    from phrom.frameworks.services import response_reopen

    Response.objects.filter(pk=world.response_a.pk).update(status=ResponseStatus.SUBMITTED)
    passed(world)
    administrator = world.user("administrator")
    with pytest.raises(LifecycleRefused, match="extend|ขยาย"):
        response_reopen(response=world.response_a, reason="แก้หลักฐาน", by=administrator)
    assert fresh(world.response_a).status == ResponseStatus.SUBMITTED
    deadline_extend_for_agency(
        cycle=world.cycle, agency=world.agency_a, deadline=end_of_day(_local_today()),
        reason="ให้แก้หลักฐาน", by=administrator,
    )
    response_reopen(response=world.response_a, reason="แก้หลักฐาน", by=administrator)
    assert fresh(world.response_a).status == ResponseStatus.IN_PROGRESS


def test_the_submit_page_says_the_deadline_passed_instead_of_offering_to_submit(world, client):
    complete_response(world.response_a, world.user("coordinator_a"))
    passed(world)
    client.force_login(world.user("coordinator_a"))
    page = client.get(f"/responses/{world.response_a.pk}/submit/").content.decode()
    assert 'class="qn-locked"' in page and "ผู้ดูแลการสำรวจ" in page
    assert 'name="confirm"' not in page


def test_the_same_extension_given_twice_is_refused_and_kept_once(world):
    set_deadline(world.cycle, _local_today())
    later = end_of_day(_local_today() + dt.timedelta(days=10))
    administrator = world.user("administrator")
    deadline_extend_for_agency(cycle=world.cycle, agency=world.agency_a, deadline=later,
                               reason="ระบบไฟฟ้าขัดข้อง", by=administrator)

    with pytest.raises(LifecycleRefused, match="ได้รับการขยายเวลาถึง .* อยู่แล้ว"):
        with translation.override("th"):
            deadline_extend_for_agency(cycle=world.cycle, agency=world.agency_a,
                                       deadline=later - dt.timedelta(hours=3),
                                       reason="ส่งซ้ำ", by=administrator)

    assert DeadlineChange.objects.filter(agency=world.agency_a).count() == 1
    assert AnswerChange.objects.filter(
        response=world.response_a, kind=ChangeKind.DEADLINE_CHANGED).count() == 1


def test_an_extension_form_sent_twice_is_refused_on_the_page_in_thai(world, client):
    set_deadline(world.cycle, _local_today())
    client.force_login(world.user("administrator"))
    day = _local_today() + dt.timedelta(days=7)
    form = {"agency": world.agency_b.code, "deadline": f"{day.day}/{day.month}/{day.year + 543}",
            "reason": "เปลี่ยนผู้ประสานงาน"}
    assert client.post("/cycles/th-2564/extend/", form).status_code == 302

    page = client.post("/cycles/th-2564/extend/", form)

    assert page.status_code == 400
    assert "ได้รับการขยายเวลาถึง" in page.content.decode()
    assert DeadlineChange.objects.filter(agency=world.agency_b).count() == 1
