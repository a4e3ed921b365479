"""Assigning reviewers, verdicts, review status, sign-off and the publication check."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils.translation import override

from phrom.accounts.models import Profile
from phrom.frameworks.models import Cycle, CycleStatus
from phrom.frameworks.services import LifecycleRefused, cycle_set_status
from phrom.responses.models import AnswerChange, ChangeKind
from phrom.reviews.models import PublishOverride, Review, ReviewAssignment, ReviewStatus
from phrom.reviews.selectors import claimed_and_verified
from phrom.reviews.services import (
    ReviewRefused,
    VerdictConflict,
    review_set_status,
    review_sign_off,
    reviewers_assign,
    verdict_save,
)

pytestmark = pytest.mark.django_db


def assign(world: Any, persona: str = "reviewer", **kwargs: Any) -> Any:
    kwargs.setdefault("agencies", [world.agency_a])
    return reviewers_assign(
        cycle=world.cycle, reviewer=world.user(persona), by=world.user("administrator"),
        **kwargs,
    )


def test_administrator_assigns_by_ministry_and_history_records_it(in_review: Any) -> None:
    world = in_review
    result = assign(world, agencies=None, ministry=world.agency_a.ministry)
    assert {a.response_id for a in result.created} == {world.response_a.pk, world.response_b.pk}
    assert AnswerChange.objects.filter(kind=ChangeKind.REVIEWER_ASSIGNED).count() == 2
    again = assign(world, agencies=None, group="service")
    assert again.created == [] and again.already == 2


def test_a_response_may_have_a_second_reviewer(in_review: Any) -> None:
    assign(in_review)
    assign(in_review, "lead_reviewer")
    assert ReviewAssignment.objects.filter(response=in_review.response_a).count() == 2


def test_nobody_reviews_their_own_agency(in_review: Any) -> None:
    world = in_review
    Profile.objects.filter(user=world.user("reviewer")).update(agency=world.agency_a)
    world.users["reviewer"] = type(world.user("reviewer")).objects.get(
        pk=world.user("reviewer").pk
    )
    result = assign(world, agencies=[world.agency_a, world.agency_b])
    assert result.own_agency == ["mot-drr"]
    assert [a.response_id for a in result.created] == [world.response_b.pk]


@pytest.mark.parametrize("persona", ["reviewer", "lead_reviewer", "coordinator_a", "executive"])
def test_only_administrators_assign(in_review: Any, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        reviewers_assign(cycle=in_review.cycle, reviewer=in_review.user("reviewer"),
                         by=in_review.user(persona), agencies=[in_review.agency_a])


def test_an_open_cycle_is_not_reviewed(world: Any) -> None:
    with override("en"), pytest.raises(ReviewRefused, match="closed or in review"):
        assign(world)


def test_a_coordinator_cannot_be_assigned(in_review: Any) -> None:
    with override("en"), pytest.raises(ReviewRefused, match="not a reviewer"):
        assign(in_review, "coordinator_b")


def save(world: Any, persona: str = "reviewer", **kwargs: Any) -> Any:
    kwargs.setdefault("question", "POL-01-3")
    kwargs.setdefault("verdict", "verified")
    kwargs.setdefault("base_version", 0)
    return verdict_save(response=world.response_a, by=world.user(persona), **kwargs)


def test_reviewer_verifies_and_the_review_starts(in_review: Any) -> None:
    assign(in_review)
    verdict = save(in_review, comment="แผนลงนามแล้ว")
    assert verdict.version == 1 and verdict.verdict == "verified"
    assert Review.objects.get(response=in_review.response_a).status == ReviewStatus.IN_PROGRESS
    kinds = list(AnswerChange.objects.filter(response=in_review.response_a)
                 .values_list("kind", flat=True))
    assert kinds == ["reviewer_assigned", "verdict", "review_status"]


def test_an_unassigned_reviewer_is_refused(in_review: Any) -> None:
    with pytest.raises(PermissionDenied):
        save(in_review)


def test_a_verified_value_that_differs_needs_a_reason(in_review: Any) -> None:
    assign(in_review)
    with override("en"), pytest.raises(ReviewRefused, match="give the reason"):
        save(in_review, verdict="partly_verified", set_verified_value=True,
             verified_value="40")
    verdict = save(in_review, verdict="partly_verified", set_verified_value=True,
                   verified_value="40", reason="Only 40% of services are online.")
    assert verdict.verified_value == 40.0
    change = AnswerChange.objects.get(kind=ChangeKind.VERDICT)
    assert change.reason == "Only 40% of services are online."
    assert change.new_value["verified_value"] == 40.0


def test_a_verified_value_equal_to_the_claim_needs_no_reason(in_review: Any) -> None:
    assign(in_review)
    assert save(in_review, set_verified_value=True, verified_value="80").verified_value == 80.0


def test_an_invalid_verified_value_is_refused_by_name(in_review: Any) -> None:
    assign(in_review)
    with override("en"), pytest.raises(ReviewRefused, match="POL-01-3"):
        save(in_review, set_verified_value=True, verified_value="lots", reason="x")


def test_a_stale_verdict_version_is_a_conflict(in_review: Any) -> None:
    assign(in_review)
    assign(in_review, "lead_reviewer")
    save(in_review)
    with override("en"), pytest.raises(VerdictConflict, match="Theirs is shown now"):
        save(in_review, "lead_reviewer", verdict="not_supported")
    assert save(in_review, "lead_reviewer", verdict="not_supported", base_version=1).version == 2


def test_an_unknown_question_or_verdict_is_refused(in_review: Any) -> None:
    assign(in_review)
    with override("en"), pytest.raises(ReviewRefused, match="no question"):
        save(in_review, question="NOPE-1")
    with override("en"), pytest.raises(ReviewRefused, match="not a verdict"):
        save(in_review, verdict="great")


def test_reviewer_completes_and_lead_signs_off(in_review: Any) -> None:
    world = in_review
    assign(world)
    save(world)
    review_set_status(response=world.response_a, status="complete", by=world.user("reviewer"))
    with override("en"), pytest.raises(ReviewRefused, match="cannot make it"):
        review_sign_off(response=world.response_a, by=world.user("reviewer"))
    review = review_sign_off(response=world.response_a, by=world.user("lead_reviewer"))
    assert review.status == "signed_off" and review.signed_off_by == world.user("lead_reviewer")
    assert AnswerChange.objects.filter(kind=ChangeKind.SIGNED_OFF).count() == 1
    with override("en"), pytest.raises(ReviewRefused, match="signed off"):
        save(world, base_version=1)


def test_a_review_with_questions_awaiting_clarification_cannot_complete(in_review: Any) -> None:
    world = in_review
    assign(world)
    save(world, verdict="needs_clarification")
    with override("en"), pytest.raises(ReviewRefused, match="POL-01-3"):
        review_set_status(response=world.response_a, status="complete",
                          by=world.user("reviewer"))


def test_lead_returns_a_signed_off_review(in_review: Any) -> None:
    world = in_review
    admin = world.user("administrator")
    review_set_status(response=world.response_a, status="signed_off", by=admin)
    review = review_set_status(response=world.response_a, status="in_progress",
                               by=world.user("lead_reviewer"), reason="Check POL-01-3 again")
    assert review.status == "in_progress" and review.signed_off_at is None


@pytest.mark.parametrize("persona", ["coordinator_a", "executive", "respondent_a", "outsider"])
def test_other_roles_change_no_review_status(in_review: Any, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        review_set_status(response=in_review.response_a, status="in_progress",
                          by=in_review.user(persona))


def test_unknown_status_is_refused(in_review: Any) -> None:
    with override("en"), pytest.raises(ReviewRefused, match="not a review status"):
        review_set_status(response=in_review.response_a, status="done",
                          by=in_review.user("administrator"))


def test_publication_waits_for_sign_off_unless_overridden(in_review: Any) -> None:
    world = in_review
    admin = world.user("administrator")
    with override("en"), pytest.raises(LifecycleRefused, match="2 submitted responses"):
        cycle_set_status(cycle=world.cycle, status="published", by=admin)
    assert Cycle.objects.get(pk=world.cycle.pk).status == CycleStatus.IN_REVIEW
    cycle_set_status(cycle=world.cycle, status="published", by=admin,
                     override_reason="Cabinet deadline; reviews continue.")
    override_row = PublishOverride.objects.get()
    assert override_row.unsigned == 2 and override_row.by == admin


def test_publication_after_every_sign_off(in_review: Any) -> None:
    world = in_review
    admin = world.user("administrator")
    for response in (world.response_a, world.response_b):
        review_set_status(response=response, status="signed_off", by=admin)
    cycle_set_status(cycle=world.cycle, status="published", by=admin)
    assert not PublishOverride.objects.exists()


def test_claimed_and_verified_totals_differ_by_the_adjustment(in_review: Any) -> None:
    world = in_review
    assign(world)
    before = claimed_and_verified(response=world.response_a)
    assert before is not None and before.total.claimed == before.total.verified
    save(world, verdict="partly_verified", set_verified_value=True, verified_value="40",
         reason="Half the services are not online.")
    after = claimed_and_verified(response=world.response_a)
    assert after is not None
    assert after.total.claimed == before.total.claimed
    assert after.total.verified < after.total.claimed
    policy = next(row for row in after.dimensions if row.code == "policy")
    assert policy.verified < policy.claimed
    changed = [row.code for row in after.indicators if row.difference != 0]
    assert changed == ["POL-01"]
    other = claimed_and_verified(response=world.response_b)
    assert other is not None and other.total.claimed == other.total.verified


def test_results_and_awards_are_computed_from_verified_values(in_review: Any) -> None:
    from phrom.results.selectors import scored_cycle

    world = in_review
    assign(world)
    claimed = scored_cycle(cycle=world.cycle).result
    index = claimed.index("mot-drr")
    claimed_total = float(claimed.published.total[index])
    save(world, verdict="not_supported", set_verified_value=True, verified_value="0",
         reason="No evidence of any service online.")
    verified = scored_cycle(cycle=world.cycle).result
    assert float(verified.published.total[verified.index("mot-drr")]) < claimed_total
    side = claimed_and_verified(response=world.response_a)
    assert side is not None
    assert side.total.verified == float(verified.published.total[verified.index("mot-drr")])
    assert side.total.claimed == claimed_total


def test_every_review_action_goes_into_the_responses_history(in_review: Any) -> None:
    world = in_review
    assign(world)
    save(world, verdict="needs_clarification")
    save(world, verdict="verified", base_version=1)
    review_set_status(response=world.response_a, status="complete", by=world.user("reviewer"))
    review_sign_off(response=world.response_a, by=world.user("lead_reviewer"))
    kinds = list(AnswerChange.objects.filter(response=world.response_a)
                 .order_by("at", "id").values_list("kind", "by__username"))
    assert kinds == [
        ("reviewer_assigned", "administrator@example.go.th"),
        ("verdict", "reviewer@example.go.th"),
        ("review_status", "reviewer@example.go.th"),
        ("verdict", "reviewer@example.go.th"),
        ("review_status", "reviewer@example.go.th"),
        ("signed_off", "lead_reviewer@example.go.th"),
    ]
    with pytest.raises(ValueError, match="append-only"):
        AnswerChange.objects.first().save()
