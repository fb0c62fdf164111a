"""Reads of the ratings area: who sees ratings as their work, a year's progress and results."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import get_language

from dangvu.accounts.models import Ability
from dangvu.accounts.scope import scope_for
from dangvu.core.cached import cached
from dangvu.core.dates import today
from dangvu.evaluation.models import Rating
from dangvu.evaluation.services.common import joined_on, review_on
from dangvu.members.models import FlagPeriod, MembershipPeriod, PartyMember
from dangvu.members.selectors import members_on
from dangvu.orgs.models import SEGMENT_WIDTH, Organisation, Placement, valid_on
from dangvu.rules import evaluation as ev
from dangvu.rules.organisation import MEMBER_RATING_KINDS
from dangvu.tree.selectors import subtree_org_ids, subtree_placements


def rates_as_work(user: Any, org: Organisation, day: dt.date) -> bool:
    """Whether the user sees the members' ratings on `org`'s page as the work of rating them,
    without a stated purpose (accounts.privacy: ratings are sensitive): a rating role held on the
    organisation itself (the cell proposes) or on the one that decides its members' ratings — its
    nearest grassroots organisation or commune committee (DOMAIN.md §1.5). An officer of a level
    above, whose area merely covers the cell, says why first, with the permission, like anyone."""
    held = set(scope_for(user, Ability.RATE).paths)
    if not held:
        return False
    place = Placement.objects.filter(valid_on(day), org=org).first()
    if place is None:
        return False
    if place.path in held:
        return True
    above = [place.path[:end] for end in range(SEGMENT_WIDTH, len(place.path), SEGMENT_WIDTH)]
    deciding = (
        Placement.objects.filter(valid_on(day), path__in=above, kind__in=MEMBER_RATING_KINDS)
        .order_by("-path")
        .values_list("path", flat=True)
        .first()
    )
    return deciding is not None and deciding in held


# --- progress and results of a year's review -------------------------------------------------
# --- progress and results ------------------------------------------------------------------------
def members_in_subtree(org: Organisation, on: dt.date) -> QuerySet[MembershipPeriod]:
    """The home periods of a day in the organisation over time: the members' one rule."""

    return members_on(org, on)


def progress(org: Organisation, year: int, shown: int | None = 200) -> dict[str, Any]:
    """Who is to be rated in the subtree, who is rated, who is not yet, and who is not reviewed:
    counted over the values of the whole subtree (a province's 22,000 members in a few queries,
    no record built for each), the members themselves read only for the `shown` first of each
    list (all of them with `shown=None`, as a cell's page asks)."""
    # Counted once per state of the records (and language: the reasons are sentences).
    key = f"rating-progress:{org.pk}:{year}:{shown}:{get_language()}"
    counted = cached(key, lambda: _count(org, year, shown))
    to_rate, pending_total, pending_ids, excluded_total, excluded_ids = counted
    people = PartyMember.objects.select_related("person").in_bulk(
        pending_ids + [m for m, _why in excluded_ids]
    )
    rules = ev.rules_for(year)
    deadline = ev.decision_deadline(rules, year)
    return {
        "to_rate": to_rate,
        "rated": to_rate - pending_total,
        "pending": [people[m] for m in pending_ids],
        "pending_total": pending_total,
        "not_reviewed": [(people[m], why) for m, why in excluded_ids],
        "not_reviewed_total": excluded_total,
        "deadline": deadline,
        # After the deadline (§16.1 1.6) whatever is not decided is overdue.
        "overdue": deadline is not None and today() > deadline,
        "late": late_decisions(org, year),
    }


