"""One door to data: a role on an organisation covers its subtree; outside it, 404 (STYLE.md 6, 10)."""

import datetime as dt

import pytest
from django.urls import reverse

from dangvu.accounts.scope import scope_for
from dangvu.members.selectors import MemberFilters, member_list, visible_members
from dangvu.tree.selectors import visible_orgs
from tests.conftest import make_org, sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def test_a_grant_covers_the_subtree(world):
    assert set(visible_orgs(world.binh).values_list("code", flat=True)) == {"PH-1"}
    assert set(visible_orgs(world.cuong).values_list("code", flat=True)) == {"X-TS", "TS-1"}
    assert visible_orgs(world.an).count() == 7


def test_the_organisations_of_a_scope_are_read_anew_for_each_caller(world):
    # visible_orgs keeps the filter it built for a scope, never what a caller read with it: a
    # list read, a filter added, an organisation formed since — the next caller sees none of it.
    first = visible_orgs(world.cuong)
    assert {o.code for o in first} == {"X-TS", "TS-1"}
    narrowed = visible_orgs(world.cuong).filter(code="TS-1")
    assert [o.code for o in narrowed] == ["TS-1"]
    commune = first.get(code="X-TS")
    make_org("TS-2", "Chi bộ Thôn 2", "cell", parent=commune)
    again = visible_orgs(world.cuong)
    assert again is not first
    assert {o.code for o in again} == {"X-TS", "TS-1", "TS-2"}
    assert {o.code for o in visible_orgs(world.binh)} == {"PH-1"}
    # Found by review: `&` with a related manager adds the parent it was read from to the records
    # the queryset knows as related — shared with the kept original, it became every later
    # caller's parent of TS-1, with what an earlier request had done to it.
    parent = visible_orgs(world.cuong).get(code="X-TS")
    parent.name = "Tên của một yêu cầu trước"
    _combined = visible_orgs(world.cuong) & parent.current_children.all()
    later = visible_orgs(world.cuong).get(code="TS-1")
    assert later.parent is not parent
    assert later.parent.name == commune.name


def test_an_account_administrator_sees_no_member_data_without_a_role(world):
    assert scope_for(world.admin).empty
    assert visible_members(world.admin).count() == 0


def test_an_expired_grant_gives_nothing(world):
    grant = world.binh.grants.get()
    grant.valid_to = dt.date(2020, 1, 1)
    grant.save()
    world.binh.refresh_from_db()
    assert visible_members(world.binh).count() == 0


def test_secretary_of_one_cell_cannot_see_a_member_of_another_by_list_or_search(world):
    thanh = world.members["thanh"]  # in PH-2
    names = {m.person.full_name for m in visible_members(world.binh).select_related("person")}
    assert names == {"Nguyễn Thị Hoa", "Nguyễn Văn An"}
    rows, _token = member_list(world.binh, world.ph1, MemberFilters(q="dang van thanh"))
    assert rows == []
    assert thanh.pk not in set(visible_members(world.binh).values_list("pk", flat=True))


@pytest.fixture
def as_binh(client, world):
    client.force_login(world.binh)
    return client


def test_secretary_gets_404_for_another_cells_member_page_and_edit_form(as_binh, world):
    for name in ("members:detail", "members:edit"):
        assert as_binh.get(reverse(name, args=[world.members["thanh"].pk])).status_code == 404
        assert as_binh.get(reverse(name, args=[world.members["son"].pk])).status_code == 404
    assert as_binh.get(reverse("members:detail", args=[world.members["hoa"].pk])).status_code == 200


def test_secretary_gets_404_for_another_cells_list_stats_and_export(as_binh, world):
    for name in ("members:list", "members:stats", "exchange:member_export"):
        response = as_binh.get(reverse(name), {"org": "PH-2"})
        assert response.status_code == 404, name
    assert as_binh.get(reverse("orgs:detail", args=["PH-2"])).status_code == 404
    assert as_binh.get(reverse("orgs:detail", args=["X-PH"])).status_code == 404


def test_secretary_search_in_own_cell_does_not_reach_other_cells(as_binh, world):
    response = as_binh.get(reverse("members:list"), {"org": "PH-1", "q": "thanh"})
    assert response.status_code == 200
    assert "Đàng Văn Thành" not in response.content.decode()


def test_secretary_export_holds_only_own_cell(as_binh, world):
    body = as_binh.get(
        reverse("exchange:member_export"), {"org": "PH-1", "purpose": "report"}
    ).content.decode("utf-8-sig")
    assert "Nguyễn Thị Hoa" in body and "Nguyễn Văn An" in body
    assert "Đàng Văn Thành" not in body and "Lê Minh Sơn" not in body


def test_secretary_stats_count_only_own_cell(as_binh, world):
    data = as_binh.get(
        reverse("members:stats"), {"org": "PH-1", "format": "json", "ngay": "31/12/2024"}
    ).json()
    assert data["indicators"]["members.total"] == 2


@pytest.mark.parametrize("who", ["anonymous", "admin", "cuong", "dung"])
def test_permission_matrix_for_editing_a_member_of_ph1(client, world, who):
    """Anonymous: sign-in page; no role or other subtree: 404; viewer in scope: 404 for the form;
    and in every case nothing changes."""
    member = world.members["hoa"]
    if who != "anonymous":
        sign_in(client, getattr(world, who))
    url = reverse("members:edit", args=[member.pk])
    response = client.post(url, {"full_name": "Tên Bị Đổi", "reason": "x"})
    if who == "anonymous":
        assert response.status_code == 302 and "dang-nhap" in response["Location"]
    else:
        assert response.status_code == 404
    member.person.refresh_from_db()
    assert member.person.full_name == "Nguyễn Thị Hoa"


