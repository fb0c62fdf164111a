"""New members admitted over a period against the year's target, by the grassroots
organisation that admitted them."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from dangvu.core.dates import age_on as completed_years  # age in completed years on a day
from dangvu.members import attributes
from dangvu.members.models import MembershipEvent
from dangvu.orgs.models import Organisation, Placement
from dangvu.reports.indicators.base import (
    PERSON_COLUMNS,
    Family,
    Indicator,
    Scope,
    _person_breakdowns,
    age_band,
    en,
    person_codes,
    vi,
)
from dangvu.rules import organisation as org_rules
from dangvu.rules import reference as ref


class Admitted(Family):
    """The newly admitted of the period and their structure (forms 2 and 2B), against the target."""

    key = "admitted"
    record = "event"

    def indicators(self) -> list[Indicator]:
        d = "kết nạp và kết nạp lại trong kỳ vào các tổ chức trong cây"
        out = [
            self._ind(
                "admitted.total", "Tổng số đảng viên mới kết nạp", "Newly admitted", "người", d
            ),
            self._ind("admitted.readmitted", "Kết nạp lại", "Re-admitted", "người", d),
        ]
        for code, lv, le, _f, _q in _person_breakdowns("admitted"):
            out.append(self._ind(code, lv, le, "người", f"{d}, theo lý lịch"))
            if code.startswith(("admitted.ethnicity.", "admitted.religion.")):
                out.append(self._ind(f"{code}.women", f"{lv}: nữ", f"{le}: women", "người", d))
        for code, _low, _high in ref.AGE_BANDS:
            label = ref.AGE_BAND_LABELS[code]
            out.append(
                self._ind(
                    f"admitted.age.{code}",
                    f"Tuổi {vi(label)}",
                    f"Aged {en(label)}",
                    "người",
                    f"{d}; tuổi tròn vào ngày kết nạp",
                )
            )
        out.append(
            self._ind(
                "admitted.age.average",
                "Tuổi bình quân khi kết nạp",
                "Average age at admission",
                "tuổi",
                d,
            )
        )
        out.append(
            self._ind(
                "admitted.target",
                "Chỉ tiêu kết nạp trong năm",
                "Admission target of the year",
                "người",
                "chỉ tiêu do cấp ủy giao cho tổ chức (nhập hoặc nhập từ tệp) cho năm cuối kỳ",
            )
        )
        out.append(
            self._ind(
                "admitted.target_pct",
                "Tỷ lệ kết nạp so với chỉ tiêu",
                "Admissions against the target",
                "%",
                "số mới kết nạp × 100 / chỉ tiêu",
            )
        )
        out.append(
            Indicator(
                "admitted.grassroots_admitting",
                "Tổ chức cơ sở đảng có kết nạp đảng viên",
                "Grassroots organisations that admitted members",
                "tổ chức",
                "tổ chức cơ sở đảng có ít nhất một đảng viên mới kết nạp trong kỳ",
                self.key,
                "org",
            )
        )
        return out

    def rows(self, scope: Scope) -> list[tuple[Any, ...]]:
        """(event, kind, day, cell, birth date, *person attributes) of each admission of the
        period into an organisation that lay in the subtree on the day."""
        columns = [f"member__person__{c}" for c in PERSON_COLUMNS]
        rows = MembershipEvent.objects.filter(
            voided_by__isnull=True,
            kind__in=("admission", "readmission"),
            on__gte=scope.start,
            on__lte=scope.end,
            org_id__in=scope.orgs_ever(),
        ).values_list(
            "id",
            "kind",
            "on",
            "org_id",
            "member__person__birth_date",
            *columns,
            "member__person_id",
            "member_id",
        )
        inside = [r[:-1] for r in rows if scope.inside(r[3], r[2], r[-1])]
        # Each admitted person as they were on the day of their admission.
        held = attributes.restate(inside, PERSON_COLUMNS, first=5, person=-1, day=2)
        return [r[:-1] for r in held]

    def compute(
        self, scope: Scope, rows: list[tuple[Any, ...]] | None = None
    ) -> dict[str, list[int]]:
        found: dict[str, list[int]] = defaultdict(list)
        for event_id, kind, on, _org, born, *attrs in self.rows(scope) if rows is None else rows:
            found["admitted.total"].append(event_id)
            if kind == "readmission":
                found["admitted.readmitted"].append(event_id)
            for code in person_codes("admitted", tuple(attrs)):
                found[code].append(event_id)
            found[f"admitted.age.{age_band(completed_years(born, on))}"].append(event_id)
        return found

    def admitting(self, scope: Scope, rows: list[tuple[Any, ...]] | None = None) -> list[int]:
        """The grassroots organisations (as placed on the day) that admitted in the period."""
        pairs = {(r[3], r[2]) for r in (self.rows(scope) if rows is None else rows)}
        return sorted({g for g in grassroots_of_many(pairs).values() if g is not None})

    def values(self, scope: Scope) -> dict[str, float]:
        rows = self.rows(scope)
        found = self.compute(scope, rows)
        values: dict[str, float] = {
            i.code: len(found.get(i.code, []))
            for i in self.indicators()
            if i.code not in ("admitted.age.average", "admitted.target", "admitted.target_pct")
        }
        ages = [completed_years(r[4], r[2]) for r in rows]
        values["admitted.age.average"] = round(sum(ages) / len(ages), 1) if ages else 0
        values["_admitted.age.sum"] = sum(ages)
        values["admitted.grassroots_admitting"] = len(self.admitting(scope, rows))
        target = target_of(scope.org, scope.end.year)
        values["admitted.target"] = target or 0
        values["admitted.target_pct"] = (
            round(values["admitted.total"] * 100 / target, 1) if target else 0
        )
        return values

    def records(self, scope: Scope, code: str) -> list[int]:
        if code == "admitted.grassroots_admitting":
            return self.admitting(scope)
        if code in ("admitted.age.average", "admitted.target", "admitted.target_pct"):
            code = "admitted.total"
        return self.compute(scope).get(code, [])


def grassroots_of_many(pairs: set[tuple[int, dt.date]]) -> dict[tuple[int, dt.date], int | None]:
    """For each (organisation, day), the grassroots organisation it lay in then (itself, or the
    nearest above of a kind that rates members), in two queries."""
    width = 7
    placements: dict[int, list[Placement]] = defaultdict(list)
    for p in Placement.objects.filter(org_id__in={o for o, _d in pairs}):
        placements[p.org_id].append(p)
    paths_on: dict[tuple[int, dt.date], str] = {}
    for org_id, day in pairs:
        for p in placements[org_id]:
            if p.valid_from <= day and (p.valid_to is None or day < p.valid_to):
                paths_on[(org_id, day)] = p.path
    prefixes = {
        path[:end] for path in paths_on.values() for end in range(width, len(path) + 1, width)
    }
    bases: dict[str, list[Placement]] = defaultdict(list)
    for p in Placement.objects.filter(path__in=prefixes, kind__in=org_rules.MEMBER_RATING_KINDS):
        bases[p.path].append(p)
    found: dict[tuple[int, dt.date], int | None] = {}
    for (org_id, day), path in paths_on.items():
        found[(org_id, day)] = None
        for end in range(len(path), 0, -width):
            hit = [
                b.org_id
                for b in bases.get(path[:end], ())
                if b.valid_from <= day and (b.valid_to is None or day < b.valid_to)
            ]
            if hit:
                found[(org_id, day)] = hit[0]
                break
    return found


def target_of(org: Organisation, year: int) -> int | None:
    from dangvu.reports.models import AdmissionTarget

    return (
        AdmissionTarget.objects.filter(org=org, year=year).values_list("target", flat=True).first()
    )
