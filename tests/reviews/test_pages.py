"""The review pages: who sees what, the verdict and status forms, and the queue filters."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from phrom.responses.models import Answer, Evidence, Response
from phrom.reviews.models import Verdict
from phrom.reviews.services import reviewers_assign
from tests.conftest import in_english

pytestmark = pytest.mark.django_db


def client_of(world: Any, persona: str) -> Client:
    client = in_english(Client())
    client.force_login(world.user(persona))
    return client


def assign_reviewer(world: Any) -> None:
    reviewers_assign(cycle=world.cycle, reviewer=world.user("reviewer"),
                     by=world.user("administrator"), agencies=[world.agency_a])


PAGES = ["/reviews/", "/reviews/assign/", "review", "status", "verdict"]


def url_of(world: Any, page: str) -> str:
    pk = world.response_a.pk
    return {
        "review": f"/reviews/{pk}/",
        "status": f"/reviews/{pk}/status",
        "verdict": f"/reviews/{pk}/questions/POL-01-3/verdict",
    }.get(page, page)


# persona -> expected status of GET /reviews/, /reviews/assign/, /reviews/<A>/ and of
# POSTs to status and verdict (with the reviewer assigned to A only).
EXPECTED = {
    "administrator": (200, 200, 200, 302, 302),
    "lead_reviewer": (200, 403, 200, 302, 302),
    "reviewer": (200, 403, 200, 302, 302),
    "executive": (403, 403, 404, 404, 404),
    "coordinator_a": (403, 403, 404, 404, 404),
    "respondent_a": (403, 403, 404, 404, 404),
    "coordinator_b": (403, 403, 404, 404, 404),
    "outsider": (403, 403, 404, 404, 404),
}


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_every_review_url_answers_each_role(in_review: Any, persona: str) -> None:
    world = in_review
    assign_reviewer(world)
    client = client_of(world, persona)
    got = []
    for page in PAGES:
        url = url_of(world, page)
        if page in ("status", "verdict"):
            reply = client.post(url, {"status": "in_progress", "verdict": "verified",
                                      "version": "0"})
        else:
            reply = client.get(url)
        got.append(reply.status_code)
    assert tuple(got) == EXPECTED[persona]


def test_signed_out_visitors_are_sent_to_sign_in(in_review: Any) -> None:
    for page in PAGES:
        reply = Client().get(url_of(in_review, page))
        assert reply.status_code in (302, 405)


def test_a_reviewer_sees_only_assigned_responses(in_review: Any) -> None:
    world = in_review
    assign_reviewer(world)
    client = client_of(world, "reviewer")
    assert client.get(f"/reviews/{world.response_b.pk}/").status_code == 404
    assert client.post(f"/reviews/{world.response_b.pk}/status",
                       {"status": "in_progress"}).status_code == 404
    queue = client.get("/reviews/").content.decode()
    assert "Department of Rural Roads" in queue and "Department of Highways" not in queue
    lead = client_of(world, "lead_reviewer").get("/reviews/").content.decode()
    assert "Department of Rural Roads" in lead and "Department of Highways" in lead


def test_the_queue_searches_thai_and_english_names_and_filters(in_review: Any) -> None:
    client = client_of(in_review, "lead_reviewer")
    thai = client.get("/reviews/", {"q": "ชนบท"}).content.decode()
    assert "Department of Rural Roads" in thai and "Department of Highways" not in thai
    english = client.get("/reviews/", {"q": "highways"}).content.decode()
    assert "Department of Highways" in english and "Department of Rural Roads" not in english
    none = client.get("/reviews/", {"status": "signed_off", "group": "service",
                                    "cycle": "th-2564", "ministry": "x"}).content.decode()
    assert "No response to review matches." in none


def test_review_page_shows_answers_evidence_links_and_scores(in_review: Any) -> None:
    world = in_review
    assign_reviewer(world)
    Evidence.objects.create(response=world.response_a, question="POL-01-3",
                            url="https://example.go.th/plan.pdf")
    previous = Response.objects.create(cycle=world.cycle.previous, agency=world.agency_a,
                                       status="submitted")
    Answer.objects.create(response=previous, question="POL-01-3", value=55.0)
    page = client_of(world, "reviewer").get(f"/reviews/{world.response_a.pk}/").content.decode()
    assert 'id="q-POL-01-3"' in page
    assert ('href="https://example.go.th/plan.pdf" target="_blank" '
            'rel="noopener noreferrer"') in page
    assert "<dt>Last cycle’s answer</dt><dd>55.0</dd>" in page
    assert "Claimed and verified scores" in page
    assert "Save verdict" in page
    assert 'style=' not in page and "<script>" not in page


def test_reviewer_adjusts_a_value_with_a_reason_through_the_form(in_review: Any) -> None:
    world = in_review
    assign_reviewer(world)
    client = client_of(world, "reviewer")
    url = f"/reviews/{world.response_a.pk}/questions/POL-01-3/verdict"
    reply = client.post(url, {"verdict": "partly_verified", "set_value": "on",
                              "verified_value": "40", "version": "0"}, follow=True)
    assert "give the reason" in reply.content.decode()
    assert not Verdict.objects.exists()
    reply = client.post(url, {"verdict": "partly_verified", "set_value": "on",
                              "verified_value": "40", "reason": "Half offline",
                              "version": "0"}, follow=True)
    assert "Verdict on POL-01-3 saved." in reply.content.decode()
    assert Verdict.objects.get().verified_value == 40.0
    stale = client.post(url, {"verdict": "verified", "version": "0"}, follow=True)
    assert "Theirs is shown now" in stale.content.decode()


def test_illegal_status_change_is_refused_with_a_message(in_review: Any) -> None:
    world = in_review
    assign_reviewer(world)
    reply = client_of(world, "reviewer").post(
        f"/reviews/{world.response_a.pk}/status", {"status": "signed_off"}, follow=True
    )
    assert "your role cannot make it" in reply.content.decode()


def test_administrator_assigns_by_agency_codes_and_sees_the_load(in_review: Any) -> None:
    world = in_review
    client = client_of(world, "administrator")
    reply = client.post("/reviews/assign/", {
        "cycle": "th-2564", "reviewer": world.user("reviewer").pk,
        "agencies": "mot-drr, mot-doh",
    }, follow=True)
    text = reply.content.decode()
    assert "2 responses assigned" in text
    assert 'href="/reviews/publish/th-2564/"' in text
    bad = client.post("/reviews/assign/", {"cycle": "th-2564",
                                            "reviewer": world.user("reviewer").pk,
                                            "agencies": "nope"}, follow=True)
    assert "No agency has the code: nope." in bad.content.decode()
    odd = client.post("/reviews/assign/", {"cycle": "x", "reviewer": "abc"}, follow=True)
    assert odd.status_code == 200


@pytest.mark.parametrize("version", ["", "abc", "-1", "99999999999999999999", "١"])
def test_odd_versions_are_refused_clearly(in_review: Any, version: str) -> None:
    world = in_review
    assign_reviewer(world)
    reply = client_of(world, "reviewer").post(
        f"/reviews/{world.response_a.pk}/questions/POL-01-3/verdict",
        {"verdict": "verified", "version": version}, follow=True,
    )
    assert reply.status_code == 200
    assert not Verdict.objects.exists()


@pytest.mark.parametrize("persona", ["reviewer", "lead_reviewer", "administrator"])
def test_reviewers_find_the_queue_from_the_navigation(in_review: Any, persona: str) -> None:
    page = client_of(in_review, persona).get("/reviews/").content.decode()
    assert 'href="/reviews/" aria-current="page"' in page


def test_pages_are_in_thai_by_default(in_review: Any) -> None:
    client = Client()
    client.force_login(in_review.user("lead_reviewer"))
    page = client.get("/reviews/").content.decode()
    assert "รายการรอตรวจสอบ" in page and "กรมทางหลวงชนบท" in page


def test_the_agency_sees_reviewers_actions_in_its_history_after_publication(
    in_review: Any,
) -> None:
    from phrom.frameworks.models import Cycle
    from phrom.reviews.services import verdict_save

    world = in_review
    assign_reviewer(world)
    verdict_save(response=world.response_a, question="POL-01-3", verdict="partly_verified",
                 by=world.user("reviewer"), base_version=0, set_verified_value=True,
                 verified_value="40", reason="Half offline", comment="see p. 3")
    url = f"/reviews/{world.response_a.pk}/".replace("/reviews/", "/responses/") + "history/"
    staff = client_of(world, "lead_reviewer").get(url).content.decode()
    assert "Verdict given" in staff and "Partly verified: 40%" in staff
    agency = client_of(world, "coordinator_a")
    assert "Verdict given" not in agency.get(url).content.decode()
    assert "Partly verified" not in agency.get(url.replace("history/", "history.csv")).getvalue().decode()
    Cycle.objects.filter(pk=world.cycle.pk).update(status="published")
    assert "Partly verified: 40%" in agency.get(url).content.decode()


SCORES_BEFORE = {
    "administrator": 200, "lead_reviewer": 200, "reviewer": 200, "executive": 404,
    "coordinator_a": 404, "respondent_a": 404, "coordinator_b": 404, "outsider": 404,
}


@pytest.mark.parametrize("persona", sorted(SCORES_BEFORE))
def test_claimed_and_verified_scores_page_by_role(in_review: Any, persona: str) -> None:
    from phrom.frameworks.models import Cycle

    world = in_review
    assign_reviewer(world)
    client = client_of(world, persona)
    url = f"/reviews/{world.response_a.pk}/scores/"
    assert client.get(url).status_code == SCORES_BEFORE[persona]
    Cycle.objects.filter(pk=world.cycle.pk).update(status="published")
    after = client.get(url)
    agency_a = persona in ("coordinator_a", "respondent_a")
    expected = 200 if agency_a or SCORES_BEFORE[persona] == 200 else 404
    assert after.status_code == expected
    if expected == 200:
        assert "Claimed and verified scores" in after.content.decode()


@pytest.mark.parametrize("persona", ["lead_reviewer", "reviewer", "coordinator_a", "executive"])
def test_only_administrators_reach_the_publish_page(in_review: Any, persona: str) -> None:
    assert client_of(in_review, persona).get("/reviews/publish/th-2564/").status_code == 403


def test_administrator_publishes_with_a_recorded_reason(in_review: Any) -> None:
    from phrom.frameworks.models import Cycle
    from phrom.reviews.models import PublishOverride

    client = client_of(in_review, "administrator")
    page = client.get("/reviews/publish/th-2564/").content.decode()
    assert "Submitted responses not signed off by a lead reviewer: 2." in page
    assert client.get("/reviews/publish/nope/").status_code == 404
    refused = client.post("/reviews/publish/th-2564/", {"reason": "  "}, follow=True)
    assert "cannot be published" in refused.content.decode()
    assert Cycle.objects.get(pk=in_review.cycle.pk).status == "in_review"
    client.post("/reviews/publish/th-2564/", {"reason": "Cabinet meets tomorrow"})
    assert Cycle.objects.get(pk=in_review.cycle.pk).status == "published"
    assert PublishOverride.objects.get().reason == "Cabinet meets tomorrow"


# Session, user, response, assignment (gate), assignments, review, answers, evidence,
# verdicts, last cycle's response, assignment (status moves), and the two scorings
# (response, answers; response, answers, verdicts).
REVIEW_PAGE_QUERIES = 16


def test_review_page_queries_do_not_grow_with_answers_or_evidence(
    in_review: Any, django_assert_num_queries: Any,
) -> None:
    from phrom.reviews.services import verdict_save

    world = in_review
    assign_reviewer(world)
    client = client_of(world, "reviewer")
    url = f"/reviews/{world.response_a.pk}/"
    client.get(url)
    with django_assert_num_queries(REVIEW_PAGE_QUERIES):
        client.get(url)
    for question in world.cycle.framework.spec().questions:
        Evidence.objects.create(response=world.response_a, question=question.code,
                                url=f"https://example.go.th/{question.code}")
    verdict_save(response=world.response_a, question="POL-01-3", verdict="verified",
                 by=world.user("reviewer"), base_version=0)
    with django_assert_num_queries(REVIEW_PAGE_QUERIES):
        client.get(url)


PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")


def stored(world: Any, name: str, content: bytes, content_type: str) -> Evidence:
    from django.core.files.base import ContentFile

    evidence = Evidence(response=world.response_a, question="POL-01-3", original_name=name,
                        content_type=content_type, size=len(content))
    evidence.file.save("x", ContentFile(content), save=True)
    return evidence


def test_evidence_images_are_previewed_in_the_review_page_and_nothing_else(
    in_review: Any,
) -> None:
    world = in_review
    assign_reviewer(world)
    image = stored(world, "ภาพหน้าจอ.png", PNG, "image/png")
    disguised = stored(world, "page.png", b"<svg onload=alert(1)>", "image/png")
    reviewer = client_of(world, "reviewer")
    page = reviewer.get(f"/reviews/{world.response_a.pk}/").content.decode()
    assert f'src="/reviews/evidence/{image.pk}/preview"' in page
    reply = reviewer.get(f"/reviews/evidence/{image.pk}/preview")
    assert reply.status_code == 200 and reply["Content-Type"] == "image/png"
    assert reply["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert b"".join(reply.streaming_content) == PNG
    assert reviewer.get(f"/reviews/evidence/{disguised.pk}/preview").status_code == 404
    for persona in ("coordinator_b", "executive", "outsider", "coordinator_a"):
        assert client_of(world, persona).get(
            f"/reviews/evidence/{image.pk}/preview"
        ).status_code == 404


@pytest.mark.parametrize("page", ["2", "0", "x", "9" * 30])
def test_odd_queue_page_numbers_show_the_nearest_page(in_review: Any, page: str) -> None:
    queue = client_of(in_review, "lead_reviewer").get("/reviews/", {"page": page})
    assert queue.status_code == 200
    assert "Department of Rural Roads" in queue.content.decode()


def test_the_queue_offers_each_peer_group_once(in_review: Any) -> None:
    from phrom.agencies.models import Agency

    Agency.objects.create(code="extra", name_th="กรมตัวอย่าง", name_en="Example Department",
                          kind="department", group=in_review.agency_a.group)
    html = client_of(in_review, "lead_reviewer").get("/reviews/").content.decode()
    select = html[html.index('name="group"'):]
    select = select[:select.index("</select>")]
    assert select.count(f'value="{in_review.agency_a.group}"') == 1
