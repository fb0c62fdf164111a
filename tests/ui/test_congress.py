"""Congresses in Chromium (issue 25, the bar): the province's officer records Phước Hải's
congress, lists the candidates, enters the ballots, reads the result and the minutes; then the
committee on its page and the board. Also axe-core on the new pages."""

from __future__ import annotations

import re

import pytest

from tests.congress.test_election import party
from tests.ui.test_officer_day import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.once]


def test_a_congress_its_ballots_its_result_and_its_minutes(page, live_server, live_world, tmp_path):
    from docx import Document
    from playwright.sync_api import expect

    base, world = live_server.url, live_world
    people = party(world)
    sign_in(page, base, "an")
    page.goto(f"{base}/to-chuc/X-PH/")
    page.get_by_role("link", name="Đại hội và cấp ủy").click()
    page.get_by_role("link", name="Ghi đại hội").click()
    page.get_by_label("Nhiệm kỳ từ năm").fill("2025")
    page.get_by_label("Đến năm").fill("2030")
    page.get_by_label("Đại hội lần thứ").fill("3")
    page.get_by_label("Hình thức đại hội").select_option(label="Đại hội đảng viên")
    page.get_by_label("Ngày khai mạc").fill("20/05/2025")
    page.get_by_label("Ngày bế mạc").fill("20/05/2025")
    page.get_by_label("Số đảng viên chính thức (đại biểu) được triệu tập").fill("11")
    page.get_by_label("Số có mặt").fill("10")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".messages")).to_contain_text("Đã ghi đại hội")
    expect(page.get_by_role("heading", name="Nhiệm kỳ 2025–2030")).to_be_visible()

    # The resolution attached as a file (a real upload: the form must be multipart).
    page.get_by_role("link", name="Đính kèm văn kiện").click()
    page.get_by_label("Văn kiện").select_option(label="Nghị quyết đại hội")
    page.get_by_label("Ngày văn bản").fill("20/05/2025")
    page.get_by_label("Tên văn bản").fill("Nghị quyết Đại hội Đảng bộ xã Phước Hải lần thứ III")
    resolution = tmp_path / "nghi-quyet.pdf"
    resolution.write_bytes(b"%PDF-1.4\n% nghi quyet dai hoi\n")
    page.get_by_label("Tệp (PDF hoặc DOCX)").set_input_files(str(resolution))
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".messages")).to_contain_text("Đã đính kèm văn kiện")
    with page.expect_download() as attached:
        page.get_by_role("link", name="Nghị quyết Đại hội Đảng bộ xã Phước Hải lần thứ III").click()
    assert attached.value.path().read_bytes().startswith(b"%PDF-1.4")

    page.get_by_role("link", name="Lập danh sách bầu cử").click()
    page.get_by_label(re.compile(r"^Bầu:?$")).select_option(label="Ban Chấp hành")
    page.get_by_label("Số lượng cần bầu").fill("5")
    names = [world.members["hoa"].person.full_name] + [p.person.full_name for p in people[:5]]
    page.get_by_label("Danh sách do cấp ủy triệu tập giới thiệu").select_option(
        label=[
            f"{n} ({y})"
            for n, y in zip(
                names, [1985] + [p.person.birth_date.year for p in people[:5]], strict=True
            )
        ]
    )
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("heading", name=re.compile("Bầu cử: Ban Chấp hành"))).to_be_visible()
    expect(page.get_by_text("ít nhất 6 phiếu")).to_be_visible()

    # The counting committee's tally: 10 ballots, none invalid; Hoa 5 (not more than half of 11).
    page.get_by_label("Số phiếu phát ra").fill("10")
    page.get_by_label("Số phiếu thu vào").fill("10")
    page.get_by_label("Số phiếu không hợp lệ").fill("0")
    for name, votes in zip(names, [5, 10, 9, 8, 7, 6], strict=True):
        page.get_by_label(f"Số phiếu bầu cho {name}").fill(str(votes))
    page.get_by_role("button", name="Kiểm phiếu").click()
    expect(page.locator(".messages")).to_contain_text("chờ chuẩn y")
    hoa = page.get_by_role("row", name=re.compile(names[0]))
    expect(hoa).to_contain_text("không trúng cử")
    for name in names[1:]:
        row = page.get_by_role("row", name=re.compile(name))
        expect(row.get_by_role("cell").last).to_have_text("trúng cử")
    with page.expect_download() as download:
        page.get_by_role("link", name="Biên bản kiểm phiếu (DOCX)").click()
    minutes = Document(str(download.value.path()))
    text = "\n".join(p.text for p in minutes.paragraphs)
    assert "BIÊN BẢN KIỂM PHIẾU" in text and "ít nhất 6 phiếu" in text
    cells = [c.text for t in minutes.tables for r in t.rows for c in r.cells]
    assert names[1] in cells and "Không trúng cử" in cells

    # The approval seats the five; the committee page names them.
    page.get_by_label("Số quyết định").fill("120-QĐ/HU")
    page.get_by_label("Ngày quyết định").fill("05/06/2025")
    page.get_by_label("Cơ quan ban hành").fill("Ban Thường vụ Huyện ủy An Phước")
    page.get_by_role("button", name="Ghi chuẩn y").click()
    expect(page.locator(".messages")).to_contain_text("Đã ghi chuẩn y")
    page.goto(f"{base}/dai-hoi/X-PH/?ngay=01/07/2025")
    for name in names[1:]:
        expect(page.get_by_role("link", name=name)).to_be_visible()
    page.goto(f"{base}/bao-cao/TU-T/dai-hoi/?vong=2025")
    expect(page.get_by_role("row", name=re.compile("Đảng bộ xã Phước Hải"))).to_contain_text(
        "đúng hạn"
    )


def test_the_congress_pages_have_no_accessibility_violation(page, live_server, live_world):
    from axe_playwright_python.sync_playwright import Axe

    from tests.congress.test_election import listed

    people = party(live_world)
    election = listed(live_world, [live_world.members["hoa"], *people[:5]])
    sign_in(page, live_server.url, "an")
    axe = Axe()
    for path in (
        "/dai-hoi/X-PH/",
        "/dai-hoi/X-PH/nhiem-ky/2025-2030/",
        f"/dai-hoi/bau-cu/{election.pk}/",
        "/dai-hoi/X-PH/dai-hoi-moi/",
        "/dai-hoi/X-PH/nhiem-ky/2025-2030/bau-cu-moi/",
        "/bao-cao/TU-T/dai-hoi/",
    ):
        page.goto(live_server.url + path)
        result = axe.run(page)
        assert result.violations_count == 0, (path, result.generate_report())
