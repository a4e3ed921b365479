"""Irreversible cycle moves ask first: a page names the consequence, and only a post
with the confirmation acts."""

from __future__ import annotations

import pytest

from phrom.frameworks.models import Cycle
from tests.conftest import in_english

pytestmark = pytest.mark.django_db


def status_of(cycle) -> str:
    return Cycle.objects.get(pk=cycle.pk).status


def put(cycle, status: str) -> None:
    Cycle.objects.filter(pk=cycle.pk).update(status=status)


@pytest.mark.parametrize(
    ("current", "wanted", "consequence"),
    [
        ("open", "closed", "No agency will be able to change its answers"),
        ("in_review", "published", "This cannot be undone"),
        ("closed", "in_review", "can no longer be opened again"),
        ("draft", "open", "start answering"),
    ],
)
def test_a_status_move_first_shows_what_it_does_and_changes_nothing(
    world, client, current, wanted, consequence
):
    put(world.cycle, current)
    in_english(client).force_login(world.user("administrator"))
    page = client.post("/cycles/th-2564/status/", {"status": wanted})
    assert page.status_code == 200
    html = page.content.decode()
    assert consequence in html
    # the confirmation is a plain form: a button, no script
    assert '<input type="hidden" name="confirm" value="yes">' in html
    assert f'<input type="hidden" name="status" value="{wanted}">' in html
    assert '<button type="submit">' in html
    assert status_of(world.cycle) == current


def test_the_confirmed_move_is_done(world, client):
    from phrom.responses.models import Response
    from phrom.reviews.models import Review

    put(world.cycle, "in_review")
    # one response submitted and signed off: a cycle publishes results, not an empty table
    Response.objects.filter(pk=world.response_a.pk).update(status="submitted")
    Review.objects.create(response=world.response_a, status="signed_off")
    client.force_login(world.user("administrator"))
    reply = client.post("/cycles/th-2564/status/", {"status": "published", "confirm": "yes"})
    assert reply.status_code == 302
    assert status_of(world.cycle) == "published"


@pytest.mark.parametrize("confirm", ["", "no", "YES", "true"])
def test_anything_but_the_confirmation_changes_nothing_and_says_so(world, client, confirm):
    client.force_login(world.user("administrator"))
    page = client.post("/cycles/th-2564/status/", {"status": "closed", "confirm": confirm})
    assert page.status_code == 400
    assert 'role="alert"' in page.content.decode()
    assert status_of(world.cycle) == "open"


def test_the_confirmation_page_is_in_thai_by_default(world, client):
    client.force_login(world.user("administrator"))
    html = client.post("/cycles/th-2564/status/", {"status": "closed"}).content.decode()
    assert "ผลของการดำเนินการนี้" in html and "ยืนยัน" in html


def test_an_executive_gets_no_confirmation_page(world, client):
    client.force_login(world.user("executive"))
    assert client.post("/cycles/th-2564/status/", {"status": "closed"}).status_code == 403
    assert status_of(world.cycle) == "open"


def test_a_move_outside_the_lifecycle_is_refused_before_any_confirmation(world, client):
    client.force_login(world.user("administrator"))
    page = client.post("/cycles/th-2564/status/", {"status": "published", "confirm": "yes"})
    assert page.status_code == 400
    assert status_of(world.cycle) == "open"
