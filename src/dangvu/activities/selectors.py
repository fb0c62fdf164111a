"""Reading cell life, political education and dues: the committee's coverage of its cells'
meetings for a period, the month's dues summary, a member's counters of the year, a document's
study figures. An organisation answers for a past period through the organisations that counted
as part of it then (tree.selectors.lineage_intervals): the commune formed in 2025 answers for 2024
through the communes merged into it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q, Sum

from dangvu.accounts.guard import register_write_check, taken_out, write_scope
from dangvu.activities import models
from dangvu.activities import roll as rolls
from dangvu.activities.models import (
    ActionProgramme,
    Attendance,
    DuesLine,
    Essay,
    Meeting,
    MeetingPlan,
    StudyAttendance,
    StudyDocument,
    StudySession,
)
from dangvu.core.dates import today, year_in_range
from dangvu.evaluation.models import Rating
from dangvu.members.models import ACTIVE_STATUSES, Flag, FlagPeriod, MembershipPeriod
from dangvu.orgs.models import Organisation, valid_on
from dangvu.rules import activities as rules
from dangvu.rules import dues as dues_rules
from dangvu.rules import evaluation as eval_rules
from dangvu.rules import organisation as org_rules
from dangvu.tree.selectors import Periods, covers, lineage_intervals, names_on


def month_range(first: dt.date, last: dt.date) -> list[dt.date]:
    months, month = [], dues_rules.month_start(first)
    while month <= last:
        months.append(month)
        month = dues_rules.next_month(month)
    return months


def parse_period(text: str) -> tuple[dt.date, dt.date]:
    """ "2026-Q1", "2026-03" (or "03/2026"), "2026" → (first month, last month); ValueError for
    anything else or a year outside the records' range."""
    text = text.strip()
    if "/" in text:
        month, year = text.split("/", 1)
        text = f"{year}-{month}"
    head = text.upper().split("-")[0]
    if not head.isdigit() or not year_in_range(int(head)):
        raise ValueError(text)
    if "-Q" in text.upper():
        year, quarter = text.upper().split("-Q")
        q = int(quarter)
        if not 1 <= q <= 4:
            raise ValueError(text)
        return dt.date(int(year), 3 * q - 2, 1), dt.date(int(year), 3 * q, 1)
    if "-" in text:
        year, month = text.split("-")
        day = dt.date(int(year), int(month), 1)
        return day, day
    return dt.date(int(text), 1, 1), dt.date(int(text), 12, 1)


def month_asked(value: str | None, default: dt.date) -> dt.date:
    """A month from a query parameter (mm/yyyy or yyyy-mm), or `default`."""
    for fmt in ("%m/%Y", "%Y-%m"):
        try:
            found = dt.datetime.strptime(value or "", fmt).date().replace(day=1)
        except ValueError:
            continue
        return found if year_in_range(found.year) else default
    return default


