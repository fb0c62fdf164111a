"""Search by a part of a name, served by the province's trigrams (issue 28, point 1; members.search):
the same answers as the LIKE on the accent-free name, and the stored keys true through every way a
name or a cell changes."""

import datetime as dt
import itertools
import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from dangvu.core.text import search_key
from dangvu.members import search
from dangvu.members.events import event_record
from dangvu.members.models import PartyMember
from dangvu.members.selectors import MemberFilters, member_list
from dangvu.members.services import PersonInput, member_update, members_bulk_update
from dangvu.orgs.models import Organisation
from dangvu.tree.services import org_move
from tests.conftest import admit, decision, make_org

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]
D = dt.date


def found(user, org, q):
    rows, _token = member_list(user, org, MemberFilters(q=q, status=""), limit=1000)
    return sorted(m.person.full_name for m in rows)


def in_the_records(org, q):
    """What the LIKE alone answers, computed here from the names, not by the database."""
    key = search_key(q)
    members = PartyMember.objects.filter(org__path__startswith=org.path).select_related("person")
    return sorted(m.person.full_name for m in members if key in search_key(m.person.full_name))


@pytest.fixture
def elsewhere(world):
    """A second province with a cell, and a namesake of Nguyễn Văn An in it."""
    province = make_org("TU-K", "Đảng bộ tỉnh Khác", "provincial", None)
    district = make_org("HU-K", "Đảng bộ huyện Khác", "district", province)
    commune = make_org("X-K", "Đảng bộ xã Khác", "grassroots_committee", district, category="xa")
    cell = make_org("K-1", "Chi bộ Thôn Khác", "cell", commune)
    admit(cell, "Nguyễn Văn An", birth=D(1970, 1, 1))
    admit(cell, "Hoàng Thị Lan", sex="F", birth=D(1988, 4, 4))
    return province, district, cell


def test_worked_examples_in_the_named_world(world, elsewhere):
    """By hand: the names of Tỉnh Thử Nghiệm's members, accent-free, are "nguyen thi hoa",
    "nguyen van an", "dang van thanh" and "le minh son".
    - "an" (shorter than a trigram: the subtree is read) is in "nguyen van an" (twice) and in
      "dang van thanh" (three times), not in the others;
    - "van a" only in "nguyen van an": "dang van thanh" has "van t";
    - "uyen", inside a word, in both Nguyễn;
    - "Nguyễn Văn An" typed with its accents and capitals finds Tỉnh Thử Nghiệm's An, not the
      namesake in Tỉnh Khác, whose province is not the one searched;
    - "lan" is in Tỉnh Khác only: nothing here."""
    an = world.an  # the provincial officer of Tỉnh Thử Nghiệm
    assert found(an, world.province, "an") == ["Nguyễn Văn An", "Đàng Văn Thành"]
    assert found(an, world.province, "van a") == ["Nguyễn Văn An"]
    assert found(an, world.province, "uyen") == ["Nguyễn Thị Hoa", "Nguyễn Văn An"]
    assert found(an, world.province, "NGUYỄN Văn An") == ["Nguyễn Văn An"]
    assert found(an, world.province, "lan") == []
    assert found(an, world.phuoc_hai, "thanh") == ["Đàng Văn Thành"]


def test_every_fragment_of_every_name_finds_what_the_like_finds(world, elsewhere):
    """Every part of every name, at every length and place (inside words, across the spaces), in
    each province and in a commune: the answers are the LIKE's, the namesake never crosses over."""
    province_k, _district, cell_k = elsewhere
    names = {search_key(m.person.full_name) for m in PartyMember.objects.select_related("person")}
    fragments = {n[i:j] for n in names for i, j in itertools.combinations(range(len(n) + 1), 2)}
    fragments = {f.strip() for f in fragments if f.strip()}
    assert len(fragments) > 250
    places = [(world.an, world.province), (world.an, world.phuoc_hai), (world.an, world.ph1)]
    for user, org in places:
        for fragment in sorted(fragments):
            assert found(user, org, fragment) == in_the_records(org, fragment), (org, fragment)
    officer = _officer_of(province_k)
    assert found(officer, province_k, "nguyen van an") == ["Nguyễn Văn An"]
    assert found(officer, cell_k, "lan") == ["Hoàng Thị Lan"]


