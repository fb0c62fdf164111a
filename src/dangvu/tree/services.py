"""Every change of the organisation tree: dated, with its decision, validated, logged (STYLE.md 2–3)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from dangvu.accounts.models import Ability
from dangvu.accounts.scope import require
from dangvu.core import bulk
from dangvu.core.actors import Actor
from dangvu.core.changes import log_entry, open_change_set, snapshot
from dangvu.core.dates import format_date, today
from dangvu.core.errors import RuleError
from dangvu.core.models import ChangeLogEntry, ChangeSet, Decision
from dangvu.core.text import clean, search_key
from dangvu.orgs.models import (
    SEGMENT_WIDTH,
    Kind,
    Lineage,
    Organisation,
    OrgName,
    Placement,
    path_segment,
    valid_on,
)
from dangvu.rules import organisation as rules
from dangvu.tree import extensions

CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9._-]{1,31}$")
ORG_FIELDS = (
    "code",
    "name",
    "kind",
    "category",
    "established_on",
    "dissolved_on",
    "parent_id",
    "path",
)

# Checks other areas add (the tree knows nothing of members): each returns messages that block
# dissolving an organisation on a date.
DissolveCheck = Callable[[Organisation, dt.date], list[str]]
dissolve_checks: list[DissolveCheck] = []

# What other areas hold at organisations that a restructuring dissolves into successors (mergers,
# splits) is carried to them by the area itself: ([(an organisation, its successors), …], the day,
# the restructuring's change set), all the organisations dissolved together at once. The members
# go by the restructuring's own reassignment; the committees' seats (congress/) and the
# candidates' files in progress (recruitment/) register here.
Succession = list[tuple[Organisation, list[Organisation]]]
SuccessionHandler = Callable[[Succession, dt.date, Any], None]
succession_handlers: list[SuccessionHandler] = []


def normalise_code(code: str) -> str:
    return clean(code).upper()


def _check_date(on: dt.date, field: str = "on") -> None:
    if on > today():
        raise RuleError(
            _("The date %(date)s is in the future; changes take effect on or before today.")
            % {"date": format_date(on)},
            field=field,
        )


def placement_on(org: Organisation, on: dt.date) -> Placement | None:
    return Placement.objects.filter(valid_on(on), org=org).select_related("parent").first()


def _check_parent(kind: str, parent: Organisation | None, on: dt.date) -> Placement | None:
    if not rules.kind_valid_on(kind, on):
        label = Kind(kind).label
        if kind == rules.DISTRICT:
            msg = _("%(kind)s no longer exists from 1/7/2025 (district level abolished).")
        else:
            msg = _("%(kind)s exists only from 1/7/2025.")
        raise RuleError(msg % {"kind": label}, field="kind")
    parent_placement = placement_on(parent, on) if parent is not None else None
    if parent is not None and parent_placement is None:
        raise RuleError(
            _("The superior organisation %(code)s did not exist on %(date)s.")
            % {"code": parent.code, "date": format_date(on)},
            field="parent",
        )
    parent_kind = parent_placement.kind if parent_placement else None
    if not rules.parent_allowed(kind, parent_kind):
        raise RuleError(
            _("A %(kind)s cannot be placed under %(parent)s.")
            % {
                "kind": Kind(kind).label.lower(),
                "parent": Kind(parent_kind).label.lower() if parent_kind else _("no superior"),
            },
            field="parent",
        )
    return parent_placement


def _decision_required(decision: Decision | None) -> Decision:
    if decision is None:
        raise RuleError(_("A decision (number, date, issuing body) is required."), field="decision")
    return decision


@transaction.atomic
def org_create(
    *,
    code: str,
    name: str,
    kind: str,
    parent: Organisation | None,
    established_on: dt.date,
    decision: Decision | None,
    actor: Actor,
    category: str = "",
    reason: str = "",
    changeset: ChangeSet | None = None,
    source: str = ChangeSet.Source.WEB,
) -> Organisation:
    code = normalise_code(code)
    name = clean(name)
    if not CODE_PATTERN.match(code):
        raise RuleError(
            _(
                "The code must be 2 to 32 characters: Latin capital letters, digits, '.', '_' or '-'."
            ),
            field="code",
        )
    if Organisation.objects.filter(code=code).exists():
        raise RuleError(
            _("An organisation with code %(code)s already exists.") % {"code": code}, field="code"
        )
    if not name:
        raise RuleError(_("The name is required."), field="name")
    if kind not in Kind.values:
        raise RuleError(_("Unknown kind of organisation."), field="kind")
    _check_date(established_on, "established_on")
    decision = _decision_required(decision)
    if parent is None:
        if actor is not None:
            raise RuleError(
                _("Only the operator can create a top-level organisation."), field="parent"
            )
    else:
        require(actor, Ability.MANAGE_ORGS, parent.path)
    parent_placement = _check_parent(kind, parent, established_on)
    org = Organisation.objects.create(
        code=code,
        name=name,
        kind=kind,
        category=category,
        established_on=established_on,
        parent=parent,
        search_name=search_key(name),
    )
    org.path = (parent_placement.path if parent_placement else "") + path_segment(org.pk)
    org.save(update_fields=["path"])
    OrgName.objects.create(org=org, name=name, valid_from=established_on, decision=decision)
    Placement.objects.create(
        org=org,
        parent=parent,
        path=org.path,
        kind=kind,
        category=category,
        valid_from=established_on,
        decision=decision,
    )
    cs = changeset or open_change_set(actor=actor, reason=reason, source=source)
    log_entry(
        cs,
        action="org.create",
        obj=org,
        after={**snapshot(org, ORG_FIELDS), "decision": decision.as_dict()},
    )
    return org


@transaction.atomic
def org_rename(
    *,
    org: Organisation,
    name: str,
    on: dt.date,
    decision: Decision | None,
    actor: Actor,
    reason: str = "",
    source: str = ChangeSet.Source.WEB,
    changeset: ChangeSet | None = None,
) -> Organisation:
    require(actor, Ability.MANAGE_ORGS, org.path)
    name = clean(name)
    if not name:
        raise RuleError(_("The name is required."), field="name")
    _check_date(on)
    decision = _decision_required(decision)
    current = org.names.filter(valid_to__isnull=True).first()
    if current is None:
        raise RuleError(_("A dissolved organisation cannot be renamed."), field="name")
    if current.name == name:
        raise RuleError(_("The new name is the same as the current one."), field="name")
    if on <= current.valid_from:
        raise RuleError(
            _("The new name must take effect after %(date)s, when the current name began.")
            % {"date": format_date(current.valid_from)},
            field="on",
        )
    before = snapshot(org, ORG_FIELDS)
    current.valid_to = on
    current.save(update_fields=["valid_to"])
    OrgName.objects.create(org=org, name=name, valid_from=on, decision=decision)
    org.name = name
    org.search_name = search_key(name)
    org.save(update_fields=["name", "search_name"])
    _log_change(
        org, "org.rename", before, decision, actor, reason, source, on=on, changeset=changeset
    )
    return org


def _log_change(
    org: Organisation,
    action: str,
    before: dict[str, Any],
    decision: Decision,
    actor: Actor,
    reason: str,
    source: str,
    on: dt.date | None = None,
    changeset: ChangeSet | None = None,
) -> None:
    after = {**snapshot(org, ORG_FIELDS), "decision": decision.as_dict()}
    if on is not None:
        after["on"] = on
    cs = changeset or open_change_set(actor=actor, reason=reason, source=source)
    log_entry(cs, action=action, obj=org, before=before, after=after)


def _open_placements_below(path: str) -> list[Placement]:
    low, high = path, path + ":"
    return list(
        Placement.objects.filter(valid_to__isnull=True, path__gte=low, path__lt=high)
        .select_related("org")
        .order_by("path")
    )


@transaction.atomic
def org_move(
    *,
    org: Organisation,
    new_parent: Organisation,
    on: dt.date,
    decision: Decision | None,
    actor: Actor,
    reason: str = "",
    source: str = ChangeSet.Source.WEB,
    changeset: ChangeSet | None = None,
) -> Organisation:
    """Place `org` and its whole subtree under `new_parent` from `on`; earlier placements are kept."""
    org_move_many(
        orgs=[org],
        new_parent=new_parent,
        on=on,
        decision=decision,
        actor=actor,
        reason=reason,
        source=source,
        changeset=changeset,
    )
    return org


@transaction.atomic
def org_move_many(
    *,
    orgs: list[Organisation],
    new_parent: Organisation,
    on: dt.date,
    decision: Decision | None,
    actor: Actor,
    reason: str = "",
    source: str = ChangeSet.Source.WEB,
    changeset: ChangeSet | None = None,
) -> list[Organisation]:
    """Place each of `orgs` with its whole subtree under `new_parent` from `on`, all or none:
    the checks of a move for each, the rows written together (a restructuring moves a merged
    organisation's children at once). Earlier placements are kept."""
    require(actor, Ability.MANAGE_ORGS, new_parent.path)
    for org in orgs:
        require(actor, Ability.MANAGE_ORGS, org.path)
    _check_date(on)
    decision = _decision_required(decision)
    parent_placement = placement_on(new_parent, on)
    roots: dict[str, Organisation] = {}
    for org in orgs:
        if any(org.path.startswith(p) or p.startswith(org.path) for p in roots):
            raise RuleError(
                _("%(org)s lies in another of the organisations moved: move one or the other.")
                % {"org": org.name},
                field="parent",
            )
        if org.dissolved_on is not None:
            raise RuleError(_("A dissolved organisation cannot be moved."), field="parent")
        if new_parent.pk == org.pk or new_parent.path.startswith(org.path):
            raise RuleError(
                _("%(parent)s is %(org)s itself or lies below it: the move would make a cycle.")
                % {"parent": new_parent.name, "org": org.name},
                field="parent",
            )
        if org.parent_id == new_parent.pk:
            raise RuleError(
                _("The organisation is already under %(parent)s.") % {"parent": new_parent.name},
                field="parent",
            )
        if (
            parent_placement is None
            or not rules.kind_valid_on(org.kind, on)
            or not rules.parent_allowed(org.kind, parent_placement.kind)
        ):
            _check_parent(org.kind, new_parent, on)  # raises with the message
        roots[org.path] = org
    if not roots:
        return []
    assert parent_placement is not None
    ranges = Q()
    for path in roots:
        ranges |= Q(path__gte=path, path__lt=path + ":")
    moving = list(
        Placement.objects.filter(ranges, valid_to__isnull=True)
        .select_related("org")
        .order_by("path")
    )
    below: dict[str, list[Placement]] = {path: [] for path in roots}
    for placement in moving:
        # The moved organisation whose subtree holds it (the subtrees are disjoint).
        root = next(p for p in roots if placement.path.startswith(p))
        below[root].append(placement)
    for old_path in roots:
        latest = max(p.valid_from for p in below[old_path])
        if on <= latest:
            raise RuleError(
                _("The move must take effect after %(date)s, the last change of this subtree.")
                % {"date": format_date(latest)},
                field="on",
            )
    before = {org.pk: snapshot(org, ORG_FIELDS) for org in roots.values()}
    new_rows, changed, rerooted = [], [], []
    for old_path, org in roots.items():
        new_root = parent_placement.path + path_segment(org.pk)
        for placement in below[old_path]:
            new_path = new_root + placement.path[len(old_path) :]
            new_rows.append(
                Placement(
                    org=placement.org,
                    parent_id=new_parent.pk if placement.org_id == org.pk else placement.parent_id,
                    path=new_path,
                    kind=placement.kind,
                    category=placement.category,
                    valid_from=on,
                    decision=decision,
                )
            )
            if new_path[:SEGMENT_WIDTH] != placement.path[:SEGMENT_WIDTH]:
                rerooted.append(placement.org_id)
            placement.org.path = new_path
            if placement.org_id == org.pk:
                placement.org.parent = new_parent
            changed.append(placement.org)
        org.parent, org.path = new_parent, new_root
    Placement.objects.filter(ranges, valid_to__isnull=True).update(valid_to=on)
    bulk.insert(new_rows, returning_pk=True)
    bulk.update(changed, ["path", "parent"])  # the cached path and parent of each one moved
    extensions.rerooted(rerooted)
    cs = changeset or open_change_set(actor=actor, reason=reason, source=source)
    bulk.insert(
        [
            log_entry(
                cs,
                action="org.move",
                obj=org,
                before=before[org.pk],
                after={**snapshot(org, ORG_FIELDS), "decision": decision.as_dict(), "on": on},
                save=False,
            )
            for org in roots.values()
        ]
    )
    return list(roots.values())


def _refuse_dissolving(
    org: Organisation,
    on: dt.date,
    current: Placement | None,
    children: list[str],
    other_checks: bool,
) -> None:
    """Why the organisation cannot be dissolved on the day, raised; `children`: the codes of those
    placed under it that day."""
    if org.dissolved_on is not None:
        raise RuleError(
            _("The organisation was already dissolved on %(date)s.")
            % {"date": format_date(org.dissolved_on)},
            field="on",
        )
    assert current is not None
    if on <= current.valid_from:
        raise RuleError(
            _("The dissolution must take effect after %(date)s.")
            % {"date": format_date(current.valid_from)},
            field="on",
        )
    if children:
        raise RuleError(
            _(
                "%(count)s subordinate organisations still exist on that date (%(codes)s); move or dissolve them "
                "first."
            )
            % {"count": len(children), "codes": ", ".join(children[:5])},
            field="on",
        )
    problems = (
        [message for check in dissolve_checks for message in check(org, on)] if other_checks else []
    )
    if problems:
        raise RuleError(" ".join(problems), field="on")


@transaction.atomic
def org_dissolve(
    *,
    org: Organisation,
    on: dt.date,
    decision: Decision | None,
    actor: Actor,
    successor: Organisation | None = None,
    reason: str = "",
    source: str = ChangeSet.Source.WEB,
    changeset: ChangeSet | None = None,
    other_checks: bool = True,
) -> Organisation:
    """Dissolve an empty organisation. `other_checks=False` skips the checks other areas add (its
    members): a restructuring plan checks that nothing is orphaned once all its operations are done."""
    org_dissolve_many(
        orgs=[org],
        on=on,
        decision=decision,
        actor=actor,
        reason=reason,
        source=source,
        changeset=changeset,
        other_checks=other_checks,
    )
    if successor is not None:
        Lineage.objects.create(
            predecessor=org,
            successor=successor,
            relation=Lineage.Relation.SUCCEEDED_BY,
            on=on,
            decision=decision,
        )
    return org


@transaction.atomic
def org_dissolve_many(
    *,
    orgs: list[Organisation],
    on: dt.date,
    decision: Decision | None,
    actor: Actor,
    reason: str = "",
    source: str = ChangeSet.Source.WEB,
    changeset: ChangeSet | None = None,
    other_checks: bool = True,
) -> list[Organisation]:
    """Dissolve several empty organisations on one day, all or none (a restructuring's merges):
    the checks of `org_dissolve` for each, in their order (the first refused raises), the rows
    read and written together."""
    for org in orgs:
        require(actor, Ability.MANAGE_ORGS, org.path)
    _check_date(on)
    decision = _decision_required(decision)
    ids = [org.pk for org in orgs]
    current = {p.org_id: p for p in Placement.objects.filter(org_id__in=ids, valid_to__isnull=True)}
    children: dict[int, list[str]] = {pk: [] for pk in ids}
    for parent_id, code in Placement.objects.filter(valid_on(on), parent_id__in=ids).values_list(
        "parent_id", "org__code"
    ):
        children[parent_id].append(code)
    for org in orgs:
        _refuse_dissolving(org, on, current.get(org.pk), children[org.pk], other_checks)
    before = {org.pk: snapshot(org, ORG_FIELDS) for org in orgs}
    Placement.objects.filter(pk__in=[p.pk for p in current.values()]).update(valid_to=on)
    OrgName.objects.filter(org_id__in=ids, valid_to__isnull=True).update(valid_to=on)
    Organisation.objects.filter(pk__in=ids).update(dissolved_on=on)
    cs = changeset or open_change_set(actor=actor, reason=reason, source=source)
    entries = []
    for org in orgs:
        org.dissolved_on = on
        after = {**snapshot(org, ORG_FIELDS), "decision": decision.as_dict()}
        entries.append(
            log_entry(
                cs, action="org.dissolve", obj=org, before=before[org.pk], after=after, save=False
            )
        )
    bulk.insert(entries)
    return orgs


@transaction.atomic
def org_change_kind(
    *,
    org: Organisation,
    kind: str,
    on: dt.date,
    decision: Decision | None,
    actor: Actor,
    category: str | None = None,
    reason: str = "",
    source: str = ChangeSet.Source.WEB,
    changeset: ChangeSet | None = None,
) -> Organisation:
    """A new kind (e.g. grassroots committee ↔ grassroots cell, DOMAIN.md §4.4) from a date; the
    place in the tree is kept and the earlier kind stays in history."""
    require(actor, Ability.MANAGE_ORGS, org.path)
    _check_date(on)
    decision = _decision_required(decision)
    if kind not in Kind.values:
        raise RuleError(_("Unknown kind of organisation."), field="kind")
    current = (
        Placement.objects.filter(org=org, valid_to__isnull=True).select_related("parent").first()
    )
    if current is None:
        raise RuleError(_("A dissolved organisation cannot be moved."), field="kind")
    if current.kind == kind and (category is None or category == current.category):
        raise RuleError(_("The organisation is already of that kind."), field="kind")
    if on <= current.valid_from:
        raise RuleError(
            _("The change must take effect after %(date)s.")
            % {"date": format_date(current.valid_from)},
            field="on",
        )
    _check_parent(kind, current.parent, on)
    for child in Placement.objects.filter(valid_on(on), parent=org):
        if not rules.parent_allowed(child.kind, kind):
            raise RuleError(
                _("%(child)s could no longer stay under it: move it first.")
                % {"child": child.org.name},
                field="kind",
            )
    before = snapshot(org, ORG_FIELDS)
    current.valid_to = on
    current.save(update_fields=["valid_to"])
    Placement.objects.create(
        org=org,
        parent=current.parent,
        path=current.path,
        kind=kind,
        category=current.category if category is None else category,
        valid_from=on,
        decision=decision,
    )
    org.kind = kind
    if category is not None:
        org.category = category
    org.save(update_fields=["kind", "category"])
    _log_change(
        org, "org.change_kind", before, decision, actor, reason, source, on=on, changeset=changeset
    )
    return org


@transaction.atomic
def orgs_revert_import(*, changeset: ChangeSet, actor: Actor, revert: ChangeSet) -> int:
    """Undo an import of organisations recorded as `changeset` while nothing later depends on it:
    organisations it created are taken out (kept in the change log), renames are taken back."""
    from django.db.models import ProtectedError

    entries = list(ChangeLogEntry.objects.filter(changeset=changeset).order_by("-id"))
    ids = {e.subject_id for e in entries if e.subject_type == "orgs.organisation"}
    later = sorted(
        set(
            ChangeLogEntry.objects.filter(
                subject_type="orgs.organisation",
                subject_id__in=sorted(ids),
                at__gte=changeset.created_at,
            )
            .exclude(changeset=changeset)
            .values_list("object_label", flat=True)
        )
    )
    if later:
        raise RuleError(
            _(
                "Records of this import were changed afterwards (%(names)s): it can no longer be reverted."
            )
            % {"names": ", ".join(later[:10])}
        )
    orgs = {str(o.pk): o for o in Organisation.objects.filter(pk__in=[int(i) for i in ids])}
    for org in orgs.values():
        require(actor, Ability.MANAGE_ORGS, org.path)
    try:
        for entry in entries:  # the newest first: cells before the committee above them
            org = orgs[entry.subject_id]
            if entry.action == "org.rename":
                before = entry.before or {}
                OrgName.objects.filter(org=org, valid_to__isnull=True).delete()
                previous = org.names.order_by("-valid_from").first()
                if previous is not None:
                    previous.valid_to = None
                    previous.save(update_fields=["valid_to"])
                org.name = before.get("name", org.name)
                org.search_name = search_key(org.name)
                org.save(update_fields=["name", "search_name"])
                log_entry(revert, action="org.rename", obj=org, before=entry.after, after=before)
            elif entry.action == "org.create":
                log_entry(revert, action="org.delete", obj=org, before=snapshot(org, ORG_FIELDS))
                OrgName.objects.filter(org=org).delete()
                Placement.objects.filter(org=org).delete()
                org.delete()
    except ProtectedError as exc:
        raise RuleError(
            _("Records recorded later depend on this import: it can no longer be reverted.")
        ) from exc
    return len(ids)
