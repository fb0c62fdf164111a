"""The roll of a province read cell by cell (issue 9): pages follow one another by (cell path,
name) with no member lost or shown twice, across the end of a cell; a filtered list stays in
name order."""

from __future__ import annotations

import pytest

from dangvu.members.selectors import MemberFilters, member_list
from tests.conftest import admit

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def test_the_province_roll_pages_cell_by_cell_without_loss_or_repeat(world):
    admit(world.ph2, "Võ Văn Bảy")
    admit(world.ph2, "Võ Văn Tám")
    admit(world.ph2, "Lý Thị Chín", sex="F")
    expected = sorted(
        (m.org.path, m.person.sort_key, m.pk)
        for m in member_list(world.an, world.province, MemberFilters(), limit=1000)[0]
    )
    seen, token, pages = [], "", 0
    while True:
        rows, token = member_list(world.an, world.province, MemberFilters(), after=token, limit=2)
        seen += [(m.org.path, m.person.sort_key, m.pk) for m in rows]
        pages += 1
        if not token:
            break
    assert seen == expected  # in (cell, name) order, each once
    assert len(seen) == 7 and pages == 4
    # Cell by cell: PH-1's members, then PH-2's, then TS-1's.
    cells = [path for path, _k, _pk in seen]
    assert cells == sorted(cells)
    assert {world.ph1.path, world.ph2.path, world.ts1.path} == set(cells)
    # A filtered list is in name order over the whole province.
    women = member_list(world.an, world.province, MemberFilters(sex="F"))[0]
    keys = [m.person.sort_key for m in women]
    assert keys == sorted(keys) and len(women) == 2


def test_pages_cross_cells_of_every_size_and_agree_with_an_independent_count(world):
    """Cells without members in the list (one empty, one whose only member has died) are skipped,
    small cells and a large one are read in batches of cells of the size the page needs; at
    every page size the pages are exactly the active members below the province, in (cell path,
    name) order, each once — counted here from the records directly, not from the roll."""
    import datetime as dt

    from dangvu.members.models import ACTIVE_STATUSES, PartyMember
    from dangvu.members.selectors import ROLL_COLUMNS
    from tests.conftest import make_org
    from tests.reports.conftest import event

    make_org("PH-3", "Chi bộ Thôn Trống", "cell", world.phuoc_hai)
    gone = make_org("PH-4", "Chi bộ Thôn Vắng", "cell", world.phuoc_hai)
    event(admit(gone, "Hồ Văn Mất"), "death", dt.date(2024, 5, 1))
    for n, name in enumerate(["Một", "Hai", "Ba", "Bốn", "Năm"]):
        small = make_org(f"TS-{n + 2}", f"Chi bộ Khu phố {n + 2}", "cell", world.tan_son)
        admit(small, f"Đỗ Văn {name}")
    for name in ["An", "Bình", "Cúc", "Dung", "Giang", "Hạnh", "Khánh", "Lan", "Minh", "Nga"]:
        admit(world.ts1, f"Vũ Thị {name}", sex="F")
    expected = sorted(
        (m.org.path, m.person.sort_key, m.pk)
        for m in PartyMember.objects.filter(
            org__path__startswith=world.province.path, status__in=ACTIVE_STATUSES
        ).select_related("org", "person")
    )
    assert len(expected) == 4 + 5 + 10
    for size in (1, 2, 3, 7, 50):
        seen, token = [], ""
        while True:
            rows, token = member_list(
                world.an, world.province, MemberFilters(), after=token, limit=size,
                columns=ROLL_COLUMNS,
            )  # fmt: skip
            assert len(rows) == size or not token
            seen += [(m.org.path, m.person.sort_key, m.pk) for m in rows]
            if not token:
                break
        assert seen == expected, size


def test_a_token_from_outside_the_list_starts_it_over(world):
    """A token naming a cell of another subtree (edited by hand, or kept from another list) is
    not followed: the list starts from its first page."""
    from dangvu.orgs.models import Organisation
    from tests.conftest import make_org

    district = Organisation.objects.get(code="HU-A")
    other = make_org("HU-B", "Đảng bộ huyện Bình", "district", world.province)
    commune = make_org("X-B", "Đảng bộ xã Bình", "grassroots_committee", other, category="xa")
    cell = make_org("B-1", "Chi bộ Bình 1", "cell", commune)
    stranger = admit(cell, "Tạ Văn Lạ")
    first, _token = member_list(world.an, district, MemberFilters(), limit=2)
    foreign = f"{len(cell.path):02d}{cell.path}{stranger.person.sort_key}"
    again, _t = member_list(world.an, district, MemberFilters(), after=foreign, limit=2)
    assert len(first) == 2 and [m.pk for m in again] == [m.pk for m in first]


@pytest.mark.parametrize("status", ["active", "left", "", "official"])
def test_the_roll_read_by_hand_gives_the_records_the_orm_gives(world, status):
    """The roll's statements are written by hand (members.selectors._cell_by_cell, issue 28): for
    each status asked, the members, their persons and organisations it gives hold the very values
    the ORM reads for them — every field (the API and the export ask for all), through each
    database's converters (dates, times, booleans, JSON) — and the members the ORM's filter keeps,
    no more."""
    import datetime as dt

    from dangvu.accounts.scope import scope_for
    from dangvu.members.models import PartyMember
    from tests.reports.conftest import event

    event(admit(world.ph2, "Hồ Văn Mất"), "death", dt.date(2024, 5, 1))
    event(admit(world.ts1, "Phan Văn Thôi"), "resignation", dt.date(2024, 3, 2))
    rows, token = member_list(world.an, world.province, MemberFilters(status=status), limit=1000)
    assert token == ""
    wanted = PartyMember.objects.filter(scope_for(world.an).member_q()).select_related(
        "person", "org"
    )
    if status == "active":
        wanted = wanted.filter(status__in=["probationary", "official"])
    elif status == "left":
        wanted = wanted.filter(status__in=["expelled", "removed", "resigned"])
    elif status:
        wanted = wanted.filter(status=status)
    by_orm = {m.pk: m for m in wanted}
    assert {m.pk for m in rows} == set(by_orm)
    # Each case has its members: the dead and the resigned when all are asked.
    assert len(rows) == {"active": 4, "left": 1, "": 6, "official": 3}[status]

    def values(instance):
        return {
            f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields
        }

    for m in rows:
        orm = by_orm[m.pk]
        assert values(m) == values(orm)
        assert values(m.person) == values(orm.person)
        assert values(m.org) == values(orm.org)
