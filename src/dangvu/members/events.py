"""Recording membership events: each validated, with its decision, in one transaction, logged; the
member's derived state rebuilt from the events (DOMAIN.md §4; STYLE.md practices 2–4)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from dangvu.accounts.models import Ability
from dangvu.accounts.scope import require
from dangvu.core import bulk
from dangvu.core.actors import Actor
from dangvu.core.changes import log_entry, open_change_set
from dangvu.core.dates import format_date, today
from dangvu.core.errors import RuleError
from dangvu.core.models import ChangeSet, Decision
from dangvu.members import kinds, lifecycle, search
from dangvu.members.checks import admission_age_problem as admission_age_problem
from dangvu.members.checks import months_of_age as months_of_age
from dangvu.members.models import (
    Correction,
    EventKind,
    FlagPeriod,
    MembershipEvent,
    MembershipPeriod,
    PartyMember,
)
from dangvu.orgs.models import Organisation
from dangvu.rules import organisation as org_rules
from dangvu.tree import services as org_services

# Events that stand without a decision of their own.
NO_DECISION = kinds.without_decision()  # (members.kinds)
# Events that place the member in a party cell of this system.
PLACING = {
    EventKind.ADMISSION,
    EventKind.TRANSFER_IN,
    EventKind.TEMP_TRANSFER_IN,
    EventKind.RESTORATION,
    EventKind.READMISSION,
    EventKind.REASSIGNMENT,
}
DATE_DETAILS = ("until", "vote_date", "received_on", "effective_on")


def _details_out(details: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (v.isoformat() if isinstance(v, dt.date) else v)
        for k, v in details.items()
        if v not in (None, "")
    }


def _details_in(details: dict[str, Any]) -> dict[str, Any]:
    out = dict(details)
    for key in DATE_DETAILS:
        if isinstance(out.get(key), str):
            out[key] = dt.date.fromisoformat(out[key])
    return out


def facts_of(member: PartyMember, *, extra: MembershipEvent | None = None) -> list[lifecycle.Fact]:
    return facts_from(member.events.filter(voided_by__isnull=True).order_by("on", "id"))


def facts_from(events: Iterable[MembershipEvent]) -> list[lifecycle.Fact]:
    """The engine's facts of a member's events read already, in order of day then entry (as
    `facts_of` reads them); voided events are left out."""
    return [
        lifecycle.Fact(e.kind, e.on, e.org_id, _details_in(e.details))
        for e in events
        if e.voided_by_id is None
    ]


def state_to_json(state: lifecycle.State) -> dict[str, Any]:
    def d(value: dt.date | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "timeline": [[d(day), status] for day, status in state.timeline],
        "gaps": [[d(a), d(b)] for a, b in state.gaps],
        "transit": {
            k: d(v) if isinstance(v, dt.date) else v for k, v in (state.transit or {}).items()
        }
        or None,
        "temp_transit": {
            k: d(v) if isinstance(v, dt.date) else v for k, v in (state.temp_transit or {}).items()
        }
        or None,
        "readmitted": state.readmitted,
        "outside": state.outside,
        "exit_cause": state.exit_cause,
    }


DERIVED_FIELDS = [
    "status",
    "status_since",
    "org",
    "temp_org",
    "first_admission_date",
    "admission_decision_date",
    "ceremony_date",
    "official_date",
    "flags",
    "derived",
]


def _copy_state(member: PartyMember, state: lifecycle.State) -> None:
    member.status, member.status_since = state.status, state.status_since
    member.org_id, member.temp_org_id = state.org_id, state.temp_org_id
    member.first_admission_date = state.first_admission_date
    member.admission_decision_date = state.admission_decision_date
    member.ceremony_date, member.official_date = state.ceremony_date, state.official_date
    member.flags, member.derived = state.flag_list, state_to_json(state)


def apply_state(member: PartyMember, state: lifecycle.State) -> None:
    """Store the derived state (the row and its periods) exactly as the engine gave it."""
    cell = member.org_id
    _copy_state(member, state)
    member.save(update_fields=DERIVED_FIELDS)
    if member.org_id != cell:
        search.refresh(members=[member.pk])
    member.periods.all().delete()
    MembershipPeriod.objects.bulk_create(period_rows(member, state))
    member.flag_periods.all().delete()
    FlagPeriod.objects.bulk_create(flag_rows(member, state))


def period_rows(member: PartyMember, state: lifecycle.State) -> list[MembershipPeriod]:
    return [MembershipPeriod(**values) for values in period_values(member.pk, state)]


def period_values(member_id: int, state: lifecycle.State) -> list[dict[str, Any]]:
    """The membership periods of a derived state, as column values (for `core.bulk`)."""
    return [
        {
            "member_id": member_id,
            "org_id": p.org_id,
            "status": p.status,
            "valid_from": p.valid_from,
            "valid_to": p.valid_to,
            "temporary": p.temporary,
        }
        for p in state.periods
    ]


def flag_rows(member: PartyMember, state: lifecycle.State) -> list[FlagPeriod]:
    return [
        FlagPeriod(
            member=member, flag=f.flag, valid_from=f.valid_from, valid_to=f.valid_to, until=f.until
        )
        for f in state.flag_periods
    ]


def derive_for(member: PartyMember) -> lifecycle.State:
    try:
        return lifecycle.derive(facts_of(member))
    except lifecycle.LifecycleError as exc:
        raise RuleError(str(exc)) from exc


def rebuild(member: PartyMember) -> PartyMember:
    """Recompute the member's stored state and periods from the events."""
    apply_state(member, derive_for(member))
    return member


