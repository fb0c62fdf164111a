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
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT generic_plans + custom_plans FROM pg_prepared_statements "
                "WHERE statement LIKE %s",
                ["SELECT id, code, name, established_on FROM orgs_organisation%"],
            )
            (runs,) = cursor.fetchone()
        assert runs == 7  # prepared once, run seven times


def test_the_readers_grants_are_read_by_a_statement_planned_once(world):
    for _ in range(3):
        user = type(world.an).objects.get(pk=world.an.pk)
        assert scope_for(user).covers(world.ph1.path)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT generic_plans + custom_plans FROM pg_prepared_statements "
                "WHERE statement LIKE 'WITH RECURSIVE g(role, sensitive, org_id, path)%%'"
            )
            assert cursor.fetchone()[0] >= 3
