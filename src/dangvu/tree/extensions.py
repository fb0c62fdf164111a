"""What the tree's pages show of the areas above the tree, registered at start-up by those areas (their
AppConfig.ready): `members` gives the member counts of a subtree and the organisation page's roll. The tree
knows no area; with nothing registered its pages show the tree alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from dangvu.orgs.models import Organisation

# (the organisation, the day) -> {organisation id: members in its subtree}, for it and its children
SubtreeCounts = Callable[[Organisation, dt.date], dict[int, int]]
# (the user, the organisation, the day) -> what the organisation page adds to its context
OrgPanel = Callable[[Any, Organisation, dt.date], dict[str, Any]]

# (the ids of organisations whose path now starts under another province) -> None
Rerooted = Callable[[list[int]], None]

_counts: list[SubtreeCounts] = []
_panels: list[OrgPanel] = []
_rerooted: list[Rerooted] = []


def register_subtree_counts(counts: SubtreeCounts) -> None:
    _counts[:] = [counts]


def register_org_panel(panel: OrgPanel) -> None:
    if panel not in _panels:
        _panels.append(panel)


def register_rerooted(hook: Rerooted) -> None:
    """Called, inside the move's transaction, with the organisations a move took to another
    province (what the areas keep by province, as members' search keys, follows)."""
    if hook not in _rerooted:
        _rerooted.append(hook)


def rerooted(org_ids: list[int]) -> None:
    if org_ids:
        for hook in _rerooted:
            hook(org_ids)


def subtree_counts(org: Organisation, day: dt.date) -> dict[int, int]:
    return _counts[0](org, day) if _counts else {}


def org_panels(user: Any, org: Organisation, day: dt.date) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for panel in _panels:
        context.update(panel(user, org, day))
    return context