def _officer_of(org):
    from dangvu.accounts.models import Role
    from dangvu.accounts.services import role_grant
    from tests.conftest import FOUNDED, make_user

    user = make_user("khac", "Võ Văn Khác")
    role_grant(user=user, org=org, role=Role.ORG_OFFICER, valid_from=FOUNDED, actor=None)
    return user


def test_the_stored_keys_follow_every_way_a_name_or_a_province_changes(world, elsewhere):
    """A member admitted, renamed by the form and by an import, transferred to another province,
    and a commune moved to another province: after each, every row holds what it derives to, and
    the search answers in the province the member is in now."""
    province_k, district_k, cell_k = elsewhere
    officer_k = _officer_of(province_k)
    everyone = lambda: list(PartyMember.objects.values_list("pk", flat=True))  # noqa: E731
    assert search.stale(members=everyone()) == {}
    son = PartyMember.objects.select_related("person").get(pk=world.members["son"].pk)
    assert son.search_grams.split()[0].startswith(world.province.path[:7])

    member_update(
        member=son,
        person=PersonInput(full_name="Lê Minh Sang", sex="M", birth_date=D(1979, 12, 30)),
        actor=world.an,
        reason="Sửa tên theo căn cước",
        correction=True,
    )
    assert search.stale(members=everyone()) == {}
    assert found(world.an, world.province, "minh sang") == ["Lê Minh Sang"]
    assert found(world.an, world.province, "minh son") == []

    hoa = PartyMember.objects.select_related("person").get(pk=world.members["hoa"].pk)
    cleaned = {
        "full_name": "Nguyễn Thị Hòa Bình",
        "family_name": "Nguyễn",
        "middle_name": "Thị Hòa",
        "given_name": "Bình",
    }
    from dangvu.core.changes import open_change_set
    from dangvu.members.services.persons import PERSON_FIELDS

    values = {f: getattr(hoa.person, f) for f in PERSON_FIELDS}
    values.update(cleaned, card_number=hoa.card_number, dossier_number=hoa.dossier_number)
    with transaction.atomic():
        changeset = open_change_set(actor=world.an, reason="Nhập tệp", source="import")
        assert members_bulk_update(items=[(hoa, values)], actor=world.an, changeset=changeset) == 1
    assert search.stale(members=everyone()) == {}
    assert found(world.an, world.province, "hoa binh") == ["Nguyễn Thị Hòa Bình"]

    thanh = world.members["thanh"]
    event_record(
        member=thanh,
        kind="transfer_out",
        on=D(2025, 3, 3),
        org=cell_k,
        decision=decision(D(2025, 3, 3), "12-QĐ/HU"),
        actor=None,
    )
    event_record(member=thanh, kind="transfer_in", on=D(2025, 3, 10), org=cell_k, actor=None)
    assert search.stale(members=everyone()) == {}
    assert found(officer_k, province_k, "dang van thanh") == ["Đàng Văn Thành"]
    assert found(world.an, world.province, "dang van thanh") == []

    org_move(
        org=world.tan_son,
        new_parent=district_k,
        on=D(2025, 4, 1),
        decision=decision(D(2025, 3, 25), "30-QĐ/TW"),
        actor=None,
    )
    assert search.stale(members=everyone()) == {}
    tan_son = Organisation.objects.get(pk=world.tan_son.pk)
    assert found(officer_k, tan_son, "minh sang") == ["Lê Minh Sang"]
    assert found(officer_k, province_k, "sang") == ["Lê Minh Sang"]
    assert found(world.an, world.province, "sang") == []


