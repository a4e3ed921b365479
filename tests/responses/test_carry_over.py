"""Last cycle's answers beside each question, and carrying one over as a normal change."""

from __future__ import annotations

import pytest

from phrom.responses.models import Answer, AnswerChange, ChangeKind, Evidence, Response
from tests.conftest import in_english
from tests.responses.helpers import post_answer

pytestmark = pytest.mark.django_db


def _carry(client, response, code, version=0):
    return client.post(
        f"/responses/{response.pk}/answer/{code}/carry-over/",
        {"base_version": str(version)},
        HTTP_ACCEPT="application/json",
    )


def test_last_cycles_answer_is_shown_beside_the_question(world, client, previous_a):
    client.force_login(world.user("coordinator_a"))
    html = client.get(f"/responses/{world.response_a.pk}/policy/").content.decode()
    start = html.index('id="q-POL-01-1"')
    block = html[start:html.index('id="q-POL-01-2"')]
    assert "2563" in block  # the previous cycle's year (B.E.)
    assert "แผนลงนามแล้ว" in block  # its explanation
    assert "plan.pdf" in block and "plan-2563.pdf" in block  # its evidence
    assert "removed.pdf" not in block  # removed evidence is not offered
    assert "/carry-over/" in block


def test_another_agencys_last_answers_are_not_shown(world, client, previous_a):
    client.force_login(world.user("coordinator_b"))
    html = client.get(f"/responses/{world.response_b.pk}/policy/").content.decode()
    assert "แผนลงนามแล้ว" not in html
    assert "/carry-over/" not in html


def test_carry_over_copies_value_explanation_and_evidence_as_a_new_version(
    world, client, previous_a
):
    client.force_login(world.user("coordinator_a"))
    reply = _carry(client, world.response_a, "POL-01-1")
    assert reply.status_code == 200, reply.content
    assert reply.json()["version"] == 1
    assert 'id="q-POL-01-1"' in reply.json()["html"]
    answer = Answer.objects.get(response=world.response_a, question="POL-01-1")
    assert (answer.value, answer.explanation, answer.version) == (True, "แผนลงนามแล้ว", 1)
    change = AnswerChange.objects.get(response=world.response_a, kind=ChangeKind.CARRIED_OVER)
    assert change.question == "POL-01-1"
    assert change.new_value["value"] is True
    assert change.by == world.user("coordinator_a")
    copied = Evidence.objects.filter(response=world.response_a, question="POL-01-1")
    assert {(e.url, e.file.name) for e in copied} == {
        ("https://example.go.th/plan-2563.pdf", ""), ("", "evidence/old/plan.pdf"),
    }
    assert AnswerChange.objects.filter(
        response=world.response_a, kind=ChangeKind.EVIDENCE_ADDED
    ).count() == 2
    # the previous cycle is untouched
    assert Evidence.objects.filter(response=previous_a).count() == 3


def test_carrying_over_twice_adds_no_duplicate(world, client, previous_a):
    client.force_login(world.user("coordinator_a"))
    _carry(client, world.response_a, "POL-01-1")
    reply = _carry(client, world.response_a, "POL-01-1", 1)
    assert reply.status_code == 200
    assert Answer.objects.get(response=world.response_a, question="POL-01-1").version == 1
    assert Evidence.objects.filter(response=world.response_a).count() == 2


def test_carry_over_of_not_applicable(world, client, previous_a):
    client.force_login(world.user("coordinator_a"))
    assert _carry(client, world.response_a, "POL-04-1").status_code == 200
    answer = Answer.objects.get(response=world.response_a, question="POL-04-1")
    assert answer.not_applicable is True and answer.value is None


def test_carry_over_over_a_newer_answer_is_a_conflict(world, client, previous_a,
                                                      second_coordinator_a):
    client.force_login(second_coordinator_a)
    post_answer(client, world.response_a, "POL-02-2", {"value": "once"})
    client.force_login(world.user("coordinator_a"))
    reply = _carry(client, world.response_a, "POL-02-2", 0)
    assert reply.status_code == 409
    assert "Somchai" in reply.json()["message"]
    assert Answer.objects.get(response=world.response_a, question="POL-02-2").value == "once"


def test_carry_over_over_ones_own_newer_answer_says_you_changed_it(world, client, previous_a):
    coordinator = world.user("coordinator_a")
    coordinator.first_name, coordinator.last_name = "Malee", "Srisuk"
    coordinator.save()
    client.force_login(coordinator)
    post_answer(client, world.response_a, "POL-02-2", {"value": "once"})  # in another tab

    thai = _carry(client, world.response_a, "POL-02-2", 0).json()["message"]
    message = _carry(in_english(client), world.response_a, "POL-02-2", 0).json()["message"]

    assert thai.startswith("คุณแก้ไขคำตอบข้อนี้เมื่อ ") and "(ในหน้าต่างหรือแท็บอื่น)" in thai
    assert message.startswith("You changed this answer at ")
    assert ("(in another window or tab); the page now shows that answer. Carry over again if "
            "you still want last cycle's answer.") in message
    assert "Malee" not in thai + message
    assert Answer.objects.get(response=world.response_a, question="POL-02-2").value == "once"


