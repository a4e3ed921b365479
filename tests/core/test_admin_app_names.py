"""The admin's index names Phrom's apps in the reader's language."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

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
