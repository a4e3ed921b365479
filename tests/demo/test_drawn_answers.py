"""The demo's drawn answers are ones an agency could give: counts are whole numbers, and no
answer breaks the framework's consistency rules (only the reviewed cycle's planted
contradictions do, tests/demo/test_demo.py)."""

from __future__ import annotations

import pytest

from phrom.demo.generate import counts_whole, draw_response, seeded_rng
from phrom.frameworks.shipped import shipped_framework_path
from scoring.loader import load_framework
from scoring.model import QuestionType


@pytest.fixture(scope="module", params=["th-2563", "th-2564"])
def spec(request):  # type: ignore[no-untyped-def]
    path = shipped_framework_path(request.param)
    assert path is not None
    return load_framework(path)


def drawn(spec, n: int = 300) -> list[dict]:  # type: ignore[no-untyped-def]
    return [draw_response(spec, readiness, seeded_rng(2564, "drawn", str(i)))
            for i, readiness in enumerate(k / n for k in range(n))]


def test_counts_are_whole_numbers_at_the_level_drawn(spec) -> None:  # type: ignore[no-untyped-def]
    numbers = [q for q in spec.questions if q.type is QuestionType.NUMBER]
    # documents, people, exercises ...: every number question of the shipped frameworks
    assert numbers and all(counts_whole(q) for q in numbers)
    seen = 0
    for answers in drawn(spec):
        for q in numbers:
            if q.code in answers and not answers[q.code][1]:
                value = answers[q.code][0]
                assert isinstance(value, int), (q.code, value)
                seen += 1
    assert seen > 1000


def test_no_drawn_answer_breaks_a_consistency_rule(spec) -> None:  # type: ignore[no-untyped-def]
    rules = spec.consistency
    assert rules  # SRV-02-1: counter service only excludes every digital channel
    channels = 0
    for answers in drawn(spec):
        for rule in rules:
            first, other = answers.get(rule.question), answers.get(rule.excludes_question)
            if first is None or other is None:
                continue
            held = first[0] if isinstance(first[0], list) else [first[0]]
            excluded = other[0] if isinstance(other[0], list) else [other[0]]
            assert not (set(held) & set(rule.options) and set(excluded) & set(rule.excludes))
            channels += bool(set(excluded) & set(rule.excludes))
    assert channels > 100  # the digital channels are still drawn


def test_a_whole_count_is_only_what_a_framework_can_tell() -> None:
    from scoring.model import Bilingual, Question, Threshold

    text = Bilingual(th="ข้อ", en="Q")
    ratio = Question("Q-1", QuestionType.NUMBER, text, maximum=2.5)
    assert not counts_whole(ratio)
    assert counts_whole(Question("Q-2", QuestionType.NUMBER, text, whole=True, maximum=2.5))
    assert counts_whole(Question("Q-3", QuestionType.NUMBER, text,
                                 thresholds=(Threshold(1.0, 1.0), Threshold(5.0, 2.0))))
