"""Reads for the front page: what each person is asked to do next.

Agency members see their own agency's response to each open cycle (limited to the
dimensions they may answer); staff see counts of every agency's responses and the pages
they may open. Every rule about who may do what is asked of ``phrom.accounts.gates``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count

from phrom.accounts.gates import (
    edits_for,
    may_answer_for,
    may_see_all_reviews,
    may_submit,
    may_use_review_queue,
    may_watch_cycles,
    reads_every_agency,
)
from phrom.accounts.models import Profile
from phrom.frameworks.deadlines import DeadlineState, change_block, deadline_state
from phrom.frameworks.models import Cycle, CycleStatus
from phrom.frameworks.selectors import days_to_deadline, target_agencies
from phrom.responses.models import Answer, Evidence, Response, ResponseStatus
from phrom.responses.selectors import is_answered, needs_evidence, visibility
from scoring.model import QuestionType

# Cycles whose responses staff follow on the front page: being answered or being reviewed.
FOLLOWED_STATUSES = (CycleStatus.OPEN, CycleStatus.CLOSED, CycleStatus.IN_REVIEW)


@dataclass
class DimensionProgress:
    """One dimension of a response as its person sees it on the front page."""

    code: str
    name: str
    required: int = 0
    answered_required: int = 0
    evidence_missing: int = 0
    first_missing: str = ""  # the first question (framework order) with something missing

    @property
    def complete(self) -> bool:
        return self.answered_required >= self.required and not self.evidence_missing


@dataclass
class AgencyTask:
    """An agency's response to one open cycle, limited to what the person may answer."""

    cycle: Cycle
    response: Response | None  # None: nobody has opened it yet
    deadline: DeadlineState
    dimensions: list[DimensionProgress] = field(default_factory=list)
    all_dimensions: bool = True  # the person answers every dimension
    may_submit: bool = False  # the person may submit it now (complete or not)
    locked_reason: str = ""  # why it cannot change now (deadline passed, cycle not open)

    @property
    def status(self) -> str:
        return self.response.status if self.response else ResponseStatus.NOT_STARTED

    @property
    def submitted(self) -> bool:
        return self.status == ResponseStatus.SUBMITTED

    @property
    def required(self) -> int:
        return sum(d.required for d in self.dimensions)

    @property
    def answered_required(self) -> int:
        return sum(d.answered_required for d in self.dimensions)

    @property
    def evidence_missing(self) -> int:
        return sum(d.evidence_missing for d in self.dimensions)

    @property
    def percent(self) -> int:
        return round(100 * self.answered_required / self.required) if self.required else 100

    @property
    def complete(self) -> bool:
        return all(d.complete for d in self.dimensions)

    @property
    def next_dimension(self) -> DimensionProgress | None:
        """Where to continue: the first dimension with something missing."""
        return next((d for d in self.dimensions if not d.complete), None)


def agency_tasks(*, profile: Profile, language: str) -> list[AgencyTask]:
    """The person's agency's response to each open cycle, newest cycle first.

    Four queries whatever the number of questions (cycles, responses, answers, evidence
    counts), and one more per open cycle for the agency's extension.
    """
    agency_id = profile.agency_id
    if agency_id is None:
        return []
    cycles = list(
        Cycle.objects.select_related("framework")
        .filter(status=CycleStatus.OPEN)
        .order_by("-year_be", "code")
    )
    if not cycles:
        return []
    responses = {
        r.cycle_id: r
        for r in Response.objects.filter(cycle__in=cycles, agency_id=agency_id).select_related(
            "submitted_by"
        )
    }
    ids = [r.pk for r in responses.values()]
    answers: dict[int, dict[str, tuple[object, bool]]] = defaultdict(dict)
    for response_id, code, value, na in Answer.objects.filter(response_id__in=ids).values_list(
        "response_id", "question", "value", "not_applicable"
    ):
        answers[response_id][code] = (value, na)
    evidence: dict[int, Counter[str]] = defaultdict(Counter)
    for response_id, code, n in (
        Evidence.objects.filter(response_id__in=ids, removed_at__isnull=True)
        .values_list("response_id", "question")
        .annotate(n=Count("id"))
        .values_list("response_id", "question", "n")
    ):
        evidence[response_id][code] = n

    tasks = []
    for cycle in cycles:
        response = responses.get(cycle.pk)
        key = response.pk if response else 0
        task = AgencyTask(
            cycle=cycle,
            response=response,
            deadline=deadline_state(cycle=cycle, agency_id=agency_id),
        )
        _count_dimensions(task, profile, answers.get(key, {}), evidence.get(key, Counter()),
                          language)
        if response is not None:
            blocked = change_block(response)
            if blocked is not None:
                task.locked_reason = blocked.message()
            task.may_submit = may_submit(profile, response) and blocked is None
        tasks.append(task)
    return tasks


