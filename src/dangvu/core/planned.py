"""Statements every page sends, planned once per connection on PostgreSQL (issue 28, point 2).

PostgreSQL plans a statement each time it is sent, and for the few that every page sends — the
reader's grants with the history they cover (accounts.scope), the rows of the member list
(members.selectors) — planning cost more than running: 1.2 and 1.7 ms of the server's time against
0.2 and 1.5 ms (EXPLAIN ANALYZE on the national dataset). Sent through `planned_cursor`, such a
statement is prepared on the connection (kept between requests: CONN_MAX_AGE) and its plan kept
by the server: PostgreSQL plans it for its values the first five times, then keeps a generic plan
only if it costs no more than those.

It is the same statement with the same values, bound by the server instead of written into the
text; it goes through Django's cursor wrapper (logged in tests, counted, wrapped). Elsewhere —
SQLite, which keeps its own statement cache, or a PostgreSQL connection Django was told to
prepare itself — it is Django's own cursor.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connections


def _planning_cursor_class() -> Any:
    from django.db.backends.postgresql.base import ServerBindingCursor

    class PlannedOnce(ServerBindingCursor):  # type: ignore[misc,valid-type]
        def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
            kwargs["prepare"] = True
            return super().execute(query, params, **kwargs)

    return PlannedOnce


_CLASS: list[Any] = []


@contextmanager
def planned_cursor(db: str) -> Iterator[Any]:
    """A cursor on database `db` whose statements PostgreSQL prepares and plans once per
    connection; Django's own cursor for any other database."""
    connection = connections[db]
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    connection.ensure_connection()
    if not _CLASS:
        _CLASS.append(_planning_cursor_class())
    psycopg_connection = connection.connection
    if psycopg_connection.prepare_threshold is None:
        # Django turns preparing off (for connection poolers); `prepare=True` is then ignored.
        # Its own cursors bind on the client and never prepare: only these statements are.
        psycopg_connection.prepare_threshold = 2**31 - 1
    raw = _CLASS[0](psycopg_connection)
    wrapped = (
        connection.make_debug_cursor(raw)
        if connection.queries_logged
        else connection.make_cursor(raw)
    )
    with wrapped as cursor:
        yield cursor
