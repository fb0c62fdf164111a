"""The single door to data: what subtrees a user may see or change (DESIGN.md principle 2).

Every selector and service asks `scope_for(user, ability)`. A grant on an organisation covers the
organisation's current subtree. Account administrators get nothing from being administrators.
`None` as the actor means the system itself (commands run by the operator, the demo builder).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from dangvu.accounts.models import ROLE_ABILITIES, Ability, RoleGrant
from dangvu.core.dates import today
from dangvu.orgs.models import subtree_range, valid_on


@dataclass(frozen=True)
class Scope:
    paths: tuple[str, ...]
    unrestricted: bool = False

    def covers(self, path: str | None) -> bool:
        if self.unrestricted:
            return True
        return bool(path) and any(path.startswith(p) for p in self.paths)  # type: ignore[union-attr]

    def q(self, field: str = "path") -> Q:
        """A filter keeping rows whose `field` path lies in the scope."""
        if self.unrestricted:
            return Q()
        if not self.paths:
            return Q(pk__in=[])
        condition = Q()
        for path in self.paths:
            low, high = subtree_range(path)
            condition |= Q(**{f"{field}__gte": low, f"{field}__lt": high})
        return condition

    @property
    def empty(self) -> bool:
        return not self.unrestricted and not self.paths


SYSTEM = Scope(paths=(), unrestricted=True)


def _minimal(paths: list[str]) -> tuple[str, ...]:
    kept: list[str] = []
    for path in sorted(set(paths), key=len):
        if path and not any(path.startswith(k) for k in kept):
            kept.append(path)
    return tuple(sorted(kept))


def _predecessor_paths(org_ids: set[int]) -> list[str]:
    """A grant covers the history of its organisation too: the organisations merged or split into
    it, and theirs, keep their last paths (DOMAIN.md §10: a report for 2023 as 2023 was)."""
    from dangvu.orgs.models import Lineage, Organisation

    found: set[int] = set()
    frontier = set(org_ids)
    while frontier:
        before = set(
            Lineage.objects.filter(successor_id__in=frontier).values_list(
                "predecessor_id", flat=True
            )
        )
        frontier = before - found - org_ids
        found |= frontier
    return [
        p for p in Organisation.objects.filter(id__in=found).values_list("path", flat=True) if p
    ]


def scope_for(user: Any, ability: str = Ability.VIEW) -> Scope:
    if user is None:
        return SYSTEM
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return Scope(paths=())
    cache: dict[str, Scope] = user.__dict__.setdefault("_dangvu_scopes", {})
    if ability in cache:
        return cache[ability]
    roles = [role for role, abilities in ROLE_ABILITIES.items() if ability in abilities]
    grants = RoleGrant.objects.filter(valid_on(today()), user=user, role__in=roles)
    paths = list(grants.values_list("org__path", flat=True))
    paths += _predecessor_paths(set(grants.values_list("org_id", flat=True)))
    scope = Scope(paths=_minimal(paths))
    cache[ability] = scope
    return scope


def forget_cached_scope(user: Any) -> None:
    if user is not None:
        user.__dict__.pop("_dangvu_scopes", None)


def require(user: Any, ability: str, path: str | None) -> None:
    """Refuse a record outside what the user may see with 404, saying nothing of it; refuse a
    change the user may see but not make with 403."""
    if not scope_for(user, Ability.VIEW).covers(path):
        raise Http404
    if ability != Ability.VIEW and not scope_for(user, ability).covers(path):
        raise PermissionDenied


def can(user: Any, ability: str, path: str | None) -> bool:
    return scope_for(user, ability).covers(path)
