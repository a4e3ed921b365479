"""Two saves of the same answer at the same moment: one is kept, the other is refused.

Row locks need a real database server; on SQLite (one writer at a time) the test is skipped.
Run it with DATABASE_URL=postgres://...
"""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections
from django.test import Client

from phrom.accounts.models import Profile
from phrom.responses.models import Answer, AnswerChange, Response
from phrom.responses.services import Conflict, answer_save
from tests.responses.helpers import post_answer

pytestmark = pytest.mark.django_db(transaction=True)


def _race_two(world, second_coordinator_a, save_one):  # type: ignore[no-untyped-def]
    """coordinator_a (level 2) and a colleague (level 4) call SAVE_ONE(user, level) at the
    same moment; returns what each got: "saved" or the Conflict raised."""
    start = threading.Barrier(2)
    results: dict[str, object] = {}

    def save(user, level):  # type: ignore[no-untyped-def]
        try:
            start.wait()
            save_one(user, level)
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
    return results


def _one_saved_one_refused(results, world):  # type: ignore[no-untyped-def]
    """Of two racing first saves of POL-06-1: one saved (version 1), one refused with a
    Conflict. Returns the stored answer and the Conflict."""
    outcomes = sorted(type(r).__name__ if r != "saved" else "saved" for r in results.values())
    assert outcomes == ["Conflict", "saved"]
    answer = Answer.objects.get(response=world.response_a, question="POL-06-1")
    assert answer.version == 1
    return answer, next(r for r in results.values() if isinstance(r, Conflict))


def test_simultaneous_saves_of_one_version_keep_one_and_refuse_the_other(
    world, spec, second_coordinator_a
):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (set DATABASE_URL)")
    question = spec.question("POL-06-1")

    def save_one(user, level):  # type: ignore[no-untyped-def]
        answer_save(response=world.response_a, question=question, value=level,
                    not_applicable=False, explanation="", base_version=0, by=user)

    answer, refused = _one_saved_one_refused(_race_two(world, second_coordinator_a, save_one),
                                             world)
    assert refused.value == answer.value  # the refused save learns the kept answer
    assert AnswerChange.objects.filter(response=world.response_a).count() == 1


THREADS = 8


def _coordinators_a(world, n):  # type: ignore[no-untyped-def]
    users = [world.user("coordinator_a")]
    for i in range(n - 1):
        user = get_user_model().objects.create_user(
            username=f"coordinator_a_{i}@example.go.th", first_name=f"Colleague {i}"
        )
        Profile.objects.create(user=user, role="coordinator", agency=world.agency_a)
        users.append(user)
    return users


def _save_all_at_once(world, code, values, version):  # type: ignore[no-untyped-def]
    """THREADS colleagues post CODE at once through the autosave view, each a different
    value, all from VERSION; returns their replies (status, JSON)."""
    clients = []
    for user in _coordinators_a(world, len(values)):
        client = Client()
        client.force_login(user)
        clients.append(client)
    start = threading.Barrier(len(values))
    replies: list[tuple[int, dict]] = []
    lock = threading.Lock()

    def save(client, value):  # type: ignore[no-untyped-def]
        try:
            start.wait()
            reply = post_answer(client, world.response_a, code, {"value": value}, version=version)
            with lock:
                replies.append((reply.status_code, reply.json()))
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=save, args=(c, str(v))) for c, v in zip(clients, values, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(replies) == len(values)
    return replies


@pytest.mark.parametrize("existing", [False, True], ids=["first answer", "new version"])
def test_many_simultaneous_saves_through_the_view_keep_exactly_one(world, existing):
    """Of many saves through the view from the same version exactly one is kept (under the
    response's and the answer's row locks), the others are told of it."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (set DATABASE_URL)")
    code = "POL-04-2"  # a number
    version = 0
    if existing:
        client = Client()
        client.force_login(world.user("coordinator_a"))
        assert post_answer(client, world.response_a, code, {"value": "1000"}).status_code == 200
        version = 1
    assert Response.objects.get(pk=world.response_a.pk).status == (
        "in_progress" if existing else "not_started"
    )
    values = [10 * (i + 1) for i in range(THREADS)]
    replies = _save_all_at_once(world, code, values, version)
    statuses = sorted(status for status, _payload in replies)
    assert statuses == [200] + [409] * (THREADS - 1), replies
    answer = Answer.objects.get(response=world.response_a, question=code)
    assert answer.version == version + 1
    assert answer.value in values
    for _status, payload in replies:
        assert payload["version"] == answer.version, payload
    history = list(AnswerChange.objects.filter(response=world.response_a, question=code))
    assert len(history) == version + 1  # one row per accepted save
    assert history[-1].version == answer.version
    assert history[-1].new_value == {"value": answer.value, "not_applicable": False,
                                     "explanation": ""}
    assert history[-1].old_value == (
        {"value": 1000, "not_applicable": False, "explanation": ""} if existing else None
    )
    response = Response.objects.get(pk=world.response_a.pk)
    assert response.status == "in_progress" and response.started_at is not None
