"""Demo data: 311 department-level agencies answering the 2563 and 2564 reference cycles,
and a copy of 2564 in review with planted problems (:mod:`phrom.demo.review`).

Everything is deterministic from a seed. Answers are drawn around a hidden "readiness"
per agency and cycle, so totals spread realistically; awards are never written in, they
are computed from these answers like any others. Running it twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from phrom.agencies.models import Agency, AgencyKind
from phrom.agencies.services import import_agencies
from phrom.frameworks.deadlines import has_passed
from phrom.frameworks.models import Cycle, CycleStatus
from phrom.frameworks.services import load_framework
from phrom.frameworks.shipped import shipped_framework_path
from phrom.responses.models import Answer, Evidence, Response, ResponseStatus
from scoring.model import Framework, Question, QuestionType

DATA_DIR = Path(__file__).resolve().parent / "data"
DEMO_CYCLES = ("th-2563", "th-2564")
# The article's story: the Department of Rural Roads improved strongly from 2563 to 2564.
# Only its hidden readiness is set here; whether it wins is up to the computed awards.
STORY_READINESS = {"mot-drr": (0.74, 0.93)}
# The demo accounts of the Department of Rural Roads answer the open 2564 cycle: its response
# is complete but for a few pieces of evidence, so they can finish and submit it.
STORY_IN_PROGRESS = {"mot-drr"}
STORY_MISSING_EVIDENCE = 3


@dataclass(frozen=True)
class DemoProfile:
    readiness: float  # 0..1, the centre answers are drawn around
    submitted: bool
    started: bool


def seeded_rng(seed: int, *parts: str) -> random.Random:
    return random.Random(seed * 1_000_003 + zlib.crc32("|".join(parts).encode()))


def readiness_pair(seed: int, agency: str) -> tuple[float, float]:
    """Hidden readiness of an agency in 2563 and 2564."""
    if agency in STORY_READINESS:
        return STORY_READINESS[agency]
    rng = seeded_rng(seed, "readiness", agency)
    base = min(0.97, max(0.2, rng.betavariate(5.0, 2.2)))
    growth = rng.gauss(0.035, 0.05)
    return base, min(0.99, max(0.15, base + growth))


def counts_whole(question: Question) -> bool:
    """Whether the demo answers a number question with whole numbers: a whole count
    (``whole``: the documents, people, projects ... of the shipped frameworks), or a
    number whose bounds and thresholds are all whole (a framework that does not say
    ``whole``; the shipped bandwidth question too, answered in whole megabits)."""
    if question.whole:
        return True
    marks = [question.minimum, question.maximum, *(t.at_least for t in question.thresholds)]
    return all(float(m).is_integer() for m in marks if m is not None)


def draw_answer(question: Question, readiness: float, rng: random.Random) -> tuple[Any, bool]:
    """A plausible (value, not_applicable) for one question around ``readiness``."""
    if question.allow_na and rng.random() < 0.04:
        return None, True
    r = min(1.0, max(0.0, rng.gauss(readiness, 0.16)))
    t = question.type
    if t is QuestionType.YES_NO:
        return rng.random() < readiness, False
    if t is QuestionType.SINGLE_CHOICE:
        ordered = sorted(question.options, key=lambda o: o.points)
        return ordered[min(len(ordered) - 1, int(r * len(ordered)))].code, False
    if t is QuestionType.MULTIPLE_CHOICE:
        chosen = [o.code for o in question.options if rng.random() < r]
        return chosen, False
    if t is QuestionType.MATURITY:
        return min(5, max(0, round(r * 5 + rng.gauss(0, 0.4)))), False
    if t in (QuestionType.NUMBER, QuestionType.PERCENTAGE):
        if question.thresholds:
            steps = sorted(question.thresholds, key=lambda th: th.at_least)
            reached = min(len(steps), int(r * (len(steps) + 1)))
            if reached == 0:
                value = max(question.minimum or 0.0, steps[0].at_least * rng.uniform(0.2, 0.9))
            else:
                low = steps[reached - 1].at_least
                high = steps[reached].at_least if reached < len(steps) else low * 1.3 + 1
                value = rng.uniform(low, high)
        else:
            low = question.minimum if question.minimum is not None else 0.0
            high = question.maximum if question.maximum is not None else 100.0
            value = low + r * (high - low)
        if t is QuestionType.PERCENTAGE:
            value = min(100.0, max(0.0, value))
        if question.maximum is not None:
            value = min(question.maximum, value)
        if question.minimum is not None:
            value = max(question.minimum, value)
        if t is QuestionType.NUMBER and counts_whole(question):
            # down to the whole number below a threshold's level: never past the level drawn
            return (math.floor(value) if question.thresholds else round(value)), False
        return round(value, 1), False
    if t is QuestionType.URL:
        return f"https://www.example.go.th/{question.code.lower()}", False
    if t is QuestionType.TEXT:
        return "ดำเนินการตามแผนพัฒนารัฐบาลดิจิทัลของหน่วยงาน", False
    return None, False


def _condition_holds(question: Question, values: dict[str, Any]) -> bool:
    cond = question.condition
    if cond is None:
        return True
    value = values.get(cond.question)
    if value is None:
        return False
    if cond.equals is not None:
        return bool(value == cond.equals)
    if cond.any_of:
        chosen = value if isinstance(value, list) else [value]
        return any(c in cond.any_of for c in chosen)
    if cond.at_least is not None:
        return isinstance(value, (int, float)) and float(value) >= cond.at_least
    return True


def draw_response(
    spec: Framework, readiness: float, rng: random.Random, completeness: float = 1.0
) -> dict[str, tuple[Any, bool]]:
    """Answers of one response: question code -> (value, not_applicable)."""
    values: dict[str, Any] = {}
    out: dict[str, tuple[Any, bool]] = {}
    for question in spec.questions:
        if question.type is QuestionType.FILE:
            continue
        if not _condition_holds(question, values):
            continue
        if completeness < 1.0 and rng.random() > completeness:
            continue
        value, na = draw_answer(question, readiness, rng)
        if value is None and not na:
            continue
        values[question.code] = value
        out[question.code] = (value, na)
    drop_contradictions(spec, out)
    return out


def drop_contradictions(spec: Framework, drawn: dict[str, tuple[Any, bool]]) -> None:
    """Take out answers that break the framework's consistency rules (a drawn answer may
    pick "counter service only" beside "website"): the option that the rule starts from
    when its question is a multiple choice, else the options it excludes."""
    for rule in spec.consistency:
        first, other = drawn.get(rule.question), drawn.get(rule.excludes_question)
        if first is None or other is None:
            continue
        held = first[0] if isinstance(first[0], list) else [first[0]]
        excluded = other[0] if isinstance(other[0], list) else [other[0]]
        if not set(held) & set(rule.options) or not set(excluded) & set(rule.excludes):
            continue
        if isinstance(first[0], list):
            drawn[rule.question] = ([c for c in first[0] if c not in rule.options], False)
        elif isinstance(other[0], list):
            drawn[rule.excludes_question] = (
                [c for c in other[0] if c not in rule.excludes], False
            )


def profile(seed: int, agency: str, cycle_index: int) -> DemoProfile:
    readiness = readiness_pair(seed, agency)[cycle_index]
    rng = seeded_rng(seed, "progress", agency, str(cycle_index))
    if agency in STORY_IN_PROGRESS and cycle_index == 1:
        return DemoProfile(readiness, submitted=False, started=True)
    if agency in STORY_READINESS:
        return DemoProfile(readiness, submitted=True, started=True)
    roll = rng.random()
    submit_rate = 0.96 if cycle_index == 0 else 0.93
    return DemoProfile(readiness, submitted=roll < submit_rate, started=roll < submit_rate + 0.03)


def _answer_rows(response: Response, drawn: dict[str, tuple[Any, bool]]) -> Iterable[Answer]:
    for code, (value, na) in drawn.items():
        yield Answer(
            response=response,
            question=code,
            value=None if na else value,
            not_applicable=na,
            version=1,
        )


def _evidence_rows(
    response: Response,
    spec: Framework,
    drawn: dict[str, tuple[Any, bool]],
    agency: str,
    skip: int,
) -> list[Evidence]:
    """A web address of evidence for every answered question that requires evidence.

    The first ``skip`` of them are left out, so that a response has something to finish.
    """
    rows: list[Evidence] = []
    for question in spec.questions:
        if question.evidence != "required" or question.code not in drawn:
            continue
        if drawn[question.code][1]:  # not applicable needs no evidence
            continue
        if skip > 0:
            skip -= 1
            continue
        rows.append(
            Evidence(
                response=response,
                question=question.code,
                url=f"https://www.example.go.th/{agency}/{response.cycle.year_be}/"
                f"{question.code.lower()}.pdf",
            )
        )
    return rows


def create_responses(
    *,
    cycle: Cycle,
    agencies: list[Agency],
    seed: int,
    cycle_index: int,
    progress: Any = None,
) -> int:
    """Responses with answers for agencies of the cycle that have none yet."""
    spec = cycle.framework.spec()
    have = set(cycle.responses.values_list("agency_id", flat=True))
    todo = [a for a in agencies if a.pk not in have]
    now = timezone.now()
    created = 0
    batch: list[Answer] = []
    evidence: list[Evidence] = []
    with transaction.atomic():
        for agency in todo:
            prof = profile(seed, agency.code, cycle_index)
            status = (
                ResponseStatus.SUBMITTED
                if prof.submitted
                else ResponseStatus.IN_PROGRESS if prof.started else ResponseStatus.NOT_STARTED
            )
            response = Response.objects.create(
                cycle=cycle,
                agency=agency,
                status=status,
                started_at=now - dt.timedelta(days=40) if prof.started else None,
                submitted_at=now - dt.timedelta(days=3) if prof.submitted else None,
            )
            if prof.started:
                rng = seeded_rng(seed, "answers", agency.code, cycle.code)
                story = agency.code in STORY_IN_PROGRESS
                completeness = 1.0 if prof.submitted or story else rng.uniform(0.2, 0.8)
                drawn = draw_response(spec, prof.readiness, rng, completeness)
                batch.extend(_answer_rows(response, drawn))
                skip = STORY_MISSING_EVIDENCE if story and not prof.submitted else 0
                evidence.extend(_evidence_rows(response, spec, drawn, agency.code, skip))
            if len(batch) >= 5000:
                Answer.objects.bulk_create(batch)
                Evidence.objects.bulk_create(evidence)
                batch, evidence = [], []
            created += 1
            if progress is not None:
                progress()
        Answer.objects.bulk_create(batch)
        Evidence.objects.bulk_create(evidence)
    return created


def load_demo(*, console: Any, seed: int = 2564) -> None:
    from rich.progress import Progress

    loaded: dict[str, Cycle] = {}
    for code in DEMO_CYCLES:
        path = shipped_framework_path(code)
        assert path is not None, f"shipped framework {code} is missing"
        loaded[code] = load_framework(path=path).cycle
    summary = import_agencies(path=DATA_DIR / "agencies.csv")
    console.print(
        f"agencies: {summary.created} created, {summary.updated} updated, "
        f"{summary.unchanged} unchanged"
    )
    first, second = (loaded[c] for c in DEMO_CYCLES)
    Cycle.objects.filter(pk=first.pk).update(status=CycleStatus.PUBLISHED)
    # A demo loaded again after its deadline passed is opened for another 30 days:
    # answers are refused after the deadline.
    if second.deadline is None or second.status == CycleStatus.DRAFT or has_passed(second.deadline):
        Cycle.objects.filter(pk=second.pk).update(
            status=CycleStatus.OPEN, deadline=timezone.now() + dt.timedelta(days=30)
        )
    departments = list(Agency.objects.filter(kind=AgencyKind.DEPARTMENT).order_by("code"))
    with Progress(console=console, transient=True) as bar:
        for index, cycle in enumerate((first, second)):
            task = bar.add_task(f"responses {cycle.code}", total=len(departments))
            made = create_responses(
                cycle=cycle,
                agencies=departments,
                seed=seed,
                cycle_index=index,
                progress=lambda task=task: bar.advance(task),
            )
            console.print(f"{cycle.code}: {made} responses created")
    # The published 2563 is stored as a publication, as publishing it on /cycles/ would, so
    # its pages and open data read stored figures; loaded again, it is kept as it is.
    from phrom.publications.selectors import current_publication
    from phrom.publications.services import publish_results

    if current_publication(cycle=first) is None:
        publish_results(cycle=first)
        console.print(f"{first.code}: published figures stored (open data /open-data/{first.year_be}/)")
    from phrom.demo.accounts import create_demo_accounts

    create_demo_accounts(console=console)
    _confirm_awards(first, console)
    from phrom.demo.review import REVIEW_CYCLE, create_review_cycle

    create_review_cycle(seed=seed, console=console)
    console.print(
        "[green]demo loaded[/green]: try `phrom score 2564` and `phrom awards 2564 --explain`;\n"
        "log in as drr.coordinator@demo.phrom.local to finish the Department of Rural Roads' "
        "2564 response (three pieces of evidence are missing), submit it, and score again.\n"
        f"Cycle {REVIEW_CYCLE} is in review: log in as reviewer@demo.phrom.local or "
        f"lead.reviewer@demo.phrom.local, and try `phrom integrity {REVIEW_CYCLE}` and "
        f"`phrom audit-sample {REVIEW_CYCLE} --seed 1`."
    )


def _confirm_awards(cycle: Cycle, console: Any) -> None:
    """The demo administrator's decision on the published 2563 awards, so that its award
    page shows a recorded decision and the winners' certificates are public; loaded again,
    the decision is kept as it is."""
    from django.contrib.auth import get_user_model

    from phrom.awards.models import AwardDecision
    from phrom.awards.services import award_decision_record
    from phrom.publications.selectors import current_publication

    publication = current_publication(cycle=cycle)
    if publication is None or AwardDecision.objects.filter(publication=publication).exists():
        return
    admin = get_user_model().objects.get(username="admin@demo.phrom.local")
    award_decision_record(cycle=cycle, by=admin, version=publication.version,
                          note="มติคณะกรรมการพิจารณารางวัล (ข้อมูลสาธิต)")
    console.print(f"{cycle.code}: awards confirmed by the demo administrator")

