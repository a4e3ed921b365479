"""The agency reaches its claimed and verified scores from its response page, once published."""

from __future__ import annotations

from typing import Any

import pytest

from phrom.frameworks.models import Cycle, CycleStatus
from tests.reviews.test_pages import client_of

pytestmark = pytest.mark.django_db


def test_agency_links_to_its_scores_only_after_publication(in_review: Any) -> None:
    world = in_review
    scores = f"/reviews/{world.response_a.pk}/scores/"
    coordinator = client_of(world, "coordinator_a")
    page = coordinator.get(f"/responses/{world.response_a.pk}/").content.decode()
    assert f'href="{scores}"' not in page
    assert coordinator.get(scores).status_code == 404
    Cycle.objects.filter(pk=world.cycle.pk).update(status=CycleStatus.PUBLISHED)
    page = coordinator.get(f"/responses/{world.response_a.pk}/").content.decode()
    assert f'<a href="{scores}">Claimed and verified scores</a>' in page
    reply = coordinator.get(scores)
    assert reply.status_code == 200 and "Claimed and verified scores" in reply.content.decode()
    assert client_of(world, "coordinator_b").get(scores).status_code == 404
