"""The government's announced days off and days worked in exchange ship as data, loaded by
`migrate`, editable, and the administrator is told in December when next year's are missing
(issue 20, point 4; the working-day deadlines of DOMAIN.md §4.2: the ceremony within 30 working
days of the admission decision)."""

import datetime as dt
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from dangvu.core.calendar import (
    add_working_days,
    announced_days,
    is_working_day,
    next_year_missing,
)
from dangvu.core.models import CalendarDay
from dangvu.members.events import event_record
from dangvu.members.worklists import calendar_missing
from tests.conftest import admit

D = dt.date
pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def test_the_shipped_file_covers_2019_to_2026_and_cites_each_day():
    days = announced_days()
    assert sorted(days) == list(range(2019, 2027))
    for year, listed in days.items():
        assert listed, year
        for d in listed:
            day = D.fromisoformat(d["day"])
            assert day.year == year and d["name"] and d["source"], d
            # Each day cites a statute (a holiday of the law) or an announcement by its number or
            # its report, and says when its number was not checked.
            assert (
                "Bộ luật Lao động" in d["source"] or "/" in d["source"] or "tin " in d["source"]
            ), d
            # A day off is a weekday; a day worked in exchange is a Saturday or a Sunday.
            assert (day.weekday() >= 5) == d["working"], d


def test_migrate_loads_the_announcements_with_their_citations():
    """The New Year 2026 swap for the state sector (Văn bản 12729/VPCP-KGVX, 25/12/2025): Friday
    2/1/2026 off, Saturday 10/1/2026 worked — which the `holidays` package does not know. The
    migration's own step is run on an emptied calendar (a test that commits empties the tables
    the migrations filled), then read back."""
    from django.apps import apps as registry
    from django.db.migrations.loader import MigrationLoader

    from dangvu.core.models import CalendarYear

    migration = MigrationLoader(None, ignore_no_migrations=True).get_migration(
        "core", "0004_announced_calendar"
    )
    [step] = [op for op in migration.operations if op.__class__.__name__ == "RunPython"]
    CalendarDay.objects.all().delete()
    CalendarYear.objects.all().delete()
    step.code(registry, None)
    friday = CalendarDay.objects.get(day=D(2026, 1, 2))
    saturday = CalendarDay.objects.get(day=D(2026, 1, 10))
    assert (friday.is_working, friday.source) == (False, "announced")
    assert saturday.is_working and "12729/VPCP-KGVX" in saturday.citation
    assert not is_working_day(D(2026, 1, 2)) and is_working_day(D(2026, 1, 10))
    loaded = CalendarDay.objects.filter(source="announced")
    assert loaded.count() == sum(len(v) for v in announced_days().values())
    assert not loaded.filter(citation="").exists()
    # Emptied again, the deadlines still read the shipped announcements, not the package's guess.
    CalendarDay.objects.all().delete()
    CalendarYear.objects.all().delete()
    assert not is_working_day(D(2026, 1, 2)) and is_working_day(D(2026, 1, 10))


def test_a_ceremony_on_time_under_the_announced_calendar_is_accepted(world):
    """By hand: admission decided on Friday 21/11/2025; 30 working days: 24/11–28/11 (5), 1–5/12
    (10), 8–12/12 (15), 15–19/12 (20), 22–26/12 (25), 29–31/12 (28), 1/1 and 2/1/2026 off, 5/1
    (29), 6/1 (30). The deadline is 6/1/2026; with Friday 2/1 counted as worked (the package's
    calendar) it would be 5/1 and a ceremony on 6/1 refused as late."""
    assert add_working_days(D(2025, 11, 21), 30) == D(2026, 1, 6)
    member = admit(
        world.ph1, "Đặng Thị Yến", decided=D(2025, 11, 21), ceremony=None, recognised=False
    )
    event_record(member=member, kind="ceremony", on=D(2026, 1, 6), actor=None)
    late = admit(
        world.ph1, "Đặng Văn Yên", decided=D(2025, 11, 21), ceremony=None, recognised=False
    )
    with pytest.raises(ValidationError, match="06/01/2026"):
        event_record(member=late, kind="ceremony", on=D(2026, 1, 7), actor=None)


def test_a_day_entered_by_hand_survives_loading_the_file_again():
    call_command("calendar", "set", "2026-01-02", "--work", "--name", "Đơn vị làm việc")
    call_command("calendar", "load", stdout=io.StringIO())
    kept = CalendarDay.objects.get(day=D(2026, 1, 2))
    assert (kept.is_working, kept.source, kept.citation) == (True, "manual", "")
    # A shipped day removed by hand stays removed when the file is loaded again.
    call_command("calendar", "unset", "2026-08-31")
    call_command("calendar", "load", stdout=io.StringIO())
    assert is_working_day(D(2026, 8, 31))
    out = io.StringIO()
    call_command("calendar", "show", "2026", "--format", "json", stdout=out)
    shown = {d["day"]: d for d in json.loads(out.getvalue())["days"]}
    assert "12729/VPCP-KGVX" in shown["2026-01-10"]["citation"]


def test_in_december_the_administrator_is_told_next_years_days_are_missing(world, client):
    assert next_year_missing(D(2026, 11, 30)) is None  # not before December
    assert next_year_missing(D(2025, 12, 1)) is None  # 2026 is recorded
    assert next_year_missing(D(2026, 12, 1)) == 2027
    assert calendar_missing(world.an, world.province, D(2026, 12, 1)) == 2027
    # Not on a commune's list, nor for a cell secretary.
    assert calendar_missing(world.an, world.phuoc_hai, D(2026, 12, 1)) is None
    assert calendar_missing(world.binh, world.province, D(2026, 12, 1)) is None
    call_command("calendar", "set", "2027-02-08", "--off", "--name", "Tết Âm lịch")
    assert calendar_missing(world.an, world.province, D(2026, 12, 1)) is None
