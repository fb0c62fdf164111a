"""A plan checked and previewed before anything is written: its own rows, then a trial run of its
operations, rolled back."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dangvu.core.actors import Actor
from dangvu.core.changes import open_change_set
from dangvu.core.dates import format_date, today
from dangvu.members.models import EventKind, MembershipEvent, MembershipPeriod
from dangvu.members.selectors import stats
from dangvu.orgs.models import (
    Kind,
    Organisation,
    Placement,
    valid_on,
)
from dangvu.restructuring.models import Operation, Plan
from dangvu.restructuring.services.operations import (
    HANDLERS,
    PlanRefused,
    Problem,
    _Run,
    op_merge_many,
    op_move_many,
)
from dangvu.tree import services as orgs


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
    dissolved = list(Organisation.objects.filter(dissolved_on=on))
    ids = [org.pk for org in dissolved]
    # Three queries for all the dissolved organisations, then the problems listed org by org.
    left: dict[int | None, list[Problem]] = {org.pk: [] for org in dissolved}
    code: dict[int | None, str] = {org.pk: org.code for org in dissolved}
    for p in (
        MembershipPeriod.objects.filter(valid_on(on), org_id__in=ids)
        .select_related("member__person")
        .order_by("org_id", "valid_from", "id")
    ):
        left[p.org_id].append(
            Problem(
                _("%(name)s would be left in %(org)s, which no longer exists.")
                % {"name": p.member.person.full_name, "org": code[p.org_id]}
            )
        )
    for child in (
        Placement.objects.filter(valid_on(on), parent_id__in=ids)
        .select_related("org")
        .order_by("parent_id", "valid_from", "id")
    ):
        left[child.parent_id].append(
            Problem(
                _("%(child)s would be left under %(org)s, which no longer exists.")
                % {"child": child.org.code, "org": code[child.parent_id]}
            )
        )
    # A plan dated before events already recorded into the organisation would leave them
    # pointing at an organisation that no longer exists (the member falls out of every list).
    later = (
        MembershipEvent.objects.filter(org_id__in=ids, on__gte=on, voided_by__isnull=True)
        .exclude(kind=EventKind.REASSIGNMENT)
        .select_related("member__person")
        .order_by("org_id", "on", "id")
    )
    for event in later:
        left[event.org_id].append(
            Problem(
                _(
                    "%(name)s is recorded in %(org)s on %(date)s (%(event)s), when it would "
                    "no longer exist: date the plan after that day, or correct the event first."
                )
                % {
                    "name": event.member.person.full_name,
                    "org": code[event.org_id],
                    "date": format_date(event.on),
                    "event": event.get_kind_display().lower(),
                }
            )
        )
    for org in dissolved:
        problems.extend(left[org.pk])
    return problems


class _Trial(Exception):
    pass


def _run_operations(run: _Run, ops: list[Operation], collect: list[Problem] | None) -> None:
    """Each operation in its order. Applying (`collect` None), consecutive moves under one parent
    go in one set of statements (`op_move_many`), and so do consecutive merges (`op_merge_many`);
    a refusal then sends the plan to `plan_check`, which tries them one by one and names the
    operation."""
    if collect is None:
        for batch in _batches(ops):
            try:
                if len(batch) > 1 and batch[0].kind == Operation.Kind.MOVE:
                    op_move_many(run, batch)
                elif len(batch) > 1:
                    op_merge_many(run, batch)
                else:
                    HANDLERS[batch[0].kind](run, batch[0])  # type: ignore[index]
            except ValidationError as exc:
                raise PlanRefused(
                    [Problem(m, batch[0].seq, batch[0].row) for m in exc.messages]
                ) from exc
        return
    for op in ops:
        handler = HANDLERS[op.kind]  # type: ignore[index]
        try:
            with transaction.atomic():
                handler(run, op)
        except ValidationError as exc:
            collect.extend(Problem(m, op.seq, op.row) for m in exc.messages)


def _batches(ops: list[Operation]) -> list[list[Operation]]:
    """The operations in order, runs of moves to the same parent together, and runs of merges."""
    batches: list[list[Operation]] = []
    for op in ops:
        last = batches[-1][-1] if batches else None
        together = last is not None and (
            op.kind == last.kind == Operation.Kind.MERGE
            or (
                op.kind == last.kind == Operation.Kind.MOVE
                and orgs.normalise_code(op.parent) == orgs.normalise_code(last.parent)
            )
        )
        if together:
            batches[-1].append(op)
        else:
            batches.append([op])
    return batches


def plan_check(*, plan: Plan, actor: Actor = None) -> list[Problem]:
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


def plan_preview(*, plan: Plan, actor: Actor = None) -> list[dict[str, Any]]:
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
