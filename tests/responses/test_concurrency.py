"""Two saves of the same answer at the same moment: one is kept, the other is refused.

Row locks need a real database server; on SQLite (one writer at a time) the test is skipped.
Run it with DATABASE_URL=postgres://...
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from phrom.responses.models import Answer, AnswerChange
from phrom.responses.services import Conflict, answer_save

pytestmark = pytest.mark.django_db(transaction=True)


def test_simultaneous_saves_of_one_version_keep_one_and_refuse_the_other(
    world, spec, second_coordinator_a
):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (set DATABASE_URL)")
    question = spec.question("POL-06-1")
    start = threading.Barrier(2)
    results: dict[str, object] = {}

    def save(user, level):  # type: ignore[no-untyped-def]
        try:
            start.wait()
            answer_save(response=world.response_a, question=question, value=level,
                        not_applicable=False, explanation="", base_version=0, by=user)
            results[user.username] = "saved"
        except Conflict as conflict:
            results[user.username] = conflict
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=save, args=(world.user("coordinator_a"), 2)),
        threading.Thread(target=save, args=(second_coordinator_a, 4)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    outcomes = sorted(type(r).__name__ if r != "saved" else "saved" for r in results.values())
    assert outcomes == ["Conflict", "saved"]
    answer = Answer.objects.get(response=world.response_a, question="POL-06-1")
    assert answer.version == 1
    refused = next(r for r in results.values() if isinstance(r, Conflict))
    assert refused.value == answer.value  # the refused save learns the kept answer
    assert AnswerChange.objects.filter(response=world.response_a).count() == 1
