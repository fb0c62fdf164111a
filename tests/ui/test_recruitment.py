"""New-member development in Chromium (issue 24, the bar): a person from the Union's list to the
admission decision by the cell's secretary and the commune's committee, the missing paper shown,
then the admission in form 1 and in the member list. Also axe-core on the new pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.recruitment.test_file import complete
from tests.recruitment.test_pages import HEADER, xlsx
from tests.ui.test_officer_day import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.once]


def union_list() -> bytes:
    return xlsx(
        [
            HEADER,
            [
                "Võ Thị Yến",
                "Nữ",
                "14/08/2002",
                "058302004321",
                "Chi bộ Thôn Phước Lập",
                "Đoàn viên ưu tú",
                "Đoàn Thanh niên",
                "Ban Chấp hành Đoàn xã Phước Hải",
                "12-NQ/ĐTN",
                "26/03/2025",
            ],
        ]
    )


def test_from_the_unions_list_to_the_decision_then_form_1(page, live_server, live_world, tmp_path):
    from playwright.sync_api import expect

    from dangvu.members.models import PartyMember
    from dangvu.recruitment.models import Candidate

    base, world = live_server.url, live_world
    # The secretary of PH-1 imports the Union's list from her home page.
    sign_in(page, base, "binh")
    page.get_by_role("link", name="Phát triển đảng viên").first.click()
    page.get_by_role("link", name="Nhập danh sách của Đoàn").click()
    upload = tmp_path / "doan.xlsx"
    upload.write_bytes(union_list())
    page.get_by_label("Danh sách (Excel, ODS hoặc CSV)").set_input_files(str(upload))
    page.get_by_role("button", name="Nhập dữ liệu").click()
    expect(page.get_by_text("Đã ghi 1 quần chúng ưu tú.")).to_be_visible()
    row = page.get_by_role("row", name=re.compile("Võ Thị Yến"))
    expect(row).to_contain_text("Giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng")

    # The months of work before the vote, recorded as they happened (the services the pages call),
    # all but the residential cell's opinion.
    candidate = Candidate.objects.get(person__full_name="Võ Thị Yến")
    complete(world, candidate, on=dt.date(2026, 8, 3))
    candidate.documents.filter(kind="residence_opinion").delete()

    # The file page names the paper still missing; the secretary records it, then the vote.
    page.reload()
    page.get_by_role("link", name="Võ Thị Yến").click()
    missing = page.locator("ul.missing")
    expect(missing).to_contain_text("Nhận xét của chi ủy, chi bộ nơi cư trú")
    expect(missing.locator("li")).to_have_count(1)
    page.get_by_role("link", name="Giấy tờ trong hồ sơ").click()
    page.get_by_label("Giấy tờ:").select_option("residence_opinion")
    page.get_by_label("Ngày ký").fill("05/08/2026")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Đã ghi.")).to_be_visible()
    expect(page.locator("ul.missing")).to_have_count(0)
    page.get_by_label("Ngày chi bộ họp xét").fill("10/09/2026")
    page.get_by_label("Số đảng viên chính thức tán thành").fill("2")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("2/2 đảng viên chính thức tán thành")).to_be_visible()

    # The commune's committee (an): its vote, the proposal received, the decision.
    sign_in(page, base, "an")
    page.goto(f"{base}/phat-trien-dang/ho-so/{candidate.pk}/")
    page.get_by_label("Ngày đảng ủy họp xét").fill("17/09/2026")
    page.get_by_label("Số cấp ủy viên").fill("9")
    page.get_by_label("Số tán thành").fill("8")
    page.get_by_role("button", name="Lưu").click()
    page.get_by_label("Ngày cấp ủy có thẩm quyền nhận đề nghị").fill("21/09/2026")
    page.get_by_role("button", name="Lưu").click()
    # 60 working days from Monday 21/09/2026: to 13/11 (40 days, 2/9 already past), … 14/12.
    expect(page.get_by_text(re.compile(r"chậm nhất ngày \d\d/\d\d/2026"))).to_be_visible()
    page.get_by_label("Số quyết định").fill("120-QĐ/ĐU")
    page.get_by_label("Ngày quyết định").fill("15/10/2026")
    page.get_by_label("Cơ quan ban hành").fill("Ban Thường vụ Đảng ủy xã Phước Hải")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("link", name="hồ sơ đảng viên")).to_be_visible()
    member = PartyMember.objects.get(person__full_name="Võ Thị Yến")
    assert member.status == "probationary" and member.org == world.ph1

    # In the member list and in form 1 of 2026 (the "Kết nạp" figure lists her).
    page.goto(f"{base}/dang-vien/?org=X-PH&q=vo thi yen")
    expect(page.get_by_role("link", name="Võ Thị Yến")).to_be_visible()
    page.goto(f"{base}/bao-cao/X-PH/bieu/1/?nam=2026")
    admitted = page.get_by_role("row", name=re.compile(r"^1 Kết nạp"))
    admitted.get_by_role("link").first.click()
    expect(page.get_by_role("link", name="Võ Thị Yến")).to_be_visible()


def test_the_recruitment_pages_have_no_accessibility_violation(page, live_server, live_world):
    from axe_playwright_python.sync_playwright import Axe

    from tests.recruitment.test_file import complete, enter

    candidate = enter(live_world)
    complete(live_world, candidate)
    sign_in(page, live_server.url, "an")
    axe = Axe()
    for path in (
        "/phat-trien-dang/X-PH/",
        f"/phat-trien-dang/ho-so/{candidate.pk}/",
        "/phat-trien-dang/PH-1/them/",
        "/phat-trien-dang/X-PH/nhap/",
        "/bao-cao/X-PH/phat-trien-dang/",
    ):
        page.goto(live_server.url + path)
        result = axe.run(page)
        assert result.violations_count == 0, (path, result.generate_report())