# --- rule checks that need more than the order of the facts ------------------------------------


def cell_problem(org: Organisation, on: dt.date, placements: list[Any] | None = None) -> str | None:
    """Why members cannot be placed in `org` on `on` (it did not exist, or is not a party cell,
    DOMAIN.md §4.4), or None. The one place this rule lives. `placements`: the organisation's
    placements, when the caller has read them already (a bulk check)."""
    if placements is None:
        placement = org_services.placement_on(org, on)
    else:
        placement = next(
            (
                p
                for p in placements
                if p.valid_from <= on and (p.valid_to is None or on < p.valid_to)
            ),
            None,
        )
    if placement is None:
        return _("%(org)s did not exist on %(date)s.") % {"org": org.name, "date": format_date(on)}
    if placement.kind not in org_rules.MEMBER_HOLDING_KINDS:
        return _("Members are kept in party cells; %(org)s is not one.") % {"org": org.name}
    return None


def check_cell(org: Organisation, on: dt.date) -> None:
    problem = cell_problem(org, on)
    if problem is not None:
        raise RuleError(problem, field="org")


def _check_org(kind: str, org: Organisation | None, on: dt.date) -> None:
    if org is not None and kind in PLACING:
        check_cell(org, on)


@transaction.atomic
def event_record(
    *,
    member: PartyMember,
    kind: str,
    on: dt.date,
    actor: Actor,
    org: Organisation | None = None,
    decision: Decision | None = None,
    details: dict[str, Any] | None = None,
    reason: str = "",
    changeset: ChangeSet | None = None,
    source: str = ChangeSet.Source.WEB,
    check_scope: bool = True,
    check_org: bool = True,
) -> MembershipEvent:
    """Record one lifecycle event, checked against the rules and the member's history.

    `check_org=False` when the caller has already checked the organisation (a restructuring that
    reassigns many members to one cell)."""
    details = dict(details or {})
    if kind not in EventKind.values:
        raise RuleError(_("Unknown kind of event: %(kind)s.") % {"kind": kind}, field="kind")
    if check_scope:
        require(actor, Ability.MANAGE_MEMBERS, member.scope_path)
        if org is not None and kind in PLACING and kind != EventKind.TRANSFER_IN:
            require(actor, Ability.MANAGE_MEMBERS, org.path)
    if on > today():
        raise RuleError(
            _("The date %(date)s is in the future.") % {"date": format_date(on)}, field="on"
        )
    if decision is None and kind not in NO_DECISION:
        raise RuleError(_("A decision (number, date, issuing body) is required."), field="decision")
    if check_org:
        _check_org(kind, org, on)
    check = kinds.check_of(kind)
    if check is not None:
        check(member, on, details)
    cs = changeset or open_change_set(actor=actor, reason=reason, source=source)
    event = MembershipEvent.objects.create(
        member=member,
        kind=kind,
        on=on,
        org=org,
        decision=decision,
        details=_details_out(details),
        changeset=cs,
    )
    rebuild(member)  # refuses an impossible sequence; the transaction then writes nothing
    log_entry(
        cs,
        action=f"member.event.{kind}",
        obj=event,
        subject=member,
        reason=reason,
        after={
            "kind": kind,
            "on": on,
            "org": org.code if org else None,
            "decision": decision.as_dict() if decision else None,
            **_details_out(details),
        },
    )
    return event


