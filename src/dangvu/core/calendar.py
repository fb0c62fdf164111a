"""Working days (ngày làm việc) for the deadlines of DOMAIN.md §4.2–§4.5.

A working day is Monday to Friday, unless CalendarDay marks it off, plus any Saturday or Sunday
that CalendarDay marks as a working (make-up) day. A year not yet in the database is read from the
government's announcements shipped in calendar_vn.json (2019–2026, loaded by `migrate`), or else
from the `holidays` package, without being written; `seed_year` writes it so that it can be edited.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import holidays
from django.db import transaction
from django.utils.translation import gettext as _

from dangvu.core.actors import Actor
from dangvu.core.changes import log_entry, open_change_set
from dangvu.core.models import CalendarDay, CalendarYear, ChangeSet

ANNOUNCED_FILE = Path(__file__).with_name("calendar_vn.json")
_SUBSTITUTED = re.compile(r"substituted from (\d{2})/(\d{2})/(\d{4})")


@lru_cache(maxsize=64)
def package_days(year: int) -> dict[dt.date, tuple[bool, str]]:
    """The package's days off of a year, and the weekend days worked in exchange for them."""
    days: dict[dt.date, tuple[bool, str]] = {}
    for day, name in holidays.Vietnam(years=year).items():
        days[day] = (False, name)
        match = _SUBSTITUTED.search(name)
        if match:
            month, dom, yr = (int(g) for g in match.groups())
            days[dt.date(yr, month, dom)] = (True, f"Make-up working day for {day:%d/%m/%Y}")
    return days


@transaction.atomic
def seed_year(year: int) -> int:
    """Write a year's days into the database, once, to edit them: the shipped announcements, or
    else the package's; returns the days written."""
    if CalendarYear.objects.filter(year=year).exists():
        return 0
    if year in announced_days():
        taken = set(CalendarDay.objects.filter(day__year=year).values_list("day", flat=True))
        rows = _announced_rows(CalendarDay, year, taken)
        CalendarDay.objects.bulk_create(rows)
        CalendarYear.objects.create(year=year)
        return len(rows)
    rows = [
        CalendarDay(day=day, is_working=working, name=name, source=CalendarDay.Source.PACKAGE)
        for day, (working, name) in package_days(year).items()
        if day.year == year and not CalendarDay.objects.filter(day=day).exists()
    ]
    CalendarDay.objects.bulk_create(rows)
    CalendarYear.objects.create(year=year)
    return len(rows)


@lru_cache(maxsize=1)
def announced_days() -> dict[int, list[dict[str, Any]]]:
    """The days off and make-up days the government announced, by year, as shipped."""
    data = json.loads(ANNOUNCED_FILE.read_text(encoding="utf-8"))
    return {int(year): days for year, days in data["years"].items()}


def _announced_rows(day_model: Any, year: int, taken: set[dt.date]) -> list[Any]:
    """A year's shipped announcements as calendar rows, leaving out the days in `taken`."""
    return [
        day_model(
            day=dt.date.fromisoformat(d["day"]),
            is_working=d["working"],
            name=d["name"][:200],
            source="announced",
            citation=d["source"][:400],
        )
        for d in announced_days()[year]
        if dt.date.fromisoformat(d["day"]) not in taken
    ]


def load_announced(day_model: Any = CalendarDay, year_model: Any = CalendarYear) -> int:
    """Write the shipped announcements (run by `migrate`): a year's days seeded from the package
    give way to them; a day an officer entered or removed by hand stays as the officer left it.
    Returns the days written."""
    written = 0
    for year in announced_days():
        by_hand = set(
            day_model.objects.filter(day__year=year, source="manual").values_list("day", flat=True)
        )
        day_model.objects.filter(day__year=year).exclude(source="manual").delete()
        rows = _announced_rows(day_model, year, by_hand)
        day_model.objects.bulk_create(rows)
        year_model.objects.get_or_create(year=year)
        written += len(rows)
    return written


def _set_day(day: dt.date, *, working: bool, name: str) -> CalendarDay:
    seed_year(day.year)
    found, _new = CalendarDay.objects.update_or_create(
        day=day,
        defaults={
            "is_working": working,
            "name": name,
            "source": CalendarDay.Source.MANUAL,
            "citation": "",
        },
    )
    return found


def _as_logged(day: dt.date) -> dict[str, Any]:
    found = CalendarDay.objects.filter(day=day).first()
    if found is None:
        return {"day": day, "is_working": day.weekday() < 5, "name": ""}
    return {"day": day, "is_working": found.is_working, "name": found.name}


def calendar_day_set(
    *,
    day: dt.date,
    working: bool,
    name: str,
    actor: Actor,
    reason: str = "",
    source: str = ChangeSet.Source.CLI,
) -> CalendarDay:
    """Record by hand a day off or a day worked in exchange (the year is seeded first, so that the
    rest of it stays as announced), with its entry in the change log; read back."""
    with transaction.atomic():
        before = _as_logged(day)
        _set_day(day, working=working, name=name)
        found = CalendarDay.objects.get(day=day)
        changeset = open_change_set(actor=actor, reason=reason, source=source)
        log_entry(changeset, action="calendar.set", obj=found, before=before, after=_as_logged(day))
    return found


