"""Response progress of a cycle: the counts, the pages that show them and who may see them."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.shortcuts import resolve_url

from phrom.agencies.models import Agency
from phrom.frameworks.models import Cycle
from phrom.frameworks.selectors import (
    StatusCounts,
    cycle_by_name,
    cycle_progress,
    days_to_deadline,
)
from phrom.frameworks.views import WAITING_SHOWN
from phrom.responses.models import Response, ResponseStatus
from tests.conftest import in_english

pytestmark = pytest.mark.django_db

BANGKOK = zoneinfo.ZoneInfo("Asia/Bangkok")
PERSONAS = [
    "anonymous", "administrator", "lead_reviewer", "reviewer", "executive", "coordinator_a",
    "respondent_a", "coordinator_b", "outsider",
]


@pytest.fixture
def small(world):
    """The persona world plus agencies of every kind, in every response state.

    Targets (7): A submitted, B not started (a row), DOPA in progress, Chiang Mai no row,
    a subdistrict administrative organisation submitted, a municipality no row, and the
    Office of the Auditor General (no ministry, no peer group) no row. Not targets: the two
    ministries and an inactive department with a submitted response.
    """
    cycle = world.cycle
    mot = world.agency_a.ministry
    moi = Agency.objects.create(code="moi", name_th="กระทรวงมหาดไทย",
                                name_en="Ministry of Interior", kind="ministry")
    dopa = Agency.objects.create(code="moi-dopa", name_th="กรมการปกครอง",
                                 name_en="Department of Provincial Administration",
                                 kind="department", ministry=moi, group="support")
    chiang_mai = Agency.objects.create(code="p-cmi", name_th="จังหวัดเชียงใหม่",
                                       name_en="Chiang Mai Province", kind="province",
                                       group="province")
    sao = Agency.objects.create(code="sao-maerim", name_th="องค์การบริหารส่วนตำบลแม่ริม",
                                kind="sao", group="local")
    Agency.objects.create(code="tm-kokha", name_th="เทศบาลตำบลเกาะคา",
                          kind="subdistrict_municipality", group="local")
    Agency.objects.create(code="oag", name_th="สำนักงานการตรวจเงินแผ่นดิน",
                          name_en="Office of the Auditor General", kind="department")
    retired = Agency.objects.create(code="mot-old", name_th="กรมเก่า", kind="department",
                                    ministry=mot, group="service", active=False)
    Response.objects.filter(pk=world.response_a.pk).update(status=ResponseStatus.SUBMITTED)
    Response.objects.create(cycle=cycle, agency=dopa, status=ResponseStatus.IN_PROGRESS)
    Response.objects.create(cycle=cycle, agency=sao, status=ResponseStatus.SUBMITTED)
    Response.objects.create(cycle=cycle, agency=retired, status=ResponseStatus.SUBMITTED)
    # Last year's submission by B and Chiang Mai does not count this year.
    previous = cycle.previous
    Response.objects.create(cycle=previous, agency=world.agency_b, status=ResponseStatus.SUBMITTED)
    Response.objects.create(cycle=previous, agency=chiang_mai, status=ResponseStatus.SUBMITTED)
    return world


def counts(row) -> tuple[int, int, int]:
    return (row.counts.submitted, row.counts.in_progress, row.counts.not_started)


# --- the selector ---------------------------------------------------------------------------


def test_overall_counts_include_agencies_without_a_response_as_not_started(small):
    progress = cycle_progress(cycle=cycle_by_name("th-2564"))
    assert progress.overall == StatusCounts(not_started=4, in_progress=1, submitted=2)
    assert progress.overall.total == 7
    assert round(progress.overall.submitted_percent, 2) == 28.57


def test_counts_by_peer_group_follow_the_frameworks_order_and_names(small):
    rows = cycle_progress(cycle=cycle_by_name("th-2564")).by_group
    assert [r.key for r in rows] == ["service", "support", "province", "local", ""]
    assert [counts(r) for r in rows] == [(1, 0, 1), (0, 1, 0), (0, 0, 1), (1, 0, 1), (0, 0, 1)]
    assert rows[0].name_th == "กรมที่ให้บริการประชาชนเป็นหลัก"
    assert rows[0].name("en") == "Departments mainly providing services"


def test_counts_by_ministry_in_thai_order_with_agencies_outside_ministries_last(small):
    rows = cycle_progress(cycle=cycle_by_name("th-2564")).by_ministry
    assert [r.name_th for r in rows] == ["กระทรวงคมนาคม", "กระทรวงมหาดไทย", ""]
    assert [counts(r) for r in rows] == [(1, 0, 1), (0, 1, 0), (1, 0, 3)]


def test_agencies_not_started_are_listed_in_thai_dictionary_order(small):
    names = [a.name_th for a in cycle_progress(cycle=cycle_by_name("th-2564")).not_started]
    # เทศบาล sorts under ท (its leading vowel is ignored first), before ส.
    assert names == ["กรมทางหลวง", "จังหวัดเชียงใหม่", "เทศบาลตำบลเกาะคา", "สำนักงานการตรวจเงินแผ่นดิน"]


def test_inactive_agencies_and_ministries_are_not_targets(small):
    progress = cycle_progress(cycle=cycle_by_name("th-2564"))
    listed = {a.code for a in progress.not_started}
    assert not listed & {"mot", "moi", "mot-old"}
    assert progress.overall.total == 7


def test_a_cycle_nobody_has_answered_counts_every_target_as_not_started(small):
    previous = cycle_by_name("th-2563")
    Response.objects.filter(cycle=previous).delete()
    progress = cycle_progress(cycle=previous)
    assert progress.overall == StatusCounts(not_started=7)
    assert progress.overall.submitted_percent == 0.0


def test_percentages_are_zero_without_targets(db):
    assert StatusCounts().submitted_percent == 0.0


@pytest.mark.parametrize(
    ("deadline_day", "days"), [(dt.date(2021, 11, 30), 5), (dt.date(2021, 11, 25), 0),
                               (dt.date(2021, 11, 22), -3)],
)
def test_days_to_the_deadline_are_negative_once_it_has_passed(world, deadline_day, days):
    cycle = world.cycle
    cycle.deadline = dt.datetime.combine(deadline_day, dt.time(23, 59, 59), tzinfo=BANGKOK)
    assert days_to_deadline(cycle=cycle, today=dt.date(2021, 11, 25)) == days
    progress = cycle_progress(cycle=cycle, today=dt.date(2021, 11, 25))
    assert progress.days_to_deadline == days
    assert progress.days_overdue == max(0, -days)


def test_a_cycle_without_a_deadline_has_no_days_to_it(world):
    assert cycle_progress(cycle=world.cycle).days_to_deadline is None


def test_progress_takes_two_queries(small, django_assert_num_queries):
    cycle = cycle_by_name("th-2564")
    with django_assert_num_queries(2):
        cycle_progress(cycle=cycle)


def test_progress_of_2000_agencies_still_takes_two_queries(world, django_assert_num_queries):
    mot = world.agency_a.ministry
    groups = ["service", "policy", "support", "security", "province", "local"]
    agencies = Agency.objects.bulk_create(
        Agency(code=f"x-{i:04d}", name_th=f"หน่วยงาน {i:04d}", kind="department",
               ministry=mot if i % 2 else None, group=groups[i % len(groups)])
        for i in range(1998)
    )
    statuses = [ResponseStatus.SUBMITTED, ResponseStatus.IN_PROGRESS, ResponseStatus.NOT_STARTED]
    Response.objects.bulk_create(
        Response(cycle=world.cycle, agency=a, status=statuses[i % 3])
        for i, a in enumerate(agencies) if i % 4  # every fourth has no row
    )
    cycle = cycle_by_name("th-2564")
    with django_assert_num_queries(2):
        progress = cycle_progress(cycle=cycle)
    assert progress.overall.total == 2000
    assert sum(r.counts.total for r in progress.by_group) == 2000
    assert sum(r.counts.total for r in progress.by_ministry) == 2000
    assert len(progress.not_started) == progress.overall.not_started


# --- the pages ------------------------------------------------------------------------------


def test_administrator_sees_rates_by_group_and_ministry_with_text_values(small, client):
    client.force_login(small.user("administrator"))
    html = client.get("/cycles/th-2564/").content.decode()
    assert "28.6%" in html  # 2 of 7
    assert "กรมที่ให้บริการประชาชนเป็นหลัก" in html
    assert "กระทรวงมหาดไทย" in html
    assert 'class="progress-bar' in html and 'aria-hidden="true"' in html
    positions = [html.index(n) for n in
                 ("จังหวัดเชียงใหม่", "เทศบาลตำบลเกาะคา", "สำนักงานการตรวจเงินแผ่นดิน")]
    assert positions == sorted(positions)


def test_the_page_is_in_english_for_english_readers(small, client):
    client.force_login(small.user("administrator"))
    html = in_english(client).get("/cycles/th-2564/").content.decode()
    assert "Departments mainly providing services" in html
    assert "4 agencies have not started" in html


def test_the_page_counts_the_days_to_the_deadline(world, client):
    Cycle.objects.filter(pk=world.cycle.pk).update(
        deadline=dt.datetime.now(BANGKOK).replace(hour=23, minute=59) + dt.timedelta(days=3)
    )
    client.force_login(world.user("administrator"))
    html = in_english(client).get("/cycles/th-2564/").content.decode()
    assert "3 days left" in html


def test_the_page_says_how_long_ago_the_deadline_passed(world, client):
    Cycle.objects.filter(pk=world.cycle.pk).update(
        deadline=dt.datetime.now(BANGKOK).replace(hour=23, minute=59) - dt.timedelta(days=2)
    )
    client.force_login(world.user("administrator"))
    html = in_english(client).get("/cycles/th-2564/").content.decode()
    assert "2 days past the deadline" in html


def test_executive_watches_progress_without_any_action(small, client):
    client.force_login(small.user("executive"))
    page = client.get("/cycles/th-2564/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "28.6%" in html
    assert "<form method=\"post\" action=\"/cycles/" not in html
    assert 'name="reason"' not in html


def test_the_counts_by_group_and_ministry_lead_to_those_agencies_in_the_list_of_responses(
    small, client
):
    client.force_login(small.user("executive"))
    html = client.get("/cycles/th-2564/").content.decode()
    by_ministry = "/responses/?cycle=th-2564&amp;ministry=moi&amp;status=in_progress"
    by_group = "/responses/?cycle=th-2564&amp;group=local&amp;status=not_started"
    assert f'<a href="{by_ministry}">1</a>' in html  # DOPA
    assert f'<a href="{by_group}">1</a>' in html  # the municipality
    listed = client.get(by_ministry.replace("&amp;", "&")).content.decode()
    assert "กรมการปกครอง" in listed and "จังหวัดเชียงใหม่" not in listed
    listed = client.get(by_group.replace("&amp;", "&")).content.decode()
    assert "เทศบาลตำบลเกาะคา" in listed and "องค์การบริหารส่วนตำบลแม่ริม" not in listed
    # "no ministry", "no peer group" and a group the framework does not name: no filter
    Agency.objects.filter(code="oag").update(group="unnamed")
    html = client.get("/cycles/th-2564/").content.decode()
    assert "group=unnamed" not in html and "ministry=&amp;" not in html


def test_thousands_waiting_show_the_first_hundred_and_lead_to_all_of_them(world, client):
    Agency.objects.bulk_create(
        Agency(code=f"x-{i:04d}", name_th=f"หน่วยงาน {i:04d}", kind="department")
        for i in range(WAITING_SHOWN + 10)
    )
    client.force_login(world.user("administrator"))
    html = in_english(client).get("/cycles/th-2564/").content.decode()
    assert "112 agencies have not started" in html  # A and B too
    assert html.count("<td>x-0") == WAITING_SHOWN - 2  # A and B come first in Thai order
    assert "The list shows the first 100 of 112." in html
    assert '<a href="/responses/?cycle=th-2564&amp;status=not_started">All 112' in html
    assert html.count("The list shows the first") == 1  # not under the empty in-progress list
    listed = client.get("/responses/?cycle=th-2564&status=not_started")
    assert listed.status_code == 200 and listed.context["page"].paginator.count == 112


def test_the_cycle_list_shows_status_and_deadline_in_the_buddhist_era(world, client):
    Cycle.objects.filter(pk=world.cycle.pk).update(
        deadline=dt.datetime(2021, 11, 25, 23, 59, 59, tzinfo=BANGKOK)
    )
    client.force_login(world.user("administrator"))
    thai = client.get("/cycles/").content.decode()
    assert "25 พฤศจิกายน 2564 เวลา 23:59 น." in thai
    english = in_english(client).get("/cycles/").content.decode()
    assert "25 November 2564 BE, 23:59" in english
    assert "th-2563" in english and "Draft" in english


def test_the_list_and_the_page_take_few_queries_whatever_the_size(small, client,
                                                                  django_assert_max_num_queries):
    client.force_login(small.user("administrator"))
    with django_assert_max_num_queries(10):
        client.get("/cycles/")
    with django_assert_max_num_queries(10):
        client.get("/cycles/th-2564/")


def test_an_unknown_cycle_is_not_found_for_an_administrator(world, client):
    client.force_login(world.user("administrator"))
    assert client.get("/cycles/th-2999/").status_code == 404


def test_an_unknown_cycle_is_refused_before_it_is_looked_up(world, client):
    client.force_login(world.user("coordinator_a"))
    assert client.get("/cycles/th-2999/").status_code == 403


# --- who may use which URL ------------------------------------------------------------------


def _endpoints(world):
    reopen = {"agency": world.agency_a.code, "reason": "Evidence is a slide"}
    return {
        "list": ("get", "/cycles/", None),
        "progress": ("get", "/cycles/th-2564/", None),
        "status": ("post", "/cycles/th-2564/status/", {"status": "closed", "confirm": "yes"}),
        "deadline": ("post", "/cycles/th-2564/deadline/", {"deadline": "31/12/2600"}),
        "reopen": ("post", "/cycles/th-2564/reopen/", reopen),
    }


EXPECTED = {
    # persona: {endpoint: status code}
    "administrator": {"list": 200, "progress": 200, "status": 302, "deadline": 302, "reopen": 302},
    "executive": {"list": 200, "progress": 200, "status": 403, "deadline": 403, "reopen": 403},
}


@pytest.mark.parametrize("endpoint", ["list", "progress", "status", "deadline", "reopen"])
@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_use_each_cycle_url(world, client, persona, endpoint):
    Response.objects.filter(pk=world.response_a.pk).update(status=ResponseStatus.SUBMITTED)
    method, url, data = _endpoints(world)[endpoint]
    if persona != "anonymous":
        client.force_login(world.user(persona))
    page = getattr(client, method)(url, data or {})
    if persona == "anonymous":
        assert page.status_code == 302
        login = resolve_url(django_settings.LOGIN_URL)
        assert page["Location"] == f"{login}?next={quote(url)}"
        return
    expected = EXPECTED.get(persona, {}).get(endpoint, 403)
    assert page.status_code == expected
    changed = {
        "status": lambda: Cycle.objects.get(pk=world.cycle.pk).status == "closed",
        "deadline": lambda: Cycle.objects.get(pk=world.cycle.pk).deadline is not None,
        "reopen": lambda: Response.objects.get(pk=world.response_a.pk).status == "in_progress",
    }
    if endpoint in changed:
        assert changed[endpoint]() == (expected == 302)


@pytest.mark.parametrize("url", ["/cycles/", "/cycles/th-2564/"])
def test_pages_are_read_with_get_and_actions_only_posted(world, client, url):
    client.force_login(world.user("administrator"))
    assert client.post(url).status_code == 405
    assert client.get("/cycles/th-2564/status/").status_code == 405
