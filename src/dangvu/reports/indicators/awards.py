"""Commendations and party badges awarded over a period."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from dangvu.awards.models import BadgeAward, Commendation
from dangvu.members.models import MembershipPeriod
from dangvu.reports.indicators.base import Family, Indicator, Scope, en, vi
from dangvu.reports.indicators.flows import _home_on
from dangvu.rules import charter


class Awards(Family):
    """Commendations decided and badges awarded in the period (form 7)."""

    key = "awards"
    record = "commendation"

    def indicators(self) -> list[Indicator]:

        out = []
        for kind, label in Commendation.Kind.choices:
            for subject, lv, le in (
                ("orgs", "tổ chức đảng", "organisations"),
                ("members", "đảng viên", "members"),
            ):
                out.append(
                    self._ind(
                        f"awards.{subject}.{kind}",
                        f"{vi(label).split(' (')[0]} cho {lv}",
                        f"{en(label).split(' (')[0]} to {le}",
                        "lượt",
                        "khen thưởng có quyết định ký trong kỳ, của tổ chức hoặc đảng viên trong cây",
                    )
                )
        for tier in charter.BADGE_TIERS:
            out.append(
                Indicator(
                    f"awards.badges.{tier}",
                    f"Huy hiệu {tier} năm tuổi Đảng",
                    f"{tier}-year party badges",
                    "người",
                    "huy hiệu Đảng trao trong kỳ cho đảng viên trong cây vào ngày trao",
                    self.key,
                    "badge",
                )
            )
        out.append(
            Indicator(
                "awards.badges.total",
                "Tổng số huy hiệu Đảng",
                "Party badges",
                "người",
                "huy hiệu Đảng trao trong kỳ",
                self.key,
                "badge",
            )
        )
        return out

    def compute(self, scope: Scope) -> dict[str, list[int]]:

        found: dict[str, list[int]] = defaultdict(list)
        comms = list(
            Commendation.objects.filter(
                decision__date__gte=scope.start, decision__date__lte=scope.end
            ).values_list("id", "kind", "member_id", "org_id", "decision__date")
        )
        badges = list(
            BadgeAward.objects.filter(
                awarded_on__gte=scope.start, awarded_on__lte=scope.end
            ).values_list("id", "tier", "member_id", "awarded_on")
        )
        member_ids = {c[2] for c in comms if c[2]} | {b[2] for b in badges}
        periods: dict[int, list[tuple[dt.date, dt.date | None, int, str]]] = defaultdict(list)
        for m, vf, vt, o, s in MembershipPeriod.objects.filter(
            member_id__in=member_ids, temporary=False
        ).values_list("member_id", "valid_from", "valid_to", "org_id", "status"):
            periods[m].append((vf, vt, o, s))

        def member_inside(member: int, day: dt.date) -> bool:
            home = _home_on(periods[member], day)
            if home is None:  # a posthumous badge, or after leaving: the last cell held
                last = [
                    (vt, o) for _vf, vt, o, _s in periods[member] if vt is not None and vt <= day
                ]
                if not last:
                    return False
                vt, home = max(last)
                day = vt - dt.timedelta(days=1)
            return scope.inside(home, day, member)

        for cid, kind, member, org, day in comms:
            if member and member_inside(member, day):
                found[f"awards.members.{kind}"].append(cid)
            elif org and scope.inside(org, day):
                found[f"awards.orgs.{kind}"].append(cid)
        for bid, tier, member, day in badges:
            if member_inside(member, day):
                found[f"awards.badges.{tier}"].append(bid)
                found["awards.badges.total"].append(bid)
        return found

    def values(self, scope: Scope) -> dict[str, float]:
        found = self.compute(scope)
        return {i.code: len(found.get(i.code, [])) for i in self.indicators()}

    def records(self, scope: Scope, code: str) -> list[int]:
        return self.compute(scope).get(code, [])
