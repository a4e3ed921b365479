"""Conditions: a question whose `when` is not met is hidden, marked so and not required."""

from __future__ import annotations

import re

import pytest

from phrom.responses.selectors import condition_met, missing_items, visibility
from scoring.model import Condition
from tests.responses.helpers import post_answer

pytestmark = pytest.mark.django_db


def test_conditions_match_each_kind_of_gate():
    assert condition_met(Condition("G", equals=True), True, False)
    assert not condition_met(Condition("G", equals=True), False, False)
    assert not condition_met(Condition("G", equals=True), None, False)
    assert not condition_met(Condition("G", equals=True), None, True)  # not applicable
    assert condition_met(Condition("G", equals="a"), "a", False)
    assert condition_met(Condition("G", any_of=("a", "b")), "b", False)
    assert condition_met(Condition("G", any_of=("a", "b")), ["c", "a"], False)
    assert not condition_met(Condition("G", any_of=("a", "b")), ["c"], False)
    assert condition_met(Condition("G", at_least=2), 2, False)
    assert not condition_met(Condition("G", at_least=2), 1, False)
    assert not condition_met(Condition("G", at_least=2), True, False)


def test_visibility_follows_answers_in_framework_order(spec):
    shown = visibility(spec, {})
    assert shown["POL-01-1"] is True
    assert shown["POL-01-2"] is False  # when POL-01-1 = yes
    assert shown["POL-07-2"] is False  # when POL-07-1 at least 2
    shown = visibility(spec, {"POL-01-1": (True, False), "POL-07-1": (3, False),
                              "POL-10-2": (["ropa", "privacy_notice"], False)})
    assert shown["POL-01-2"] and shown["POL-01-3"] and shown["POL-07-2"] and shown["POL-10-3"]
    shown = visibility(spec, {"POL-01-1": (False, False), "POL-07-1": (1, False)})
    assert not shown["POL-01-2"] and not shown["POL-07-2"]


def _block(html: str, code: str) -> str:
    """The HTML of one question's block, up to the next question."""
    start = html.index(f'id="q-{code}"')
    following = re.search(r'<div class="q(?: q-off)?" id="q-', html[start:])
    return html[start:start + following.start()] if following else html[start:]


def test_a_hidden_question_is_rendered_hidden_and_marked(world, client):
    client.force_login(world.user("coordinator_a"))
    html = client.get(f"/responses/{world.response_a.pk}/policy/").content.decode()
    block = html[html.index('id="q-POL-01-2"') - 30:]
    assert block.startswith('<div class="q q-off"') or 'class="q q-off" id="q-POL-01-2"' in html
    hidden_part = _block(html, "POL-01-2")
    assert 'class="q-off-label"' in hidden_part
    assert "POL-01-1" in hidden_part  # says which answer it waits for
    assert re.search(r'class="q-body"\s+hidden', hidden_part)
    assert "data-when=" in hidden_part


def test_a_question_is_shown_once_its_gate_matches(world, client):
    client.force_login(world.user("coordinator_a"))
    post_answer(client, world.response_a, "POL-01-1", {"value": "yes"})
    html = client.get(f"/responses/{world.response_a.pk}/policy/").content.decode()
    assert 'class="q" id="q-POL-01-2"' in html
    assert not re.search(r'class="q-body"\s+hidden', _block(html, "POL-01-2"))


def test_hidden_required_questions_are_not_missing(world, client):
    codes = {m.code for m in missing_items(response=world.response_a) if m.kind == "answer"}
    assert "POL-01-1" in codes
    assert "POL-01-2" not in codes  # hidden until POL-01-1 is yes
    client.force_login(world.user("coordinator_a"))
    post_answer(client, world.response_a, "POL-01-1", {"value": "yes"})
    codes = {m.code for m in missing_items(response=world.response_a) if m.kind == "answer"}
    assert {"POL-01-2", "POL-01-3"} <= codes
    post_answer(client, world.response_a, "POL-01-1", {"value": "no"}, 1)
    codes = {m.code for m in missing_items(response=world.response_a) if m.kind == "answer"}
    assert "POL-01-2" not in codes
