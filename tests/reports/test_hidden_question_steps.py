"""A recommended question that its condition hides: it counts 0 points and keeps its
weight, so the scorecard names it with the answer that would have it asked, on the agency
page and in the PDF (never "from  to 3 points")."""

from __future__ import annotations

import dataclasses
import html
import re

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from phrom.demo.review import maximum_answer
from phrom.reports.scorecard import asked_when, scorecard_context
from phrom.responses.models import Answer, Response
from phrom.results.selectors import scored_cycle
from scoring.model import Condition
from tests.conftest import in_english
from tests.reports.test_scorecard_pdf import _fresh_snapshots, text_of  # noqa: F401

pytestmark = pytest.mark.django_db

PAGE = "/results/th-2564/mot-drr/"


def hidden_steps(world, agency: str, language: str = "th") -> list[dict]:  # type: ignore[no-untyped-def]
    context = scorecard_context(scored=scored_cycle(cycle=world.cycle), agency=agency,
                                language=language)
    return [q for i in context["recommendations"] for q in i["questions"] if q["asked_when"]]


def plain(page: str) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", page).split()))


@pytest.fixture
def gated(world):  # type: ignore[no-untyped-def]
    """A submitted with full points everywhere but two questions that hide others: no
    approved digital plan (POL-01-1, which asks POL-01-2 and POL-01-3) and no backup
    tests (INF-03-1 "never", which asks INF-03-2): the steps to take are those."""
    spec = world.cycle.framework.spec()
    answers = {q.code: maximum_answer(q) for q in spec.questions}
    answers.update({"POL-01-1": False, "INF-03-1": "never"})
    Answer.objects.bulk_create(
        Answer(response=world.response_a, question=code, value=value, version=1)
        for code, value in answers.items() if value is not None)
    Response.objects.filter(pk=world.response_a.pk).update(status="submitted")
    return world


def test_a_hidden_question_is_named_with_the_answer_that_would_ask_it(client, gated) -> None:  # type: ignore[no-untyped-def]
    spec = gated.cycle.framework.spec()
    steps = hidden_steps(gated, "mot-drr")
    assert {q["code"] for q in steps} == {"POL-01-2", "POL-01-3", "INF-03-2"}
    for q in steps:
        condition = spec.question(q["code"]).condition
        assert q["asked_when"]["code"] == condition.question
        assert q["asked_when"]["text"] == spec.question(condition.question).text.th
        assert q["points"] is None and q["gain"] > 0
    client.force_login(gated.user("administrator"))
    page = plain(client.get(PAGE).content.decode())
    first = steps[0]
    assert (f"ข้อ “{first['text']}” ยังไม่ถูกถาม จึงได้ 0 จาก {first['max_points']:g} คะแนน "
            f"โดยจะถามเมื่อ") in page
    assert not re.search(r"จาก\s+เป็น", page)  # no "from  to"
    english = plain(in_english(client).get(PAGE).content.decode())
    en = hidden_steps(gated, "mot-drr", "en")[0]
    assert f"“{en['text']}” is not asked, so it counts 0 of" in english
    assert not re.search(r"from\s+to", english)


def test_the_pdf_says_the_same(client, gated) -> None:  # type: ignore[no-untyped-def]
    client.force_login(gated.user("administrator"))
    text = " ".join(text_of(client.get(f"{PAGE}scorecard.pdf").content).split())
    assert "ยังไม่ถูกถาม" in text and "โดยจะถามเมื่อ" in text
    assert not re.search(r"จาก\s+เป็น", text)


def sentence(spec, code: str, condition: Condition, language: str) -> str:  # type: ignore[no-untyped-def]
    """The step of question CODE, hidden by CONDITION, as _scorecard_steps.html writes it."""
    q = spec.question(code)
    card = {"precision": 2, "recommendations": [{"name": "I", "questions": [{
        "code": code, "text": q.text.get(language), "answer": None, "shown": None,
        "points": None, "max_points": q.max_points, "gain": 1.25, "unanswered": False,
        "asked_when": asked_when(condition, spec, language)}]}]}
    with translation.override(language):
        return plain(render_to_string("results/_scorecard_steps.html", {"card": card}))


def test_each_kind_of_condition_is_said_with_the_options_names(world) -> None:  # type: ignore[no-untyped-def]
    spec = world.cycle.framework.spec()
    inf = spec.question("INF-03-1")  # single choice: ad_hoc, yearly, twice_yearly, ...
    options = spec.question("INF-03-2").condition
    assert options.any_of == ("ad_hoc", "yearly", "twice_yearly")
    labels = [inf.option(c).label for c in options.any_of]
    th = sentence(spec, "INF-03-2", options, "th")
    assert (f"โดยจะถามเมื่อคำตอบข้อ “{inf.text.th}” มีข้อใดข้อหนึ่งใน "
            f"“{labels[0].th}”, “{labels[1].th}”, “{labels[2].th}”: เพิ่มได้สูงสุด 1.25 คะแนน") in th
    en = sentence(spec, "INF-03-2", options, "en")
    assert (f"it is asked when the answer to “{inf.text.en}” includes one of “{labels[0].en}”, "
            f"“{labels[1].en}”, “{labels[2].en}”: up to 1.25 points.") in en
    assert "ad_hoc" not in th + en

    one = dataclasses.replace(options, any_of=(), equals="yearly")
    assert f"ตอบข้อ “{inf.text.th}” ว่า “{labels[1].th}”" in sentence(spec, "INF-03-2", one, "th")
    assert (f"“{inf.text.en}” is answered “{labels[1].en}”"
            in sentence(spec, "INF-03-2", one, "en"))

    gate = spec.question("POL-01-1")
    yes = spec.question("POL-01-3").condition
    assert f"โดยจะถามเมื่อตอบข้อ “{gate.text.th}” ว่าใช่:" in sentence(spec, "POL-01-3", yes, "th")
    no = dataclasses.replace(yes, equals=False)
    assert f"“{gate.text.en}” is answered no:" in sentence(spec, "POL-01-3", no, "en")

    number = spec.question("SRV-10-1")
    at_least = spec.question("SRV-10-2").condition
    assert (f"โดยจะถามเมื่อคำตอบข้อ “{number.text.th}” ตั้งแต่ 1 ขึ้นไป:"
            in sentence(spec, "SRV-10-2", at_least, "th"))
