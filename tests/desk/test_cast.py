"""The demo has a cast (issue 23, point 10): accounts with roles, passwords returned once, and a
draft review whose comments wait for the admin's answer."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from dangvu.accounts.models import Role, RoleGrant, User
from dangvu.accounts.scope import scope_for
from dangvu.demo.cast import build_cast
from dangvu.orgs.models import Organisation
from dangvu.reports.models import Comment
from tests.conftest import sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.once]


def test_the_demo_cast_can_sign_in_and_finds_work_waiting(demo):
    province = Organisation.objects.get(code="TU-KH")
    cast = {p.username: p for p in build_cast(province)}
    assert set(cast) == {"admin", "phuong", "chibo1", "chibo2", "gopy", "kiemtra", "quantri"}
    assert len({p.password for p in cast.values()}) == 7  # random, one each
    for username, player in cast.items():
        assert User.objects.get(username=username).check_password(player.password), username
    grants = {g.user.username: g for g in RoleGrant.objects.select_related("user", "org")}
    ward = grants["phuong"].org
    assert grants["phuong"].role == Role.ORG_OFFICER and ward.kind == "commune_superior"
    for secretary in ("chibo1", "chibo2"):
        assert grants[secretary].role == Role.SECRETARY
        assert grants[secretary].org.parent == ward
    assert grants["admin"].sensitive and grants["admin"].org == province
    assert grants["kiemtra"].role == Role.INSPECTION_OFFICER and grants["kiemtra"].org == province
    assert User.objects.get(username="quantri").is_superuser
    assert scope_for(User.objects.get(username="quantri")).empty  # no member data
    # the draft review: two comments for the admin to answer, on the admin's home page
    assert Comment.objects.filter(answer="", run__created_by__username="admin").count() == 2
    page = sign_in(Client(), User.objects.get(username="admin")).get(reverse("home"))
    assert "Góp ý chờ đồng chí tiếp thu, giải trình (2)" in page.content.decode()
    # run again (make run on an existing demo): nobody is created twice, no password reprinted
    assert build_cast(province) == []
