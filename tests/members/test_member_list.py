"""The member list's page around its rows, written in Python rather than by the template (issue
28, members/list_page.py): what was typed reads as typed, the buttons are those the reader may
use, and the parts drawn once and kept (the empty search box, the organisation picker) are not
carried from one reader to another."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dangvu.orgs.models import Organisation
from tests.conftest import sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def _main(page) -> str:
    assert page.status_code == 200
    return page.content.decode().split('<main id="main">', 1)[1]


def test_the_page_around_the_rows_shows_what_was_typed_as_typed(client, world):
    Organisation.objects.filter(pk=world.ph1.pk).update(name="Chi bộ Điện & Nước <số 1>")
    sign_in(client, world.an)
    url = reverse("members:list")
    page = client.get(url, {"org": world.ph1.code, "q": 'Hoa <b>"x"'})
    whole = page.content.decode()
    html = _main(page)
    name = "Chi bộ Điện &amp; Nước &lt;số 1&gt;"
    assert f"<title>Đảng viên — {name} — " in whole
    assert f'<a href="{reverse("orgs:detail", args=[world.ph1.code])}">{name}</a></p>' in html
    assert f"<h1>Đảng viên của {name}</h1>" in html
    assert "<số 1>" not in whole and "<b>" not in html
    # The search box keeps what was typed, escaped; the picker shows the cell as the officer of
    # the province reads it: its name, then those above it.
    assert 'value="Hoa &lt;b&gt;&quot;x&quot;"' in html
    assert f"checked> {name} · Đảng bộ xã Phước Hải · Đảng bộ huyện An Phước" in html
    # The exports carry the query, escaped for the attribute; an officer may record a new member.
    export = reverse("exchange:member_export")
    assert f'href="{export}?org=PH-1&amp;q=Hoa+%3Cb%3E%22x%22&amp;format=xlsx"' in html
    assert f"{reverse('members:admit')}?org=PH-1" in html


def test_a_reader_gets_the_buttons_and_the_picker_of_their_own_scope(client, world):
    """The picker drawn for the province's officer is kept, but the cell's secretary, who may not
    read the commune above the cell, does not get it: a name above the reader's scope is data."""
    url = reverse("members:list")
    sign_in(client, world.an)
    officers = _main(client.get(url, {"org": world.ph1.code}))
    assert "checked> Chi bộ Thôn Phước Lập · Đảng bộ xã Phước Hải" in officers
    assert "Nguyễn Thị Hoa" in officers and "Hết danh sách." in officers
    client.logout()
    sign_in(client, world.binh)
    secretarys = _main(client.get(url, {"org": world.ph1.code}))
    assert "checked> Chi bộ Thôn Phước Lập</label>" in secretarys
    assert "Phước Hải" not in secretarys and "An Phước" not in secretarys
    client.logout()
    # A viewer may read the roll, not record a member in it.
    sign_in(client, world.dung)
    viewers = _main(client.get(url, {"org": world.ph1.code}))
    assert "Nguyễn Thị Hoa" in viewers
    assert reverse("members:admit") not in viewers
    assert reverse("members:admit") in officers


def test_filters_not_applied_are_named_and_an_empty_search_says_so(client, world):
    sign_in(client, world.an)
    html = _main(
        client.get(
            reverse("members:list"),
            {"org": world.province.code, "admission_year": "abc", "q": "không ai tên này"},
        )
    )
    assert "Các bộ lọc sau không được áp dụng:" in html
    assert "Năm kết nạp" in html.split("không được áp dụng:", 1)[1]
    assert "Không có đảng viên phù hợp." in html and "<tbody" not in html


def test_the_empty_search_box_kept_for_everyone_never_holds_a_search(client, world):
    """The empty search box is drawn once and kept (members/list_page.py): a search typed before
    it is drawn, or after, is in that request's box only."""
    sign_in(client, world.an)
    url = reverse("members:list")
    typed = _main(client.get(url, {"org": world.ph1.code, "q": "Nguyễn Thị"}))
    assert 'name="q" value="Nguyễn Thị"' in typed
    for _ in range(2):
        empty = _main(client.get(url, {"org": world.ph1.code}))
        box = empty.split('name="q"', 1)[1].split(">", 1)[0]
        assert "value=" not in box
        again = _main(client.get(url, {"org": world.ph1.code, "q": "Sơn"}))
        assert 'name="q" value="Sơn"' in again and 'value="Nguyễn Thị"' not in again
