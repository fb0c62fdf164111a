"""Reading report figures from a replica (docs/operations.md "Past one machine").

With `DANGVU_REPLICA_URL` set, the reads made inside `reports_replica()` — the computations of
indicators, forms, dashboards and summaries — go to the replica, so that a national report does not
load the primary that users write to. Everything else, and every write (a stored summary, a report
run), goes to the primary. Without a replica nothing changes.

A replica that cannot be reached does not stop the pages: `read_reports` computes on the primary
instead, and the replica is left alone for `RETRY_AFTER_S` seconds before it is tried again (a
warning is logged each time it is found down).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from typing import Any, TypeVar

from django.conf import settings
from django.db import DatabaseError, InterfaceError, connections

REPLICA = "replica"
RETRY_AFTER_S = 30.0
T = TypeVar("T")
logger = logging.getLogger(__name__)
# Where the reads of the report being computed go: None outside one (the primary), else True for
# the replica or False for the primary — chosen once by the outermost `reports_replica()` and kept
# by the calls inside it, so that a version, a mark and the figures they label come from the same
# database.
_reading_reports: ContextVar[bool | None] = ContextVar("reading_reports", default=None)
_down_until = 0.0  # time.monotonic() before which the replica is not tried


def has_replica() -> bool:
    return REPLICA in settings.DATABASES


def replica_failed(error: BaseException | None = None) -> None:
    """The replica did not answer: read from the primary for a while, and say so in the log."""
    global _down_until
    _down_until = time.monotonic() + RETRY_AFTER_S
    logger.warning(
        "read replica unreachable (%s): report figures are read from the primary for %d s",
        error or "no connection",
        RETRY_AFTER_S,
    )
    with suppress(DatabaseError, InterfaceError):
        connections[REPLICA].close()


def replica_usable() -> bool:
    """A replica is configured, was not found down in the last `RETRY_AFTER_S` seconds, and its
    connection is open (opened now if need be; checked once per request where the settings ask
    for health checks)."""
    if not has_replica() or time.monotonic() < _down_until:
        return False
    replica = connections[REPLICA]
    try:
        replica.close_if_health_check_failed()
        replica.ensure_connection()
    except (DatabaseError, InterfaceError) as error:
        replica_failed(error)
        return False
    return True


@contextmanager
def reports_replica() -> Iterator[bool]:
    """Reads inside go to the replica when it can be used; yields whether they do. Inside another
    `reports_replica()`, the outer one's choice holds."""
    chosen = _reading_reports.get()
    token = _reading_reports.set(replica_usable() if chosen is None else chosen)
    try:
        yield bool(_reading_reports.get())
    finally:
        _reading_reports.reset(token)


@contextmanager
def _primary() -> Iterator[None]:
    token = _reading_reports.set(False)
    try:
        yield
    finally:
        _reading_reports.reset(token)


def read_reports(compute: Callable[[], T]) -> T:
    """`compute()` reading from the replica when there is one. If the replica fails during it —
    stopped, restarted, its network gone, a query cancelled by a conflict with recovery — the
    whole computation is done again on the primary (inside another `read_reports`, by the
    outermost one). An error of the primary's is raised as always."""
    if _reading_reports.get() is not None:
        return compute()  # the outer call chose, and falls back for the whole
    with reports_replica() as on_replica:
        if not on_replica:
            return compute()
        replica = connections[REPLICA]
        replica.errors_occurred = False
        try:
            return compute()
        except (DatabaseError, InterfaceError) as error:
            if not replica.errors_occurred:  # Django marks the connection a query failed on
                raise
            if replica.is_usable():
                logger.warning("report read on the replica failed (%s): read on the primary", error)
            else:
                replica_failed(error)
    with _primary():
        return compute()


class ReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        return REPLICA if _reading_reports.get() else None

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db != REPLICA
