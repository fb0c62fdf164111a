"""Dates and periods. Periods are half-open: [valid_from, valid_to), valid_to None meaning open."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone


def today() -> dt.date:
    """Today in the site's time zone (Vietnam's: the Party's dates are its dates). The zone is
    the settings' own, never one activated for a request (none is): looking the active one up
    cost half of each call, and an import checks 150,000 dates of birth against today."""
    return timezone.localtime(timezone.now(), timezone.get_default_timezone()).date()


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later; 29 February becomes 28 February in a common year (the
    month-end convention of `add_months`, of which this is the twelve-month case)."""
    return add_months(day, 12 * years)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day of the month `months` later, or that month's last day when it has no such
    day: 31/1 + 1 month = 28/2 (29/2 in a leap year). DOMAIN.md §3.2 and §4.3 count party age and
    probation in months and years without saying more; this one convention serves both."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)


def months_between(start: dt.date, on: dt.date) -> int:
    """Whole months from `start` to `on` under the one month-end convention (DOMAIN.md §3.2,
    §4.1, §4.3): n months are reached on `add_months(start, n)` — the same day of the month, or the
    month's last day when it has no such day (29/2 → 28/2 a year later; 31/1 → 28/2 a month
    later), as Bộ luật Dân sự 2015, Điều 148 ends a period counted in months or years. Party age,
    badge dates, probation, and ages all count this way; 0 before `start`."""
    months = (on.year - start.year) * 12 + on.month - start.month
    while months > 0 and add_months(start, months) > on:
        months -= 1
    return max(months, 0)


def age_on(birth_date: dt.date, on: dt.date) -> int:
    """Age in completed years on a date (someone born on 29/2 turns a year older on 28/2)."""
    return months_between(birth_date, on) // 12


def born_on_or_before_for_age(age: int, on: dt.date) -> dt.date:
    """The latest birth date of someone who is at least `age` completed years old on `on`: the
    exact inverse of `age_on`, for filters in SQL (on the last day of a month, everyone born in
    that month `age` years before has reached it)."""
    found = add_months(on, -12 * age)
    if (on + dt.timedelta(days=1)).month != on.month:  # `on` is its month's last day
        following = dt.date(found.year + found.month // 12, found.month % 12 + 1, 1)
        return following - dt.timedelta(days=1)
    return found


# Dates a user may ask about or record: the records span the Party's members since the 1930s;
# years far outside are typing slips, and year 1 would overflow the arithmetic of periods.
FIRST_YEAR, LAST_YEAR = 1900, 2100


def in_range(day: dt.date) -> bool:
    return FIRST_YEAR <= day.year <= LAST_YEAR


def year_in_range(year: int) -> bool:
    return FIRST_YEAR <= year <= LAST_YEAR


def format_date(day: dt.date | None) -> str:
    """dd/mm/yyyy, the year in four digits even before 1000 (as the templates' `date:"d/m/Y"`;
    strftime writes 999)."""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}" if day else ""


def parse_iso(value: str, what: str = "date") -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"{what} must be YYYY-MM-DD, not {value!r}") from exc


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date | None = None  # exclusive

    def contains(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)
