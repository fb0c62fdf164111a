"""What the ratings' services share: a proposal, the facts of a member's year, the review's day,
a rating decided outside the workflow and a problem found in one, and how changes are written
into the change log."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from dangvu.core.dates import format_date
from dangvu.core.errors import RuleError
from dangvu.discipline.models import DisciplineDecision
from dangvu.evaluation.models import PeerGroup, Rating, Round
from dangvu.members.models import FlagPeriod, MembershipPeriod, PartyMember
from dangvu.orgs.models import Organisation, Placement, valid_on
from dangvu.rules import evaluation as ev
from dangvu.rules.organisation import MEMBER_RATING_KINDS
from dangvu.tree.selectors import placement_of


@dataclass
class Proposal:
    """One subject's rating as the cell (or the organisation) proposes it."""

    subject: PartyMember | Organisation
    level: str
    self_level: str = ""
    score: ev.Score | None = None
    tasks_not_done_pct: float | None = None
    degradation: bool = False
    self_remedied: bool = False  # a discipline of the year was self-detected and remedied
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass
class MemberFacts:
    member: PartyMember
    status: str
    flags: set[str]
    cell_id: int | None
    joined_on: dt.date | None
    disciplines: list[ev.DisciplineFact]


def joined_on(ceremony: dt.date | None, decision: dt.date | None, on: dt.date) -> dt.date | None:
    """When a member joined, for the review of `on`: the ceremony (ngày vào Đảng) when held by
    that day, else the admission decision. A decision after `on` is a later membership's (a
    re-admission): in the list on `on`, the member belonged by an earlier one, long enough ago
    for the new-member rule (None: no such rule applies)."""
    if decision is not None and decision > on:
        return None
    return ceremony if ceremony and ceremony <= on else decision


def review_facts(
    members: Sequence[PartyMember], year: int, on: dt.date | None = None
) -> dict[int, MemberFacts]:
    """Each member's status, flags and cell on the review day (`on`, when the caller has read
    it already), and the year's discipline: three queries for any number of members."""
    on = on or review_on(year)
    ids = [m.pk for m in members]
    periods = {
        member_id: (status, org_id)
        for member_id, status, org_id in MembershipPeriod.objects.filter(
            valid_on(on), member_id__in=ids, temporary=False
        ).values_list("member_id", "status", "org_id")
    }
    flags: dict[int, set[str]] = defaultdict(set)
    for member_id, flag in FlagPeriod.objects.filter(valid_on(on), member_id__in=ids).values_list(
        "member_id", "flag"
    ):
        flags[member_id].add(flag)
    disciplines: dict[int, list[ev.DisciplineFact]] = defaultdict(list)
    for row in DisciplineDecision.objects.filter(member_id__in=ids, announced_on__year=year).values(
        "member_id", "form", "announced_on", "duty_related"
    ):
        disciplines[row["member_id"]].append(
            ev.DisciplineFact(row["form"], row["announced_on"], row["duty_related"])
        )
    out = {}
    for m in members:
        period = periods.get(m.pk)
        out[m.pk] = MemberFacts(
            member=m,
            status=period[0] if period else "",
            flags=flags[m.pk],
            cell_id=period[1] if period else None,
            joined_on=joined_on(m.ceremony_date, m.admission_decision_date, on),
            disciplines=disciplines[m.pk],
        )
    return out


def grassroots_of(org: Organisation, on: dt.date) -> Organisation | None:
    """The grassroots organisation (đảng bộ cơ sở or chi bộ cơ sở) an organisation lies in; from
    1/7/2025 a commune committee for the village cells it holds directly."""
    place = placement_of(org, on)
    if place is None:
        return None
    segments = [place.path[i : i + 7] for i in range(0, len(place.path), 7)]
    paths = ["".join(segments[: n + 1]) for n in range(len(segments))]
    found = (
        Placement.objects.filter(valid_on(on), path__in=paths, kind__in=MEMBER_RATING_KINDS)
        .select_related("org")
        .order_by("-path")
        .first()
    )
    return found.org if found else None


