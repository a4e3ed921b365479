"""An agency's scorecard as a PDF in Thai, under the agency page's permission rules
(issue 14 points 3 and 8)."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from phrom.frameworks.models import Cycle, CycleStatus
from phrom.reports.scorecard import scorecard_context
from phrom.responses.models import Answer
from phrom.results.selectors import scored_cycle
from tests.conftest import submit_yes_no_answers

pytestmark = pytest.mark.django_db

URL = "/results/th-2564/mot-drr/scorecard.pdf"


@pytest.fixture(autouse=True)
def _fresh_snapshots():  # type: ignore[no-untyped-def]
    """Stored snapshots are remembered per publication id for the life of the process; the
    test database rolls back between tests, so an id comes back with other figures (on a
    server an id is never reused)."""
    from phrom.publications import selectors

    selectors._snapshots.clear()
    yield
    selectors._snapshots.clear()


@pytest.fixture
def submitted(world):  # type: ignore[no-untyped-def]
    """Both responses submitted with every yes/no question answered (A yes, B no)."""
    submit_yes_no_answers(world)
    return world


def published(world) -> None:  # type: ignore[no-untyped-def]
    Cycle.objects.filter(pk=world.cycle.pk).update(status=CycleStatus.PUBLISHED)


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_staff_get_the_scorecard_as_a_thai_pdf_with_the_agencys_name_and_total(
    client, submitted  # type: ignore[no-untyped-def]
) -> None:
    client.force_login(submitted.user("administrator"))
    reply = client.get(URL)
    assert reply.status_code == 200
    assert reply["Content-Type"] == "application/pdf"
    assert reply.content.startswith(b"%PDF")
    scored = scored_cycle(cycle=submitted.cycle)
    context = scorecard_context(scored=scored, agency="mot-drr", language="th")
    text = text_of(reply.content)
    assert "กรมทางหลวงชนบท" in text
    assert f"{context['total']:.{context['precision']}f}" in text
    assert "1 จาก 2" in text  # rank overall, out of the ranked agencies
    assert "ผลเบื้องต้น: ยังไม่ประกาศ" in text


def test_the_scorecard_compares_each_dimension_with_the_group_and_names_what_to_improve(
    submitted,  # type: ignore[no-untyped-def]
) -> None:
    scored = scored_cycle(cycle=submitted.cycle)
    context = scorecard_context(scored=scored, agency="mot-doh", language="th")
    assert [d["code"] for d in context["dimensions"]] == [d.code for d in scored.spec.dimensions]
    for dim in context["dimensions"]:  # two agencies of one group: the mean of both
        assert dim["average"] is not None
        assert 0 <= dim["score_width"] <= 100
    gains = [i["gain"] for i in context["recommendations"]]
    assert gains == sorted(gains, reverse=True) and all(g > 0 for g in gains)
    assert context["recommendations"], "an agency that answered no everywhere has points to gain"


def test_the_agency_page_links_to_its_pdf(client, submitted) -> None:  # type: ignore[no-untyped-def]
    client.force_login(submitted.user("administrator"))
    assert URL in client.get("/results/th-2564/mot-drr/").content.decode()


def test_an_unpublished_scorecard_is_hidden_from_other_agencies_and_anonymous_readers(
    client, submitted  # type: ignore[no-untyped-def]
) -> None:
    assert client.get(URL).status_code == 404
    client.force_login(submitted.user("coordinator_b"))
    assert client.get(URL).status_code == 404


def test_a_published_scorecard_is_public(client, submitted) -> None:  # type: ignore[no-untyped-def]
    published(submitted)
    reply = client.get(URL)
    assert reply.status_code == 200 and reply.content.startswith(b"%PDF")


def test_an_unknown_agency_or_cycle_is_a_404(client, submitted) -> None:  # type: ignore[no-untyped-def]
    published(submitted)
    assert client.get("/results/th-2564/nobody/scorecard.pdf").status_code == 404
    assert client.get("/results/th-2599/mot-drr/scorecard.pdf").status_code == 404


def test_the_agency_page_shows_the_scorecard_figures_as_bars_and_tables(
    client, submitted  # type: ignore[no-untyped-def]
) -> None:
    client.force_login(submitted.user("administrator"))
    page = client.get("/results/th-2564/mot-drr/").content.decode()
    scored = scored_cycle(cycle=submitted.cycle)
    context = scorecard_context(scored=scored, agency="mot-drr", language="th")
    assert "ค่าเฉลี่ยของกลุ่ม" in page and "ข้อเสนอแนะ" in page
    assert "1 จาก 2" in page
    for dim in context["dimensions"]:
        assert dim["name"] in page
        assert f"card-own w-{dim['score_width']:.0f}" in page
    assert ' style="' not in page.split("<body", 1)[1]  # the CSP refuses style attributes


def test_a_published_scorecard_shows_the_stored_figures_after_an_answer_changes(
    client, submitted  # type: ignore[no-untyped-def]
) -> None:
    from phrom.publications.services import publish_results

    publish_results(cycle=submitted.cycle)
    published(submitted)
    before = text_of(client.get(URL).content)
    Answer.objects.filter(response=submitted.response_a).update(value=False, version=2)
    after = text_of(client.get(URL).content)
    assert after == before
    assert "ยังไม่ประกาศ" not in after  # not called provisional once published


def test_a_reviewed_scorecard_sets_the_claimed_total_beside_the_verified_one(
    client, submitted  # type: ignore[no-untyped-def]
) -> None:
    from phrom.publications.services import publish_results
    from phrom.reviews.models import Verdict, VerdictKind

    answers = list(Answer.objects.filter(response=submitted.response_a).order_by("question"))
    for answer in answers[::2]:
        Verdict.objects.create(response=submitted.response_a, question=answer.question,
                               verdict=VerdictKind.NOT_SUPPORTED, has_verified_value=True,
                               verified_value=False, reason="no evidence")
    publish_results(cycle=submitted.cycle)
    published(submitted)
    context = scorecard_context(scored=scored_cycle(cycle=submitted.cycle), agency="mot-drr",
                                language="th")
    assert context["claimed"] is not None and context["claimed"] != context["total"]
    text = text_of(client.get(URL).content)
    assert "คะแนนรวมตามที่รายงาน" in text
    assert f"{context['claimed']:.{context['precision']}f}" in text
