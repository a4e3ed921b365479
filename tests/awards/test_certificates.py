"""Issue 14, point 2: a certificate in Thai per winner, as PDF, from the award page: for
everyone once the awards are confirmed, a marked draft for staff before."""

from __future__ import annotations

import io
import os
import re

import pytest
from pypdf import PdfReader

from phrom.awards.services import award_decision_record
from tests.awards.world import answer_cycle, publish

pytestmark = pytest.mark.django_db

PDF = "/results/th-2564/awards/mot-dav/certificate.pdf"


def pdf_text(body: bytes) -> list[str]:
    """Each page's text, spaces squeezed, SARA AM (ำ) as SARA AA (า): text extraction
    from Sarabun reads it so (the page shows it right: docs/certificate-page1.png)."""
    pages = PdfReader(io.BytesIO(body)).pages
    return [" ".join((page.extract_text() or "").replace("ำ", "า").split()) for page in pages]


def extracted(text: str) -> str:
    return text.replace("ำ", "า")


@pytest.fixture
def published(world):  # type: ignore[no-untyped-def]
    answer_cycle(world)
    publish(world)
    return world


def confirm(world) -> None:  # type: ignore[no-untyped-def]
    admin = world.user("administrator")
    admin.first_name, admin.last_name = "สมชาย", "ใจดี"
    admin.save()
    award_decision_record(cycle=world.cycle, by=admin, version=1,
                          note="มติคณะกรรมการ ครั้งที่ 1/2565")


def test_a_winners_certificate_says_in_thai_what_it_won_and_who_confirmed_it(client, published) -> None:  # type: ignore[no-untyped-def]
    confirm(published)
    page = client.get("/results/th-2564/awards/").content.decode()
    assert f'href="{PDF}"' in page

    reply = client.get(PDF)

    assert reply.status_code == 200 and reply["Content-Type"] == "application/pdf"
    assert 'filename="certificate-2564-mot-dav-v1.pdf"' in reply["Content-Disposition"]
    first = pdf_text(reply.content)[0]
    for expected in ("เกียรติบัตร", "ขอมอบเกียรติบัตรฉบับนี้เพื่อแสดงว่า", "กรมท่าอากาศยาน",
                     "ได้รับรางวัล", "คะแนนความพร้อมสูงสุด", "กลุ่มกรมด้านนโยบายและกำกับดูแล",
                     "อันดับที่ 1", "ผลการประเมินฉบับที่ 1", "ผลรางวัลยืนยันโดย สมชาย ใจดี",
                     "ประจำปี พ.ศ. 2564"):
        assert extracted(expected) in first, expected
    assert re.search(r"คะแนนรวม \d+\.\d\d", first)
    assert "ร่าง" not in first
    for english in ("Certificate", "place", "total", "award"):
        assert english not in first, english
    out = os.environ.get("PHROM_CERTIFICATE_PDF")  # rendered to docs/certificate-page1.png
    if out:
        with open(out, "wb") as f:
            f.write(reply.content)


def test_one_page_per_award_won(client, published) -> None:  # type: ignore[no-untyped-def]
    confirm(published)
    pages = pdf_text(client.get("/results/th-2564/awards/mot-drr/certificate.pdf").content)
    # Rural Roads shares the top of its group and of every dimension
    assert len(pages) == 1 + len(published.cycle.framework.spec().dimensions)
    assert "อันดับที่ 1 (อันดับร่วม)" in pages[0]
    assert all("กรมทางหลวงชนบท" in p for p in pages)


def test_before_the_decision_only_staff_get_a_marked_draft(client, published) -> None:  # type: ignore[no-untyped-def]
    assert client.get(PDF).status_code == 404
    assert "certificate.pdf" not in client.get("/results/th-2564/awards/").content.decode()
    client.force_login(published.user("coordinator_a"))
    assert client.get(PDF).status_code == 404
    client.force_login(published.user("administrator"))
    reply = client.get(PDF)
    assert reply.status_code == 200
    assert "ร่าง: ผลรางวัลยังไม่ได้รับการยืนยัน" in pdf_text(reply.content)[0]
    assert "-draft.pdf" in reply["Content-Disposition"]


def test_an_agency_that_won_nothing_has_no_certificate(client, published) -> None:  # type: ignore[no-untyped-def]
    confirm(published)
    assert client.get("/results/th-2564/awards/mot-doh/certificate.pdf").status_code == 404
    assert client.get("/results/th-2564/awards/nobody/certificate.pdf").status_code == 404
