"""Property-based tests of autosave: any posted fields end in a save (2xx) or a refusal
(4xx) with a message, never a server error, and a refusal writes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from phrom.responses.models import Answer, AnswerChange

pytestmark = pytest.mark.django_db

# One example is one request in a savepoint of the test's transaction, rolled back after it.
QUICK = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# One question of each type in th-2564, and codes that are none.
QUESTIONS = ["POL-01-1", "POL-01-3", "POL-02-2", "POL-03-2", "POL-04-2", "POL-06-1",
             "POL-06-2", "POL-08-1", "POL-10-3"]
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20)
ODD = st.sampled_from(
    ["", " ", "0", "1", "3", "5", "6", "-1", "²", "๑๒", "１２", "١", "yes", "no", "on", "true",
     "two_three", "website", "open_data", "none", "1,234.5", "12 %", "1e309", "nan", "inf",
     "https://www.drr.go.th/a", "javascript:alert(1)", "http://[::1", "a\x00b",
     str(2**31), str(2**63), str(2**64), "9" * 5000, "x" * 20_000]
)
FIELD = st.one_of(ODD, TEXT)


@st.composite
def posts(draw: st.DrawFn) -> dict[str, Any]:
    """The fields the page's script posts, each perhaps missing, odd or repeated."""
    data: dict[str, Any] = {}
    for name in ("base_version", "value", "not_applicable", "none_chosen", "explanation",
                 "csrfmiddlewaretoken", draw(TEXT)):
        how = draw(st.integers(0, 3))
        if how == 0:
            continue
        data[name] = draw(st.lists(FIELD, min_size=1, max_size=3)) if how == 3 else draw(FIELD)
    if draw(st.integers(0, 2)):
        data["base_version"] = "0"  # often a right version, so that saves happen too
    if draw(st.booleans()):
        data["value"] = draw(st.sampled_from(["yes", "3", "50", "two_three", "website",
                                               "https://www.drr.go.th/a", "ระบบสารบรรณ"]))
    return data


def _stored(world: Any) -> tuple[list[tuple[Any, ...]], int]:
    answers = list(
        Answer.objects.filter(response=world.response_a)
        .order_by("question")
        .values_list("question", "value", "not_applicable", "explanation", "version")
    )
    return answers, AnswerChange.objects.filter(response=world.response_a).count()


@pytest.fixture
def coordinator(world: Any, client: Any) -> Any:
    client.force_login(world.user("coordinator_a"))
    return client


@QUICK
@given(code=st.sampled_from([*QUESTIONS, *QUESTIONS, "NOPE", "POL-01-1\x00", "²"]),
       data=posts(), json=st.sampled_from([True, True, True, False]))
def test_any_autosave_post_is_saved_or_refused_with_a_message(world, coordinator, code, data,
                                                                json):
    headers = {"HTTP_ACCEPT": "application/json"} if json else {}
    with transaction.atomic():
        before = _stored(world)
        reply = coordinator.post(
            f"/responses/{world.response_a.pk}/answer/{code}/", data, **headers
        )
        assert reply.status_code < 500
        event(f"status {reply.status_code}")
        if reply.status_code in (200, 302) and _stored(world) != before:
            answers, changes = _stored(world)
            assert changes == before[1] + 1  # one save, one line of history
            saved = Answer.objects.get(response=world.response_a, question=code)
            assert saved.version == 1 and len(answers) == len(before[0]) + 1
        elif reply.status_code >= 400:
            assert _stored(world) == before  # nothing written
            if json and reply.status_code != 404:
                assert reply.json()["message"]
        transaction.set_rollback(True)
