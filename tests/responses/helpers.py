"""Helpers of the questionnaire tests: posting answers, writing frameworks as YAML."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from scoring.model import Bilingual, Framework, Question


def post_answer(client: Any, response: Any, code: str, data: dict[str, Any], version: int = 0) -> Any:
    """Autosave one answer as the page's script does (JSON wanted)."""
    payload = {"base_version": str(version), **data}
    return client.post(
        f"/responses/{response.pk}/answer/{code}/", payload, HTTP_ACCEPT="application/json"
    )


def _text(value: Bilingual | None) -> dict[str, str] | None:
    return None if value is None else {"th": value.th, "en": value.en}


def _number(x: float) -> float | int:
    return int(x) if float(x).is_integer() else x


def _question(q: Question) -> dict[str, Any]:
    out: dict[str, Any] = {
        "code": q.code,
        "type": q.type.value,
        "text": _text(q.text),
        "weight": _number(q.weight),
        "evidence": q.evidence,
        "allow_na": q.allow_na,
        "required": q.required,
    }
    if q.help:
        out["help"] = _text(q.help)
    if q.condition is not None:
        when: dict[str, Any] = {"question": q.condition.question}
        if q.condition.at_least is not None:
            when["at_least"] = _number(q.condition.at_least)
        elif q.condition.any_of:
            when["any_of"] = list(q.condition.any_of)
        else:
            when["equals"] = q.condition.equals
        out["when"] = when
        out["when_hidden"] = q.when_hidden
    if q.options:
        out["options"] = [
            {"code": o.code, "label": _text(o.label), "points": _number(o.points)}
            for o in q.options
        ]
    if q.cap is not None:
        out["cap"] = _number(q.cap)
    if q.levels:
        out["levels"] = {i: _text(level) for i, level in enumerate(q.levels)}
    if q.thresholds:
        out["thresholds"] = [
            {"at_least": _number(t.at_least), "points": _number(t.points)} for t in q.thresholds
        ]
    for key in ("minimum", "maximum"):
        value = getattr(q, key)
        if value is not None:
            out[key] = _number(value)
    if q.unit is not None:
        out["unit"] = _text(q.unit)
    return out


def framework_yaml(spec: Framework, *, code: str | None = None, previous: str | None = None,
                   year_be: int | None = None) -> str:
    """A framework as the YAML text ``phrom framework load`` reads."""
    year = year_be or spec.year_be
    data: dict[str, Any] = {
        "format": "phrom-framework/1",
        "code": code or spec.code,
        "name": _text(spec.name),
        "cycle": {"year_be": year, "year_ce": year - 543},
        "scale": _number(spec.scale),
        "precision": spec.precision,
        "normalisation": spec.normalisation,
        "dimensions": [
            {
                "code": d.code,
                "name": _text(d.name),
                "weight": _number(d.weight),
                "indicators": [
                    {
                        "code": i.code,
                        "name": _text(i.name),
                        "weight": _number(i.weight),
                        "questions": [_question(q) for q in i.questions],
                    }
                    for i in d.indicators
                ],
            }
            for d in spec.dimensions
        ],
        "bands": [
            {"code": b.code, "name": _text(b.name), "minimum": _number(b.minimum)}
            for b in spec.bands
        ],
    }
    if previous:
        data["previous"] = previous
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def write_framework(tmp: Path, spec: Framework, **kwargs: Any) -> Path:
    path = tmp / f"{kwargs.get('code') or spec.code}.yaml"
    path.write_text(framework_yaml(spec, **kwargs), encoding="utf-8")
    return path


def valid_value(question: Question) -> Any:
    """A value that fits QUESTION and opens as few conditional questions as possible."""
    t = question.type.value
    if t == "yes_no":
        return False
    if t in ("single_choice",):
        return question.options[0].code
    if t == "multiple_choice":
        return [question.options[0].code]
    if t == "maturity":
        return 0
    if t in ("number", "percentage"):
        return int(question.minimum or 0)
    if t == "url":
        return "https://example.go.th/"
    if t == "text":
        return "คำอธิบาย"
    return None


def complete_response(response: Any, by: Any) -> None:
    """Answer every question that is required and shown, and attach required evidence."""
    from phrom.responses.models import Answer, Evidence
    from phrom.responses.selectors import missing_items
    from phrom.responses.services import answer_save

    for _round in range(10):
        missing = missing_items(response=response)
        if not missing:
            return
        for item in missing:
            question = item.question
            if item.kind == "evidence" or question.type.value == "file":
                Evidence.objects.create(
                    response=response, question=question.code,
                    url=f"https://example.go.th/{question.code}.pdf", uploaded_by=by,
                )
                continue
            current = Answer.objects.filter(response=response, question=question.code).first()
            answer_save(
                response=response, question=question, value=valid_value(question),
                not_applicable=False, explanation="", base_version=current.version if current else 0,
                by=by,
            )
    raise AssertionError("the response could not be completed")


def fill_like_a_busy_agency(
    *, response: Any, previous: Any, user: Any, questions: Any, previous_codes: Any = None
) -> None:
    """Answers for half the questions, evidence for a third, and last cycle's answers.

    The shape the questionnaire page is measured on (tests/responses/test_performance.py
    and bench/bench_questionnaire_page.py).
    """
    from phrom.responses.models import Answer, Evidence

    rows, evidence = [], []
    for i, question in enumerate(questions):
        value = valid_value(question)
        if previous_codes is None or question.code in previous_codes:
            rows.append(Answer(response=previous, question=question.code, value=value,
                               version=1))
        if i % 2 == 0:
            rows.append(Answer(response=response, question=question.code, value=value,
                               version=2, updated_by=user, explanation="ok"))
        if i % 3 == 0:
            evidence.append(Evidence(response=response, question=question.code,
                                     url=f"https://example.go.th/{question.code}"))
            evidence.append(Evidence(response=previous, question=question.code,
                                     url=f"https://example.go.th/old/{question.code}"))
    Answer.objects.bulk_create(rows)
    Evidence.objects.bulk_create(evidence)


def add_file(world: Any, name: str, data: bytes) -> Any:
    """DATA uploaded as NAME to question POL-01-1 of agency A by its coordinator, through
    the service (``evidence_add_file``)."""
    import io

    from django.core.files import File

    from phrom.responses.evidence import evidence_add_file

    return evidence_add_file(
        response=world.response_a, question="POL-01-1", upload=File(io.BytesIO(data), name=name),
        by=world.user("coordinator_a"),
    )
