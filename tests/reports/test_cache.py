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
    assert len(again.captured_queries) == 1  # the state of the records, nothing else
    event(history["hoa"], "death", dt.date(YEAR, 11, 20))  # a late entry
    after = compute_all(scope, ("flows", "members"))
    assert after["flow.out.death"] == first["flow.out.death"] + 1
    assert after["members.total"] == first["members.total"] - 1
