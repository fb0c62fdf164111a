"""Answers computed once per state of the records: the figures of the reports, and the
progress counts of the pages that a province's officers open every day (DESIGN.md principle 3:
every write opens a change set, so the newest change set names the state)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from dangvu.core.models import ChangeSet
from dangvu.core.routers import read_reports


def data_version() -> str:
    """Changes with every write to the records: every service write opens a change set
    (DESIGN.md principle 3), so the newest change set names the state the figures are of.

    Change sets become visible when their transaction commits, not in the order they were
    created: a long write (an import, a restructuring) that began before a short one commits
    after it, with an older `created_at`. The count of the change sets of the last two days
    changes then too (an index range), so the version moves with every commit of a write shorter
    than that. Read on the database the figures are computed on (the replica when there is one),
    so that a lagging replica's figures are kept under the replica's own version."""

    def version() -> str:
        recent = ChangeSet.objects.filter(
            created_at__gte=timezone.now() - dt.timedelta(days=2)
        ).order_by("-created_at")
        last = recent.values_list("id", flat=True).first()
        if last is None:
            last = ChangeSet.objects.order_by("-created_at").values_list("id", flat=True).first()
        return f"{last or 'empty'}.{recent.count()}"

    return read_reports(version)


def cached(key: str, compute: Callable[[], Any], version: str | None = None) -> Any:
    """A figure computed once per state of the records (DANGVU_FIGURE_CACHE, on by default):
    a page viewed again shows the same figures without computing them again, and any write
    makes the next view compute afresh."""
    from django.conf import settings
    from django.core.cache import cache

    if not getattr(settings, "DANGVU_FIGURE_CACHE", True):
        return read_reports(compute)

    def look() -> Any:
        # The version and the figure from the same database (the read replica, when there is
        # one): a lagging replica's figure is kept under the replica's version, not a newer one.
        full = f"dangvu:figures:{version or data_version()}:{key}"
        found = cache.get(full)
        if found is None:
            found = compute()
            cache.set(full, found, 6 * 3600)
        return found

    return read_reports(look)
