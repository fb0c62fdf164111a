"""The reform of 1/7/2025 applied to the demo as a restructuring plan (DOMAIN.md §10.2–§10.3).

The district level is abolished; each group of about three neighbouring communes becomes a new
commune or ward party committee directly under the new Khánh Hòa provincial organisation `TU-KH`,
which merges `TU-NT` (Ninh Thuận) and `TU-KHC` (Khánh Hòa before the merger). The communes' village
cells move under the new committees; the offices, militia and police cells of a group merge into
one each (their members are reassigned); schools, district agencies and district grassroots
committees go to the new committee of their place. The grouping of communes is synthetic (the real
composition of the 65 new units is not in DOMAIN.md).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from dangvu.core.changes import get_or_create_decision
from dangvu.core.models import ChangeSet
from dangvu.core.text import search_key
from dangvu.orgs.models import Organisation, Placement, valid_on
from dangvu.restructuring.models import Operation, Plan
from dangvu.restructuring.services import plan_create

REFORM_ON = dt.date(2025, 7, 1)
GROUP = 3
AGENCY_CELLS = (("CQ", "Chi bộ Cơ quan"), ("QS", "Chi bộ Quân sự"), ("CA", "Chi bộ Công an"))


def _slug(name: str) -> str:
    return "".join(ch for ch in search_key(name).upper() if ch.isalnum())[:12]


def reform_plan(merged_code: str, provinces: list[str]) -> Plan:
    decision = get_or_create_decision(
        number="",
        date=REFORM_ON - dt.timedelta(days=1),
        issuer="Bộ Chính trị",
        summary="Thành lập Đảng bộ tỉnh Khánh Hòa trên cơ sở hợp nhất Đảng bộ tỉnh Ninh Thuận và "
        "Đảng bộ tỉnh Khánh Hòa; sắp xếp tổ chức đảng cấp xã (dữ liệu mẫu)",
    )
    day_before = REFORM_ON - dt.timedelta(days=1)
    ops: list[Operation] = []
    used: set[str] = set(Organisation.objects.values_list("code", flat=True))

    def add(kind: str, **fields: Any) -> None:
        ops.append(Operation(seq=len(ops) + 1, kind=kind, **fields))

    add("create", target=merged_code, name="Đảng bộ tỉnh Khánh Hòa", org_kind="provincial")
    for province_code in provinces:
        province = Organisation.objects.get(code=province_code)
        districts = (
            Placement.objects.filter(valid_on(day_before), parent=province, kind="district")
            .select_related("org")
            .order_by("org__code")
        )
        for district_placement in districts:
            district = district_placement.org
            children = list(
                Placement.objects.filter(valid_on(day_before), parent=district)
                .select_related("org")
                .order_by("org__code")
            )
            communes = [
                c.org
                for c in children
                if c.kind == "grassroots_committee" and c.category in ("xa", "phuong", "thi_tran")
            ]
            seat: str | None = None
            placed: set[int] = set()
            for start in range(0, len(communes), GROUP):
                group = communes[start : start + GROUP]
                urban = any(c.category in ("phuong", "thi_tran") for c in group)
                place = group[0].name
                for prefix in ("Đảng bộ thị trấn ", "Đảng bộ phường ", "Đảng bộ xã "):
                    place = place.removeprefix(prefix)
                new_code = f"KH-{_slug(place)}"
                while new_code in used:
                    new_code += "2"
                used.add(new_code)
                unit = "phường" if urban else "xã"
                add(
                    "create",
                    target=new_code,
                    name=f"Đảng bộ {unit} {place}",
                    org_kind="commune_superior",
                    parent=merged_code,
                    category="phuong" if urban else "xa",
                )
                for suffix, label in AGENCY_CELLS:
                    add(
                        "create",
                        target=f"{new_code}-{suffix}",
                        name=f"{label} {unit} {place}",
                        org_kind="cell",
                        parent=new_code,
                    )
                for commune in group:
                    for suffix, _label in AGENCY_CELLS:
                        if Organisation.objects.filter(code=f"{commune.code}-{suffix}").exists():
                            add(
                                "merge",
                                source=f"{commune.code}-{suffix}",
                                target=f"{new_code}-{suffix}",
                            )
                    for school in children:
                        if school.org.code.startswith(f"{commune.code}-TH"):
                            add("move", source=school.org.code, parent=new_code)
                            placed.add(school.org_id)
                    add("merge", source=commune.code, target=new_code)
                    placed.add(commune.pk)
                seat = seat or new_code
            for child in children:
                if child.org_id not in placed and seat is not None:
                    add("move", source=child.org.code, parent=seat)
            add("dissolve", source=district.code)
        add("merge", source=province_code, target=merged_code)
    return plan_create(
        name="Sắp xếp tổ chức đảng từ 1/7/2025 (dữ liệu mẫu)",
        effective_on=REFORM_ON,
        decision=decision,
        actor=None,
        operations=ops,
        source=ChangeSet.Source.SYSTEM,
    )
