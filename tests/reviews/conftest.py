"""Fixtures of the review tests (personas come from tests/conftest.py)."""

from __future__ import annotations

from typing import Any

import pytest

from phrom.frameworks.models import Cycle, CycleStatus
from phrom.responses.models import Answer, Response, ResponseStatus


@pytest.fixture
def in_review(world: Any) -> Any:
    """The world's cycle in review, responses A and B submitted with a few answers."""
    Cycle.objects.filter(pk=world.cycle.pk).update(status=CycleStatus.IN_REVIEW)
    world.cycle.refresh_from_db()
    for response in (world.response_a, world.response_b):
        Answer.objects.create(response=response, question="POL-01-1", value=True, version=1)
        Answer.objects.create(response=response, question="POL-01-3", value=80.0, version=1)
        Answer.objects.create(response=response, question="POL-02-2", value="four_plus",
                              version=1)
    Response.objects.filter(pk__in=[world.response_a.pk, world.response_b.pk]).update(
        status=ResponseStatus.SUBMITTED
    )
    world.response_a.refresh_from_db()
    world.response_b.refresh_from_db()
    return world
