from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from dangvu.accounts.models import Ability
from dangvu.accounts.scope import scope_for


def nav(request: HttpRequest) -> dict[str, Any]:
    """What the menu offers: the logs to auditors, roles to account administrators."""

    def flags() -> dict[str, bool]:
        user = getattr(request, "user", None)
        return {
            "audit": not scope_for(user, Ability.AUDIT).empty,
            "accounts": not scope_for(user, Ability.MANAGE_ACCOUNTS).empty,
            "records": not scope_for(user, Ability.VIEW).empty,
            "restructure": not scope_for(user, Ability.MANAGE_ORGS).empty,
            "inspect": not scope_for(user, Ability.INSPECT).empty,
            "imports": not scope_for(user, Ability.MANAGE_MEMBERS).empty
            or not scope_for(user, Ability.MANAGE_ORGS).empty,
        }

    return {"can": SimpleLazyObject(flags)}
