"""The recruitment pages and the Union's list imported, as a cell secretary and a commune officer
use them (issue 24, point 8)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import xlsxwriter
from django.urls import reverse

from dangvu.recruitment.models import Candidate
from tests.conftest import sign_in
from tests.recruitment.test_file import complete, enter

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def xlsx(rows: list[list[object]]) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    book.close()
    return out.getvalue()


HEADER = [
    "Họ và tên",
    "Giới tính",
    "Ngày sinh",
    "Số CCCD",
    "Chi bộ",
    "Đối tượng",
    "Nguồn",
    "Tổ chức giới thiệu",
    "Số nghị quyết",
    "Ngày nghị quyết",
]


def test_the_secretary_sees_what_each_file_lacks_and_its_next_step(client, world):
    candidate = enter(world)
    sign_in(client, world.binh)
    page = client.get(reverse("recruitment:org", args=["PH-1"])).content.decode()
    assert "Trần Thị Lan" in page and "Công nhận đối tượng" in page
    assert "Giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng" in page
    file_page = client.get(reverse("recruitment:file", args=[candidate.pk])).content.decode()
    assert "Hồ sơ còn thiếu" in file_page or "The file lacks" in file_page
    # A step from the page: the recognition, with its helper chosen from the cell's members.
    hoa = world.members["hoa"]
    done = client.post(
        reverse("recruitment:file", args=[candidate.pk]),
        {
            "action": "recognise",
            "recognised_on": "10/04/2025",
            "recognised_by": "Đảng ủy xã Phước Hải",
            "helper": hoa.pk,
        },
    )
    assert done.status_code == 302
    candidate.refresh_from_db()
    assert candidate.recognised_on == dt.date(2025, 4, 10) and candidate.helper == hoa
    # A refused step names its field, and writes nothing.
    refused = client.post(
        reverse("recruitment:file", args=[candidate.pk]),
        {"action": "cell_vote", "cell_vote_on": "20/03/2026", "cell_in_favour": "2"},
    )
    assert refused.status_code == 200
    assert "Hồ sơ chưa đủ" in refused.content.decode()
    assert Candidate.objects.get(pk=candidate.pk).cell_vote_on is None


def test_a_file_outside_the_scope_is_not_found_nor_named(client, world):
    candidate = enter(world)
    sign_in(client, world.cuong)  # Tân Sơn's officer
    assert client.get(reverse("recruitment:file", args=[candidate.pk])).status_code == 404
    page = client.get(reverse("recruitment:org", args=["TS-1"])).content.decode()
    assert "Trần Thị Lan" not in page
    assert client.get(reverse("recruitment:org", args=["PH-1"])).status_code == 404
    forged = client.post(
        reverse("recruitment:file", args=[candidate.pk]),
        {"action": "close", "status": "withdrawn", "status_on": "01/05/2025", "status_reason": "x"},
    )
    assert forged.status_code == 404
    assert Candidate.objects.get(pk=candidate.pk).status == Candidate.Status.OPEN


def test_the_whole_file_through_the_pages_to_the_member_list(client, world):
    candidate = enter(world)
    complete(world, candidate)
    sign_in(client, world.an)
    url = reverse("recruitment:file", args=[candidate.pk])
    for data in (
        {"action": "cell_vote", "cell_vote_on": "20/03/2026", "cell_in_favour": "2"},
        {
            "action": "committee_vote",
            "committee_vote_on": "27/03/2026",
            "committee_voters": "9",
            "committee_in_favour": "7",
        },
        {"action": "sent_up", "sent_up_on": "01/04/2026"},
        {
            "action": "decide",
            "decision_number": "88-QĐ/ĐU",
            "decision_date": "15/05/2026",
            "decision_issuer": "Đảng ủy xã Phước Hải",
        },
    ):
        response = client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:3000]
    candidate.refresh_from_db()
    assert candidate.status == Candidate.Status.ADMITTED
    members = client.get(reverse("members:list"), {"org": "PH-1"}).content.decode()
    assert "Trần Thị Lan" in members


def test_the_unions_list_is_entered_whole_or_not_at_all(client, world):
    sign_in(client, world.an)
    url = reverse("exchange:union_list", args=["X-PH"])
    bad = xlsx(
        [
            HEADER,
            [
                "Lê Văn Tú",
                "Nam",
                "02/03/2002",
                "",
                "Chi bộ Thôn Phước Lập",
                "Đoàn viên ưu tú",
                "Đoàn Thanh niên",
                "Ban Chấp hành Đoàn xã",
                "5-NQ/ĐTN",
                "26/03/2025",
            ],
            [
                "Phạm Thị Ngọc",
                "Nữ",
                "31/02/2001",
                "",
                "Chi bộ Thôn Hữu Đức",
                "Đoàn viên ưu tú",
                "Đoàn Thanh niên",
                "Ban Chấp hành Đoàn xã",
                "5-NQ/ĐTN",
                "26/03/2025",
            ],
            [
                "Nguyễn Thị Hoa",
                "Nữ",
                "01/02/1985",
                "058185000123",
                "Chi bộ Thôn Phước Lập",
                "Quần chúng ưu tú",
                "Khu dân cư",
                "Ban Công tác Mặt trận thôn",
                "",
                "26/03/2025",
            ],
            [
                "Đặng Văn Hùng",
                "Nam",
                "12/12/1999",
                "",
                "Chi bộ Không Có",
                "Quần chúng ưu tú",
                "Khu dân cư",
                "Ban Công tác Mặt trận thôn",
                "",
                "26/03/2025",
            ],
        ]
    )
    bad_file = io.BytesIO(bad)
    bad_file.name = "doan.xlsx"
    response = client.post(url, {"file": bad_file})
    text = response.content.decode()
    # Every problem at once, by row and column; nobody entered.
    assert "Dòng 3" in text and "Ngày sinh" in text
    assert "Dòng 5" in text and "Chi bộ Không Có" in text
    # …and in the same answer the row the service refuses (Hoa is a member), not a second round.
    assert "Dòng 4" in text and "đã là đảng viên" in text
    assert not Candidate.objects.exists()
    good = xlsx(
        [
            HEADER,
            [
                "Lê Văn Tú",
                "Nam",
                "02/03/2002",
                "",
                "chi bo thon phuoc lap",
                "Đoàn viên ưu tú",
                "Đoàn Thanh niên",
                "Ban Chấp hành Đoàn xã",
                "5-NQ/ĐTN",
                "26/03/2025",
            ],
            [
                "Phạm Thị Ngọc",
                "Nữ",
                "28/02/2001",
                "",
                "Chi bộ Thôn Hữu Đức",
                "Đoàn viên ưu tú",
                "Đoàn Thanh niên",
                "Ban Chấp hành Đoàn xã",
                "5-NQ/ĐTN",
                "26/03/2025",
            ],
        ]
    )
    file = io.BytesIO(good)
    file.name = "doan.xlsx"
    response = client.post(url, {"file": file})
    assert response.status_code == 302
    assert sorted(Candidate.objects.values_list("cell__code", flat=True)) == ["PH-1", "PH-2"]
    # The same list again (no citizen IDs): the same names and birth dates in the same cells are
    # the files already open, and nobody is entered twice.
    again = io.BytesIO(good)
    again.name = "doan.xlsx"
    text = client.post(url, {"file": again}).content.decode()
    assert "đã có hồ sơ đang xem xét tại chi bộ này" in text or "already has a file" in text
    assert Candidate.objects.count() == 2


def test_the_progress_page_and_the_command(client, world):
    import json

    from django.core.management import call_command

    sign_in(client, world.an)
    page = client.get(reverse("reports:recruitment", args=["X-PH"]), {"ky": "2024"})
    assert page.status_code == 200
    # Thành was admitted to PH-2 on 03/06/2024: one decision in the commune's 2024.
    assert "Chi bộ Thôn Hữu Đức" in page.content.decode()
    out = io.StringIO()
    call_command(
        "recruitment",
        "progress",
        "--org",
        "X-PH",
        "--period",
        "2024-H1",
        "--format",
        "json",
        stdout=out,
    )
    found = json.loads(out.getvalue())
    assert found["total"]["admitted"] == 1 and found["funnel"]["decisions"] == 1
    assert found["subordinates"][0]["code"] == "PH-2"  # ranked first


def test_the_decision_awaited_and_the_member_form_are_in_the_work_lists(client, world):
    from dangvu.members.worklists import work_list
    from dangvu.recruitment import services as rs
    from tests.conftest import decision

    candidate = enter(world)
    complete(world, candidate)
    rs.cell_vote(candidate=candidate, on=dt.date(2026, 3, 20), in_favour=2, actor=world.binh)
    rs.committee_vote(
        candidate=candidate, on=dt.date(2026, 3, 27), voters=9, in_favour=7, actor=world.an
    )
    rs.proposal_received(candidate=candidate, on=dt.date(2026, 4, 1), actor=world.an)
    # Due 29/06/2026 (test_file: 60 working days from 01/04/2026); on 01/07/2026 it is overdue,
    # in the lists of the cell, the commune and the province.
    for org in (world.ph1, world.phuoc_hai, world.province):
        [item] = work_list(world.an, org, on=dt.date(2026, 7, 1))["decision_awaited"]
        assert (item.name, item.due, item.overdue) == ("Trần Thị Lan", dt.date(2026, 6, 29), True)
    assert work_list(world.cuong, world.tan_son, on=dt.date(2026, 7, 1))["decision_awaited"] == []
    sign_in(client, world.binh)
    page = client.get(reverse("members:worklist"), {"org": "PH-1"}).content.decode()
    assert "Quyết định kết nạp đang chờ" in page and "Trần Thị Lan" in page
    member = rs.candidate_admit(
        candidate=candidate,
        decision=decision(dt.date(2026, 5, 15), "88-QĐ/ĐU", "Đảng ủy xã Phước Hải"),
        actor=world.an,
    )
    from dangvu.members.events import event_record

    event_record(member=member, kind="ceremony", on=dt.date(2026, 6, 1), actor=world.binh)
    # The member form: 30 working days after the ceremony of Monday 01/06/2026 is 13/07/2026.
    [form] = work_list(world.binh, world.ph1, on=dt.date(2026, 7, 1))["member_form"]
    assert (form.name, form.due, form.overdue) == ("Trần Thị Lan", dt.date(2026, 7, 13), False)


def test_the_annual_review_tells_the_years_candidates(world):
    # Issue 24, point 7: the pipeline feeds the review (section II), from the stored figures.
    import docx

    from dangvu.reports import services as reports
    from dangvu.reports.models import ReportRun

    candidate = enter(world)  # introduced 26/03/2025
    complete(world, candidate, on=dt.date(2025, 5, 1))  # recognised, certified in 2025
    run = reports.run_create(
        kind=ReportRun.Kind.ANNUAL,
        org=world.phuoc_hai,
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 12, 31),
        actor=world.an,
    )
    assert run.figures["pipeline"]["introduced"] == 1
    content, _name, _type = reports.document_of(run)
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(content)).paragraphs)
    assert "Các đoàn thể giới thiệu 1 quần chúng ưu tú; cấp ủy công nhận 1 đối tượng" in text
    earlier = reports.run_create(
        kind=ReportRun.Kind.ANNUAL,
        org=world.phuoc_hai,
        start=dt.date(2024, 1, 1),
        end=dt.date(2024, 12, 31),
        actor=world.an,
    )
    content, _name, _type = reports.document_of(earlier)
    assert "quần chúng ưu tú" not in "\n".join(
        p.text for p in docx.Document(io.BytesIO(content)).paragraphs
    )


def test_a_long_work_list_shows_its_first_rows_and_all_on_asking(client, world, monkeypatch):
    from dangvu.members import event_views

    monkeypatch.setattr(event_views, "WORK_LIST_SHOWN", 0)  # as if a province's hundreds
    sign_in(client, world.an)
    url = reverse("members:worklist")
    page = client.get(url, {"org": "X-PH"}).content.decode()
    assert "Đàng Văn Thành" not in page and "Xem tất cả 1" in page  # his recognition is due
    whole = client.get(url, {"org": "X-PH", "tat-ca": "recognition"}).content.decode()
    assert "Đàng Văn Thành" in whole


def test_the_kept_work_list_follows_every_write(world):
    # The work list is kept per user, organisation, day and state of the records: opened again
    # it is read back; a decision recorded changes it at once (the cache on, as in service).
    from django.core.cache import cache
    from django.test.utils import override_settings

    from dangvu.members.worklists import work_list
    from dangvu.recruitment import services as rs

    candidate = enter(world)
    complete(world, candidate)
    rs.cell_vote(candidate=candidate, on=dt.date(2026, 3, 20), in_favour=2, actor=world.binh)
    rs.committee_vote(
        candidate=candidate, on=dt.date(2026, 3, 27), voters=9, in_favour=7, actor=world.an
    )
    rs.proposal_received(candidate=candidate, on=dt.date(2026, 4, 1), actor=world.an)
    day = dt.date(2026, 7, 1)
    with override_settings(DANGVU_FIGURE_CACHE=True):
        cache.clear()
        assert len(work_list(world.an, world.phuoc_hai, on=day)["decision_awaited"]) == 1
        assert len(work_list(world.an, world.phuoc_hai, on=day)["decision_awaited"]) == 1
        from tests.conftest import decision

        rs.candidate_admit(
            candidate=candidate,
            decision=decision(dt.date(2026, 5, 15), "88-QĐ/ĐU", "Đảng ủy xã Phước Hải"),
            actor=world.an,
        )
        assert work_list(world.an, world.phuoc_hai, on=day)["decision_awaited"] == []
        # Another user's view is their own: Tân Sơn's officer sees nothing of Phước Hải.
        assert work_list(world.cuong, world.tan_son, on=day)["decision_awaited"] == []