def period_asked(value: str | None, on: dt.date) -> tuple[dt.date, dt.date]:
    """A period from a query parameter (parse_period), or the last quarter that has begun and
    has an ended month: the quarter of the month before `on`."""
    try:
        if value:
            return parse_period(value)
    except ValueError:
        pass
    last = dues_rules.previous_month(on.replace(day=1))
    return last.replace(month=3 * ((last.month - 1) // 3) + 1), last


def cells_of(org: Organisation) -> dict[int, Periods]:
    """The cells that counted as part of `org`, with when (its lineage before it was formed)."""
    intervals = lineage_intervals(org)
    kinds = dict(
        Organisation.objects.filter(pk__in=intervals, kind__in=rolls.CELL_KINDS).values_list(
            "pk", "kind"
        )
    )
    return {pk: periods for pk, periods in intervals.items() if pk in kinds}


def _last_day(month: dt.date) -> dt.date:
    return dues_rules.next_month(month) - dt.timedelta(days=1)


@dataclass
class CellCoverage:
    org: int
    name: str
    code: str = ""
    due_months: list[dt.date] = field(default_factory=list)
    held_months: set[dt.date] = field(default_factory=set)
    on_time: int = 0
    meetings: int = 0
    thematic_quarters: set[int] = field(default_factory=set)
    present: int = 0
    expected: int = 0
    good: int = 0
    graded: int = 0
    rating: str = ""

    ended: dt.date = dt.date.max  # months before this one have ended

    @property
    def missing(self) -> list[dt.date]:
        """The ended months with no regular meeting (the month under way is not late yet)."""
        return [m for m in self.due_months if m not in self.held_months and m < self.ended]

    @property
    def attendance_rate(self) -> float | None:
        return rules.rate(self.present, self.expected)

    @property
    def good_share(self) -> float | None:
        return rules.rate(self.good, self.graded)


@dataclass
class Coverage:
    first: dt.date
    last: dt.date
    cells: list[CellCoverage]

    @property
    def due(self) -> int:
        return sum(len(c.due_months) for c in self.cells)

    @property
    def held(self) -> int:
        return sum(len(set(c.due_months) & c.held_months) for c in self.cells)

    @property
    def on_time(self) -> int:
        return sum(c.on_time for c in self.cells)

    @property
    def present(self) -> int:
        return sum(c.present for c in self.cells)

    @property
    def expected(self) -> int:
        return sum(c.expected for c in self.cells)

    @property
    def late(self) -> list[CellCoverage]:
        return [c for c in self.cells if c.missing]

    def as_dict(self) -> dict[str, Any]:
        return {
            "first_month": self.first.strftime("%Y-%m"),
            "last_month": self.last.strftime("%Y-%m"),
            "cells": len(self.cells),
            "regular_meetings_due": self.due,
            "regular_meetings_held": self.held,
            "held_on_time": self.on_time,
            "present": self.present,
            "expected": self.expected,
            "attendance_rate": rules.rate(self.present, self.expected),
            "late_cells": [
                {"name": c.name, "missing": [m.strftime("%Y-%m") for m in c.missing]}
                for c in self.late
            ],
        }


def coverage(
    org: Organisation, first: dt.date, last: dt.date, on: dt.date | None = None
) -> Coverage:
    """For each cell that counted as part of `org` in the months [first, last]: the months it owed
    a regular meeting (it counted the whole month, or the month under way so far), the months it held
    one, those held by the plan's fixed day (or within the month when it has none), the thematic
    quarters, attendance (present of expected), the meetings rated good, and its rating of the
    year. Late cells are those with a month missing."""
    day = on or today()
    first, last = dues_rules.month_start(first), dues_rules.month_start(last)
    months = month_range(first, last)
    cells = cells_of(org)
    end = min(_last_day(last), day)
    rows: dict[int, CellCoverage] = {}
    for pk, periods in cells.items():
        owed = [
            m
            for m in months
            if m <= day
            and covers(periods, m)
            and (covers(periods, _last_day(m)) if _last_day(m) < day else covers(periods, day))
        ]
        counted = any(covers(periods, m) or covers(periods, min(_last_day(m), day)) for m in months)
        if owed or counted:
            rows[pk] = CellCoverage(pk, "", due_months=owed, ended=day.replace(day=1))
    names = names_on(list(rows), end)
    fixed_days = {
        (org_id, year): fixed
        for org_id, year, fixed in MeetingPlan.objects.filter(
            org_id__in=rows, year__gte=first.year, year__lte=last.year, fixed_day__isnull=False
        ).values_list("org_id", "year", "fixed_day")
    }
    meetings = Meeting.objects.filter(
        org_id__in=rows, held_on__gte=first, held_on__lte=end
    ).values_list("org_id", "kind", "held_on", "present", "expected", "good", "grade")
    for org_id, kind, held_on, present, expected, good, grade in meetings:
        if not covers(cells[org_id], held_on):
            continue  # held while the cell belonged elsewhere
        row = rows[org_id]
        row.meetings += 1
        row.present += present
        row.expected += expected
        if grade:
            row.graded += 1
            row.good += int(good)
        if kind in rules.MONTHLY_KINDS:
            month = held_on.replace(day=1)
            if month in row.due_months and month not in row.held_months:
                fixed = fixed_days.get((org_id, held_on.year))
                if fixed is None or held_on.day <= fixed:
                    row.on_time += 1
            row.held_months.add(month)
        if kind in rules.THEMATIC_KINDS:
            row.thematic_quarters.add(rules.quarter_of(held_on))
    if first.year == last.year:
        labels = eval_rules.LEVEL_LABELS
        for org_id, level in (
            Rating.objects.filter(subject=eval_rules.ORG, org_id__in=rows, year=first.year)
            .exclude(level="")
            .values_list("org_id", "level")
        ):
            rows[org_id].rating = str(labels.get(level, level))
    codes = dict(Organisation.objects.filter(pk__in=rows).values_list("pk", "code"))
    for pk, row in rows.items():
        row.name = str(names.get(pk, ""))
        row.code = codes[pk]
    ordered = sorted(rows.values(), key=lambda r: (not r.missing, r.name))
    return Coverage(first, last, ordered)


@dataclass
class DuesRow:
    org: int
    name: str
    members: int
    due: int
    paid: int
    unpaid: int
    exempt: int
    reduced: int


def dues_summary(org: Organisation, month: dt.date, on: dt.date | None = None) -> dict[str, Any]:
    """The month's dues for the cells that counted as part of `org` that month: members in the
    book, due, collected, members not paid in full (not deferred), exempted, reduced; the totals
    and how the collection is shared up the levels (rules.dues.split, UNCONFIRMED)."""
    day = min(_last_day(month), on or today())
    cells = {pk for pk, periods in cells_of(org).items() if covers(periods, day)}
    unpaid = Q(amount__gt=0, paid__lt=F("amount"), deferred=False)
    rows = (
        DuesLine.objects.filter(month=month, org_id__in=cells)
        .values("org_id")
        .annotate(
            members=Count("pk"),
            owed=Sum("amount"),
            collected=Sum("paid"),
            unpaid=Count("pk", filter=unpaid),
            exempt=Count("pk", filter=Q(percent=100)),
            reduced=Count("pk", filter=Q(percent__gt=0, percent__lt=100)),
        )
    )
    names = names_on(list(cells), day)
    found = [
        DuesRow(
            r["org_id"],
            str(names.get(r["org_id"], "")),
            r["members"],
            r["owed"] or 0,
            r["collected"] or 0,
            r["unpaid"],
            r["exempt"],
            r["reduced"],
        )
        for r in rows
    ]
    assessed = {r.org for r in found}
    found.sort(key=lambda r: (-r.unpaid, r.name))
    totals = {
        key: sum(getattr(r, key) for r in found)
        for key in ("members", "due", "paid", "unpaid", "exempt", "reduced")
    }
    return {
        "month": month,
        "rows": found,
        "totals": totals,
        "not_assessed": sorted(str(names.get(pk, "")) for pk in cells - assessed),
        "split": dues_rules.split(totals["paid"], month),
        "regulation": dues_rules.regulation_for(month),
    }


def book(org: Organisation, month: dt.date) -> list[Any]:
    """The cell's book for the month: each member's due and payment, in name order."""
    return list(
        DuesLine.objects.filter(org=org, month=month)
        .order_by("member__person__sort_key")
        .values(
            "member_id",
            "member__person__full_name",
            "category",
            "standard",
            "amount",
            "reason",
            "percent",
            "deferred",
            "paid",
            "paid_on",
            "channel",
            "regulation",
        )
    )


def member_year(member_id: int, year: int, on: dt.date | None = None) -> dict[str, Any]:
    """A member's year: the meetings and the attendance, the months absent without a reason, the
    longest run absent with one, the dues and the months unpaid."""
    day = on or today()
    rows = list(
        Attendance.objects.filter(member_id=member_id, meeting__held_on__year=year)
        .order_by("meeting__held_on", "meeting_id")
        .values_list("meeting__held_on", "meeting__kind", "status", "reason", "meeting__org__name")
    )
    lines = list(
        DuesLine.objects.filter(member_id=member_id, month__year=year).values_list(
            "month", "amount", "paid", "deferred", "reason", "percent", "paid_on"
        )
    )
    return {
        "meetings": rows,
        "months_absent": rules.months_absent((d, s) for d, _k, s, _r, _o in rows),
        "excused_run": rules.longest_excused_run([s for _d, _k, s, _r, _o in rows]),
        "dues": lines,
        "unpaid": dues_rules.unpaid_months([(m, a, p, d) for m, a, p, d, *_ in lines], day),
    }


def absent_months_of(member_ids: Any, year: int) -> dict[int, list[int]]:
    """{member: the months of the year with a meeting missed without a reason}."""
    found: dict[int, set[int]] = defaultdict(set)
    for member_id, held_on in Attendance.objects.filter(
        member_id__in=member_ids, status=rules.UNEXCUSED, meeting__held_on__year=year
    ).values_list("member_id", "meeting__held_on"):
        found[member_id].add(held_on.month)
    return {m: sorted(months) for m, months in found.items()}


def excused_runs_of(member_ids: Any, year: int) -> dict[int, int]:
    """{member: the longest run of meetings missed with a reason this year} for those with more
    than the limit."""
    candidates = (
        Attendance.objects.filter(
            member_id__in=member_ids, status=rules.EXCUSED, meeting__held_on__year=year
        )
        .values("member_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=rules.EXCUSED_RUN_LIMIT)
        .values_list("member_id", flat=True)
    )
    ids = list(candidates)
    statuses: dict[int, list[str]] = defaultdict(list)
    for member_id, status in (
        Attendance.objects.filter(member_id__in=ids, meeting__held_on__year=year)
        .order_by("meeting__held_on", "meeting_id")
        .values_list("member_id", "status")
    ):
        statuses[member_id].append(status)
    runs = {m: rules.longest_excused_run(s) for m, s in statuses.items()}
    return {m: n for m, n in runs.items() if n > rules.EXCUSED_RUN_LIMIT}


def unpaid_of(member_ids: Any, year: int, on: dt.date) -> dict[int, list[dt.date]]:
    """{member: the ended months of the year not paid in full}: a deferred month counts once its
    deferral has ended and it is still unpaid (01-QĐ/TW: deferred, not forgiven)."""
    this_month = dues_rules.month_start(on)
    found: dict[int, list[dt.date]] = defaultdict(list)
    deferred: list[tuple[int, dt.date]] = []
    for member_id, month, is_deferred in DuesLine.objects.filter(
        member_id__in=member_ids,
        month__year=year,
        month__lt=this_month,
        amount__gt=0,
        paid__lt=F("amount"),
    ).values_list("member_id", "month", "deferred"):
        if is_deferred:
            deferred.append((member_id, month))
        else:
            found[member_id].append(month)
    if deferred:
        running: dict[int, list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
        for member_id, first, last in models.DuesRelief.objects.filter(
            member_id__in={m for m, _d in deferred}, kind=dues_rules.DEFERRAL
        ).values_list("member_id", "first", "last"):
            running[member_id].append((first, last))
        for member_id, month in deferred:
            if not any(
                first <= month and (last is None or last >= this_month)
                for first, last in running[member_id]
            ):
                found[member_id].append(month)
    return {member: sorted(months) for member, months in found.items()}


def study_day(document: StudyDocument, on: dt.date | None = None) -> dt.date:
    """The day a document's study is counted on: its last deadline, or half a year after it was
    issued, and never after today."""
    deadlines = [dt.date.fromisoformat(d) for d in (document.deadlines or {}).values()]
    planned = max(deadlines) if deadlines else document.issued_on + dt.timedelta(days=183)
    return min(planned, on or today())


def study_figures(
    document: StudyDocument, org: Organisation, on: dt.date | None = None
) -> dict[str, Any]:
    """The figures provinces report for a document (DOMAIN-2.md §3.5) over what counted as part of
    `org` on the study's day (study_day; through its predecessors before it was formed): sessions,
    participants (members present, non-members by category), members' attendance rate — the
    members present at a session or its make-up, of the members of those organisations that day
    who were not exempted from activity —, essays, and the action programmes adopted of its
    subordinate committees and grassroots organisations."""
    day = study_day(document, on)
    intervals = {pk: p for pk, p in lineage_intervals(org).items() if covers(p, day)}
    sessions = list(
        StudySession.objects.filter(document=document, org_id__in=intervals).values_list(
            "pk", "guests"
        )
    )
    ids = [pk for pk, _g in sessions]
    guests: dict[str, int] = defaultdict(int)
    for _pk, counts in sessions:
        for key, value in (counts or {}).items():
            guests[key] += int(value)
    members = set(
        MembershipPeriod.objects.filter(
            valid_on(day), org_id__in=intervals, temporary=False, status__in=ACTIVE_STATUSES
        ).values_list("member_id", flat=True)
    )
    exempted = set(
        FlagPeriod.objects.filter(
            valid_on(day),
            member_id__in=members,
            flag__in=(Flag.EXEMPTED, Flag.TEMPORARILY_EXEMPTED),
        ).values_list("member_id", flat=True)
    )
    expected = members - exempted
    present = set(
        StudyAttendance.objects.filter(session_id__in=ids, status=rules.PRESENT).values_list(
            "member_id", flat=True
        )
    )
    counted = present & expected
    kinds = dict(Organisation.objects.filter(pk__in=intervals).values_list("pk", "kind"))
    committees = {
        pk
        for pk, kind in kinds.items()
        if pk != org.pk and kind not in (org_rules.CELL, org_rules.SUB_COMMITTEE, org_rules.GROUP)
    }
    adopted = ActionProgramme.objects.filter(document=document, org_id__in=committees).count()
    return {
        "day": day,
        "sessions": len(sessions),
        "members_present": len(counted),
        "members_expected": len(expected),
        "attendance_rate": rules.rate(len(counted), len(expected)),
        "guests": dict(guests),
        "participants": len(present) + sum(guests.values()),
        "essays": Essay.objects.filter(document=document, member_id__in=members).count(),
        "programmes": adopted,
        "committees": len(committees),
        "programme_rate": rules.rate(adopted, len(committees)),
    }


# The write guard (accounts.guard): each record written is read back and must lie in the scope of
# the user who wrote it — an organisation's records by its path, a member's by the member's cell
# (home or host).
def _written(model: Any, path_fields: tuple[str, ...]) -> Any:
    def check(user: Any, ids: set[str], entries: list[Any]) -> set[str]:
        scope = write_scope(user)
        condition = Q(pk__in=[])
        for path_field in path_fields:
            condition |= scope.q(path_field)
        found = model.objects.filter(condition, pk__in=[int(i) for i in ids])
        return {str(pk) for pk in found.values_list("pk", flat=True)} | taken_out(scope, entries)

    return check


def register_write_checks() -> None:
    by_org = ("org__path",)
    by_member = ("member__org__path", "member__temp_org__path")
    for model, fields in (
        (models.Meeting, by_org),
        (models.MeetingPlan, by_org),
        (models.StudyDocument, by_org),
        (models.StudySession, by_org),
        (models.ActionProgramme, by_org),
        (models.HcmTopic, by_org),
        (models.Exemplar, by_org),
        (models.Reporter, by_org),
        (models.Remittance, by_org),
        (models.DuesPayment, ("org__path", *by_member)),
        (models.DuesBasis, by_member),
        (models.DuesRelief, by_member),
        (models.Essay, by_member),
        (models.Commitment, by_member),
    ):
        register_write_check(f"activities.{model._meta.model_name}", _written(model, fields))
