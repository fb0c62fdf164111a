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

_counts: list[SubtreeCounts] = []
_panels: list[OrgPanel] = []


def register_subtree_counts(counts: SubtreeCounts) -> None:
    _counts[:] = [counts]


def register_org_panel(panel: OrgPanel) -> None:
    if panel not in _panels:
        _panels.append(panel)


def subtree_counts(org: Organisation, day: dt.date) -> dict[int, int]:
    return _counts[0](org, day) if _counts else {}


def org_panels(user: Any, org: Organisation, day: dt.date) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for panel in _panels:
        context.update(panel(user, org, day))
    return context
