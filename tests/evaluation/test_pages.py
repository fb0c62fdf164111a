"""The rating page: the secretary proposes for the cell, the commune decides (issue 7, point 2)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from dangvu.evaluation.models import Rating
from tests.conftest import admit, sign_in
from tests.evaluation.helpers import disciplined

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def test_the_secretary_proposes_and_the_commune_decides_through_the_pages(client, world):
    hoa, an = world.members["hoa"], world.members["an"]
    disciplined("canh_cao", dt.date(2024, 3, 4), member=hoa)
    sign_in(client, world.binh)
    url = reverse("evaluation:org", args=["PH-1", 2024])
    page = client.get(url)
    assert page.status_code == 200
    assert (
        "Nguyễn Thị Hoa" in page.content.decode()
        and "Chi bộ Thôn Phước Lập" in page.content.decode()
    )
    # A warned member proposed HTTNV: refused with her name and the rule, nothing written.
    answer = client.post(
        url, {"action": "propose", f"level_{hoa.pk}": "HTTNV", f"level_{an.pk}": "HTTNV"}
    )
    text = answer.content.decode()
    assert (
        answer.status_code == 200
        and "Nguyễn Thị Hoa: Bị kỷ luật trong năm (Cảnh cáo, 04/03/2024)" in text
    )
    assert not Rating.objects.exists()
    answer = client.post(
        url, {"action": "propose", f"level_{hoa.pk}": "KHTNV", f"level_{an.pk}": "HTTNV"}
    )
    assert answer.status_code == 302
    assert dict(Rating.objects.values_list("member_id", "proposed_level")) == {
        hoa.pk: "KHTNV",
        an.pk: "HTTNV",
    }
    # The secretary cannot decide at the commune.
    commune = reverse("evaluation:org", args=["X-PH", 2024])
    assert client.post(commune, {"action": "decide"}).status_code in (403, 404)
    client.logout()
    sign_in(client, world.an)
    page = client.get(commune).content.decode()
    assert "Đề xuất chờ quyết định" in page and "Nguyễn Văn An" in page
    ratings = {r.member_id: r for r in Rating.objects.all()}
    answer = client.post(
        commune,
        {
            "action": "decide",
            f"decide_{ratings[hoa.pk].pk}": "KHTNV",
            f"decide_{ratings[an.pk].pk}": "HTTNV",
            "decision_number": "120-QĐ/ĐU",
            "decision_date": "22/12/2024",
        },
    )
    assert answer.status_code == 302
    assert dict(Rating.objects.values_list("member_id", "level")) == {
        hoa.pk: "KHTNV",
        an.pk: "HTTNV",
    }
    assert Rating.objects.get(member=an).decision.number == "120-QĐ/ĐU"
    # The member page shows the rating to a user with the permission who says why (issue 21,
    # point 5: ratings are sensitive), not otherwise.
    page = reverse("members:detail", args=[an.pk])
    assert "HTTNV" not in client.get(page).content.decode()
    assert "HTTNV" in client.get(page, {"purpose": "dossier"}).content.decode()


def test_the_level_is_worked_out_from_the_score(client, world):
    """DOMAIN.md §16.1 1.2 (QĐ 366, HD 43): 90 points and up is HTXSNV only with at least 30 % of
    the tasks done beyond what was asked. By hand: Hoa 27 + 65 = 92 with 40 % exceeded →
    HTXSNV; An 26,5 + 62 = 88,5 → HTTNV (70 to under 90), and HTXSNV chosen for him is refused."""
    hoa, an = world.members["hoa"], world.members["an"]
    sign_in(client, world.binh)
    url = reverse("evaluation:org", args=["PH-1", 2025])
    # a level the score does not allow is refused with the rule, nothing written
    answer = client.post(
        url,
        {
            "action": "propose",
            f"level_{an.pk}": "HTXSNV",
            f"general_{an.pk}": "26,5",
            f"tasks_{an.pk}": "62",
        },
    )
    assert answer.status_code == 200 and "88,5" in answer.content.decode()
    assert not Rating.objects.exists()
    answer = client.post(
        url,
        {
            "action": "propose",
            f"general_{hoa.pk}": "27",
            f"tasks_{hoa.pk}": "65",
            f"exceeded_{hoa.pk}": "40",
            f"general_{an.pk}": "26,5",
            f"tasks_{an.pk}": "62",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[-3000:]
    assert dict(Rating.objects.values_list("member_id", "proposed_level")) == {
        hoa.pk: "HTXSNV",
        an.pk: "HTTNV",
    }
    # 28 + 64 = 92 is in the HTXSNV band, but without 30 % of the tasks exceeded the score allows
    # HTTNV: worked out so, and the page says why; a score out of its range is named as such
    Rating.objects.all().delete()
    answer = client.post(
        url,
        {"action": "propose", f"general_{an.pk}": "28", f"tasks_{an.pk}": "64"},
        follow=True,
    )
    assert Rating.objects.get(member=an).proposed_level == "HTTNV"
    assert (
        "Nguyễn Văn An: 92 điểm, xếp HTTNV — Mức HTXSNV cần ít nhất 30%" in answer.content.decode()
    )
    answer = client.post(
        url, {"action": "propose", f"general_{an.pk}": "35", f"tasks_{an.pk}": "60"}
    )
    assert "Nhóm tiêu chí chung được chấm từ 0 đến 30 điểm" in answer.content.decode()


def test_everyone_else_httnv_in_one_action_and_the_citation_once(client, world):
    hoa, an = world.members["hoa"], world.members["an"]
    sign_in(client, world.binh)
    url = reverse("evaluation:org", args=["PH-1", 2024])
    answer = client.post(url, {"action": "propose", f"level_{hoa.pk}": "HTNV", "rest": "HTTNV"})
    assert answer.status_code == 302
    assert dict(Rating.objects.values_list("member_id", "proposed_level")) == {
        hoa.pk: "HTNV",
        an.pk: "HTTNV",
    }
    # Two members admitted in the autumn (ceremony 20/10/2024, under 6 months before the review)
    # are not reviewed for 2024: each with its reason, the
    # regulation cited once above them (not on every row)
    for name in ("Phan Văn Một", "Phan Văn Hai"):
        admit(
            world.ph2,
            name,
            decided=dt.date(2024, 10, 1),
            ceremony=dt.date(2024, 10, 20),
            recognised=False,
        )
    sign_in(client, world.an)
    page = client.get(reverse("evaluation:org", args=["PH-2", 2024])).content.decode()
    assert page.count("Kết nạp ngày 20/10/2024") == 2
    assert page.count("Quy định 124-QĐ/TW") == 2  # the rules' line at the top, the list's heading


def test_an_organisation_proposes_its_own_rating_and_its_superior_decides_it(client, world):
    """§1.5: a cell under a committee rates itself and the committee decides."""
    sign_in(client, world.binh)
    url = reverse("evaluation:org", args=["PH-1", 2024])
    hoa = world.members["hoa"]  # a member's proposal waits beside the cell's own
    client.post(url, {"action": "propose", f"level_{hoa.pk}": "HTTNV"})
    answer = client.post(url, {"action": "own", "own_self_level": "HTTNV", "own_level": "HTTNV"})
    assert answer.status_code == 302
    rating = Rating.objects.get(org=world.ph1, year=2024)
    assert (rating.self_level, rating.proposed_level, rating.level) == ("HTTNV", "HTTNV", "")
    sign_in(client, world.an)
    commune = reverse("evaluation:org", args=["X-PH", 2024])
    page = client.get(commune).content.decode()
    assert "Tập thể tổ chức đảng" in page  # the cell's own proposal, beside its members'
    answer = client.post(
        commune,
        {
            "action": "decide",
            f"decide_{rating.pk}": "HTTNV",
            "decision_number": "121-QĐ/ĐU",
            "decision_date": "22/12/2024",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[-2000:]
    rating.refresh_from_db()
    assert rating.level == "HTTNV" and rating.deciding_org == world.phuoc_hai
    page = client.get(url).content.decode()
    assert "121-QĐ/ĐU" in page
