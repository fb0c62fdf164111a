"""Report figures are read from the replica when one is configured; everything else, and every
write, from the primary (docs/operations.md "Past one machine")."""

from __future__ import annotations

import pytest

from dangvu.core.routers import ReplicaRouter, reports_replica
from dangvu.members.models import PartyMember

pytestmark = pytest.mark.both_databases


def test_reads_inside_reports_go_to_the_replica_and_writes_to_the_primary(monkeypatch):
    monkeypatch.setattr("dangvu.core.routers.replica_usable", lambda: True)
    router = ReplicaRouter()
    assert router.db_for_read(PartyMember) is None
    with reports_replica() as on_replica:
        assert on_replica is True
        assert router.db_for_read(PartyMember) == "replica"
        assert router.db_for_write(PartyMember) is None
        # Inside, the outer choice holds: a version, a mark and their figures from one database.
        monkeypatch.setattr("dangvu.core.routers.replica_usable", lambda: False)
        with reports_replica() as inner:
            assert inner is True and router.db_for_read(PartyMember) == "replica"
    assert router.db_for_read(PartyMember) is None
    with reports_replica() as on_replica:
        assert on_replica is False and router.db_for_read(PartyMember) is None
    assert router.allow_migrate("replica", "members") is False
    assert router.allow_migrate("default", "members") is True


def test_without_a_replica_everything_reads_the_primary():
    router = ReplicaRouter()
    with reports_replica():
        assert router.db_for_read(PartyMember) is None
