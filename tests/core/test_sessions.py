"""phrom.core.sessions: Django's database sessions, read by one (prepared) statement."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from phrom.core.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_it_is_the_configured_engine():
    assert settings.SESSION_ENGINE == "phrom.core.sessions"


def test_a_saved_session_reads_back():
    store = SessionStore()
    store["answer"] = {"value": 3, "thai": "ร้อยละ"}
    store.save()
    again = SessionStore(session_key=store.session_key)
    assert again["answer"] == {"value": 3, "thai": "ร้อยละ"}
    assert again.session_key == store.session_key


def test_an_expired_or_unknown_session_reads_as_empty_and_gets_a_new_key():
    store = SessionStore()
    store["x"] = 1
    store.save()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    expired = SessionStore(session_key=store.session_key)
    assert dict(expired.items()) == {}
    assert expired.session_key is None
    unknown = SessionStore(session_key="x" * 32)
    assert "x" not in unknown
    assert unknown.session_key is None
    unknown["y"] = 2
    unknown.save()
    assert unknown.session_key not in (None, "x" * 32)  # never the key the client chose


def test_signing_out_ends_the_session_for_its_key(client, world):
    client.force_login(world.user("coordinator_a"))
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get("/").status_code == 200
    assert SessionStore(session_key=key).get("_auth_user_id") == str(world.user("coordinator_a").pk)
    client.post("/accounts/logout/")
    assert SessionStore(session_key=key).get("_auth_user_id") is None
