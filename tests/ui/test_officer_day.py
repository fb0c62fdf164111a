"""The officer's day in Chromium (issue 23, the bar): the five common tasks from the home page in
four clicks or fewer each — typing and choosing in a list are not clicks — and axe-core on the
main pages with no violation."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.once]


class Clicks:
    """Counts the clicks a task takes."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, locator) -> None:
        self.count += 1
        locator.click()


def sign_in(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(base + "/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()  # signing in is not part of a task


def test_five_common_tasks_from_the_home_page_in_four_clicks_each(page, live_server, live_world):
    from playwright.sync_api import expect

    from dangvu.members.models import PartyMember
    from dangvu.orgs.models import Organisation
    from dangvu.reports import services as reports
    from dangvu.reports.models import Comment, ReportRun

    base = live_server.url
    world = live_world

    # 1. Find a member by name written without diacritics (an, the province's officer).
    sign_in(page, base, "an")
    click = Clicks()
    page.get_by_label("Tìm đảng viên").fill("nguyen thi hoa")
    click(page.get_by_role("button", name="Tìm kiếm", exact=True))
    click(page.get_by_role("link", name="Nguyễn Thị Hoa"))
    expect(page.get_by_role("heading", name="Nguyễn Thị Hoa")).to_be_visible()
    assert click.count <= 4, ("find a member", click.count)

    # 2. Record an admission (binh, the secretary of PH-1: her cell is chosen for her).
    sign_in(page, base, "binh")
    click = Clicks()
    click(page.get_by_role("link", name="Ghi kết nạp đảng viên"))
    expect(page.get_by_role("radio", name=re.compile("Chi bộ Thôn Phước Lập"))).to_be_checked()
    page.get_by_label("Họ và tên").fill("Phan Thị Mai")
    page.get_by_label("Giới tính").select_option("F")
    page.get_by_label("Ngày sinh").fill("01/01/1995")
    page.get_by_label("Số CCCD (12 chữ số)").fill("058195001234")
    page.get_by_label("Ngày quyết định").fill("10/10/2026")
    page.get_by_label("Cơ quan ban hành").fill("Ban Thường vụ Đảng ủy xã Phước Hải")
    click(page.get_by_role("button", name="Lưu"))
    expect(page.get_by_role("heading", name="Phan Thị Mai")).to_be_visible()
    assert PartyMember.objects.get(person__full_name="Phan Thị Mai").org == world.ph1
    assert click.count <= 4, ("record an admission", click.count)

    # 3. Rate a cell: its members — from 2025 by their scores, the level worked out from each
    # (QĐ 366) — and the cell itself.
    click = Clicks()
    page.goto(base + "/")
    click(page.get_by_role("link", name=re.compile(r"^Xếp loại năm \d{4}$")).first)
    for member in (world.members["hoa"], world.members["an"]):
        page.locator(f'input[name="general_{member.pk}"]').fill("27")
        page.locator(f'input[name="tasks_{member.pk}"]').fill("60")
    click(page.get_by_role("button", name="Ghi đề xuất của chi bộ"))
    expect(page.locator(".messages")).to_contain_text("Đã ghi đề xuất của chi bộ")
    page.get_by_label("Mức đề nghị cấp trên xếp loại").select_option("HTTNV")
    page.locator('input[name="own_general"]').fill("26")
    page.locator('input[name="own_tasks"]').fill("60")
    click(page.get_by_role("button", name="Ghi đề xuất của tổ chức"))
    expect(page.locator(".messages")).to_contain_text("Đã ghi đề xuất của chính tổ chức")
    assert click.count <= 4, ("rate a cell", click.count)

    # 4. Download form 1 (an).
    sign_in(page, base, "an")
    click = Clicks()
    click(page.get_by_role("link", name="Báo cáo và biểu mẫu").first)
    click(page.get_by_role("link", name="THỐNG KÊ TĂNG, GIẢM ĐẢNG VIÊN"))
    with page.expect_download() as download:
        click(page.get_by_role("link", name="Tải tệp Excel"))
    assert download.value.suggested_filename.endswith(".xlsx")
    assert click.count <= 4, ("download form 1", click.count)

    # 5. Answer a comment on a draft review: the home page lists it; one click to it, one to answer.
    run = reports.run_create(
        kind=ReportRun.Kind.ANNUAL,
        org=Organisation.objects.get(code="TU-T"),
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 12, 31),
        actor=world.an,
    )
    reports.run_publish(run=run, reviewers=[world.dung], actor=world.an)
    comment = reports.comment_add(
        run=run, section="danh-gia", text="Bổ sung so sánh với năm trước.", actor=world.dung
    )
    click = Clicks()
    page.goto(base + "/")
    click(page.get_by_role("link", name=re.compile("Bổ sung so sánh với năm trước")))
    answer = page.locator(f"#comment-{comment.pk}")
    answer.get_by_label("Tiếp thu, giải trình").select_option("tiep_thu")
    click(answer.get_by_role("button", name="Tiếp thu, giải trình"))
    expect(page.locator(".messages")).to_be_visible()
    comment.refresh_from_db()
    assert comment.answer == Comment.Answer.ACCEPTED
    assert click.count <= 4, ("answer a comment", click.count)


MAIN_PAGES = [
    "/",
    "/to-chuc/",
    "/to-chuc/X-PH/",
    "/to-chuc/PH-1/",
    "/dang-vien/",
    "/dang-vien/?org=PH-1",
    "/dang-vien/ket-nap/",
    "/dang-vien/viec-can-lam/",
    "/xep-loai/PH-1/2024/",
    "/xep-loai/X-PH/2024/",
    "/khen-thuong/TU-T/",
    "/bao-cao/TU-T/",
    "/bao-cao/TU-T/bieu/1/",
    "/bao-cao/TU-T/tong-quan/",
    "/nhat-ky/thay-doi/",
    "/to-chuc/sap-xep/",
    "/nhap-du-lieu/",
    "/tai-khoan/",
]


def test_the_main_pages_have_no_accessibility_violation(page, live_server, live_world):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    member = live_world.members["hoa"]
    sign_in(page, live_server.url, "an")
    found = {}
    for path in [*MAIN_PAGES, f"/dang-vien/{member.pk}/"]:
        page.goto(live_server.url + path)
        results = axe.run(page)
        if results.violations_count:
            found[path] = results.generate_report()
    assert len(MAIN_PAGES) + 1 >= 15
    assert found == {}, "\n".join(f"{p}:\n{r}" for p, r in found.items())


def test_form_1_prints_as_a_document_and_the_main_pages_fit_a_phone(page, live_server, live_world):
    from playwright.sync_api import expect

    sign_in(page, live_server.url, "an")
    page.goto(live_server.url + "/bao-cao/TU-T/bieu/1/")
    heading = page.get_by_text("ĐẢNG CỘNG SẢN VIỆT NAM")
    expect(heading).to_be_hidden()  # on screen: the page's own heading
    page.emulate_media(media="print")
    expect(heading).to_be_visible()
    expect(page.get_by_text("T/M BAN THƯỜNG VỤ")).to_be_visible()
    expect(page.get_by_text("ĐẢNG BỘ HUYỆN AN PHƯỚC")).to_be_hidden()  # heading of TU-T: its own
    expect(page.locator("header.top")).to_be_hidden()
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 390, "height": 844})
    wide = {}
    for path in MAIN_PAGES:
        page.goto(live_server.url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            wide[path] = width
    assert wide == {}, wide


# A word or a date the browser broke over two lines: its text's boxes stand on more than one line.
_BROKEN = """(selector) => [...document.querySelectorAll(selector)].filter((el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
    return tops.size > 1;
}).map((el) => el.textContent.trim())"""


def test_dates_and_menu_items_are_never_broken_on_a_phone_or_a_desktop(
    page, live_server, live_world
):
    """Found in Chromium (5/12): on a 400-pixel phone the member list read '28/0 7/19 78' and
    'Na m' (its cells wrapped anywhere to fit the screen; at 700 pixels, '20/08/19 77'), a member's
    page was 24 pixels wider than a 360-pixel phone, and at 1280 pixels the menu broke 'Phát triển
    đảng viên' over four lines. On a phone the table now scrolls inside itself with its words whole,
    a date or a number is never broken, and the menu wraps between items."""
    sign_in(page, live_server.url, "an")
    member = live_world.members["hoa"]
    for width in (360, 400, 700):
        page.set_viewport_size({"width": width, "height": 800})
        for path in ("/dang-vien/?org=TU-T", f"/dang-vien/{member.pk}/"):
            page.goto(live_server.url + path)
            assert page.evaluate("document.documentElement.scrollWidth") <= width, (width, path)
        page.goto(live_server.url + "/dang-vien/?org=TU-T")
        dates = page.evaluate(
            "[...document.querySelectorAll('#rows td')].filter("
            "(td) => /^\\d\\d\\/\\d\\d\\/\\d{4}$/.test(td.textContent.trim())).length"
        )
        assert dates >= 4  # the named world's members, each with a date of birth
        assert page.evaluate(_BROKEN, "#rows td:nth-child(2), #rows td:nth-child(4)") == []
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/")
    items = page.evaluate("[...document.querySelectorAll('header nav a')].length")
    assert items >= 8
    assert page.evaluate(_BROKEN, "header nav a") == []
