"""Inspection in Chromium (issue 27, the bar): the commune's inspection officer walks a case from
the decision to the discipline decision through the pages; the same case's URL answers 404 to
the province's organisation board and to the secretary of the member's cell; axe-core on the new
pages."""

from __future__ import annotations

import re

import pytest

from tests.conftest import FOUNDED, make_user
from tests.ui.test_officer_day import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.once]


def test_a_case_from_decision_to_discipline_in_the_browser(page, live_server, live_world):
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect

    from dangvu.accounts.models import Role
    from dangvu.accounts.services import role_grant
    from dangvu.discipline.selectors import member_under_discipline

    base, world = live_server.url, live_world
    hoa = world.members["hoa"]
    khanh = make_user("khanh", "Võ Minh Khánh")
    role_grant(
        user=khanh,
        org=world.phuoc_hai,
        role=Role.INSPECTION_OFFICER,
        valid_from=FOUNDED,
        actor=None,
    )
    sign_in(page, base, "khanh")
    page.get_by_role("navigation", name="Trình đơn chính").get_by_role(
        "link", name="Kiểm tra"
    ).click()
    expect(
        page.get_by_role("heading", name=re.compile("Kiểm tra, giám sát — Đảng bộ xã Phước Hải"))
    ).to_be_visible()
    page.get_by_role("link", name="Mở cuộc kiểm tra, giám sát").first.click()
    page.get_by_label("Chủ thể kiểm tra").select_option(label="Ủy ban Kiểm tra")
    page.get_by_label(re.compile(r"^Loại:?$")).select_option(
        label="Kiểm tra khi có dấu hiệu vi phạm"
    )
    page.get_by_label(re.compile(r"^Đối tượng:?$")).select_option(label="Nguyễn Thị Hoa (1985)")
    page.get_by_label(re.compile(r"^Nội dung:?$")).select_option(label="Đạo đức, lối sống")
    page.get_by_label("Nội dung kiểm tra, giám sát").fill("Dấu hiệu vi phạm về đạo đức, lối sống")
    page.get_by_label("Số quyết định").fill("12-QĐ/UBKT")
    page.get_by_label("Ngày quyết định").fill("02/03/2026")
    page.get_by_label("Cơ quan ban hành").fill("Ủy ban Kiểm tra Đảng ủy xã Phước Hải")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".messages")).to_contain_text("Đã mở cuộc kiểm tra, giám sát")
    case_url = page.url
    for step, day in (
        ("Triển khai quyết định với đối tượng", "04/03/2026"),
        ("Báo cáo tự kiểm tra hoặc giải trình của đối tượng", "09/03/2026"),
        ("Xác minh", "12/03/2026"),
        ("Làm việc với đối tượng", "16/03/2026"),
    ):
        form = page.locator("form", has=page.get_by_role("button", name="Ghi bước"))
        form.get_by_label(re.compile(r"^Bước:?$")).select_option(label=step)
        form.get_by_label(re.compile(r"^Ngày:?$")).fill(day)
        form.get_by_role("button", name="Ghi bước").click()
        expect(page.locator(".messages")).to_contain_text("Đã ghi bước")
    conclude = page.locator("form", has=page.get_by_role("button", name="Ghi kết luận"))
    conclude.get_by_label(re.compile(r"^Kết luận:?$")).select_option(
        label="Có vi phạm, phải thi hành kỷ luật"
    )
    conclude.get_by_label("Nội dung kết luận").fill("Vi phạm những điều đảng viên không được làm")
    conclude.get_by_label("Hình thức kỷ luật đề nghị").select_option(label="Cảnh cáo")
    conclude.get_by_label("Ngày kết luận").fill("20/03/2026")
    conclude.get_by_role("button", name="Ghi kết luận").click()
    expect(page.locator(".messages")).to_contain_text("Đã ghi kết luận")
    discipline = page.locator("form", has=page.get_by_role("button", name="Ghi quyết định kỷ luật"))
    discipline.get_by_label(re.compile(r"^Hình thức kỷ luật:?$")).select_option(label="Cảnh cáo")
    discipline.get_by_label("Số quyết định").fill("05-QĐ/ĐU")
    discipline.get_by_label(re.compile(r"^Ngày quyết định:?$")).fill("01/04/2026")
    discipline.get_by_label("Cơ quan ban hành").fill("Đảng ủy xã Phước Hải")
    discipline.get_by_label("Ngày công bố").fill("02/04/2026")
    discipline.get_by_label("Cấp quyết định").fill("Đảng ủy xã Phước Hải")
    discipline.get_by_role("button", name="Ghi quyết định kỷ luật").click()
    expect(page.locator(".messages")).to_contain_text("Đã ghi nhận quyết định kỷ luật")
    expect(page.locator("dl.facts")).to_contain_text("Cảnh cáo, 02/04/2026")
    import datetime as dt

    assert member_under_discipline(hoa.pk, dt.date(2026, 4, 2))
    axe = Axe()
    for path in (case_url, f"{base}/kiem-tra/X-PH/", f"{base}/kiem-tra/X-PH/thong-ke/?ky=2026"):
        page.goto(path)
        result = axe.run(page)
        assert result.violations_count == 0, (path, result.generate_report())
    for username in ("an", "binh"):  # the province's organisation board; the cell's secretary
        sign_in(page, base, username)
        response = page.goto(case_url)
        assert response is not None and response.status == 404, username
        expect(page.get_by_text("Nguyễn Thị Hoa")).to_have_count(0)
