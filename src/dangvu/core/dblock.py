"""The database's write lock, as SQLite has one: telling a busy database from a broken one.

On SQLite one writer at a time holds the lock; others wait up to the busy timeout
(DANGVU_SQLITE_TIMEOUT, 20 seconds for the web) and then fail with "database is locked". Such a
failure is not an error of the program: the page says the system is busy and nothing was written
(core.views.server_error), and the task worker waits and tries again (`dangvu worker`).
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS, OperationalError, connections

LOCKED = ("database is locked", "database table is locked", "database schema is locked")


def is_locked(exc: BaseException | None) -> bool:
    """True when `exc` (or what caused it) is SQLite's "the lock was held too long"."""
    while exc is not None:
        if isinstance(exc, OperationalError) and any(m in str(exc).lower() for m in LOCKED):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


@contextmanager
def brief_wait(using: str = DEFAULT_DB_ALIAS, seconds: float = 0.5) -> Iterator[None]:
    """Within the block, an SQLite write waits at most `seconds` for another's lock (instead of
    the busy timeout): for the small writes beside a read — the session's seen time, a line of
    the access log — which must not hold a page up while a long write runs. Inside a transaction
    the lock is already held, and nothing changes; on PostgreSQL neither."""
    connection = connections[using]
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    connection.ensure_connection()
    usual = int(float(connection.settings_dict.get("OPTIONS", {}).get("timeout", 5)) * 1000)
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")
    try:
        yield
    finally:
        if connection.connection is not None:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA busy_timeout = {usual}")


@contextmanager
def on_a_snapshot(using: str = DEFAULT_DB_ALIAS) -> Iterator[bool]:
    """Within the block, this thread's connection works on a copy of the SQLite database taken at
    its start (SQLite's online backup, a reader: it waits for no one), so that a trial — a plan
    checked by applying it and rolling back — takes no lock from the service. Answers whether it
    is a copy: not on PostgreSQL (a trial there locks only the rows it touches), not inside a
    transaction (the lock is held already) and not for an in-memory database."""
    connection = connections[using]
    name = str(connection.settings_dict.get("NAME") or "")
    if (
        connection.vendor != "sqlite"
        or connection.in_atomic_block
        or not name
        or "mode=memory" in name
        or name == ":memory:"
        or not Path(name).is_file()
    ):
        yield False
        return
    folder = Path(name).parent
    with tempfile.TemporaryDirectory(prefix=".snapshot-", dir=folder) as temporary:
        copy = Path(temporary) / "snapshot.sqlite3"
        source = sqlite3.connect(name, timeout=60)
        target = sqlite3.connect(copy)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        original = connection.settings_dict
        connection.close()
        connection.settings_dict = {**original, "NAME": str(copy)}
        try:
            yield True
        finally:
            connection.close()
            connection.settings_dict = original
