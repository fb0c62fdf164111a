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
