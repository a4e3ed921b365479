"""A leaner autosave, as a measured proposal for phrom/responses (not used by the app).

Same checks and the same writes as ``answer_save_view`` + ``services.answer_save`` (the
gate, submitted/closed refusals, the version check under a row lock, the append-only
history row), but:
  - the response is read once, locked (FOR NO KEY UPDATE OF the response), with its cycle
    and framework but without the framework's 84 KB YAML source, instead of once by the
    gate (with the source, to parse-cache the spec) and again by ``_locked_response``;
  - the parsed framework is cached per process by (framework id, sha256), the source read
    only on a cache miss;
  - the answer is locked without the join to its last editor (needed only for a conflict);
  - the UPDATE writes the changed columns only.
``one_statement_answer_save`` goes further: the gate reads the response without a lock and
the version check, the update and the history row are one SQL statement.
bench/autosave/profile_save.py times both against the real view in-process.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from phrom.accounts.gates import STAFF_ROLES, may_answer, profile_of
from phrom.frameworks.models import CycleStatus, Framework
from phrom.responses.forms import answer_from_post
from phrom.responses.models import Answer, AnswerChange, ChangeKind, Response, ResponseStatus
from phrom.responses.selectors import question_and_dimension
from phrom.responses.services import (
    EXPLANATION_MAX,
    AnswerRefused,
    Conflict,
    snapshot,
    stored_value,
)
from phrom.urls import urlpatterns as phrom_urlpatterns

_SPECS: dict[tuple[int, str], Any] = {}


def _spec(framework: Framework) -> Any:
    key = (framework.pk, framework.sha256)
    spec = _SPECS.get(key)
    if spec is None:
        spec = Framework.objects.get(pk=framework.pk).spec()
        _SPECS[key] = spec
    return spec


@login_required
@require_POST
def lean_answer_save(request: HttpRequest, response_id: int, question: str) -> HttpResponse:
    profile = profile_of(request.user)
    if profile is None:
        raise Http404
    try:
        with transaction.atomic():
            try:
                response = (
                    Response.objects.select_for_update(of=("self",), no_key=True)
                    .select_related("cycle__framework")
                    .defer("cycle__framework__source")
                    .get(pk=response_id)
                )
            except Response.DoesNotExist:
                raise Http404 from None
            if profile.role not in STAFF_ROLES and profile.agency_id != response.agency_id:
                raise Http404
            found = question_and_dimension(_spec(response.cycle.framework), question)
            if found is None:
                raise Http404
            spec_question, dimension = found
            if profile.agency_id != response.agency_id or not may_answer(profile, dimension.code):
                return JsonResponse({"status": "forbidden"}, status=403)
            if response.status == ResponseStatus.SUBMITTED:
                return JsonResponse({"status": "locked"}, status=423)
            if response.cycle.status != CycleStatus.OPEN:
                return JsonResponse({"status": "locked"}, status=423)
            posted = answer_from_post(spec_question, request.POST)
            if posted.not_applicable and not spec_question.allow_na:
                return JsonResponse({"status": "invalid"}, status=400)
            explanation = posted.explanation.strip()
            if len(explanation) > EXPLANATION_MAX:
                return JsonResponse({"status": "invalid"}, status=400)
            new_value = (None if posted.not_applicable
                         else stored_value(spec_question, posted.value))
            answer = (
                Answer.objects.select_for_update(of=("self",))
                .filter(response=response, question=question)
                .first()
            )
            if answer is None:
                answer = Answer(response=response, question=question, version=0)
            if (answer.value == new_value and answer.not_applicable == posted.not_applicable
                    and answer.explanation == explanation):
                return JsonResponse({"status": "saved", "version": answer.version})
            if posted.base_version != answer.version:
                raise Conflict(question=question, value=answer.value,
                               not_applicable=answer.not_applicable,
                               explanation=answer.explanation, version=answer.version,
                               by=None, at=answer.updated_at)
            old = (snapshot(answer.value, answer.not_applicable, answer.explanation)
                   if answer.version else None)
            answer.value = new_value
            answer.not_applicable = posted.not_applicable
            answer.explanation = explanation
            answer.version += 1
            answer.updated_by = request.user  # type: ignore[assignment]
            if answer.pk is None:
                try:
                    with transaction.atomic():
                        answer.save()
                except IntegrityError:
                    return JsonResponse({"status": "conflict"}, status=409)
            else:
                answer.save(update_fields=["value", "not_applicable", "explanation",
                                           "version", "updated_by", "updated_at"])
            AnswerChange.objects.create(
                response=response, question=question, kind=ChangeKind.ANSWER, old_value=old,
                new_value=snapshot(answer.value, answer.not_applicable, answer.explanation),
                version=answer.version, by=request.user,
            )
            if response.status == ResponseStatus.NOT_STARTED:
                response.status = ResponseStatus.IN_PROGRESS
                response.started_at = timezone.now()
                response.save(update_fields=["status", "started_at"])
    except Conflict as conflict:
        return JsonResponse({"status": "conflict", "version": conflict.version}, status=409)
    except AnswerRefused as refused:
        return JsonResponse({"status": "invalid", "message": refused.message}, status=400)
    return JsonResponse({"status": "saved", "version": answer.version})


# One statement (PostgreSQL): under the response's lock (only if not submitted and the
# cycle open) and the answer's, update the answer if it is at the page's version and
# append its history row; returns the locks it got and the versions. In autocommit the
# statement is its own transaction: no BEGIN and COMMIT round trips.
_SAVE_SQL = """
WITH r AS (
    SELECT r.id FROM responses_response r
    JOIN frameworks_cycle c ON c.id = r.cycle_id
    WHERE r.id = %(response)s AND r.status <> 'submitted' AND c.status = 'open'
    FOR NO KEY UPDATE OF r
), a AS (
    SELECT a.id, a.value, a.not_applicable, a.explanation, a.version
    FROM responses_answer a
    WHERE a.response_id = (SELECT id FROM r) AND a.question = %(question)s
    FOR UPDATE OF a
), u AS (
    UPDATE responses_answer t
    SET value = %(value)s::jsonb, not_applicable = %(na)s, explanation = %(explanation)s,
        version = t.version + 1, updated_by_id = %(user)s, updated_at = now()
    FROM a
    WHERE t.id = a.id AND a.version = %(base)s AND a.version > 0
      AND (a.value IS DISTINCT FROM %(value)s::jsonb OR a.not_applicable <> %(na)s
           OR a.explanation <> %(explanation)s)
    RETURNING t.version
), h AS (
    INSERT INTO responses_answerchange
        (response_id, question, kind, old_value, new_value, version, reason, by_id, at)
    SELECT %(response)s, %(question)s, 'answer',
           jsonb_build_object('value', a.value, 'not_applicable', a.not_applicable,
                              'explanation', a.explanation),
           %(new)s::jsonb, u.version, '', %(user)s, now()
    FROM u, a
    RETURNING id
)
SELECT (SELECT count(*) FROM r), (SELECT version FROM a), (SELECT version FROM u),
       (SELECT count(*) FROM h)
