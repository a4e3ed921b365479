"""Sessions: Django's database sessions, as configured, keep a person signed in and no longer."""

from __future__ import annotations

import datetime as dt
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

pytestmark = pytest.mark.django_db


def session_store(**kwargs):  # type: ignore[no-untyped-def]
    return import_module(settings.SESSION_ENGINE).SessionStore(**kwargs)


def test_sessions_are_djangos_database_sessions():
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


def test_a_saved_session_reads_back():
    store = session_store()
    store["answer"] = {"value": 3, "thai": "ร้อยละ"}
    store.save()
    again = session_store(session_key=store.session_key)
    assert again["answer"] == {"value": 3, "thai": "ร้อยละ"}
    assert again.session_key == store.session_key


def test_an_expired_or_unknown_session_reads_as_empty_and_gets_a_new_key():
    store = session_store()
    store["x"] = 1
    store.save()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    expired = session_store(session_key=store.session_key)
    assert dict(expired.items()) == {}
    assert expired.session_key is None
    unknown = session_store(session_key="x" * 32)
    assert "x" not in unknown
    assert unknown.session_key is None
    unknown["y"] = 2
    unknown.save()
    assert unknown.session_key not in (None, "x" * 32)  # never the key the client chose


def test_a_signed_in_person_stays_signed_in_until_signing_out(client, world):
    client.force_login(world.user("coordinator_a"))
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get("/").status_code == 200
    assert session_store(session_key=key).get("_auth_user_id") == str(
        world.user("coordinator_a").pk
    )
    client.post("/accounts/logout/")
    assert session_store(session_key=key).get("_auth_user_id") is None


def test_an_expired_session_signs_the_person_out(client, world):
    client.force_login(world.user("coordinator_a"))
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    reply = client.get(f"/responses/{world.response_a.pk}/")
    assert reply.status_code == 302
    assert "/accounts/login/" in reply["Location"]
