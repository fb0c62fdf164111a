"""Pages behave: forms answer in Vietnamese, the tree counts by date, lists page by key, few queries."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangvu.core.models import ChangeLogEntry
from dangvu.members.models import PartyMember
from tests.conftest import admit

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


@pytest.fixture
def as_an(client, world):
    client.force_login(world.an)
    return client


def listed(response) -> list[str]:
    """The member names in a list page's table, in order."""
    return re.findall(r'href="/dang-vien/\d+/">([^<]+)</a>', response.content.decode())


def edit_payload(member, **changes):
    p = member.person
    data = {
        "full_name": p.full_name,
        "sex": p.sex,
        "birth_date": p.birth_date.strftime("%d/%m/%Y"),
        "ethnicity": p.ethnicity,
        "religion": p.religion,
        "citizen_id": p.citizen_id or "",
        "general_education": p.general_education,
        "professional_level": p.professional_level,
        "academic_title": p.academic_title,
        "theory_level": p.theory_level,
        "occupation": p.occupation,
        "card_number": member.card_number or "",
        "dossier_number": member.dossier_number or "",
        "reason": "Cập nhật theo lý lịch",
    }
    data.update(changes)
    return data


def test_tree_shows_member_counts_as_of_the_chosen_date(as_an, world):
    now = as_an.get(reverse("orgs:tree")).content.decode()
    assert "Đảng bộ tỉnh Thử Nghiệm" in now and "4 đảng viên" in now
    before = as_an.get(reverse("orgs:tree"), {"ngay": "01/01/2011"}).content.decode()
    assert "3 đảng viên" in before
    assert "01/01/2011" in before


def test_a_bad_date_is_explained_not_crashed(as_an, world):
    response = as_an.get(reverse("orgs:tree"), {"ngay": "31/02/2024"})
    assert response.status_code == 200
    assert "dd/mm/yyyy" in response.content.decode()


def test_organisation_page_shows_history_of_names_parents_and_changes(as_an, world):
    page = as_an.get(reverse("orgs:detail", args=["PH-1"])).content.decode()
    assert "Chi bộ Thôn Phước Lập" in page and "Đảng bộ xã Phước Hải (X-PH)" in page
    assert "Thành lập" in page and "org.create" not in page  # names, not codes
    assert "Nguyễn Thị Hoa" in page and "Nguyễn Văn An" in page and "Đàng Văn Thành" not in page


