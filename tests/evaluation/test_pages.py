"""The rating page: the secretary proposes for the cell, the commune decides (issue 7, point 2)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from dangvu.evaluation.models import Rating
from tests.conftest import sign_in
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
