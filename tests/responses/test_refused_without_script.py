"""Without JavaScript, a refused save comes back as the page with what was typed and the
reason beside the question (400), never a redirect that throws it away. Script requests get
every refusal as JSON with a message, whatever the reason."""

from __future__ import annotations

import re

import pytest
from django.utils.html import escape

from phrom.responses.models import Answer, AnswerChange, ResponseStatus
from tests.conftest import in_english
from tests.responses.helpers import post_answer

pytestmark = pytest.mark.django_db


def _post(client, response, code, data):
    return client.post(f"/responses/{response.pk}/answer/{code}/", data)


def _block(html: str, code: str) -> str:
    start = html.rindex('<div class="q', 0, html.index(f'id="q-{code}"'))
    following = re.search(r'<div class="q(?: q-off)?(?: q-invalid)?" id="q-', html[start + 5:])
    return html[start:start + 5 + following.start()] if following else html[start:]


def test_a_refused_number_comes_back_with_the_explanation_and_the_reason(world, client):
    client.force_login(world.user("coordinator_a"))
    explanation = "นับจากรายงานประจำปี หน้า 12 <รวมโครงการนำร่อง>"
    reply = _post(client, world.response_a, "CAP-07-1",
                  {"value": "11", "explanation": explanation, "base_version": "0"})
    assert reply.status_code == 400
    page = reply.content.decode()
    block = _block(page, "CAP-07-1")
    assert 'value="11"' in block
    assert f">{escape(explanation)}</textarea>" in block
    error = re.search(r'<p class="q-error" id="q-CAP-07-1-err"[^>]*>(.*?)</p>', block).group(1)
    assert error == "ค่าสูงสุดที่รับได้คือ 10"
    assert 'aria-invalid="true"' in block and "q-invalid" in block
    assert 'class="qn-refused" role="alert"' in page and 'href="#q-CAP-07-1"' in page
    assert not Answer.objects.filter(response=world.response_a).exists()
    assert not AnswerChange.objects.exists()


def test_a_too_long_text_comes_back_whole(world, client):
    client.force_login(world.user("coordinator_a"))
    text = "โครงการ" * 1486  # 10,402 characters: over the 10,000 a text answer holds
    reply = _post(client, world.response_a, "POL-03-2",
                  {"value": text, "explanation": "สามโครงการ", "base_version": "0"})
    assert reply.status_code == 400
    block = _block(reply.content.decode(), "POL-03-2")
    assert f">{text}</textarea>" in block
    assert ">สามโครงการ</textarea>" in block
    assert "10000" in block or "10,000" in block  # the limit, beside the question


def test_posted_choices_and_not_applicable_are_kept(world, client):
    client.force_login(world.user("coordinator_a"))
    reply = _post(client, world.response_a, "POL-08-1",
                  {"value": ["website"], "none_chosen": "on", "explanation": "x",
                   "base_version": "0"})
    assert reply.status_code == 400
    block = _block(reply.content.decode(), "POL-08-1")
    assert re.search(r'name="value" value="website" checked', block)
    assert re.search(r'name="none_chosen" value="on" checked', block)


def test_the_page_keeps_the_version_it_was_made_from(world, client, second_coordinator_a):
    """A colleague's newer answer still turns the next save into a choice, not an overwrite."""
    client.force_login(second_coordinator_a)
    post_answer(client, world.response_a, "CAP-07-1", {"value": "4"})
    client.force_login(world.user("coordinator_a"))
    reply = _post(client, world.response_a, "CAP-07-1", {"value": "11", "base_version": "0"})
    assert reply.status_code == 400
    block = _block(reply.content.decode(), "CAP-07-1")
    assert 'name="base_version" value="0"' in block
    again = _post(client, world.response_a, "CAP-07-1", {"value": "9", "base_version": "0"})
    assert again.status_code == 409


def test_the_reason_is_in_the_readers_language(world, client):
    client.force_login(world.user("coordinator_a"))
    reply = _post(in_english(client), world.response_a, "CAP-07-1",
                  {"value": "11", "base_version": "0"})
    assert reply.status_code == 400
    page = reply.content.decode()
    assert "The largest value accepted is 10." in _block(page, "CAP-07-1")
    assert "Your answer to CAP-07-1 was not saved" in page


