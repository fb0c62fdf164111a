"""What a plan's operations do to the tree: create, merge, split, move, rename, change kind,
dissolve — with the members, children and roles an organisation holds moved along."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from dangvu.accounts.models import RoleGrant
from dangvu.core import bulk
from dangvu.core.actors import Actor
from dangvu.core.changes import log_entry
from dangvu.core.errors import RuleError
from dangvu.core.models import ChangeSet
from dangvu.members.events import rebuild_many
from dangvu.members.models import EventKind, MembershipEvent, MembershipPeriod, PartyMember
from dangvu.orgs.models import (
    Lineage,
    Organisation,
    OrgName,
    Placement,
    valid_on,
)
from dangvu.restructuring.models import Operation, Plan
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
    actor: Actor
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
            return found  # just read
        org = self.codes[code]
        org.refresh_from_db()  # an earlier operation may have moved or dissolved it
        return org

    def orgs(self, codes: list[str], what: str = "source") -> list[Organisation]:
        """`org` for several codes in one query (each read afresh), in their order."""
        wanted = [orgs.normalise_code(code) for code in codes]
        found = {o.code: o for o in Organisation.objects.filter(code__in=set(wanted))}
        for code in wanted:
            if code not in found:
                raise RuleError(
                    _("No organisation with code %(code)s.") % {"code": code}, field=what
                )
        self.codes.update(found)
        return [found[code] for code in wanted]


# --- moving what an organisation holds ---------------------------------------------------------
def _reassign_members(run: _Run, sources: list[Organisation], target_for: Any) -> None:
    """Every membership held by the sources on the day goes to the successor cell
    `target_for(member, source)`: a reassignment event each (with the plan's decision, logged),
    the members rebuilt together later (`_Run.flush`)."""
    by_pk = {s.pk: s for s in sources}
    if run.pending_targets & by_pk.keys():
        run.flush()  # members sent there earlier in the plan: their periods are read below
    on = run.on
    home = MembershipPeriod.objects.filter(valid_on(on), org_id__in=by_pk).select_related(
        "member__person"
    )
    in_transit = PartyMember.objects.filter(
        org_id__in=by_pk, derived__transit__out_on__isnull=False
    ).select_related("person")
    # One entry a membership and source: a member temporarily transferred holds one at home and
    # one at the host, which may both be merged here (two reassignments, as one by one).
    members = {(p.member_id, p.org_id): (p.member, p.temporary, by_pk[p.org_id]) for p in home}
    for m in in_transit:
        members.setdefault((m.pk, m.org_id or 0), (m, False, by_pk[m.org_id or 0]))
    if not members:
        return
    order = {s.pk: n for n, s in enumerate(sources)}  # the operations' order, as one by one
    held = sorted(members.values(), key=lambda entry: order[entry[2].pk])
    going = [
        (member, temporary, source, target_for(member, source))
        for member, temporary, source in held
    ]
    kinds = dict(
        Placement.objects.filter(
            valid_on(on), org_id__in={target.pk for *_x, target in going if target is not None}
        ).values_list("org_id", "kind")
    )
    events: list[MembershipEvent] = []
    for member, temporary, source, target in going:
        if target is None:
            raise RuleError(
                _("%(name)s, a member of %(org)s, has no cell to go to.")
                % {"name": member.person.full_name, "org": source.code}
            )
        if kinds.get(target.pk) not in org_rules.MEMBER_HOLDING_KINDS:
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
    bulk.insert(events, returning_pk=True)
    unique = {m.pk: m for m, *_rest in going}
    run.pending.update(unique)
    run.pending_targets.update(e.org_id for e in events if e.org_id is not None)
    bulk.insert(
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
            for e, (_m, _t, source, _g) in zip(events, going, strict=True)
        ]
    )
    run.reassigned.update(unique)


def _move_children(run: _Run, sources: list[Organisation], parent_for: Any) -> None:
    """The sources' children go to their new parents `parent_for(child, source)`, all the
    children of one parent at once."""
    by_pk = {s.pk: s for s in sources}
    by_parent: dict[int, tuple[Organisation, list[Organisation]]] = {}
    placed = Placement.objects.filter(valid_on(run.on), parent_id__in=by_pk).select_related("org")
    for child in placed.order_by("path"):
        parent = parent_for(child.org, by_pk[child.parent_id or 0])
        by_parent.setdefault(parent.pk, (parent, []))[1].append(child.org)
    for parent, children in by_parent.values():
        orgs.org_move_many(
            orgs=children,
            new_parent=parent,
            on=run.on,
            decision=run.plan.decision,
            actor=run.actor,
            changeset=run.changeset,
            source=run.changeset.source,
        )


def _move_grants(run: _Run, pairs: list[tuple[Organisation, Organisation]]) -> None:
    """The roles held on each source go to its successor (source, successor)."""
    to = {source.pk: (source, target) for source, target in pairs}
    for grant in RoleGrant.objects.filter(valid_on(run.on), org_id__in=to):
        source, target = to[grant.org_id]
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
    run: _Run, relation: str, successors: list[tuple[Organisation, list[Organisation]]]
) -> None:
    """Each source dissolved, what the areas above hold there carried to its successors, and the
    lineage written."""
    for carry in orgs.succession_handlers:  # what the areas above hold there (tree.services)
        carry(successors, run.on, run.changeset)
    orgs.org_dissolve_many(
        orgs=[source for source, _after in successors],
        **run.common(),
        other_checks=False,  # its members were reassigned; _orphans checks once they are rebuilt
    )
    bulk.insert(
        [
            Lineage(
                predecessor=source,
                successor=successor,
                relation=relation,
                on=run.on,
                decision=run.plan.decision,
            )
            for source, after in successors
            for successor in after
        ]
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
    _merge(run, [(source, target)])


def op_merge_many(run: _Run, ops: list[Operation]) -> None:
    """Merges applied together (a reform merges hundreds of cells and communes into new ones): the
    same checks and rows as one by one, each kind of row read and written for a whole group at
    once. A group is the longest run of the merges left that do not touch one another as the tree
    stands when it starts — an organisation merged twice or into one merged in the group, one lying
    inside another's subtree — so that applying it at once is applying it in order."""
    left = list(ops)
    while left:
        sources = run.orgs([op.source for op in left])
        targets = run.orgs([op.target for op in left], "target")
        group = _independent(list(zip(sources, targets, strict=True)))
        if len(group) == 1:
            op_merge(run, left[0])  # alone, with op_merge's own checks
        else:
            _merge(run, group)
        left = left[len(group) :]


def _independent(
    pairs: list[tuple[Organisation, Organisation]],
) -> list[tuple[Organisation, Organisation]]:
    """The longest first run of (source, target) pairs that do not touch one another (at least one)."""
    taken: list[tuple[Organisation, Organisation]] = []
    sources: set[int] = set()
    targets: set[int] = set()
    for source, target in pairs:
        touches = (
            source.pk == target.pk
            or source.pk in sources
            or source.pk in targets
            or target.pk in sources
            or any(
                source.path.startswith(s.path)
                or s.path.startswith(source.path)
                or target.path.startswith(s.path)
                or t.path.startswith(source.path)
                for s, t in taken
            )
        )
        if touches and taken:
            break
        taken.append((source, target))
        sources.add(source.pk)
        targets.add(target.pk)
        if touches:
            break
    return taken


def _merge(run: _Run, pairs: list[tuple[Organisation, Organisation]]) -> None:
    target_of = {source.pk: target for source, target in pairs}
    sources = [source for source, _target in pairs]
    _move_children(run, sources, lambda _child, source: target_of[source.pk])
    _reassign_members(run, sources, lambda _m, source: target_of[source.pk])
    _move_grants(run, pairs)
    _dissolve(run, Lineage.Relation.MERGED_INTO, [(s, [t]) for s, t in pairs])


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

    def parent_for(child: Organisation, _source: Organisation) -> Organisation:
        code = children.get(child.code, default)
        if not code:
            raise RuleError(_("%(org)s has no organisation to go to.") % {"org": child.code})
        return targets[code]

    def target_for(member: PartyMember, _source: Organisation) -> Organisation | None:
        code = members.get(member.pk, default)
        return targets.get(code) if code else None

    _move_children(run, [source], parent_for)
    _reassign_members(run, [source], target_for)
    if default:
        _move_grants(run, [(source, targets[default])])
    _dissolve(run, Lineage.Relation.SPLIT_INTO, [(source, list(targets.values()))])


def op_move(run: _Run, op: Operation) -> None:
    orgs.org_move(org=run.org(op.source), new_parent=run.org(op.parent, "parent"), **run.common())


def op_move_many(run: _Run, ops: list[Operation]) -> None:
    """Moves to one parent at once (applying a plan): the same checks and rows as one by one.
    Organisations lying in one another's subtrees are moved one by one, in their order."""
    sources = run.orgs([op.source for op in ops])
    nested = any(
        a.pk != b.pk and b.path.startswith(a.path) for a in sources for b in sources
    ) or len({o.pk for o in sources}) < len(sources)
    if nested:
        for op in ops:
            op_move(run, op)
        return
    orgs.org_move_many(orgs=sources, new_parent=run.org(ops[0].parent, "parent"), **run.common())


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
