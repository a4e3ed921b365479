"""The cycle lifecycle, the deadline and reopening a submitted response.

Services are exercised directly, then through the administrators' forms on the progress
page. Personas come from the ``world`` fixture (one open th-2564 cycle, agencies A and B).
"""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import override

from phrom.frameworks.models import Cycle, CycleStatus
from phrom.frameworks.services import (
    CYCLE_TRANSITIONS,
    LifecycleRefused,
    cycle_set_deadline,
    cycle_set_status,
    response_reopen,
)
from phrom.responses.models import AnswerChange, ChangeKind, Response, ResponseStatus
from tests.conftest import in_english

pytestmark = pytest.mark.django_db

BANGKOK = zoneinfo.ZoneInfo("Asia/Bangkok")
ALLOWED = {
    ("draft", "open"),
    ("open", "closed"),
    ("closed", "open"),
    ("closed", "in_review"),
    ("in_review", "published"),
}
REFUSED = sorted(
    (a, b) for a, b in itertools.product(CycleStatus.values, repeat=2) if (a, b) not in ALLOWED
)
NOT_ADMINISTRATORS = [
    "lead_reviewer", "reviewer", "executive", "coordinator_a", "respondent_a", "coordinator_b",
    "outsider",
]


def put(cycle: Cycle, status: str) -> Cycle:
    """Force a cycle into STATUS for a test's starting point (not through the service)."""
    Cycle.objects.filter(pk=cycle.pk).update(status=status)
    cycle.refresh_from_db()
    return cycle


def submitted(response: Response) -> Response:
    Response.objects.filter(pk=response.pk).update(
        status=ResponseStatus.SUBMITTED, submitted_at=timezone.now()
    )
    response.refresh_from_db()
    return response


def status_of(obj: Cycle | Response) -> str:
    return type(obj).objects.values_list("status", flat=True).get(pk=obj.pk)


# --- cycle status ---------------------------------------------------------------------------


def test_the_transition_table_is_exactly_the_documented_lifecycle():
    table = {(a, b) for a, targets in CYCLE_TRANSITIONS.items() for b in targets}
    assert table == ALLOWED


def test_administrator_takes_a_cycle_from_draft_to_published(world):
    from phrom.responses.models import Response

    cycle = put(world.cycle, "draft")
    admin = world.user("administrator")
    for status in ("open", "closed", "in_review", "published"):
        if status == "closed":  # a cycle publishes results: one response submitted
            Response.objects.filter(pk=world.response_a.pk).update(status="submitted")
        returned = cycle_set_status(cycle=cycle, status=status, by=admin,
                                    override_reason="not signed off: a test")
        assert returned.status == status
        assert cycle.status == status
        assert status_of(cycle) == status


def test_administrator_opens_a_closed_cycle_again_to_extend_it(world):
    cycle = put(world.cycle, "closed")
    cycle_set_status(cycle=cycle, status="open", by=world.user("administrator"))
    assert status_of(cycle) == "open"


@pytest.mark.parametrize(("current", "wanted"), REFUSED)
def test_a_move_outside_the_lifecycle_is_refused_and_changes_nothing(world, current, wanted):
    cycle = put(world.cycle, current)
    with override("en"):
        with pytest.raises(LifecycleRefused) as refused:
            cycle_set_status(cycle=cycle, status=wanted, by=world.user("administrator"))
        labels = str(CycleStatus(current).label), str(CycleStatus(wanted).label)
    message = str(refused.value)
    assert "th-2564" in message
    assert f"is “{labels[0]}” and cannot become “{labels[1]}”" in message
    assert status_of(cycle) == current


def test_the_refusal_says_where_the_cycle_can_go_instead(world):
    cycle = put(world.cycle, "closed")
    with override("en"), pytest.raises(LifecycleRefused) as refused:
        cycle_set_status(cycle=cycle, status="published", by=world.user("administrator"))
    assert "“Open”" in str(refused.value)
    assert "“In review”" in str(refused.value)


def test_the_refusal_is_in_thai_for_thai_readers(world):
    cycle = put(world.cycle, "published")
    with override("th"), pytest.raises(LifecycleRefused) as refused:
        cycle_set_status(cycle=cycle, status="open", by=world.user("administrator"))
    assert "เผยแพร่" in str(refused.value)


def test_an_unknown_status_is_refused(world):
    with pytest.raises(LifecycleRefused):
        cycle_set_status(cycle=world.cycle, status="archived", by=world.user("administrator"))
    assert status_of(world.cycle) == "open"