def test_a_locked_response_keeps_what_was_typed_and_says_why(world, client):
    world.response_a.status = ResponseStatus.SUBMITTED
    world.response_a.save()
    client.force_login(world.user("coordinator_a"))
    reply = _post(client, world.response_a, "POL-03-2",
                  {"value": "ระบบสารบรรณ", "base_version": "0"})
    assert reply.status_code == 423
    assert ">ระบบสารบรรณ</textarea>" in _block(reply.content.decode(), "POL-03-2")
    assert not Answer.objects.filter(response=world.response_a).exists()


def test_a_refused_carry_over_without_script_says_why_beside_the_question(world, client,
                                                                         previous_a):
    Answer.objects.create(response=previous_a, question="POL-06-1", value=9, version=1)
    client.force_login(world.user("coordinator_a"))
    reply = client.post(f"/responses/{world.response_a.pk}/answer/POL-06-1/carry-over/",
                        {"base_version": "0"})
    assert reply.status_code == 400
    block = _block(reply.content.decode(), "POL-06-1")
    error = re.search(r'<p class="q-error" id="q-POL-06-1-err"[^>]*>(.*?)</p>', block).group(1)
    assert error
    assert not Answer.objects.filter(response=world.response_a, question="POL-06-1").exists()


def test_a_saved_plain_post_still_returns_to_the_question(world, client):
    client.force_login(world.user("coordinator_a"))
    reply = _post(client, world.response_a, "CAP-07-1", {"value": "10", "base_version": "0"})
    assert reply.status_code == 302
    assert reply["Location"].endswith("/capability/#q-CAP-07-1")


def test_the_form_returns_to_its_question_after_posting(world, client):
    client.force_login(world.user("coordinator_a"))
    page = client.get(f"/responses/{world.response_a.pk}/capability/").content.decode()
    assert f'action="/responses/{world.response_a.pk}/answer/CAP-07-1/#q-CAP-07-1"' in page


# --- script requests: JSON whatever the refusal ---------------------------------------------


def test_a_script_save_to_another_agencys_response_gets_json_not_found(world, client):
    client.force_login(world.user("coordinator_a"))
    reply = post_answer(client, world.response_b, "POL-01-1", {"value": "yes"})
    assert reply.status_code == 404
    body = reply.json()
    assert body["status"] == "not_found"
    assert "ไม่พบ" in body["message"]
    reply = post_answer(client, world.response_a, "NOPE-1", {"value": "yes"})
    assert reply.status_code == 404
    assert reply.json()["message"]
    assert not Answer.objects.exists()


def test_a_script_carry_over_refused_gets_json(world, client, previous_a):
    Answer.objects.create(response=previous_a, question="CAP-01-1", value=True, version=1)
    client.force_login(world.user("respondent_a"))
    url = f"/responses/{world.response_a.pk}/answer/CAP-01-1/carry-over/"
    reply = client.post(url, {"base_version": "0"}, HTTP_ACCEPT="application/json")
    assert reply.status_code == 403
    assert reply.json()["status"] == "forbidden"
    assert reply.json()["message"]
    other = client.post(f"/responses/{world.response_b.pk}/answer/POL-01-1/carry-over/",
                        {"base_version": "0"}, HTTP_ACCEPT="application/json")
    assert other.status_code == 404
    assert other.json()["message"]
    assert not Answer.objects.filter(question="CAP-01-1", response=world.response_a).exists()


def test_plain_requests_keep_their_error_pages(world, client, previous_a):
    client.force_login(world.user("respondent_a"))
    assert _post(client, world.response_b, "POL-01-1",
                 {"value": "yes", "base_version": "0"}).status_code == 404
    reply = client.post(f"/responses/{world.response_a.pk}/answer/CAP-01-1/carry-over/",
                        {"base_version": "0"})
    assert reply.status_code == 403
    assert not reply["Content-Type"].startswith("application/json")
