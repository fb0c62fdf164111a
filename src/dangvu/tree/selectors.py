"""Every read of the organisation tree, restricted to what the acting user may see."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from dangvu.accounts.guard import taken_out, write_scope
from dangvu.accounts.models import Ability
from dangvu.accounts.scope import scope_for
from dangvu.core.models import ChangeLogEntry
from dangvu.core.prepared import Prepared, first_or_none
from dangvu.orgs.models import (
    SEGMENT_WIDTH,
    Lineage,
    Organisation,
    OrgName,
    Placement,
    subtree_range,
    valid_on,
)

# The organisations of a scope, as a queryset built once per scope and cloned for each caller:
# turning a scope's paths into a filter was a tenth of the member list's time (issue 28). Filtering
# or reading a clone fills the clone only; the one thing a clone shares with its original, the
# records it knows as related (`&` with a related manager adds to them), it is given anew.
_VISIBLE: dict[tuple[tuple[str, ...], bool], QuerySet[Organisation]] = {}


def visible_orgs(user: Any, ability: str = Ability.VIEW) -> QuerySet[Organisation]:
    scope = scope_for(user, ability)
    key = (scope.paths, scope.unrestricted)
    built = _VISIBLE.get(key)
    if built is None:
        if len(_VISIBLE) >= 1000:
            _VISIBLE.clear()
        built = _VISIBLE[key] = Organisation.objects.filter(scope.q("path"))
    clone = built.all()
    clone._known_related_objects = {}  # type: ignore[attr-defined]  # shared with `built` by _clone
    return clone


# Every page of an organisation reads it by its code: the statement built once (core.prepared).
_BY_CODE: Prepared[Organisation] = Prepared(
    lambda code: Organisation.objects.filter(code=code).order_by("pk")[:1], str
)


def get_org(user: Any, code: str, ability: str = Ability.VIEW) -> Organisation:
    """The organisation of this code if the user's scope covers it (what `visible_orgs` holds),
    else 404. Read by its code and then asked of the scope: the same answer as filtering by the
    scope in the database, for a statement a third as costly to build (every page asks it)."""
    org = first_or_none(_BY_CODE(code.strip().upper()))
    if org is None or not scope_for(user, ability).covers(org.path):
        raise Http404
    return org


def scope_roots(user: Any) -> list[Organisation]:
    scope = scope_for(user)
    if scope.unrestricted:
        return list(
            Organisation.objects.filter(parent__isnull=True, dissolved_on__isnull=True).order_by(
                "code"
            )
        )
    # Organisations that exist today first: the predecessors a grant also covers (for history)
    # come after them, so pages that start from the first root start from today's tree.
    roots = Organisation.objects.filter(path__in=scope.paths)
    return sorted(roots, key=lambda o: (o.dissolved_on is not None, o.path))


def placement_of(org: Organisation, on: dt.date) -> Placement | None:
    return Placement.objects.filter(valid_on(on), org=org).first()


def subtree_placements(org: Organisation, on: dt.date) -> QuerySet[Placement]:
    """Placements valid on `on` of the organisation over time (`lineage_intervals`): its subtree
    on that day; for a day before it was formed, the organisations that became it."""
    own = placement_of(org, on)
    if own is None:
        before = formed_on(org)
        if before is None or on >= before:
            return Placement.objects.none()
        inside = [o for o, periods in lineage_intervals(org).items() if covers(periods, on)]
        return Placement.objects.filter(valid_on(on), org_id__in=inside)
    low, high = subtree_range(own.path)
    return Placement.objects.filter(valid_on(on), path__gte=low, path__lt=high)


def answers_on(org: Organisation, on: dt.date) -> bool:
    """Whether the organisation has figures for a day: it stood in the tree that day, or what
    became it did (`lineage_intervals`)."""
    return placement_of(org, on) is not None or subtree_placements(org, on).exists()


def answering_days(org: Organisation, days: Iterable[dt.date]) -> set[dt.date]:
    """Of these days, those the organisation has figures for (`answers_on`, day by day), its
    lineage read once for all the days before it was formed (a dashboard's years)."""
    first = formed_on(org)
    lineage: dict[int, Periods] | None = None
    found = set()
    for day in days:
        if placement_of(org, day) is not None:
            found.add(day)
            continue
        if first is None or day >= first:
            continue
        if lineage is None:
            lineage = lineage_intervals(org)
        inside = [o for o, periods in lineage.items() if covers(periods, day)]
        if Placement.objects.filter(valid_on(day), org_id__in=inside).exists():
            found.add(day)
    return found


# --- an organisation over time (docs/reports.md "An organisation over time") --------------------

Periods = list[tuple[dt.date, dt.date | None]]


def covers(periods: Periods, day: dt.date) -> bool:
    return any(a <= day and (b is None or day < b) for a, b in periods)


def formed_on(org: Organisation) -> dt.date | None:
    """The first day the organisation stood in the tree."""
    first = Placement.objects.filter(org=org).order_by("valid_from").first()
    return first.valid_from if first is not None else None


def subtree_intervals(org: Organisation) -> dict[int, Periods]:
    """For each organisation, when it lay in the subtree of `org` (the root's placements, then
    everything placed under each of them)."""
    found: dict[int, Periods] = defaultdict(list)
    roots = Placement.objects.filter(org=org).values_list("path", "valid_from", "valid_to")
    for path, root_from, root_to in roots:
        low, high = subtree_range(path)
        rows = Placement.objects.filter(path__gte=low, path__lt=high).values_list(
            "org_id", "valid_from", "valid_to"
        )
        for org_id, valid_from, valid_to in rows:
            start = max(valid_from, root_from)
            ends = [d for d in (valid_to, root_to) if d is not None]
            end = min(ends) if ends else None
            if end is None or start < end:
                found[org_id].append((start, end))
    return dict(found)


def lineage_intervals(org: Organisation) -> dict[int, Periods]:
    """Organisation X over time: for each organisation, the periods in which what it held
    counted as part of X. From the day X was formed, its subtree as it stood each day. Before,
    the organisations that became X: one *leads into* X when on the day X was formed it lay in
    X's subtree, or it had ended by then merged, split or renamed into one that leads into X (the
    lineage a restructuring records); one that ended with no successor follows the organisations
    above it on each day (a district dissolved in 2025 counts for the province its communes went
    to). A member counts for X on a day when the organisation holding them that day counts."""
    found = subtree_intervals(org)
    first = formed_on(org)
    if first is None:
        return found
    for org_id, periods in _leading_into(org, first).items():
        found.setdefault(org_id, []).extend(periods)
    return found


def _leading_into(org: Organisation, formed: dt.date) -> dict[int, Periods]:

    own = placement_of(org, formed)
    if own is None:
        return {}
    low, high = subtree_range(own.path)
    leads = set(
        Placement.objects.filter(valid_on(formed), path__gte=low, path__lt=high).values_list(
            "org_id", flat=True
        )
    )
    frontier = set(leads)
    while frontier:
        before = set(
            Lineage.objects.filter(successor_id__in=frontier, on__lte=formed).values_list(
                "predecessor_id", flat=True
            )
        )
        frontier = before - leads
        leads |= frontier
    ranges = Q(pk__in=[])
    kept = ""
    for path in sorted(
        set(
            Placement.objects.filter(org_id__in=leads, valid_from__lt=formed).values_list(
                "path", flat=True
            )
        )
    ):
        if kept and path.startswith(kept):
            continue  # within a subtree already read (sorted paths: a subtree comes together)
        kept = path
        a, b = subtree_range(path)
        ranges |= Q(path__gte=a, path__lt=b)
    earlier = list(
        Placement.objects.filter(ranges, valid_from__lt=formed).values_list(
            "org_id", "path", "valid_from", "valid_to"
        )
    )
    if not earlier:
        return {}
    ids = {o for o, _p, _a, _b in earlier}
    went_on = set(
        Placement.objects.filter(valid_on(formed), org_id__in=ids).values_list("org_id", flat=True)
    ) | set(
        Lineage.objects.filter(predecessor_id__in=ids, on__lte=formed).values_list(
            "predecessor_id", flat=True
        )
    )

    def counts(org_id: int, path: str) -> bool:
        if org_id in leads:
            return True
        if org_id in went_on:
            return False  # it went on elsewhere
        for end in range(len(path) - SEGMENT_WIDTH, 0, -SEGMENT_WIDTH):
            above = int(path[end - SEGMENT_WIDTH : end])
            if above in leads:
                return True
            if above in went_on:
                return False
        return False

    result: dict[int, Periods] = defaultdict(list)
    for org_id, path, valid_from, valid_to in earlier:
        end = formed if valid_to is None or valid_to > formed else valid_to
        if valid_from < end and counts(org_id, path):
            result[org_id].append((valid_from, end))
    return dict(result)


def subtree_org_ids(org: Organisation, on: dt.date) -> QuerySet[Placement, Any]:
    """A subquery of the organisation ids in the subtree on a date (use with `org_id__in`)."""
    return subtree_placements(org, on).values("org_id")


def names_on(org_ids: list[int], on: dt.date) -> dict[int, str]:
    return dict(
        OrgName.objects.filter(valid_on(on), org_id__in=org_ids).values_list("org_id", "name")
    )


@dataclass
class TreeNode:
    org: Organisation
    name: str
    kind: str
    category: str
    parent_code: str | None
    depth: int
    path: str

    def as_dict(self) -> dict[str, str | None]:
        """The node as the CLI and the API give it."""
        return {
            "code": self.org.code,
            "name": self.name,
            "kind": self.kind,
            "category": self.category or None,
            "parent": self.parent_code,
        }


def tree_on(user: Any, on: dt.date, root: Organisation | None = None) -> list[TreeNode]:
    """The organisations the user may see, as the tree stood on `on`, in path order; with no root,
    from the tops of that day (`roots_on`)."""
    roots = [root] if root is not None else roots_on(user, on)
    nodes: list[TreeNode] = []
    seen: set[int] = set()
    for top in roots:
        placements = list(
            subtree_placements(top, on).select_related("org", "parent").order_by("path")
        )
        names = names_on([p.org_id for p in placements], on)
        base_depth = min((len(p.path) for p in placements), default=0)
        for p in placements:
            if p.org_id in seen:
                continue
            seen.add(p.org_id)
            nodes.append(
                TreeNode(
                    org=p.org,
                    name=names.get(p.org_id, p.org.name),
                    kind=p.kind,
                    category=p.category,
                    parent_code=p.parent.code if p.parent else None,
                    depth=(len(p.path) - base_depth) // 7,
                    path=p.path,
                )
            )
    return nodes


def org_name(pk: object) -> object:
    """An organisation's name by its id (a logged superior), or the id when it is unknown."""
    if not str(pk).isdigit():
        return pk
    return Organisation.objects.filter(pk=int(str(pk))).values_list("name", flat=True).first() or pk


def with_children(org_ids: list[int], on: dt.date) -> set[int]:
    """Those of the organisations that had subordinates on the day."""
    return set(
        Placement.objects.filter(valid_on(on), parent_id__in=org_ids)
        .values_list("parent_id", flat=True)
        .distinct()
    )


def children_on(org: Organisation, on: dt.date) -> list[Placement]:
    return list(
        Placement.objects.filter(valid_on(on), parent=org)
        .select_related("org")
        .order_by("org__name")
    )


def placement_history(org: Organisation) -> list[Placement]:
    return list(org.placements.select_related("parent", "decision").order_by("valid_from"))


def name_history(org: Organisation) -> list[OrgName]:
    return list(org.names.select_related("decision").order_by("valid_from"))


def roots_on(user: Any, on: dt.date) -> list[Organisation]:
    """The tops of the user's tree as it stood on a day: the organisations granted, or for a day
    before they existed, the organisations they succeeded (merged, split, renamed into them); for
    a user who sees everything, the organisations at the top of the tree that day (Ninh Thuận
    and Khánh Hòa on 31/12/2024, Khánh Hòa from 1/7/2025)."""

    if scope_for(user).unrestricted:
        return [
            p.org
            for p in Placement.objects.filter(valid_on(on), parent__isnull=True)
            .select_related("org")
            .order_by("path")
        ]
    result: list[Organisation] = []
    seen: set[int] = set()
    frontier = scope_roots(user)
    while frontier:
        later: list[Organisation] = []
        for org in frontier:
            if org.pk in seen:
                continue
            seen.add(org.pk)
            if placement_of(org, on) is not None:
                result.append(org)
            else:
                later.extend(
                    link.predecessor
                    for link in Lineage.objects.filter(successor=org).select_related("predecessor")
                )
        frontier = later
    return sorted(result, key=lambda o: o.path)


def lineage_of(org: Organisation) -> dict[str, list[Any]]:

    return {
        "predecessors": list(
            Lineage.objects.filter(successor=org).select_related("predecessor", "decision")
        ),
        "successors": list(
            Lineage.objects.filter(predecessor=org).select_related("successor", "decision")
        ),
    }


def written_orgs(user: Any, ids: set[str], entries: list[ChangeLogEntry]) -> set[str]:
    """The write guard's read-back (accounts.guard): the organisations among `ids` the user may
    change."""
    scope = write_scope(user)
    found = Organisation.objects.filter(scope.q("path"), pk__in=[int(i) for i in ids])
    return {str(pk) for pk in found.values_list("pk", flat=True)} | taken_out(scope, entries)
