"""A consistency rule's message is kept in both languages, and a flag names each of the
rule's questions once."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from scoring.integrity import screen_contradictions
from scoring.loader import load_framework
from scoring.model import Bilingual, ConsistencyRule
from scoring.result import score_cycle
from tests.synthetic.integrity import planted_cycle

FRAMEWORKS = Path(__file__).resolve().parents[2] / "frameworks"


def test_the_loader_keeps_the_rules_message_in_thai_and_english() -> None:
    (rule,) = load_framework(FRAMEWORKS / "th-2564.yaml").consistency
    assert rule.message is not None
    assert rule.message.th.startswith("ให้บริการที่เคาน์เตอร์เท่านั้น")
    assert rule.message.en == "Counter service only excludes every digital channel."
    assert rule.message.get("th") == rule.message.th and rule.message.get("en") == rule.message.en


def test_a_rule_within_one_question_names_it_once_and_says_its_message_in_english() -> None:
    cycle = planted_cycle(n_agencies=300, share=0.1, seed=5)
    flags = screen_contradictions(cycle.result)
    assert flags
    rules = {r.code: r for r in cycle.framework.consistency}
    for flag in flags:
        rule = rules[str(flag.figures["rule"])]
        assert rule.question == rule.excludes_question
        assert flag.questions == (rule.question,)
        assert flag.detail.endswith("(option a is 'only'; it excludes option b)")
        assert "เท่านั้น" not in flag.detail


def test_a_rule_across_two_questions_names_both_in_order() -> None:
    cycle = planted_cycle(n_agencies=50, share=0.0, seed=8)
    first, second = [
        q.code for q in cycle.framework.questions
        if q.type == "yes_no" and q.condition is None and q.scored
    ][:2]
    rule = ConsistencyRule("both", second, ("yes",), first, ("yes",), Bilingual("ไม่ได้", "not both"))
    result = score_cycle(replace(cycle.framework, consistency=(rule,)), cycle.result.matrix)
    flags = screen_contradictions(result)
    j, k = (result.matrix.questions.index(c) for c in (first, second))
    both = (result.matrix.values[:, j] == 1) & (result.matrix.values[:, k] == 1)
    assert {f.agency for f in flags} == {result.agencies[i] for i in np.flatnonzero(both)}
    assert flags and all(f.questions == (second, first) for f in flags)
    assert all(f.detail.endswith("(not both)") for f in flags)


def test_a_rule_without_a_message_adds_none_to_the_detail() -> None:
    cycle = planted_cycle(n_agencies=300, share=0.1, seed=5)
    bare = tuple(replace(r, message=None) for r in cycle.framework.consistency)
    result = score_cycle(replace(cycle.framework, consistency=bare), cycle.result.matrix)
    with_message = screen_contradictions(cycle.result)
    without = screen_contradictions(result)
    # the same flags, only the note left out
    assert without and [(f.agency, f.questions, f.figures) for f in without] == [
        (f.agency, f.questions, f.figures) for f in with_message
    ]
    for bare_flag, flag in zip(without, with_message, strict=True):
        assert flag.detail == f"{bare_flag.detail} (option a is 'only'; it excludes option b)"
