"""The cycle page of a cycle in review leads to the publication page, where an
administrator publishes with a recorded reason before every response is signed off, and
that page says that publishing cannot be undone."""

from __future__ import annotations

from typing import Any

import pytest

from phrom.frameworks.models import Cycle, CycleStatus

pytestmark = pytest.mark.django_db


def test_the_cycle_in_review_links_to_the_publication_page_which_warns(world: Any, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.user("administrator"))
    html = client.get("/cycles/th-2564/").content.decode()
    assert "/reviews/publish/th-2564/" not in html  # open: nothing to publish yet
    Cycle.objects.filter(pk=world.cycle.pk).update(status=CycleStatus.IN_REVIEW)
    html = client.get("/cycles/th-2564/").content.decode()
    assert 'href="/reviews/publish/th-2564/"' in html
    page = client.get("/reviews/publish/th-2564/").content.decode()
    assert "ยกเลิกภายหลังไม่ได้" in page
