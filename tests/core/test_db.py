"""phrom.core.db: the hot path's statements, prepared on PostgreSQL, in Django's transaction."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from phrom.core import db

pytestmark = pytest.mark.django_db

COUNT_USERS = "SELECT count(*) FROM auth_user WHERE id > CAST(%s AS bigint)"


def prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_a_row_or_none():
    get_user_model().objects.create_user(username="a@example.go.th")
    assert db.fetch_one(COUNT_USERS, [0]) == (1,)
    assert db.fetch_one("SELECT id FROM auth_user WHERE id = CAST(%s AS bigint)", [10**9]) is None


def test_it_runs_in_the_callers_transaction():
    with transaction.atomic():
        get_user_model().objects.create_user(username="a@example.go.th")
        assert db.fetch_one(COUNT_USERS, [0]) == (1,)  # sees the uncommitted row
        transaction.set_rollback(True)
    assert db.fetch_one(COUNT_USERS, [0]) == (0,)


def test_the_sql_is_logged_as_written():
    with CaptureQueriesContext(connection) as queries:
        db.fetch_one(COUNT_USERS, [0])
    (logged,) = [q["sql"] for q in queries.captured_queries]
    # PostgreSQL: the statement as prepared; SQLite: Django's, with the parameters written in
    assert logged == COUNT_USERS if connection.vendor == "postgresql" else "CAST(0 AS" in logged


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares")
def test_on_postgresql_it_is_prepared_once_and_django_queries_are_not():
    for n in range(3):
        assert db.fetch_one(COUNT_USERS, [n]) == (0,)
    get_user_model().objects.filter(pk__gt=0).count()
    get_user_model().objects.filter(pk__gt=0).count()
    statements = prepared_statements()
    assert sum("FROM auth_user WHERE id > CAST($1 AS bigint)" in s for s in statements) == 1
    assert not any('"auth_user"' in s for s in statements)  # the ORM's, never prepared


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares")
def test_on_postgresql_a_signed_in_autosave_runs_on_prepared_statements(client, world):
    from tests.responses.helpers import post_answer

    client.force_login(world.user("coordinator_a"))
    assert post_answer(client, world.response_a, "POL-04-2", {"value": "1"}).status_code == 200
    statements = prepared_statements()
    for part in ("FROM django_session", 'FROM "auth_user" u LEFT JOIN "accounts_profile" p',
                 "JOIN frameworks_framework f", "INSERT INTO responses_answerchange"):
        assert any(part in s for s in statements), (part, statements)
