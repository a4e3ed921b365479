"""Conditions: a question whose `when` is not met is hidden, marked so and not required."""

from __future__ import annotations

import re

import pytest

from phrom.responses.selectors import missing_items, visibility
from scoring.loader import load_framework_text
from tests.responses.helpers import post_answer

pytestmark = pytest.mark.django_db


GATES = """
format: phrom-framework/1
code: gates-2564
name: {th: ประตู, en: Gates}
cycle: {year_be: 2564, year_ce: 2021}
scale: 100
precision: 2
normalisation: none
weights_total: 100
dimensions:
  - code: d
    name: {th: มิติ, en: Dimension}
    weight: 100
    indicators:
      - code: I
        name: {th: ตัวชี้วัด, en: Indicator}
        questions:
          - {code: YN, type: yes_no, text: {th: ก, en: a}}
          - code: ONE
            type: single_choice
            text: {th: ข, en: b}
            options:
              - {code: a, label: {th: ก, en: a}, points: 1}
              - {code: b, label: {th: ข, en: b}, points: 1}
              - {code: c, label: {th: ค, en: c}, points: 1}
          - code: MANY
            type: multiple_choice
            text: {th: ค, en: c}
            options:
              - {code: a, label: {th: ก, en: a}, points: 1}
              - {code: b, label: {th: ข, en: b}, points: 1}
              - {code: c, label: {th: ค, en: c}, points: 1}
          - {code: NUM, type: number, text: {th: ง, en: d}, minimum: 0, maximum: 10, allow_na: true}
          - {code: IF-YES, type: yes_no, text: {th: จ, en: e}, when: {question: YN, equals: true}}
          - {code: IF-A, type: yes_no, text: {th: ฉ, en: f}, when: {question: ONE, equals: a}}
          - {code: IF-AB, type: yes_no, text: {th: ช, en: g}, when: {question: ONE, any_of: [a, b]}}
          - {code: IF-MANY, type: yes_no, text: {th: ซ, en: h}, when: {question: MANY, any_of: [a, b]}}
          - {code: IF-2, type: yes_no, text: {th: ฌ, en: i}, when: {question: NUM, at_least: 2}}
bands:
  - {code: all, name: {th: ทั้งหมด, en: All}, minimum: 0}
"""


def test_conditions_match_each_kind_of_gate():
    spec = load_framework_text(GATES, "gates.yaml")

    def shown(code, value, not_applicable=False):
        gate = {"IF-YES": "YN", "IF-A": "ONE", "IF-AB": "ONE", "IF-MANY": "MANY", "IF-2": "NUM"}
        return visibility(spec, {gate[code]: (value, not_applicable)})[code]

    assert shown("IF-YES", True)
    assert not shown("IF-YES", False)
    assert not shown("IF-YES", None)
    assert not shown("IF-2", None, True)  # not applicable
    assert shown("IF-A", "a")
    assert not shown("IF-A", "b")
    assert shown("IF-AB", "b")
    assert shown("IF-MANY", ["c", "a"])
    assert not shown("IF-MANY", ["c"])
    assert shown("IF-2", 2)
    assert not shown("IF-2", 1)
    assert not shown("IF-2", True)


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
