"""The roll of a province read cell by cell (issue 9): pages follow one another by (cell path,
name) with no member lost or shown twice, across the end of a cell; a filtered list stays in
name order."""

from __future__ import annotations

import pytest

from dangvu.members.selectors import MemberFilters, member_list
from tests.conftest import admit

pytestmark = pytest.mark.django_db


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