def _count(
    org: Organisation, year: int, shown: int | None
) -> tuple[int, int, list[int], int, list[tuple[int, str]]]:
    """progress()'s counting over the subtree's values: those to rate, those not yet rated (the
    `shown` first of them), those not reviewed with why (the `shown` first)."""
    rules = ev.rules_for(year)
    on = review_on(year)
    periods = members_in_subtree(org, on)
    everyone = periods.values("member_id")
    flags: dict[int, set[str]] = defaultdict(set)
    for member_id, flag in FlagPeriod.objects.filter(
        valid_on(on), member_id__in=everyone
    ).values_list("member_id", "flag"):
        flags[member_id].add(flag)
    decided = set(
        Rating.objects.filter(year=year, member_id__in=everyone)
        .exclude(level="")
        .values_list("member_id", flat=True)
    )
    to_rate, pending_ids, excluded_ids = 0, [], []
    for member_id, status, ceremony, decision_day in periods.values_list(
        "member_id", "status", "member__ceremony_date", "member__admission_decision_date"
    ).order_by("member__person__sort_key"):
        why = ev.not_reviewed_reason(
            rules,
            year=year,
            flags=flags[member_id],
            status=status,
            joined_on=joined_on(ceremony, decision_day, on),
            on=on,
        )
        if why:
            excluded_ids.append((member_id, str(why)))
            continue
        to_rate += 1
        if member_id not in decided:
            pending_ids.append(member_id)
    return (
        to_rate,
        len(pending_ids),
        pending_ids[:shown],
        len(excluded_ids),
        excluded_ids[:shown],
    )


def late_decisions(org: Organisation, year: int) -> list[Rating]:
    """Ratings of the subtree decided after the year's deadline, each with its stated reason: its
    members' (by the cell they were rated in) and its organisations'."""
    units = subtree_org_ids(org, review_on(year))
    return list(
        Rating.objects.filter(Q(unit_id__in=units) | Q(org_id__in=units), year=year)
        .exclude(late_reason="")
        .select_related("member__person", "org")
        .order_by("decided_on", "pk")
    )


def distribution(org: Organisation, year: int, subject: str = ev.MEMBER) -> dict[str, Any]:
    """Ratings decided in the subtree by level, and the share rated HTTNV or above against the
    90 % target of Nghị quyết 21-NQ/TW (DOMAIN.md §1.6)."""
    on = review_on(year)
    counts = dict.fromkeys(ev.LEVELS, 0)
    # The organisation over time: before it was formed, what became it (tree.selectors).
    units = subtree_org_ids(org, on)
    for level in (
        Rating.objects.filter(year=year, subject=subject, unit_id__in=units)
        .exclude(level="")
        .values_list("level", flat=True)
    ):
        counts[level] += 1
    total = sum(counts.values())
    good = counts[ev.HTXSNV] + counts[ev.HTTNV]
    return {
        "counts": counts,
        "total": total,
        "good_or_better_pct": round(100 * good / total, 2) if total else None,
        "target_pct": 90,
        "meets_target": (100 * good >= 90 * total) if total else None,
    }


def org_distribution(org: Organisation, year: int) -> list[dict[str, Any]]:
    """Organisations' ratings in the subtree by kind and base-unit category (as placed on the
    review day), each with its counts and its share rated HTTNV or better (DOMAIN.md §1.6)."""
    on = review_on(year)
    placed = {p.org_id: (p.kind, p.category) for p in subtree_placements(org, on)}
    groups: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: dict.fromkeys(ev.LEVELS, 0))
    for org_id, level in (
        Rating.objects.filter(year=year, subject=ev.ORG, org_id__in=list(placed))
        .exclude(level="")
        .values_list("org_id", "level")
    ):
        groups[placed[org_id]][level] += 1
    out = []
    for (kind, category), counts in sorted(groups.items()):
        total = sum(counts.values())
        good = counts[ev.HTXSNV] + counts[ev.HTTNV]
        out.append(
            {
                "kind": kind,
                "category": category,
                "counts": counts,
                "total": total,
                "good_or_better_pct": round(100 * good / total, 2) if total else None,
            }
        )
    return out


def orgs_not_rated(org: Organisation, year: int) -> list[Organisation]:
    """Organisations of the subtree (below it) with no decided rating for the year."""
    on = review_on(year)
    placed = dict(subtree_placements(org, on).values_list("org_id", "parent_id"))
    # Below the organisation: before it was formed, below what became it.
    below = [o for o, parent in placed.items() if o != org.pk and parent in placed]
    rated = Rating.objects.filter(year=year, subject=ev.ORG).exclude(level="").values("org_id")
    return list(Organisation.objects.filter(pk__in=below).exclude(pk__in=rated).order_by("code"))
