"""The verified value a reviewer types is read as strictly as the agency's answer form reads
an answer, and a refusal says in Thai what to write instead (never the scoring engine's
English)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from phrom.reviews.models import Verdict
from phrom.reviews.services import ReviewRefused, reviewers_assign, verdict_save

pytestmark = pytest.mark.django_db


def thai_client(world: Any) -> Client:
    reviewers_assign(cycle=world.cycle, reviewer=world.user("reviewer"),
                     by=world.user("administrator"), agencies=[world.agency_a])
    client = Client()
    client.force_login(world.user("reviewer"))
    return client


def post_value(client: Client, world: Any, code: str, value: str) -> str:
    reply = client.post(
        f"/reviews/{world.response_a.pk}/questions/{code}/verdict",
        {"version": "0", "verdict": "partly_verified", "set_value": "on",
         "verified_value": value, "reason": "ตามหลักฐาน"},
        HTTP_HX_REQUEST="true",
    )
    assert reply.status_code == 200
    return reply.content.decode()


@pytest.mark.parametrize(
    ("code", "value", "says"),
    [
        ("POL-01-3", "abc", "กรอกเป็นตัวเลข เช่น 1234.5"),  # the answer form's own words
        ("POL-01-3", "150", "เขียนร้อยละตั้งแต่ 0 ถึง 100 เป็นตัวเลข"),
        ("POL-01-3", "na", "ตอบว่า “ไม่เกี่ยวข้อง” ไม่ได้"),
        ("POL-06-1", "6", "เขียนจำนวนเต็มตั้งแต่ 0 ถึง 5"),
        ("POL-02-2", "sometimes", "เขียนรหัสตัวเลือกหนึ่งรหัสจาก: none, once, two_three, four_plus"),
        ("INF-06-1", "-1", "เขียนตัวเลขไม่น้อยกว่า 0 เป็นตัวเลข"),
        ("POL-04-2", "-1", "เขียนจำนวนเต็มไม่น้อยกว่า 0 เป็นตัวเลข"),  # a count
        ("POL-04-2", "2.5", "เขียนจำนวนเต็มไม่น้อยกว่า 0 เป็นตัวเลข"),
        ("POL-01-1", "maybe", "เขียน ใช่ หรือ ไม่ใช่"),
        ("POL-08-1", "website; nope", "คั่นด้วยจุลภาค"),
        ("POL-10-3", "example.go.th", "https://"),
    ],
)
def test_a_refused_verified_value_says_in_thai_what_to_write(
    in_review: Any, code: str, value: str, says: str
) -> None:
    text = post_value(thai_client(in_review), in_review, code, value)
    assert f"คำถาม {code}" in text
    assert says in text
    for english in ("is not", "write digits", "separated by ';'", "use one of"):
        assert english not in text
    assert not Verdict.objects.exists()


@pytest.mark.parametrize("value", ["5_0", "1.2.3", "0x10", "½"])
def test_loose_numbers_are_refused_as_the_answer_form_refuses_them(
    in_review: Any, value: str
) -> None:
    text = post_value(thai_client(in_review), in_review, "POL-01-3", value)
    assert "เป็นค่าที่ตรวจสอบแล้วไม่ได้" in text
    assert not Verdict.objects.exists()


@pytest.mark.parametrize(
    ("code", "value", "kept"),
    [
        ("POL-01-3", "60%", 60.0),  # a percentage, as the answer form takes it
        ("POL-01-3", "๖๐", 60.0),  # Thai digits
        ("POL-04-2", "1,234", 1234.0),
        ("POL-06-1", "3", 3.0),
        ("POL-08-1", "website, open_data", ["website", "open_data"]),
        ("POL-02-2", "ONCE", "once"),
        ("POL-01-1", "ไม่ใช่", False),
    ],
)
def test_values_the_answer_form_takes_are_kept(
    in_review: Any, code: str, value: str, kept: Any
) -> None:
    thai_client(in_review)
    saved = verdict_save(response=in_review.response_a, question=code,
                         verdict="partly_verified", by=in_review.user("reviewer"),
                         base_version=0, set_verified_value=True, verified_value=value,
                         reason="ตามหลักฐาน")
    saved.refresh_from_db()
    assert saved.verified_value == kept


def test_the_multiple_choice_field_is_prefilled_as_it_is_read(in_review: Any) -> None:
    client = thai_client(in_review)
    verdict_save(response=in_review.response_a, question="POL-08-1", verdict="verified",
                 by=in_review.user("reviewer"), base_version=0, set_verified_value=True,
                 verified_value="website, open_data", reason="ตามหลักฐาน")
    page = client.get(f"/reviews/{in_review.response_a.pk}/").content.decode()
    assert 'value="website, open_data"' in page


def test_a_reason_over_the_limit_is_refused_not_cut(in_review: Any) -> None:
    client = thai_client(in_review)
    reply = client.post(
        f"/reviews/{in_review.response_a.pk}/questions/POL-01-3/verdict",
        {"version": "0", "verdict": "partly_verified", "set_value": "on",
         "verified_value": "40", "reason": "ก" * 6000},
        follow=True,
    )
    text = reply.content.decode()
    assert "5000" in text and "6000" in text
    assert not Verdict.objects.exists()
    with pytest.raises(ReviewRefused, match="5000"):
        verdict_save(response=in_review.response_a, question="POL-01-3", verdict="verified",
                     by=in_review.user("reviewer"), base_version=0, comment="x" * 5001)


def test_a_stale_verdict_is_explained_in_plain_thai(in_review: Any) -> None:
    client = thai_client(in_review)
    verdict_save(response=in_review.response_a, question="POL-01-3", verdict="verified",
                 by=in_review.user("reviewer"), base_version=0)
    reply = client.post(
        f"/reviews/{in_review.response_a.pk}/questions/POL-01-3/verdict",
        {"version": "0", "verdict": "not_supported"}, HTTP_HX_REQUEST="true",
    )
    text = reply.content.decode()
    assert "ผลที่บันทึกไว้เป็นฉบับที่ 1 แต่หน้าของคุณเป็นฉบับที่ 0" in text
    assert "ของคุณคือ" not in text


@pytest.mark.parametrize("address", ["https://admin:P@ssw0rd@www.doh.go.th/", "https://!!!",
                                     "https://x.com:99999/"])
def test_a_verified_web_address_is_checked_as_the_agencys_answer_was(world: Any, address: str) -> None:
    from django.utils import translation

    from phrom.reviews.values import ValueRefused, read_verified_value

    question = world.cycle.framework.spec().question("SRV-07-1")
    with translation.override("th"), pytest.raises(ValueRefused) as refused:
        read_verified_value(question, address)
    assert "SRV-07-1" in refused.value.message
    assert read_verified_value(question, "HTTPS://WWW.DOH.GO.TH/Page") == "https://www.doh.go.th/Page"
