"""Commendation candidates from the rating history, the badges due on an award day, and recording
both (DOMAIN.md §2.2, §2.4, §3)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Min, OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from dangvu.accounts.models import Ability
from dangvu.accounts.scope import require
from dangvu.awards.models import BadgeAward, Commendation, IllnessNote
from dangvu.core.actors import Actor
from dangvu.core.cached import cached
from dangvu.core.changes import log_entry, open_change_set
from dangvu.core.dates import format_date, today
from dangvu.core.errors import RuleError
from dangvu.core.models import ChangeSet, Decision
from dangvu.core.text import vi_sort_key
from dangvu.discipline.models import DisciplineDecision
from dangvu.evaluation.models import Rating
from dangvu.evaluation.selectors import members_in_subtree
from dangvu.members.lifecycle import death_day, party_age, party_age_start, reckoned_to
from dangvu.members.models import PartyMember
from dangvu.members.selectors import gaps_in, gaps_of
from dangvu.orgs.models import Lineage, Organisation, Placement
from dangvu.rules import awards as rules
from dangvu.rules import evaluation as ev
from dangvu.rules.charter import BADGE_TIERS
from dangvu.tree.selectors import answers_on, subtree_org_ids


def _in_force(day: dt.date) -> Q:
    """Discipline decisions in force on a day (DOMAIN.md §6.4)."""
    return Q(announced_on__lte=day) & (Q(effect_until__isnull=True) | Q(effect_until__gt=day))


# The longest period the streaks are read over: two terms.
MAX_PERIOD_YEARS = 10


def five_year_candidates(
    org: Organisation,
    first_year: int,
    last_year: int,
    actor: Actor,
    *,
    carry_through: bool | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """Members and organisations of the subtree rated HTXSNV every year of the period, leaving out
    anyone under a discipline in force at the period's end (DOMAIN.md §2.2, §2.4). With a period of
    one year: those outstanding in the year. Each entry carries the record's "id" (not printed).

    "successors" lists the organisations of the subtree formed during the period by a
    restructuring, each with its own ratings and those of the organisations that became it;
    whether their years count for it is `carry_through` (default: the rules' parameter
    STREAKS_CARRY_THROUGH_RESTRUCTURING, off)."""
    if carry_through is None:
        carry_through = rules.STREAKS_CARRY_THROUGH_RESTRUCTURING
    require(actor, Ability.VIEW, org.path)
    if last_year < first_year:
        raise RuleError(_("The period ends before it starts."), field="period")
    if last_year - first_year + 1 > MAX_PERIOD_YEARS:
        raise RuleError(
            _("A period covers at most %(n)s years (a term is five).") % {"n": MAX_PERIOD_YEARS},
            field="period",
        )
    if first_year < ev.VERSIONS[0].first_year or last_year > today().year:
        raise RuleError(
            _("Ratings are kept from %(first)s to this year: choose a period within them.")
            % {"first": ev.VERSIONS[0].first_year},
            field="period",
        )
    years = list(range(first_year, last_year + 1))
    end = ev.review_day(last_year)
    if not answers_on(org, end):
        raise RuleError(
            _("%(org)s did not exist on %(date)s.") % {"org": org.name, "date": format_date(end)},
            field="org",
        )

    def compute() -> dict[str, list[dict[str, Any]]]:
        # The organisation over time: before it was formed, what became it (tree.selectors).
        members = _member_candidates(org, years, end)
        orgs, successors = _org_candidates(subtree_org_ids(org, end), years, end, carry_through)
        return {"members": members, "organisations": orgs, "successors": successors}

    # Computed once per state of the records (a province's page opened again; the cache keeps a
    # copy, so a caller may change what it gets).
    key = f"five-year:{org.pk}:{first_year}:{last_year}:{carry_through}"
    return dict(cached(key, compute))


def _streaks(ratings: Any, key: str, years: list[int]) -> dict[int, dict[str, str]]:
    history: dict[int, dict[str, str]] = defaultdict(dict)
    for subject_id, year, level in ratings.values_list(key, "year", "level"):
        history[subject_id][str(year)] = level
    return {sid: h for sid, h in history.items() if all(h.get(str(y)) == ev.HTXSNV for y in years)}


def _member_candidates(org: Organisation, years: list[int], end: dt.date) -> list[dict[str, Any]]:
    """Members of the subtree at the end of the period rated HTXSNV every year of it: counted in
    the database, so that only the few candidates are read, not the province's members."""
    periods = members_in_subtree(org, end)
    every_year = (
        Rating.objects.filter(
            subject=ev.MEMBER,
            year__in=years,
            level=ev.HTXSNV,
            member_id__in=periods.values("member_id"),
        )
        .values("member_id")
        .annotate(n=Count("year", distinct=True))
        .filter(n=len(years))
        .values_list("member_id", flat=True)
    )
    present = {
        member_id: (code, name)
        for member_id, code, name in periods.filter(member_id__in=list(every_year)).values_list(
            "member_id", "org__code", "org__name"
        )
    }
    barred = set(
        DisciplineDecision.objects.filter(_in_force(end), member_id__in=list(present)).values_list(
            "member_id", flat=True
        )
    )
    members = sorted(
        PartyMember.objects.filter(pk__in=[m for m in present if m not in barred]).values_list(
            "pk", "person__citizen_id", "person__full_name", "person__sort_key"
        ),
        key=lambda m: (vi_sort_key(present[m[0]][1]), m[3]),
    )
    return [
        {
            "id": pk,
            "cccd": citizen_id,
            "name": full_name,
            "org": present[pk][0],
            "org_name": present[pk][1],
            "ratings": {str(y): ev.HTXSNV for y in years},
        }
        for pk, citizen_id, full_name, _key in members
    ]


