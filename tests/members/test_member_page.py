"""The member page's timeline and change history, written in Python rather than by the template
(issue 28): what an officer reads there — dates as dd/mm/yyyy, the time of a change in Vietnam's
time, labels not codes, every value escaped, a correction link on each event."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation

from dangvu.core.models import ChangeLogEntry
from dangvu.members.models import EventKind, PartyMember
from dangvu.members.services import PersonInput, member_update
from tests.conftest import sign_in
from tests.reports.conftest import event

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def test_the_timeline_and_history_read_as_people_read_them(client, world):
    hoa = PartyMember.objects.select_related("person", "org").get(pk=world.members["hoa"].pk)
    exempted = event(
        hoa, "temp_exemption", dt.date(2024, 3, 4), details={"until": dt.date(2024, 6, 1)}
    )
    member_update(
        member=hoa,
        person=PersonInput(
            full_name=hoa.person.full_name,
            sex=hoa.person.sex,
            birth_date=hoa.person.birth_date,
            residence="Thôn <b>Phước</b> Lập",
        ),
        actor=world.an,
        reason="Bổ sung <nơi ở> theo lý lịch",
    )
    sign_in(client, world.an)
    page = client.get(reverse("members:detail", args=[hoa.pk])).content.decode()

    timeline = page[page.index('<ol class="timeline">') : page.index("</ol>")]
    item = next(li for li in timeline.split("<li") if "04/03/2024" in li)
    # The kind as a label, the detail's date as dd/mm/yyyy, the link to correct this event.
    with translation.override("vi"):
        label = str(EventKind.TEMP_EXEMPTION.label)
    assert item.split("</b> — ", 1)[1].startswith(label)
    assert "01/06/2024" in item and "2024-06-01" not in item
    assert reverse("members:correct", args=[hoa.pk, exempted.pk]) in item

    history = page[page.index('id="history"') :]
    entry = ChangeLogEntry.objects.filter(subject_id=str(hoa.pk)).latest("at")
    local = entry.at.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).strftime("%d/%m/%Y %H:%M")
    utc = entry.at.astimezone(dt.UTC).strftime("%d/%m/%Y %H:%M")
    assert local in history and utc not in history  # Vietnam's time, 7 hours ahead
    # What was typed is shown as typed, never as markup.
    assert "Thôn &lt;b&gt;Phước&lt;/b&gt; Lập" in history and "<b>Phước</b>" not in history
    assert "Bổ sung &lt;nơi ở&gt; theo lý lịch" in history
    # The residence was empty before: nothing struck out, not "None".
    residence = next(li for li in history.split("<li>") if "Phước" in li)
    assert "<del></del>" in residence and "None" not in residence


def test_a_viewer_who_may_not_edit_gets_no_correction_links(client, world):
    """Dung (a viewer of the province) reads a member's record: the events, no link to correct
    them (she may not change the record)."""
    from dangvu.accounts.models import Ability
    from dangvu.accounts.scope import can

    hoa = world.members["hoa"]
    assert not can(world.dung, Ability.MANAGE_MEMBERS, hoa.org.path)
    sign_in(client, world.dung)
    page = client.get(reverse("members:detail", args=[hoa.pk])).content.decode()
    timeline = page[page.index('<ol class="timeline">') : page.index("</ol>")]
    assert "<li" in timeline and "dinh-chinh" not in timeline


def test_a_move_by_restructuring_names_the_cell_left_and_a_no_says_nothing(world):
    """People read names, not codes: a move by restructuring keeps the cell left by its key
    ({"from": 7}) and a consent not needed as false; the timeline says "Chuyển đến từ: Chi bộ
    Thôn Hữu Đức", and of the consent nothing (a review in Chromium, 6/12: "…(trên 60 tuổi):
    không" on a 33-year-old's admission was noise) — never the key, the word "from" or "False"."""
    from dangvu.members.models import MembershipEvent
    from dangvu.members.views import _timeline_html

    hoa = world.members["hoa"]

    def event(pk: int, kind: str, on: dt.date, details: dict) -> MembershipEvent:
        return MembershipEvent(pk=pk, member=hoa, kind=kind, on=on, org=world.ph1, details=details)

    moved = event(
        901, EventKind.REASSIGNMENT, dt.date(2025, 7, 1), {"from": world.ph2.pk, "temporary": True}
    )
    admitted = event(
        902, EventKind.ADMISSION, dt.date(2010, 5, 3), {"over_60_authorisation": False}
    )
    with translation.override("vi"):
        html = _timeline_html(hoa, [admitted, moved], can_edit=False)
    assert "Chuyển đến từ: Chi bộ Thôn Hữu Đức" in html
    assert "Đang sinh hoạt tạm thời: có" in html
    assert "60" not in html and "không" not in html
    assert "from:" not in html and "False" not in html and f": {world.ph2.pk}<" not in html


