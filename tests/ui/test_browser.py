"""The main journey, walked in the machine's Chromium as a user would (Playwright)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.conftest import PASSWORD
from tests.ui.conftest import CHROMIUM, FLAGS

pytestmark = [pytest.mark.browser, pytest.mark.once]


def expand(page, name: str, within=None) -> None:
    """Open a node of the tree by its triangle (the name itself is a link to the organisation)."""
    from playwright.sync_api import expect

    toggle = (within or page).get_by_role(
        "button", name=f"Các tổ chức trực thuộc {name}", exact=True
    )
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    label = page.get_by_role("button", name=f"Các tổ chức trực thuộc {name}", exact=True)
    node = (within or page).locator("li", has=label).first
    expect(node.locator(".sub ul.tree").first).to_be_visible()


def test_main_journey(page, live_server, live_world):
    from playwright.sync_api import expect

    base = live_server.url
    page.goto(base + "/")
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    page.get_by_label("Tên đăng nhập").fill("an")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()

    # The home page, then the tree from the menu: the province with its member count; open a
    # commune (loaded on demand) and a cell.
    expect(page.get_by_role("heading", name="Chào đồng chí Nguyễn Văn An")).to_be_visible()
    page.get_by_role("navigation").get_by_role("link", name="Tổ chức đảng").click()
    expect(page.get_by_role("heading", name="Tổ chức đảng")).to_be_visible()
    expect(page.get_by_text("4 đảng viên")).to_be_visible()
    expand(page, "Đảng bộ huyện An Phước")
    expand(page, "Đảng bộ xã Phước Hải")
    page.get_by_role("link", name="Chi bộ Thôn Phước Lập").click()
    expect(page.get_by_role("heading", name="Chi bộ Thôn Phước Lập")).to_be_visible()
    page.get_by_role("link", name="Danh sách đảng viên").click()

    # The cell's member list, then a search written without diacritics.
    expect(page.get_by_role("heading", name="Đảng viên của Chi bộ Thôn Phước Lập")).to_be_visible()
    rows = page.locator("table.members tbody tr")
    expect(rows).to_have_count(2)
    page.get_by_label("Tìm kiếm").fill("nguyen thi hoa")
    page.get_by_role("button", name="Lọc").click()
    expect(rows).to_have_count(1)
    page.get_by_role("link", name="Nguyễn Thị Hoa").click()

    # The member page; edit with a deliberate mistake.
    expect(page.get_by_role("heading", name="Nguyễn Thị Hoa")).to_be_visible()
    page.get_by_role("link", name="Sửa hồ sơ").click()
    # The form shows her citizen ID and religion: first, why (issue 21, point 5).
    page.get_by_label("Mục đích:", exact=True).select_option("dossier")
    page.get_by_role("button", name="Tiếp tục").click()
    page.get_by_label("Số CCCD (12 chữ số)").fill("05818500012")
    page.get_by_label("Nơi ở hiện nay").fill("Thôn Phước Lập, xã Phước Hải")
    page.get_by_label("Lý do thay đổi").fill("Bổ sung nơi ở theo lý lịch")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".error-summary")).to_contain_text("Số CCCD phải gồm đúng 12 chữ số.")
    expect(page.locator(".field-error")).to_have_text("Số CCCD phải gồm đúng 12 chữ số.")

    # Correct it; the change shows in the history, with its reason.
    page.get_by_label("Số CCCD (12 chữ số)").fill("058185000123")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Đã lưu hồ sơ.")).to_be_visible()
    history = page.locator("table.history")
    expect(history).to_contain_text("Sửa hồ sơ")
    expect(history).to_contain_text("Bổ sung nơi ở theo lý lịch")
    expect(history).to_contain_text("Thôn Phước Lập, xã Phước Hải")


def test_the_tree_is_readable_without_javascript(live_server, live_world, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        page = browser.new_context(java_script_enabled=False).new_page()
        page.goto(live_server.url + "/")
        page.get_by_label("Tên đăng nhập").fill("binh")
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        expect(page.get_by_role("heading", name="Chi bộ Thôn Phước Lập")).to_be_visible()
        page.get_by_role("link", name="Chi bộ Thôn Phước Lập").click()
        page.get_by_role("link", name="Danh sách đảng viên").click()
        expect(page.locator("table.members tbody tr")).to_have_count(2)
        browser.close()


def test_then_and_now_opens_a_level_of_each_date_in_place(page, live_server, live_world):
    """ "Then and now" shows the tops of each date; opening a node reads the level below it as it
    stood on that column's date, in place (htmx under the site's own CSP)."""
    from playwright.sync_api import expect

    page.goto(live_server.url + "/")
    page.get_by_label("Tên đăng nhập").fill("an")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto(live_server.url + "/to-chuc/doi-chieu/?truoc=31/12/2020")
    then = page.locator(".cols section").first
    expect(then.get_by_role("heading", name="31/12/2020")).to_be_visible()
    expect(then.get_by_role("link", name="Đảng bộ xã Phước Hải")).to_have_count(0)
    expand(page, "Đảng bộ huyện An Phước", within=then)
    expect(then.get_by_role("link", name="Đảng bộ xã Phước Hải")).to_be_visible()
    expect(then.get_by_role("link", name="Đảng bộ thị trấn Tân Sơn")).to_be_visible()
    link = then.get_by_role("link", name="Đảng bộ xã Phước Hải")
    assert link.get_attribute("href").endswith("?ngay=31/12/2020")


def test_import_journey_check_correct_commit_and_revert(page, live_server, live_world):
    """An officer sends a members file with a mistake, reads the problem by row and column,
    sends the corrected file, reviews the preview, writes it, then takes it back (issue 6)."""
    from playwright.sync_api import expect

    from dangvu.members.models import PartyMember
    from tests.exchange.files import MEMBER_HEADER, member_row, xlsx

    good = [
        MEMBER_HEADER,
        member_row("Trần Văn Bảy", "058090000101"),
        member_row("Lê Thị Tám", "058192000102", sex="Nữ", birth=dt.date(1992, 1, 1), cell="PH-2"),
    ]
    wrong = [*good[:2], member_row("Lê Thị Tám", "058192000102", sex="Nữ", birth="31/02/1992")]

    def send(rows, name, mapping=None):
        page.goto(live_server.url + "/nhap-du-lieu/")
        page.get_by_label("Loại hồ sơ trong tệp").select_option(label="Đảng viên")
        page.get_by_label("Tệp (.xlsx, .ods hoặc .csv)").set_input_files(
            {"name": name, "mimeType": "application/octet-stream", "buffer": xlsx(rows)}
        )
        page.get_by_role("button", name="Gửi và kiểm tra").click()
        # What each column holds: the template's headers are recognised, others are chosen.
        expect(page.get_by_role("heading", name="Nội dung của từng cột")).to_be_visible()
        column = lambda header: page.get_by_label(re.compile(f"^{re.escape(header)}:?$"))  # noqa: E731
        expect(column("Số CCCD")).to_have_value("citizen_id")
        for header, holds in (mapping or {}).items():
            column(header).select_option(label=holds)
        page.get_by_role("button", name="Kiểm tra tệp").click()
        expect(page.get_by_role("heading", name=f"Nhập dữ liệu: {name}")).to_be_visible()

    page.goto(live_server.url + "/")
    page.get_by_label("Tên đăng nhập").fill("an")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Tổ chức đảng")).to_be_visible()
    before = PartyMember.objects.count()

    # The file with the mistake also names the date of birth its own way.
    wrong[0] = ["Ngày tháng năm sinh" if h == "Ngày sinh" else h for h in MEMBER_HEADER]
    send(wrong, "dang-vien-loi.xlsx", {"Ngày tháng năm sinh": "Ngày sinh"})
    expect(page.get_by_role("heading", name="Các lỗi cần sửa")).to_be_visible()
    problem = page.locator("table.grid tbody tr").first
    expect(problem.locator("td").nth(0)).to_have_text("3")
    expect(problem.locator("td").nth(1)).to_have_text("Ngày tháng năm sinh")
    expect(problem.locator("td").nth(2)).to_have_text("31/02/1992")
    expect(page.get_by_role("button", name="Ghi các hồ sơ này")).to_have_count(0)

    send(good, "dang-vien.xlsx")
    expect(page.get_by_role("heading", name="Xem trước")).to_be_visible()
    preview = page.locator("table.grid tbody tr")
    expect(preview).to_have_count(2)
    expect(preview.nth(0)).to_contain_text("Trần Văn Bảy")
    expect(preview.nth(1)).to_contain_text("thêm mới")
    assert PartyMember.objects.count() == before  # checked, nothing written yet
    page.get_by_role("button", name="Ghi các hồ sơ này").click()
    expect(page.get_by_text("đã ghi", exact=True)).to_be_visible()
    assert PartyMember.objects.count() == before + 2

    page.get_by_label("Lý do").fill("Nhập nhầm tệp của chi bộ khác")
    page.get_by_role("button", name="Hoàn tác").click()
    expect(page.get_by_text("đã hoàn tác", exact=True)).to_be_visible()
    assert PartyMember.objects.count() == before


def test_the_secretary_proposes_the_cells_ratings_in_the_browser(page, live_server, live_world):
    """From the cell's page to its 2025 ratings: a level and a score per member; a score that does
    not allow the level is refused with the member's name (issue 7, point 2)."""
    from playwright.sync_api import expect

    from dangvu.evaluation.models import Rating

    hoa, an = live_world.members["hoa"], live_world.members["an"]
    page.goto(live_server.url + "/")
    page.get_by_label("Tên đăng nhập").fill("binh")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto(live_server.url + "/to-chuc/PH-1/")
    page.get_by_role("link", name="Xếp loại chất lượng").click()
    expect(
        page.get_by_role("heading", name=re.compile(r"^Xếp loại chất lượng năm \d{4}$"))
    ).to_be_visible()
    year_2025 = page.get_by_role("link", name="2025", exact=True)  # the first year scored (QĐ 366)
    if year_2025.count():  # from December 2026 the page opens on 2026
        year_2025.click()
    expect(page.get_by_role("heading", name="Xếp loại chất lượng năm 2025")).to_be_visible()

    def propose(member, level, general, tasks, exceeded):
        page.locator(f"#level_{member.pk}").select_option(level)
        page.locator(f"input[name=general_{member.pk}]").fill(general)
        page.locator(f"input[name=tasks_{member.pk}]").fill(tasks)
        page.locator(f"input[name=exceeded_{member.pk}]").fill(exceeded)

    propose(hoa, "HTXSNV", "27", "58", "40")  # 85 points: HTTNV at best
    propose(an, "HTTNV", "25", "55", "0")
    page.get_by_role("button", name="Ghi đề xuất của chi bộ").click()
    expect(page.locator(".error-summary")).to_contain_text(
        "Nguyễn Thị Hoa: Tổng điểm 85 chỉ đạt tối đa mức HTTNV."
    )
    assert not Rating.objects.exists()
    propose(hoa, "HTXSNV", "28", "64", "35")
    propose(an, "HTTNV", "25", "55", "0")
    page.get_by_role("button", name="Ghi đề xuất của chi bộ").click()
    expect(page.get_by_text("Đã ghi đề xuất của chi bộ.")).to_be_visible()
    assert dict(Rating.objects.values_list("member_id", "proposed_level")) == {
        hoa.pk: "HTXSNV",
        an.pk: "HTTNV",
    }


