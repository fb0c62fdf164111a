"""The demo's cell life and dues (issue 26, point 7) and the bar: the coverage's figures and the
dues summary equal an independent computation over the demo's records; the organisation formed
in 2025 answers for 2024 through the two provinces it was formed from."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
from django.db.models import Sum

from dangvu.activities import selectors
from dangvu.activities.models import Attendance, DuesLine, DuesPayment, Meeting, MeetingPlan
from dangvu.orgs.models import Organisation, Placement

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

Q4 = (dt.date(2025, 10, 1), dt.date(2025, 12, 31))


def cells_under(code: str, day: dt.date) -> set[int]:
    """The cells placed under the organisation on the day, read from the placements by hand."""
    root = Placement.objects.get(org__code=code, valid_from__lte=day, valid_to__isnull=True)
    return set(
        Placement.objects.filter(
            path__startswith=root.path,
            valid_from__lte=day,
            kind__in=("cell", "grassroots_cell"),
        )
        .exclude(valid_to__lte=day)
        .values_list("org_id", flat=True)
    )


def test_attendance_and_meetings_on_time_against_the_records(demo):
    cells = cells_under("TU-KH", Q4[1])
    found = selectors.coverage(
        Organisation.objects.get(code="TU-KH"),
        dt.date(2025, 10, 1),
        dt.date(2025, 12, 1),
        on=dt.date(2026, 1, 15),
    )
    # Attendance from the rolls themselves (not the meetings' stored counts): present of those
    # expected — everyone on the roll but the exempted and those away elsewhere.
    rows = Attendance.objects.filter(
        meeting__org_id__in=cells, meeting__held_on__gte=Q4[0], meeting__held_on__lte=Q4[1]
    )
    present = rows.filter(status="present").count()
    expected = rows.exclude(status__in=("exempted", "away")).count()
    assert (found.present, found.expected) == (present, expected)
    assert expected > 1000 and 0.9 < present / expected < 0.99
    # Held on time: the month's regular (or combined) meeting on or before the plan's fixed day.
    fixed = dict(MeetingPlan.objects.filter(year=2025).values_list("org_id", "fixed_day"))
    on_time = held = 0
    seen = set()
    for org_id, held_on in Meeting.objects.filter(
        org_id__in=cells, held_on__gte=Q4[0], held_on__lte=Q4[1], kind__in=("regular", "combined")
    ).values_list("org_id", "held_on"):
        if (org_id, held_on.month) in seen:
            continue
        seen.add((org_id, held_on.month))
        held += 1
        on_time += held_on.day <= fixed.get(org_id, 31)
    assert (found.held, found.on_time) == (held, on_time)
    due = sum(len(c.due_months) for c in found.cells)
    assert due >= 3 * len(cells) - 20  # cells formed or dissolved within the quarter owe less
    assert found.late and len(found.late) < len(cells) // 10


def test_dues_collected_per_cell_against_the_payments(demo):
    month = dt.date(2025, 11, 1)
    summary = selectors.dues_summary(
        Organisation.objects.get(code="TU-KH"), month, on=dt.date(2026, 1, 15)
    )
    # From the payments (not the book's lines): what each cell received for November.
    received: dict[int, int] = defaultdict(int)
    for org_id, amount in DuesPayment.objects.filter(first__lte=month, last__gte=month).values_list(
        "org_id", "amount"
    ):
        received[org_id] += amount
    rows = {r.org: r for r in summary["rows"]}
    assert {k: v for k, v in received.items() if v} == {
        k: r.paid for k, r in rows.items() if r.paid
    }
    owed = DuesLine.objects.filter(month=month).aggregate(s=Sum("amount"))["s"]
    assert summary["totals"]["due"] == owed > 0
    assert summary["totals"]["unpaid"] > 0  # a few members miss a month
    assert summary["regulation"].code == "342-QĐ/TW"


def test_the_merged_province_answers_for_2024_through_its_predecessors(demo):
    merged = selectors.coverage(
        Organisation.objects.get(code="TU-KH"), dt.date(2024, 1, 1), dt.date(2024, 3, 1)
    )
    parts = [
        selectors.coverage(
            Organisation.objects.get(code=code), dt.date(2024, 1, 1), dt.date(2024, 3, 1)
        )
        for code in ("TU-NT", "TU-KHC")
    ]
    assert merged.due == sum(p.due for p in parts) > 0
    assert merged.held == sum(p.held for p in parts)
    assert (merged.present, merged.expected) == (
        sum(p.present for p in parts),
        sum(p.expected for p in parts),
    )
