"""Every read of the organisation tree, restricted to what the acting user may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from dangvu.accounts.models import Ability
from dangvu.accounts.scope import scope_for
from dangvu.orgs.models import Organisation, OrgName, Placement, subtree_range, valid_on


def visible_orgs(user: Any, ability: str = Ability.VIEW) -> QuerySet[Organisation]:
    return Organisation.objects.filter(scope_for(user, ability).q("path"))


def get_org(user: Any, code: str, ability: str = Ability.VIEW) -> Organisation:
    org = visible_orgs(user, ability).filter(code=code.strip().upper()).first()
    if org is None:
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
    """Placements valid on `on` of the organisation and everything below it then."""
    own = placement_of(org, on)
    if own is None:
        return Placement.objects.none()
    low, high = subtree_range(own.path)
    return Placement.objects.filter(valid_on(on), path__gte=low, path__lt=high)


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
    from dangvu.orgs.models import Lineage

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
    from dangvu.orgs.models import Lineage

    return {
        "predecessors": list(
            Lineage.objects.filter(successor=org).select_related("predecessor", "decision")
        ),
        "successors": list(
            Lineage.objects.filter(predecessor=org).select_related("successor", "decision")
        ),
    }