def test_the_lifecycle_follows_the_stored_status_not_a_stale_copy(world):
    stale = Cycle.objects.get(pk=world.cycle.pk)  # open
    put(world.cycle, "closed")
    cycle_set_status(cycle=stale, status="in_review", by=world.user("administrator"))
    assert status_of(world.cycle) == "in_review"


@pytest.mark.parametrize("persona", NOT_ADMINISTRATORS)
def test_only_an_administrator_changes_a_cycle_status(world, persona):
    with pytest.raises(PermissionDenied):
        cycle_set_status(cycle=world.cycle, status="closed", by=world.user(persona))
    assert status_of(world.cycle) == "open"


# --- deadline -------------------------------------------------------------------------------


def test_administrator_sets_and_clears_the_deadline(world):
    deadline = dt.datetime(2021, 11, 25, 23, 59, 59, tzinfo=BANGKOK)
    cycle_set_deadline(cycle=world.cycle, deadline=deadline, by=world.user("administrator"))
    assert Cycle.objects.get(pk=world.cycle.pk).deadline == deadline
    cycle_set_deadline(cycle=world.cycle, deadline=None, by=world.user("administrator"))
    assert Cycle.objects.get(pk=world.cycle.pk).deadline is None


def test_a_deadline_without_a_time_zone_is_read_as_bangkok_time(world):
    cycle_set_deadline(
        cycle=world.cycle, deadline=dt.datetime(2021, 11, 25, 17, 0), by=world.user("administrator")
    )
    stored = Cycle.objects.get(pk=world.cycle.pk).deadline
    assert stored == dt.datetime(2021, 11, 25, 10, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize("status", ["draft", "open", "closed"])
def test_the_deadline_can_change_until_the_review_starts(world, status):
    cycle = put(world.cycle, status)
    deadline = dt.datetime(2021, 12, 1, 23, 59, tzinfo=BANGKOK)
    cycle_set_deadline(cycle=cycle, deadline=deadline, by=world.user("administrator"))
    assert Cycle.objects.get(pk=cycle.pk).deadline == deadline


@pytest.mark.parametrize("status", ["in_review", "published"])
def test_the_deadline_is_fixed_once_the_review_starts(world, status):
    cycle = put(world.cycle, status)
    with pytest.raises(LifecycleRefused):
        cycle_set_deadline(
            cycle=cycle,
            deadline=dt.datetime(2021, 12, 1, tzinfo=BANGKOK),
            by=world.user("administrator"),
        )
    assert Cycle.objects.get(pk=cycle.pk).deadline is None


@pytest.mark.parametrize("persona", NOT_ADMINISTRATORS)
def test_only_an_administrator_sets_the_deadline(world, persona):
    with pytest.raises(PermissionDenied):
        cycle_set_deadline(
            cycle=world.cycle, deadline=dt.datetime(2021, 12, 1, tzinfo=BANGKOK),
            by=world.user(persona),
        )
    assert Cycle.objects.get(pk=world.cycle.pk).deadline is None


# --- reopening a submitted response ---------------------------------------------------------


def test_administrator_reopens_a_submitted_response_and_the_reason_is_kept(world):
    response = submitted(world.response_a)
    admin = world.user("administrator")
    returned = response_reopen(response=response, reason="  Wrong evidence file  ", by=admin)
    assert returned.status == ResponseStatus.IN_PROGRESS
    assert response.status == ResponseStatus.IN_PROGRESS
    stored = Response.objects.get(pk=response.pk)
    assert stored.status == ResponseStatus.IN_PROGRESS
    assert stored.submitted_at is None
    change = AnswerChange.objects.get(response=response)
    assert change.kind == ChangeKind.REOPENED
    assert change.reason == "Wrong evidence file"
    assert change.by == admin
    assert (change.old_value, change.new_value) == ("submitted", "in_progress")


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_reopening_without_a_reason_is_refused(world, reason):
    response = submitted(world.response_a)
    with override("en"), pytest.raises(LifecycleRefused, match="reason"):
        response_reopen(response=response, reason=reason, by=world.user("administrator"))
    assert status_of(response) == "submitted"
    assert not AnswerChange.objects.filter(response=response).exists()


def test_reopening_on_a_closed_cycle_says_the_cycle_is_closed(world):
    response = submitted(world.response_a)
    put(world.cycle, "closed")
    with override("en"), pytest.raises(LifecycleRefused) as refused:
        response_reopen(response=response, reason="Typo", by=world.user("administrator"))
    assert "closed" in str(refused.value)
    assert "open it again" in str(refused.value)
    assert status_of(response) == "submitted"
    assert not AnswerChange.objects.filter(response=response).exists()


@pytest.mark.parametrize("status", ["draft", "in_review", "published"])
def test_reopening_is_refused_unless_the_cycle_is_open(world, status):
    response = submitted(world.response_a)
    put(world.cycle, status)
    with pytest.raises(LifecycleRefused):
        response_reopen(response=response, reason="Typo", by=world.user("administrator"))
    assert status_of(response) == "submitted"


@pytest.mark.parametrize("status", ["not_started", "in_progress"])
def test_a_response_that_is_not_submitted_cannot_be_reopened(world, status):
    Response.objects.filter(pk=world.response_a.pk).update(status=status)
    world.response_a.refresh_from_db()
    with pytest.raises(LifecycleRefused):
        response_reopen(response=world.response_a, reason="Typo", by=world.user("administrator"))
    assert not AnswerChange.objects.exists()


@pytest.mark.parametrize("persona", NOT_ADMINISTRATORS)
def test_only_an_administrator_reopens_a_response(world, persona):
    response = submitted(world.response_a)
    with pytest.raises(PermissionDenied):
        response_reopen(response=response, reason="Please", by=world.user(persona))
    assert status_of(response) == "submitted"
    assert not AnswerChange.objects.exists()


# --- the same actions through the progress page ---------------------------------------------


def test_administrator_closes_the_cycle_from_the_progress_page(world, client):
    client.force_login(world.user("administrator"))
    page = client.post(
        "/cycles/th-2564/status/", {"status": "closed", "confirm": "yes"}, follow=True
    )
    assert page.redirect_chain == [("/cycles/th-2564/", 302)]
    assert status_of(world.cycle) == "closed"
    assert "th-2564" in page.content.decode()


def test_the_progress_page_offers_only_the_allowed_next_states(world, client):
    client.force_login(world.user("administrator"))
    put(world.cycle, "closed")
    html = client.get("/cycles/th-2564/").content.decode()
    buttons = [v for v in CycleStatus.values if f'name="status" value="{v}"' in html]
    assert buttons == ["open", "in_review"]


def test_a_published_cycle_offers_no_status_change(world, client):
    client.force_login(world.user("administrator"))
    put(world.cycle, "published")
    html = client.get("/cycles/th-2564/").content.decode()
    assert 'name="status"' not in html


def test_posting_a_status_outside_the_lifecycle_shows_an_error(world, client):
    client.force_login(world.user("administrator"))
    page = client.post("/cycles/th-2564/status/", {"status": "published"})
    assert page.status_code == 400
    assert 'role="alert"' in page.content.decode()
    assert status_of(world.cycle) == "open"


def _in_days(days):
    return timezone.localdate() + dt.timedelta(days=days)


def test_administrator_types_the_deadline_in_the_buddhist_era(world, client):
    day = _in_days(30)
    client.force_login(world.user("administrator"))
    page = client.post(
        "/cycles/th-2564/deadline/",
        {"deadline": f"{day.day}/{day.month}/{day.year + 543}"},
        follow=True,
    )
    stored = Cycle.objects.get(pk=world.cycle.pk).deadline
    assert stored == dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=BANGKOK)
    html = page.content.decode()
    assert f"{day.year + 543} เวลา 23:59 น." in html
    assert f'value="{day:%d/%m}/{day.year + 543}"' in html  # the field shows it in B.E.


