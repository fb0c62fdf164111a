"""The heading blocks of a party document (DOMAIN.md §9; Hướng dẫn 36-HD/VPTW)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dangvu.orgs.models import Organisation, Placement, valid_on
from dangvu.rules import organisation as org_rules
from dangvu.tree.selectors import names_on

# The issuer's abbreviation after "Số …-BC/" (DOMAIN.md §9.4: TU, HU, ĐU; a cell: CB).
ISSUER_CODES = {
    org_rules.PROVINCIAL: "TU",
    org_rules.DISTRICT: "HU",
    org_rules.COMMUNE_SUPERIOR: "ĐU",
    org_rules.BLOCK: "ĐU",
    org_rules.GRASSROOTS_COMMITTEE: "ĐU",
    org_rules.SUB_COMMITTEE: "ĐU",
    org_rules.GRASSROOTS_CELL: "CB",
    org_rules.CELL: "CB",
    org_rules.GROUP: "ĐĐ",
}


@dataclass(frozen=True)
class Heading:
    superior: str  # first line, top left ("ĐẢNG BỘ TỈNH NINH THUẬN")
    issuer: str  # second line, bold ("TỈNH ỦY")
    code: str  # "TU"
    place: str  # "Ninh Thuận"
    name: str  # the organisation's name on the day

    def number(self, number: str, kind: str = "BC") -> str:
        return f"Số {number or '      '}-{kind}/{self.code}"

    def place_date(self, day: dt.date) -> str:
        return f"{self.place}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def _place_of(name: str) -> str:
    for prefix in (
        "Đảng bộ tỉnh ",
        "Đảng bộ thành phố ",
        "Đảng bộ huyện ",
        "Đảng bộ thị xã ",
        "Đảng bộ xã ",
        "Đảng bộ phường ",
        "Đảng bộ ",
        "Chi bộ ",
    ):
        if name.lower().startswith(prefix.lower()):
            return name[len(prefix) :]
    return name


def heading_of(org: Organisation, on: dt.date) -> Heading:
    """The heading of a document the organisation's committee issues on `on`."""

    place = Placement.objects.filter(valid_on(on), org=org).first()
    kind = place.kind if place else org.kind
    name = names_on([org.pk], on).get(org.pk, org.name)
    committee = {
        org_rules.PROVINCIAL: "TỈNH ỦY",
        org_rules.DISTRICT: "HUYỆN ỦY",
        org_rules.GRASSROOTS_CELL: "CHI BỘ",
        org_rules.CELL: "CHI BỘ",
    }.get(kind, "ĐẢNG ỦY")
    return Heading(
        superior=name.upper(),
        issuer=committee,
        code=ISSUER_CODES.get(kind, "ĐU"),
        place=_place_of(name),
        name=name,
    )
