"""Import of a cycle's answers from a spreadsheet in the ANSWERS format of ``phrom score-file``.

The file is read and checked by the same code as ``score-file``
(:func:`phrom.results.spreadsheet.read_answers_file`), so a file that scores there imports
here and the stored answers score the same. The import is all or nothing: every problem is
reported at once and nothing is written unless the whole file is accepted.

Past cycles come in complete: each imported response is marked submitted, and every answer
written and every status change goes into the response's history with kind ``imported``,
the file's name and its SHA-256 in the reason.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from phrom.agencies.errors import ImportRejected, RowProblem
from phrom.agencies.models import Agency
from phrom.frameworks.models import Cycle, CycleStatus
from phrom.responses.models import Answer, AnswerChange, ChangeKind, Response, ResponseStatus
from phrom.responses.services import AnswerInvalid, snapshot, stored_value
from phrom.results.spreadsheet import AnswersFile, read_answers_file
from scoring.matrix import decode_value, matrix_questions
from scoring.model import Question, QuestionType

# Rows per query: well under SQLite's limit of bound variables.
CHUNK = 2000


class AnswersImportRefused(Exception):
    """The whole file is refused for a reason of the cycle, not of a row; nothing written."""


@dataclass(frozen=True)
class AnswersImportSummary:
    """What an import wrote."""

    cycle: str
    sha256: str
    responses: int  # rows of the file: one response each
    created: int  # responses that did not exist before
    replaced: int  # responses that had answers or were submitted (only with ``replace``)
    written: int  # answers created or changed (one history row each)
    unchanged: int  # answers already stored as the file has them
    not_imported: tuple[str, ...]  # codes of questions the format has no values for


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]


def _stored(question: Question, cell: float) -> Any:
    """The JSON value the database keeps for a matrix cell (not NaN, not n/a)."""
    decoded = decode_value(question, cell)
    if question.type is QuestionType.MATURITY:
        decoded = int(decoded)  # type: ignore[arg-type]
    elif question.type is QuestionType.MULTIPLE_CHOICE:
        decoded = list(decoded)  # type: ignore[arg-type]
    return stored_value(question, decoded)


def answers_import(
    *,
    cycle: Cycle,
    path: Path,
    replace: bool = False,
    agency_column: str = "agency",
    name_column: str = "name",
    group_column: str = "group",
) -> AnswersImportSummary:
    """Store the answers of PATH (one row per agency) in CYCLE's responses, submitted.

    Raises ``SpreadsheetError`` (each bad cell with its row and column, as ``score-file``
    reports them), ``ImportRejected`` (agencies missing from the registry, a peer group
    that differs from the registry's, responses that already have answers or are
    submitted while ``replace`` is not given) or ``AnswersImportRefused`` (the cycle is
    neither a draft nor open: closed, in review or published, its answers no longer change,
    as on the web). Nothing is written unless every row is accepted.

    With ``replace``, the file's answers replace the stored ones of the questions it
    holds (an empty cell clears an answer); explanations, evidence and the answers to
    text and web-address questions, which the format does not carry, are kept.
    """
    if (refusal := _refusal(cycle)) is not None:
        raise AnswersImportRefused(refusal)
    spec = cycle.framework.spec()
    answers = read_answers_file(
        path, spec, agency_column=agency_column, name_column=name_column,
        group_column=group_column,
    )
    sha256 = file_sha256(path)
    matrix = answers.matrix
    source = path.name
    columns = matrix_questions(spec)
    in_matrix = {q.code for q in columns}
    not_imported = tuple(q.code for q in spec.questions if q.type is not QuestionType.FILE
                         and q.code not in in_matrix)
    reason = f"imported from {source} (SHA-256 {sha256})"

    with transaction.atomic():
        # The cycle's row locked: it cannot be closed or published while the import runs.
        cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
        if (refusal := _refusal(cycle)) is not None:
            raise AnswersImportRefused(refusal)
        codes = list(matrix.agencies)
        agencies: dict[str, Agency] = {}
        for chunk in _chunks(codes):
            agencies.update((a.code, a) for a in Agency.objects.filter(code__in=chunk))
        problems: list[RowProblem] = []
        for i, code in enumerate(codes):
            row = answers.rows[i]
            agency = agencies.get(code)
            if agency is None:
                problems.append(RowProblem(
                    source, row, agency_column,
                    f"no agency {code!r} in the registry; add it with phrom agencies import",
                ))
                continue
            group = matrix.groups[i]
            if group is not None and group != (agency.group or None):
                problems.append(RowProblem(
                    source, row, group_column,
                    f"{group!r} differs from the registry's peer group of {code} "
                    f"({agency.group or 'none'}); correct the file or the registry",
                ))

        responses: dict[int, Response] = {}  # by agency id
        ids = [a.pk for a in agencies.values()]
        for chunk in _chunks(ids):
            found = Response.objects.select_for_update(of=("self",)).filter(
                cycle=cycle, agency_id__in=chunk
            )
            responses.update((r.agency_id, r) for r in found)
        stored: dict[int, dict[str, Answer]] = {}  # by response id
        response_ids = [r.pk for r in responses.values()]
        for chunk in _chunks(response_ids):
            for answer in Answer.objects.filter(response_id__in=chunk):
                stored.setdefault(answer.response_id, {})[answer.question] = answer
        replaced = 0
        for i, code in enumerate(codes):
            agency = agencies.get(code)
            response = responses.get(agency.pk) if agency is not None else None
            if response is None:
                continue
            held = sum(
                1 for a in stored.get(response.pk, {}).values()
                if a.value is not None or a.not_applicable
            )
            if not held and response.status != ResponseStatus.SUBMITTED:
                continue
            replaced += 1
            if replace:
                continue
            problems.append(RowProblem(
                source, answers.rows[i], agency_column,
                f"{code} already has {held} answer(s) in {cycle.code} "
                f"(status: {response.status}); "
                "pass --replace to replace them with the file's",
            ))

        if problems:
            raise ImportRejected(source, problems)
        return _write(
            cycle=cycle, source=source, answers_file=answers, columns=columns, agencies=agencies,
            responses=responses, stored=stored, reason=reason, sha256=sha256,
            replaced=replaced, not_imported=not_imported,
        )


# A past cycle comes in as the draft its framework was loaded with; an open one takes
# answers as its questionnaire does. After that the web changes no answer, nor does this.
IMPORT_STATUSES = (CycleStatus.DRAFT, CycleStatus.OPEN)


def _refusal(cycle: Cycle) -> str | None:
    """Why answers cannot be imported into CYCLE now, or None."""
    if cycle.status in IMPORT_STATUSES:
        return None
    if cycle.status == CycleStatus.PUBLISHED:
        return (
            f"cycle {cycle.code} is published: its figures are final and its answers cannot "
            "change; import into a draft or open cycle"
        )
    if cycle.status == CycleStatus.IN_REVIEW:
        return (
            f"cycle {cycle.code} is in review: reviewers are checking and signing off its "
            "answers, which may no longer change; import into a draft or open cycle"
        )
    return (
        f"cycle {cycle.code} is {cycle.status.replace('_', ' ')}: its answers no longer "
        f"change; import into a draft or open cycle, or, if these answers belong in it, "
        f"open the cycle again first (its page, /cycles/{cycle.code}/)"
    )


def _write(
    *,
    cycle: Cycle,
    source: str,
    answers_file: AnswersFile,
    columns: Sequence[Question],
    agencies: dict[str, Agency],
    responses: dict[int, Response],
    stored: dict[int, dict[str, Answer]],
    reason: str,
    sha256: str,
    replaced: int,
    not_imported: tuple[str, ...],
) -> AnswersImportSummary:
    matrix = answers_file.matrix
    now = timezone.now()
    missing = [
        Response(cycle=cycle, agency=agencies[code], status=ResponseStatus.NOT_STARTED)
        for code in matrix.agencies
        if agencies[code].pk not in responses
    ]
    for chunk in _chunks(missing):
        for response in Response.objects.bulk_create(chunk):
            responses[response.agency_id] = response

    new_answers: list[Answer] = []
    changed: list[Answer] = []
    history: list[AnswerChange] = []
    unchanged = 0
    values, not_applicable = matrix.values, matrix.not_applicable
    for i, code in enumerate(matrix.agencies):
        response = responses[agencies[code].pk]
        held = stored.get(response.pk, {})
        for j, question in enumerate(columns):
            na = bool(not_applicable[i, j])
            cell = float(values[i, j])
            try:
                value = None if na or cell != cell else _stored(question, cell)
            except AnswerInvalid as exc:
                # The reader checked every cell; the stricter rules of a saved answer have
                # the last word all the same (the transaction is then rolled back).
                raise ImportRejected(source, [RowProblem(
                    source, answers_file.rows[i], question.code, exc.message
                )]) from None
            answer = held.get(question.code)
            if answer is None:
                if value is None and not na:
                    continue
                answer = Answer(response=response, question=question.code, version=0)
                new_answers.append(answer)
            elif answer.value == value and answer.not_applicable == na:
                unchanged += 1
                continue
            else:
                changed.append(answer)
            old = (
                snapshot(answer.value, answer.not_applicable, answer.explanation)
                if answer.version else None
            )
            answer.value = value
            answer.not_applicable = na
            answer.version += 1
            answer.updated_by = None
            answer.updated_at = now
            history.append(AnswerChange(
                response=response, question=question.code, kind=ChangeKind.IMPORTED,
                old_value=old, new_value=snapshot(value, na, answer.explanation),
                version=answer.version, reason=reason,
            ))
    written = len(history)
    # One row per response: its status before and after, and the file it came from.
    history.extend(
        AnswerChange(
            response=response, kind=ChangeKind.IMPORTED, old_value=response.status,
            new_value=ResponseStatus.SUBMITTED.value, reason=reason,
        )
        for response in responses.values()
    )
    Answer.objects.bulk_create(new_answers, batch_size=CHUNK)
    Answer.objects.bulk_update(
        changed, ["value", "not_applicable", "version", "updated_by", "updated_at"],
        batch_size=CHUNK,
    )
    AnswerChange.objects.bulk_create(history, batch_size=CHUNK)
    ids = [r.pk for r in responses.values()]
    for chunk in _chunks(ids):
        Response.objects.filter(pk__in=chunk, started_at__isnull=True).update(started_at=now)
        Response.objects.filter(pk__in=chunk).update(
            status=ResponseStatus.SUBMITTED, submitted_at=now, submitted_by=None
        )
    return AnswersImportSummary(
        cycle=cycle.code, sha256=sha256, responses=len(matrix.agencies), created=len(missing),
        replaced=replaced, written=written,
        unchanged=unchanged, not_imported=not_imported,
    )