def test_a_member_who_died_is_as_old_as_on_the_day_of_death_on_the_page_and_in_the_list(
    client, world
):
    """Found in Chromium: a member who died in 2023 was shown 76 years old in 2026. An, born
    01/07/1950, died 26/05/2023, five weeks before turning 73: 72 at death (worked by hand), on
    the page and in the roll of those who died; a living member's age still runs to today."""
    an = world.members["an"]
    event(an, "death", dt.date(2023, 5, 26))
    an.refresh_from_db()
    assert (an.status, an.status_since) == ("deceased", dt.date(2023, 5, 26))
    sign_in(client, world.an)
    page = client.get(reverse("members:detail", args=[an.pk])).content.decode()
    assert "01/07/1950 (72 tuổi khi từ trần)" in page
    # DOMAIN.md §3.2: party age counts from the admission decision, 02/03/2010 (conftest.admit),
    # and stops at death, 26/05/2023: 02/03/2010 → 02/05/2023 is 13 years 2 months, then 24 days
    # to 26/05 (worked by hand). It was not shown at all for a member who died.
    assert "<dt>Tuổi đảng khi từ trần</dt><dd>13 năm 2 tháng 24 ngày</dd>" in page
    roll = client.get(
        reverse("members:list"), {"org": world.ph1.code, "status": "deceased"}
    ).content.decode()
    rows = roll[roll.index('<tbody id="rows">') :]
    row = next(r for r in rows.split("<tr>") if f"/dang-vien/{an.pk}/" in r)
    assert '<td class="num">72</td>' in row
    hoa = world.members["hoa"]
    born = hoa.person.birth_date
    today = dt.date.today()
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    page = client.get(reverse("members:detail", args=[hoa.pk])).content.decode()
    assert f"({age} tuổi)" in page
    assert "<dt>Tuổi đảng</dt><dd>" in page and "khi từ trần" not in page


def test_the_page_around_the_facts_shows_what_was_typed_as_typed(client, world):
    """The rest of the page is written in Python too (members/page.py): a name and a cell's name
    typed with markup read as typed in the heading, the crumbs and the title; the reason the
    user gave for reading sensitive data, carried to the edit page, is escaped in its link; the
    buttons and links an officer may use are there, and none a viewer may not."""
    from dangvu.orgs.models import Organisation

    hoa = PartyMember.objects.select_related("person", "org").get(pk=world.members["hoa"].pk)
    Organisation.objects.filter(pk=hoa.org_id).update(name="Chi bộ Điện & Nước <số 1>")
    type(hoa.person).objects.filter(pk=hoa.person_id).update(full_name="Nguyễn <i>Hoa</i>")
    url = reverse("members:detail", args=[hoa.pk])
    sign_in(client, world.an)
    page = client.get(url, {"purpose": "other", "purpose_note": "hồ sơ & <lý lịch>"})
    html = page.content.decode()
    assert "<h1>Nguyễn &lt;i&gt;Hoa&lt;/i&gt;</h1>" in html and "<i>Hoa</i>" not in html
    assert "<title>Nguyễn &lt;i&gt;Hoa&lt;/i&gt;" in html
    assert "› Chi bộ Điện &amp; Nước &lt;số 1&gt;</p>" in html and "<số 1>" not in html
    edit = reverse("members:edit", args=[hoa.pk])
    carried = (
        'href="'
        + edit
        + "?purpose=other&amp;purpose_note=h%E1%BB%93+s%C6%A1+%26+%3Cl%C3%BD+l%E1%BB%8Bch%3E"
    )
    assert carried in html
    # An officer: edit, dues, discipline, the two logs; a viewer: none of them.
    for link in (
        reverse("activities:member_dues", args=[hoa.pk]),
        reverse("discipline:record", args=[hoa.pk]),
        reverse("change_log") + f"?record=members.partymember:{hoa.pk}",
    ):
        assert link in html
    sign_in(client, world.dung)
    seen = client.get(url).content.decode()
    assert "Nguyễn &lt;i&gt;Hoa&lt;/i&gt;" in seen
    assert edit not in seen and reverse("discipline:record", args=[hoa.pk]) not in seen
    assert reverse("change_log") not in seen.split('<main id="main">', 1)[1]