def test_edit_with_a_mistake_shows_the_vietnamese_message_and_saves_nothing(as_an, world):
    member = world.members["hoa"]
    url = reverse("members:edit", args=[member.pk])
    before = ChangeLogEntry.objects.count()
    response = as_an.post(url, edit_payload(member, citizen_id="05818500012"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Số CCCD phải gồm đúng 12 chữ số." in page
    assert ChangeLogEntry.objects.count() == before
    response = as_an.post(url, edit_payload(member, birth_date="31/12/2099"))
    assert "tương lai" in response.content.decode()


def test_a_correct_edit_is_saved_and_appears_in_the_history_with_its_reason(as_an, world):
    member = world.members["hoa"]
    url = reverse("members:edit", args=[member.pk])
    response = as_an.post(url, edit_payload(member, residence="Thôn Phước Lập, xã Phước Hải"))
    assert response.status_code == 302
    page = as_an.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert "Thôn Phước Lập, xã Phước Hải" in page
    assert "Cập nhật theo lý lịch" in page and "Sửa hồ sơ" in page and "member.update" not in page


def test_search_ignores_diacritics_and_case(as_an, world):
    assert listed(as_an.get(reverse("members:list"), {"org": "TU-T", "q": "NGUYEN van an"})) == [
        "Nguyễn Văn An"
    ]
    # by citizen ID: for a stated purpose only (issue 21, point 5)
    by_id = {"org": "TU-T", "q": "058185000123"}
    assert listed(as_an.get(reverse("members:list"), by_id)) == []
    assert listed(as_an.get(reverse("members:list"), {**by_id, "purpose": "dossier"})) == [
        "Nguyễn Thị Hoa"
    ]


def test_filters_combine(as_an, world):
    url = reverse("members:list")
    assert listed(as_an.get(url, {"org": "TU-T", "sex": "F", "ethnicity": "minority"})) == [
        "Nguyễn Thị Hoa"
    ]
    assert listed(as_an.get(url, {"org": "TU-T", "ethnicity": "minority"})) == [
        "Nguyễn Thị Hoa",
        "Đàng Văn Thành",
    ]
    assert listed(as_an.get(url, {"org": "TU-T", "age_band": "over_60"})) == ["Nguyễn Văn An"]
    assert listed(as_an.get(url, {"org": "TU-T", "admission_year": "2024"})) == ["Đàng Văn Thành"]
    assert listed(as_an.get(url, {"org": "TU-T", "status": "probationary"})) == ["Đàng Văn Thành"]
    religion = {"org": "TU-T", "religion": "any", "purpose": "report"}
    assert listed(as_an.get(url, religion)) == ["Nguyễn Thị Hoa"]
    assert listed(as_an.get(url, {"org": "X-TS"})) == ["Lê Minh Sơn"]


def test_a_filter_that_cannot_be_applied_is_named_and_the_others_still_apply(as_an, world):
    # A year typed as words dropped every filter without a word: the women's list showed men.
    url = reverse("members:list")
    page = as_an.get(
        url, {"org": "TU-T", "sex": "F", "ethnicity": "minority", "admission_year": "hai"}
    )
    assert listed(page) == ["Nguyễn Thị Hoa"]  # the two valid filters, as without the year
    body = page.content.decode()
    assert "Các bộ lọc sau không được áp dụng:" in body
    assert "<li>Năm kết nạp: Hãy nhập năm bằng chữ số, ví dụ 2024.</li>" in body
    clean = as_an.get(url, {"org": "TU-T", "sex": "F"}).content.decode()
    assert "không được áp dụng" not in clean


def test_list_pages_by_key_in_vietnamese_order_with_a_bounded_number_of_queries(as_an, world):
    for i in range(60):
        admit(world.ts1, f"Lê Văn Thử{chr(ord('a') + i % 26)}", birth=dt.date(1980, 1, 1 + i % 28))
    with CaptureQueriesContext(connection) as queries:
        first = as_an.get(reverse("members:list"), {"org": "TU-T"})
    assert len(queries) <= 12
    page = first.content.decode()
    token = re.search(r"sau=([0-9a-f]+)", page).group(1)
    second = as_an.get(reverse("members:list"), {"org": "TU-T", "sau": token}).content.decode()
    names_first = re.findall(r'href="/dang-vien/\d+/">([^<]+)</a>', page)
    names_second = re.findall(r'href="/dang-vien/\d+/">([^<]+)</a>', second)
    assert len(names_first) == 50 and len(names_second) == 14
    assert not set(names_first) & set(names_second)
    assert names_first.index("Nguyễn Văn An") < names_first.index("Nguyễn Thị Hoa")  # An before Hoa


def test_the_rows_of_the_roll_are_escaped_and_labelled(as_an, world):
    """The rows are written in Python (issue 9): every value escaped, labels in Vietnamese, the
    date of birth as dd/mm/yyyy and the age in completed years, on the page and on the next page
    that htmx asks for."""
    from dangvu.core.dates import age_on, today
    from dangvu.orgs.models import Organisation

    Organisation.objects.filter(pk=world.ts1.pk).update(name="Chi bộ Điện & Nước <số 1>")
    page = as_an.get(reverse("members:list"), {"org": "TU-T"}).content.decode()
    assert "Chi bộ Điện &amp; Nước &lt;số 1&gt;" in page and "<số 1>" not in page
    son = world.members["son"]
    row = re.search(rf'<tr>\s*<td><a href="/dang-vien/{son.pk}/">Lê Minh Sơn</a></td>.*?</tr>',
                    page, re.S).group(0)  # fmt: skip
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[1:]
    age = age_on(dt.date(1979, 12, 30), today())
    assert cells == ["30/12/1979", str(age), "Nam", "Kinh", "Đảng viên chính thức",
                     "Chi bộ Điện &amp; Nước &lt;số 1&gt;"]  # fmt: skip
    token = "".join(
        [f"{len(world.ph1.path):02d}", world.ph1.path, world.members["an"].person.sort_key]
    )
    part = as_an.get(
        reverse("members:list"), {"org": "TU-T", "sau": token}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in part and part.lstrip().startswith("<tr>")
    assert "Chi bộ Điện &amp; Nước &lt;số 1&gt;" in part
    # The last rows say that the list ends, as the whole page does (found in Chromium: it did not).
    assert part.rstrip().endswith(
        '<tr class="end"><td colspan="7" class="muted">Hết danh sách.</td></tr>'
    )
    assert "Trang sau" not in part


@pytest.mark.once
def test_vietnamese_is_the_default_whatever_the_browser_asks(client, world):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Đăng nhập" in page and 'lang="vi"' in page


@pytest.mark.once
def test_the_interface_speaks_english_on_request(as_an, world):
    as_an.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = as_an.get(reverse("orgs:tree")).content.decode()
    assert "Party organisations" in page and "Tổ chức đảng" not in page
    assert "4 members" in page


def test_admitting_through_the_form_records_the_member(as_an, world):
    data = edit_payload(
        world.members["hoa"],
        full_name="Phan Thị Mai",
        citizen_id="058190001234",
        birth_date="01/01/1990",
        card_number="",
        dossier_number="",
    )
    data.update(
        {
            "org": "ph-2",
            "decision_number": "45-QĐ/HU",
            "decision_date": "10/10/2025",
            "decision_issuer": "Ban Thường vụ Huyện ủy",
            "ceremony_date": "25/10/2025",
        }
    )
    response = as_an.post(reverse("members:admit"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    page = as_an.get(response["Location"]).content.decode()
    assert "Phan Thị Mai" in page and "Đảng viên dự bị" in page


def test_a_cell_not_in_the_picker_is_refused_on_its_field(as_an, world):
    """A forged value (no such cell, or a committee that holds no members) is refused on the
    picker's field, in words, and nothing is written."""
    for forged in ("ZZ-9", "X-PH"):
        data = edit_payload(world.members["hoa"], full_name="Phan Thị Mai", citizen_id="")
        data.update(
            {
                "org": forged,
                "decision_number": "",
                "decision_date": "10/10/2025",
                "decision_issuer": "Ban Thường vụ Huyện ủy",
            }
        )
        page = as_an.post(reverse("members:admit"), data).content.decode()
        assert "Chọn một tổ chức trong danh sách" in page
        assert not PartyMember.objects.filter(person__full_name="Phan Thị Mai").exists()


def test_errors_never_show_a_stack_trace(client, world, settings):
    settings.DEBUG = False
    client.force_login(world.an)
    response = client.get("/dang-vien/999999/")
    assert response.status_code == 404
    assert "Traceback" not in response.content.decode()
    assert "Không tìm thấy" in response.content.decode()


@pytest.mark.once
def test_security_headers_are_sent(as_an, world):
    response = as_an.get(reverse("orgs:tree"))
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
