"""Who reaches which questionnaire URL: every URL, every persona, another agency's (404)."""

from __future__ import annotations

import pytest

from tests.responses.helpers import post_answer

pytestmark = pytest.mark.django_db

STAFF = ["administrator", "lead_reviewer", "reviewer", "executive"]
MEMBERS_A = ["coordinator_a", "respondent_a"]
READ_URLS = [
    "/responses/{id}/",
    "/responses/{id}/policy/",
    "/responses/{id}/capability/",
    "/responses/{id}/submit/",
    "/responses/{id}/history/",
    "/responses/{id}/history.csv",
    "/responses/{id}/question/POL-01-1/",
]


@pytest.mark.parametrize("url", READ_URLS)
@pytest.mark.parametrize("persona", STAFF + MEMBERS_A)
def test_staff_and_the_agencys_members_read_every_page(world, client, persona, url):
    client.force_login(world.user(persona))
    assert client.get(url.format(id=world.response_a.pk)).status_code == 200


@pytest.mark.parametrize("url", READ_URLS)
@pytest.mark.parametrize("persona", ["coordinator_b", "outsider"])
def test_another_agency_and_outsiders_get_not_found(world, client, persona, url):
    client.force_login(world.user(persona))
    assert client.get(url.format(id=world.response_a.pk)).status_code == 404


@pytest.mark.parametrize("url", READ_URLS)
def test_respondent_cannot_see_other_agencys_response_or_history(world, client, url):
    client.force_login(world.user("respondent_a"))
    assert client.get(url.format(id=world.response_b.pk)).status_code == 404


@pytest.mark.parametrize("url", READ_URLS + ["/responses/"])
def test_anonymous_visitors_are_sent_to_log_in(world, client, url):
    reply = client.get(url.format(id=world.response_a.pk))
    assert reply.status_code == 302
    assert "/accounts/login/" in reply["Location"]


def test_a_missing_response_or_dimension_is_not_found(world, client):
    client.force_login(world.user("administrator"))
    assert client.get("/responses/999999/").status_code == 404
    assert client.get(f"/responses/{world.response_a.pk}/no-such-part/").status_code == 404


@pytest.mark.parametrize("persona", MEMBERS_A)
def test_agency_members_go_to_their_response(world, client, persona):
    client.force_login(world.user(persona))
    reply = client.get("/responses/")
    assert reply.status_code == 302
    assert reply["Location"] == f"/responses/{world.response_a.pk}/"


def test_the_response_is_created_on_the_first_visit(world, client):
    world.response_b.delete()
    client.force_login(world.user("coordinator_b"))
    reply = client.get("/responses/")
    assert reply.status_code == 302
    from phrom.responses.models import Response

    created = Response.objects.get(cycle=world.cycle, agency=world.agency_b)
    assert created.status == "not_started"
    assert reply["Location"] == f"/responses/{created.pk}/"


@pytest.mark.parametrize("persona", STAFF)
def test_staff_see_the_list_of_responses(world, client, persona):
    client.force_login(world.user(persona))
    reply = client.get("/responses/")
    assert reply.status_code == 200
    page = reply.content.decode()
    assert f'href="/responses/{world.response_a.pk}/"' in page
    assert f'href="/responses/{world.response_b.pk}/"' in page


def test_someone_without_a_role_gets_no_list(world, client):
    client.force_login(world.user("outsider"))
    assert client.get("/responses/").status_code == 403


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coordinator_a", 200), ("respondent_a", 200),
        ("administrator", 403), ("lead_reviewer", 403), ("reviewer", 403), ("executive", 403),
        ("coordinator_b", 404), ("outsider", 404),
    ],
)
def test_who_may_save_an_answer(world, client, persona, status):
    client.force_login(world.user(persona))
    assert post_answer(client, world.response_a, "POL-01-1", {"value": "yes"}).status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coordinator_a", 200), ("respondent_a", 200),
        ("administrator", 403), ("reviewer", 403), ("executive", 403),
        ("coordinator_b", 404), ("outsider", 404),
    ],
)
def test_who_may_carry_over(world, client, previous_a, persona, status):
    client.force_login(world.user(persona))
    reply = client.post(
        f"/responses/{world.response_a.pk}/answer/POL-01-1/carry-over/",
        {"base_version": "0"}, HTTP_ACCEPT="application/json",
    )
    assert reply.status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coordinator_a", 400),  # allowed, but the response is not complete
        ("respondent_a", 403), ("administrator", 403), ("lead_reviewer", 403),
        ("reviewer", 403), ("executive", 403), ("coordinator_b", 404), ("outsider", 404),
    ],
)
def test_who_may_submit(world, client, persona, status):
    client.force_login(world.user(persona))
    assert client.post(f"/responses/{world.response_a.pk}/submit/").status_code == status


def test_anonymous_posts_are_sent_to_log_in(world, client):
    for url in (
        f"/responses/{world.response_a.pk}/answer/POL-01-1/",
        f"/responses/{world.response_a.pk}/answer/POL-01-1/carry-over/",
        f"/responses/{world.response_a.pk}/submit/",
    ):
        reply = client.post(url, {"base_version": "0", "value": "yes"})
        assert reply.status_code == 302


def test_saving_needs_post(world, client):
    client.force_login(world.user("coordinator_a"))
    assert client.get(f"/responses/{world.response_a.pk}/answer/POL-01-1/").status_code == 405
    assert client.post(f"/responses/{world.response_a.pk}/history/").status_code == 405


def test_staff_and_other_dimensions_are_read_only_on_the_page(world, client):
    client.force_login(world.user("respondent_a"))
    page = client.get(f"/responses/{world.response_a.pk}/").content.decode()
    policy = page[page.index('id="q-POL-01-1"'):page.index('id="dim-capability"')]
    capability = page[page.index('id="q-CAP-01-1"'):page.index('id="dim-services"')]
    assert "data-editable" in policy
    assert "data-editable" not in capability
    assert 'name="value" value="yes" disabled' in capability
    client.force_login(world.user("reviewer"))
    page = client.get(f"/responses/{world.response_a.pk}/").content.decode()
    assert "data-editable" not in page


def test_members_are_told_when_no_cycle_is_open(world, client):
    world.cycle.status = "closed"
    world.cycle.save()
    client.force_login(world.user("coordinator_a"))
    reply = client.get("/responses/")
    assert reply.status_code == 200
    assert f'href="/responses/{world.response_a.pk}/"' in reply.content.decode()
