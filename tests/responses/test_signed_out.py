"""An autosave after the session has ended: a clear 401 the page's script recognises,
never the sign-in page behind a redirect, and nothing written."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from phrom.responses.models import Answer
from tests.conftest import PASSWORD
from tests.responses.helpers import post_answer

pytestmark = pytest.mark.django_db


def test_a_signed_out_autosave_gets_401_with_a_way_back(world, client):
    page = f"http://testserver/responses/{world.response_a.pk}/policy/"
    reply = client.post(
        f"/responses/{world.response_a.pk}/answer/POL-04-2/",
        {"base_version": "0", "value": "12"},
        HTTP_ACCEPT="application/json",
        HTTP_REFERER=page,
    )
    assert reply.status_code == 401
    data = reply.json()
    assert data["status"] == "signed_out"
    assert "ออกจากระบบ" in data["message"]  # Thai first
    login = urlsplit(data["login_url"])
    assert login.path == "/accounts/login/"
    assert parse_qs(login.query)["next"] == [f"/responses/{world.response_a.pk}/policy/"]
    assert not Answer.objects.exists()


def test_a_signed_out_autosave_never_returns_to_another_site(world, client):
    reply = client.post(
        f"/responses/{world.response_a.pk}/answer/POL-04-2/",
        {"base_version": "0", "value": "12"},
        HTTP_ACCEPT="application/json",
        HTTP_REFERER="https://evil.example/phish",
    )
    assert reply.status_code == 401
    assert "evil" not in reply.json()["login_url"]


def test_a_signed_out_carry_over_and_fragment_get_401_too(world, client, previous_a):
    carry = client.post(
        f"/responses/{world.response_a.pk}/answer/POL-01-1/carry-over/",
        {"base_version": "0"},
        HTTP_ACCEPT="application/json",
    )
    assert (carry.status_code, carry.json()["status"]) == (401, "signed_out")
    fragment = client.get(
        f"/responses/{world.response_a.pk}/question/POL-01-1/",
        HTTP_X_REQUESTED_WITH="fetch",
    )
    assert fragment.status_code == 401
    assert 'role="alert"' in fragment.content.decode()
    assert "/accounts/login/?next=" in fragment.content.decode()


def test_an_htmx_request_of_a_signed_out_person_gets_a_fragment(world, client):
    reply = client.post(
        f"/responses/{world.response_a.pk}/answer/POL-04-2/",
        {"base_version": "0", "value": "12"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=f"http://testserver/responses/{world.response_a.pk}/",
    )
    assert reply.status_code == 401
    assert "เข้าสู่ระบบอีกครั้ง" in reply.content.decode()


def test_a_plain_form_post_still_goes_to_the_sign_in_page(world, client):
    reply = client.post(
        f"/responses/{world.response_a.pk}/answer/POL-04-2/", {"base_version": "0", "value": "1"}
    )
    assert reply.status_code == 302
    assert reply["Location"].startswith("/accounts/login/?next=")


def test_after_signing_in_again_the_kept_answer_saves(world, client):
    assert post_answer(client, world.response_a, "POL-04-2", {"value": "12"}).status_code == 401
    client.force_login(world.user("coordinator_a"))
    reply = post_answer(client, world.response_a, "POL-04-2", {"value": "12"})
    assert reply.status_code == 200
    assert Answer.objects.get(response=world.response_a, question="POL-04-2").value == 12


def test_a_kept_answer_is_not_saved_in_the_name_of_someone_else_signed_in_meanwhile(
    world, client, second_coordinator_a
):
    client.force_login(second_coordinator_a)
    reply = client.post(
        f"/responses/{world.response_a.pk}/answer/POL-04-2/",
        {"base_version": "0", "value": "12"},
        HTTP_ACCEPT="application/json",
        HTTP_X_PHROM_USER=str(world.user("coordinator_a").pk),
    )
    assert reply.status_code == 401
    assert reply.json()["status"] == "signed_out"
    assert "บุคคลอื่น" in reply.json()["message"]
    assert reply.json()["login_url"] == ""  # the sign-in page would send them straight back
    assert not Answer.objects.exists()
    same = client.post(
        f"/responses/{world.response_a.pk}/answer/POL-04-2/",
        {"base_version": "0", "value": "12"},
        HTTP_ACCEPT="application/json",
        HTTP_X_PHROM_USER=str(second_coordinator_a.pk),
    )
    assert same.status_code == 200


def test_the_sign_in_link_says_it_returns_and_does(world, client):
    reply = client.post(
        f"/responses/{world.response_a.pk}/answer/POL-04-2/",
        {"base_version": "0", "value": "12"},
        HTTP_ACCEPT="application/json",
        HTTP_REFERER=f"http://testserver/responses/{world.response_a.pk}/policy/",
    )
    login_url = reply.json()["login_url"]
    page = client.get(login_url).content.decode()
    assert "กลับไปยังหน้าที่ทำค้างไว้" in page
    back = client.post(login_url, {
        "username": world.user("coordinator_a").username, "password": PASSWORD,
        "next": f"/responses/{world.response_a.pk}/policy/#q-POL-04-2",
    })
    assert back.status_code == 302
    assert back["Location"] == f"/responses/{world.response_a.pk}/policy/#q-POL-04-2"


def test_a_signed_out_evidence_request_from_htmx_gets_the_fragment(world, client):
    page = f"http://testserver/responses/{world.response_a.pk}/policy/"
    reply = client.post(
        f"/responses/{world.response_a.pk}/questions/POL-01-1/evidence/url",
        {"url": "https://example.go.th/plan.pdf"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=page,
    )
    assert reply.status_code == 401
    assert "/accounts/login/?next=" in reply.content.decode()
    assert not world.response_a.evidence.exists()
