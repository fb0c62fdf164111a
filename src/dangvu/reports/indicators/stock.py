"""Members in the list on a day (stock figures) and their seniority, by every breakdown the
forms print."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q, QuerySet

from dangvu.core.dates import add_years, born_on_or_before_for_age
from dangvu.core.dates import age_on as completed_years  # age in completed years on a day
from dangvu.members import attributes, lifecycle
from dangvu.members.models import FlagPeriod, MembershipPeriod, PartyMember
from dangvu.members.selectors import gaps_of
from dangvu.orgs.models import valid_on
from dangvu.reports.indicators.base import (
    ADMISSION_PERIODS,
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
from dangvu.rules import charter
from dangvu.rules import reference as ref


class MemberStock(Family):
    """Members in the list on the scope's end day, and their structure (forms 3 and 4)."""

    key = "members"

    def conditions(self, on: dt.date) -> dict[str, Q]:
        found: dict[str, Q] = {
            "members.total": Q(),
            "members.official": Q(status="official"),
            "members.probationary": Q(status="probationary"),
        }
        for code, _lv, _le, _f, q in _person_breakdowns("members"):
            person_q = attributes.as_of(q, on, "member__person__")
            found[code] = person_q
            if code.startswith(("members.ethnicity.", "members.religion.")):
                found[f"{code}.women"] = person_q & Q(member__person__sex="F")
        for code, low, high in ref.AGE_BANDS:
            condition = (
                Q(member__person__birth_date__lte=born_on_or_before_for_age(low, on))
                if low
                else Q()
            )
            if high is not None:
                condition &= Q(
                    member__person__birth_date__gt=born_on_or_before_for_age(high + 1, on)
                )
            found[f"members.age.{code}"] = condition
        for code, _lv, _le, low_day, high_day in ADMISSION_PERIODS:
            condition = Q()
            if low_day:
                condition &= Q(member__first_admission_date__gte=low_day)
            if high_day:
                condition &= Q(member__first_admission_date__lt=high_day)
            found[f"members.admitted.{code}"] = condition
        return found

    SENIOR = ("members.admitted.", "members.seniority.", "members.exempted")

    def owns(self, code: str) -> bool:
        return not code.startswith(self.SENIOR)

    def indicators(self) -> list[Indicator]:
        return [i for i in self._declared() if self.owns(i.code)]

    def _declared(self) -> list[Indicator]:
        stock = "Đảng viên trong danh sách của các tổ chức trong cây vào ngày cuối kỳ"
        out = [
            self._ind("members.total", "Tổng số đảng viên", "Members in the list", "người", stock),
            self._ind(
                "members.official", "Đảng viên chính thức", "Official members", "người", stock
            ),
            self._ind(
                "members.probationary", "Đảng viên dự bị", "Probationary members", "người", stock
            ),
        ]
        for code, lv, le, _f, _q in _person_breakdowns("members"):
            out.append(self._ind(code, lv, le, "người", f"{stock}, theo lý lịch"))
            if code.startswith(("members.ethnicity.", "members.religion.")):
                out.append(self._ind(f"{code}.women", f"{lv}: nữ", f"{le}: women", "người", stock))
        for code, _low, _high in ref.AGE_BANDS:
            label = ref.AGE_BAND_LABELS[code]
            out.append(
                self._ind(
                    f"members.age.{code}",
                    f"Tuổi {vi(label)}",
                    f"Aged {en(label)}",
                    "người",
                    f"{stock}; tuổi tròn tính đến ngày cuối kỳ",
                )
            )
        out.append(
            self._ind(
                "members.age.average",
                "Tuổi bình quân",
                "Average age",
                "tuổi",
                f"{stock}; trung bình tuổi tròn",
            )
        )
        for code, lv, le, _a, _b in ADMISSION_PERIODS:
            out.append(
                self._ind(
                    f"members.admitted.{code}",
                    f"Vào Đảng {lv[0].lower()}{lv[1:]}",
                    f"Admitted {le[0].lower()}{le[1:]}",
                    "người",
                    f"{stock}; theo ngày quyết định kết nạp lần đầu",
                )
            )
        for tier in charter.BADGE_TIERS:
            out.append(
                self._ind(
                    f"members.seniority.{tier}",
                    f"Tuổi đảng từ {tier} năm",
                    f"Party age {tier} years or more",
                    "người",
                    f"{stock}; tuổi đảng (trừ thời gian gián đoạn) từ {tier} năm trở lên",
                )
            )
        out.append(
            self._ind(
                "members.exempted",
                "Được miễn công tác và sinh hoạt đảng",
                "Exempted from work and party activity",
                "người",
                stock,
            )
        )
        return out

    def base(self, scope: Scope) -> QuerySet[MembershipPeriod]:
        return MembershipPeriod.objects.filter(
            scope.held(), valid_on(scope.end), temporary=False, org_id__in=scope.orgs_on(scope.end)
        )

    def grouped(self, scope: Scope) -> list[tuple[Any, ...]]:
        """(status, *PERSON_COLUMNS, birth date, first admission date, n): the list on the end day
        in one grouped pass, shared by the members and seniority families of the same scope."""
        found = scope.__dict__.get("_grouped")
        if found is None or not scope.__dict__.get("_sharing"):
            columns = [f"member__person__{c}" for c in PERSON_COLUMNS]
            columns += ["member__person__birth_date", "member__first_admission_date"]
            found = list(
                self.base(scope)
                .values("status", *columns)
                .annotate(n=Count("id"))
                .values_list("status", *columns, "n")
            )
            found = self._as_held(scope, columns, found)
            scope.__dict__["_grouped"] = found
        return found

    def _as_held(
        self, scope: Scope, columns: list[str], grouped: list[tuple[Any, ...]]
    ) -> list[tuple[Any, ...]]:
        """The grouped rows with the persons whose attributes changed after the end day moved to
        the values they held on it (members/attributes.py): a few rows, not a second pass."""
        held = attributes.held_on(self.base(scope).values("member__person_id"), scope.end)
        if not held:
            return grouped
        counts: Counter[tuple[Any, ...]] = Counter({tuple(r[:-1]): r[-1] for r in grouped})
        width = len(PERSON_COLUMNS)
        rows = self.base(scope).filter(member__person_id__in=list(held))
        for *key, person in rows.values_list("status", *columns, "member__person_id"):
            counts[tuple(key)] -= 1
            values = held[person]
            key[1 : 1 + width] = [
                values.get(c, v) for c, v in zip(PERSON_COLUMNS, key[1 : 1 + width], strict=True)
            ]
            counts[tuple(key)] += 1
        return [(*key, n) for key, n in counts.items() if n]

    def values(self, scope: Scope) -> dict[str, float]:
        """One grouped query read off in Python; the records of a code come from `conditions`,
        the same definitions as SQL filters."""
        values: dict[str, float] = {i.code: 0 for i in self.indicators()}
        width = len(PERSON_COLUMNS)
        total = ages = 0
        for status, *rest, n in self.grouped(scope):
            values["members.total"] += n
            if status in ("official", "probationary"):
                values[f"members.{status}"] += n
            for code in person_codes("members", tuple(rest[:width])):
                values[code] += n
            age = completed_years(rest[width], scope.end)
            total += n
            ages += age * n
            values[f"members.age.{age_band(age)}"] += n
        values["members.age.average"] = round(ages / total, 1) if total else 0
        values["_members.age.sum"] = ages  # to combine subtrees (reports/summaries.py)
        return values

    def some(self, scope: Scope, codes: Iterable[str]) -> dict[str, float]:
        """A few of the family's counts in one pass (conditional counts over the same
        conditions as the records): for a page that needs five figures, not five hundred."""
        conditions = self.conditions(scope.end)
        wanted = [c for c in codes if c in conditions]
        result = self.base(scope).aggregate(
            **{
                f"c{n}": Count("id", filter=conditions[c]) if conditions[c] else Count("id")
                for n, c in enumerate(wanted)
            }
        )
        return {c: int(result[f"c{n}"] or 0) for n, c in enumerate(wanted)}

    def _seniority(self, scope: Scope) -> dict[int, list[int]]:

        found: dict[int, list[int]] = {tier: [] for tier in charter.BADGE_TIERS}
        oldest = add_years(scope.end, -charter.BADGE_TIERS[0])
        members = PartyMember.objects.filter(
            pk__in=self.base(scope).values("member_id"), first_admission_date__lte=oldest
        ).only("id", "first_admission_date", "derived")
        for m in members:
            assert m.first_admission_date is not None
            years = lifecycle.party_age(m.first_admission_date, gaps_of(m), scope.end).years
            for tier in charter.BADGE_TIERS:
                if years >= tier:
                    found[tier].append(m.pk)
        return found

    def _exempted(self, scope: Scope) -> list[int]:

        return list(
            FlagPeriod.objects.filter(
                valid_on(scope.end),
                flag="exempted",
                member_id__in=self.base(scope).values("member_id"),
            ).values_list("member_id", flat=True)
        )

    def records(self, scope: Scope, code: str) -> list[int]:
        if code.startswith("members.seniority."):
            return self._seniority(scope)[int(code.rsplit(".", 1)[1])]
        if code == "members.exempted":
            return self._exempted(scope)
        if code == "members.age.average":
            code = "members.total"
        condition = self.conditions(scope.end)[code]
        return list(self.base(scope).filter(condition).values_list("member_id", flat=True))


class Seniority(MemberStock):
    """The same members' time in the Party: admission periods, party age (gaps deducted) and
    exemption (form 3); apart because it reads each long-standing member's history."""

    key = "seniority"

    def owns(self, code: str) -> bool:
        return code.startswith(self.SENIOR)

    def values(self, scope: Scope) -> dict[str, float]:
        values: dict[str, float] = {i.code: 0 for i in self.indicators()}
        for *_rest, first, n in self.grouped(scope):
            for code, _v, _e, low, high in ADMISSION_PERIODS:
                if (
                    first is not None
                    and (low is None or first >= low)
                    and (high is None or first < high)
                ):
                    values[f"members.admitted.{code}"] += n
        seniority = self._seniority(scope)
        for tier in charter.BADGE_TIERS:
            values[f"members.seniority.{tier}"] = len(seniority[tier])
        values["members.exempted"] = len(self._exempted(scope))
        return values
