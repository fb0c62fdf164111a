"""Writes checked against their results (DESIGN.md principle 2, second half).

Services check the actor's scope before they write. As a second, independent line, every write
made for a signed-in user runs inside `checked_write`: the change sets it opens are collected, and
before the transaction commits each record their log entries name is read back through the
restricted querysets. If any landed outside what the actor may change, the whole transaction is
rolled back. A record type without a check (`register_write_check`, by the area that owns it) is
refused: a new kind of record must say how it is scoped before anyone can write it from the web.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from dangvu.accounts.models import Ability, ApiToken, RoleGrant
from dangvu.accounts.scope import Scope, scope_for
from dangvu.core.changes import collecting_change_sets
from dangvu.core.models import ChangeLogEntry

WRITE_ABILITIES = (Ability.MANAGE_MEMBERS, Ability.MANAGE_ORGS, Ability.MANAGE_DISCIPLINE)


class OutOfScopeWrite(PermissionDenied):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def write_scope(user: Any) -> Scope:
    """Everything the user may change by any role (the union of the write abilities)."""
    scopes = [scope_for(user, a) for a in WRITE_ABILITIES]
    if any(s.unrestricted for s in scopes):
        return scopes[0] if scopes[0].unrestricted else Scope(paths=(), unrestricted=True)
    return Scope(paths=tuple(sorted({p for s in scopes for p in s.paths})))


def taken_out(scope: Scope, entries: list[ChangeLogEntry]) -> set[str]:
    """Records taken out (a reverted import): gone, so judged by the path they were filed under."""
    return {
        e.subject_id for e in entries if e.action.endswith(".delete") and scope.covers(e.scope_path)
    }


def _accounts(user: Any, ids: set[str], entries: list[ChangeLogEntry]) -> set[str]:
    """Changes to a user's account: role grants on organisations the actor administers (or, for a
    restructuring, changes), tokens of the actor's own; a new account needs some administration."""
    accounts = scope_for(user, Ability.MANAGE_ACCOUNTS)
    orgs = scope_for(user, Ability.MANAGE_ORGS)
    ok: set[str] = set()
    by_subject: dict[str, list[ChangeLogEntry]] = defaultdict(list)
    for entry in entries:
        by_subject[entry.subject_id].append(entry)
    for subject_id, items in by_subject.items():
        fine = True
        for entry in items:
            if entry.object_type == "accounts.rolegrant":
                grant = RoleGrant.objects.select_related("org").filter(pk=entry.object_id).first()
                path = grant.org.path if grant else None
                fine &= accounts.covers(path) or (entry.action == "role.move" and orgs.covers(path))
            elif entry.object_type == "accounts.apitoken":
                token = ApiToken.objects.filter(pk=entry.object_id).first()
                fine &= token is not None and (
                    token.user_id == getattr(user, "pk", None) or accounts.unrestricted
                )
            elif entry.object_type == "accounts.user":
                fine &= not accounts.empty or subject_id == str(getattr(user, "pk", ""))
            else:
                fine = False
        if fine:
            ok.add(subject_id)
    return ok


# (the user, the ids of the records of one type the change sets name, their entries) -> the ids
# the user may have changed
WriteCheck = Callable[[Any, set[str], list[ChangeLogEntry]], set[str]]
CHECKS: dict[str, WriteCheck] = {"accounts.user": _accounts}


def register_write_check(subject_type: str, check: WriteCheck) -> None:
    """How the records of a type are read back: registered at start-up by the area that owns the
    type (its AppConfig.ready), so that the guard knows no area."""
    CHECKS[subject_type] = check


def problems_of(user: Any, changeset_ids: list[Any]) -> list[str]:
    """The log entries of these change sets whose records lie outside the user's scope."""
    if not changeset_ids:
        return []
    entries = list(ChangeLogEntry.objects.filter(changeset_id__in=changeset_ids))
    by_type: dict[str, list[ChangeLogEntry]] = defaultdict(list)
    for entry in entries:
        by_type[entry.subject_type].append(entry)
    problems: list[str] = []
    for subject_type, items in by_type.items():
        check = CHECKS.get(subject_type)
        ids = {e.subject_id for e in items}
        allowed = check(user, ids, items) if check else set()
        problems += [
            f"{subject_type}:{e.subject_id} ({e.action})"
            for e in items
            if e.subject_id not in allowed
        ]
    return problems


@contextmanager
def checked_write(user: Any) -> Iterator[None]:
    """Run a write for `user` in one transaction that is rolled back, with OutOfScopeWrite, if
    anything it logged lies outside the user's scope when read back."""
    with transaction.atomic(), collecting_change_sets() as opened:
        yield
        problems = problems_of(user, opened)
        if problems:
            raise OutOfScopeWrite(problems)
