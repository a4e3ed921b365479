"""The admin in Thai: Django's own strings that its Thai catalogue leaves in English are
translated by Phrom (phrom/locale), so an administrator working in Thai reads Thai."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model

from phrom.agencies.models import Agency

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    superuser = get_user_model().objects.create_superuser(
        username="root@example.go.th", email="root@example.go.th", password="x-Root-Password-9"
    )
    client.force_login(superuser)
    return client  # Thai: Phrom's first language, whatever the browser asks for


def test_a_change_in_the_admin_is_confirmed_and_logged_in_thai(admin_client):
    agency = Agency.objects.create(code="mot", name_th="กระทรวงคมนาคม", kind="ministry")
    url = f"/admin/agencies/agency/{agency.pk}/change/"

    reply = admin_client.post(url, {
        "code": "mot", "name_th": "กระทรวงคมนาคม", "name_en": "Ministry of Transport",
        "kind": "ministry", "ministry": "", "group": "", "active": "on",
    }, follow=True)

    assert reply.status_code == 200
    page = reply.content.decode()
    assert "เรียบร้อยแล้ว" in page
    assert "was changed successfully" not in page
    history = admin_client.get(f"{url.removesuffix('change/')}history/").content.decode()
    assert "เปลี่ยน" in history and "Changed" not in history
    assert LogEntry.objects.count() == 1


def test_the_delete_confirmation_asks_in_thai(admin_client):
    agency = Agency.objects.create(code="mot", name_th="กระทรวงคมนาคม", kind="ministry")

    page = admin_client.get(f"/admin/agencies/agency/{agency.pk}/delete/").content.decode()

    assert "ใช่ ยืนยัน" in page
    assert "I’m sure" not in page