def test_a_deadline_sent_as_an_iso_date_is_read_in_the_common_era(world, client):
    day = _in_days(1)
    client.force_login(world.user("administrator"))
    client.post("/cycles/th-2564/deadline/", {"deadline": day.isoformat()})
    assert Cycle.objects.get(pk=world.cycle.pk).deadline.date() == day


def test_a_new_deadline_in_the_past_is_refused_with_a_message(world, client):
    yesterday = _in_days(-1)
    client.force_login(world.user("administrator"))
    page = client.post(
        "/cycles/th-2564/deadline/",
        {"deadline": f"{yesterday:%d/%m}/{yesterday.year + 543}"},
        HTTP_ACCEPT_LANGUAGE="th",
    )
    assert page.status_code == 400
    html = page.content.decode()
    assert "กำหนดส่งใหม่ต้องไม่เป็นวันที่ผ่านมาแล้ว" in html
    assert 'aria-invalid="true"' in html
    assert Cycle.objects.get(pk=world.cycle.pk).deadline is None


def test_today_is_a_deadline_that_may_be_set(world, client):
    client.force_login(world.user("administrator"))
    client.post("/cycles/th-2564/deadline/", {"deadline": timezone.localdate().isoformat()})
    assert Cycle.objects.get(pk=world.cycle.pk).deadline.date() == timezone.localdate()


