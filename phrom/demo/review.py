"""The demo's reviewed cycle: ``th-2564-review``, a copy of the 2564 cycle (same framework,
previous cycle 2563) that is "in review", so that the review pages, the integrity screens
and the audit sample show something real while the 2564 cycle stays open for answering.

A few agencies carry planted problems, each of a kind the integrity screens look for
(:data:`PLANTED`); every other answer is drawn as in :mod:`phrom.demo.generate` (which
keeps to the framework's consistency rules). Reviewers are assigned, some verdicts given (a few
values adjusted, with reasons) and some responses signed off, all through the review
services, so the history shows them. Deterministic from the seed; created once (a cycle
that already has responses is left as it is).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from phrom.agencies.models import Agency
from phrom.demo.generate import (
    STORY_READINESS,
    draw_response,
    profile,
    readiness_pair,
    seeded_rng,
)
from phrom.demo.generate import drop_contradictions as drop_contradictions  # imported from here too
from phrom.frameworks.models import Cycle, CycleStatus
from phrom.frameworks.services import load_framework
from phrom.frameworks.shipped import shipped_framework_path
from phrom.responses.models import Answer, Evidence, Response, ResponseStatus
from scoring.model import Framework, Question, QuestionType

REVIEW_CYCLE = "th-2564-review"
REVIEW_FRAMEWORK = "th-2564"
# The demo accounts' agencies answer the open 2564 cycle: nothing is planted in theirs.
KEPT_CLEAN = frozenset({"mot-drr", "mot-doh", *STORY_READINESS})
# kind of planted problem -> how many agencies carry it
PLANTED = {
    "gain": 2,  # an unexplained large gain over 2563
    "shared_file": 2,  # the same file bytes as evidence of two agencies
    "all_maximum": 2,  # every answer at full points
    "out_of_period": 2,  # a PDF whose own CreationDate is years before the cycle
    "contradiction": 2,  # answers that contradict each other
}
BACKDATED = "D:20150312090000+07'00'"
DEMO_REVIEWER = "reviewer@demo.phrom.local"
DEMO_LEAD = "lead.reviewer@demo.phrom.local"
DEMO_ADMIN = "admin@demo.phrom.local"


def planted_agencies(departments: list[Agency], seed: int) -> dict[str, list[str]]:
    """Which agencies carry which planted problem: the gains go to the agencies least
    ready in 2563 (so that the gain is large), the rest are drawn with the seed."""
    pool = [
        a.code for a in departments
        if a.code not in KEPT_CLEAN and profile(seed, a.code, 0).submitted
    ]
    by_readiness = sorted(pool, key=lambda code: (readiness_pair(seed, code)[0], code))
    chosen: dict[str, list[str]] = {"gain": by_readiness[: PLANTED["gain"]]}
    rest = [code for code in pool if code not in chosen["gain"]]
    drawn = seeded_rng(seed, "planted").sample(rest, sum(PLANTED.values()) - PLANTED["gain"])
    for kind, count in PLANTED.items():
        if kind == "gain":
            continue
        chosen[kind], drawn = drawn[:count], drawn[count:]
    return chosen


def maximum_answer(question: Question) -> Any:
    """The answer that earns the question's full points."""
    t = question.type
    if t is QuestionType.YES_NO:
        return True
    if t is QuestionType.SINGLE_CHOICE:
        return max(question.options, key=lambda o: o.points).code
    if t is QuestionType.MULTIPLE_CHOICE:
        return [o.code for o in question.options if o.points > 0]
    if t is QuestionType.MATURITY:
        return 5
    if t in (QuestionType.NUMBER, QuestionType.PERCENTAGE):
        if question.thresholds:
            top = max(question.thresholds, key=lambda th: (th.points, -th.at_least))
            value = float(top.at_least)
        else:
            value = float(question.maximum if question.maximum is not None else 100.0)
        return round(value) if t is QuestionType.NUMBER and question.whole else value
    return None