def test_the_demo_after_the_merger_of_provinces_holds_true_keys(demo):
    """The demo's reform of 1/7/2025 merges Ninh Thuận into Khánh Hòa: its members' keys now carry
    Khánh Hòa's path, through the restructuring's moves, and its members are found there."""
    ids = list(PartyMember.objects.values_list("pk", flat=True))
    assert len(ids) > 1000
    assert search.stale(members=ids) == {}
    kh = Organisation.objects.get(code="TU-KH")
    member = (
        PartyMember.objects.filter(org__path__startswith=kh.path, status="official")
        .select_related("person")
        .order_by("pk")
        .first()
    )
    assert member.search_grams.split()[0][:7] == kh.path[:7]


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgresql_can_answer_a_search_from_the_provinces_index(world):
    """The condition member_list sends matches the index's expression (members migration 0008):
    with sequential scans priced out, PostgreSQL answers it from member_search_grams. (On the
    world's few rows it rightly prefers the organisations' index; bench/search.py measures the
    plan at national scale.)"""
    with CaptureQueriesContext(connection) as queries:
        found(world.an, world.province, "nguyen van")
    sql = next(q["sql"] for q in queries.captured_queries if "string_to_array" in q["sql"])
    condition = re.search(r"string_to_array\(.*?\)::text\[\]", sql).group(0)
    root = world.province.path[:7]
    assert f"{root}ngu" in condition and f"{root}n_v" in condition
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN SELECT id FROM members_partymember WHERE " + condition)  # noqa: S608
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "member_search_grams" in plan, plan


def test_a_plan_moving_a_commune_to_another_province_and_its_revert_carry_the_keys(
    world, elsewhere
):
    """Restructuring moves X-TS (Lê Minh Sơn's commune) under Tỉnh Khác's district, then the plan
    is reverted: the keys follow there and back, and so does the search."""
    from dangvu.restructuring.models import Operation, Plan
    from dangvu.restructuring.services import plan_apply, plan_revert

    province_k, _district_k, _cell_k = elsewhere
    officer_k = _officer_of(province_k)
    on = D(2024, 7, 1)
    plan = Plan.objects.create(name="Sắp xếp", effective_on=on, decision=decision(on, "9-QĐ/TW"))
    Operation.objects.create(plan=plan, seq=1, kind="move", source="X-TS", parent="HU-K")
    everyone = list(PartyMember.objects.values_list("pk", flat=True))
    plan_apply(plan=plan, actor=None)
    assert search.stale(members=everyone) == {}
    assert found(officer_k, province_k, "le minh") == ["Lê Minh Sơn"]
    assert found(world.an, world.province, "le minh") == []
    plan_revert(plan=plan, actor=None, reason="Quyết định bị thu hồi")
    assert search.stale(members=everyone) == {}
    assert found(officer_k, province_k, "le minh") == []
    assert found(world.an, world.province, "le minh") == ["Lê Minh Sơn"]


def test_member_rebuild_finds_and_rewrites_keys_gone_wrong(world):
    """Keys written wrong behind the services' back (a hand edit of the database) are found and
    rewritten by `dangvu member rebuild`, and the search finds the member again."""
    import io

    from django.core.management import call_command

    hoa = world.members["hoa"]
    PartyMember.objects.filter(pk=hoa.pk).update(search_grams="")
    assert search.stale(members=[hoa.pk])
    if connection.vendor == "postgresql":  # SQLite reads the subtree, not the keys
        assert found(world.an, world.province, "thi hoa") == []
    out = io.StringIO()
    call_command("member", "rebuild", stdout=out)
    assert "1 members' search keys differed and were rewritten" in out.getvalue()
    assert found(world.an, world.province, "thi hoa") == ["Nguyễn Thị Hoa"]


def test_the_migration_fills_every_members_keys_chunk_by_chunk(world, elsewhere, monkeypatch):
    """Migration members 0008 on a database of members without keys: every member's keys come out
    as the services write them, read 2 members at a time here (5,000 in life) so that the chunks'
    joins are crossed; the search finds them afterwards."""
    import importlib
    import types

    from django.apps import apps

    migration = importlib.import_module("dangvu.members.migrations.0008_search_grams")
    monkeypatch.setattr(migration, "CHUNK", 2)
    everyone = list(PartyMember.objects.values_list("pk", flat=True))
    assert len(everyone) > 2 * 2
    PartyMember.objects.update(search_grams="")
    assert set(search.stale(members=everyone)) == set(everyone)

    def execute(sql):
        with connection.cursor() as cursor:
            cursor.execute(sql)

    if connection.vendor == "postgresql":  # the world's rows, written in this test's transaction,
        execute("SET CONSTRAINTS ALL IMMEDIATE")  # have their key checks pending: an index waits
    migration.fill(apps, types.SimpleNamespace(connection=connection, execute=execute))
    assert search.stale(members=everyone) == {}
    assert found(world.an, world.province, "thi hoa") == ["Nguyễn Thị Hoa"]
