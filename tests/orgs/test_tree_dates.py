"""The tree for any date starts from the tops of that date (issue 19, point 3): Ninh Thuận and
Khánh Hòa on 31/12/2024, the merged Khánh Hòa from 1/7/2025 (DOMAIN.md §10.2–§10.3) — in the
command, the API and the tree page of an officer whose grant is on the organisation of today."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from dangvu.accounts.models import Role
from dangvu.accounts.services import role_grant
from dangvu.core.numbers import vn_number
from dangvu.members.selectors import stats
from dangvu.orgs.models import Organisation, Placement, valid_on
from tests.conftest import make_user, sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def tree(*args: str) -> list[dict[str, str]]:
    out = io.StringIO()
    call_command("org", "tree", *args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())["organisations"]


def tops(*args: str) -> list[str]:
    return [o["code"] for o in tree(*args) if o["parent"] is None]


def test_the_tree_of_a_day_starts_from_the_tops_of_that_day(demo):
    assert tops("--as-of", "2024-12-31") == ["TU-NT", "TU-KHC"]
    assert tops("--as-of", "2025-06-30") == ["TU-NT", "TU-KHC"]
    assert tops("--as-of", "2025-07-01") == ["TU-KH"]
    assert tops() == ["TU-KH"]
    below = tree("--as-of", "2024-12-31", "--root", "NT-NP")  # --root as before
    assert below[0]["code"] == "NT-NP" and below[0]["parent"] == "TU-NT" and len(below) > 20

    officer = make_user("hoa_kh", "Lê Thị Hòa")
    kh = Organisation.objects.get(code="TU-KH")
    role_grant(user=officer, org=kh, role=Role.VIEWER, valid_from=dt.date(2025, 7, 1), actor=None)
    client = sign_in(Client(), officer)
    api = client.get("/api/v1/orgs/tree", {"as_of": "2024-12-31"}).json()["organisations"]
    assert [o["code"] for o in api if o["parent"] is None] == ["TU-NT", "TU-KHC"]
    assert {o["code"] for o in api} >= {"NT-NP", "NT-KCQ", "KH-NTR"}

    page = client.get(reverse("orgs:tree"), {"ngay": "31/12/2024"}).content.decode()
    nt = Organisation.objects.get(code="TU-NT")
    count = stats(nt, dt.date(2024, 12, 31))["members.total"]
    assert "Đảng bộ tỉnh Ninh Thuận" in page
    assert count > 0 and f"{vn_number(count)} đảng viên" in page


def test_then_and_now_of_the_demo_province_is_light_and_opens_deeper_levels_on_demand(demo):
    """Issue 19, point 6: "then and now" for the demo province under 150 KB (it was 718 KB, 12 s
    on a 512 kbit/s link): each date's tops and their direct subordinates, deeper on demand."""
    officer = make_user("lan_kh", "Trần Thị Lan")
    kh = Organisation.objects.get(code="TU-KH")
    role_grant(user=officer, org=kh, role=Role.VIEWER, valid_from=dt.date(2025, 7, 1), actor=None)
    client = sign_in(Client(), officer)
    response = client.get(reverse("orgs:compare"), {"truoc": "30/06/2025", "sau": "31/12/2025"})
    page = response.content.decode()
    assert response.status_code == 200 and len(response.content) < 150_000
    before, after = page.split("31/12/2025</h2>")
    nt, khc = (Organisation.objects.get(code=c) for c in ("TU-NT", "TU-KHC"))
    for org, column in ((nt, before), (khc, before), (kh, after)):
        day = dt.date(2025, 6, 30) if column is before else dt.date(2025, 12, 31)
        assert f"{vn_number(stats(org, day)['members.total'])} đảng viên" in column
    # Every district of Ninh Thuận then, every new commune and ward of Khánh Hòa now, each opening
    # on its own date; nothing deeper is on the page.
    for district in Placement.objects.filter(valid_on(dt.date(2025, 6, 30)), parent=nt):
        assert f"{district.org.code}/cap-duoi/?ngay=30/06/2025" in before
    communes = Placement.objects.filter(valid_on(dt.date(2025, 12, 31)), parent=kh)
    assert communes.count() > 20
    for commune in communes:
        assert f"{commune.org.code}/cap-duoi/?ngay=31/12/2025" in after
    a_cell = Placement.objects.filter(valid_on(dt.date(2025, 6, 30)), kind="cell").first()
    assert a_cell.org.name not in page
    opened = client.get(
        reverse("orgs:children", args=[a_cell.parent.code]),
        {"ngay": "30/06/2025"},
        HTTP_HX_REQUEST="true",
    )
    assert a_cell.org.name in opened.content.decode()