def _all_maximum(spec: Framework) -> dict[str, tuple[Any, bool]]:
    out: dict[str, tuple[Any, bool]] = {}
    for question in spec.questions:
        if question.type is QuestionType.FILE:
            continue
        if question.type is QuestionType.URL:
            out[question.code] = (f"https://www.example.go.th/{question.code.lower()}", False)
            continue
        if question.type is QuestionType.TEXT:
            out[question.code] = ("ดำเนินการครบทุกข้อ", False)
            continue
        value = maximum_answer(question)
        if value is not None:
            out[question.code] = (value, False)
    return out


def _contradict(spec: Framework, drawn: dict[str, tuple[Any, bool]]) -> None:
    """Break the framework's first consistency rule on a multiple-choice question."""
    for rule in spec.consistency:
        if rule.question != rule.excludes_question:
            continue
        question = spec.question(rule.question)
        if question is None or question.type is not QuestionType.MULTIPLE_CHOICE:
            continue
        drawn[rule.question] = ([rule.options[0], *rule.excludes[:2]], False)
        return


def pdf_bytes(title: str, created: str | None) -> bytes:
    """A one-page PDF titled TITLE, with CREATED (a PDF date) as its CreationDate and
    ModDate when given."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    meta = {"/Title": title, "/Producer": "Phrom demo"}
    if created:
        meta |= {"/CreationDate": created, "/ModDate": created}
    writer.add_metadata(meta)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _file_evidence(response: Response, question: str, name: str, data: bytes) -> Evidence:
    evidence = Evidence(
        response=response, question=question, original_name=name,
        content_type="application/pdf", size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    evidence.file.save(name, ContentFile(data), save=True)
    return evidence


def _evidence_urls(
    response: Response, spec: Framework, drawn: dict[str, tuple[Any, bool]], agency: str
) -> list[Evidence]:
    return [
        Evidence(
            response=response, question=q.code,
            url=f"https://www.example.go.th/{agency}/2564-review/{q.code.lower()}.pdf",
        )
        for q in spec.questions
        if q.evidence == "required" and q.code in drawn and not drawn[q.code][1]
    ]


def _first_evidence_question(spec: Framework, drawn: dict[str, tuple[Any, bool]]) -> str:
    return next(
        q.code for q in spec.questions
        if q.evidence == "required" and q.code in drawn and not drawn[q.code][1]
    )


def create_review_cycle(*, seed: int, console: Any) -> Cycle:
    """The reviewed cycle with its responses, planted problems and review work (once)."""
    path = shipped_framework_path(REVIEW_FRAMEWORK)
    assert path is not None, f"shipped framework {REVIEW_FRAMEWORK} is missing"
    cycle = load_framework(path=path, cycle_code=REVIEW_CYCLE).cycle
    if cycle.responses.exists():
        console.print(f"{REVIEW_CYCLE}: kept as it is")
        return cycle
    deadline = timezone.now() - dt.timedelta(days=14)
    Cycle.objects.filter(pk=cycle.pk).update(status=CycleStatus.IN_REVIEW, deadline=deadline)
    cycle.refresh_from_db()
    spec = cycle.framework.spec()
    departments = list(Agency.objects.filter(kind="department").order_by("code"))
    planted = planted_agencies(departments, seed)
    kind_of = {code: kind for kind, codes in planted.items() for code in codes}
    shared = pdf_bytes("แผนปฏิบัติการดิจิทัล 2564", None)
    answers: list[Answer] = []
    evidence: list[Evidence] = []
    with transaction.atomic():
        for agency in departments:
            prof = profile(seed, agency.code, 1)
            kind = kind_of.get(agency.code)
            submitted = prof.submitted or kind is not None or agency.code in KEPT_CLEAN
            response = Response.objects.create(
                cycle=cycle, agency=agency,
                status=ResponseStatus.SUBMITTED if submitted else ResponseStatus.IN_PROGRESS,
                started_at=deadline - dt.timedelta(days=40),
                submitted_at=deadline - dt.timedelta(days=2) if submitted else None,
            )
            rng = seeded_rng(seed, "answers", agency.code, REVIEW_CYCLE)
            readiness = 0.95 if kind == "gain" else prof.readiness
            if kind == "all_maximum":
                drawn = _all_maximum(spec)
            else:
                drawn = draw_response(spec, readiness, rng, 1.0 if submitted else 0.6)
            if kind == "contradiction":
                _contradict(spec, drawn)
            answers.extend(
                Answer(response=response, question=code, value=None if na else value,
                       not_applicable=na, version=1)
                for code, (value, na) in drawn.items()
            )
            evidence.extend(_evidence_urls(response, spec, drawn, agency.code))
            if kind == "shared_file":
                _file_evidence(response, _first_evidence_question(spec, drawn),
                               "digital-plan-2564.pdf", shared)
            elif kind == "out_of_period":
                _file_evidence(
                    response, _first_evidence_question(spec, drawn),
                    "appointment-order.pdf",
                    pdf_bytes(f"คำสั่งแต่งตั้งคณะทำงาน {agency.code}", BACKDATED),
                )
        Answer.objects.bulk_create(answers, batch_size=5000)
        Evidence.objects.bulk_create(evidence, batch_size=5000)
        _review_work(cycle, spec, planted)
    summary = ", ".join(f"{kind} {' '.join(codes)}" for kind, codes in planted.items())
    console.print(f"{REVIEW_CYCLE}: in review; planted problems: {summary}")
    return cycle


def _review_work(cycle: Cycle, spec: Framework, planted: dict[str, list[str]]) -> None:
    """Assign the demo reviewers, give verdicts (a few values adjusted with reasons) and
    sign some responses off, through the review services."""
    from django.contrib.auth import get_user_model

    from phrom.reviews.models import ReviewStatus, VerdictKind
    from phrom.reviews.services import (
        review_set_status,
        review_sign_off,
        reviewers_assign,
        verdict_save,
    )

    users = {u.username: u for u in get_user_model().objects.filter(
        username__in=[DEMO_REVIEWER, DEMO_LEAD, DEMO_ADMIN]
    )}
    reviewer, lead, admin = (users.get(name) for name in (DEMO_REVIEWER, DEMO_LEAD, DEMO_ADMIN))
    if reviewer is None or lead is None or admin is None:
        return
    submitted = list(
        cycle.responses.filter(status=ResponseStatus.SUBMITTED)
        .select_related("agency", "cycle__framework").order_by("agency__code")
    )
    planted_codes = [code for codes in planted.values() for code in codes]
    by_code = {r.agency.code: r for r in submitted}
    mine = [by_code[c] for c in planted_codes if c in by_code]
    mine += [r for r in submitted if r.agency.code not in planted_codes][:14]
    reviewers_assign(cycle=cycle, reviewer=reviewer, by=admin, agencies=[r.agency for r in mine])
    reviewers_assign(cycle=cycle, reviewer=lead, by=admin,
                     agencies=[r.agency for r in mine[:len(planted_codes)]])
    questions = {q.code: q for q in spec.questions}
    for index, response in enumerate(mine[len(planted_codes):][:10]):
        claims = list(
            response.answers.filter(not_applicable=False).exclude(value=None).order_by("question")
        )[:12]
        for claim in claims:
            verdict_save(response=response, question=claim.question, by=reviewer,
                         verdict=VerdictKind.VERIFIED, base_version=0,
                         comment="หลักฐานครบถ้วน")
        if index < 6:
            review_set_status(response=response, status=ReviewStatus.COMPLETE, by=reviewer)
        if index < 4:
            review_sign_off(response=response, by=lead)
    # the all-maximum agencies: a few maturity levels the evidence does not support
    for code in planted.get("all_maximum", []):
        response = by_code[code]
        maturity = [q for q in spec.questions
                    if q.type is QuestionType.MATURITY and q.code in questions][:3]
        for question in maturity:
            if not response.answers.filter(question=question.code).exists():
                continue
            verdict_save(
                response=response, question=question.code, by=reviewer,
                verdict=VerdictKind.PARTLY_VERIFIED, base_version=0, set_verified_value=True,
                verified_value=3, comment="หลักฐานเป็นเพียงสไลด์นำเสนอ",
                reason="The evidence is a slide; no signed plan or order shows level 5.",
            )
