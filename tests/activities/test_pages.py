"""The pages of cell life, study and dues as their users reach them: the secretary's month and the
meeting form on one screen, the committee's coverage and dues with their XLSX files (opened), the
member's own page, the study pages; what others may not see."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from dangvu.activities import dues, services
from dangvu.activities.models import Meeting, StudyAttendance
from dangvu.rules import dues as dues_rules
from tests.conftest import admit, sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def post_meeting(client, world, day, **changes):
    members = [world.members["hoa"], world.members["an"]]
    form = {
        "kind": "regular",
        "held_on": day.strftime("%d/%m/%Y"),
        "starts": "19:30",
        "ends": "21:00",
        "chair": members[0].pk,
        "minute_taker": members[1].pk,
        "minutes": "Chi bộ đánh giá kết quả tháng.",
        "resolution": "Nghị quyết tháng",
        "in_favour": "2",
        "preparation": "on",
        "conduct": "on",
        "principles": "on",
        "results": "on",
        **{f"st_{m.pk}": "present" for m in members},
        **changes,
    }
    return client.post(f"/sinh-hoat/{world.ph1.code}/hop-moi/", form)


def test_the_secretary_records_the_month_and_sees_it(client, world):
    sign_in(client, world.binh)
    page = client.get(f"/sinh-hoat/{world.ph1.code}/")
    assert page.status_code == 200
    assert (
        "Chưa ghi cuộc sinh hoạt nào trong tháng này" in page.content.decode()
        or page.context["meetings"] == []
    )
    form = client.get(f"/sinh-hoat/{world.ph1.code}/hop-moi/")
    html = form.content.decode()
    assert "Nguyễn Thị Hoa" in html and "Nguyễn Văn An" in html
    day = dt.date(2026, 11, 3)
    done = post_meeting(client, world, day)
    assert done.status_code == 302, done.content.decode()[:2000]
    meeting = Meeting.objects.get()
    page = client.get(done["Location"]).content.decode()
    assert "03/11/2026" in page and "2/2" in page and "2026-11-03" not in page
    month = client.get(f"/sinh-hoat/{world.ph1.code}/?thang=11/2026").content.decode()
    assert f"/sinh-hoat/hop/{meeting.pk}/" in month


def test_a_refused_meeting_names_the_field_in_vietnamese(client, world):
    sign_in(client, world.binh)
    page = post_meeting(client, world, dt.date(2026, 11, 3), ends="20:30")
    assert page.status_code == 200
    assert "60 phút" in page.content.decode()
    assert not Meeting.objects.exists()
    absent = post_meeting(
        client, world, dt.date(2026, 11, 3), **{f"st_{world.members['an'].pk}": "excused"}
    )
    assert "lý do" in absent.content.decode()


def test_others_do_not_see_the_cell(client, world):
    sign_in(client, world.cuong)  # Tân Sơn's officer
    assert client.get(f"/sinh-hoat/{world.ph1.code}/").status_code == 404
    assert client.get(f"/sinh-hoat/{world.ph1.code}/hop-moi/").status_code == 404
    sign_in(client, world.dung)  # viewer of the province: sees, may not write, no dues book
    assert client.get(f"/sinh-hoat/{world.ph1.code}/").status_code == 200
    assert client.get(f"/sinh-hoat/{world.ph1.code}/hop-moi/").status_code in (403, 404)
    assert client.get(f"/sinh-hoat/{world.ph1.code}/dang-phi/").status_code == 404


def test_the_committee_coverage_and_its_file(client, world):
    sign_in(client, world.binh)
    post_meeting(client, world, dt.date(2026, 10, 3))
    sign_in(client, world.an)
    page = client.get(f"/sinh-hoat/{world.phuoc_hai.code}/?ky=2026-Q4")
    html = page.content.decode()
    assert "Chi bộ Thôn Phước Lập" in html and "Chi bộ Thôn Hữu Đức" in html
    assert page.context["coverage"].held == 1
    file = client.get(f"/bao-cao/{world.phuoc_hai.code}/sinh-hoat.xlsx?ky=2026-Q4")
    book = openpyxl.load_workbook(io.BytesIO(file.content))
    text = [str(c) for row in book.active.iter_rows(values_only=True) for c in row if c]
    assert "TÌNH HÌNH SINH HOẠT CHI BỘ" in text and "Chi bộ Thôn Phước Lập" in text
    assert not any("2026-" in t for t in text)


def test_dues_pages_book_payment_receipt_and_summary(client, world):
    hoa = world.members["hoa"]
    dues.basis_record(
        member=hoa,
        since=dt.date(2026, 1, 1),
        category=dues_rules.INSURED,
        amount=8_450_000,
        actor=world.an,
    )
    sign_in(client, world.binh)
    assert client.post(f"/sinh-hoat/{world.ph1.code}/dang-phi/?thang=03/2026").status_code == 302
    book = client.get(f"/sinh-hoat/{world.ph1.code}/dang-phi/?thang=03/2026").content.decode()
    assert "84.500" in book
    paid = client.post(
        f"/sinh-hoat/dang-vien/{hoa.pk}/nop/?thang=03/2026",
        {"paid_on": "05/03/2026", "first": "03/2026", "amount": "84500", "channel": "cash"},
    )
    assert paid.status_code == 302
    receipt = client.get(paid["Location"]).content.decode()
    assert "1/2026" in receipt and "84.500" in receipt
    file = client.get(f"/bao-cao/{world.ph1.code}/so-dang-phi.xlsx?thang=03/2026")
    rows = list(openpyxl.load_workbook(io.BytesIO(file.content)).active.iter_rows(values_only=True))
    assert any(r and "Nguyễn Thị Hoa" in r and 84500 in r for r in rows)
    sign_in(client, world.an)
    summary = client.get(f"/sinh-hoat/{world.province.code}/dang-phi/?thang=03/2026")
    assert summary.context["summary"]["totals"]["paid"] == 84_500
    # The salary is sensitive: the member's dues page shows it only with the permission.
    sign_in(client, world.binh)
    own = client.get(f"/sinh-hoat/dang-vien/{hoa.pk}/dang-phi/").content.decode()
    assert "8.450.000" not in own


def test_the_members_own_page(client, world):
    hoa = world.members["hoa"]
    world.binh.member = hoa
    world.binh.save()
    sign_in(client, world.binh)
    assert post_meeting(client, world, dt.date(2026, 11, 3)).status_code == 302
    page = client.get("/sinh-hoat/cua-toi/").content.decode()
    assert "03/11/2026" in page and "Có mặt" in page


def test_study_document_session_and_figures(client, world):
    document = services.document_register(
        org=world.province,
        kind="resolution",
        number="NQ ĐH XIV",
        title="Nghị quyết Đại hội XIV",
        issuer="Đại hội XIV",
        level="central",
        issued_on=dt.date(2026, 1, 23),
        deadlines={"commune": dt.date(2026, 4, 30)},
        actor=world.an,
    )
    extra = admit(world.ph2, "Phan Văn Em")
    sign_in(client, world.an)
    page = client.post(
        f"/sinh-hoat/tai-lieu/{document.pk}/{world.phuoc_hai.code}/hoc-moi/",
        {
            "held_on": "10/03/2026",
            "level": "commune",
            "mode": "in_person",
            "cadres": "5",
            "union": "0",
            "others": "0",
            f"st_{extra.pk}": "excused",
        },
    )
    assert page.status_code == 302
    assert StudyAttendance.objects.count() == 4
    html = client.get(page["Location"]).content.decode()
    # Hoa, An, Thành present, Em excused: 3 of 4 members, 75 %; 5 non-members: 8 participants.
    assert "3/4" in html and "75" in html and "30/04/2026" in html
    essay = client.post(
        page["Location"],
        {"member": world.members["hoa"].pk, "submitted_on": "20/03/2026", "grade": "good"},
    )
    assert essay.status_code == 302
    early = client.post(
        page["Location"],
        {"member": world.members["an"].pk, "submitted_on": "20/01/2026", "grade": "good"},
    )
    assert early.status_code == 200 and "Bài thu hoạch phải sau" in early.content.decode()
    from dangvu.activities import selectors

    assert selectors.study_figures(document, world.phuoc_hai)["essays"] == 1


def test_study_page_topic_commitment_and_reporters_within_the_quota(client, world):
    from dangvu.activities.models import Commitment, HcmTopic, Reporter
    from dangvu.rules import activities as rules

    sign_in(client, world.an)
    url = f"/sinh-hoat/{world.province.code}/hoc-tap/"
    assert client.post(url, {"form": "topic", "topic-title": "Tự lực, tự cường"}).status_code == 302
    assert HcmTopic.objects.get().year == dt.date.today().year
    hoa = world.members["hoa"]
    answer = client.post(
        url,
        {
            "form": "commitment",
            "commitment-member": hoa.pk,
            "commitment-text": "Gương mẫu",
            "commitment-registered_on": "02/11/2026",
        },
    )
    assert answer.status_code == 302 and Commitment.objects.get().member == hoa
    # HD 40: a province recognises at most 50 reporters of its own level.
    given = ["An", "Bình", "Cúc", "Dũng", "Em", "Giang", "Hà", "Khoa", "Lan", "Minh"]
    members = [
        admit(world.ph1, f"Trần {given[i // 10]} {given[i % 10]}")
        for i in range(rules.PROVINCE_REPORTERS)
    ]
    for i, m in enumerate(members):
        services.reporter_recognise(
            org=world.province,
            member=m,
            level="province",
            card_number=f"{i}",
            recognised_on=dt.date(2026, 1, 5),
            province="Thử Nghiệm",
            actor=world.an,
        )
    refused = client.post(
        url,
        {
            "form": "reporter",
            "reporter-member": hoa.pk,
            "reporter-level": "province",
            "reporter-card_number": "99",
            "reporter-recognised_on": "02/11/2026",
        },
    )
    assert refused.status_code == 200 and Reporter.objects.count() == rules.PROVINCE_REPORTERS
    assert "50" in refused.content.decode()


def test_odd_periods_and_months_answer_without_an_error(client, world):
    sign_in(client, world.an)
    for url in (
        f"/sinh-hoat/{world.ph1.code}/?thang=12/9999",
        f"/sinh-hoat/{world.phuoc_hai.code}/?ky=9999",
        f"/sinh-hoat/{world.phuoc_hai.code}/?ky=2026-Q5",
        f"/sinh-hoat/{world.phuoc_hai.code}/dang-phi/?thang=12/9999",
        f"/bao-cao/{world.phuoc_hai.code}/sinh-hoat.xlsx?ky=9999",
    ):
        assert client.get(url).status_code == 200, url
    page = client.get(f"/sinh-hoat/{world.phuoc_hai.code}/?ky=2026-Q5").content.decode()
    assert "Không hiểu kỳ 2026-Q5" in page
    month = client.get(f"/sinh-hoat/{world.phuoc_hai.code}/?ky=11/2026")
    assert month.context["coverage"].first == dt.date(2026, 11, 1)
