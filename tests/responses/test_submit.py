"""Completeness and submission: what is missing, who may submit, locked afterwards."""

from __future__ import annotations

import pytest

from phrom.responses.models import Answer, AnswerChange, ChangeKind, Evidence, ResponseStatus
from phrom.responses.selectors import missing_items
from phrom.responses.services import SubmitRefused, response_submit
from tests.conftest import in_english
from tests.responses.helpers import complete_response, post_answer

pytestmark = pytest.mark.django_db


def test_completeness_lists_missing_answers_and_evidence_with_links(world, client):
    client.force_login(world.user("coordinator_a"))
    page = client.get(f"/responses/{world.response_a.pk}/submit/").content.decode()
    # a required answer, linked to its place in its dimension's page
    assert f'href="/responses/{world.response_a.pk}/policy/#q-POL-01-1"' in page
    assert f'href="/responses/{world.response_a.pk}/technology/#q-' in page
    missing = missing_items(response=world.response_a)
    answers = [m for m in missing if m.kind == "answer"]
    evidence = [m for m in missing if m.kind == "evidence"]
    assert answers and evidence
    assert all(m.question.required for m in answers)
    assert all(m.question.evidence == "required" for m in evidence)
    assert "POL-03-2" not in {m.code for m in missing}  # optional text question


def test_required_evidence_needs_a_row_that_is_not_removed(world, client):
    client.force_login(world.user("coordinator_a"))
    post_answer(client, world.response_a, "POL-02-1", {"value": "yes"})

    def evidence_missing() -> set[str]:
        return {m.code for m in missing_items(response=world.response_a) if m.kind == "evidence"}

    assert "POL-02-1" in evidence_missing()
    item = Evidence.objects.create(response=world.response_a, question="POL-02-1",
                                   url="https://example.go.th/order.pdf")
    assert "POL-02-1" not in evidence_missing()
    item.removed_at = item.uploaded_at
    item.save()
    assert "POL-02-1" in evidence_missing()


def test_not_applicable_answers_need_no_evidence(world, client):
    client.force_login(world.user("coordinator_a"))
    post_answer(client, world.response_a, "POL-04-1", {"not_applicable": "on"})
    missing = {(m.kind, m.code) for m in missing_items(response=world.response_a)}
    assert ("answer", "POL-04-1") not in missing
    assert ("evidence", "POL-04-1") not in missing


def test_submitting_an_incomplete_response_is_refused_with_the_list(world, client):
    client.force_login(world.user("coordinator_a"))
    reply = client.post(f"/responses/{world.response_a.pk}/submit/")
    assert reply.status_code == 400
    assert 'role="alert"' in reply.content.decode()
    world.response_a.refresh_from_db()
    assert world.response_a.status != ResponseStatus.SUBMITTED
    with pytest.raises(SubmitRefused) as caught:
        response_submit(response=world.response_a, by=world.user("coordinator_a"))
    assert caught.value.missing


def test_coordinator_submits_a_complete_response_and_it_locks(world, client):
    coordinator = world.user("coordinator_a")
    complete_response(world.response_a, coordinator)
    client.force_login(coordinator)
    page = client.get(f"/responses/{world.response_a.pk}/submit/").content.decode()
    assert "#q-" not in page  # nothing missing
    reply = client.post(f"/responses/{world.response_a.pk}/submit/", {"confirm": "yes"})
    assert reply.status_code == 302
    world.response_a.refresh_from_db()
    assert world.response_a.status == ResponseStatus.SUBMITTED
    assert world.response_a.submitted_by == coordinator
    assert world.response_a.submitted_at is not None
    change = AnswerChange.objects.get(response=world.response_a, kind=ChangeKind.SUBMITTED)
    assert change.by == coordinator and change.new_value == "submitted"
    # locked: no save, no carry-over, no second submission; the page says so
    answer = Answer.objects.filter(response=world.response_a).first()
    reply = post_answer(client, world.response_a, answer.question, {"value": ""}, answer.version)
    assert reply.status_code == 423
    page = client.get(f"/responses/{world.response_a.pk}/").content.decode()
    assert "/carry-over/" not in page
    assert "data-editable" not in page
    reply = client.post(f"/responses/{world.response_a.pk}/submit/", {"confirm": "yes"})
    assert reply.status_code == 400
    assert AnswerChange.objects.filter(kind=ChangeKind.SUBMITTED).count() == 1


def test_a_submitter_named_with_an_abbreviation_gets_no_second_full_stop(world, client):
    coordinator = world.user("coordinator_a")
    coordinator.first_name, coordinator.last_name = "ทช.", ""
    coordinator.save()
    complete_response(world.response_a, coordinator)
    response_submit(response=world.response_a, by=coordinator)
    client.force_login(coordinator)

    pages = (f"/responses/{world.response_a.pk}/submit/", "/")  # the submit page, the home
    for url in pages:
        assert "โดย ทช. คำตอบถูกล็อกแล้ว" in client.get(url).content.decode()
    for url in pages:
        english = in_english(client).get(url).content.decode()
        assert "(by ทช.). The answers are locked." in english
        assert "ทช.." not in english


@pytest.mark.parametrize("persona", ["respondent_a", "administrator", "reviewer", "executive"])
def test_only_the_coordinator_can_submit(world, client, persona):
    complete_response(world.response_a, world.user("coordinator_a"))
    client.force_login(world.user(persona))
    reply = client.post(f"/responses/{world.response_a.pk}/submit/", {"confirm": "yes"})
    assert reply.status_code == 403
    world.response_a.refresh_from_db()
    assert world.response_a.status == ResponseStatus.IN_PROGRESS
    with pytest.raises(SubmitRefused):
        response_submit(response=world.response_a, by=world.user(persona))


def test_another_agencys_coordinator_cannot_submit(world, client):
    complete_response(world.response_a, world.user("coordinator_a"))
    client.force_login(world.user("coordinator_b"))
    reply = client.post(f"/responses/{world.response_a.pk}/submit/", {"confirm": "yes"})
    assert reply.status_code == 404


def test_the_submit_page_asks_to_confirm_that_the_answers_will_lock(world, client):
    complete_response(world.response_a, world.user("coordinator_a"))
    client.force_login(world.user("coordinator_a"))
    page = client.get(f"/responses/{world.response_a.pk}/submit/").content.decode()
    # a real checkbox with its label: keyboard-operable, no script needed
    assert 'type="checkbox" name="confirm" value="yes" id="qn-submit-confirm"' in page
    assert '<label for="qn-submit-confirm">' in page


def test_a_submission_without_the_confirmation_is_refused_and_changes_nothing(world, client):
    complete_response(world.response_a, world.user("coordinator_a"))
    client.force_login(world.user("coordinator_a"))
    reply = client.post(f"/responses/{world.response_a.pk}/submit/")
    assert reply.status_code == 400
    page = reply.content.decode()
    assert 'role="alert"' in page and "ยืนยัน" in page  # Thai: "confirm"
    world.response_a.refresh_from_db()
    assert world.response_a.status != ResponseStatus.SUBMITTED
    assert not AnswerChange.objects.filter(kind=ChangeKind.SUBMITTED).exists()
    with pytest.raises(SubmitRefused):
        response_submit(response=world.response_a, by=world.user("coordinator_a"),
                        confirmed=False)


def test_an_incomplete_response_lists_what_is_missing_before_asking_to_confirm(world, client):
    client.force_login(world.user("coordinator_a"))
    reply = client.post(f"/responses/{world.response_a.pk}/submit/")
    assert reply.status_code == 400
    assert "ยังไม่ครบ" in reply.content.decode()  # Thai: "not complete yet"