def test_every_page_requires_sign_in(client, world):
    for url in (
        reverse("orgs:tree"),
        reverse("members:list"),
        reverse("orgs:detail", args=["TU-T"]),
        reverse("members:detail", args=[world.members["hoa"].pk]),
        reverse("members:stats"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_grant_covers_its_organisations_predecessors_to_every_generation(world):
    """DOMAIN.md §10: an organisation formed from others answers for their past, so a grant on it
    covers them and theirs. PH-2 merged into PH-1, and TS-1 into PH-2 before that: the secretary
    of PH-1 sees both (two generations, one statement); a lineage leading back to PH-1 itself
    (TS-1 ← PH-1, a correction's loop) ends the walk instead of running forever."""
    from dangvu.orgs.models import Lineage

    ph1, ph2, ts1 = world.ph1, world.ph2, world.ts1
    on = dt.date(2025, 7, 1)
    Lineage.objects.create(predecessor=ph2, successor=ph1, relation="merged_into", on=on)
    Lineage.objects.create(predecessor=ts1, successor=ph2, relation="merged_into", on=on)
    Lineage.objects.create(predecessor=ph1, successor=ts1, relation="merged_into", on=on)
    world.binh.refresh_from_db()
    assert set(scope_for(world.binh).paths) == {ph1.path, ph2.path, ts1.path}
    names = {m.person.full_name for m in visible_members(world.binh).select_related("person")}
    assert names == {"Nguyễn Thị Hoa", "Nguyễn Văn An", "Đàng Văn Thành", "Lê Minh Sơn"}
    # The lineage gives nothing to a grant on an organisation with no predecessors.
    assert set(scope_for(world.cuong).paths) == {world.tan_son.path}


def test_each_grant_covers_its_own_organisations_history_read_with_the_grants(world):
    """DOMAIN.md §10, one user with two grants: a viewer on TS-1, which PH-2 merged into, and a
    secretary on PH-1. Seeing reaches TS-1's predecessor PH-2; changing records does not, since
    the grant that may change them is PH-1's, which has none. The grants and the history they
    cover are read in one statement, once a request, whatever is asked after."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dangvu.accounts.models import Ability, Role, User
    from dangvu.accounts.services import role_grant
    from dangvu.orgs.models import Lineage
    from tests.conftest import FOUNDED, make_user

    two = make_user("hai", "Người Hai Vai")
    role_grant(user=two, org=world.ts1, role=Role.VIEWER, valid_from=FOUNDED, actor=None)
    role_grant(user=two, org=world.ph1, role=Role.SECRETARY, valid_from=FOUNDED, actor=None)
    Lineage.objects.create(
        predecessor=world.ph2, successor=world.ts1, relation="merged_into", on=dt.date(2025, 7, 1)
    )
    fresh = User.objects.get(pk=two.pk)  # as each request reads its user
    with CaptureQueriesContext(connection) as read:
        seeing = scope_for(fresh)
        changing = scope_for(fresh, Ability.MANAGE_MEMBERS)
        scope_for(fresh, Ability.VIEW_SENSITIVE)
    assert len(read.captured_queries) == 1
    assert set(seeing.paths) == {world.ts1.path, world.ph2.path, world.ph1.path}
    assert set(changing.paths) == {world.ph1.path}
    assert not changing.covers(world.ph2.path)


def test_the_scope_s_three_forms_keep_the_same_members(world):
    """A scope is asked three ways: as a filter (`member_q`, the lists), of one record read by its
    key (`covers_member`: get_member) and as SQL written by hand (`member_sql`: the roll). For
    every kind of scope — the system's (unrestricted), none (an account administrator), a cell, a
    commune, the province, a member's own record only, and a grant that reaches predecessors —
    the three keep exactly the same members."""
    from django.db import connection

    from dangvu.accounts.models import Role
    from dangvu.accounts.services import role_grant
    from dangvu.members.models import PartyMember
    from dangvu.orgs.models import Lineage
    from tests.conftest import FOUNDED, make_user

    own = make_user("thanh", "Đàng Văn Thành")
    own.member_id = world.members["thanh"].pk
    own.save()
    role_grant(user=own, org=world.ph2, role=Role.MEMBER_SELF, valid_from=FOUNDED, actor=None)
    Lineage.objects.create(
        predecessor=world.ts1, successor=world.ph2, relation="merged_into", on=dt.date(2025, 7, 1)
    )
    heir = make_user("heir", "Người Kế Nhiệm")
    role_grant(user=heir, org=world.ph2, role=Role.SECRETARY, valid_from=FOUNDED, actor=None)
    everyone = {m.pk: m for m in PartyMember.objects.select_related("org")}
    assert len(everyone) == 4
    for user in (None, world.admin, world.binh, world.cuong, world.an, own, heir):
        scope = scope_for(user)
        by_filter = set(PartyMember.objects.filter(scope.member_q()).values_list("pk", flat=True))
        by_record = {pk for pk, m in everyone.items() if scope.covers_member(m)}
        condition, params = scope.member_sql("o.path", "m.id", within="")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT m.id FROM members_partymember m JOIN orgs_organisation o "  # noqa: S608
                f"ON o.id = m.org_id WHERE {condition or '1 = 1'}",
                params,
            )
            by_sql = {pk for (pk,) in cursor.fetchall()}
        assert by_filter == by_record == by_sql, user
    # The cases differ from one another: the test is not of everything or nothing.
    assert {pk for pk, m in everyone.items() if scope_for(own).covers_member(m)} == {
        world.members["thanh"].pk
    }
    heir_sees = {m.person.full_name for m in visible_members(heir).select_related("person")}
    assert heir_sees == {"Đàng Văn Thành", "Lê Minh Sơn"}  # PH-2's, and TS-1's through the lineage