def test_a_deadline_that_is_not_a_date_is_refused_on_the_page(world, client):
    client.force_login(world.user("administrator"))
    page = client.post("/cycles/th-2564/deadline/", {"deadline": "25/13/2564"})
    assert page.status_code == 400
    assert 'aria-invalid="true"' in page.content.decode()
    assert Cycle.objects.get(pk=world.cycle.pk).deadline is None


def test_administrator_reopens_a_response_from_the_page_with_a_reason(world, client):
    response = submitted(world.response_a)
    client.force_login(world.user("administrator"))
    html = client.get("/cycles/th-2564/").content.decode()
    # The form asks for the agency (typed, with suggestions), not a list of every response.
    assert 'id="id_reopen_agency"' in html and 'list="id_reopen_agency-suggestions"' in html
    page = client.post(
        "/cycles/th-2564/reopen/", {"agency": response.agency.code, "reason": "Evidence is a slide"}
    )
    assert page.status_code == 302
    assert status_of(response) == "in_progress"
    assert AnswerChange.objects.get(response=response).reason == "Evidence is a slide"


def test_reopening_from_the_page_without_a_reason_keeps_the_response_submitted(world, client):
    response = submitted(world.response_a)
    client.force_login(world.user("administrator"))
    page = in_english(client).post(
        "/cycles/th-2564/reopen/", {"agency": response.agency.code, "reason": " "})
    assert page.status_code == 400
    assert "Give a reason" in page.content.decode()
    assert status_of(response) == "submitted"


def test_reopening_from_the_page_on_a_closed_cycle_says_so(world, client):
    response = submitted(world.response_a)
    put(world.cycle, "closed")
    client.force_login(world.user("administrator"))
    page = in_english(client).post(
        "/cycles/th-2564/reopen/", {"agency": response.agency.code, "reason": "Typo"})
    assert page.status_code == 400
    assert "is closed" in page.content.decode()
    assert status_of(response) == "submitted"


def test_a_response_that_is_not_submitted_is_not_offered_for_reopening(world, client):
    client.force_login(world.user("administrator"))
    page = client.post(
        "/cycles/th-2564/reopen/", {"agency": world.agency_b.code, "reason": "Typo"}
    )
    assert page.status_code == 400
    assert "ไม่มีหน่วยงานที่ส่งคำตอบแล้วในรอบนี้ซึ่งมีรหัสหรือชื่อ" in page.content.decode()
    assert status_of(world.response_b) == "not_started"


def test_without_a_submitted_response_the_page_offers_no_reopening(world, client):
    client.force_login(world.user("administrator"))
    html = in_english(client).get("/cycles/th-2564/").content.decode()
    assert "No response has been submitted yet." in html
    assert 'id="id_reopen_agency"' not in html


def test_executive_watching_the_page_cannot_close_the_cycle(world, client):
    client.force_login(world.user("executive"))
    reply = client.post("/cycles/th-2564/status/", {"status": "closed", "confirm": "yes"})
    assert reply.status_code == 403
    assert status_of(world.cycle) == "open"


# --- reloading the framework along the lifecycle ------------------------------------------


def test_a_framework_reload_waits_for_a_closed_cycle_to_be_opened_again(world, tmp_path):
    from phrom.frameworks.errors import FrameworkRejected
    from phrom.frameworks.services import load_framework
    from tests.conftest import FRAMEWORKS, write

    administrator = world.user("administrator")
    revised = write(tmp_path / "th-2564.yaml",
                    (FRAMEWORKS / "th-2564.yaml").read_text(encoding="utf-8") + "\n# revised\n")
    cycle_set_status(cycle=world.cycle, status=CycleStatus.CLOSED, by=administrator)

    with pytest.raises(FrameworkRejected, match="cycle th-2564 is closed"):
        load_framework(path=revised)
    cycle_set_status(cycle=world.cycle, status=CycleStatus.OPEN, by=administrator)
    load_framework(path=revised)

    assert Cycle.objects.get(pk=world.cycle.pk).framework.source.endswith("# revised\n")
    cycle_set_status(cycle=world.cycle, status=CycleStatus.CLOSED, by=administrator)
    cycle_set_status(cycle=world.cycle, status=CycleStatus.IN_REVIEW, by=administrator)
    with pytest.raises(FrameworkRejected, match="cycle th-2564 is in review"):
        load_framework(path=FRAMEWORKS / "th-2564.yaml")


def test_a_cycle_nobody_submitted_to_is_not_published(world):
    cycle = put(world.cycle, "in_review")
    with override("en"), pytest.raises(LifecycleRefused, match="no response was submitted"):
        cycle_set_status(cycle=cycle, status="published", by=world.user("administrator"),
                         override_reason="a reason does not make results")
    assert status_of(cycle) == "in_review"
