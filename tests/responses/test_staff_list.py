"""The staff list of responses: search by name, filters in the query string, pages."""

from __future__ import annotations

import re

import pytest
from django.conf import settings

from phrom.agencies.models import Agency
from phrom.responses.models import Response, ResponseStatus
from tests.conftest import in_english

STAFF = ["administrator", "lead_reviewer", "reviewer", "executive"]


def listing(client, world, query: str = "", persona: str = "reviewer", english: bool = True):
    if english:
        in_english(client)
    else:
        client.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)
    client.force_login(world.user(persona))
    return client.get("/responses/" + (f"?{query}" if query else ""))


def names(page: str) -> list[str]:
    """Agency codes of the table's rows, in order."""
    return re.findall(r'<span class="muted">([^<]+)</span></td>', page)


@pytest.fixture
def more_agencies(world):
    """Agencies of another ministry and group, one without a response."""
    moi = Agency.objects.create(code="moi", name_th="กระทรวงมหาดไทย", name_en="Ministry of Interior",
                                kind="ministry")
    dopa = Agency.objects.create(code="moi-dopa", name_th="กรมการปกครอง",
                                 name_en="Department of Provincial Administration",
                                 kind="department", ministry=moi, group="security")
    ddpm = Agency.objects.create(code="moi-ddpm", name_th="กรมป้องกันและบรรเทาสาธารณภัย",
                                 name_en="Department of Disaster Prevention and Mitigation",
                                 kind="department", ministry=moi, group="security")
    Response.objects.create(cycle=world.cycle, agency=dopa, status=ResponseStatus.SUBMITTED)
    return dopa, ddpm


@pytest.mark.parametrize("persona", STAFF)
def test_staff_see_every_agency_asked_with_its_status(world, client, more_agencies, persona):
    page = listing(client, world, persona=persona).content.decode()
    assert sorted(names(page)) == ["moi-ddpm", "moi-dopa", "mot-doh", "mot-drr"]
    assert f'href="/responses/{world.response_a.pk}/"' in page
    assert "4 agencies in cycle th-2564" in page


def test_an_agency_without_a_response_is_listed_as_not_started_without_a_link(
    world, client, more_agencies
):
    page = listing(client, world, "status=not_started").content.decode()
    assert sorted(names(page)) == ["moi-ddpm", "mot-doh", "mot-drr"]
    row = page.split("moi-ddpm")[0].rsplit("<tr>", 1)[1]
    assert "<a " not in row


@pytest.mark.parametrize(("query", "expected"), [
    ("q=rural", ["mot-drr"]),
    ("q=RURAL+ROADS", ["mot-drr"]),
    ("q=ชนบท", ["mot-drr"]),
    ("q=กรมทางหลวง", ["mot-doh", "mot-drr"]),
    ("q=mot-doh", ["mot-doh"]),
    ("ministry=moi", ["moi-ddpm", "moi-dopa"]),
    ("group=security", ["moi-ddpm", "moi-dopa"]),
    ("status=submitted", ["moi-dopa"]),
    ("ministry=mot&status=submitted", []),
    ("q=department&ministry=moi&group=security&status=not_started", ["moi-ddpm"]),
])
def test_the_list_is_searched_and_filtered_from_the_query_string(
    world, client, more_agencies, query, expected
):
    reply = listing(client, world, query)
    assert reply.status_code == 200
    assert sorted(names(reply.content.decode())) == expected


def test_ministries_and_peer_groups_are_shown_by_name(world, client, more_agencies):
    page = listing(client, world, "ministry=moi").content.decode()
    assert "Ministry of Interior" in page and "Security and justice departments" in page
    thai = listing(client, world, "ministry=moi", english=False).content.decode()
    assert "กระทรวงมหาดไทย" in thai and "กรมด้านความมั่นคงและการยุติธรรม" in thai
    assert "ชื่อหรือรหัสหน่วยงาน" in thai and "ทุกสถานะ" in thai


def test_no_match_says_so(world, client):
    page = listing(client, world, "q=nothing-like-this").content.decode()
    assert "No agency matches the search and filters." in page
    assert "Clear the search and filters" in page


