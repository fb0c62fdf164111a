"""The annual quality ratings of members and organisations: levels, shares, the not rated."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Count, QuerySet

from dangvu.evaluation.models import Rating
from dangvu.evaluation.services import review_on
from dangvu.members.models import MembershipPeriod
from dangvu.orgs.models import Kind, Placement, valid_on
from dangvu.reports.indicators.base import Family, Indicator, Scope, en, vi
from dangvu.rules import evaluation as ev
from dangvu.rules import organisation as org_rules


class Ratings(Family):
    """The quality ratings of the end day's year (form 6), of members and organisations."""

    key = "ratings"
    record = "rating"

    def indicators(self) -> list[Indicator]:
        out = []
        d = "xếp loại đã quyết định của năm cuối kỳ, theo tổ chức vào ngày kiểm điểm"
        for subject, lv, le in (
            ("members", "Đảng viên", "Members"),
            ("orgs", "Tổ chức đảng", "Organisations"),
        ):
            out.append(
                self._ind(
                    f"ratings.{subject}.rated",
                    f"{lv} được xếp loại",
                    f"{le} rated",
                    "người" if subject == "members" else "tổ chức",
                    d,
                )
            )
            for level in ev.LEVELS:
                out.append(
                    self._ind(
                        f"ratings.{subject}.{level}",
                        f"{lv}: {ev.LEVEL_NAMES_VI[level].lower()}",
                        f"{le}: {en(ev.LEVEL_LABELS[level]).lower()}",
                        "người" if subject == "members" else "tổ chức",
                        d,
                    )
                )
            out.append(
                self._ind(
                    f"ratings.{subject}.good_pct",
                    f"{lv}: tỷ lệ hoàn thành tốt nhiệm vụ trở lên",
                    f"{le}: share rated HTTNV or better",
                    "%",
                    f"{d}; (HTXSNV + HTTNV) × 100 / số được xếp loại (mục tiêu 90 %, NQ 21-NQ/TW)",
                )
            )
        for kind in (
            org_rules.GRASSROOTS_COMMITTEE,
            org_rules.GRASSROOTS_CELL,
            org_rules.CELL,
            org_rules.SUB_COMMITTEE,
        ):
            label = dict(Kind.choices)[kind]
            for level in ev.LEVELS:
                out.append(
                    self._ind(
                        f"ratings.orgs.{kind}.{level}",
                        f"{vi(label)}: {ev.LEVEL_NAMES_VI[level].lower()}",
                        f"{en(label)}: {level}",
                        "tổ chức",
                        d,
                    )
                )
        out.append(
            Indicator(
                "ratings.members.unrated",
                "Đảng viên trong danh sách chưa có xếp loại",
                "Members in the list not rated",
                "người",
                "đảng viên trong danh sách vào ngày kiểm điểm chưa có xếp loại đã quyết định "
                "(gồm người không kiểm điểm: miễn sinh hoạt, đình chỉ, mới kết nạp)",
                self.key,
                "member",
            )
        )
        return out

    def _day(self, scope: Scope) -> dt.date:

        on = review_on(scope.end.year)
        if on > scope.end and scope.end.month == 12 and scope.end.day == 31:
            on = scope.end
        return on

    def _rows(self, scope: Scope, on: dt.date) -> Any:

        return Rating.objects.filter(
            scope.held("unit_id"), year=scope.end.year, unit_id__in=scope.orgs_on(on)
        ).exclude(level="")

    def _kinds(self, scope: Scope, on: dt.date) -> dict[int, str]:
        return dict(
            Placement.objects.filter(valid_on(on), org_id__in=scope.orgs_on(on)).values_list(
                "org_id", "kind"
            )
        )

    def _listed(self, scope: Scope, on: dt.date) -> QuerySet[MembershipPeriod]:
        return MembershipPeriod.objects.filter(
            scope.held(), valid_on(on), temporary=False, org_id__in=scope.orgs_on(on)
        )

    def compute(self, scope: Scope) -> dict[str, list[int]]:
        on = self._day(scope)
        kinds = self._kinds(scope, on)
        found: dict[str, list[int]] = defaultdict(list)
        rated_members: set[int] = set()
        for rating_id, subject, level, org_id, member_id in self._rows(scope, on).values_list(
            "id", "subject", "level", "org_id", "member_id"
        ):
            if subject == ev.MEMBER:
                found["ratings.members.rated"].append(rating_id)
                found[f"ratings.members.{level}"].append(rating_id)
                rated_members.add(member_id)
            else:
                found["ratings.orgs.rated"].append(rating_id)
                found[f"ratings.orgs.{level}"].append(rating_id)
                kind = kinds.get(org_id)
                if kind:
                    found[f"ratings.orgs.{kind}.{level}"].append(rating_id)
        found["ratings.members.unrated"] = sorted(
            set(self._listed(scope, on).values_list("member_id", flat=True)) - rated_members
        )
        return found

    def member_levels(self, scope: Scope) -> dict[str, float]:
        """ratings.members.rated, the four levels and good_pct alone (one grouped query)."""
        on = self._day(scope)
        values: dict[str, float] = {f"ratings.members.{lv}": 0 for lv in ev.LEVELS}
        values["ratings.members.rated"] = 0
        grouped = (
            self._rows(scope, on)
            .filter(subject=ev.MEMBER)
            .values("level")
            .annotate(n=Count("id"))
            .values_list("level", "n")
        )
        for level, n in grouped:
            values[f"ratings.members.{level}"] += n
            values["ratings.members.rated"] += n
        rated = values["ratings.members.rated"]
        good = values[f"ratings.members.{ev.HTXSNV}"] + values[f"ratings.members.{ev.HTTNV}"]
        values["ratings.members.good_pct"] = round(good * 100 / rated, 1) if rated else 0
        return values

    def values(self, scope: Scope) -> dict[str, float]:
        """Counted in the database (grouped by subject, level and the organisation rated); the
        records of a code come from `compute`, the same filters row by row."""
        on = self._day(scope)
        kinds = self._kinds(scope, on)
        values: dict[str, float] = {i.code: 0 for i in self.indicators()}
        rows = self._rows(scope, on)
        grouped = rows.values("subject", "level", "org_id").annotate(n=Count("id"))
        for subject, level, org_id, n in grouped.values_list("subject", "level", "org_id", "n"):
            who = "members" if subject == ev.MEMBER else "orgs"
            values[f"ratings.{who}.rated"] += n
            values[f"ratings.{who}.{level}"] += n
            kind = kinds.get(org_id) if org_id else None
            if kind and f"ratings.orgs.{kind}.{level}" in values:
                values[f"ratings.orgs.{kind}.{level}"] += n
        listed = self._listed(scope, on).values("member_id")
        unrated = listed.exclude(
            member_id__in=rows.filter(member__isnull=False).values("member_id")
        )
        values["ratings.members.unrated"] = unrated.distinct().count()
        for subject in ("members", "orgs"):
            rated = values[f"ratings.{subject}.rated"]
            good = (
                values[f"ratings.{subject}.{ev.HTXSNV}"] + values[f"ratings.{subject}.{ev.HTTNV}"]
            )
            values[f"ratings.{subject}.good_pct"] = round(good * 100 / rated, 1) if rated else 0
        return values

    def records(self, scope: Scope, code: str) -> list[int]:
        if code.endswith("good_pct"):
            found = self.compute(scope)
            subject = code.split(".")[1]
            return found.get(f"ratings.{subject}.{ev.HTXSNV}", []) + found.get(
                f"ratings.{subject}.{ev.HTTNV}", []
            )
        return self.compute(scope).get(code, [])
