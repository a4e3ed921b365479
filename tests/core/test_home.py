"""The front page tells each role what to do next, and shows nothing they cannot open."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from phrom.frameworks.deadlines import end_of_day
from phrom.frameworks.models import Cycle, CycleStatus
from phrom.frameworks.services import deadline_extend_for_agency
from phrom.responses.models import Answer, Response, ResponseStatus
from phrom.responses.selectors import missing_items
from phrom.responses.services import response_submit
from tests.conftest import in_english
from tests.responses.helpers import complete_response

STAFF = ["administrator", "lead_reviewer", "reviewer", "executive"]


def home(client, user, *, english: bool = True) -> str:
    if english:
        in_english(client)
    client.force_login(user)
    reply = client.get("/")
    assert reply.status_code == 200
    return reply.content.decode()


def set_deadline(cycle, days_from_today: int) -> None:
    day = timezone.localdate() + dt.timedelta(days=days_from_today)
    Cycle.objects.filter(pk=cycle.pk).update(deadline=end_of_day(day))
    cycle.refresh_from_db()


def primary(page: str) -> list[str]:
    """The primary buttons of the page: (href, text)."""
    return re.findall(r'<a class="home-primary" href="([^"]+)">', page)


# --- coordinator -------------------------------------------------------------------------


def test_coordinators_home_shows_completion_missing_evidence_and_days_left(world, client):
    set_deadline(world.cycle, 12)
    required = sum(1 for m in missing_items(response=world.response_a) if m.kind == "answer")
    page = home(client, world.user("coordinator_a"))
    assert f"0 of {required}" in page
    assert "Required evidence missing" in page
    assert "12 days left" in page
    assert "In progress" not in page.split("Your agency")[1].split("</section>")[0]


def test_coordinators_one_button_continues_at_the_first_unanswered_question(world, client):
    first = missing_items(response=world.response_a)[0]
    buttons = primary(home(client, world.user("coordinator_a")))
    assert buttons == [
        f"/responses/{world.response_a.pk}/{first.dimension.code}/#q-{first.question.code}"
    ]


def test_the_button_moves_on_as_questions_are_answered(world, client):
    coordinator = world.user("coordinator_a")
    complete_response(world.response_a, coordinator)
    # Undo one answer of the last dimension: the button now goes there.
    spec = world.cycle.framework.spec()
    last = spec.dimensions[-1]
    code = next(q.code for i in last.indicators for q in i.questions if q.required
                and q.condition is None and q.type.value != "file")
    Answer.objects.filter(response=world.response_a, question=code).delete()
    buttons = primary(home(client, coordinator))
    assert buttons == [f"/responses/{world.response_a.pk}/{last.code}/#q-{code}"]


def test_a_complete_response_offers_to_submit(world, client):
    coordinator = world.user("coordinator_a")
    complete_response(world.response_a, coordinator)
    page = home(client, coordinator)
    assert primary(page) == [f"/responses/{world.response_a.pk}/submit/"]
    assert "Review and submit" in page
    assert "Required evidence missing</dt><dd>0</dd>" in page


def test_after_submission_the_home_shows_the_receipt(world, client):
    coordinator = world.user("coordinator_a")
    complete_response(world.response_a, coordinator)
    response_submit(response=world.response_a, by=coordinator)
    page = home(client, coordinator)
    assert "Submitted on" in page and "The answers are locked" in page
    assert "receipt was sent by e-mail" in page
    assert primary(page) == [f"/responses/{world.response_a.pk}/submit/"]
    assert "Review and submit" not in page and "Continue:" not in page


def test_an_overdue_response_says_so_without_a_button_to_continue(world, client):
    set_deadline(world.cycle, -3)
    page = home(client, world.user("coordinator_a"))
    assert "3 days past the deadline" in page
    assert "survey administrators can extend" in page
    assert primary(page) == []


def test_an_extension_is_shown_with_the_days_it_gives(world, client):
    set_deadline(world.cycle, -1)
    deadline_extend_for_agency(
        cycle=world.cycle, agency=world.agency_a,
        deadline=end_of_day(timezone.localdate() + dt.timedelta(days=4)),
        reason="น้ำท่วมสำนักงาน", by=world.user("administrator"),
    )
    page = home(client, world.user("coordinator_a"))
    assert "4 days left" in page and "extended for your agency" in page
    assert len(primary(page)) == 1


def test_an_agency_not_yet_started_is_offered_to_start(world, client):
    world.response_a.delete()
    page = home(client, world.user("coordinator_a"))
    assert primary(page) == ["/responses/"]
    assert "Start answering" in page
    assert not Response.objects.filter(agency=world.agency_a).exists()  # a GET writes nothing


def test_another_agencys_response_never_appears_on_a_coordinators_home(world, client):
    complete_response(world.response_b, world.user("coordinator_b"))
    page = home(client, world.user("coordinator_a"))
    assert f"/responses/{world.response_b.pk}/" not in page
    assert world.agency_b.name_en not in page and world.agency_b.name_th not in page
    assert f"/responses/{world.response_a.pk}/" in page
    assert "/cycles/" not in page.split("</header>")[1]


def test_the_home_is_thai_by_default(world, client):
    page = home(client, world.user("coordinator_a"), english=False)
    assert "แบบสำรวจของหน่วยงานท่าน" in page
    assert "ทำต่อ" in page


# --- respondent --------------------------------------------------------------------------


def test_respondents_home_counts_only_their_dimensions(world, client):
    page = home(client, world.user("respondent_a"))
    spec = world.cycle.framework.spec()
    policy = next(d for d in spec.dimensions if d.code == "policy")
    required = sum(
        1 for m in missing_items(response=world.response_a)
        if m.kind == "answer" and m.dimension.code == "policy"
    )
    assert f"0 of {required}" in page and "Your required answers" in page
    assert policy.name.en in page
    others = [d.name.en for d in spec.dimensions if d.code != "policy"]
    assert not any(name in page for name in others)
    assert primary(page)[0].startswith(f"/responses/{world.response_a.pk}/policy/#q-")


def test_a_respondent_whose_part_is_done_is_told_the_coordinator_submits(world, client):
    respondent = world.user("respondent_a")
    complete_response(world.response_a, world.user("coordinator_a"))
    page = home(client, respondent)
    assert "coordinator submits" in page
    assert primary(page) == []
    assert "Review and submit" not in page


# --- staff -------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", STAFF)
def test_staff_homes_link_to_every_agencys_responses_and_results(world, client, persona):
    page = home(client, world.user(persona))
    assert 'href="/responses/"' in page
    assert f'href="/results/{world.cycle.code}/"' in page
    assert "Agencies asked" in page


@pytest.mark.parametrize(("persona", "watches"), [
    ("administrator", True), ("executive", True), ("lead_reviewer", False), ("reviewer", False),
])
def test_only_those_who_may_watch_cycles_get_the_progress_links(world, client, persona, watches):
    main = home(client, world.user(persona)).split("</header>")[1]
    assert ('href="/cycles/"' in main) is watches
    assert (f'href="/cycles/{world.cycle.code}/"' in main) is watches


def test_staff_see_submitted_in_progress_and_not_started_counts(world, client):
    complete_response(world.response_a, world.user("coordinator_a"))
    response_submit(response=world.response_a, by=world.user("coordinator_a"))
    Response.objects.filter(pk=world.response_b.pk).update(status=ResponseStatus.IN_PROGRESS)
    page = home(client, world.user("reviewer"))
    code = world.cycle.code
    assert f'?cycle={code}&amp;status=submitted">1</a>' in page
    assert f'?cycle={code}&amp;status=in_progress">1</a>' in page
    assert f'?cycle={code}&amp;status=not_started">0</a>' in page


def test_staff_home_queries_do_not_grow_with_the_agencies(world, client,
                                                          django_assert_max_num_queries):
    from phrom.agencies.models import Agency

    in_english(client).force_login(world.user("executive"))
    with django_assert_max_num_queries(12):
        client.get("/")
    Agency.objects.bulk_create(
        Agency(code=f"x{i}", name_th=f"กรม {i}", kind="department", group="service")
        for i in range(200)
    )
    with django_assert_max_num_queries(12):
        assert "Agencies asked</dt><dd>202</dd>" in client.get("/").content.decode()


def test_agency_members_get_no_staff_counts(world, client):
    page = home(client, world.user("coordinator_a"))
    assert "Agencies asked" not in page and "Every agency" not in page


# --- no role -----------------------------------------------------------------------------


def test_someone_without_a_role_is_told_whom_to_ask(world, client):
    page = home(client, world.user("outsider"))
    assert "no role yet" in page
    assert "coordinator to invite you" in page and "survey administrators" in page
    assert "/responses/" not in page and primary(page) == []


def test_a_visitor_is_offered_to_sign_in(world, client):
    page = in_english(client).get("/").content.decode()
    assert "to answer for your agency" in page
    assert "/responses/" not in page


def test_no_open_cycle_says_so_to_an_agency_member(world, client):
    Cycle.objects.filter(pk=world.cycle.pk).update(status=CycleStatus.CLOSED)
    page = home(client, world.user("coordinator_a"))
    assert "No assessment cycle is open" in page
    assert primary(page) == []