def review_on(year: int) -> dt.date:
    """The day the year's facts are judged on: the round's review day, else 31/12 (HD 43 4.1)."""
    return _round_state(year)[1]


def _round_state(year: int) -> tuple[dt.date | None, dt.date]:
    """The year's round in one query: the day it was closed (None while open) and `review_on`."""
    found = Round.objects.filter(year=year).values_list("closed_on", "review_on").first()
    closed_on, review = found or (None, None)
    return closed_on, review or ev.review_day(year)


def _still_open(year: int) -> dt.date:
    """Refused once the year's round is closed; else the review day (`review_on`), read with it."""
    closed_on, review = _round_state(year)
    if closed_on is not None:
        raise RuleError(
            _(
                "The ratings of %(year)s were closed on %(date)s; the superior level may still re-classify."
            )
            % {"year": year, "date": format_date(closed_on)},
            field="year",
        )
    return review


# --- ratings decided outside the workflow: imports, the demo, and the audit of what is stored ----
@dataclass
class Decided:
    """A rating as decided elsewhere (an import of earlier years, another system) or written by
    the demo, checked by the same rules as the workflow's decision (`check_decided`)."""

    key: Any  # the caller's name for it in problems: a row number, a rating id
    subject: PartyMember | Organisation
    level: str
    unit: Organisation  # a member's cell on the review day; an organisation's parent then
    deciding_org: Organisation | None = None  # the competent level when not given
    proposal: Proposal | None = None  # the score and the facts, when known
    decided_on: dt.date | None = None
    group_id: int | None = None
    override: str = ""  # the officer's reason for keeping what the rules of the year refuse
    late_reason: str = ""  # the reason a decision after the year's deadline is recorded
    decision_number: str = ""
    rating: Rating | None = None  # the stored rating it replaces (its level leaves the quota)
    written: bool = True  # False: refused by the caller, so it counts in no quota

    @property
    def subject_kind(self) -> str:
        return ev.MEMBER if isinstance(self.subject, PartyMember) else ev.ORG


@dataclass(frozen=True)
class RuleProblem:
    key: Any
    # "member": not a member or not reviewed; "competent": decided by another level; "score": a
    # score out of range; "date": dated in the future (none of these may be overridden); "level";
    # "late";
    # "quota" (an officer may keep these with a reason).
    kind: str
    message: str

    @property
    def overridable(self) -> bool:
        return self.kind in ("level", "late", "quota")


def _snapshot(rating: Rating) -> dict[str, Any]:
    return {
        "year": rating.year,
        "self_level": rating.self_level,
        "proposed_level": rating.proposed_level,
        "level": rating.level,
        "score_general": str(rating.score_general) if rating.score_general is not None else None,
        "score_tasks": str(rating.score_tasks) if rating.score_tasks is not None else None,
        "deciding_org": rating.deciding_org_id,
        "decided_on": rating.decided_on,
        "decision": rating.decision_id,
        "group": rating.group_id,
        "reclassified_from": rating.reclassified_from,
        "late_reason": rating.late_reason or None,
        "override_reason": rating.override_reason or None,
    }


def _future(on: dt.date) -> str:
    return _("Dated %(date)s, after today: a decision cannot be dated in the future.") % {
        "date": format_date(on)
    }


def _group_label(group: PeerGroup | None, deciding: Organisation) -> str:
    """Where the quota is counted, as its message names it: the group of similar role the level
    set up (QĐ 124, QĐ 366), or the organisation that decides (HD 21)."""
    if group is None:
        return deciding.name
    return _("the group “%(group)s” of %(org)s") % {"group": group.name, "org": deciding.name}


def _name(subject: Any) -> str:
    return subject.person.full_name if isinstance(subject, PartyMember) else subject.name


def _d(year: int) -> str:
    return format_date(review_on(year))
