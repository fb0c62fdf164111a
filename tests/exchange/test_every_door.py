"""Every write through a service (issue 22, point 2): the steps of an import batch, an import run
by the task worker with the write guard's read-back, the working calendar in the change log."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from dangvu.core.models import CalendarDay, ChangeLogEntry
from dangvu.exchange import services, tasks
from dangvu.exchange.models import ImportBatch
from dangvu.members.models import MembershipEvent, PartyMember
from tests.exchange.files import xlsx

pytestmark = pytest.mark.both_databases

HEADER = [
    "Số CCCD",
    "Họ và tên",
    "Sự kiện",
    "Ngày hiệu lực",
    "Mã chi bộ",
    "Số quyết định",
    "Ngày quyết định",
    "Cơ quan ra quyết định",
]


def _transfer_to(code: str) -> bytes:
    row = ["058185000123", "Nguyễn Thị Hoa", "Chuyển sinh hoạt đi", dt.date(2026, 11, 1), code]
    return xlsx([HEADER, [*row, "3-QĐ/ĐU", dt.date(2026, 11, 1), "Đảng ủy xã Phước Hải"]])


def test_an_import_the_worker_runs_is_read_back_like_a_page(world):
    """binh, secretary of PH-1, imports Hoa's transfer out to TS-1, a cell of another commune —
    the same transfer the write guard rolls back on the page (test_security). Run as the worker
    runs it, outside any request: checked, queued, committed. Nothing is written, and the batch
    says why, in Vietnamese."""
    hoa = world.members["hoa"]
    events = MembershipEvent.objects.filter(member=hoa).count()
    batch = services.upload(
        user=world.binh, kind="events", filename="chuyen-di.xlsx", content=_transfer_to("TS-1")
    )
    services.batch_map(
        batch=batch, mapping={}
    )  # the headers are all recognised: the check is queued
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.CHECKED, batch.report
    assert services.batch_queue_commit(batch=batch)
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.FAILED
    assert [e["message"] for e in batch.report["errors"]] == [
        "Chưa ghi gì: tệp này sẽ thay đổi hồ sơ ngoài các tổ chức bạn phụ trách."
    ]
    assert PartyMember.objects.get(pk=hoa.pk).org == world.ph1
    assert MembershipEvent.objects.filter(member=hoa).count() == events
    # The province's officer, whose area holds both cells, imports the same file: written (the
    # guard refuses only what lands outside the user's area).
    batch = services.upload(
        user=world.an, kind="events", filename="chuyen-di.xlsx", content=_transfer_to("TS-1")
    )
    services.batch_map(batch=batch, mapping={})
    batch.refresh_from_db()
    tasks.commit_import.call(str(batch.pk))
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.COMMITTED, batch.report
    assert MembershipEvent.objects.filter(member=hoa).count() == events + 1


def test_a_batch_goes_on_only_from_the_step_it_is_at(world):
    batch = services.upload(
        user=world.an, kind="events", filename="chuyen-di.xlsx", content=_transfer_to("TS-1")
    )
    assert not services.batch_queue_commit(batch=batch)  # not checked yet
    with pytest.raises(services.RuleError):
        services.batch_map(
            batch=batch, mapping={"Số CCCD": "citizen_id", "Họ và tên": "citizen_id"}
        )
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.UPLOADED and not batch.mapping
    services.batch_failed(batch=batch, message="Tệp hỏng")
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.FAILED
    assert batch.report["errors"][0]["message"] == "Tệp hỏng"


def test_the_working_calendar_changes_are_in_the_change_log(world):
    """A day off entered by hand, then taken back: both in the change log with what the day was
    before and after, and the reason."""
    call_command("calendar", "set", "2026-12-24", "--off", "--name", "Nghỉ bù", "--reason", "CV 5")
    assert not CalendarDay.objects.get(day=dt.date(2026, 12, 24)).is_working
    call_command("calendar", "unset", "2026-12-24", "--reason", "Nhầm ngày")
    assert not CalendarDay.objects.filter(day=dt.date(2026, 12, 24)).exists()
    entries = list(
        ChangeLogEntry.objects.filter(action__startswith="calendar.")
        .select_related("changeset")
        .order_by("changeset__created_at", "pk")
    )
    assert [(e.action, e.changeset.reason) for e in entries] == [
        ("calendar.set", "CV 5"),
        ("calendar.unset", "Nhầm ngày"),
    ]
    assert entries[0].before == {"day": "2026-12-24", "is_working": True, "name": ""}
    assert entries[0].after == {"day": "2026-12-24", "is_working": False, "name": "Nghỉ bù"}
    assert entries[1].after == {"day": "2026-12-24", "is_working": True, "name": ""}
