"""core.planned: the statements every page sends are prepared on a PostgreSQL connection and
planned once, give the rows Django's own cursor gives, and are still seen by Django (logged,
counted) — on SQLite they are Django's own cursor's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangvu.accounts.scope import scope_for
from dangvu.core.planned import planned_cursor

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def _runs(start: str) -> int:
    """How many times PostgreSQL ran the prepared statements of this connection that start with
    `start` (planned for their values or by the plan kept): 0 when none is prepared."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(generic_plans + custom_plans), 0) FROM pg_prepared_statements "
            "WHERE statement LIKE %s",
            [start + "%"],
        )
        return int(cursor.fetchone()[0])


STATEMENT = (
    "SELECT id, code, name, established_on FROM orgs_organisation "
    "WHERE path >= %s AND path < %s AND established_on <= %s AND id > %s ORDER BY path"
)


def test_a_planned_statement_gives_djangos_rows_and_is_logged(world):
    params = [world.province.path, world.province.path + "\uffff", dt.date(2030, 1, 1), 0]
    with connection.cursor() as cursor:
        cursor.execute(STATEMENT, params)
        expected = cursor.fetchall()
    assert len(expected) >= 7  # the named world's province and all below it
    with CaptureQueriesContext(connection) as queries:
        for _ in range(7):
            with planned_cursor("default") as cursor:
                cursor.execute(STATEMENT, params)
                assert cursor.fetchall() == expected
    assert len(queries) == 7
    # logged as any statement is: with its values written in
    logged = queries.captured_queries[-1]["sql"]
    assert logged.startswith("SELECT id, code, name") and f"'{world.province.path}'" in logged
    if connection.vendor == "postgresql":
        # prepared once, run seven times
        assert _runs("SELECT id, code, name, established_on FROM orgs_organisation") == 7


def test_the_readers_grants_are_read_by_a_statement_planned_once(world):
    for _ in range(3):
        user = type(world.an).objects.get(pk=world.an.pk)
        assert scope_for(user).covers(world.ph1.path)
    if connection.vendor == "postgresql":
        assert _runs("WITH RECURSIVE g(role, sensitive, org_id, path)") >= 3


def test_a_read_written_once_is_planned_once_too(world):
    """core.prepared's reads (a member's page sends eight) run through the planning cursor: the
    rows are the queryset's, and PostgreSQL keeps the statement prepared."""
    from dangvu.members import selectors
    from dangvu.members.models import MembershipEvent

    hoa = world.members["hoa"]
    expected = list(
        MembershipEvent.objects.filter(member_id=hoa.pk)
        .select_related("org", "decision")
        .order_by("on", "pk")
    )
    assert expected
    for _ in range(3):
        got = selectors._EVENTS(hoa.pk)
        assert [(e.pk, e.kind, e.on, e.org.name if e.org else None) for e in got] == [
            (e.pk, e.kind, e.on, e.org.name if e.org else None) for e in expected
        ]
    if connection.vendor == "postgresql":
        assert _runs('SELECT "members_membershipevent"."id"') >= 3


def test_behind_a_pooler_that_cannot_keep_them_nothing_is_prepared(world, settings):
    settings.DANGVU_PG_PREPARE = False
    params = [world.province.path, world.province.path + "\uffff", dt.date(2030, 1, 1), 1]
    unprepared = STATEMENT.replace("SELECT id,", "SELECT /* pooled */ id,")
    for _ in range(3):
        with planned_cursor("default") as cursor:
            cursor.execute(unprepared, params)
            assert cursor.fetchall()
    if connection.vendor == "postgresql":
        assert _runs("SELECT /* pooled */") == 0
