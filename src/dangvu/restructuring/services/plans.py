"""A plan made — from a spreadsheet's rows or from operations a program builds — ordered so that it
can run, and refused whole when it reaches outside the user's area."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from dangvu.accounts import notices
from dangvu.accounts.models import Ability, Notice
from dangvu.accounts.scope import scope_for
from dangvu.core.actors import Actor, as_user
from dangvu.core.changes import log_entry, open_change_set
from dangvu.core.models import ChangeSet
from dangvu.orgs.models import (
    Kind,
    Organisation,
    common_path,
)
from dangvu.restructuring.models import Operation, Plan
from dangvu.restructuring.services.operations import PlanRefused, Problem
from dangvu.tree import services as orgs


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


def _outside_problems(plan: Plan, actor: Actor) -> list[Problem]:
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
    actor: Actor,
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
            created_by=as_user(actor),
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
        if source not in (ChangeSet.Source.IMPORT, ChangeSet.Source.SYSTEM):
            notices.notify(
                notices.holders(Ability.MANAGE_ORGS, common_path(paths)),
                kind=Notice.Kind.PLAN,
                text=_("Restructuring plan to review: %(name)s") % {"name": plan.name},
                url=reverse("restructuring:detail", args=[plan.pk]),
                actor=actor,
            )
    return plan
