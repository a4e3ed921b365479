"""The admin in the reader's language: the names of the apps, and Django's own strings
that its Thai catalogue leaves in English (translated in phrom/locale)."""

from __future__ import annotations

import re

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model

from phrom.agencies.models import Agency

pytestmark = pytest.mark.django_db

PHROM_APPS = ("accounts", "agencies", "awards", "frameworks", "responses", "reviews")


def _app_captions(client) -> dict[str, str]:
    page = client.get("/admin/").content.decode()
    found = {}
    for app in PHROM_APPS:
        match = re.search(rf'<a href="/admin/{app}/"[^>]*>([^<]*)</a>', page)
        assert match, app
        found[app] = match.group(1).strip()
    return found


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser(
        username="root@example.go.th", email="root@example.go.th", password="x-Root-Password-9"
    )


def test_the_admin_names_phroms_apps_in_thai(superuser, client):
    client.force_login(superuser)
    captions = _app_captions(client)
    for app, caption in captions.items():
        assert re.search(r"[\u0e00-\u0e7f]", caption), (app, caption)


def test_the_admin_names_phroms_apps_in_english(superuser, client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(superuser)
    captions = _app_captions(client)
    assert captions["frameworks"] == "Frameworks and cycles"
    for caption in captions.values():
        assert not re.search(r"[\u0e00-\u0e7f]", caption)


def test_a_change_in_the_admin_is_confirmed_and_logged_in_thai(superuser, client):
    client.force_login(superuser)  # (Thai: Phrom's first language)
    agency = Agency.objects.create(code="mot", name_th="กระทรวงคมนาคม", kind="ministry")
    url = f"/admin/agencies/agency/{agency.pk}/change/"

    reply = client.post(url, {
        "code": "mot", "name_th": "กระทรวงคมนาคม", "name_en": "Ministry of Transport",
        "kind": "ministry", "ministry": "", "group": "", "active": "on",
    }, follow=True)

    assert reply.status_code == 200
    page = reply.content.decode()
    assert "เรียบร้อยแล้ว" in page
    assert "was changed successfully" not in page
    history = client.get(f"{url.removesuffix('change/')}history/").content.decode()
    assert "เปลี่ยน" in history and "Changed" not in history
    assert LogEntry.objects.count() == 1


def test_the_delete_confirmation_asks_in_thai(superuser, client):
    client.force_login(superuser)  # (Thai: Phrom's first language)
    agency = Agency.objects.create(code="mot", name_th="กระทรวงคมนาคม", kind="ministry")

    page = client.get(f"/admin/agencies/agency/{agency.pk}/delete/").content.decode()

    assert "ใช่ ยืนยัน" in page
    assert "I’m sure" not in page


@pytest.fixture
def failed_sign_in(db):
    """One failed sign-in, as django-axes records it (a row of its admin list)."""
    from axes.models import AccessAttempt

    return AccessAttempt.objects.create(
        username="someone@example.go.th", ip_address="10.0.0.1", user_agent="test",
        http_accept="*/*", path_info="/accounts/login/", get_data="", post_data="",
        failures_since_start=2,
    )


def test_the_admins_frame_and_list_controls_are_in_thai(superuser, client, failed_sign_in):
    client.force_login(superuser)  # (Thai: Phrom's first language)

    page = client.get("/admin/axes/accessattempt/").content.decode()

    for thai, english in [
        ("ข้ามไปยังเนื้อหาหลัก", "Skip to main content"),
        ("สลับรูปแบบสี", "Toggle theme"),
        ("กรองรายการในแถบนำทาง", "Filter navigation items"),
        ("เลือกทุกรายการในหน้านี้เพื่อดำเนินการ", "Select all objects on this page"),
        ("ชื่อผู้ใช้", ">Username<"),
    ]:
        assert thai in page and english not in page, english


def test_third_party_apps_have_names_in_the_readers_language(superuser, client, settings):
    client.force_login(superuser)

    thai = client.get("/admin/").content.decode()
    assert "บันทึกการเข้าสู่ระบบ" in thai and "งานเบื้องหลัง" in thai
    assert ">Axes<" not in thai and "Tasks Database Backend" not in thai

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/admin/").content.decode()
    assert "Sign-in records" in english and "Background tasks" in english


def test_the_task_results_list_names_statuses_in_thai(superuser, client):
    client.force_login(superuser)  # (Thai: Phrom's first language)

    page = client.get("/admin/django_tasks_database/dbtaskresult/").content.decode()

    assert "ผลของงานเบื้องหลัง" in page and "Task Results" not in page
    assert "รอทำงาน" in page and ">Ready<" not in page


@pytest.mark.parametrize("language", ["th", "en"])
def test_the_admin_shows_dates_in_the_buddhist_era(superuser, client, settings, language):
    from django.utils import timezone

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(superuser)  # (signing in sets the last sign-in: today)
    year = timezone.localdate().year

    page = client.get("/admin/auth/user/").content.decode()

    shown = re.search(r'<td class="field-last_login[^"]*">([^<]*)</td>', page)
    assert shown, page
    assert str(year + 543) in shown.group(1) and str(year) not in shown.group(1)


def test_no_date_is_typed_in_the_admin_and_a_persons_dates_show_in_the_buddhist_era(
    superuser, client
):
    from django.utils import timezone

    client.force_login(superuser)  # (Thai: Phrom's first language)

    page = client.get(f"/admin/auth/user/{superuser.pk}/change/").content.decode()

    assert "vDateField" not in page and "vTimeField" not in page
    joined = re.search(r'field-date_joined.*?<div class="readonly">([^<]*)</div>', page, re.S)
    assert joined and str(timezone.localdate().year + 543) in joined.group(1)


def test_the_admins_date_drill_down_names_years_in_the_buddhist_era(
    superuser, client, failed_sign_in
):
    from django.utils import timezone

    client.force_login(superuser)  # (Thai: Phrom's first language)

    page = client.get("/admin/axes/accessattempt/").content.decode()

    # the attempts of one month: the drill-down opens on it, with a link back to its year
    year = timezone.localtime().year
    back = re.search(r'class="date-back">&lsaquo; ([^<]*)</a>', page)
    assert back and back.group(1) == str(year + 543), page
