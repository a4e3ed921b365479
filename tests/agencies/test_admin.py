"""The admin's list of agencies, at the size of a real registry."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from phrom.agencies.models import Agency

pytestmark = pytest.mark.django_db


def queries_of_the_list(admin_client, departments: int) -> int:  # type: ignore[no-untyped-def]
    ministry, _ = Agency.objects.get_or_create(code="mot", defaults={
        "name_th": "กระทรวงคมนาคม", "name_en": "Ministry of Transport", "kind": "ministry"})
    have = Agency.objects.filter(ministry=ministry).count()
    Agency.objects.bulk_create(
        Agency(code=f"mot-{i:03d}", name_th=f"กรม {i}", name_en=f"Department {i}",
               kind="department", ministry=ministry)
        for i in range(have, departments)
    )
    with CaptureQueriesContext(connection) as captured:
        page = admin_client.get("/admin/agencies/agency/")
    assert page.status_code == 200
    assert "กระทรวงคมนาคม" in page.content.decode()  # each department's ministry
    return len(captured.captured_queries)


def test_the_list_reads_each_departments_ministry_with_it(admin_client) -> None:  # type: ignore[no-untyped-def]
    few = queries_of_the_list(admin_client, 2)
    assert queries_of_the_list(admin_client, 40) == few


@pytest.mark.parametrize("code", ["mot md/x", "mot md", "กรม", "-mot", "mot/"])
def test_the_admin_refuses_an_agency_code_that_web_addresses_cannot_hold(
    admin_client, code
) -> None:  # type: ignore[no-untyped-def]
    agency = Agency.objects.create(code="mot", name_th="กระทรวงคมนาคม", kind="ministry")

    page = admin_client.post(f"/admin/agencies/agency/{agency.pk}/change/", {
        "code": code, "name_th": "กระทรวงคมนาคม", "name_en": "", "kind": "ministry",
        "ministry": "", "group": "", "active": "on",
    })

    assert page.status_code == 200  # the form again, with its error
    text = page.content.decode()
    assert "เป็นรหัสไม่ได้ ใช้ได้เฉพาะตัวอักษรภาษาอังกฤษ A-Z และ a-z ตัวเลข" in text
    assert Agency.objects.get(pk=agency.pk).code == "mot"


def test_the_admin_still_takes_a_code_of_letters_digits_and_signs(admin_client) -> None:  # type: ignore[no-untyped-def]
    agency = Agency.objects.create(code="mot", name_th="กระทรวงคมนาคม", kind="ministry")

    page = admin_client.post(f"/admin/agencies/agency/{agency.pk}/change/", {
        "code": "MOT_2.x-1", "name_th": "กระทรวงคมนาคม", "name_en": "", "kind": "ministry",
        "ministry": "", "group": "", "active": "on",
    })

    assert page.status_code == 302
    assert Agency.objects.get(pk=agency.pk).code == "MOT_2.x-1"
