"""A plan applied as one change set, and reverted while nothing later depends on it."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from dangvu.core import bulk
from dangvu.core.actors import Actor
from dangvu.core.changes import log_entry, open_change_set
from dangvu.core.errors import RuleError
from dangvu.core.models import ChangeSet
from dangvu.members.events import rebuild
from dangvu.members.models import EventKind, MembershipEvent, PartyMember
from dangvu.orgs.models import (
    SEGMENT_WIDTH,
    Organisation,
    OrgName,
    Placement,
)
from dangvu.restructuring.models import Plan, PlanEffect
from dangvu.restructuring.services.checking import (
    _orphans,
    _run_operations,
    _static_problems,
    plan_check,
)
from dangvu.restructuring.services.operations import TRACKED, PlanRefused, Problem, _Run
from dangvu.tree import extensions


# --- applying and reverting ------------------------------------------------------------------------
def _marks() -> dict[str, int]:
    marks = {
        name: model.objects.aggregate(m=Max("id"))["m"] or 0 for name, model in TRACKED.items()
    }
    marks["organisation"] = Organisation.objects.aggregate(m=Max("id"))["m"] or 0
    return marks


@transaction.atomic
def plan_apply(*, plan: Plan, actor: Actor) -> ChangeSet:
    if plan.status != Plan.Status.DRAFT:
        raise RuleError(_("Only a draft plan can be applied."))
    if _static_problems(plan):
        raise PlanRefused(plan_check(plan=plan, actor=actor))
    try:
        with transaction.atomic():
            return _apply(plan, actor)
    except PlanRefused:
        # Something refused on the way: nothing was applied; list every problem of the plan.
        raise PlanRefused(
            plan_check(plan=plan, actor=actor) or [Problem(_("The plan was refused."))]
        ) from None


def _apply(plan: Plan, actor: Actor) -> ChangeSet:
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
    bulk.insert(effects)
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
def plan_revert(*, plan: Plan, actor: Actor, reason: str) -> ChangeSet:
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
    """Cached current parent, path, name and kind of organisations, from their open rows; what
    the areas keep by province follows those taken back to another (tree.extensions)."""
    rerooted = []
    for org in queryset:
        placement = Placement.objects.filter(org=org, valid_to__isnull=True).first()
        name = OrgName.objects.filter(org=org, valid_to__isnull=True).first()
        if placement is not None and placement.path[:SEGMENT_WIDTH] != org.path[:SEGMENT_WIDTH]:
            rerooted.append(org.pk)
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
    extensions.rerooted(rerooted)
