"""404 and 403 answer a translated page in the site's frame (DEBUG is off in tests, as in
production), never a traceback."""

import pytest

from tests.conftest import in_english

pytestmark = pytest.mark.django_db


def _has_the_frame(html):
    assert 'class="text-size"' in html  # the text-size control
    assert 'name="language"' in html  # the language switch
    assert 'class="skip-link"' in html
    assert "Traceback" not in html


@pytest.mark.parametrize("address", ["/nope/", "/results/²/", "/results/99999999999999999999999/", "/responses/99999999/"])
def test_an_address_that_leads_nowhere_answers_a_thai_404_page(world, client, address):
    client.force_login(world.user("coordinator_a"))
    page = client.get(address)
    assert page.status_code == 404
    html = page.content.decode()
    _has_the_frame(html)
    assert '<html lang="th"' in html
    assert "ไม่พบหน้าที่ต้องการ" in html


def test_the_404_page_is_english_through_the_language_switch(client):
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/nope/"})
    assert switched["Location"] == "/nope/"
    page = client.get("/nope/")
    assert page.status_code == 404
    html = page.content.decode()
    assert '<html lang="en"' in html
    assert "Page not found" in html


@pytest.mark.parametrize("persona", ["outsider", "administrator", "respondent_a"])
def test_the_404_page_serves_every_signed_in_person(world, client, persona):
    client.force_login(world.user(persona))
    page = client.get("/nope/")
    assert page.status_code == 404
    _has_the_frame(page.content.decode())


def test_the_404_page_offers_a_visitor_to_log_in(client):
    html = client.get("/nope/").content.decode()
    _has_the_frame(html)
    assert 'href="/accounts/login/"' in html


def test_another_agencys_response_answers_the_same_404_page(world, client):
    client.force_login(world.user("coordinator_a"))
    theirs = client.get(f"/responses/{world.response_b.pk}/")
    nowhere = client.get("/responses/99999999/")
    assert theirs.status_code == nowhere.status_code == 404
    assert "ไม่พบหน้าที่ต้องการ" in theirs.content.decode()


def test_a_permission_denied_answers_a_thai_403_page_with_navigation(world, client):
    client.force_login(world.user("respondent_a"))
    page = client.get("/cycles/")  # administrators' and executives' page
    assert page.status_code == 403
    html = page.content.decode()
    _has_the_frame(html)
    assert "คุณไม่มีสิทธิ์เปิดหน้านี้" in html
    assert 'href="/responses/"' in html  # the way back to their own work


def test_the_403_page_is_english_for_an_english_reader(world, client):
    client.force_login(world.user("respondent_a"))
    html = in_english(client).get("/cycles/").content.decode()
    assert '<html lang="en"' in html
    assert "You may not open this page" in html
