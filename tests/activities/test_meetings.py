"""Meetings and their rolls through the one service every door uses (DOMAIN-2.md §2): what is
refused, the quality judged, the counters that feed the work lists and the removal form
(DOMAIN.md §4.7), the committee's coverage of its cells."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.http import Http404

from dangvu.activities import selectors, services, worklists
from dangvu.activities.models import Attendance, Meeting
from dangvu.core.models import ChangeLogEntry
from dangvu.members import worklists as member_worklists
from dangvu.rules import activities as rules
from tests.conftest import admit

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

P, E, U = rules.PRESENT, rules.EXCUSED, rules.UNEXCUSED


def cell_of_five(world):
    """Phước Lập: Hoa and An (official since 2010) and three more."""
    more = [admit(world.ph1, name) for name in ("Trần Văn Bảo", "Lê Thị Cúc", "Võ Văn Dũng")]
    return [world.members["hoa"], world.members["an"], *more]


def data(members, day, statuses=None, **extra):
    statuses = statuses or [P] * len(members)
    roll = {
        m.pk: (s, "Đi công tác" if s == E else "") for m, s in zip(members, statuses, strict=True)
    }
    present = [m.pk for m, s in zip(members, statuses, strict=True) if s == P]
    values = {
        "kind": rules.REGULAR,
        "held_on": day,
        "starts": dt.time(19, 30),
        "ends": dt.time(21, 0),
        "chair": present[0],
        "minute_taker": present[1],
        "roll": roll,
        "criteria": {k: True for k in rules.JUDGED_CRITERIA},
        "documents_shared_on": day - dt.timedelta(days=1),
        **extra,
    }
    return services.MeetingInput(**values)


def record(world, members, day, statuses=None, actor=None, **extra):
    return services.meeting_record(
        org=world.ph1, data=data(members, day, statuses, **extra), actor=actor or world.binh
    )


def test_a_meeting_with_its_roll_quality_and_resolution(world):
    members = cell_of_five(world)
    meeting = record(
        world,
        members,
        dt.date(2026, 3, 3),
        resolutions=[("Nghị quyết tháng 3", 4, 0, 0)],
    )
    assert (meeting.present, meeting.expected) == (5, 5)
    assert meeting.points == 100 and meeting.good and meeting.grade == "Tốt"
    assert Attendance.objects.filter(meeting=meeting).count() == 5
    resolution = meeting.resolutions.get()
    # Five official members present: the base is 5, four in favour is more than half.
    assert (resolution.base, resolution.passed) == (5, True)
    assert ChangeLogEntry.objects.filter(
        action="meeting.create", object_id=str(meeting.pk)
    ).exists()


def test_documents_sent_on_the_day_fail_the_preparation_criterion(world):
    """HD 42/2025 (DOMAIN-2.md §2.3): the documents at least a day before; sent on the day, the
    preparation criterion is not met whatever was ticked."""
    members = cell_of_five(world)
    day = dt.date(2026, 6, 3)
    meeting = record(world, members, day, documents_shared_on=day)
    assert meeting.criteria["preparation"] is False and meeting.points == 80


def test_one_absent_without_reason_fails_the_attendance_criterion(world):
    members = cell_of_five(world)
    meeting = record(world, members, dt.date(2026, 4, 3), [P, P, P, P, U])
    assert (meeting.present, meeting.expected) == (4, 5)
    assert meeting.criteria[rules.ATTENDANCE_CRITERION] is False
    assert meeting.points == 80 and not meeting.good


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ends": dt.time(20, 55)}, "ends"),
        ({"held_on": dt.date(2099, 1, 1)}, "held_on"),
        ({"documents_shared_on": dt.date(2026, 5, 9)}, "documents_shared_on"),
    ],
)
def test_refused_with_the_field_named(world, change, field):
    members = cell_of_five(world)
    with pytest.raises(ValidationError) as caught:
        record(world, members, dt.date(2026, 5, 5), **change)
    assert field in caught.value.error_dict
    assert not Meeting.objects.exists()


def test_refused_roll_problems(world):
    members = cell_of_five(world)
    day = dt.date(2026, 5, 5)
    partial = data(members, day)
    del partial.roll[members[4].pk]
    with pytest.raises(ValidationError, match="Võ Văn Dũng"):
        services.meeting_record(org=world.ph1, data=partial, actor=world.binh)
    no_reason = data(members, day, [P, P, P, P, E])
    no_reason.roll[members[4].pk] = (E, " ")
    with pytest.raises(ValidationError, match=r"reason|lý do"):
        services.meeting_record(org=world.ph1, data=no_reason, actor=world.binh)
    absent_chair = data(members, day, [E, P, P, P, P])
    absent_chair.chair = members[0].pk
    with pytest.raises(ValidationError) as caught:
        services.meeting_record(org=world.ph1, data=absent_chair, actor=world.binh)
    assert "chair" in caught.value.error_dict
    too_many_votes = data(members, day, resolutions=[("NQ", 5, 1, 0)])
    with pytest.raises(ValidationError, match="6"):
        services.meeting_record(org=world.ph1, data=too_many_votes, actor=world.binh)
    record(world, members, day)
    with pytest.raises(ValidationError, match="05/05/2026"):
        record(world, members, dt.date(2026, 5, 20))
    assert Meeting.objects.count() == 1


def test_only_the_cells_secretary_or_officers_record(world):
    members = cell_of_five(world)
    other = admit(world.ph2, "Phan Văn Em")
    with pytest.raises((Http404, PermissionDenied)):
        services.meeting_record(
            org=world.ph2,
            data=data([other, world.members["thanh"]], dt.date(2026, 3, 3)),
            actor=world.binh,
        )
    with pytest.raises((Http404, PermissionDenied)):
        record(world, members, dt.date(2026, 3, 3), actor=world.dung)  # a viewer


def test_three_months_absent_puts_the_member_on_the_list_and_opens_the_removal(world, client):
    """DOMAIN.md §4.7: Dũng misses February, April and June 2026 without a reason: on the
    secretary's work list, with the removal form and its ground "abandoned party activity"."""
    from tests.conftest import sign_in

    members = cell_of_five(world)
    dung = members[4]
    for month in range(1, 7):
        status = U if month in (2, 4, 6) else P
        record(world, members, dt.date(2026, month, 3), [P, P, P, P, status])
    assert selectors.absent_months_of([dung.pk], 2026) == {dung.pk: [2, 4, 6]}
    found = member_worklists.work_list(world.binh, world.ph1, dt.date(2026, 7, 10))
    items = found["absent_three_months"]
    assert [i.name for i in items] == ["Võ Văn Dũng"]
    assert items[0].url == worklists.removal_url(dung.pk)
    sign_in(client, world.an)
    page = client.get(items[0].url)
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["ground"] == "abandoned_activity"


