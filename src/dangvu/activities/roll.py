"""Who a cell's meeting expects on a day, and who owes it dues for a month: read from the members'
derived periods and flags (members/lifecycle.py), so that the roll follows transfers, exemptions
and suspensions as they were that day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from dangvu.members.models import ACTIVE_STATUSES, Flag, FlagPeriod, MembershipPeriod, Status
from dangvu.orgs.models import Organisation, valid_on
from dangvu.rules import activities as rules
from dangvu.rules import organisation as org_rules

CELL_KINDS = (org_rules.CELL, org_rules.GRASSROOTS_CELL)


@dataclass
class Line:
    member: int
    name: str
    sort_key: str
    official: bool
    suspended: bool
    attached: bool
    status: str  # what the roll proposes: present, exempted or away

    def as_roll(self, status: str | None = None) -> rules.Roll:
        return rules.Roll(
            self.member, status or self.status, self.official, self.suspended, self.attached
        )


def flags_on(member_ids: Any, day: dt.date) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for member_id, flag in FlagPeriod.objects.filter(
        valid_on(day), member_id__in=member_ids
    ).values_list("member_id", "flag"):
        found.setdefault(member_id, set()).add(flag)
    return found


def _line(member_id: int, status: str, temporary: bool, name: str, key: str, own: set[str]) -> Line:
    if not temporary and Flag.ON_TEMPORARY_TRANSFER in own:
        proposed = rules.AWAY
    elif own & {Flag.EXEMPTED, Flag.TEMPORARILY_EXEMPTED}:
        proposed = rules.EXEMPTED
    else:
        proposed = rules.PRESENT
    return Line(
        member_id,
        name,
        key,
        status == Status.OFFICIAL,
        Flag.SUSPENDED in own,
        bool(temporary),
        proposed,
    )


def _ordered(lines: list[Line]) -> list[Line]:
    return sorted(lines, key=lambda line: (line.attached, line.sort_key))


def roll_for(org: Organisation, day: dt.date) -> list[Line]:
    """The cell's members on the day (its own, and those on temporary transfer to it), in name
    order, with what the roll proposes for each: away when on temporary transfer elsewhere,
    exempted when exempted (or temporarily) from activity, else present."""
    return rolls_for([(org.pk, day)])[(org.pk, day)]


def rolls_for(pairs: list[tuple[int, dt.date]]) -> dict[tuple[int, dt.date], list[Line]]:
    """`roll_for` of many (cell, day) at once: two queries over the days' range, whatever the
    number of cells (the demo's months, an import of a year's meeting books)."""
    if not pairs:
        return {}
    orgs = {org for org, _day in pairs}
    first = min(day for _org, day in pairs)
    last = max(day for _org, day in pairs)
    overlapping = Q(valid_from__lte=last) & (Q(valid_to__isnull=True) | Q(valid_to__gt=first))
    periods = list(
        MembershipPeriod.objects.filter(
            overlapping, org_id__in=orgs, status__in=ACTIVE_STATUSES
        ).values_list(
            "org_id",
            "valid_from",
            "valid_to",
            "member_id",
            "status",
            "temporary",
            "member__person__full_name",
            "member__person__sort_key",
        )
    )
    members = {p[3] for p in periods}
    flags: dict[int, list[tuple[dt.date, dt.date | None, str]]] = {}
    for member_id, since, until, flag in FlagPeriod.objects.filter(
        overlapping, member_id__in=members
    ).values_list("member_id", "valid_from", "valid_to", "flag"):
        flags.setdefault(member_id, []).append((since, until, flag))
    by_org: dict[int, list[Any]] = {}
    for row in periods:
        by_org.setdefault(row[0], []).append(row)
    found: dict[tuple[int, dt.date], list[Line]] = {}
    for org_id, day in pairs:
        lines = []
        for _org, since, until, member_id, status, temporary, name, key in by_org.get(org_id, []):
            if since <= day and (until is None or day < until):
                own = {
                    f for a, b, f in flags.get(member_id, []) if a <= day and (b is None or day < b)
                }
                lines.append(_line(member_id, status, temporary, name, key, own))
        found[(org_id, day)] = _ordered(lines)
    return found


def payers_on(org_ids: list[int] | set[int], day: dt.date) -> dict[int, int]:
    """{member: the cell the member pays dues to on the day}: the home cell, or the host cell while
    on temporary transfer (the member attends and pays there)."""
    found: dict[int, int] = {}
    here = members_in(org_ids, day)
    rows = MembershipPeriod.objects.filter(
        valid_on(day), status__in=ACTIVE_STATUSES, member_id__in=here
    ).values_list("member_id", "org_id", "temporary")
    for member_id, org_id, temporary in rows:
        if temporary or member_id not in found:
            found[member_id] = org_id
    wanted = set(org_ids)
    return {member: org for member, org in found.items() if org in wanted}


def members_in(org_ids: list[int] | set[int], day: dt.date) -> Any:
    """The members with a period (home or host) in these cells on the day, as a subquery."""
    return MembershipPeriod.objects.filter(
        valid_on(day), status__in=ACTIVE_STATUSES, org_id__in=org_ids
    ).values("member_id")