def calendar_day_unset(
    *, day: dt.date, actor: Actor, reason: str = "", source: str = ChangeSet.Source.CLI
) -> None:
    """Make a day what its weekday says, with its entry in the change log. A day the shipped
    announcements list is kept as an officer's entry saying so, so that loading the
    announcements again does not bring it back."""
    with transaction.atomic():
        seed_year(day.year)
        before = _as_logged(day)
        listed = any(d["day"] == day.isoformat() for d in announced_days().get(day.year, []))
        found: CalendarDay | None
        if listed:
            found = _set_day(day, working=day.weekday() < 5, name=_("Removed by the operator"))
        else:
            found = CalendarDay.objects.filter(day=day).first()
            CalendarDay.objects.filter(day=day).delete()
        if found is None:
            return  # nothing was recorded for that day: nothing changes
        changeset = open_change_set(actor=actor, reason=reason, source=source)
        log_entry(
            changeset, action="calendar.unset", obj=found, before=before, after=_as_logged(day)
        )


def days_of(year: int) -> list[dict[str, Any]]:
    """The days of a year that differ from their weekday, with their name and where they come
    from: recorded in this database, shipped as announced, or the package's estimate."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    table = _exceptions(first, last)
    recorded = {d.day: d for d in CalendarDay.objects.filter(day__gte=first, day__lte=last)}
    shipped = {d["day"]: d for d in announced_days().get(year, [])}
    package = {d: name for d, name in holidays.Vietnam(years=year, language="vi").items()}
    out = []
    for day, working in sorted(table.items()):
        if working == (day.weekday() < 5):
            continue  # not different from its weekday (a holiday on a Sunday, a removed day)
        row = recorded.get(day)
        if row is not None:
            name, citation = (
                row.name,
                row.citation
                or (_("entered by hand") if row.source == CalendarDay.Source.MANUAL else ""),
            )
        elif day.isoformat() in shipped:
            name, citation = shipped[day.isoformat()]["name"], shipped[day.isoformat()]["source"]
        else:
            name = package.get(day, _("Day worked in exchange") if working else _("Day off"))
            citation = _(
                "estimated from the statutory holidays; not yet announced by the government"
            )
        out.append({"day": day, "working": working, "name": name, "citation": citation})
    return out


def next_year_missing(on: dt.date) -> int | None:
    """In December, next year when none of its days off is recorded from an announcement or by
    hand yet (the package's guess does not count): the administrator's reminder."""
    if on.month != 12:
        return None
    year = on.year + 1
    if year in announced_days():
        return None
    recorded = CalendarDay.objects.filter(
        day__year=year, source__in=(CalendarDay.Source.ANNOUNCED, CalendarDay.Source.MANUAL)
    ).exists()
    return None if recorded else year


def _exceptions(first: dt.date, last: dt.date) -> dict[dt.date, bool]:
    """day -> is working, for days in [first, last] that differ from their weekday's default."""
    result: dict[dt.date, bool] = {}
    years = range(first.year, last.year + 1)
    seeded = set(CalendarYear.objects.filter(year__in=list(years)).values_list("year", flat=True))
    shipped = announced_days()
    for year in years:
        if year in seeded:
            continue
        if year in shipped:  # not in this database (an emptied one): the shipped announcements
            for d in shipped[year]:
                day = dt.date.fromisoformat(d["day"])
                if first <= day <= last:
                    result[day] = d["working"]
            continue
        for day, (working, _name) in package_days(year).items():
            if first <= day <= last:
                result[day] = working
    rows = CalendarDay.objects.filter(day__gte=first, day__lte=last).values_list(
        "day", "is_working"
    )
    result.update(dict(rows))
    return result


def is_working_day(day: dt.date, exceptions: dict[dt.date, bool] | None = None) -> bool:
    table = exceptions if exceptions is not None else _exceptions(day, day)
    if day in table:
        return table[day]
    return day.weekday() < 5


def add_working_days(start: dt.date, count: int) -> dt.date:
    """The day on which `count` working days after `start` have passed (start itself not counted)."""
    if count <= 0:
        return start
    horizon = start + dt.timedelta(days=count * 2 + 60)
    table = _exceptions(start, horizon)
    day, left = start, count
    while left:
        day += dt.timedelta(days=1)
        if day > horizon:
            horizon = day + dt.timedelta(days=count * 2 + 60)
            table = _exceptions(day, horizon)
        if is_working_day(day, table):
            left -= 1
    return day


class Calendar:
    """The days off and working weekends read a whole year at a time and kept: for a loop that
    counts deadlines for many members (a work list), a few queries instead of two a deadline.
    Same answers as `add_working_days`."""

    def __init__(self) -> None:
        self._years: dict[int, dict[dt.date, bool]] = {}
        # Per year, the working days counted from 1 January up to each day (bisected: a deadline
        # is found without walking its days, for a list of hundreds).
        self._counted: dict[int, list[int]] = {}

    def _table(self, year: int) -> dict[dt.date, bool]:
        if year not in self._years:
            self._years[year] = _exceptions(dt.date(year, 1, 1), dt.date(year, 12, 31))
        return self._years[year]

    def is_working_day(self, day: dt.date) -> bool:
        return is_working_day(day, self._table(day.year))

    def _cumulative(self, year: int) -> list[int]:
        if year not in self._counted:
            table, first, total, counted = self._table(year), dt.date(year, 1, 1), 0, []
            for offset in range((dt.date(year + 1, 1, 1) - first).days):
                total += is_working_day(first + dt.timedelta(days=offset), table)
                counted.append(total)
            self._counted[year] = counted
        return self._counted[year]

    def add_working_days(self, start: dt.date, count: int) -> dt.date:
        if count <= 0:
            return start
        year = start.year
        counted = self._cumulative(year)
        target = counted[(start - dt.date(year, 1, 1)).days] + count
        while target > counted[-1]:  # into the next year
            target -= counted[-1]
            year += 1
            counted = self._cumulative(year)
        return dt.date(year, 1, 1) + dt.timedelta(days=bisect.bisect_left(counted, target))


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end`."""
    if end <= start:
        return 0
    table = _exceptions(start, end)
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day, table):
            count += 1
    return count