def test_absent_with_reason_four_times_in_a_row(world):
    members = cell_of_five(world)
    for month in range(1, 6):
        status = E if month >= 2 else P
        meeting = record(world, members, dt.date(2026, month, 3), [P, P, P, P, status])
    # The fifth meeting is the fourth excused in a row: criterion 1 fails there.
    assert meeting.criteria[rules.ATTENDANCE_CRITERION] is False
    assert selectors.excused_runs_of([members[4].pk], 2026) == {members[4].pk: 4}


def test_coverage_counts_due_held_on_time_and_late_cells(world):
    """Phước Hải's two cells, first quarter of 2026: Phước Lập meets on 3/1, 10/2 (after its
    fixed day 5) and not in March; Hữu Đức in none. 6 months due, 2 held, 1 on time; both
    cells late; attendance 9 of 10."""
    members = cell_of_five(world)
    services.plan_record(
        org=world.ph1,
        year=2026,
        fixed_day=5,
        topics=[(q, "Chuyên đề", "") for q in (1, 2, 3, 4)],
        actor=world.binh,
    )
    record(world, members, dt.date(2026, 1, 3))
    record(world, members, dt.date(2026, 2, 10), [P, P, P, P, U])
    found = selectors.coverage(world.phuoc_hai, dt.date(2026, 1, 1), dt.date(2026, 3, 1))
    rows = {c.name: c for c in found.cells}
    assert set(rows) == {"Chi bộ Thôn Phước Lập", "Chi bộ Thôn Hữu Đức"}
    assert (found.due, found.held, found.on_time) == (6, 2, 1)
    assert (found.present, found.expected) == (9, 10)
    assert rows["Chi bộ Thôn Phước Lập"].missing == [dt.date(2026, 3, 1)]
    assert len(found.late) == 2
    out = io.StringIO()
    call_command(
        "meetings",
        "coverage",
        "--org",
        world.phuoc_hai.code,
        "--period",
        "2026-Q1",
        "--format",
        "json",
        stdout=out,
    )
    printed = json.loads(out.getvalue())
    assert (
        printed["regular_meetings_due"],
        printed["regular_meetings_held"],
        printed["held_on_time"],
    ) == (6, 2, 1)
    assert (printed["present"], printed["expected"], printed["attendance_rate"]) == (9, 10, 90.0)
    assert {c["name"] for c in printed["late_cells"]} == {
        "Chi bộ Thôn Phước Lập",
        "Chi bộ Thôn Hữu Đức",
    }


def test_a_plan_needs_a_thematic_meeting_each_quarter(world):
    with pytest.raises(ValidationError, match="3, 4"):
        services.plan_record(
            org=world.ph1,
            year=2026,
            fixed_day=3,
            topics=[(1, "A", ""), (2, "B", "")],
            actor=world.binh,
        )
    with pytest.raises(ValidationError):
        services.plan_record(
            org=world.ph1,
            year=2026,
            fixed_day=3,
            topics=[(q, "A", "") for q in (1, 2, 3, 4)],
            short_minutes=60,
            actor=world.binh,
        )


def test_the_bulk_door_checks_as_the_page(world):
    members = cell_of_five(world)
    bad = data(members, dt.date(2026, 3, 3), ends=dt.time(20, 0))
    with pytest.raises(ValidationError, match=r"Phước Lập.*03/03/2026"):
        services.meetings_record(items=[(world.ph1, bad)], actor=world.binh)
    good = [
        (world.ph1, data(members, dt.date(2026, m, 3), [P, P, P, P, U if m < 4 else P]))
        for m in (1, 2, 3)
    ]
    services.meetings_record(items=good, actor=world.binh)
    assert selectors.absent_months_of([members[4].pk], 2026)[members[4].pk] == [1, 2, 3]
    twice = [(world.ph1, data(members, dt.date(2026, 3, 20)))]
    with pytest.raises(ValidationError, match="03/03/2026"):
        services.meetings_record(items=twice, actor=world.binh)
