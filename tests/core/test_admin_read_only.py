"""The Django admin shows answers, responses, frameworks and cycles but changes none of them:
those change through the services, which version them and write the history."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from phrom.frameworks.models import Cycle, CycleStatus, Framework
from phrom.responses.models import Answer, AnswerChange, Response, ResponseStatus
from phrom.responses.services import answer_save
from tests.responses.helpers import complete_response

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    superuser = get_user_model().objects.create_superuser(
        username="root@example.go.th", email="root@example.go.th", password="x-Root-Password-9"
    )
    client.force_login(superuser)
    return client


@pytest.fixture
def submitted(world):
    """Response A, complete and submitted, with one answer saved through the service."""
    from phrom.responses.services import response_submit

    coordinator = world.user("coordinator_a")
    complete_response(world.response_a, coordinator)
    response_submit(response=world.response_a, by=coordinator)
    return world.response_a


def test_a_superuser_cannot_change_a_submitted_answer_through_the_admin(
    world, submitted, superuser_client
):
    answer = Answer.objects.filter(response=submitted).order_by("question").first()
    before = (answer.value, answer.version, answer.updated_at)
    history = AnswerChange.objects.count()
    url = f"/admin/responses/answer/{answer.pk}/change/"

    page = superuser_client.get(url)
    assert page.status_code == 200  # shown, read-only
    assert 'name="value"' not in page.content.decode()
    reply = superuser_client.post(url, {
        "response": submitted.pk, "question": answer.question, "value": "999",
        "not_applicable": "", "explanation": "", "version": answer.version + 1,
    })

    assert reply.status_code == 403
    answer.refresh_from_db()
    assert (answer.value, answer.version, answer.updated_at) == before
    assert AnswerChange.objects.count() == history


def test_a_superuser_cannot_change_a_response_status_through_the_admin(
    world, submitted, superuser_client
):
    url = f"/admin/responses/response/{submitted.pk}/change/"
    reply = superuser_client.post(url, {
        "cycle": world.cycle.pk, "agency": world.agency_a.pk, "status": "in_progress",
    })

    assert reply.status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == ResponseStatus.SUBMITTED


@pytest.mark.parametrize(
    "url",
    [
        "/admin/responses/response/{response}/delete/",
        "/admin/responses/answer/{answer}/delete/",
        "/admin/responses/answer/add/",
        "/admin/responses/response/add/",
        "/admin/frameworks/cycle/add/",
        "/admin/frameworks/cycle/{cycle}/delete/",
        "/admin/frameworks/framework/add/",
    ],
)
def test_a_superuser_cannot_add_or_delete_responses_answers_or_cycles(
    world, superuser_client, url
):
    coordinator = world.user("coordinator_a")
    question = world.cycle.framework.spec().question("POL-04-2")
    answer_save(response=world.response_a, question=question, value=10, not_applicable=False,
                explanation="", base_version=0, by=coordinator)
    answer = Answer.objects.get()
    counts = (Response.objects.count(), Answer.objects.count(), Cycle.objects.count(),
              Framework.objects.count())
    url = url.format(response=world.response_a.pk, answer=answer.pk, cycle=world.cycle.pk)

    assert superuser_client.post(url, {"post": "yes"}).status_code == 403
    assert (Response.objects.count(), Answer.objects.count(), Cycle.objects.count(),
            Framework.objects.count()) == counts


def test_the_bulk_delete_action_is_not_offered_for_responses(world, superuser_client):
    reply = superuser_client.post("/admin/responses/response/", {
        "action": "delete_selected", "_selected_action": [world.response_a.pk], "post": "yes",
    })
    assert reply.status_code in (200, 302)
    assert Response.objects.filter(pk=world.response_a.pk).exists()


def test_a_superuser_cannot_change_a_cycle_status_or_deadline_through_the_admin(
    world, superuser_client
):
    cycle = world.cycle
    url = f"/admin/frameworks/cycle/{cycle.pk}/change/"
    reply = superuser_client.post(url, {
        "code": cycle.code, "year_be": cycle.year_be, "framework": cycle.framework_id,
        "status": CycleStatus.PUBLISHED, "deadline_0": "2030-01-01", "deadline_1": "00:00",
    })

    assert reply.status_code == 403
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.OPEN
    assert cycle.deadline is None


def test_a_superuser_cannot_edit_a_framework_text_through_the_admin(world, superuser_client):
    framework = world.cycle.framework
    source = framework.source
    reply = superuser_client.post(f"/admin/frameworks/framework/{framework.pk}/change/", {
        "code": framework.code, "name_th": "x", "name_en": "x", "year_be": 2564,
        "source": source.replace("weight:", "weight: 0 #", 1), "source_name": "x.yaml",
    })

    assert reply.status_code == 403
    framework.refresh_from_db()
    assert framework.source == source
    assert framework.name_th != "x"


def test_the_admin_still_lists_responses_answers_and_cycles(world, superuser_client):
    for url in ("/admin/responses/response/", "/admin/responses/answer/",
                "/admin/frameworks/cycle/", "/admin/frameworks/framework/"):
        assert superuser_client.get(url).status_code == 200
