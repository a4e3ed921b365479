"""An agency's scorecard as a PDF in Thai, under the agency page's permission rules
(issue 14 points 3 and 8)."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from phrom.frameworks.models import Cycle, CycleStatus
from phrom.reports.scorecard import scorecard_context
from phrom.responses.models import Answer, Response
from phrom.results.selectors import scored_cycle

pytestmark = pytest.mark.django_db

URL = "/results/th-2564/mot-drr/scorecard.pdf"


@pytest.fixture
def submitted(world):  # type: ignore[no-untyped-def]
    """Both responses submitted with every yes/no question answered (A yes, B no)."""
    spec = world.cycle.framework.spec()
    for response in (world.response_a, world.response_b):
        for question in spec.questions:
            if question.type == "yes_no":
                Answer.objects.create(response=response, question=question.code,
                                      value=response == world.response_a, version=1)
    Response.objects.filter(pk__in=[world.response_a.pk, world.response_b.pk]).update(
        status="submitted")
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
