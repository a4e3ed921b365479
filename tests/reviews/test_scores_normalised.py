"""The review page's claimed and verified scores under a cohort-normalised framework: each
agency's scores depend on every agency's answers, so they come from the whole cycle, and
they follow each verdict."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from phrom.frameworks.models import Cycle, CycleStatus
from phrom.frameworks.services import load_framework
from phrom.responses.models import Answer, Response, ResponseStatus
from phrom.results.adapter import score_cycle_from_db
from phrom.reviews.selectors import claimed_and_verified
from phrom.reviews.services import reviewers_assign, verdict_save
from tests.conftest import FRAMEWORKS

pytestmark = pytest.mark.django_db


@pytest.fixture
def normalised(world: Any, tmp_path: Path) -> Any:
    """The world's th-2564 scored with min-max normalisation over the cohort, responses A
    and B submitted with different answers, the cycle in review."""
    text = (FRAMEWORKS / "th-2564.yaml").read_text(encoding="utf-8")
    assert text.count("normalisation: none") == 1
    path = tmp_path / "th-2564.yaml"
    path.write_text(text.replace("normalisation: none", "normalisation: minmax"),
                    encoding="utf-8")
    load_framework(path=path)
    for response, level in ((world.response_a, 80.0), (world.response_b, 20.0)):
        Answer.objects.create(response=response, question="POL-01-1", value=level > 50,
                              version=1)
        Answer.objects.create(response=response, question="POL-01-3", value=level, version=1)
    Response.objects.filter(pk__in=[world.response_a.pk, world.response_b.pk]).update(
        status=ResponseStatus.SUBMITTED)
    Cycle.objects.filter(pk=world.cycle.pk).update(status=CycleStatus.IN_REVIEW)
    for r in (world.cycle, world.response_a, world.response_b):
        r.refresh_from_db()
    assert world.cycle.framework.spec().normalisation == "minmax"
    reviewers_assign(cycle=world.cycle, reviewer=world.user("reviewer"),
                     by=world.user("administrator"), agencies=[world.agency_a])
    return world


def rows_of(scores: Any) -> list[tuple[str, float, float]]:
    return [(r.code, r.claimed, r.verified)
            for r in [scores.total, *scores.dimensions, *scores.indicators]]


def same(a: list[tuple[str, float, float]], b: list[tuple[str, float, float]]) -> bool:
    return all(x[0] == y[0] and all(math.isclose(p, q) or (math.isnan(p) and math.isnan(q))
                                    for p, q in zip(x[1:], y[1:], strict=True))
               for x, y in zip(a, b, strict=True)) and len(a) == len(b)


def fresh(world: Any) -> list[tuple[str, float, float]]:
    """Response A's scores from the whole cycle scored afresh, as claimed and verified."""
    claimed = score_cycle_from_db(cycle=world.cycle, with_previous=False).result
    verified = score_cycle_from_db(cycle=world.cycle, with_previous=False, verified=True).result
    ci, vi = claimed.index("mot-drr"), verified.index("mot-drr")
    spec = claimed.framework
    return (
        [("total", float(claimed.published.total[ci]), float(verified.published.total[vi]))]
        + [(d.code, float(claimed.published.dimensions[ci, j]),
            float(verified.published.dimensions[vi, j])) for j, d in enumerate(spec.dimensions)]
        + [(i.code, float(claimed.published_indicators[ci, j]),
            float(verified.published_indicators[vi, j])) for j, i in enumerate(spec.indicators)]
    )


def test_the_scores_are_the_whole_cycles_and_follow_a_verdict(normalised: Any) -> None:
    world = normalised
    before = claimed_and_verified(response=world.response_a)
    assert before is not None
    assert same(rows_of(before), fresh(world))
    assert before.total.claimed == before.total.verified
    # The reviewer finds A's answers to POL-01 below B's: under min-max over the cohort,
    # A's verified policy score falls from the top to the bottom.
    verdict_save(response=world.response_a, question="POL-01-1", verdict="partly_verified",
                 by=world.user("reviewer"), base_version=0, set_verified_value=True,
                 verified_value=False, reason="No plan was approved.")
    verdict_save(response=world.response_a, question="POL-01-3", verdict="partly_verified",
                 by=world.user("reviewer"), base_version=0, set_verified_value=True,
                 verified_value=10.0, reason="Only 10% are online.")
    after = claimed_and_verified(response=world.response_a)
    assert after is not None
    assert same(rows_of(after), fresh(world))
    assert after.total.claimed == before.total.claimed
    assert after.total.verified < before.total.verified


def test_a_changed_claim_moves_the_claimed_scores(normalised: Any) -> None:
    world = normalised
    before = claimed_and_verified(response=world.response_a)
    # B's claim changes outside the services (an import, the database): under min-max,
    # A's scores depend on it.
    Answer.objects.filter(response=world.response_b, question="POL-01-1").update(
        value=True, version=2)
    Answer.objects.filter(response=world.response_b, question="POL-01-3").update(
        value=95.0, version=2)
    after = claimed_and_verified(response=world.response_a)
    assert before is not None and after is not None
    assert same(rows_of(after), fresh(world))
    assert rows_of(after) != rows_of(before)
