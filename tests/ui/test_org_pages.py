"""Changing the tree through its pages: the same services, errors on the fields, officers only."""

import re

import pytest
from django.urls import reverse

from dangvu.orgs.models import Organisation

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

DECISION = {
    "decision_number": "15-QĐ/HU",
    "decision_date": "01/03/2024",
    "decision_issuer": "Ban Thường vụ Huyện ủy",
}


def test_an_officer_renames_through_the_form_and_the_history_shows_it(client, world):
    client.force_login(world.an)
    url = reverse("orgs:rename", args=["PH-2"])
    response = client.post(url, {"name": "Chi bộ Thôn Hữu Đức 2", "on": "01/03/2024", **DECISION})
    assert response.status_code == 302
    page = client.get(reverse("orgs:detail", args=["PH-2"])).content.decode()
    assert "Chi bộ Thôn Hữu Đức 2" in page and "Đổi tên" in page and "15-QĐ/HU" in page


def test_moving_under_an_organisation_not_offered_names_the_field(client, world):
    client.force_login(world.an)
    page = client.post(
        reverse("orgs:move", args=["PH-2"]), {"parent": "zz-404", "on": "01/03/2024", **DECISION}
    )
    assert page.status_code == 200
    body = page.content.decode()
    assert "Tổ chức đảng cấp trên mới</a>: Chọn một tổ chức trong danh sách" in body
    assert Organisation.objects.get(code="PH-2").parent == world.phuoc_hai


def test_a_cycle_is_refused_on_the_form(client, world):
    client.force_login(world.an)
    page = client.post(
        reverse("orgs:move", args=["X-PH"]), {"parent": "PH-1", "on": "01/03/2024", **DECISION}
    )
    assert "chu trình" in page.content.decode()


def test_creating_a_cell_with_a_bad_code_shows_the_rule(client, world):
    client.force_login(world.an)
    data = {
        "code": "chi bo 3",
        "name": "Chi bộ 3",
        "kind": "cell",
        "category": "",
        "established_on": "01/03/2024",
        **DECISION,
    }
    page = client.post(reverse("orgs:create_child", args=["X-PH"]), data).content.decode()
    assert "Mã gồm 2 đến 32 ký tự" in page
    data["code"] = "ph-3"
    response = client.post(reverse("orgs:create_child", args=["X-PH"]), data)
    assert (
        response.status_code == 302
        and Organisation.objects.get(code="PH-3").parent == world.phuoc_hai
    )


@pytest.mark.parametrize("name", ["orgs:rename", "orgs:move", "orgs:dissolve", "orgs:create_child"])
def test_a_secretary_cannot_open_the_tree_forms(client, world, name):
    client.force_login(world.binh)
    assert client.get(reverse(name, args=["PH-1"])).status_code == 404


def test_an_organisation_s_history_names_its_superiors_and_hides_paths(client, world):
    """Issue 23, point 5 (found in Chromium): a move's entry showed "Parent: 1750 → 1827", the
    materialised path and the decision as a dictionary with an ISO date."""
    import datetime as dt

    from dangvu.tree.services import org_move
    from tests.conftest import decision

    org_move(
        org=world.ph2,
        new_parent=world.tan_son,
        on=dt.date(2024, 3, 1),
        decision=decision(dt.date(2024, 3, 1), "15-QĐ/HU"),
        actor=world.an,
    )
    client.force_login(world.an)
    page = client.get(reverse("orgs:detail", args=["PH-2"])).content.decode()
    history = page[page.index('id="history"') :]
    assert "Đảng bộ xã Phước Hải" in history and "Đảng bộ thị trấn Tân Sơn" in history
    assert not re.search(r"\b\d{14,}\b", history)  # no materialised path
    assert "{'number'" not in history and "2024-03-01" not in history
