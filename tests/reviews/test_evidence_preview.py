"""PDF evidence previewed in the review page: framed only by Phrom, seen only by its reviewers."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.base import ContentFile

from phrom.responses.models import Evidence
from tests.reviews.test_pages import assign_reviewer, client_of

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def pdf_of(response: Any, name: str = "แผนปฏิบัติการ.pdf") -> Evidence:
    evidence = Evidence(response=response, question="POL-01-3", original_name=name,
                        content_type="application/pdf", size=len(PDF))
    evidence.file.save("x", ContentFile(PDF), save=True)
    return evidence


def test_pdf_evidence_is_framed_in_the_review_page_beside_its_download_link(
    in_review: Any,
) -> None:
    world = in_review
    assign_reviewer(world)
    pdf = pdf_of(world.response_a)
    reviewer = client_of(world, "reviewer")
    reply = reviewer.get(f"/reviews/{world.response_a.pk}/")
    page = reply.content.decode()
    assert (f'<iframe class="evidence-preview evidence-pdf" '
            f'src="/reviews/evidence/{pdf.pk}/preview" '
            f'title="Preview of the PDF แผนปฏิบัติการ.pdf"') in page
    after_frame = page.split("evidence-pdf", 1)[1].split("</li>", 1)[0]
    assert f'href="/responses/evidence/{pdf.pk}/download"' in after_frame
    # The review page itself is still never framed.
    assert reply["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in reply["Content-Security-Policy"]


def test_pdf_preview_is_inline_and_may_be_framed_by_phrom_only(in_review: Any) -> None:
    world = in_review
    assign_reviewer(world)
    pdf = pdf_of(world.response_a)
    reply = client_of(world, "reviewer").get(f"/reviews/evidence/{pdf.pk}/preview")
    assert reply.status_code == 200
    assert reply["Content-Type"] == "application/pdf"
    assert reply["Content-Disposition"] == "inline"
    assert reply["X-Content-Type-Options"] == "nosniff"
    assert reply["X-Frame-Options"] == "SAMEORIGIN"
    policy = reply["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in policy and "'none'" not in policy.split(
        "frame-ancestors", 1)[1].split(";", 1)[0]
    assert b"".join(reply.streaming_content) == PDF


def test_a_file_named_pdf_that_is_not_one_is_not_previewed(in_review: Any) -> None:
    world = in_review
    assign_reviewer(world)
    fake = Evidence(response=world.response_a, question="POL-01-3", original_name="plan.pdf",
                    content_type="application/pdf", size=20)
    fake.file.save("x", ContentFile(b"<html><script>1</script>"), save=True)
    assert client_of(world, "reviewer").get(
        f"/reviews/evidence/{fake.pk}/preview"
    ).status_code == 404


def test_pdf_preview_is_refused_to_other_agencies_and_unassigned_reviewers(
    in_review: Any,
) -> None:
    world = in_review
    assign_reviewer(world)  # the reviewer is assigned agency A only
    pdf_a = pdf_of(world.response_a)
    pdf_b = pdf_of(world.response_b)
    assert client_of(world, "coordinator_b").get(
        f"/reviews/evidence/{pdf_a.pk}/preview").status_code == 404
    assert client_of(world, "reviewer").get(
        f"/reviews/evidence/{pdf_b.pk}/preview").status_code == 404
    for persona in ("executive", "outsider", "respondent_a"):
        assert client_of(world, persona).get(
            f"/reviews/evidence/{pdf_a.pk}/preview").status_code == 404
    assert client_of(world, "lead_reviewer").get(
        f"/reviews/evidence/{pdf_b.pk}/preview").status_code == 200
    anonymous = client_of(world, "outsider")
    anonymous.logout()
    assert anonymous.get(f"/reviews/evidence/{pdf_a.pk}/preview").status_code == 302
