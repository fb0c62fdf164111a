"""Reads of the restructuring area, through the user's scope."""

from __future__ import annotations

from typing import Any

from dangvu.accounts.models import Ability
from dangvu.accounts.scope import scope_for
from dangvu.core.models import ChangeLogEntry


def written_plans(user: Any, ids: set[str], entries: list[ChangeLogEntry]) -> set[str]:
    # The plan's own entry says it was applied; each organisation and member it changed has its
    # own entry, read back above. The plan needs a scope to change organisations in.
    return ids if not scope_for(user, Ability.MANAGE_ORGS).empty else set()
