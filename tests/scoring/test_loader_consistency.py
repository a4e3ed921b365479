"""Consistency rules in the framework format: read, checked, shipped."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoring.errors import FrameworkError
from scoring.loader import load_framework, load_framework_text

FRAMEWORKS = Path(__file__).resolve().parents[2] / "frameworks"
RULE = "  - code: counter-only-excludes-digital-channels\n    question: SRV-02-1\n    any_of: [counter_only]\n"


@pytest.mark.parametrize("name", ["th-2564", "th-2563"])
def test_the_shipped_frameworks_declare_counter_only_against_digital_channels(name: str) -> None:
    rules = load_framework(FRAMEWORKS / f"{name}.yaml").consistency
    assert [(r.question, r.options, r.excludes_question) for r in rules] == [
        ("SRV-02-1", ("counter_only",), "SRV-02-1")
    ]
    assert "website" in rules[0].excludes and rules[0].message


def _with(old: str, new: str) -> str:
    text = (FRAMEWORKS / "th-2564.yaml").read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new)


def test_an_unknown_question_or_option_is_named_with_its_line() -> None:
    text = _with("    any_of: [counter_only]\n", "    any_of: [counter_onyl]\n")
    text = text.replace("    excludes_question: SRV-02-1\n", "    excludes_question: SRV-99\n")
    with pytest.raises(FrameworkError) as caught:
        load_framework_text(text, "bad.yaml")
    message = str(caught.value)
    assert 'consistency[0].any_of[0]: question "SRV-02-1" has no option "counter_onyl"' in message
    assert 'consistency[0].excludes_question: no question has code "SRV-99"' in message


def test_a_question_without_options_is_refused() -> None:
    number = next(
        q.code for q in load_framework(FRAMEWORKS / "th-2564.yaml").questions if q.type == "number"
    )
    text = _with("    excludes_question: SRV-02-1\n", f"    excludes_question: {number}\n")
    with pytest.raises(FrameworkError, match="a consistency rule compares the options"):
        load_framework_text(text, "bad.yaml")


def test_a_missing_key_is_reported() -> None:
    text = _with("    excludes: [website, mobile_app, chat, kiosk, central_portal]\n", "")
    with pytest.raises(FrameworkError, match="excludes"):
        load_framework_text(text, "bad.yaml")
