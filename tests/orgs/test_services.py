"""The organisation tree over time: create, rename, move, dissolve, each dated and checked."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from dangvu.core.models import ChangeLogEntry
from dangvu.orgs.models import Lineage, Organisation, Placement
from dangvu.tree.selectors import subtree_placements, tree_on
from dangvu.tree.services import org_create, org_dissolve, org_move, org_move_many, org_rename
from tests.conftest import decision, make_org

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def codes_under(org, on):
    return sorted(p.org.code for p in subtree_placements(org, on).select_related("org"))


def test_subtree_as_of_a_date_is_a_prefix_range(world):
    assert codes_under(world.phuoc_hai, dt.date(2020, 1, 1)) == ["PH-1", "PH-2", "X-PH"]
    assert codes_under(world.province, dt.date(1999, 12, 31)) == []


def test_move_keeps_history_so_earlier_dates_answer_as_they_were(world):
    move_day = dt.date(2023, 7, 1)
    org_move(
        org=world.ph2,
        new_parent=world.tan_son,
        on=move_day,
        decision=decision(move_day, "12-QĐ/HU"),
        actor=world.an,
    )
    assert codes_under(world.phuoc_hai, dt.date(2023, 6, 30)) == ["PH-1", "PH-2", "X-PH"]
    assert codes_under(world.phuoc_hai, move_day) == ["PH-1", "X-PH"]
    assert codes_under(world.tan_son, move_day) == ["PH-2", "TS-1", "X-TS"]
    world.ph2.refresh_from_db()
    assert world.ph2.parent == world.tan_son
    assert world.ph2.path.startswith(world.tan_son.path)
    history = list(Placement.objects.filter(org=world.ph2).order_by("valid_from"))
    assert [(p.parent.code, p.valid_from, p.valid_to) for p in history] == [
        ("X-PH", dt.date(2000, 1, 1), move_day),
        ("X-TS", move_day, None),
    ]
    entry = ChangeLogEntry.objects.get(action="org.move")
    assert entry.actor_name == "Nguyễn Văn An"
    assert (
        entry.before["parent_id"] == world.phuoc_hai.pk
        and entry.after["parent_id"] == world.tan_son.pk
    )


def test_moving_a_committee_moves_its_whole_subtree(world):
    other = make_org("HU-B", "Đảng bộ huyện Bình Sơn", "district", world.province)
    day = dt.date(2022, 1, 1)
    org_move(org=world.phuoc_hai, new_parent=other, on=day, decision=decision(day), actor=None)
    assert codes_under(other, day) == ["HU-B", "PH-1", "PH-2", "X-PH"]
    for code in ("PH-1", "PH-2"):
        assert Organisation.objects.get(code=code).path.startswith(other.path)


def test_moving_several_at_once_is_moving_each_and_all_or_none(world):
    """A restructuring moves a merged committee's children together (issue 28, point 4): the same
    rows and log entries as one move each, and one refused move writes nothing for the others."""
    other = make_org("HU-B", "Đảng bộ huyện Bình Sơn", "district", world.province)
    day = dt.date(2022, 1, 1)
    before = (Placement.objects.count(), ChangeLogEntry.objects.filter(action="org.move").count())
    world.ts1.dissolved_on = day  # stands for a dissolved one among them
    with pytest.raises(ValidationError):
        org_move_many(
            orgs=[world.phuoc_hai, world.ts1],
            new_parent=other,
            on=day,
            decision=decision(day),
            actor=None,
        )
    after = (Placement.objects.count(), ChangeLogEntry.objects.filter(action="org.move").count())
    assert after == before
    with pytest.raises(ValidationError) as caught:  # one of them inside another
        org_move_many(
            orgs=[world.phuoc_hai, world.ph1],
            new_parent=other,
            on=day,
            decision=decision(day),
            actor=None,
        )
    assert "cũng đang được chuyển" in " ".join(caught.value.messages)
    world.ts1.refresh_from_db()
    district = world.phuoc_hai.parent_id
    moved = org_move_many(
        orgs=[world.phuoc_hai, world.tan_son],
        new_parent=other,
        on=day,
        decision=decision(day),
        actor=None,
    )
    assert [o.code for o in moved] == ["X-PH", "X-TS"]
    assert codes_under(other, day) == ["HU-B", "PH-1", "PH-2", "TS-1", "X-PH", "X-TS"]
    for code in ("X-PH", "PH-1", "PH-2", "X-TS", "TS-1"):
        org = Organisation.objects.get(code=code)
        open_row = Placement.objects.get(org=org, valid_to__isnull=True)
        assert org.path == open_row.path and org.path.startswith(other.path)
        assert Placement.objects.get(org=org, valid_to=day).valid_from < day
    assert Organisation.objects.get(code="X-TS").parent_id == other.pk
    assert Organisation.objects.get(code="TS-1").parent_id == world.tan_son.pk
    logged = ChangeLogEntry.objects.filter(action="org.move").order_by("id")
    assert [(e.before["parent_id"], e.after["parent_id"]) for e in logged] == [
        (district, other.pk),
        (district, other.pk),
    ]
    assert codes_under(world.phuoc_hai, day - dt.timedelta(days=1)) == ["PH-1", "PH-2", "X-PH"]


def test_a_move_that_makes_a_cycle_is_refused_in_vietnamese_and_writes_nothing(world):
    before = (Placement.objects.count(), ChangeLogEntry.objects.count())
    with pytest.raises(ValidationError) as caught:
        org_move(
            org=world.phuoc_hai,
            new_parent=world.ph1,
            on=dt.date(2021, 1, 1),
            decision=decision(dt.date(2021, 1, 1)),
            actor=None,
        )
    assert "chu trình" in " ".join(caught.value.messages)
    assert (Placement.objects.count(), ChangeLogEntry.objects.count()) == before


def test_kind_must_be_allowed_under_the_parent(world):
    with pytest.raises(ValidationError) as caught:
        make_org("C-X", "Chi bộ lạc chỗ", "cell", world.province)
    assert "parent" in caught.value.error_dict


def test_no_district_level_committee_after_the_2025_reform(world):
    # DOMAIN.md §10.2: QĐ 294-QĐ/TW, no district level from 01/7/2025.
    with pytest.raises(ValidationError) as caught:
        make_org("HU-Z", "Đảng bộ huyện Mới", "district", world.province, on=dt.date(2025, 7, 1))
    assert "1/7/2025" in " ".join(caught.value.messages)
    commune = make_org(
        "XA-M", "Đảng bộ xã Mới", "commune_superior", world.province, on=dt.date(2025, 7, 1)
    )
    assert commune.kind == "commune_superior"
    with pytest.raises(ValidationError):
        make_org(
            "XA-N", "Đảng bộ xã Sớm", "commune_superior", world.province, on=dt.date(2025, 6, 30)
        )


@pytest.mark.parametrize("code", ["x", "TU NT", "Đ-01", "A" * 33])
def test_bad_codes_are_refused_naming_the_field(world, code):
    with pytest.raises(ValidationError) as caught:
        make_org(code, "Chi bộ Mã Sai", "cell", world.phuoc_hai)
    assert "code" in caught.value.error_dict


def test_duplicate_code_is_refused(world):
    with pytest.raises(ValidationError) as caught:
        make_org("ph-1", "Chi bộ Trùng", "cell", world.phuoc_hai)
    assert "PH-1" in caught.value.error_dict["code"][0].messages[0]


def test_future_dates_are_refused(world):
    future = dt.date.today() + dt.timedelta(days=30)
    with pytest.raises(ValidationError):
        org_rename(
            org=world.ph1,
            name="Chi bộ Tương Lai",
            on=future,
            decision=decision(dt.date.today()),
            actor=None,
        )


def test_rename_keeps_the_old_name_for_earlier_dates(world):
    day = dt.date(2021, 5, 1)
    org_rename(
        org=world.ph1,
        name="Chi bộ Thôn Phước Lập  Mới",
        on=day,
        decision=decision(day),
        actor=world.an,
    )
    nodes = {n.org.code: n.name for n in tree_on(None, dt.date(2021, 4, 30), root=world.phuoc_hai)}
    assert nodes["PH-1"] == "Chi bộ Thôn Phước Lập"
    nodes = {n.org.code: n.name for n in tree_on(None, day, root=world.phuoc_hai)}
    assert nodes["PH-1"] == "Chi bộ Thôn Phước Lập Mới"


def test_dissolve_is_refused_while_members_remain_and_recorded_with_its_successor(world):
    day = dt.date(2024, 1, 1)
    with pytest.raises(ValidationError) as caught:
        org_dissolve(org=world.ph1, on=day, decision=decision(day), actor=None)
    assert "đảng viên" in " ".join(caught.value.messages)
    empty = make_org("PH-3", "Chi bộ Thôn Trống", "cell", world.phuoc_hai)
    org_dissolve(org=empty, on=day, decision=decision(day), actor=None, successor=world.ph1)
    empty.refresh_from_db()
    assert empty.dissolved_on == day
    assert codes_under(world.phuoc_hai, day).count("PH-3") == 0
    assert codes_under(world.phuoc_hai, dt.date(2023, 12, 31)).count("PH-3") == 1
    assert Lineage.objects.filter(predecessor=empty, successor=world.ph1).exists()


def test_a_secretary_cannot_change_the_tree_and_an_outsider_is_told_nothing(world):
    day = dt.date(2022, 2, 2)
    with pytest.raises(PermissionDenied):
        org_rename(
            org=world.ph1, name="Chi bộ Đổi Tên", on=day, decision=decision(day), actor=world.binh
        )
    with pytest.raises(Http404):
        org_rename(
            org=world.ph1, name="Chi bộ Đổi Tên", on=day, decision=decision(day), actor=world.cuong
        )


def test_a_decision_is_required(world):
    with pytest.raises(ValidationError) as caught:
        org_create(
            code="PH-9",
            name="Chi bộ 9",
            kind="cell",
            parent=world.phuoc_hai,
            established_on=dt.date(2020, 1, 1),
            decision=None,
            actor=None,
        )
    assert "decision" in caught.value.error_dict