"""


@login_required
@require_POST
def one_statement_answer_save(request: HttpRequest, response_id: int,
                              question: str) -> HttpResponse:
    """The hot path (an answer that exists, a new value) in one statement; else the lean view.

    The gate reads the response without a lock (its agency and framework never change);
    the statement re-checks what may change (submitted, cycle open) under the lock.
    """
    import json

    from django.db import connection

    profile = profile_of(request.user)
    if profile is None:
        raise Http404
    response = (Response.objects.select_related("cycle__framework")
                .defer("cycle__framework__source").filter(pk=response_id).first())
    if response is None or (profile.role not in STAFF_ROLES
                            and profile.agency_id != response.agency_id):
        raise Http404
    found = question_and_dimension(_spec(response.cycle.framework), question)
    if found is None:
        raise Http404
    spec_question, dimension = found
    if profile.agency_id != response.agency_id or not may_answer(profile, dimension.code):
        return JsonResponse({"status": "forbidden"}, status=403)
    try:
        posted = answer_from_post(spec_question, request.POST)
        if posted.not_applicable and not spec_question.allow_na:
            return JsonResponse({"status": "invalid"}, status=400)
        explanation = posted.explanation.strip()
        if len(explanation) > EXPLANATION_MAX:
            return JsonResponse({"status": "invalid"}, status=400)
        new_value = (None if posted.not_applicable
                     else stored_value(spec_question, posted.value))
    except AnswerRefused as refused:
        return JsonResponse({"status": "invalid", "message": refused.message}, status=400)
    value = json.dumps(new_value)
    with connection.cursor() as cursor:
        cursor.execute(_SAVE_SQL, {
            "response": response_id, "question": question, "value": value,
            "na": posted.not_applicable, "explanation": explanation,
            "user": request.user.pk, "base": posted.base_version,
            "new": json.dumps(snapshot(new_value, posted.not_applicable, explanation)),
        })
        locked, current, saved, history = cursor.fetchone()
    if saved is not None and history == 1:
        return JsonResponse({"status": "saved", "version": saved})
    if locked and current is not None and current != posted.base_version:
        return JsonResponse({"status": "conflict", "version": current}, status=409)
    # Locked, first answer, unchanged value: the full path decides.
    return lean_answer_save(request, response_id, question)


urlpatterns = [
    *phrom_urlpatterns,
    path("bench/lean/<int:response_id>/answer/<str:question>/", lean_answer_save),
    path("bench/one/<int:response_id>/answer/<str:question>/", one_statement_answer_save),
]
