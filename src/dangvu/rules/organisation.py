"""Rules on the shape of the party tree, with their sources (DOMAIN.md §4.4, §10.2, §14.2)."""

from __future__ import annotations

import datetime as dt

# QĐ 294-QĐ/TW (26/5/2025), effective 01/7/2025: no district level; commune and ward party
# committees directly under the provincial committee (DOMAIN.md §10.2).
DISTRICT_LEVEL_ABOLISHED_ON = dt.date(2025, 7, 1)

PROVINCIAL = "provincial"
DISTRICT = "district"
COMMUNE_SUPERIOR = "commune_superior"
BLOCK = "block"
GRASSROOTS_COMMITTEE = "grassroots_committee"
GRASSROOTS_CELL = "grassroots_cell"
SUB_COMMITTEE = "sub_committee"
CELL = "cell"
GROUP = "group"

# The grassroots party organisations (tổ chức cơ sở đảng), DOMAIN.md §4.4.
GRASSROOTS_KINDS = frozenset({GRASSROOTS_COMMITTEE, GRASSROOTS_CELL})
# Where members are kept: a party cell, either a grassroots cell (chi bộ cơ sở) or a cell under a
# committee (chi bộ trực thuộc); party groups (tổ đảng) subdivide a cell (Điều lệ Điều 24).
MEMBER_HOLDING_KINDS = frozenset({GRASSROOTS_CELL, CELL})
# Who decides the ratings of the members of the cells below it (DOMAIN.md §1.5): the grassroots
# organisation; from 1/7/2025 also a commune or ward committee for the village cells it holds
# directly (QĐ 294; DOMAIN.md §10.2).
MEMBER_RATING_KINDS = GRASSROOTS_KINDS | frozenset({COMMUNE_SUPERIOR})

_SUPERIOR_LEVELS = frozenset({DISTRICT, COMMUNE_SUPERIOR, BLOCK, PROVINCIAL})

# kind -> kinds its parent may have (DOMAIN.md §14.2; Điều lệ Điều 21–24).
ALLOWED_PARENTS: dict[str, frozenset[str | None]] = {
    PROVINCIAL: frozenset({None}),
    DISTRICT: frozenset({PROVINCIAL}),
    COMMUNE_SUPERIOR: frozenset({PROVINCIAL}),
    BLOCK: frozenset({PROVINCIAL}),
    GRASSROOTS_COMMITTEE: _SUPERIOR_LEVELS,
    GRASSROOTS_CELL: _SUPERIOR_LEVELS,
    SUB_COMMITTEE: frozenset({GRASSROOTS_COMMITTEE}),
    # From 1/7/2025 the commune and ward committees hold the village cells directly (QĐ 294).
    CELL: frozenset({GRASSROOTS_COMMITTEE, SUB_COMMITTEE, COMMUNE_SUPERIOR}),
    GROUP: frozenset({CELL, GRASSROOTS_CELL}),
}


def kind_valid_on(kind: str, on: dt.date) -> bool:
    """District-level committees exist only before the reform; commune-level superiors only after."""
    if kind == DISTRICT:
        return on < DISTRICT_LEVEL_ABOLISHED_ON
    if kind == COMMUNE_SUPERIOR:
        return on >= DISTRICT_LEVEL_ABOLISHED_ON
    return True


def parent_allowed(kind: str, parent_kind: str | None) -> bool:
    return parent_kind in ALLOWED_PARENTS.get(kind, frozenset())


# §4.4 thresholds (Điều lệ Điều 21, 24): warnings for the organisation board, not blocks — there
# are exceptions (DOMAIN.md §14.2).
GRASSROOTS_MIN_OFFICIAL = 3
COMMITTEE_MIN_MEMBERS = 30
CELL_COMMITTEE_MIN_OFFICIAL = 9


def structure_notes(kind: str, official: int, total: int) -> list[str]:
    """Codes of what the Charter's thresholds say about an organisation of this size."""
    notes: list[str] = []
    if kind in GRASSROOTS_KINDS and official < GRASSROOTS_MIN_OFFICIAL:
        notes.append("grassroots_below_3_official")
    if kind == GRASSROOTS_CELL and total >= COMMITTEE_MIN_MEMBERS:
        notes.append("cell_of_30_or_more")
    if kind == GRASSROOTS_COMMITTEE and total < COMMITTEE_MIN_MEMBERS:
        notes.append("committee_under_30")
    if kind in (CELL, GRASSROOTS_CELL):
        notes.append(
            "cell_elects_committee"
            if official >= CELL_COMMITTEE_MIN_OFFICIAL
            else "cell_elects_secretary"
        )
    return notes
