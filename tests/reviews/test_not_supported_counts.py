"""A "not supported" verdict counts: the evidence does not support the claim, so the
verified figures count the answer as unanswered unless the reviewer sets the value the
evidence does support. Other verdicts without a value keep the claim."""

from __future__ import annotations

from typing import Any

import pytest

from phrom.frameworks.models import Cycle, CycleStatus
from phrom.results.adapter import score_cycle_from_db
from phrom.reviews.models import Verdict, VerdictKind
from tests.conftest import submit_yes_no_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewed(world: Any) -> Any:
    submit_yes_no_answers(world)  # A answers yes to every yes/no question
    Cycle.objects.filter(pk=world.cycle.pk).update(status=CycleStatus.IN_REVIEW)
    world.cycle.refresh_from_db()
    return world


def totals(world: Any) -> tuple[float, float]:
    """Agency A's claimed and verified totals."""
    claimed = score_cycle_from_db(cycle=world.cycle).result.to_rows()
    verified = score_cycle_from_db(cycle=world.cycle, verified=True).result.to_rows()
    pick = next(r["total"] for r in claimed if r["agency"] == "mot-drr")
    return pick, next(r["total"] for r in verified if r["agency"] == "mot-drr")


def judge(world: Any, kind: str, **value: Any) -> None:
    Verdict.objects.create(response=world.response_a, question="POL-01-1", verdict=kind,
                           reason="หลักฐานไม่ตรง", by=world.user("reviewer"), **value)


def test_not_supported_without_a_value_counts_the_answer_as_unanswered(reviewed: Any) -> None:
    claimed, verified = totals(reviewed)
    assert claimed == verified
    judge(reviewed, VerdictKind.NOT_SUPPORTED)
    claimed_after, verified_after = totals(reviewed)
    assert claimed_after == claimed and verified_after < claimed
    # the same as a reviewer who set the value "no" (POL-01-1 is a yes/no question)
    Verdict.objects.all().delete()
    judge(reviewed, VerdictKind.NOT_SUPPORTED, has_verified_value=True, verified_value=False)
    assert totals(reviewed)[1] == verified_after


def test_a_value_the_evidence_supports_is_used_instead(reviewed: Any) -> None:
    claimed, _ = totals(reviewed)
    judge(reviewed, VerdictKind.NOT_SUPPORTED, has_verified_value=True, verified_value=True)
    assert totals(reviewed) == (claimed, claimed)


@pytest.mark.parametrize("kind", [VerdictKind.VERIFIED, VerdictKind.PARTLY_VERIFIED,
                                  VerdictKind.NEEDS_CLARIFICATION])
def test_other_verdicts_without_a_value_keep_the_claim(reviewed: Any, kind: str) -> None:
    claimed, _ = totals(reviewed)
    judge(reviewed, kind)
    assert totals(reviewed) == (claimed, claimed)


def test_the_review_page_says_what_a_not_supported_verdict_does(in_review: Any, client) -> None:  # type: ignore[no-untyped-def]
    from phrom.reviews.services import reviewers_assign

    reviewers_assign(cycle=in_review.cycle, reviewer=in_review.user("reviewer"),
                     agencies=[in_review.agency_a], by=in_review.user("administrator"))
    judge(in_review, VerdictKind.NOT_SUPPORTED)
    client.force_login(in_review.user("reviewer"))
    page = client.get(f"/reviews/{in_review.response_a.pk}/").content.decode()
    assert "คะแนนหลังตรวจสอบนับคำตอบนี้เป็นยังไม่ได้ตอบ" in page
    assert "จะนับคำตอบนั้นเป็นยังไม่ได้ตอบ" in page  # the note above the answers


def test_the_clarification_form_says_unanswered_answers_count_as_unanswered(in_review: Any, client) -> None:  # type: ignore[no-untyped-def]
    from phrom.reviews.services import reviewers_assign

    reviewers_assign(cycle=in_review.cycle, reviewer=in_review.user("reviewer"),
                     agencies=[in_review.agency_a], by=in_review.user("administrator"))
    client.force_login(in_review.user("reviewer"))
    page = client.get(f"/reviews/{in_review.response_a.pk}/clarify/").content.decode()
    assert "คะแนนหลังตรวจสอบจะนับคำตอบเหล่านั้นเป็นยังไม่ได้ตอบ" in page
