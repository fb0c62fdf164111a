"""Awards in the web (issue 23, point 6): badges and commendations recorded for those chosen from
the lists, all or nothing; the proposal lists as DOCX and XLSX in the Party's format."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from docx import Document

from dangvu.accounts.models import Role
from dangvu.accounts.services import role_grant
from dangvu.awards.models import BadgeAward, Commendation
from tests.conftest import FOUNDED, admit, make_org, sign_in
from tests.evaluation.test_ratings import five_years, ph1_members  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.once]

DAY = "19/05/2026"  # the award day of 19 May (DOMAIN.md §3)


@pytest.fixture
def veteran(world):
    """Admitted on 02/03/1995 in a cell of a province whose tree goes back to 1990: 31 years of
    party age on 19/05/2026, so the 30-year badge is due (the highest tier reached and not
    received, §3.1). `an` is this province's officer too."""
    old = make_org("TU-C", "Đảng bộ tỉnh Cũ", "provincial", None, on=dt.date(1990, 1, 1))
    cell = make_org(
        "C-1", "Chi bộ Thôn Phước Lập Cũ", "grassroots_cell", old, on=dt.date(1990, 1, 1)
    )
    role_grant(user=world.an, org=old, role=Role.ORG_OFFICER, valid_from=FOUNDED, actor=None)
    return admit(
        cell, "Trần Văn Lão", birth=dt.date(1960, 4, 4), decided=dt.date(1995, 3, 2),
        ceremony=dt.date(1995, 3, 20),
    )  # fmt: skip


def decision(number):
    return {"decision_number": number, "decision_date": "15/05/2026", "decision_issuer": "Ban Thường vụ Tỉnh ủy"}  # fmt: skip


@pytest.mark.both_databases  # the database answers the query
def test_badges_recorded_for_those_chosen_all_or_nothing(client, world, veteran):
    sign_in(client, world.an)
    url = reverse("awards:org", args=["TU-C"]) + f"?ngay={DAY}"
    page = client.get(url).content.decode()
    assert f'value="{veteran.pk}:30"' in page and "Trần Văn Lão" in page
    hoa = world.members["hoa"]  # admitted 2010: no badge due; forged into the post
    refused = client.post(
        url, {"action": "badges", "badge": [f"{veteran.pk}:30", f"{hoa.pk}:30"], **decision("1-QĐ/TU")}
    )  # fmt: skip
    assert refused.status_code == 200
    assert "Nguyễn Thị Hoa: Chưa đến lúc tặng Huy hiệu 30 năm" in refused.content.decode()
    assert f'value="{veteran.pk}:30" checked' in refused.content.decode()  # the ticks are kept
    assert not BadgeAward.objects.exists()
    done = client.post(
        url, {"action": "badges", "badge": [f"{veteran.pk}:30"], **decision("2-QĐ/TU")}
    )
    assert done.status_code == 302
    award = BadgeAward.objects.get()
    assert (award.member, award.tier, award.awarded_on) == (veteran, 30, dt.date(2026, 5, 19))
    assert f'value="{veteran.pk}:30"' not in client.get(url).content.decode()


def test_a_viewer_sees_the_lists_but_records_nothing(client, world, veteran):
    sign_in(client, world.dung)
    url = reverse("awards:org", args=["TU-C"]) + f"?ngay={DAY}"
    assert 'name="badge"' not in client.get(url).content.decode()
    client.post(url, {"action": "badges", "badge": [f"{veteran.pk}:30"], **decision("3-QĐ/TU")})
    assert not BadgeAward.objects.exists()


def test_commendations_recorded_from_the_candidates(client, world, ph1_members):  # noqa: F811
    five_years(world, ph1_members)
    hoa = world.members["hoa"]
    sign_in(client, world.an)
    url = reverse("awards:org", args=["X-PH"]) + "?period=2019-2023"
    assert f'name="member" value="{hoa.pk}"' in client.get(url).content.decode()
    answer = client.post(
        url, {"action": "commend", "member": [hoa.pk], "kind": "giay_khen", "multiple": "1,5", **decision("9-QĐ/ĐU")}
    )  # fmt: skip
    assert answer.status_code == 302, answer.content.decode()[-1500:]
    c = Commendation.objects.get()
    assert (c.member, c.kind, c.giver, c.first_year, c.last_year) == (
        hoa, "giay_khen", world.phuoc_hai, 2019, 2023,
    )  # fmt: skip
    assert c.amount == int(c.base_salary * 1.5)


def test_the_proposal_lists_open_as_party_documents(client, world, veteran):
    sign_in(client, world.an)
    base = reverse("reports:award_list", args=["TU-C", "huy-hieu", "docx"])
    docx = client.get(base, {"ngay": DAY})
    assert docx["Content-Type"].endswith("wordprocessingml.document")
    heading, table, _signature = Document(io.BytesIO(docx.content)).tables
    assert heading.rows[0].cells[1].paragraphs[0].text == "ĐẢNG CỘNG SẢN VIỆT NAM"
    rows = [[c.text for c in r.cells] for r in table.rows]
    assert rows[0][:3] == ["TT", "Họ và tên", "Ngày sinh"]
    lao = next(r for r in rows if r[1] == "Trần Văn Lão")
    assert lao[2:7] == ["04/04/1960", "Chi bộ Thôn Phước Lập Cũ", "02/03/1995", "31", "30 năm"]
    xlsx = client.get(
        reverse("reports:award_list", args=["TU-C", "huy-hieu", "xlsx"]), {"ngay": DAY}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0].startswith("ĐẢNG BỘ") and any("HUY HIỆU ĐẢNG" in str(v[0]) for v in values)
    assert any(row[1] == "Trần Văn Lão" and row[4] == "02/03/1995" for row in values)
    # another subtree's officer gets nothing
    sign_in(client, world.cuong)
    assert (
        client.get(reverse("reports:award_list", args=["X-PH", "huy-hieu", "docx"])).status_code
        == 404
    )