@transaction.atomic
def event_correct(
    *,
    event: MembershipEvent,
    reason: str,
    actor: Actor,
    replacement: dict[str, Any] | None = None,
    source: str = ChangeSet.Source.WEB,
) -> Correction:
    """Void a wrong event (never edited, never deleted) and record the right one, if any, with the
    reason; answers for dates from the earliest one concerned say they were corrected."""
    member = event.member
    require(actor, Ability.MANAGE_MEMBERS, member.scope_path)
    if not reason.strip():
        raise RuleError(_("A correction needs its reason."), field="reason")
    if event.voided_by_id is not None or Correction.objects.filter(voided=event).exists():
        raise RuleError(_("This event was already corrected."), field="event")
    cs = open_change_set(actor=actor, reason=reason, source=source)
    event.voided_by = event  # provisional marker, replaced below when there is a replacement
    event.save(update_fields=["voided_by"])
    new_event = None
    if replacement is not None:
        new_event = event_record(
            member=member,
            actor=actor,
            changeset=cs,
            reason=reason,
            check_scope=False,
            **replacement,
        )
        event.voided_by = new_event
        event.save(update_fields=["voided_by"])
    else:
        rebuild(member)
    affects = min(event.on, new_event.on) if new_event else event.on
    correction = Correction.objects.create(
        member=member,
        voided=event,
        replacement=new_event,
        reason=reason,
        affects_from=affects,
        changeset=cs,
    )
    log_entry(
        cs,
        action="member.event.correct",
        obj=correction,
        subject=member,
        reason=reason,
        before={"kind": event.kind, "on": event.on, "org": event.org.code if event.org else None},
        after={"kind": new_event.kind, "on": new_event.on} if new_event else None,
    )
    return correction


def corrections_affecting(member_ids: Any, on: dt.date) -> list[Correction]:
    """Corrections that changed the answer for a date: those concerning a day on or before it."""
    return list(
        Correction.objects.filter(member_id__in=member_ids, affects_from__lte=on)
        .select_related("member__person")
        .order_by("recorded_at")
    )


def rebuild_all(batch: int = 2000, force: bool = False) -> tuple[int, int]:
    """Recompute the derived state of every member from the events, in batches, rewriting only
    what differs. Returns (members whose stored state differed, members)."""
    from collections import defaultdict

    changed = total = 0
    last = 0
    while True:
        members = list(PartyMember.objects.filter(pk__gt=last).order_by("pk")[:batch])
        if not members:
            return changed, total
        last = members[-1].pk
        ids = [m.pk for m in members]
        facts: dict[int, list[lifecycle.Fact]] = defaultdict(list)
        for e in MembershipEvent.objects.filter(member_id__in=ids, voided_by__isnull=True).order_by(
            "on", "id"
        ):
            facts[e.member_id].append(
                lifecycle.Fact(e.kind, e.on, e.org_id, _details_in(e.details))
            )
        periods: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
        for row in MembershipPeriod.objects.filter(member_id__in=ids).values_list(
            "member_id", "org_id", "status", "valid_from", "valid_to", "temporary"
        ):
            periods[row[0]].append(row[1:])
        flags: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
        for flag_row in FlagPeriod.objects.filter(member_id__in=ids).values_list(
            "member_id", "flag", "valid_from", "valid_to", "until"
        ):
            flags[flag_row[0]].append(flag_row[1:])
        with transaction.atomic():
            for member in members:
                total += 1
                state = lifecycle.derive(facts[member.pk])
                same = (
                    member.status == state.status
                    and member.org_id == state.org_id
                    and member.temp_org_id == state.temp_org_id
                    and member.flags == state.flag_list
                    and member.derived == state_to_json(state)
                    and sorted(periods[member.pk])
                    == sorted(
                        (p.org_id, p.status, p.valid_from, p.valid_to, p.temporary)
                        for p in state.periods
                    )
                    and sorted(flags[member.pk])
                    == sorted(
                        (f.flag, f.valid_from, f.valid_to, f.until) for f in state.flag_periods
                    )
                )
                if force or not same:
                    changed += 1
                    apply_state(member, state)


def rebuild_many(members: list[PartyMember]) -> None:
    """Rebuild several members at once (a restructuring's reassignments): the same derivation as
    `rebuild`, written with bulk statements. Refuses, naming the member, an impossible sequence."""
    from collections import defaultdict

    ids = [m.pk for m in members]
    facts: dict[int, list[lifecycle.Fact]] = defaultdict(list)
    for e in MembershipEvent.objects.filter(member_id__in=ids, voided_by__isnull=True).order_by(
        "on", "id"
    ):
        facts[e.member_id].append(lifecycle.Fact(e.kind, e.on, e.org_id, _details_in(e.details)))
    periods: list[MembershipPeriod] = []
    flag_periods: list[FlagPeriod] = []
    cells = {m.pk: m.org_id for m in members}
    for member in members:
        try:
            state = lifecycle.derive(facts[member.pk])
        except lifecycle.LifecycleError as exc:
            raise RuleError(f"{member.person.full_name}: {exc}") from exc
        _copy_state(member, state)
        periods.extend(period_rows(member, state))
        flag_periods.extend(flag_rows(member, state))
    bulk.update(members, DERIVED_FIELDS)
    search.refresh(members=[m.pk for m in members if m.org_id != cells[m.pk]])
    MembershipPeriod.objects.filter(member_id__in=ids).delete()
    bulk.insert(periods)
    FlagPeriod.objects.filter(member_id__in=ids).delete()
    bulk.insert(flag_periods)