def _count_dimensions(
    task: AgencyTask,
    profile: Profile,
    answers: dict[str, tuple[object, bool]],
    evidence: Counter[str],
    language: str,
) -> None:
    """Required answers and missing evidence per dimension the person may answer, by the
    rule of the completeness check (``responses.selectors.missing_items``)."""
    spec = task.cycle.framework.spec()
    shown = visibility(spec, answers)
    agency_id = profile.agency_id
    assert agency_id is not None
    for dim in spec.dimensions:
        if not may_answer_for(profile, agency_id, dim.code):
            task.all_dimensions = False
            continue
        progress = DimensionProgress(code=dim.code, name=dim.name.get(language))
        for indicator in dim.indicators:
            for question in indicator.questions:
                if not shown[question.code]:
                    continue
                value, na = answers.get(question.code, (None, False))
                count = evidence[question.code]
                answered = is_answered(question, value, na, count)
                missing = False
                if question.required:
                    progress.required += 1
                    if answered:
                        progress.answered_required += 1
                    else:
                        missing = True
                if question.type is not QuestionType.FILE and needs_evidence(
                    question, shown=True, answered=answered, not_applicable=na, evidence=count
                ):
                    progress.evidence_missing += 1
                    missing = True
                if missing and not progress.first_missing:
                    progress.first_missing = question.code
        task.dimensions.append(progress)


# --- staff -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CycleCounts:
    """How many target agencies of a cycle are at each status."""

    cycle: Cycle
    agencies: int
    in_progress: int
    submitted: int
    days_left: int | None  # to the cycle's deadline; None without one, negative after it

    @property
    def not_started(self) -> int:
        return max(self.agencies - self.in_progress - self.submitted, 0)

    @property
    def days_overdue(self) -> int:
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0


@dataclass(frozen=True)
class StaffHome:
    cycles: list[CycleCounts]
    watches_cycles: bool  # may open the cycles' progress pages


def staff_home(*, profile: Profile | None) -> StaffHome | None:
    """Counts of the cycles being answered or reviewed, for staff; None for anyone else.

    Three queries, whatever the number of agencies.
    """
    if not reads_every_agency(profile):
        return None
    cycles = list(
        Cycle.objects.filter(status__in=FOLLOWED_STATUSES).order_by("-year_be", "code")
    )
    counts: dict[tuple[int, str], int] = {}
    if cycles:
        agencies = target_agencies()
        total = agencies.count()
        for cycle_id, status, n in (
            Response.objects.filter(cycle__in=cycles, agency__in=agencies)
            .values_list("cycle_id", "status")
            .annotate(n=Count("pk"))
            .values_list("cycle_id", "status", "n")
            .order_by()
        ):
            counts[(cycle_id, status)] = n
    else:
        total = 0
    return StaffHome(
        cycles=[
            CycleCounts(
                cycle=c,
                agencies=total,
                in_progress=counts.get((c.pk, ResponseStatus.IN_PROGRESS), 0),
                submitted=counts.get((c.pk, ResponseStatus.SUBMITTED), 0),
                days_left=days_to_deadline(cycle=c),
            )
            for c in cycles
        ],
        watches_cycles=may_watch_cycles(profile),
    )


@dataclass(frozen=True)
class ClarificationNotice:
    """One clarification request someone should act on: for the agency, to answer; for
    the reviewer, answered and waiting for the final verdicts."""

    request_id: int
    cycle: str
    answers: int
    deadline: Any
    answered: bool


def clarification_notices(*, profile: Profile | None, user_id: int | None) -> list[ClarificationNotice]:
    """Open requests to the person's agency that it can still answer (coordinators and
    respondents), and answered
    requests on the responses a reviewer reviews (all of them for lead reviewers and
    administrators); earliest deadline first."""
    from phrom.reviews.models import ClarificationRequest, ClarificationStatus

    if profile is None:
        return []
    if edits_for(profile, profile.agency_id):
        from phrom.reviews.clarifications import pending_for_agency

        # only those it can still answer (within their deadline, cycle not published,
        # review not signed off): the page's rules, not a list of what is already too late
        return [
            ClarificationNotice(
                request_id=r.pk, cycle=r.response.cycle.code, answers=len(r.questions),
                deadline=r.deadline, answered=False,
            )
            for r in pending_for_agency(agency_id=profile.agency_id)
        ]
    if may_see_all_reviews(profile):
        rows = ClarificationRequest.objects.filter(status=ClarificationStatus.ANSWERED)
    elif may_use_review_queue(profile):
        rows = ClarificationRequest.objects.filter(
            status=ClarificationStatus.ANSWERED,
            response__review_assignments__reviewer_id=user_id,
        )
    else:
        return []
    return [
        ClarificationNotice(
            request_id=r.pk, cycle=r.response.cycle.code, answers=len(r.questions),
            deadline=r.deadline, answered=r.status == ClarificationStatus.ANSWERED,
        )
        for r in rows.select_related("response__cycle").order_by("deadline", "id")
    ]
