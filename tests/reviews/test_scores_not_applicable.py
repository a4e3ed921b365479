"""An indicator answered "not applicable" has no score: the scores page says so with a dash,
never "nan"."""

from __future__ import annotations

import math
from typing import Any

import pytest

from phrom.responses.models import Answer
from phrom.reviews.selectors import claimed_and_verified
from phrom.reviews.services import reviewers_assign

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["th", "en"])
def test_an_indicator_without_a_score_shows_a_dash_not_nan(
    in_review: Any, client: Any, settings: Any, language: str
) -> None:
    world = in_review
    Answer.objects.create(response=world.response_a, question="TEC-05-1", value=None,
                          not_applicable=True, version=1)
    reviewers_assign(cycle=world.cycle, reviewer=world.user("reviewer"),
                     by=world.user("administrator"), agencies=[world.agency_a])
    scores = claimed_and_verified(response=world.response_a)
    assert scores is not None
    row = next(r for r in scores.indicators if r.code == "TEC-05")
    assert math.isnan(row.claimed)  # the engine's "no score", kept as it is
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(world.user("reviewer"))
    for url in (f"/reviews/{world.response_a.pk}/scores/", f"/reviews/{world.response_a.pk}/"):
        page = client.get(url).content.decode()
        assert "TEC-05" in page
        assert ">nan<" not in page, url
