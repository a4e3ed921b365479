"""The clarification page shows each asked answer as a person reads it, not as stored."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from phrom.reviews.clarifications import clarification_request
from phrom.reviews.models import ReviewAssignment

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "yes", "choice"),
    [("th", "ใช่", "4 ครั้งขึ้นไป"), ("en", "Yes", "4 times or more")],
)
def test_the_asked_answers_show_their_labels(
    in_review: Any, client: Any, settings: Any, language: str, yes: str, choice: str
) -> None:
    world = in_review
    ReviewAssignment.objects.create(response=world.response_a, reviewer=world.user("reviewer"),
                                    assigned_by=world.user("administrator"))
    asked = clarification_request(
        response=world.response_a, questions=["POL-01-1", "POL-02-2"],
        deadline=timezone.localdate() + dt.timedelta(days=7), message="?",
        by=world.user("reviewer"),
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for persona in ("reviewer", "coordinator_a"):
        client.force_login(world.user(persona))
        page = client.get(f"/reviews/clarifications/{asked.pk}/").content.decode()
        assert yes in page
        assert choice in page
        assert ": True" not in page
        assert "four_plus" not in page