def test_a_figure_of_a_statistics_form_opens_the_records_behind_it(page, live_server, live_world):
    """From the province's reports to form 1 of the year and, by a click on a figure, to the
    members it counts (issue 8, point 2)."""
    from playwright.sync_api import expect

    from dangvu.members.events import event_record
    from tests.conftest import decision

    year = dt.date.today().year - 1
    hoa = live_world.members["hoa"]
    event_record(
        member=hoa,
        kind="resignation",
        on=dt.date(year, 3, 2),
        actor=None,
        decision=decision(dt.date(year, 3, 2), "ra-dang"),
    )
    page.goto(live_server.url + "/")
    page.get_by_label("Tên đăng nhập").fill("an")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("link", name="Báo cáo", exact=True).first.click()
    expect(page.get_by_role("heading", name=re.compile("^Báo cáo: Đảng bộ tỉnh"))).to_be_visible()
    page.get_by_role("link", name="Thống kê tăng, giảm đảng viên").click()
    expect(page.get_by_role("heading", name="THỐNG KÊ TĂNG, GIẢM ĐẢNG VIÊN")).to_be_visible()
    row = page.locator("tr", has=page.get_by_text("Xin ra khỏi Đảng", exact=True))
    row.get_by_role("link", name="1", exact=True).first.click()
    expect(page.get_by_role("heading", name="Xin ra khỏi Đảng: 1")).to_be_visible()
    expect(page.get_by_role("link", name="Nguyễn Thị Hoa")).to_be_visible()
    expect(page.get_by_role("cell", name=f"02/03/{year}", exact=True)).to_be_visible()


