"""A change to a published cycle's answers, for tests that publish a correction: a new
version is stored only when the figures computed differ from the latest one."""

from __future__ import annotations

from typing import Any

from phrom.responses.models import Answer


def flip_a_yes_no_answer(response: Any) -> str:
    """RESPONSE's first yes/no answer (by question code) turned over, as a correction
    would; returns the question's code."""
    spec = response.cycle.framework.spec()
    yes_no = {q.code for q in spec.questions if q.type == "yes_no"}
    answer = next(a for a in Answer.objects.filter(response=response).order_by("question")
                  if a.question in yes_no and a.value is not None)
    Answer.objects.filter(pk=answer.pk).update(value=not answer.value,
                                               version=answer.version + 1)
    return answer.question
