"""Statements every page sends, planned once per connection on PostgreSQL (issue 28, point 2).

PostgreSQL plans a statement each time it is sent, and for the ones every page sends — the
reader's grants with the history they cover (accounts.scope), the reads written once
(core.prepared: a member's page sends eight) — planning cost as much as running or more: 1.2 ms of
the server's time against 0.2 for the grants (EXPLAIN ANALYZE on the national dataset); a member's
page cost PostgreSQL 2.0–2.4 ms of CPU, and 1.25 planned once. Statements whose best plan depends
on their values (the member list's rows by path and name key) are not sent here: a plan kept for
any value could be a bad one for some. Sent through `planned_cursor`, a
statement is prepared on the connection (kept between requests: CONN_MAX_AGE) and its plan kept
by the server: PostgreSQL plans it for its values the first five times, then keeps a generic plan
only if it costs no more than those.

It is the same statement with the same values, bound by the server instead of written into the
text; it goes through Django's cursor wrapper (logged in tests, counted, wrapped). Elsewhere —
SQLite, which keeps its own statement cache, or with DANGVU_PG_PREPARE=0 (a pooler that cannot
keep prepared statements) — it is Django's own cursor.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import connections


def _planning_cursor_class() -> Any:
    from django.db.backends.postgresql.base import (  # type: ignore[attr-defined]
        ServerBindingCursor,
    )

    class PlannedOnce(ServerBindingCursor):
        def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
            kwargs["prepare"] = True
            result = super().execute(query, params, **kwargs)
            # psycopg keeps nothing of a statement run prepared where Django's log looks
            # (`_query`: it writes it, never reads it); Django would log None.
            self._query = _Shown(self.connection, query, params)
            return result

    return PlannedOnce


class _Shown:
    """What Django's log reads of a statement run prepared (`last_executed_query`): the SQL
    with its values written in, as for any other statement, composed only when read."""

    def __init__(self, connection: Any, sql: str, params: Any) -> None:
        self._connection, self._sql, self._params = connection, sql, params

    @property
    def query(self) -> bytes:
        import psycopg

        shown = psycopg.ClientCursor(self._connection).mogrify(self._sql, self._params)
        return shown.encode()


_CLASS: list[Any] = []


def cursor_planned_once(connection: Any) -> Any:
    """A cursor (Django's wrapper) on `connection` whose statements PostgreSQL prepares and
    plans once per connection; the connection's own cursor for any other database.

    It is made by Django's own `connection.cursor()` — the health check, the time zone of its
    timestamps, the thread check, the wrapper that logs and counts — with the cursor's class
    swapped for the call (a connection is used by one thread at a time)."""
    if connection.vendor != "postgresql" or not settings.DANGVU_PG_PREPARE:
        return connection.cursor()
    if not _CLASS:
        _CLASS.append(_planning_cursor_class())
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    psycopg_connection = connection.connection
    if psycopg_connection.prepare_threshold is None:
        # Django turns preparing off (for connection poolers); `prepare=True` is then ignored.
        # Its own cursors bind on the client and never prepare: only these statements are.
        psycopg_connection.prepare_threshold = 2**31 - 1
    usual = psycopg_connection.cursor_factory
    psycopg_connection.cursor_factory = _CLASS[0]
    try:
        return connection.cursor()
    finally:
        psycopg_connection.cursor_factory = usual


@contextmanager
def planned_cursor(db: str) -> Iterator[Any]:
    """`cursor_planned_once` on database `db`, closed after."""
    with cursor_planned_once(connections[db]) as cursor:
        yield cursor


class PlanningConnection:
    """A database connection whose `cursor()` is `cursor_planned_once`: given to the compiler of
    a read written once (core.prepared), which asks its connection for the cursor it runs on."""

    def __init__(self, connection: Any) -> None:
        self._connection = connection

    def cursor(self) -> Any:
        return cursor_planned_once(self._connection)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._connection, name)
