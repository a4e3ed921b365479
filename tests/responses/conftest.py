"""Fixtures of the questionnaire tests (personas come from tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from phrom.accounts.models import Profile
from phrom.frameworks.models import Cycle
from phrom.responses.models import Answer, Evidence, Response
from tests.conftest import PASSWORD


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    """Uploaded files in a folder of the test's own, at the default upload limit."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    settings.PHROM_MAX_UPLOAD_MB = 20
    return root


@pytest.fixture
def spec(world: Any) -> Any:
    return world.cycle.framework.spec()


@pytest.fixture
def second_coordinator_a(world: Any) -> Any:
    """Another coordinator of agency A, to edit the same answers at the same time."""
    user = get_user_model().objects.create_user(
        username="coordinator_a2@example.go.th", email="coordinator_a2@example.go.th",
        password=PASSWORD, first_name="Somchai", last_name="Jaidee",
    )
    Profile.objects.create(user=user, role="coordinator", agency=world.agency_a)
    return user


@pytest.fixture
def previous_a(world: Any) -> Response:
    """Agency A's response in the previous cycle (B.E. 2563), with a few answers."""
    previous_cycle = Cycle.objects.get(pk=world.cycle.previous_id)
    response = Response.objects.create(cycle=previous_cycle, agency=world.agency_a,
                                       status="submitted")
    Answer.objects.create(response=response, question="POL-01-1", value=True,
                          explanation="แผนลงนามแล้ว", version=3)
    Answer.objects.create(response=response, question="POL-02-2", value="two_three", version=1)
    Answer.objects.create(response=response, question="POL-04-1", value=None,
                          not_applicable=True, version=1)
    Evidence.objects.create(response=response, question="POL-01-1",
                            url="https://example.go.th/plan-2563.pdf")
    Evidence.objects.create(response=response, question="POL-01-1",
                            file="evidence/old/plan.pdf", original_name="plan.pdf",
                            size=1234, sha256="a" * 64)
    Evidence.objects.create(response=response, question="POL-01-1",
                            url="https://example.go.th/removed.pdf",
                            removed_at="2021-01-01T00:00:00+07:00")
    return response