def test_carry_over_without_a_previous_answer_says_so(world, client, previous_a):
    client.force_login(world.user("coordinator_a"))
    reply = _carry(client, world.response_a, "POL-06-1")
    assert reply.status_code == 400
    assert reply.json()["message"]
    assert not Answer.objects.filter(response=world.response_a, question="POL-06-1").exists()


def test_a_previous_answer_that_no_longer_fits_is_refused(world, client, previous_a):
    Answer.objects.create(response=previous_a, question="POL-06-1", value=9, version=1)
    client.force_login(world.user("coordinator_a"))
    reply = _carry(client, world.response_a, "POL-06-1")
    assert reply.status_code == 400
    assert not Answer.objects.filter(response=world.response_a, question="POL-06-1").exists()


def test_respondent_cannot_carry_over_outside_their_dimensions(world, client, previous_a):
    Answer.objects.create(response=previous_a, question="CAP-01-1", value=True, version=1)
    client.force_login(world.user("respondent_a"))
    assert _carry(client, world.response_a, "CAP-01-1").status_code == 403
    assert _carry(client, world.response_a, "POL-01-1").status_code == 200


def test_no_previous_cycle_means_no_last_answer(world, client):
    assert Response.objects.filter(agency=world.agency_a).count() == 1
    client.force_login(world.user("coordinator_a"))
    html = client.get(f"/responses/{world.response_a.pk}/policy/").content.decode()
    assert "/carry-over/" not in html


# --- reuse only when asked, and shown as reused -------------------------------------------

REUSED = "จาก พ.ศ. 2563"


def _block(html, code, next_code):
    start = html.index(f'id="q-{code}"')
    return html[start:html.index(f'id="q-{next_code}"', start)]


def test_last_cycles_evidence_is_not_reused_by_opening_the_new_cycle(world, client, previous_a):
    client.force_login(world.user("coordinator_a"))
    client.get(f"/responses/{world.response_a.pk}/")
    html = client.get(f"/responses/{world.response_a.pk}/policy/").content.decode()
    assert not Evidence.objects.filter(response=world.response_a).exists()
    assert not Answer.objects.filter(response=world.response_a).exists()
    evidence_part = _block(html, "POL-01-1", "POL-01-2").split('class="q-evidence"', 1)[1]
    assert "plan.pdf" not in evidence_part  # offered beside the question, not attached
    assert REUSED not in html


def test_carried_over_evidence_is_marked_with_its_year_on_the_questionnaire(
    world, client, previous_a
):
    client.force_login(world.user("coordinator_a"))
    assert _carry(client, world.response_a, "POL-01-1").status_code == 200
    copies = Evidence.objects.filter(response=world.response_a).select_related("carried_from")
    assert {c.carried_from.response_id for c in copies} == {previous_a.pk}
    assert {c.reused_from_year_be for c in copies} == {2563}
    html = client.get(f"/responses/{world.response_a.pk}/policy/").content.decode()
    evidence_part = _block(html, "POL-01-1", "POL-01-2").split('class="q-evidence"', 1)[1]
    assert evidence_part.count(REUSED) == 2  # the file and the web address
    # and on the evidence's own page
    page = client.get(
        f"/responses/{world.response_a.pk}/questions/POL-01-1/evidence/"
    ).content.decode()
    assert page.count(REUSED) == 2


def test_evidence_attached_this_cycle_carries_no_badge(world, client, previous_a):
    client.force_login(world.user("coordinator_a"))
    Evidence.objects.create(response=world.response_a, question="POL-01-1",
                            url="https://example.go.th/plan-2564.pdf",
                            uploaded_by=world.user("coordinator_a"))
    html = client.get(f"/responses/{world.response_a.pk}/policy/").content.decode()
    assert "plan-2564.pdf" in html
    assert REUSED not in html


def test_the_history_shows_what_was_carried_over_and_from_which_year(world, client, previous_a):
    client.force_login(world.user("coordinator_a"))
    _carry(client, world.response_a, "POL-01-1")
    added = AnswerChange.objects.filter(response=world.response_a, kind=ChangeKind.EVIDENCE_ADDED)
    assert {c.new_value["from_year_be"] for c in added} == {2563}
    html = client.get(f"/responses/{world.response_a.pk}/history/").content.decode()
    assert html.count(REUSED) == 3  # the answer and its two pieces of evidence


def test_a_carried_over_answer_is_marked_until_it_is_changed(world, client, previous_a):
    client.force_login(world.user("coordinator_a"))
    reply = _carry(client, world.response_a, "POL-02-2")
    assert REUSED in reply.json()["html"].split('class="q-meta"', 1)[1].split("</p>", 1)[0]
    html = client.get(f"/responses/{world.response_a.pk}/policy/").content.decode()
    assert REUSED in _block(html, "POL-02-2", "POL-03-1")
    post_answer(client, world.response_a, "POL-02-2", {"value": "once"}, version=1)
    html = client.get(f"/responses/{world.response_a.pk}/policy/").content.decode()
    assert REUSED not in _block(html, "POL-02-2", "POL-03-1")
