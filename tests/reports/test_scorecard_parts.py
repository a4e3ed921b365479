"""The scorecard's radar and concrete recommendations, on the agency page and in the PDF
(issue 14 point 3)."""

from __future__ import annotations

import re

import pytest

from phrom.reports.scorecard import RADAR_RADIUS, radar, scorecard_context
from phrom.results.selectors import scored_cycle
from tests.reports.test_scorecard_pdf import _fresh_snapshots, submitted, text_of  # noqa: F401

pytestmark = pytest.mark.django_db

PAGE = "/results/th-2564/mot-doh/"


def points(polygon: str) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in (p.split(",") for p in polygon.split())]


def test_the_radar_puts_each_dimension_on_its_own_axis_at_its_share_of_the_scale(
    submitted,  # type: ignore[no-untyped-def]  # noqa: F811
) -> None:
    context = scorecard_context(scored=scored_cycle(cycle=submitted.cycle), agency="mot-doh",
                                language="th")
    dims, scale = context["dimensions"], context["scale"]
    shape = context["radar"]
    own = points(shape["own"])
    assert len(own) == len(dims) and len(shape["axes"]) == len(dims)
    # the first axis points straight up: x 0, y minus the radius times the share
    x, y = own[0]
    assert x == pytest.approx(0, abs=0.01)
    assert -y == pytest.approx(RADAR_RADIUS * dims[0]["score"] / scale, abs=0.01)
    # every point lies on its axis, at its share of the radius
    for (px, py), (ax, ay), d in zip(own, shape["axes"], dims, strict=True):
        share = (px**2 + py**2) ** 0.5 / RADAR_RADIUS
        assert share == pytest.approx(d["score"] / scale, abs=0.001)
        if share > 0:
            assert px * float(ay) - py * float(ax) == pytest.approx(0, abs=0.05)
    assert len(points(shape["average"])) == len(dims)
    assert [n for n, _, _ in shape["numbers"]] == list(range(1, len(dims) + 1))


def test_a_radar_needs_three_dimensions() -> None:
    two = [{"score": 50.0, "average": 40.0, "previous": None}] * 2
    assert radar(two, 100.0, previous=False) == {}
    three = [{"score": 50.0, "average": 40.0, "previous": None}] * 3
    assert radar(three, 100.0, previous=True)["previous"] == ""  # no previous figure


def test_the_agency_page_draws_the_radar_with_numbers_only_and_names_beside_it(
    client, submitted  # type: ignore[no-untyped-def]  # noqa: F811
) -> None:
    client.force_login(submitted.user("administrator"))
    page = client.get(PAGE).content.decode()
    svg = page.split('<svg class="radar"', 1)[1].split("</svg>", 1)[0]
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    spec = submitted.cycle.framework.spec()
    assert texts == [str(k) for k in range(1, len(spec.dimensions) + 1)]  # no Thai in SVG
    assert "style=" not in svg
    names = page.split('<ol class="radar-names">', 1)[1].split("</ol>", 1)[0]
    assert re.findall(r"<li>([^<]*)</li>", names) == [d.name.th for d in spec.dimensions]


def test_recommendations_name_the_questions_that_would_add_most_to_the_total(
    client, submitted  # type: ignore[no-untyped-def]  # noqa: F811
) -> None:
    """B answered no everywhere: each recommended indicator names its questions answered
    no, whose points to gain add up to the indicator's."""
    context = scorecard_context(scored=scored_cycle(cycle=submitted.cycle), agency="mot-doh",
                                language="th")
    recommendations = context["recommendations"]
    assert recommendations
    gains = [r["gain"] for r in recommendations]
    assert gains == sorted(gains, reverse=True)
    for r in recommendations:
        assert r["questions"], r["name"]
        for q in r["questions"]:
            assert q["unanswered"] or q["points"] < q["max_points"]
            assert 0 < q["gain"] <= r["gain"] + 0.01
    first = recommendations[0]["questions"][0]
    client.force_login(submitted.user("administrator"))
    page = client.get(PAGE).content.decode()
    verb = "ตอบข้อ" if first["unanswered"] else "ยกระดับข้อ"  # "answer" or "raise"
    assert f"{verb} “{first['text']}”" in page
    assert "ยกระดับข้อ" in page and "คำตอบปัจจุบัน" in page


def test_an_agency_with_full_marks_has_no_steps_to_take(submitted) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    context = scorecard_context(scored=scored_cycle(cycle=submitted.cycle), agency="mot-drr",
                                language="th")
    for r in context["recommendations"]:  # A answered yes everywhere it could
        assert all(q["gain"] > 0 for q in r["questions"])


def test_the_pdf_has_the_radar_legend_and_the_steps_in_thai(client, submitted) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    client.force_login(submitted.user("administrator"))
    reply = client.get(f"{PAGE}scorecard.pdf")
    assert reply.status_code == 200
    text = text_of(reply.content)
    assert "วงนอกสุดคือคะแนนเต็ม" in text
    assert "ยกระดับข้อ" in text
    spec = submitted.cycle.framework.spec()
    assert spec.dimensions[0].name.th in text
