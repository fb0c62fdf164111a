"""A real streaming replica (issue 28, point 6; docs/operations.md "Past one machine").

The PostgreSQL test run starts a second cluster on loopback from `pg_basebackup -R` beside the
throwaway primary (scripts/with-postgres.sh, DANGVU_PG_REPLICA=1). These tests point the
`replica` database at it as `DANGVU_REPLICA_URL` would, on the committed world (`live_world`:
what a test's open transaction holds never reaches a replica), and show the report figures read
there, a write on the primary reaching them once replayed — and not before — and the pages going
on from the primary when the replica stops."""

from __future__ import annotations

import datetime as dt
import logging
import os
import subprocess
import time
from collections.abc import Iterator
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.db import ProgrammingError, connection, connections
from django.db.utils import load_backend
from django.test.utils import CaptureQueriesContext

from dangvu.core import routers
from dangvu.reports.indicators import Scope, members_some
from tests.conftest import admit, sign_in

# One replica server for the run: its tests on one worker, one after another (one stops it).
pytestmark = [pytest.mark.both_databases, pytest.mark.xdist_group("replica")]

TOTAL = ("members.total",)


def replay_lsn(sql: str) -> object:
    with connections[routers.REPLICA].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def wait_replayed(timeout: float = 60.0) -> float:
    """Until the replica has replayed everything the primary has written; the seconds it took."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_insert_lsn()")  # async commits too
        (lsn,) = cursor.fetchone()
    began = time.monotonic()
    while time.monotonic() - began < timeout:
        with connections[routers.REPLICA].cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])
            if cursor.fetchone()[0]:
                return time.monotonic() - began
        time.sleep(0.05)
    raise AssertionError(f"the replica did not replay {lsn} in {timeout} s")


def replica_ctl(what: str) -> None:
    subprocess.run([os.environ["DANGVU_TEST_REPLICA_CTL"], what], check=True, timeout=120)


@pytest.fixture
def postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("streaming replication is PostgreSQL's; the SQLite deployment has no replica")


@pytest.fixture
def replica(postgresql_only, live_world, monkeypatch) -> Iterator[object]:
    """(Asked for first, `postgresql_only` skips before the world is built on SQLite.)"""
    url = os.environ.get("DANGVU_TEST_REPLICA_URL")
    assert url, "the PostgreSQL test run starts a streaming replica (scripts/with-postgres.sh)"
    where = urlparse(url)
    # The replica of the test database: the primary's test settings on the replica's address.
    # The connection is made here rather than declared in DATABASES (Django's test case would
    # flush a declared one, and a standby refuses writes): the router finds it under the alias as
    # it would in production; only the check that the settings name a replica is answered here.
    config = {**connection.settings_dict, "HOST": where.hostname, "PORT": where.port}
    monkeypatch.setattr(routers, "has_replica", lambda: True)
    wrapper = load_backend(config["ENGINE"]).DatabaseWrapper(config, alias=routers.REPLICA)
    setattr(connections._connections, routers.REPLICA, wrapper)
    monkeypatch.setattr(routers, "_down_until", 0.0)
    monkeypatch.setattr(settings, "DANGVU_FIGURE_CACHE", True)
    try:
        assert replay_lsn("SELECT pg_is_in_recovery()") is True  # a standby, not the primary
        wait_replayed()
        yield live_world
    finally:
        if os.environ.get("DANGVU_TEST_REPLICA_CTL"):
            subprocess.run([os.environ["DANGVU_TEST_REPLICA_CTL"], "start"], timeout=120)
        try:
            wrapper.close()
        finally:
            delattr(connections._connections, routers.REPLICA)


def total(world) -> float:
    return members_some(Scope.as_of(world.province, dt.date.today()), TOTAL)["members.total"]


def test_the_figures_are_read_on_the_replica_and_a_late_write_reaches_them(replica):
    world = replica
    with (
        CaptureQueriesContext(connections[routers.REPLICA]) as on_replica,
        CaptureQueriesContext(connection) as on_primary,
    ):
        before = total(world)
    assert before > 0
    assert len(on_replica) > 0
    assert not [q for q in on_primary if "members_partymember" in q["sql"]]

    # Replay held back: a member admitted on the primary is not in the replica's figures yet,
    # and the figure kept for the replica's state of the records is not taken for a newer one.
    replay_lsn("SELECT pg_wal_replay_pause()")
    try:
        admit(world.ph1, "Đỗ Văn Muộn", decided=dt.date(2020, 3, 2), ceremony=dt.date(2020, 3, 20))
        time.sleep(0.5)
        assert total(world) == before
    finally:
        replay_lsn("SELECT pg_wal_replay_resume()")
    took = wait_replayed()
    assert total(world) == before + 1
    assert took < 30


def test_the_pages_go_on_from_the_primary_when_the_replica_stops(replica, client, caplog):
    world = replica
    before = total(world)  # the replica's connection is open: it dies under it
    replica_ctl("stop")
    admit(world.ph1, "Đỗ Văn Dừng", decided=dt.date(2020, 3, 2), ceremony=dt.date(2020, 3, 20))
    with caplog.at_level(logging.WARNING, logger="dangvu.core.routers"):
        # A computation under way when the replica went: done again on the primary.
        assert total(world) == before + 1
        assert "read replica unreachable" in caplog.text
        # A page opened while it is down: the replica refused at once, the primary answers.
        routers._down_until = 0.0
        sign_in(client, world.an)
        response = client.get(f"/bao-cao/{world.province.code}/tong-quan/")
        assert response.status_code == 200
        assert response.context["now"]["members.total"] == before + 1
    assert routers._down_until > time.monotonic()  # left alone for a while, then tried again
    replica_ctl("start")
    routers._down_until = 0.0
    wait_replayed()
    with CaptureQueriesContext(connections[routers.REPLICA]) as on_replica:
        assert total(world) == before + 1
    assert len(on_replica) > 0


def test_an_error_of_the_primary_is_not_taken_for_the_replica_down(replica):
    """Only a failure on the replica sends the computation to the primary; the primary's own
    error is raised as always, and the replica stays in use."""

    def broken() -> None:
        list(replica_row_count())
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table")

    with pytest.raises(ProgrammingError):
        routers.read_reports(broken)
    assert routers._down_until == 0.0
    assert routers.read_reports(lambda: routers.ReplicaRouter().db_for_read(None)) == "replica"


def replica_row_count():
    with connections[routers.REPLICA].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM members_partymember")
        yield cursor.fetchone()[0]
