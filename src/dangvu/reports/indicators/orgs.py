"""Organisations in the tree on a day, by kind and category."""

from __future__ import annotations

from collections import defaultdict

from dangvu.members.models import MembershipPeriod
from dangvu.orgs.models import Category, Placement, valid_on
from dangvu.reports.indicators.base import Family, Indicator, Scope, en, vi
from dangvu.rules import organisation as org_rules

# Form 5's columns: how an organisation of the subtree counts under its base unit's category.
ORG_COLUMNS: list[tuple[str, str, str]] = [
    ("grassroots", "Tổng số tổ chức cơ sở đảng", "Grassroots organisations"),
    ("committee", "Đảng bộ cơ sở", "Grassroots committees"),
    ("cell", "Chi bộ cơ sở", "Grassroots cells"),
    ("sub_committee", "Đảng bộ bộ phận", "Sub-committees"),
    ("cell_under", "Chi bộ trực thuộc", "Cells under a committee"),
    ("members", "Đảng viên", "Members"),
]


class Orgs(Family):
    """Party organisations and members by the base unit's category on the end day (form 5)."""

    key = "orgs"
    record = "org"

    def indicators(self) -> list[Indicator]:

        out = []
        categories = [*Category.choices, ("", "Chưa phân loại")]
        for category, label in [*categories, ("all", "Tổng số")]:
            for column, lv, le in ORG_COLUMNS:
                total = category == "all"
                out.append(
                    Indicator(
                        f"orgs.{category or 'none'}.{column}",
                        (lv if lv.startswith("Tổng số") else f"Tổng số {lv.lower()}")
                        if total
                        else f"{vi(label)}: {lv.lower()}",
                        le if total else f"{en(label)}: {le.lower()}",
                        "người" if column == "members" else "tổ chức",
                        "tổ chức trong cây vào ngày cuối kỳ, theo loại hình của tổ chức cơ sở "
                        "đảng chứa nó",
                        self.key,
                        "member" if column == "members" else "org",
                    )
                )
        return out

    def compute(self, scope: Scope) -> dict[str, list[int]]:
        on = scope.end
        ids = scope.org_ids_on(on)
        placements = list(
            Placement.objects.filter(valid_on(on), org_id__in=ids).values_list(
                "org_id", "path", "kind", "category"
            )
        )
        by_path = {path: (org_id, kind, category) for org_id, path, kind, category in placements}
        base_of: dict[int, tuple[int, str] | None] = {}
        width = 7
        for org_id, path, _kind, _category in placements:
            base = None
            for end in range(len(path), 0, -width):
                found = by_path.get(path[:end])
                if found and found[1] in org_rules.MEMBER_RATING_KINDS:
                    base = (found[0], found[2] or "none")
                    break
            base_of[org_id] = base
        out: dict[str, list[int]] = defaultdict(list)
        holds_cells = {
            base[0] for org_id, base in base_of.items() if base is not None and base[0] != org_id
        }
        for org_id, _path, kind, _category in placements:
            base = base_of[org_id]
            if base is None:
                continue
            cat = base[1]
            column = None
            if kind == org_rules.GRASSROOTS_COMMITTEE or (
                kind == org_rules.COMMUNE_SUPERIOR and org_id in holds_cells
            ):
                column = "committee"
            elif kind == org_rules.GRASSROOTS_CELL:
                column = "cell"
            elif kind == org_rules.SUB_COMMITTEE:
                column = "sub_committee"
            elif kind == org_rules.CELL:
                column = "cell_under"
            if column is None:
                continue
            for c in (cat, "all"):
                out[f"orgs.{c}.{column}"].append(org_id)
                if column in ("committee", "cell"):
                    out[f"orgs.{c}.grassroots"].append(org_id)
        for member_id, org_id in MembershipPeriod.objects.filter(
            valid_on(on), temporary=False, org_id__in=ids
        ).values_list("member_id", "org_id"):
            base = base_of.get(org_id)
            if base is None:
                continue
            out[f"orgs.{base[1]}.members"].append(member_id)
            out["orgs.all.members"].append(member_id)
        return out

    def values(self, scope: Scope) -> dict[str, float]:
        found = self.compute(scope)
        return {i.code: len(found.get(i.code, [])) for i in self.indicators()}

    def records(self, scope: Scope, code: str) -> list[int]:
        return self.compute(scope).get(code, [])