def test_the_roll_of_a_province_loads_its_next_page_in_place(page, live_server, live_world):
    """The province's roll: 50 rows, then "Trang sau" brings the next rows into the same table
    (htmx, the page stays), cell after cell, ending with "Hết danh sách."; a name opens the
    member's page (issue 9)."""
    from playwright.sync_api import expect

    from tests.conftest import admit

    for i in range(60):
        admit(live_world.ts1, f"Lê Văn Thử{chr(ord('a') + i % 26)}", birth=dt.date(1980, 1, 1))
    page.goto(live_server.url + "/")
    page.get_by_label("Tên đăng nhập").fill("an")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto(live_server.url + "/dang-vien/?org=TU-T")
    rows = page.locator("#rows tr:not(.more):not(.end)")
    expect(rows).to_have_count(50)
    address = page.url
    expect(page.get_by_text("Hết danh sách.")).to_have_count(0)
    page.get_by_role("link", name="Trang sau").click()
    expect(rows).to_have_count(64)  # 4 of the world and 60 more
    assert page.url == address  # the rows came into this page
    expect(page.get_by_role("link", name="Trang sau")).to_have_count(0)
    expect(page.get_by_text("Hết danh sách.")).to_be_visible()  # the last rows say so
    cells = rows.locator("td:nth-child(7)").all_inner_texts()
    assert cells[:3] == ["Chi bộ Thôn Phước Lập"] * 2 + ["Chi bộ Thôn Hữu Đức"]
    assert set(cells[3:]) == {"Chi bộ Khu phố 1"}
    page.get_by_role("link", name="Nguyễn Thị Hoa").click()
    expect(page.get_by_role("heading", name=re.compile("Nguyễn Thị Hoa"))).to_be_visible()


