"""The single door to data: what subtrees a user may see or change (DESIGN.md principle 2).

Every selector and service asks `scope_for(user, ability)`. A grant on an organisation covers the
organisation's current subtree. Account administrators get nothing from being administrators.
`None` as the actor means the system itself (commands run by the operator, the demo builder).

A member's own access (role "own record") is no subtree: it adds their one record to what they may
see (`Scope.member_ids`), sensitive fields included, and nothing they may change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from dangvu.accounts.models import ROLE_ABILITIES, SENSITIVE_CAPABLE, Ability, Role, RoleGrant
from dangvu.core.dates import today
from dangvu.core.planned import planned_cursor
from dangvu.core.prepared import Prepared
from dangvu.orgs.models import Lineage, Organisation, subtree_range, valid_on


@dataclass(frozen=True)
class Scope:
    paths: tuple[str, ...]
    unrestricted: bool = False
    member_ids: tuple[int, ...] = ()

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
        for low, high in map(subtree_range, self.paths):
            condition |= Q(**{f"{field}__gte": low, f"{field}__lt": high})
        return condition

    def member_sql(self, path_column: str, id_column: str, within: str) -> tuple[str, list[Any]]:
        """`member_q` as SQL, for a statement written by hand (members.selectors' roll): the
        members whose organisation's path (`path_column`) lies in the scope, or who are the
        user's own record (`id_column`) — "" when the scope holds all of the subtree `within`,
        which the statement already keeps to. The columns are the caller's own names, never
        input; every value is a parameter."""
        if self.unrestricted or self.covers(within):
            return "", []
        parts = [f"({path_column} >= %s AND {path_column} < %s)"] * len(self.paths)
        params: list[Any] = [bound for path in self.paths for bound in subtree_range(path)]
        if self.member_ids:
            parts.append(f"{id_column} IN ({', '.join(['%s'] * len(self.member_ids))})")
            params += self.member_ids
        return f"({' OR '.join(parts) or '1 = 0'})", params

    def member_q(self, prefix: str = "") -> Q:
        """A filter on party members (or rows reached through `prefix`, e.g. "member__")."""
        condition = self.q(f"{prefix}org__path")
        if self.member_ids and not self.unrestricted:
            condition |= Q(**{f"{prefix}pk__in" if prefix else "pk__in": self.member_ids})
        return condition

    def covers_member(self, member: Any) -> bool:
        return member.pk in self.member_ids or self.covers(member.scope_path)

    @property
    def empty(self) -> bool:
        return not self.unrestricted and not self.paths and not self.member_ids


SYSTEM = Scope(paths=(), unrestricted=True)


def _minimal(paths: list[str]) -> tuple[str, ...]:
    kept: list[str] = []
    for path in sorted(set(paths), key=len):
        if path and not any(path.startswith(k) for k in kept):
            kept.append(path)
    return tuple(sorted(kept))


def scope_for(user: Any, ability: str = Ability.VIEW) -> Scope:
    if user is None:
        return SYSTEM
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return Scope(paths=())
    cache: dict[str, Scope] = user.__dict__.setdefault("_dangvu_scopes", {})
    if ability in cache:
        return cache[ability]
    if ability == Ability.MANAGE_ACCOUNTS and user.is_superuser:
        scope = SYSTEM
        cache[ability] = scope
        return scope
    grants = _current_grants(user)
    if ability == Ability.VIEW_SENSITIVE:
        chosen = [g for g in grants if g[0] in SENSITIVE_CAPABLE and g[1]]
    else:
        chosen = [g for g in grants if ability in ROLE_ABILITIES.get(g[0], ())]
    paths = [g[3] for g in chosen]
    before: dict[int, list[str]] = user.__dict__.get("_dangvu_before", {})  # read with them
    for org_id in {g[2] for g in chosen}:
        paths += before.get(org_id, ())
    own: tuple[int, ...] = ()
    if (
        ability in (Ability.VIEW, Ability.VIEW_SENSITIVE)
        and getattr(user, "member_id", None)
        and any(g[0] == Role.MEMBER_SELF for g in grants)
    ):
        own = (user.member_id,)
    scope = Scope(paths=_minimal(paths), member_ids=own)
    cache[ability] = scope
    return scope


# Read on every request (core.prepared: the statement built once per process).
_GRANTS_ON: Prepared[tuple[str, bool, int, str | None]] = Prepared(
    lambda user_id, on: RoleGrant.objects.filter(valid_on(on), user_id=user_id).values_list(
        "role", "sensitive", "org_id", "org__path"
    ),
    int,
    dt.date,
)


def _current_grants(user: Any) -> list[tuple[str, bool, int, str]]:
    """The user's roles in force today, read once per request: (role, sensitive, org id, path).

    With them, in the same statement, the history each grant covers: the organisations merged or
    split into the granted one, and theirs, keep their last paths (DOMAIN.md §10: a report for
    2023 as 2023 was; the organisation as it is now answers for its past). Kept in the user's
    `_dangvu_before` (granted organisation → predecessors' paths). One statement, every request
    asks it: the grants, then the lineage as a second statement cost a round trip on every page
    (issue 28)."""
    cached: list[tuple[str, bool, int, str]] | None = user.__dict__.get("_dangvu_grants")
    if cached is None:
        cached, before = _grants_and_history(user.pk, today())
        user.__dict__["_dangvu_before"] = before
        user.__dict__["_dangvu_grants"] = cached
    return cached


def _grants_and_history(
    user_id: int, on: dt.date
) -> tuple[list[tuple[str, bool, int, str]], dict[int, list[str]]]:
    bound = _GRANTS_ON.statement(user_id, on)
    if bound is None:
        return [], {}
    db, grants_sql, params = bound
    lineage, orgs = Lineage._meta.db_table, Organisation._meta.db_table
    # The grants' own statement (written once, by the ORM) inside; the rest names the models'
    # tables, never input; every value is a parameter.
    statement = (
        f"WITH RECURSIVE g(role, sensitive, org_id, path) AS ({grants_sql}), "  # noqa: S608
        f"before(root, id) AS (SELECT successor_id, predecessor_id FROM {lineage} "
        f"WHERE successor_id IN (SELECT org_id FROM g) UNION SELECT b.root, l.predecessor_id "
        f"FROM {lineage} l JOIN before b ON l.successor_id = b.id) "
        f"SELECT 0, role, sensitive, org_id, path FROM g UNION ALL "
        f"SELECT 1, NULL, NULL, b.root, o.path FROM before b JOIN {orgs} o ON o.id = b.id "
        f"WHERE o.id <> b.root"
    )
    grants: list[tuple[str, bool, int, str]] = []
    before: dict[int, list[str]] = {}
    with planned_cursor(db) as cursor:
        cursor.execute(statement, params)
        for is_before, role, sensitive, org_id, path in cursor.fetchall():
            if is_before:
                if path:
                    before.setdefault(org_id, []).append(path)
            else:
                grants.append((role, bool(sensitive), org_id, path or ""))
    return grants, before


def forget_cached_scope(user: Any) -> None:
    if user is not None:
        user.__dict__.pop("_dangvu_scopes", None)
        user.__dict__.pop("_dangvu_grants", None)
        user.__dict__.pop("_dangvu_before", None)


def require(user: Any, ability: str, path: str | None) -> None:
    """Refuse a record outside what the user may see with 404, saying nothing of it; refuse a
    change the user may see but not make with 403."""
    if not scope_for(user, Ability.VIEW).covers(path):
        raise Http404
    if ability != Ability.VIEW and not scope_for(user, ability).covers(path):
        raise PermissionDenied


def can(user: Any, ability: str, path: str | None) -> bool:
    return scope_for(user, ability).covers(path)


def can_see_sensitive(user: Any, member: Any) -> bool:
    """Whether the user may see this member's sensitive fields unmasked."""
    return scope_for(user, Ability.VIEW_SENSITIVE).covers_member(member)
