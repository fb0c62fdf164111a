"""Work lists of an organisation: what is due or overdue under the deadlines of DOMAIN.md §4 and §6.4."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from dangvu.accounts.models import Ability
from dangvu.accounts.scope import can, scope_for
from dangvu.core.cached import cached
from dangvu.core.calendar import Calendar, next_year_missing
from dangvu.core.dates import today
from dangvu.members import extensions, lifecycle
from dangvu.members.models import FlagPeriod, PartyMember
from dangvu.members.selectors import visible_members
from dangvu.orgs.models import Organisation, subtree_range
from dangvu.rules.charter import rules_on
from dangvu.tree.selectors import placement_of

HORIZON_DAYS = 30


@dataclass
class Item:
    """One thing due: about a member, or (an area's list, `members.extensions`) about another
    record, which then gives its own name, page and place."""

    member: PartyMember | None
    due: dt.date
    overdue: bool
    note: str = ""
    name: str = ""
    url: str = ""
    place: Organisation | None = None

    def __post_init__(self) -> None:
        if self.member is not None:
            self.name = self.name or self.member.person.full_name
            self.url = self.url or reverse("members:detail", args=[self.member.pk])
            self.place = self.place or self.member.org

    def as_dict(self) -> dict[str, Any]:
        return {
            "member": self.member.pk if self.member else None,
            "name": self.name,
            "org": self.place.code if self.place else None,
            "due": self.due.isoformat(),
            "overdue": self.overdue,
            "note": self.note,
        }


SECTIONS = {
    "recognition": _("Probationary members due or overdue for recognition"),
    "ceremony": _("Admission ceremonies due or overdue"),
    "transfer_letter": _("Transfer letters not yet presented"),
    "temporary_transfer_ending": _("Temporary transfers ending"),
    "exemption_ending": _("Temporary exemptions ending"),
}


def sections() -> dict[str, Any]:
    """Every work list's label: the members area's own, then those the areas above register
    (members.extensions)."""
    return {
        **SECTIONS,
        **{key: label for key, (label, _items) in extensions.work_lists().items()},
        **{key: label for key, (label, _items) in extensions.org_work_lists().items()},
    }


def calendar_missing(user: Any, org: Organisation, on: dt.date | None = None) -> int | None:
    """In December, on the work list of whoever manages the tree from its top: next year, when
    its days off are not recorded yet (deadlines in working days would count them wrong)."""

    day = on or today()
    place = placement_of(org, day)
    if place is None or place.parent_id is not None or not can(user, Ability.MANAGE_ORGS, org.path):
        return None
    return next_year_missing(day)


def work_list(user: Any, org: Organisation, on: dt.date | None = None) -> dict[str, list[Item]]:
    """What is due within the horizon or overdue on `on` (today), per list, for what the user may
    see of the organisation: kept per user, organisation, day and state of the records (a
    province's lists are thousands of records read; any write makes the next view read afresh)."""
    day = on or today()
    key = f"work-list:{getattr(user, 'pk', None)}:{org.pk}:{day.isoformat()}:{get_language()}"
    return cached(key, lambda: _work_list(user, org, day))


def _work_list(user: Any, org: Organisation, day: dt.date) -> dict[str, list[Item]]:
    horizon = day + dt.timedelta(days=HORIZON_DAYS)
    low, high = subtree_range(org.path)
    members = (
        visible_members(user)
        .filter(org__path__gte=low, org__path__lt=high)
        .select_related("person", "org")
    )
    deadlines: dict[tuple[dt.date, int], dt.date] = {}
    calendar = Calendar()  # a year's days off read once, not twice a deadline

    def after_working_days(start: dt.date, count: int) -> dt.date:
        key = (start, count)
        if key not in deadlines:
            deadlines[key] = calendar.add_working_days(start, count)
        return deadlines[key]

    result: dict[str, list[Item]] = {key: [] for key in sections()}
    for m in members.filter(status="probationary"):
        if m.ceremony_date is None and m.admission_decision_date is not None:
            rules = rules_on(m.admission_decision_date)
            deadline = after_working_days(m.admission_decision_date, rules.ceremony_working_days)
            result["ceremony"].append(Item(m, deadline, day > deadline))
        elif m.ceremony_date is not None:
            ends = lifecycle.official_date_for(m.ceremony_date)
            deadline = after_working_days(ends, rules_on(ends).recognition_working_days)
            if ends <= horizon:
                result["recognition"].append(
                    Item(m, deadline, day > deadline, note=ends.isoformat())
                )
    for m in members.filter(derived__transit__out_on__isnull=False):
        transit = (m.derived or {}).get("transit")
        if not transit:
            continue
        issued = dt.date.fromisoformat(transit["out_on"])
        deadline = after_working_days(issued, rules_on(issued).letter_presentation_working_days)
        result["transfer_letter"].append(Item(m, deadline, day > deadline, note=issued.isoformat()))
    for m in members.filter(temp_org__isnull=False):
        until = ((m.derived or {}).get("temp_transit") or {}).get("until")
        if until and dt.date.fromisoformat(until) <= horizon:
            result["temporary_transfer_ending"].append(
                Item(m, dt.date.fromisoformat(until), day > dt.date.fromisoformat(until))
            )
    # The members as a subquery, not a list: a province's 22,000 ids would be 22,000 parameters.
    ids = members.values("pk")
    for fp in FlagPeriod.objects.filter(
        member_id__in=ids, flag="temporarily_exempted", valid_to__isnull=True, until__lte=horizon
    ).select_related("member__person", "member__org"):
        assert fp.until is not None
        result["exemption_ending"].append(Item(fp.member, fp.until, day >= fp.until))
    sensitive = scope_for(user, Ability.VIEW_SENSITIVE).covers(org.path)
    for key, (_label, due) in extensions.work_lists().items():
        if extensions.is_sensitive_list(key) and not sensitive:
            result.pop(key, None)  # discipline: not even that there is any (accounts.privacy)
            continue
        result[key] += due(ids, day, horizon)
    for key, (_label, org_due) in extensions.org_work_lists().items():
        result[key] = org_due(user, org, day, horizon)
    for items in result.values():
        items.sort(key=lambda i: (not i.overdue, i.due))
    return result