def _predecessors(org_ids: set[int], formed_by: dt.date) -> dict[int, set[int]]:
    """For each organisation, those that became it (merged, split or renamed into it, and those
    that became them) by a restructuring recorded on or before the day."""
    found: dict[int, set[int]] = {o: set() for o in org_ids}
    reached = {o: {o} for o in org_ids}
    frontier = {o: {o} for o in org_ids}
    while any(frontier.values()):
        everyone = set().union(*frontier.values())
        links: dict[int, set[int]] = defaultdict(set)
        for before, after in Lineage.objects.filter(
            successor_id__in=everyone, on__lte=formed_by
        ).values_list("predecessor_id", "successor_id"):
            links[after].add(before)
        for o in org_ids:
            new = (
                set().union(*(links[s] for s in frontier[o])) - reached[o] if frontier[o] else set()
            )
            reached[o] |= new
            found[o] |= new
            frontier[o] = new
    return found


def _org_candidates(
    units: Any, years: list[int], end: dt.date, carry_through: bool
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    ids = (
        set(units.values_list("org_id", flat=True)) if hasattr(units, "values_list") else set(units)
    )
    formed = {
        org_id: day
        for org_id, day in Placement.objects.filter(org_id__in=ids)
        .values_list("org_id")
        .annotate(first=Min("valid_from"))
        .values_list("org_id", "first")
    }
    start = dt.date(years[0], 1, 1)
    late = {o for o in ids if formed.get(o) and formed[o] > start}
    before = _predecessors(late, end)
    before = {o: p for o, p in before.items() if p}
    rated = ids | set().union(*before.values()) if before else ids
    history: dict[int, dict[str, str]] = defaultdict(dict)
    for org_id, year, level in Rating.objects.filter(
        org_id__in=rated, year__in=years, subject=ev.ORG
    ).values_list("org_id", "year", "level"):
        history[org_id][str(year)] = level

    def counted(org_id: int) -> dict[str, str]:
        """The org's year-by-year levels for the streak: its own; before it was formed, and only
        with `carry_through`, HTXSNV when every predecessor rated that year was HTXSNV."""
        own = dict(history.get(org_id, {}))
        if carry_through and org_id in before:
            for y in years:
                if str(y) in own or ev.review_day(y) >= formed[org_id]:
                    continue
                levels = [history[p][str(y)] for p in before[org_id] if str(y) in history[p]]
                if levels and all(level == ev.HTXSNV for level in levels):
                    own[str(y)] = ev.HTXSNV
        return own

    streaks = {
        o: levels
        for o in ids
        if all((levels := counted(o)).get(str(y)) == ev.HTXSNV for y in years)
    }
    barred = set(
        DisciplineDecision.objects.filter(_in_force(end), org_id__in=list(streaks)).values_list(
            "org_id", flat=True
        )
    )
    names = dict(Organisation.objects.filter(pk__in=rated).values_list("pk", "name"))
    ended = {
        pk: day - dt.timedelta(days=1)
        for pk, day in Organisation.objects.filter(
            pk__in=rated, dissolved_on__isnull=False
        ).values_list("pk", "dissolved_on")
        if day is not None
    }
    codes = dict(Organisation.objects.filter(pk__in=rated).values_list("pk", "code"))
    candidates = sorted(
        (
            {"id": o, "code": codes[o], "name": names[o], "ratings": streaks[o]}
            for o in streaks
            if o not in barred
        ),
        key=lambda r: r["code"],
    )
    successors = sorted(
        (
            {
                "id": o,
                "code": codes[o],
                "name": names[o],
                "formed": formed[o],
                "ratings": history.get(o, {}),
                "candidate": o in streaks and o not in barred,
                "predecessors": sorted(
                    (
                        {
                            "code": codes[p],
                            "name": names[p],
                            "until": ended.get(p),
                            "ratings": history.get(p, {}),
                        }
                        for p in before[o]
                    ),
                    key=lambda r: r["code"],
                ),
            }
            for o in before
            # An organisation rated by none of the years (a province) has nothing to weigh.
            if history.get(o) or any(history.get(p) for p in before[o])
        ),
        key=lambda r: r["code"],
    )
    return candidates, successors


def badges_due(org: Organisation, on: dt.date, actor: Actor) -> list[dict[str, Any]]:
    """Members of the subtree due a badge on the award day `on` (DOMAIN.md §3): by party age with
    its gaps, early for a serious illness on file, posthumously for those who died since."""
    require(actor, Ability.VIEW, org.path)
    if not answers_on(org, on):
        return []
    # Computed once per state of the records and award day (a province's page opened again).
    return list(cached(f"badges-due:{org.pk}:{on.isoformat()}", lambda: _badges_due(org, on)))


def _badges_due(org: Organisation, on: dt.date) -> list[dict[str, Any]]:
    units = subtree_org_ids(org, on)
    # Only those admitted long enough ago for the next tier above what they received can be due
    # (rules.latest_admission_for_a_badge): of a province's 23,000 members, a few hundred are read.
    highest = Subquery(
        BadgeAward.objects.filter(member=OuterRef("pk")).order_by("-tier").values("tier")[:1]
    )
    old_enough = Q(first_admission_date__lte=rules.latest_admission_for_a_badge(on))
    by_tier = Q(
        highest_badge__isnull=True, first_admission_date__lte=rules.latest_admission_for_a_badge(on)
    )
    for tier in BADGE_TIERS:
        following = rules.next_tier(tier)
        if following is not None:
            by_tier |= Q(
                highest_badge=tier,
                first_admission_date__lte=rules.latest_admission_for_a_badge(on, following),
            )
    # Read as values, not records: a province has a few thousand members near a tier.
    fields = (
        "pk",
        "first_admission_date",
        "status",
        "status_since",
        "derived",
        "person__citizen_id",
        "person__full_name",
        "person__sort_key",
    )
    living = list(
        PartyMember.objects.filter(
            old_enough,
            pk__in=members_in_subtree(org, on).filter(status="official").values("member_id"),
        )
        .annotate(highest_badge=highest)
        .filter(by_tier)
        .values_list(*fields)
    )
    # Died in the two years before the award day, last kept in the subtree.
    dead = list(
        PartyMember.objects.filter(
            old_enough,
            status="deceased",
            status_since__lte=on,
            status_since__gt=on - dt.timedelta(days=730),
            org_id__in=units,
        ).values_list(*fields)
    )
    everyone = living + dead
    ids = [row[0] for row in everyone]
    received: dict[int, list[int]] = defaultdict(list)
    for member_id, tier in BadgeAward.objects.filter(member_id__in=ids).values_list(
        "member_id", "tier"
    ):
        received[member_id].append(tier)
    ill = set(
        IllnessNote.objects.filter(member_id__in=ids, noted_on__lte=on).values_list(
            "member_id", flat=True
        )
    )
    disciplines: dict[int, list[tuple[str, dt.date]]] = defaultdict(list)
    for member_id, form, announced in DisciplineDecision.objects.filter(
        member_id__in=ids, announced_on__lte=on
    ).values_list("member_id", "form", "announced_on"):
        disciplines[member_id].append((form, announced))
    out = []
    keys: dict[int, str] = {}
    for pk, admitted, status, since, derived, citizen_id, full_name, sort_key in everyone:
        if admitted is None:
            continue
        gaps = gaps_in(derived)
        died = death_day(status, since)
        counted_from = party_age_start(admitted, gaps, on, died_on=died)
        due, _why = rules.badge_due(
            counted_from=counted_from,
            on=on,
            received=received[pk],
            died_on=died,
            seriously_ill=pk in ill,
            disciplines=disciplines[pk],
        )
        if due is None:
            continue
        age = party_age(admitted, gaps, reckoned_to(on, died_on=died))
        out.append(
            {
                "id": pk,
                "cccd": citizen_id,
                "name": full_name,
                "tier": due.tier,
                "party_age": age.years,
                "early": due.early,
                "posthumous": due.posthumous,
            }
        )
        keys[pk] = sort_key
    # Vietnamese order: given name first.
    return sorted(out, key=lambda r: (-r["tier"], keys[r["id"]]))


def badge_check(
    member: PartyMember,
    tier: int,
    awarded_on: dt.date,
    *,
    received: Sequence[int],
    seriously_ill: bool,
    disciplines: Sequence[tuple[str, dt.date]],
) -> tuple[rules.BadgeDue | None, str | None]:
    """Whether the `tier` badge is due to the member on `awarded_on` (DOMAIN.md §3): the one check
    of recording a badge and of auditing those on record; (due, None) or (None, why not)."""
    if member.first_admission_date is None:
        return None, _("The member has no admission date on file.")
    if tier in received:
        return None, _("The %(tier)s-year badge is recorded already.") % {"tier": tier}
    died = death_day(member.status, member.status_since)
    counted_from = party_age_start(
        member.first_admission_date, gaps_of(member), awarded_on, died_on=died
    )
    due, why = rules.badge_due(
        counted_from=counted_from,
        on=awarded_on,
        received=received,
        died_on=died,
        seriously_ill=seriously_ill,
        disciplines=[d for d in disciplines if d[1] <= awarded_on],
    )
    if due is None or due.tier != tier:
        return None, why or _("The %(tier)s-year badge is not due on %(date)s.") % {
            "tier": tier,
            "date": format_date(awarded_on),
        }
    return due, None


@transaction.atomic
def badge_record(
    *,
    member: PartyMember,
    tier: int,
    awarded_on: dt.date,
    decision: Decision | None,
    actor: Actor,
    source: str = ChangeSet.Source.WEB,
) -> BadgeAward:
    """Record a badge awarded; refused when it is not due on that day under the rules."""
    require(actor, Ability.MANAGE_MEMBERS, member.scope_path)
    due, why = badge_check(
        member,
        tier,
        awarded_on,
        received=list(BadgeAward.objects.filter(member=member).values_list("tier", flat=True)),
        seriously_ill=IllnessNote.objects.filter(member=member, noted_on__lte=awarded_on).exists(),
        disciplines=list(
            DisciplineDecision.objects.filter(
                member=member, announced_on__lte=awarded_on
            ).values_list("form", "announced_on")
        ),
    )
    if due is None:
        raise RuleError(why or "", field="tier")
    multiple = rules.BADGE_CASH_MULTIPLES.get(tier)
    changeset = open_change_set(
        actor=actor, reason=_("Party badge %(tier)s years") % {"tier": tier}, source=source
    )
    award = BadgeAward.objects.create(
        member=member,
        tier=tier,
        awarded_on=awarded_on,
        decision=decision,
        early=due.early,
        posthumous=due.posthumous,
        multiple=multiple,
        amount=rules.cash_amount(multiple, awarded_on),
        changeset=changeset,
    )
    log_entry(
        changeset,
        action="badge.award",
        obj=award,
        subject=member,
        after={
            "tier": tier,
            "awarded_on": awarded_on,
            "early": due.early,
            "posthumous": due.posthumous,
        },
    )
    return award


def commendation_problem(
    *,
    basis: str,
    first_year: int,
    last_year: int,
    decided_on: dt.date,
    member: PartyMember | None = None,
    org: Organisation | None = None,
) -> tuple[str, str] | None:
    """Why a commendation may not be given, as (field, message), or None: the one check of
    recording one and of auditing those on record. Nobody under a discipline in force on the
    decision's day (§2.4); five years in a row rated HTXSNV for the five-year basis (§2.2)."""
    subject_filter: dict[str, Any] = {"member": member} if member is not None else {"org": org}
    barring = DisciplineDecision.objects.filter(_in_force(decided_on), **subject_filter).first()
    if barring is not None:
        return "decision", _(
            "Under a discipline in force (%(d)s): not commended while it lasts (QĐ 69-QĐ/TW)."
        ) % {"d": str(barring)}
    if basis == Commendation.Basis.FIVE_YEARS:
        key = {"member_id": member.pk} if member is not None else {"org_id": org.pk}  # type: ignore[union-attr]
        rated = set(
            Rating.objects.filter(
                **key, year__range=(first_year, last_year), level=ev.HTXSNV
            ).values_list("year", flat=True)
        )
        missing = [y for y in range(first_year, last_year + 1) if y not in rated]
        if missing or last_year - first_year != 4:
            return "basis", _("Not rated HTXSNV in every year of %(a)s–%(b)s (missing: %(m)s).") % {
                "a": first_year,
                "b": last_year,
                "m": ", ".join(map(str, missing)) or "—",
            }
    return None


def audit_awards() -> list[tuple[Any, str]]:
    """Commendations and badges on record that the rules refuse, found again: each commendation
    by `commendation_problem`, each badge by `badge_check` with the badges received before it."""
    found: list[tuple[Any, str]] = []
    for item in Commendation.objects.select_related("member", "org", "decision"):
        problem = commendation_problem(
            basis=item.basis,
            first_year=item.first_year,
            last_year=item.last_year,
            decided_on=item.decision.date,
            member=item.member,
            org=item.org,
        )
        if problem is not None:
            found.append((item, problem[1]))
    awards = list(BadgeAward.objects.order_by("member_id", "awarded_on", "tier"))
    ids = {a.member_id for a in awards}
    members = PartyMember.objects.in_bulk(list(ids))
    ill: dict[int, dt.date] = {}
    for member_id, noted in IllnessNote.objects.filter(member_id__in=ids).values_list(
        "member_id", "noted_on"
    ):
        ill[member_id] = min(noted, ill.get(member_id, noted))
    disciplines: dict[int, list[tuple[str, dt.date]]] = defaultdict(list)
    for member_id, form, day in DisciplineDecision.objects.filter(member_id__in=ids).values_list(
        "member_id", "form", "announced_on"
    ):
        disciplines[member_id].append((form, day))
    before: dict[int, list[int]] = defaultdict(list)
    for award in awards:
        member = members[award.member_id]
        due, why = badge_check(
            member,
            award.tier,
            award.awarded_on,
            received=before[award.member_id],
            seriously_ill=award.member_id in ill and ill[award.member_id] <= award.awarded_on,
            disciplines=disciplines[award.member_id],
        )
        if due is None:
            found.append((award, why or ""))
        before[award.member_id].append(award.tier)
    return found


@transaction.atomic
def commendation_record(
    *,
    kind: str,
    basis: str,
    first_year: int,
    last_year: int,
    giver: Organisation,
    decision: Decision,
    actor: Actor,
    member: PartyMember | None = None,
    org: Organisation | None = None,
    multiple: Decimal | None = None,
    source: str = ChangeSet.Source.WEB,
) -> Commendation:
    """Record a commendation decided by `giver`; cash is the multiple × the base salary on the
    decision's day (DOMAIN.md §2.3). Nobody under a discipline in force is commended (§2.4)."""
    if (member is None) == (org is None):
        raise RuleError(_("A commendation goes to one member or one organisation."), field="member")
    require(actor, Ability.MANAGE_MEMBERS, giver.path)
    problem = commendation_problem(
        basis=basis,
        first_year=first_year,
        last_year=last_year,
        decided_on=decision.date,
        member=member,
        org=org,
    )
    if problem is not None:
        raise RuleError(problem[1], field=problem[0])
    changeset = open_change_set(
        actor=actor, reason=_("Commendation by %(org)s") % {"org": giver.name}, source=source
    )
    base = rules.base_salary_on(decision.date)
    item = Commendation.objects.create(
        member=member,
        org=org,
        kind=kind,
        basis=basis,
        first_year=first_year,
        last_year=last_year,
        giver=giver,
        decision=decision,
        multiple=multiple,
        base_salary=base if multiple is not None else None,
        amount=rules.cash_amount(multiple, decision.date),
        changeset=changeset,
    )
    log_entry(
        changeset,
        action="commendation.record",
        obj=item,
        subject=member or org,
        after={
            "kind": kind,
            "basis": basis,
            "years": [first_year, last_year],
            "amount": item.amount,
        },
        scope_path=member.scope_path if member is not None else org.path,  # type: ignore[union-attr]
    )
    return item
