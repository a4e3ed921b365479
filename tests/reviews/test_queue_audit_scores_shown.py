"""Figures and names the review pages show: the reviewer count in anyone's queue, the audit
sample's reasons by their names, and the scores in the framework's precision."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from phrom.reviews.services import reviewers_assign, verdict_save
from tests.conftest import in_english

pytestmark = pytest.mark.django_db


def client_of(world: Any, persona: str, *, english: bool = True) -> Client:
    client = Client()
    if english:
        in_english(client)
    client.force_login(world.user(persona))
    return client


def assign(world: Any, persona: str = "reviewer") -> None:
    reviewers_assign(cycle=world.cycle, reviewer=world.user(persona),
                     by=world.user("administrator"), agencies=[world.agency_a])


# --- the queue ------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["reviewer", "lead_reviewer", "administrator"])
def test_every_reviewer_counts_the_same_reviewers_of_a_response(
    in_review: Any, persona: str
) -> None:
    world = in_review
    assign(world)
    assign(world, "lead_reviewer")
    html = client_of(world, persona).get(f"/reviews/?cycle={world.cycle.code}&q=mot-drr")
    row = html.content.decode()
    start = row.index("Department of Rural Roads")
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row[start:row.index("</tr>", start)], re.S)
    assert "2" in [c.strip() for c in cells]
    assert "1" not in [c.strip() for c in cells]


# --- the audit sample -----------------------------------------------------------------------


def test_the_audit_sample_names_groups_dimensions_and_screens_in_thai(in_review: Any) -> None:
    from phrom.reviews.audit import FLAGGED, SampleReason, _award_name, _names

    names = _names(in_review.cycle)
    spec = in_review.cycle.framework.spec()
    group = spec.peer_groups[0]
    dimension = spec.dimensions[0]
    award = type("Award", (), {"name": spec.awards[0].name, "group": group.code,
                               "dimension": None, "code": "x"})()
    assert _award_name(award, names).endswith(f"({group.name.th})")
    award.group, award.dimension = None, dimension.code
    assert _award_name(award, names).endswith(f"({dimension.name.th})")
    from django.utils import translation

    with translation.override("th"):
        text = SampleReason(FLAGGED, "shared_file").text
    assert "shared_file" not in text and "ไฟล์" in text


def test_the_audit_page_shows_no_raw_codes(in_review: Any) -> None:
    world = in_review
    page = client_of(world, "administrator", english=False).get(
        f"/reviews/audit/{world.cycle.code}/?share=0&seed=1"
    ).content.decode()
    assert "ดีเด่นรายด้าน (แนวนโยบายและหลักปฏิบัติ)" in page  # a dimension, by name
    assert "คะแนนความพร้อมสูงสุด (กรมที่ให้บริการประชาชนเป็นหลัก)" in page  # a peer group
    assert "ถูกตั้งข้อสังเกตโดยการคัดกรอง: หลักฐานที่ยังขาด" in page  # a screen
    for code in ("(backoffice)", "(service)", "(policy)", ": missing_evidence"):
        assert code not in page


# --- the scores table -----------------------------------------------------------------------


def test_the_scores_table_shows_the_frameworks_decimals(in_review: Any) -> None:
    world = in_review
    assign(world)
    verdict_save(response=world.response_a, question="POL-01-3", verdict="partly_verified",
                 by=world.user("reviewer"), base_version=0, set_verified_value=True,
                 verified_value="40", reason="Half offline")
    page = client_of(world, "reviewer").get(f"/reviews/{world.response_a.pk}/scores/")
    figures = re.findall(r'<td class="num[^"]*">([^<]*)</td>', page.content.decode())
    assert figures
    precision = world.cycle.framework.spec().precision
    for figure in figures:
        assert figure == "—" or re.fullmatch(rf"-?[\d,]+\.\d{{{precision}}}", figure), figure
