"""SQL for the few statements every request runs: prepared once per connection on PostgreSQL.

Django's PostgreSQL back-end binds parameters on the client and turns psycopg's preparing
off, so each query is parsed and planned anew. For the statements on the hot path (the
session, the signed-in user, an autosave), that is most of the database's work: measured
with pgbench, the autosave statement runs 2.6x as fast prepared (bench/bench_autosave.py).
``cursor()`` gives a cursor whose statements are prepared on the connection: parsed and
planned once, then run by name. Django's own cursors stay as they are.

A connection pooler in transaction mode may hand a prepared statement's name to another
server connection: run PgBouncer in session mode, or 1.21+ with ``max_prepared_statements``.
On SQLite the same SQL runs through Django's cursor (Python's sqlite3 keeps its own cache
of compiled statements).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.db import connection
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper

# psycopg prepares a statement after this many runs; None turns preparing off altogether,
# ``prepare=True`` included. Only ``_PreparingCursor`` asks for it; Django's cursors bind
# on the client side, which psycopg never prepares, whatever the threshold.
_PREPARE_BY_COUNT_NEVER = 2**62


@cache
def _preparing_cursor_class() -> type:
    """Made on first use: processes on SQLite never import psycopg."""
    import psycopg

    class _PreparingCursor(psycopg.Cursor[Any]):
        """Server-side parameters; every statement prepared on the connection."""

        def execute(
            self,
            query: Any,
            params: Any = None,
            *,
            prepare: bool | None = None,
            binary: bool | None = None,
        ) -> Any:
            return super().execute(query, params, prepare=True, binary=binary)

    return _PreparingCursor


def cursor() -> Any:
    """A cursor on Django's default connection, in its transaction and logged as Django logs
    queries; on PostgreSQL its statements are prepared. Give every parameter a type:
    ``%(name)s::integer`` in SQL for PostgreSQL alone, ``CAST(%s AS bigint)`` in SQL that
    SQLite runs too (the server infers no type from a parameter the way it does from a
    literal that Django's client-side binding would have written)."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        raw.prepare_threshold = _PREPARE_BY_COUNT_NEVER
    prepared = _preparing_cursor_class()(raw)
    if connection.queries_logged:
        return _LoggedPrepared(prepared, connection)
    return connection.make_cursor(prepared)


class _LoggedPrepared(CursorDebugWrapper):
    """Logs a prepared statement's SQL as written (placeholders and all): psycopg keeps no
    text of a statement run by name, from which Django would take the logged SQL."""

    def execute(self, sql: Any, params: Any = None) -> Any:
        with self.debug_sql(sql, params, use_last_executed_query=False):
            return CursorWrapper.execute(self, sql, params)


def fetch_one(sql: str, params: dict[str, Any] | list[Any]) -> tuple[Any, ...] | None:
    """The first row of SQL (prepared on PostgreSQL), or None."""
    with cursor() as c:
        c.execute(sql, params)
        row: tuple[Any, ...] | None = c.fetchone()
    return row
