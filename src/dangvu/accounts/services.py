"""Accounts and roles: every change logged like any other record."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from dangvu.accounts.models import Role, RoleGrant, User
from dangvu.accounts.scope import forget_cached_scope
from dangvu.core.changes import log_entry, open_change_set
from dangvu.core.errors import RuleError
from dangvu.core.models import ChangeSet
from dangvu.orgs.models import Organisation


@transaction.atomic
def user_create(
    *, username: str, full_name: str, password: str, actor: Any, account_admin: bool = False
) -> User:
    family, _sep, given = full_name.strip().rpartition(" ")
    user = User(
        username=username,
        first_name=given or family,
        last_name=family if given else "",
        is_superuser=account_admin,
        is_staff=account_admin,
    )
    validate_password(password, user)
    user.set_password(password)
    user.save()
    cs = open_change_set(
        actor=actor, source=ChangeSet.Source.CLI if actor is None else ChangeSet.Source.WEB
    )
    log_entry(
        cs,
        action="account.create",
        obj=user,
        after={"username": username, "full_name": full_name, "account_admin": account_admin},
    )
    return user


@transaction.atomic
def grant_role(
    *,
    user: User,
    org: Organisation,
    role: str,
    valid_from: dt.date,
    actor: Any,
    valid_to: dt.date | None = None,
) -> RoleGrant:
    if role not in Role.values:
        raise RuleError("Unknown role", field="role")
    if valid_to is not None and valid_to <= valid_from:
        raise RuleError("The end of the role must come after its start", field="valid_to")
    grant = RoleGrant.objects.create(
        user=user, org=org, role=role, valid_from=valid_from, valid_to=valid_to
    )
    cs = open_change_set(
        actor=actor, source=ChangeSet.Source.CLI if actor is None else ChangeSet.Source.WEB
    )
    log_entry(
        cs,
        action="role.grant",
        obj=grant,
        subject=user,
        after={"org": org.code, "role": role, "valid_from": valid_from, "valid_to": valid_to},
    )
    forget_cached_scope(user)
    return grant
