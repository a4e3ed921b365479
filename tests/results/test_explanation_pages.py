"""Explanation formulas are data: the command line writes them in English, the
scorecard page in the reader's language, with options by name and figures at their
publication precision (issue 11 point 2, issue 12 points 18 and 19)."""

from __future__ import annotations

import html
import json
import re
from dataclasses import replace

from django.template.loader import render_to_string
from django.utils import translation

from phrom.results.templatetags.results_text import figure
from scoring.explain import Explanation, Formula, explain_agency
from scoring.formulas import answer_points
from scoring.model import Bilingual, Option
from scoring.result import PreviousCycle, score_cycle
from tests.scoring.test_engine_explain import ANSWERS, FW
from tests.scoring.test_engine_support import single


def explanation(agency: str = "A1") -> Explanation:
    result = score_cycle(FW, ANSWERS, PreviousCycle(totals={"A1": 50.0}, label="2563"))
    return explain_agency(result, agency)


def written(step: Formula | None, language: str) -> str:
    with translation.override(language):
        text = render_to_string("results/_formula.html", {"f": step, "LANGUAGE_CODE": language})
    return html.unescape(" ".join(text.split()))


def every_step(e: Explanation) -> list[Formula]:
    steps = [e.how, e.rounded]
    for d in e.dimensions:
        steps += [d.how] + ([d.normalising] if d.normalising else [])
        for i in d.indicators:
            steps.append(i.how)
            steps += [q.how for q in i.questions]
    return steps


def test_the_english_page_writes_each_formula_as_the_command_line_does() -> None:
    for agency in ("A1", "A2"):
        for step in every_step(explanation(agency)):
            if step.kind == "question_scored" and step.figures["how"].kind in ("option", "choices"):
                continue  # the page names the options the command line gives by code
            assert written(step, "en") == step.text, step.kind


def test_the_thai_page_writes_each_formula_in_thai() -> None:
    e = explanation("A1")
    a, b, _c = e.dimensions[0].indicators[0].questions
    s, h, n = e.dimensions[0].indicators[1].questions
    assert written(a.how, "th") == "ใช่ → 1 จาก 1 = 1"
    assert written(b.how, "th") == "ระดับ 3 จาก 5 = 0.6"
    assert written(s.how, "th") == "ตัวเลือก “y” → 2 จาก 3 คะแนน = 0.666667"
    assert written(h.how, "th") == (
        "ไม่แสดง (ไม่เป็นไปตามเงื่อนไข a = ไม่ใช่): ได้ 0 คะแนน โดยยังคงน้ำหนัก"
    )
    assert written(n.how, "th") == "15 ≥ 10 → 1 จาก 2 คะแนน = 0.5"
    assert written(e.rounded, "th").endswith(
        f"ปัดเศษ (ครึ่งปัดขึ้น) เป็นทศนิยม 2 ตำแหน่ง = {e.published_total:.2f}"
    )
    for step in every_step(e):
        thai = written(step, "th")
        for english in ("yes", "level", "option", "points", "hidden", "rounded", "excluded",
                        "applicable", "capped", "nothing"):
            assert english not in thai, (step.kind, thai)


def test_answer_options_are_named_in_the_readers_language() -> None:
    question = replace(
        single("s", {"x": 0, "y": 2}),
        options=(Option("x", Bilingual("ไม่มี", "None"), 0.0),
                 Option("y", Bilingual("มีแผน", "A plan"), 2.0)),
    )
    how = answer_points(question, "y")[2]
    assert written(how, "th") == "ตัวเลือก “มีแผน” → 2 จาก 2 คะแนน"
    assert written(how, "en") == "option “A plan” -> 2 of 2 points"
    assert how.text == "option y -> 2 of 2 points"  # the command line keeps the code


def test_chosen_options_are_named_and_the_cap_said() -> None:
    m = explanation("A1").dimensions[1].indicators[1].questions[0]
    assert written(m.how, "th") == "“u” 1 + “v” 1 = 2, ไม่เกิน 1 จาก 1 คะแนน = 1"
    assert written(m.shown, "th") == "u; v"


def test_formulas_are_plain_data_in_json() -> None:
    data = explanation("A1").to_dict()
    assert data["rounded"]["kind"] == "rounding"  # type: ignore[index]
    question = data["dimensions"][0]["indicators"][1]["questions"][0]  # type: ignore[index]
    assert question["how"]["figures"]["how"]["figures"]["option"] == "y"
    assert question["formula"] == "option y -> 2 of 3 points = 0.666667"
    json.dumps(data)


def test_figures_are_written_at_the_publication_precision() -> None:
    assert figure(96.7, 2) == "96.70"
    assert figure(0.0, 2) == "0.00" and figure(-0.0001, 2) == "0.00"
    assert figure(None, 2) == "" and figure(float("nan"), 2) == ""


def test_a_gain_of_zero_is_shown_and_no_previous_cycle_is_said() -> None:
    def gain(value: float | None) -> str:
        with translation.override("en"):
            return render_to_string("results/_gain.html", {"gain": value, "gain_precision": 2})

    assert gain(0.0).strip() == "0.00"
    none = gain(None)
    assert '<span aria-hidden="true">–</span>' in none and "no previous cycle" in none
    assert re.search(r"\d", none) is None
