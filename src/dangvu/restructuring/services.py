"""Restructuring operations and plans (DOMAIN.md §10): each operation moves the organisations, the
members' memberships and the roles concerned, records lineage, and is all-or-nothing; a plan is
checked (every problem at once), previewed, applied as one change set, and reverted as one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from dangvu.accounts.models import Ability, RoleGrant
from dangvu.accounts.scope import scope_for
from dangvu.core.changes import log_entry, open_change_set
from dangvu.core.dates import format_date, today
from dangvu.core.errors import RuleError
from dangvu.core.models import ChangeLogEntry, ChangeSet
from dangvu.members.events import rebuild, rebuild_many
from dangvu.members.models import EventKind, MembershipEvent, MembershipPeriod, PartyMember
from dangvu.members.selectors import stats
from dangvu.orgs.models import (
    Kind,
    Lineage,
    Organisation,
    OrgName,
    Placement,
    common_path,
    valid_on,
)
from dangvu.restructuring.models import Operation, Plan, PlanEffect
from dangvu.rules import organisation as org_rules
from dangvu.tree import services as orgs

TRACKED: dict[str, Any] = {
    "placement": Placement,
    "orgname": OrgName,
    "lineage": Lineage,
    "rolegrant": RoleGrant,
}


@dataclass
class Problem:
    message: str
    seq: int | None = None
    row: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"operation": self.seq, "row": self.row, "message": self.message}


class PlanRefused(ValidationError):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(
            [
                p.message
                if p.row is None
                else _("Row %(row)s: %(message)s") % {"row": p.row, "message": p.message}
                for p in problems
            ]
        )


@dataclass
class _Run:
    plan: Plan
    actor: Any
    changeset: ChangeSet
    codes: dict[str, Organisation] = field(default_factory=dict)
    reassigned: set[int] = field(default_factory=set)
    # Members whose reassignment events are written but whose state is not rebuilt yet, and the
    # cells they went to: rebuilt together, before anything reads the memberships of those cells.
    pending: dict[int, PartyMember] = field(default_factory=dict)
    pending_targets: set[int] = field(default_factory=set)

    def common(self) -> dict[str, Any]:
        """What every tree service called by the plan receives: its date, decision, actor, change set."""
        return {
            "on": self.on,
            "decision": self.plan.decision,
            "actor": self.actor,
            "changeset": self.changeset,
            "source": self.changeset.source,
        }

    def flush(self) -> None:
        if self.pending:
            rebuild_many(list(self.pending.values()))
            self.pending.clear()
            self.pending_targets.clear()

    @property
    def on(self) -> dt.date:
        return self.plan.effective_on

    def org(self, code: str, what: str = "source") -> Organisation:
        code = orgs.normalise_code(code)
        if code not in self.codes:
            found = Organisation.objects.filter(code=code).first()
            if found is None:
                raise RuleError(
                    _("No organisation with code %(code)s.") % {"code": code}, field=what
                )
            self.codes[code] = found
        org = self.codes[code]
        org.refresh_from_db()
        return org


# --- moving what an organisation holds ---------------------------------------------------------
def _reassign_members(run: _Run, source: Organisation, target_for: Any) -> None:
    """Every membership held by the source on the day goes to the successor cell `target_for(member)`:
    a reassignment event each (with the plan's decision, logged), the members rebuilt together."""
    on = run.on
    home = MembershipPeriod.objects.filter(valid_on(on), org=source).select_related(
        "member__person"
    )
    in_transit = PartyMember.objects.filter(
        org=source, derived__transit__out_on__isnull=False
    ).select_related("person")
    members = {p.member_id: (p.member, p.temporary) for p in home}
    for m in in_transit:
        members.setdefault(m.pk, (m, False))
    if not members:
        return
    kinds: dict[int, str | None] = {}
    events: list[MembershipEvent] = []
    for member, temporary in members.values():
        target = target_for(member)
        if target is None:
            raise RuleError(
                _("%(name)s, a member of %(org)s, has no cell to go to.")
                % {"name": member.person.full_name, "org": source.code}
            )
        if target.pk not in kinds:
            placement = orgs.placement_on(target, on)
            kinds[target.pk] = placement.kind if placement else None
        if kinds[target.pk] not in org_rules.MEMBER_HOLDING_KINDS:
            raise RuleError(
                _("The members of %(org)s need a party cell to go to; %(target)s is not one.")
                % {"org": source.code, "target": target.code}
            )
        details: dict[str, Any] = (
            {"from": source.pk, "temporary": True} if temporary else {"from": source.pk}
        )
        events.append(
            MembershipEvent(
                member=member,
                kind=EventKind.REASSIGNMENT,
                on=on,
                org=target,
                decision=run.plan.decision,
                details=details,
                changeset=run.changeset,
            )
        )
    MembershipEvent.objects.bulk_create(events, batch_size=2000)
    unique = {m.pk: m for m, _t in members.values()}
    run.pending.update(unique)
    run.pending_targets.update(e.org_id for e in events if e.org_id is not None)
    ChangeLogEntry.objects.bulk_create(
        [
            log_entry(
                run.changeset,
                action="member.event.reassignment",
                obj=e,
                subject=e.member,
                save=False,
                scope_path=e.org.path if e.org else "",  # where the member goes
                after={
                    "kind": e.kind,
                    "on": on,
                    "org": e.org.code if e.org else None,
                    "from": source.code,
                },
            )
            for e in events
        ],
        batch_size=2000,
    )
    run.reassigned.update(unique)


def _move_children(run: _Run, source: Organisation, parent_for: Any) -> None:
    for child in Placement.objects.filter(valid_on(run.on), parent=source).select_related("org"):
        orgs.org_move(
            org=child.org,
            new_parent=parent_for(child.org),
            on=run.on,
            decision=run.plan.decision,
            actor=run.actor,
            changeset=run.changeset,
            source=run.changeset.source,
        )


def _move_grants(run: _Run, source: Organisation, target: Organisation) -> None:
    for grant in RoleGrant.objects.filter(valid_on(run.on), org=source):
        # Carried to the successor so that work does not stop, but listed for review: a role on
        # a merged organisation covers more than the one it was given on.
        RoleGrant.objects.create(
            user=grant.user,
            org=target,
            role=grant.role,
            valid_from=run.on,
            valid_to=grant.valid_to,
            sensitive=grant.sensitive,
            needs_review=True,
            review_note=f"{source.code} → {target.code}, {run.on:%d/%m/%Y}",
        )
        grant.valid_to = run.on
        grant.save(update_fields=["valid_to"])
        log_entry(
            run.changeset,
            action="role.move",
            obj=grant,
            subject=grant.user,
            after={"from": source.code, "to": target.code, "role": grant.role, "on": run.on},
        )


def _dissolve(
    run: _Run, source: Organisation, relation: str, successors: list[Organisation]
) -> None:
    orgs.org_dissolve(
        org=source,
        **run.common(),
        other_checks=False,  # its members were reassigned; _orphans checks once they are rebuilt
    )
    for successor in successors:
        Lineage.objects.create(
            predecessor=source,
            successor=successor,
            relation=relation,
            on=run.on,
            decision=run.plan.decision,
        )


# --- the operations ------------------------------------------------------------------------------
def op_create(run: _Run, op: Operation) -> None:
    code = orgs.normalise_code(op.target)
    parent = run.org(op.parent, "parent") if op.parent else None
    reused = Organisation.objects.filter(
        code=code, placements__isnull=True
    ).first()  # a reverted creation
    if reused is not None:
        reused.delete()
    run.codes[code] = orgs.org_create(
        code=code,
        name=op.name,
        kind=op.org_kind,
        parent=parent,
        established_on=run.on,
        category=op.category,
        decision=run.plan.decision,
        actor=run.actor if parent is not None else None,
        changeset=run.changeset,
        source=run.changeset.source,
    )


def op_merge(run: _Run, op: Operation) -> None:
    source, target = run.org(op.source), run.org(op.target, "target")
    if source.pk == target.pk:
        raise RuleError(_("An organisation cannot be merged into itself."), field="target")
    _move_children(run, source, lambda _child: target)
    _reassign_members(run, source, lambda _m: target)
    _move_grants(run, source, target)
    _dissolve(run, source, Lineage.Relation.MERGED_INTO, [target])


def op_split(run: _Run, op: Operation) -> None:
    source = run.org(op.source)
    children = {orgs.normalise_code(k): v for k, v in (op.assignment.get("children") or {}).items()}
    members = {int(k): v for k, v in (op.assignment.get("members") or {}).items()}
    default = op.assignment.get("default") or op.target
    targets = {
        code: run.org(code, "target")
        for code in {*children.values(), *members.values(), default}
        if code
    }

    def parent_for(child: Organisation) -> Organisation:
        code = children.get(child.code, default)
        if not code:
            raise RuleError(_("%(org)s has no organisation to go to.") % {"org": child.code})
        return targets[code]

    def target_for(member: PartyMember) -> Organisation | None:
        code = members.get(member.pk, default)
        return targets.get(code) if code else None

    _move_children(run, source, parent_for)
    _reassign_members(run, source, target_for)
    if default:
        _move_grants(run, source, targets[default])
    _dissolve(run, source, Lineage.Relation.SPLIT_INTO, list(targets.values()))


def op_move(run: _Run, op: Operation) -> None:
    orgs.org_move(org=run.org(op.source), new_parent=run.org(op.parent, "parent"), **run.common())


def op_rename(run: _Run, op: Operation) -> None:
    orgs.org_rename(org=run.org(op.source), name=op.name, **run.common())


def op_change_kind(run: _Run, op: Operation) -> None:
    orgs.org_change_kind(
        org=run.org(op.source), kind=op.org_kind, category=op.category or None, **run.common()
    )


def op_dissolve(run: _Run, op: Operation) -> None:
    run.flush()
    source = run.org(op.source)
    orgs.org_dissolve(org=source, **run.common())


HANDLERS = {
    Operation.Kind.CREATE: op_create,
    Operation.Kind.MERGE: op_merge,
    Operation.Kind.SPLIT: op_split,
    Operation.Kind.MOVE: op_move,
    Operation.Kind.RENAME: op_rename,
    Operation.Kind.CHANGE_KIND: op_change_kind,
    Operation.Kind.DISSOLVE: op_dissolve,
}


# --- checking a plan -----------------------------------------------------------------------------
def _static_problems(plan: Plan) -> list[Problem]:
    """What can be said without applying: codes, kinds, parents, cycles."""
    problems: list[Problem] = []
    ops = list(plan.operations.all())
    known = set(Placement.objects.filter(valid_to__isnull=True).values_list("org__code", flat=True))
    parent_of: dict[str, str | None] = dict(
        Placement.objects.filter(valid_on(plan.effective_on)).values_list(
            "org__code", "parent__code"
        )
    )
    created: set[str] = set()
    set_by: dict[str, Operation] = {}
    for op in ops:

        def bad(message: str, op: Operation = op) -> None:
            problems.append(Problem(message, op.seq, op.row))

        for attr in ("source", "target", "parent"):
            code = orgs.normalise_code(getattr(op, attr))
            if (
                code
                and code not in known
                and code not in created
                and not (op.kind == "create" and attr == "target")
            ):
                bad(_("No organisation with code %(code)s.") % {"code": code})
        if op.kind == Operation.Kind.CREATE:
            code = orgs.normalise_code(op.target)
            if code in known or code in created:
                bad(_("An organisation with code %(code)s already exists.") % {"code": code})
            if op.org_kind not in Kind.values:
                bad(_("Unknown kind of organisation."))
            created.add(code)
            parent_of[code] = orgs.normalise_code(op.parent) or None
            set_by[code] = op
        elif op.kind == Operation.Kind.MOVE:
            parent_of[orgs.normalise_code(op.source)] = orgs.normalise_code(op.parent)
            set_by[orgs.normalise_code(op.source)] = op
        elif op.kind in (Operation.Kind.CHANGE_KIND,) and op.org_kind not in Kind.values:
            bad(_("Unknown kind of organisation."))
    for code in list(parent_of):  # cycles in the tree the plan would make
        seen, current = {code}, parent_of.get(code)
        while current:
            if current in seen:
                problems.append(
                    Problem(_("The plan makes a cycle through %(code)s.") % {"code": code})
                )
                break
            seen.add(current)
            current = parent_of.get(current)
    return problems


def _orphans(run: _Run) -> list[Problem]:
    """After a trial: every member and organisation of a dissolved organisation has landed somewhere."""
    run.flush()
    problems: list[Problem] = []
    on = run.on
    dissolved = Organisation.objects.filter(dissolved_on=on)
    for org in dissolved:
        for p in MembershipPeriod.objects.filter(valid_on(on), org=org).select_related(
            "member__person"
        ):
            problems.append(
                Problem(
                    _("%(name)s would be left in %(org)s, which no longer exists.")
                    % {"name": p.member.person.full_name, "org": org.code}
                )
            )
        for child in Placement.objects.filter(valid_on(on), parent=org).select_related("org"):
            problems.append(
                Problem(
                    _("%(child)s would be left under %(org)s, which no longer exists.")
                    % {"child": child.org.code, "org": org.code}
                )
            )
        # A plan dated before events already recorded into the organisation would leave them
        # pointing at an organisation that no longer exists (the member falls out of every list).
        later = (
            MembershipEvent.objects.filter(org=org, on__gte=on, voided_by__isnull=True)
            .exclude(kind=EventKind.REASSIGNMENT)
            .select_related("member__person")
            .order_by("on", "id")
        )
        for event in later:
            problems.append(
                Problem(
                    _(
                        "%(name)s is recorded in %(org)s on %(date)s (%(event)s), when it would "
                        "no longer exist: date the plan after that day, or correct the event first."
                    )
                    % {
                        "name": event.member.person.full_name,
                        "org": org.code,
                        "date": format_date(event.on),
                        "event": event.get_kind_display().lower(),
                    }
                )
            )
    return problems


class _Trial(Exception):
    pass


def _run_operations(run: _Run, ops: list[Operation], collect: list[Problem] | None) -> None:
    for op in ops:
        handler = HANDLERS[op.kind]  # type: ignore[index]
        if collect is None:
            try:
                handler(run, op)
            except ValidationError as exc:
                raise PlanRefused([Problem(m, op.seq, op.row) for m in exc.messages]) from exc
            continue
        try:
            with transaction.atomic():
                handler(run, op)
        except ValidationError as exc:
            collect.extend(Problem(m, op.seq, op.row) for m in exc.messages)


def plan_check(plan: Plan, actor: Any = None) -> list[Problem]:
    """Every problem of the plan at once: the static ones, then those of a trial of every operation
    (each in its own savepoint) and the members and organisations it would orphan. Nothing is
    written: the trial is rolled back."""
    problems = _static_problems(plan)
    if plan.effective_on > today():
        problems.append(
            Problem(
                _("The date %(date)s is in the future; changes take effect on or before today.")
                % {"date": format_date(plan.effective_on)}
            )
        )
        return problems
    try:
        with transaction.atomic():
            run = _Run(plan, actor, open_change_set(actor=actor, reason="trial"))
            _run_operations(run, list(plan.operations.all()), problems)
            problems.extend(_orphans(run))
            raise _Trial
    except _Trial:
        pass
    unique: dict[str, Problem] = {}
    for problem in problems:
        unique.setdefault(problem.message, problem)
    return list(unique.values())


def plan_preview(plan: Plan, actor: Any = None) -> list[dict[str, Any]]:
    """Per organisation concerned: members and subordinate organisations the day before and on the day."""

    on, before_day = plan.effective_on, plan.effective_on - dt.timedelta(days=1)
    codes = {
        orgs.normalise_code(c)
        for op in plan.operations.all()
        for c in (op.source, op.target, op.parent)
        if c
    }

    def figures(day: dt.date) -> dict[str, tuple[int, int]]:
        result = {}
        for org in Organisation.objects.filter(code__in=codes):
            if orgs.placement_on(org, day) is None:
                continue
            members = stats(org, day)["members.total"]
            children = Placement.objects.filter(valid_on(day), parent=org).count()
            result[org.code] = (members, children)
        return result

    before = figures(before_day)
    after: dict[str, tuple[int, int]] = {}
    try:
        with transaction.atomic():
            run = _Run(plan, actor, open_change_set(actor=actor, reason="preview"))
            _run_operations(run, list(plan.operations.all()), [])
            run.flush()
            after = figures(on)
            raise _Trial
    except _Trial:
        pass
    rows = []
    for code in sorted(codes):
        b, a = before.get(code), after.get(code)
        rows.append(
            {
                "code": code,
                "members_before": b[0] if b else None,
                "orgs_before": b[1] if b else None,
                "members_after": a[0] if a else None,
                "orgs_after": a[1] if a else None,
            }
        )
    return rows


# --- applying and reverting ------------------------------------------------------------------------
def _marks() -> dict[str, int]:
    marks = {
        name: model.objects.aggregate(m=Max("id"))["m"] or 0 for name, model in TRACKED.items()
    }
    marks["organisation"] = Organisation.objects.aggregate(m=Max("id"))["m"] or 0
    return marks


@transaction.atomic
def plan_apply(plan: Plan, actor: Any) -> ChangeSet:
    if plan.status != Plan.Status.DRAFT:
        raise RuleError(_("Only a draft plan can be applied."))
    if _static_problems(plan):
        raise PlanRefused(plan_check(plan, actor))
    try:
        with transaction.atomic():
            return _apply(plan, actor)
    except PlanRefused:
        # Something refused on the way: nothing was applied; list every problem of the plan.
        raise PlanRefused(
            plan_check(plan, actor) or [Problem(_("The plan was refused."))]
        ) from None


def _apply(plan: Plan, actor: Any) -> ChangeSet:
    on = plan.effective_on
    marks = _marks()
    open_before = {
        name: set(model.objects.filter(valid_to__isnull=True).values_list("id", flat=True))
        for name, model in TRACKED.items()
        if name != "lineage"
    }
    alive_before = set(
        Organisation.objects.filter(dissolved_on__isnull=True).values_list("id", flat=True)
    )
    cs = open_change_set(
        actor=actor,
        reason=_("Restructuring: %(plan)s") % {"plan": plan.name},
        source=ChangeSet.Source.WEB if actor is not None else ChangeSet.Source.SYSTEM,
    )
    run = _Run(plan, actor, cs)
    _run_operations(run, list(plan.operations.all()), None)
    orphans = _orphans(run)
    if orphans:
        raise PlanRefused(orphans)
    effects = []
    for name, model in TRACKED.items():
        for row_id in model.objects.filter(id__gt=marks[name]).values_list("id", flat=True):
            effects.append(PlanEffect(plan=plan, model=name, row_id=row_id, action="created"))
        if name != "lineage":
            closed = model.objects.filter(id__in=open_before[name], valid_to=on).values_list(
                "id", flat=True
            )
            effects.extend(
                PlanEffect(plan=plan, model=name, row_id=i, action="closed") for i in closed
            )
    for org_id in Organisation.objects.filter(id__gt=marks["organisation"]).values_list(
        "id", flat=True
    ):
        effects.append(PlanEffect(plan=plan, model="organisation", row_id=org_id, action="created"))
    for org_id in Organisation.objects.filter(id__in=alive_before, dissolved_on=on).values_list(
        "id", flat=True
    ):
        effects.append(
            PlanEffect(plan=plan, model="organisation", row_id=org_id, action="dissolved")
        )
    PlanEffect.objects.bulk_create(effects, batch_size=2000)
    plan.status, plan.applied = Plan.Status.APPLIED, cs
    plan.save(update_fields=["status", "applied"])
    log_entry(
        cs,
        action="restructuring.apply",
        obj=plan,
        after={
            "effective_on": on,
            "operations": plan.operations.count(),
            "members": len(run.reassigned),
        },
    )
    return cs


def _effects(plan: Plan, model: str, action: str) -> list[int]:
    return list(plan.effects.filter(model=model, action=action).values_list("row_id", flat=True))


def revert_problems(plan: Plan) -> list[str]:
    """What recorded later depends on the plan (then it cannot be reverted)."""
    if plan.status != Plan.Status.APPLIED or plan.applied is None:
        return [_("Only an applied plan can be reverted.")]
    applied_at = plan.applied.created_at
    touched = set(_effects(plan, "organisation", "created")) | set(
        _effects(plan, "organisation", "dissolved")
    )
    touched |= set(
        Placement.objects.filter(id__in=_effects(plan, "placement", "created")).values_list(
            "org_id", flat=True
        )
    )
    reassigned = set(
        MembershipEvent.objects.filter(
            changeset=plan.applied, kind=EventKind.REASSIGNMENT
        ).values_list("member_id", flat=True)
    )
    later = MembershipEvent.objects.filter(recorded_at__gt=applied_at).exclude(
        changeset=plan.applied
    )
    problems = []
    n = later.filter(member_id__in=reassigned).count() + later.filter(org_id__in=touched).count()
    if n:
        problems.append(
            _("%(n)s membership events recorded after the plan concern what it changed.") % {"n": n}
        )
    marks = max(plan.effects.filter(model="placement").values_list("row_id", flat=True), default=0)
    m = Placement.objects.filter(id__gt=marks, org_id__in=touched).count()
    if m:
        problems.append(
            _("%(n)s later changes of the tree concern what the plan changed.") % {"n": m}
        )
    return problems


@transaction.atomic
def plan_revert(plan: Plan, actor: Any, reason: str) -> ChangeSet:
    problems = revert_problems(plan)
    if problems:
        raise RuleError(" ".join(problems))
    if not reason.strip():
        raise RuleError(_("A correction needs its reason."), field="reason")
    cs = open_change_set(
        actor=actor,
        reason=reason,
        source=ChangeSet.Source.WEB if actor is not None else ChangeSet.Source.SYSTEM,
    )
    events = list(
        MembershipEvent.objects.filter(
            changeset=plan.applied, kind=EventKind.REASSIGNMENT, voided_by__isnull=True
        )
    )
    members: dict[int, PartyMember] = {}
    for event in events:
        event.voided_by = event
        event.save(update_fields=["voided_by"])
        members[event.member_id] = event.member
    affected: set[int] = set(_effects(plan, "organisation", "dissolved")) | set(
        _effects(plan, "organisation", "created")
    )
    for name in ("placement", "orgname"):
        ids = _effects(plan, name, "created") + _effects(plan, name, "closed")
        affected |= set(TRACKED[name].objects.filter(id__in=ids).values_list("org_id", flat=True))
    for name, model in TRACKED.items():
        model.objects.filter(id__in=_effects(plan, name, "created")).delete()
        if name != "lineage":
            model.objects.filter(id__in=_effects(plan, name, "closed")).update(valid_to=None)
    Organisation.objects.filter(id__in=_effects(plan, "organisation", "dissolved")).update(
        dissolved_on=None
    )
    _recache(Organisation.objects.filter(id__in=affected))
    for org in Organisation.objects.filter(id__in=_effects(plan, "organisation", "created")):
        # A creation undone: the row stays (voided events may name it) but holds no place and frees
        # its code for a corrected plan.
        org.code, org.path, org.parent = f"{org.code}~{plan.pk}"[:32], "", None
        org.dissolved_on = org.established_on
        org.save(update_fields=["code", "path", "parent", "dissolved_on"])
    for member in members.values():
        rebuild(member)
    plan.status, plan.reverted = Plan.Status.REVERTED, cs
    plan.save(update_fields=["status", "reverted"])
    log_entry(
        cs,
        action="restructuring.revert",
        obj=plan,
        reason=reason,
        after={"members": len(members), "events_voided": len(events)},
    )
    return cs


def _recache(queryset: Any) -> None:
    """Cached current parent, path, name and kind of organisations, from their open rows."""
    for org in queryset:
        placement = Placement.objects.filter(org=org, valid_to__isnull=True).first()
        name = OrgName.objects.filter(org=org, valid_to__isnull=True).first()
        if placement is not None:
            org.parent_id, org.path, org.kind, org.category = (
                placement.parent_id,
                placement.path,
                placement.kind,
                placement.category,
            )
        if name is not None:
            org.name = name.name
        org.save(update_fields=["parent", "path", "kind", "category", "name"])


def plan_from_rows(plan: Plan, rows: list[dict[str, str]]) -> list[Problem]:
    """Operations from a spreadsheet (old code → new code, or new parent; see plan_import)."""
    problems: list[Problem] = []
    ops: list[Operation] = []
    seq = 0
    new_targets: dict[str, dict[str, str]] = {}
    existing = set(Organisation.objects.values_list("code", flat=True))
    for row in rows:
        number = int(row["_row"])
        old, new = orgs.normalise_code(row.get("old", "")), orgs.normalise_code(row.get("new", ""))
        parent, name, kind = (
            orgs.normalise_code(row.get("parent", "")),
            row.get("name", "").strip(),
            row.get("kind", "").strip(),
        )
        if not old and not new:
            problems.append(Problem(_("Give the old code, the new code, or both."), row=number))
            continue
        if kind and kind not in Kind.values:
            problems.append(Problem(_("Unknown kind of organisation."), row=number))
            continue
        if new and new not in existing and new not in new_targets:
            new_targets[new] = {"name": name, "kind": kind, "parent": parent}
            seq += 1
            ops.append(
                Operation(
                    plan=plan,
                    seq=seq,
                    kind="create",
                    target=new,
                    name=name,
                    org_kind=kind,
                    parent=parent,
                    row=number,
                )
            )
        if old and new and old != new:
            seq += 1
            ops.append(
                Operation(plan=plan, seq=seq, kind="merge", source=old, target=new, row=number)
            )
        elif old and (new in ("", old)):
            if parent:
                seq += 1
                ops.append(
                    Operation(
                        plan=plan, seq=seq, kind="move", source=old, parent=parent, row=number
                    )
                )
            if name:
                seq += 1
                ops.append(
                    Operation(plan=plan, seq=seq, kind="rename", source=old, name=name, row=number)
                )
            if kind:
                seq += 1
                ops.append(
                    Operation(
                        plan=plan,
                        seq=seq,
                        kind="change_kind",
                        source=old,
                        org_kind=kind,
                        row=number,
                    )
                )
            if not (parent or name or kind):
                seq += 1
                ops.append(Operation(plan=plan, seq=seq, kind="dissolve", source=old, row=number))
    if not problems:
        plan.operations.all().delete()
        ordered = order_operations(ops)
        for seq, op in enumerate(ordered, start=1):
            op.seq = seq
        Operation.objects.bulk_create(ordered)
    return problems


PHASE = {
    "create": 0,
    "move": 1,
    "rename": 2,
    "change_kind": 3,
    "merge": 4,
    "split": 4,
    "dissolve": 4,
}


def order_operations(ops: list[Operation]) -> list[Operation]:
    """Creations first, superiors before what they hold; then moves, renames, changes of kind; then
    merges, splits and dissolutions, the deepest organisations first, so that a cell is merged
    while its old committee still stands and a committee is dissolved once it is empty."""
    depth = {code: len(path) for code, path in Organisation.objects.values_list("code", "path")}
    created_depth: dict[str, int] = {}
    for op in ops:
        if op.kind == "create":
            created_depth[orgs.normalise_code(op.target)] = 0

    def create_depth(code: str, seen: frozenset[str] = frozenset()) -> int:
        op = next(
            (o for o in ops if o.kind == "create" and orgs.normalise_code(o.target) == code), None
        )
        if op is None or code in seen or not op.parent:
            return 0
        parent = orgs.normalise_code(op.parent)
        return 1 + (create_depth(parent, seen | {code}) if parent in created_depth else 0)

    def key(op: Operation) -> tuple[int, int, int]:
        if op.kind == "create":
            return (0, create_depth(orgs.normalise_code(op.target)), op.row or 0)
        if PHASE[op.kind] == 4:
            return (4, -depth.get(orgs.normalise_code(op.source), 0), op.row or 0)
        return (PHASE[op.kind], 0, op.row or 0)

    return sorted(ops, key=key)


def _outside_problems(plan: Plan, actor: Any) -> list[Problem]:
    """Rows naming an organisation the actor may not change. The message is the same whether the
    code is someone else's or nobody's: a plan does not tell what lies outside one's area."""

    scope = scope_for(actor, Ability.MANAGE_ORGS)
    if scope.unrestricted:
        return []
    ops = list(plan.operations.all())
    named = {c for op in ops for c in (op.source, op.target, op.parent) if c}
    paths = dict(Organisation.objects.filter(code__in=named).values_list("code", "path"))
    created = {op.target for op in ops if op.kind == Operation.Kind.CREATE}
    problems = []
    for op in ops:
        for code in (op.source, op.target, op.parent):
            if not code or (code in created and code not in paths):
                continue
            if code not in paths or not scope.covers(paths[code]):
                problems.append(
                    Problem(
                        _("%(code)s is not an organisation you may change.") % {"code": code},
                        op.seq,
                        op.row,
                    )
                )
    return problems


def plan_create(
    *,
    name: str,
    effective_on: dt.date,
    decision: Any,
    actor: Any,
    rows: list[dict[str, str]] | None = None,
    operations: list[Operation] | None = None,
    source: str = ChangeSet.Source.WEB,
) -> Plan:
    """A draft plan, the one way a plan is made: from a spreadsheet's rows (the page, the command)
    or from operations built by a program (the demo's 2025 reform), put in a workable order.
    Refused as a whole (PlanRefused) when a row cannot be read or, for a user with a limited
    area, names an organisation outside it; otherwise saved, with its entry in the change log."""
    if (rows is None) == (operations is None):
        raise TypeError("plan_create takes either rows or operations")
    with transaction.atomic():
        plan = Plan.objects.create(
            name=name,
            effective_on=effective_on,
            decision=decision,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        if rows is not None:
            problems = plan_from_rows(plan, rows)
        else:
            assert operations is not None
            ordered = order_operations(operations)
            for seq, op in enumerate(ordered, start=1):
                op.plan, op.seq = plan, seq
            Operation.objects.bulk_create(ordered)
            problems = []
        if not problems and actor is not None:
            problems = _outside_problems(plan, actor)
        if problems:
            raise PlanRefused(problems)
        ops = list(plan.operations.all())
        named = {c for op in ops for c in (op.source, op.target, op.parent) if c}
        paths = list(Organisation.objects.filter(code__in=named).values_list("path", flat=True))
        changeset = open_change_set(actor=actor, reason=name, source=source)
        log_entry(
            changeset,
            action="plan.create",
            obj=plan,
            after={
                "name": plan.name,
                "effective_on": plan.effective_on,
                "decision": str(plan.decision),
                "operations": len(ops),
            },
            scope_path=common_path(paths),
        )
    return plan
