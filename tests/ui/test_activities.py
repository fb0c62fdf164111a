"""Cell life in Chromium (issue 26, the bar): the secretary records this month's meeting — the
roll on one screen, one member absent with a reason, the minutes and a resolution — in well under
three minutes of clicks, and the ward's officer sees it in the coverage of its cells; the member's
own page read on a 390-pixel phone; axe-core on the new pages."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest

from tests.ui.test_officer_day import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.once]


def test_the_secretary_records_the_months_meeting_and_the_committee_sees_it(
    page, live_server, live_world
):
    from playwright.sync_api import expect

    base, world = live_server.url, live_world
    hoa, an = world.members["hoa"], world.members["an"]
    today = dt.date.today()
    sign_in(page, base, "binh")  # the secretary of Phước Lập
    started, clicks = time.monotonic(), 0
    page.get_by_role("navigation", name="Trình đơn chính").get_by_role(
        "link", name="Sinh hoạt chi bộ"
    ).click()
    clicks += 1
    expect(
        page.get_by_role("heading", name=f"Sinh hoạt chi bộ tháng {today:%m/%Y}")
    ).to_be_visible()
    page.get_by_role("link", name="Ghi cuộc sinh hoạt").click()
    clicks += 1
    page.get_by_label("Ngày sinh hoạt").fill(today.strftime("%d/%m/%Y"))
    page.get_by_label("Bắt đầu lúc").fill("19:30")
    page.get_by_label("Kết thúc lúc").fill("21:15")
    page.get_by_label("Chủ trì").select_option(label=hoa.person.full_name)
    page.get_by_label("Thư ký").select_option(label=hoa.person.full_name)
    page.get_by_label(f"Dự họp: {an.person.full_name}").select_option(label="Vắng có lý do")
    page.get_by_label(f"Lý do: {an.person.full_name}").fill("Đi công tác")
    page.get_by_label("Biên bản").fill(
        "Chi bộ đánh giá kết quả tháng, thống nhất nhiệm vụ tháng tới."
    )
    page.get_by_label("Nghị quyết biểu quyết").fill("Nghị quyết chi bộ tháng")
    page.get_by_label(re.compile(r"^Tán thành:?$")).fill("1")
    page.get_by_label("Chuẩn bị đúng hướng dẫn").check()
    page.get_by_role("button", name="Lưu").click()
    clicks += 1
    expect(page.locator(".messages")).to_contain_text("Đã ghi cuộc sinh hoạt")
    expect(page.get_by_text("1/2 (50 %)")).to_be_visible()
    elapsed = time.monotonic() - started
    assert clicks <= 4 and elapsed < 180, (clicks, elapsed)

    sign_in(page, base, "an")  # the province's officer
    page.goto(f"{base}/to-chuc/X-PH/")
    page.get_by_role("link", name="Sinh hoạt chi bộ").first.click()
    page.get_by_label("Giai đoạn").fill(today.strftime("%Y-%m"))
    page.get_by_role("button", name="Xem").click()
    row = page.get_by_role("row", name="Chi bộ Thôn Phước Lập")
    expect(row).to_contain_text("1/1")
    expect(page.get_by_role("row", name="Chi bộ Thôn Hữu Đức")).to_contain_text("0/1")


def test_the_members_own_page_on_a_phone_and_axe(page, live_server, live_world):
    from axe_playwright_python.sync_playwright import Axe

    from dangvu.activities import services
    from dangvu.rules import activities as rules

    world = live_world
    hoa, an = world.members["hoa"], world.members["an"]
    services.meeting_record(
        org=world.ph1,
        data=services.MeetingInput(
            kind=rules.REGULAR,
            held_on=dt.date(2026, 11, 3),
            starts=dt.time(19, 30),
            ends=dt.time(21, 0),
            chair=hoa.pk,
            minute_taker=hoa.pk,
            roll={hoa.pk: (rules.PRESENT, ""), an.pk: (rules.EXCUSED, "Ốm")},
        ),
        actor=None,
    )
    world.binh.member = hoa
    world.binh.save()
    sign_in(page, live_server.url, "binh")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/sinh-hoat/cua-toi/")
    assert page.get_by_text("03/11/2026").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})
    axe = Axe()
    for path in (
        "/sinh-hoat/cua-toi/",
        f"/sinh-hoat/{world.ph1.code}/",
        f"/sinh-hoat/{world.ph1.code}/hop-moi/",
        f"/sinh-hoat/{world.ph1.code}/dang-phi/",
        f"/sinh-hoat/{world.phuoc_hai.code}/",
        f"/sinh-hoat/dang-vien/{hoa.pk}/dang-phi/",
    ):
        page.goto(live_server.url + path)
        result = axe.run(page)
        assert result.violations_count == 0, (path, result.generate_report())
