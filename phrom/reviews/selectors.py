"""Reads of reviews: the queue, reviewers' workload, one response's review page, and
claimed against verified scores by the same engine."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet

from phrom.accounts.gates import may_see_all_reviews, profile_of
from phrom.accounts.models import Role
from phrom.frameworks.models import Cycle
from phrom.responses.models import Answer, Evidence, Response, ResponseStatus
from phrom.results.adapter import cycle_answers, verified_cycle_answers
from phrom.results.selectors import kept_claims, kept_figures
from phrom.reviews.models import (
    ClarificationStatus,
    PublishOverride,
    ReviewAssignment,
    ReviewStatus,
    Verdict,
)
from scoring.result import score_cycle

REVIEWER_ROLES = (Role.REVIEWER, Role.LEAD_REVIEWER)


def review_queue(
    *,
    user: Any,
    cycle: Cycle | None = None,
    ministry_id: int | None = None,
    group: str = "",
    status: str = "",
    search: str = "",
) -> QuerySet[Response]:
    """The submitted responses USER reviews (all of them for lead reviewers and
    administrators, the assigned ones for reviewers), filtered; each with
    ``review_status``, ``reviewer_count``, and the clarification requests that wait for
    the agency (``clarifications_open``) or for the reviewer (``clarifications_answered``)."""
    responses = Response.objects.filter(status=ResponseStatus.SUBMITTED).select_related(
        "cycle", "agency__ministry"
    )
    if not may_see_all_reviews(profile_of(user)):
        # a subquery, not a join: a join on the user's own assignments would also be the
        # one ``reviewer_count`` counts, and every response would have one reviewer
        responses = responses.filter(
            pk__in=ReviewAssignment.objects.filter(reviewer_id=user.pk).values("response_id")
        )
    if cycle is not None:
        responses = responses.filter(cycle=cycle)
    if ministry_id is not None:
        responses = responses.filter(agency__ministry_id=ministry_id)
    if group:
        responses = responses.filter(agency__group=group)
    if status == ReviewStatus.NOT_STARTED:
        responses = responses.filter(
            Q(review__isnull=True) | Q(review__status=ReviewStatus.NOT_STARTED)
        )
    elif status:
        responses = responses.filter(review__status=status)
    search = search.strip()
    if search:
        responses = responses.filter(
            Q(agency__name_th__icontains=search)
            | Q(agency__name_en__icontains=search)
            | Q(agency__code__icontains=search)
        )
    return responses.annotate(
        reviewer_count=Count("review_assignments", distinct=True),
        clarifications_open=Count(
            "clarifications", filter=Q(clarifications__status=ClarificationStatus.OPEN),
            distinct=True,
        ),
        clarifications_answered=Count(
            "clarifications", filter=Q(clarifications__status=ClarificationStatus.ANSWERED),
            distinct=True,
        ),
    ).order_by(
        "cycle__code", "agency__code"
    ).select_related("review")


@dataclass(frozen=True)
class ReviewerLoad:
    user: Any
    assigned: int
    started: int
    complete: int
    signed_off: int


def reviewer_loads(*, cycle: Cycle | None = None) -> list[ReviewerLoad]:
    """Each reviewer's and lead reviewer's assignments and how far they have gone."""
    scope = Q(review_assignments__response__cycle=cycle) if cycle is not None else Q()
    status = "review_assignments__response__review__status"
    users = (
        get_user_model().objects.filter(profile__role__in=REVIEWER_ROLES)
        .select_related("profile")
        .annotate(
            assigned=Count("review_assignments", filter=scope, distinct=True),
            started=Count(
                "review_assignments",
                filter=scope & Q(**{f"{status}__in": [
                    ReviewStatus.IN_PROGRESS, ReviewStatus.AWAITING_AGENCY
                ]}),
                distinct=True,
            ),
            complete=Count(
                "review_assignments", filter=scope & Q(**{status: ReviewStatus.COMPLETE}),
                distinct=True,
            ),
            signed_off=Count(
                "review_assignments", filter=scope & Q(**{status: ReviewStatus.SIGNED_OFF}),
                distinct=True,
            ),
        )
        .order_by("username")
    )
    return [
        ReviewerLoad(
            user=u, assigned=u.assigned, started=u.started, complete=u.complete,
            signed_off=u.signed_off,
        )
        for u in users
    ]


def reviewers() -> list[Any]:
    """Reviewers and lead reviewers, by user name."""
    return list(
        get_user_model().objects.filter(profile__role__in=REVIEWER_ROLES)
        .select_related("profile").order_by("username")
    )


def assignments_of(*, response: Response) -> list[ReviewAssignment]:
    return list(
        ReviewAssignment.objects.filter(response=response).select_related("reviewer")
    )


@dataclass(frozen=True)
class ReviewItem:
    question: Any  # scoring.model.Question
    dimension: Any
    indicator: Any
    answer: Answer | None
    evidence: list[Evidence]
    previous_answer: Answer | None
    previous_evidence: list[Evidence]
    verdict: Verdict | None


def review_items(*, response: Response, question: str | None = None) -> list[ReviewItem]:
    """Every question of RESPONSE's framework (only QUESTION, when given) with its answer,
    evidence, last cycle's answer and evidence, and the verdict, in a fixed number of
    queries."""
    spec = response.cycle.framework.spec()
    only = Q(question=question) if question is not None else Q()
    answers = {a.question: a for a in Answer.objects.filter(only, response=response)}
    evidence: dict[str, list[Evidence]] = {}
    for item in Evidence.objects.filter(only, response=response, removed_at__isnull=True):
        evidence.setdefault(item.question, []).append(item)
    verdicts = {v.question: v for v in Verdict.objects.filter(only, response=response)}
    previous_answers: dict[str, Answer] = {}
    previous_evidence: dict[str, list[Evidence]] = {}
    if response.cycle.previous_id is not None:
        previous = Response.objects.filter(
            cycle_id=response.cycle.previous_id, agency_id=response.agency_id
        ).first()
        if previous is not None:
            previous_answers = {
                a.question: a for a in Answer.objects.filter(only, response=previous)
            }
            for item in Evidence.objects.filter(only, response=previous, removed_at__isnull=True):
                previous_evidence.setdefault(item.question, []).append(item)
    items = []
    for dimension in spec.dimensions:
        for indicator in dimension.indicators:
            for spec_question in indicator.questions:
                if question is not None and spec_question.code != question:
                    continue
                code = spec_question.code
                items.append(ReviewItem(
                    question=spec_question, dimension=dimension, indicator=indicator,
                    answer=answers.get(code),
                    evidence=evidence.get(code, []),
                    previous_answer=previous_answers.get(code),
                    previous_evidence=previous_evidence.get(code, []),
                    verdict=verdicts.get(code),
                ))
    return items


@dataclass(frozen=True)
class ScoreRow:
    code: str
    name: Any  # scoring.model.Bilingual
    claimed: float
    verified: float

    @property
    def difference(self) -> float:
        return self.verified - self.claimed

    # For the page: None where the engine gives no score (NaN, e.g. an indicator answered
    # "not applicable"), so that the page shows a dash rather than "nan".
    @property
    def claimed_shown(self) -> float | None:
        return None if math.isnan(self.claimed) else self.claimed

    @property
    def verified_shown(self) -> float | None:
        return None if math.isnan(self.verified) else self.verified

    @property
    def difference_shown(self) -> float | None:
        return None if math.isnan(self.difference) else self.difference


@dataclass(frozen=True)
class SideBySide:
    total: ScoreRow
    dimensions: list[ScoreRow]
    indicators: list[ScoreRow]
    # decimals the framework shows its scores with
    precision: int = 2


def claimed_and_verified(*, response: Response) -> SideBySide | None:
    """RESPONSE's total, dimensions and indicators scored by the same engine twice: from
    the answers as claimed and as verified. None when the response is not submitted (it
    is not scored)."""
    if response.status != ResponseStatus.SUBMITTED:
        return None
    cycle = response.cycle
    spec = cycle.framework.spec()
    if spec.normalisation == "none":
        # An agency's scores depend on its own answers only: score this response alone.
        claimed_answers, _a, _s = cycle_answers(cycle=cycle, spec=spec, response_id=response.pk)
        verified_answers, _a, _s = verified_cycle_answers(
            cycle=cycle, spec=spec, response_id=response.pk
        )
        claimed = score_cycle(spec, list(claimed_answers.values()))
        verified = score_cycle(spec, list(verified_answers.values()))
    else:
        # Normalised over the cohort: the whole cycle, as claimed and as verified, each kept
        # per process until what it is computed from changes (a verdict, an answer).
        claimed = kept_claims(cycle).result
        verified = kept_figures(cycle).result
    code = response.agency.code
    if code not in claimed.agencies:
        return None
    ci, vi = claimed.index(code), verified.index(code)
    spec = claimed.framework
    total = ScoreRow(
        code="total", name=spec.name, claimed=float(claimed.published.total[ci]),
        verified=float(verified.published.total[vi]),
    )
    dimensions = [
        ScoreRow(
            code=d.code, name=d.name, claimed=float(claimed.published.dimensions[ci, j]),
            verified=float(verified.published.dimensions[vi, j]),
        )
        for j, d in enumerate(spec.dimensions)
    ]
    indicators_spec = list(spec.indicators)
    indicators = [
        ScoreRow(
            code=i.code, name=i.name, claimed=float(claimed.published_indicators[ci, j]),
            verified=float(verified.published_indicators[vi, j]),
        )
        for j, i in enumerate(indicators_spec)
    ]
    return SideBySide(total=total, dimensions=dimensions, indicators=indicators,
                      precision=spec.precision)


def publish_overrides(*, cycle: Cycle) -> list[PublishOverride]:
    """The recorded reasons for publishing CYCLE before every response was signed off."""
    return list(PublishOverride.objects.filter(cycle=cycle).select_related("by"))