def _sign_in_with_code(page, base: str, username: str, key: str) -> None:
    """Password, then the authenticator app's code, as an account administrator signs in."""
    from django_otp.oath import totp
    from playwright.sync_api import expect

    page.goto(f"{base}/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.locator("form:has(input[name=username]) button[type=submit]").click()
    page.get_by_label("Mã trên ứng dụng xác thực").fill(f"{totp(bytes.fromhex(key)):06d}")
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()


def test_a_sensitive_grant_needs_a_second_administrator(page, live_server, live_world):
    """Issue 21, point 1, in Chromium: an account administrator cannot grant itself a role; it
    asks for the sensitive permission for dung, which holds nothing until a second administrator
    approves it (the first sees no button to approve its own request); dung then sees Hoa's
    citizen ID for a stated purpose."""
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from playwright.sync_api import expect

    from dangvu.accounts.models import RoleGrant
    from tests.conftest import make_user

    world = live_world
    second = make_user("quantri2", "Hồ Quản Trị", account_admin=True)
    keys = {}
    for user in (world.admin, second):
        device = TOTPDevice.objects.create(user=user, name="điện thoại", confirmed=True)
        keys[user.username] = device.key
    base = live_server.url
    _sign_in_with_code(page, base, "admin", keys["admin"])
    page.goto(f"{base}/quan-tri/vai-tro/")

    def grant(username: str, sensitive: bool) -> None:
        page.get_by_label("Tên đăng nhập").fill(username)
        page.get_by_label(re.compile(r"^Tổ chức:?$")).fill("tinh thu nghiem")  # the picker
        page.get_by_role("radio", name="Đảng bộ tỉnh Thử Nghiệm").check()
        page.get_by_label("Vai trò").select_option("viewer")
        if sensitive:
            page.get_by_label("Được xem thông tin cá nhân nhạy cảm").check()
        page.get_by_label("Lý do:", exact=True).fill("Phân công theo dõi hồ sơ")
        page.get_by_role("button", name="Lưu").click()

    grant("admin", sensitive=True)  # itself: refused
    expect(page.locator(".field-error").first).to_contain_text(
        "Không ai tự giao, mở rộng hay giữ vai trò cho chính mình"
    )
    assert not RoleGrant.objects.filter(user=world.admin).exists()
    grant("dung", sensitive=True)
    expect(page.locator(".messages")).to_contain_text("quản trị tài khoản thứ hai phê duyệt")
    pending = page.locator("#pending + p + table")
    expect(pending).to_contain_text("Phạm Thị Dung")
    expect(pending).to_contain_text("Quản trị khác sẽ quyết định.")
    expect(pending.get_by_role("button", name="Phê duyệt")).to_have_count(0)
    asked = RoleGrant.objects.get(user=world.dung, sensitive_requested_by=world.admin)
    assert not asked.sensitive

    page.get_by_role("button", name="Đăng xuất").click()
    _sign_in_with_code(page, base, "quantri2", keys["quantri2"])
    page.goto(f"{base}/quan-tri/vai-tro/")
    row = page.locator("#pending + p + table tr", has_text="Phạm Thị Dung")
    row.get_by_label("Lý do").fill("Đã kiểm tra quyết định phân công")
    row.get_by_role("button", name="Phê duyệt").click()
    expect(page.locator(".messages")).to_contain_text("Đã phê duyệt")
    asked.refresh_from_db()
    assert asked.sensitive and asked.sensitive_approved_by == second


def test_the_dashboards_bars_draw_and_the_forms_rows_indent_under_the_sites_own_csp(
    page, live_server, live_world
):
    """Issue 23, point 1: the dashboard's bars drew as 1-pixel lines, and a form's sub-rows lost
    their indentation, because the site's Content-Security-Policy (style-src 'self') blocks inline
    styles. Measured where a person looks: in Chromium, each bar of the structure is as long, in
    its chart, as the share printed beside it, and no CSP violation is logged."""
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.goto(live_server.url + "/")
    page.get_by_label("Tên đăng nhập").fill("an")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto(live_server.url + "/bao-cao/TU-T/tong-quan/")
    rows = page.locator("section", has=page.get_by_role("heading", name="Cơ cấu")).locator(
        "table.bars tr"
    )
    assert rows.count() >= 3
    measured = []
    for i in range(rows.count()):
        row = rows.nth(i)
        printed = re.search(r"\(([\d.,]+) %\)", row.inner_text())
        assert printed, row.inner_text()
        share = float(printed.group(1).replace(".", "").replace(",", ".")) / 100
        chart = row.locator("svg.bar").bounding_box()
        drawn = row.locator("svg.bar rect").bounding_box()
        assert chart and chart["width"] > 50
        length = drawn["width"] / chart["width"] if drawn else 0.0
        measured.append((share, round(length, 3)))
        assert abs(length - share) < 0.01, measured
    assert any(share > 0.2 for share, _length in measured), measured
    page.goto(live_server.url + "/bao-cao/TU-T/bieu/1/")

    def padding(selector: str) -> float:
        cell = page.locator(selector).first
        return float(cell.evaluate("cell => getComputedStyle(cell).paddingLeft").removesuffix("px"))

    rem = float(
        page.evaluate("getComputedStyle(document.documentElement).fontSize").removesuffix("px")
    )
    assert padding("td.indent-1") == rem > padding("td.indent-0")  # a sub-row, 1 rem in, as before
    assert not [m for m in console if "Content Security Policy" in m], console