@pytest.mark.parametrize(
    ("parts", "vi", "en"),
    [
        ((12, 3, 5), "12 năm 3 tháng 5 ngày", "12 years, 3 months, 5 days"),
        ((1, 0, 1), "1 năm 1 ngày", "1 year, 1 day"),
        ((0, 1, 0), "1 tháng", "1 month"),
        ((0, 0, 0), "0 ngày", "0 days"),
    ],
)
def test_a_party_age_reads_as_people_say_it(parts, vi, en):
    """DOMAIN.md §3.2's party age in years, months and days, on the member's page: each part in
    the singular or plural its number asks ("1 year", not "1 years"), a part that is nought left
    out ("1 năm 1 ngày", not "1 năm 0 tháng 1 ngày")."""
    from dangvu.members.views import duration

    years, months, days = parts
    for language, expected in (("vi", vi), ("en", en)):
        with translation.override(language):
            assert duration(years=years, months=months, days=days) == expected


def test_the_temporary_cell_is_a_link_for_who_may_open_it_and_a_name_for_the_others(client, world):
    """Hoa, of PH-1, is active for a while in TS-1 (DOMAIN.md §3: a temporary transfer). The
    province's officer, who may open TS-1's page, finds it linked from her record; PH-1's
    secretary, who may not, reads its name without a link to a page that would refuse him."""
    from dangvu.members.events import event_record
    from tests.reports.conftest import decision

    hoa = world.members["hoa"]
    event_record(
        member=hoa,
        kind="temp_transfer_out",
        on=dt.date(2026, 11, 2),
        org=world.ts1,
        details={"until": dt.date(2027, 5, 1)},
        decision=decision(dt.date(2026, 11, 2), "5-QĐ/ĐU"),
        actor=None,
    )
    event_record(
        member=hoa, kind="temp_transfer_in", on=dt.date(2026, 11, 5), org=world.ts1, actor=None
    )
    link = f'<a href="{reverse("orgs:detail", args=[world.ts1.code])}">{world.ts1.name}</a>'
    url = reverse("members:detail", args=[hoa.pk])
    sign_in(client, world.an)
    assert link in client.get(url).content.decode()
    sign_in(client, world.binh)
    page = client.get(url).content.decode()
    assert world.ts1.name in page and link not in page


def test_an_events_details_show_what_tells_something():
    """Found in Chromium (6/12): an expulsion read "Quyết định kỷ luật: 2" — the discipline
    record's key, not a decision (the event shows its decision's number already); and the
    admission of a 33-year-old "Văn bản đồng ý của cấp ủy tỉnh (trên 60 tuổi): không". A key
    linking to another record is not shown, nor a yes-or-no detail that does not hold."""
    from dangvu.members.templatetags.member_labels import details_shown

    assert details_shown({"discipline": 2}) == []
    assert details_shown({"over_60_authorisation": False, "vote_date": "2024-03-01"}) == [
        ("vote_date", "2024-03-01")
    ]
    assert details_shown({"over_60_authorisation": True, "hardship": False}) == [
        ("over_60_authorisation", True)
    ]
    assert details_shown({"temporary": True, "from": 7}) == [("temporary", True), ("from", 7)]
    assert details_shown(None) == []
