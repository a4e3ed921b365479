"""A coordinator's home page lists the clarification requests the agency can still
answer, and none it can no longer answer (past their deadline, in a published cycle)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from phrom.frameworks.models import Cycle, CycleStatus
from phrom.responses.models import Response, ResponseStatus
from phrom.reviews.models import ClarificationRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked(world: Any) -> Any:
    Response.objects.filter(pk=world.response_a.pk).update(status=ResponseStatus.SUBMITTED)
    Cycle.objects.filter(pk=world.cycle.pk).update(status=CycleStatus.IN_REVIEW)
    world.request = ClarificationRequest.objects.create(
        response=world.response_a, questions=["POL-01-1"], message="กรุณาแนบเอกสาร",
        deadline=dt.date.today() + dt.timedelta(days=7), asked_by=world.user("reviewer"))
    return world


def listed(client: Any, world: Any) -> bool:
    client.force_login(world.user("coordinator_a"))
    return f"/reviews/clarifications/{world.request.pk}/" in client.get("/").content.decode()


def test_a_request_the_agency_can_answer_is_listed(client: Any, asked: Any) -> None:
    assert listed(client, asked)


def test_a_request_past_its_deadline_is_not(client: Any, asked: Any) -> None:
    ClarificationRequest.objects.filter(pk=asked.request.pk).update(
        deadline=dt.date.today() - dt.timedelta(days=1))
    assert not listed(client, asked)


def test_a_request_of_a_published_cycle_is_not(client: Any, asked: Any) -> None:
    Cycle.objects.filter(pk=asked.cycle.pk).update(status=CycleStatus.PUBLISHED)
    assert not listed(client, asked)