def test_thai_names_are_in_thai_dictionary_order(world, client, more_agencies):
    Agency.objects.create(code="x-e", name_th="กรมเจ้าท่า", kind="department", group="service")
    Agency.objects.create(code="x-c", name_th="กรมจัดหางาน", kind="department", group="service")
    page = listing(client, world, english=False).content.decode()
    # เจ้าท่า sorts under จ, after จัดหางาน: its leading vowel is set aside first.
    order = names(page)
    assert order.index("x-c") < order.index("x-e")
    assert order == sorted(order, key=lambda code: _thai_key(code))


def _thai_key(code: str):
    from phrom.core.thai import thai_sort_key

    return thai_sort_key(Agency.objects.get(code=code).name_th)


def test_the_form_works_without_javascript_and_labels_every_field(world, client):
    page = listing(client, world).content.decode()
    form = page.split('<form method="get"', 1)[1].split("</form>", 1)[0]
    assert 'role="search"' in page
    for field in ("q", "cycle", "ministry", "group", "status"):
        assert f'name="{field}"' in form
        assert f'<label for="id_{field}">' in form
    assert '<button type="submit">' in form
    assert "<script" not in form and "style=" not in page


def test_the_chosen_filters_stay_chosen(world, client, more_agencies):
    page = listing(client, world, "ministry=moi&status=submitted&q=prov").content.decode()
    assert '<option value="moi" selected>' in page
    assert '<option value="submitted" selected>' in page
    assert 'value="prov"' in page
    assert f'<option value="{world.cycle.code}" selected>' in page


def test_an_unknown_filter_value_is_refused_naming_the_field(world, client):
    reply = listing(client, world, "status=lost&ministry=nowhere")
    assert reply.status_code == 400
    page = reply.content.decode()
    assert "Status" in page and "lost is not one of the available choices" in page
    assert "nowhere is not one of the available choices" in page
    assert reply.status_code != 500


def test_an_unknown_cycle_is_refused(world, client):
    reply = listing(client, world, "cycle=th-9999")
    assert reply.status_code == 400
    assert "th-9999 is not one of the available choices" in reply.content.decode()


def test_a_search_too_long_is_refused_with_its_limit(world, client):
    reply = listing(client, world, "q=" + "x" * 101)
    assert reply.status_code == 400
    assert "at most 100 characters" in reply.content.decode()


def test_pages_keep_the_filters(world, client):
    Agency.objects.bulk_create(
        Agency(code=f"x{i:03d}", name_th=f"กรมทดสอบ {i:03d}", name_en=f"Test department {i:03d}",
               kind="department", group="service")
        for i in range(120)
    )
    first = listing(client, world, "group=service").content.decode()
    assert "page 1 of 3" in first
    assert len(names(first)) == 50
    assert 'href="?group=service&amp;page=2"' in first
    third = listing(client, world, "group=service&page=3").content.decode()
    assert len(names(third)) == 22
    assert 'aria-current="page">3<' in third
    # A page beyond the last, or not a number, shows a page of the list, not an error.
    assert listing(client, world, "page=99").status_code == 200
    assert listing(client, world, "page=x").status_code == 200


def test_the_list_reads_a_fixed_number_of_queries(world, client, django_assert_max_num_queries):
    in_english(client).force_login(world.user("reviewer"))
    with django_assert_max_num_queries(10) as few:
        client.get("/responses/?q=department")
    Agency.objects.bulk_create(
        Agency(code=f"y{i:03d}", name_th=f"กรมตัวอย่าง {i:03d}", name_en=f"Sample department {i}",
               kind="department", group="service")
        for i in range(300)
    )
    for agency in Agency.objects.filter(code__startswith="y")[:60]:
        Response.objects.create(cycle=world.cycle, agency=agency, status=ResponseStatus.IN_PROGRESS)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/responses/?q=department").content.decode()
    assert "302 agencies" in page


def test_agency_members_never_get_the_list(world, client):
    client.force_login(world.user("coordinator_a"))
    assert client.get("/responses/?q=highways").status_code == 302
