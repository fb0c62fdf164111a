"""Report figures are read from the replica when one is configured; everything else, and every
write, from the primary (docs/operations.md "Past one machine")."""

from __future__ import annotations

import pytest

from dangvu.core.routers import ReplicaRouter, reports_replica
from dangvu.members.models import PartyMember
from dangvu.reports.indicators import cached

pytestmark = pytest.mark.both_databases


def test_reads_inside_reports_go_to_the_replica_and_writes_to_the_primary(monkeypatch):
    monkeypatch.setattr("dangvu.core.routers.replica_usable", lambda: True)
    router = ReplicaRouter()
    assert router.db_for_read(PartyMember) is None
    with reports_replica():
        assert router.db_for_read(PartyMember) == "replica"
        assert router.db_for_write(PartyMember) is None
    assert router.db_for_read(PartyMember) is None
    # A figure is computed inside the replica's context.
    seen = cached("router-test", lambda: router.db_for_read(PartyMember), version="t")
    assert seen == "replica"
    assert router.allow_migrate("replica", "members") is False
    assert router.allow_migrate("default", "members") is True


def test_without_a_replica_everything_reads_the_primary():
    router = ReplicaRouter()
    with reports_replica():
        assert router.db_for_read(PartyMember) is None
