"""Figures are computed once per state of the records: viewed again they come from the cache,
and any write (every write opens a change set) makes the next view compute afresh."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from dangvu.reports.indicators import Scope, compute_all
from tests.reports.conftest import YEAR, event

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


@override_settings(DANGVU_FIGURE_CACHE=True)
def test_a_cached_figure_is_recomputed_after_any_write(history, world):
    cache.clear()
    scope = Scope.year(world.province, YEAR)
    first = compute_all(scope, ("flows", "members"))
    with CaptureQueriesContext(connection) as again:
        assert compute_all(scope, ("flows", "members")) == first
    assert len(again.captured_queries) == 2  # the state of the records (two counts), nothing else
    event(history["hoa"], "death", dt.date(YEAR, 11, 20))  # a late entry
    after = compute_all(scope, ("flows", "members"))
    assert after["flow.out.death"] == first["flow.out.death"] + 1
    assert after["members.total"] == first["members.total"] - 1


def test_a_long_write_committed_after_a_short_one_still_moves_the_version(world):
    """A long write's change set is created first and committed last: its `created_at` is older
    than the newest, and the version must move all the same when it commits."""
    import datetime as dt
    from unittest import mock

    from django.utils import timezone

    from dangvu.core.cached import data_version
    from dangvu.core.models import ChangeSet

    newest = ChangeSet.objects.create(actor_name="ngắn", source="web")
    before = data_version()
    # Begun 47 seconds before the short write, visible only now (the change log is append-only:
    # the time is the one it was created with).
    began = newest.created_at - dt.timedelta(seconds=47)
    with mock.patch("django.utils.timezone.now", return_value=began):
        ChangeSet.objects.create(actor_name="dài", source="import")
    assert ChangeSet.objects.order_by("-created_at").first() == newest
    assert data_version() != before
    assert timezone.now() - newest.created_at < dt.timedelta(days=2)
