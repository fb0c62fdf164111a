"""core.prepared: a read built once per process gives, for any values, what the queryset written
with those values gives — the same records, converted alike, with their related records — in one
statement."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from dangvu.core.changes import history_of, recent_history
from dangvu.core.prepared import Prepared
from dangvu.members import selectors
from dangvu.members.models import Correction, FlagPeriod, MembershipEvent, MembershipPeriod
from dangvu.orgs.models import Organisation, valid_on
from dangvu.tree.selectors import get_org

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def _events(member_id):
    return (
        MembershipEvent.objects.filter(member_id=member_id)
        .select_related("org", "decision")
        .order_by("on", "id")
    )


def _periods_on(member_id, on):
    return (
        MembershipPeriod.objects.filter(valid_on(on), member_id=member_id)
        .select_related("org")
        .order_by("valid_from", "id")
    )


def _fields(obj):
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_each_member_gets_its_own_events_with_their_organisations_and_decisions(world):
    events = Prepared(_events, int)
    seen = set()
    for member in world.members.values():
        expected = list(_events(member.pk))
        with CaptureQueriesContext(connection) as queries:
            got = events(member.pk)
            # The related records came with the rows: no statement more.
            related = [(e.org.name if e.org else None, e.decision) for e in got]
        assert len(queries) == 1
        assert [_fields(e) for e in got] == [_fields(e) for e in expected]
        assert related == [(e.org.name if e.org else None, e.decision) for e in expected]
        assert all(type(e.on) is dt.date for e in got)  # converted as the ORM converts
        seen.add(tuple(e.pk for e in got))
    assert len(seen) == len(world.members)  # the values given reach the statement each time


def test_a_day_given_twice_in_the_statement_takes_both_places(world):
    """valid_on(day) puts the day in two places: each run fills both."""
    periods = Prepared(_periods_on, int, dt.date)
    hoa = world.members["hoa"]
    days = [dt.date(1990, 1, 1), hoa.first_admission_date, dt.date(2020, 6, 30), dt.date.today()]
    for day in days:
        for member in world.members.values():
            expected = list(_periods_on(member.pk, day))
            got = periods(member.pk, day)
            assert [(p.pk, p.org.code, p.status) for p in got] == [
                (p.pk, p.org.code, p.status) for p in expected
            ]
    assert periods(hoa.pk, dt.date(1990, 1, 1)) == []
    assert periods(hoa.pk, dt.date.today())  # and some day has rows


def test_value_lists_come_back_as_the_queryset_gives_them(world):
    hoa = world.members["hoa"]
    FlagPeriod.objects.create(member=hoa, flag="exempted", valid_from=dt.date(2024, 1, 1))

    def build(member_id, on):
        return FlagPeriod.objects.filter(valid_on(on), member_id=member_id).values_list(
            "flag", "valid_from"
        )

    flags = Prepared(build, int, dt.date)
    for day in (dt.date(2023, 12, 31), dt.date(2024, 1, 1)):
        assert flags(hoa.pk, day) == list(build(hoa.pk, day))
    assert flags(hoa.pk, dt.date(2024, 1, 1)) == [("exempted", dt.date(2024, 1, 1))]


def test_the_statement_written_around_a_read_finds_its_rows(world):
    """`statement` gives the read's SQL with the values in place, for a statement written around
    it (the scope reads its grants so): run inside another, it finds the queryset's rows; a key
    beyond 64 bits names none, as the ORM says."""
    periods = Prepared(_periods_on, int, dt.date)
    counts = []
    for member in world.members.values():
        for day in (dt.date(1990, 1, 1), dt.date.today()):
            db, sql, params = periods.statement(member.pk, day)
            assert db == "default"
            with connection.cursor() as cursor:
                cursor.execute(f"WITH p AS ({sql}) SELECT count(*) FROM p", params)  # noqa: S608
                (count,) = cursor.fetchone()
            assert count == len(list(_periods_on(member.pk, day)))
            counts.append(count)
    assert periods.statement(2**63, dt.date.today()) is None
    assert 0 in counts and max(counts) > 0  # the values given reach the statement


def test_a_value_of_another_type_or_one_that_never_reaches_the_sql_is_refused(world):
    events = Prepared(_events, int)
    with pytest.raises(TypeError):
        events("1")
    with pytest.raises(TypeError):
        events(1, 2)
    with pytest.raises(TypeError):
        Prepared(_events, float)
    ignored = Prepared(lambda member_id: MembershipEvent.objects.filter(member_id=1), int)
    with pytest.raises(ValueError, match="do not reach the SQL"):
        ignored(5)


def test_the_reads_the_pages_use_answer_as_their_querysets(world):
    """The shipped reads, with text values too: an organisation by its code (as typed), a
    record's newest history, a member by a key that names nothing or is beyond any column."""
    for code in ("PH-1", "ph-2 ", "TS-1", "KHONG-CO"):
        expected = Organisation.objects.filter(code=code.strip().upper()).first()
        if expected is None:
            with pytest.raises(Http404):
                get_org(world.an, code)
        else:
            assert get_org(world.an, code) == expected
    with pytest.raises(Http404):
        get_org(world.binh, "TS-1")  # outside the secretary's cell: the scope still decides
    for member in world.members.values():
        assert recent_history(member) == list(history_of(member)[:100])
        assert selectors.get_member(world.an, member.pk) == member
        # The member page's reads give what the querysets they replaced gave.
        assert selectors.events_of(member) == list(
            member.events.select_related("org", "decision").order_by("on", "id")
        )
        assert selectors.badges_of(member) == list(member.badges.order_by("tier"))
        assert selectors.corrections_of(member) == list(
            Correction.objects.filter(member=member).order_by("recorded_at", "id")
        )
        for day in (member.first_admission_date, dt.date.today()):
            expected = list(member.periods.filter(valid_on(day)).order_by("valid_from", "id"))
            assert selectors._PERIODS_ON(member.pk, day) == expected
    for key in (0, -1, 10**20, -(10**20), 2**63):
        with pytest.raises(Http404):
            selectors.get_member(world.an, key)


def test_a_lookup_that_changes_its_value_before_binding_is_refused_or_answers_alike(world):
    """iexact escapes LIKE's wildcards on SQLite (the value bound is not the value given): the
    stand-in's wildcards make that show when the read is built, and it is refused; where the
    value is bound as given (PostgreSQL's UPPER(…) = UPPER(%s)) the answers are the queryset's."""

    def build(code):
        return Organisation.objects.filter(code__iexact=code).order_by("pk")

    by_code = Prepared(build, str)
    for code in ("ph-1", "PH_1", "PH%", "ts-1"):
        try:
            got = by_code(code)
        except ValueError:
            assert connection.vendor == "sqlite"
            return
        assert got == list(build(code))
