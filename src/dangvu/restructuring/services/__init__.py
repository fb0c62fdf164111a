"""Restructuring operations and plans (DOMAIN.md §10): each operation moves the organisations, the
members' memberships and the roles concerned, records lineage, and is all-or-nothing; a plan is
checked (every problem at once), previewed, applied as one change set, and reverted as one."""

from __future__ import annotations

from dangvu.restructuring.services.applying import (
    _apply,
    _effects,
    _marks,
    _recache,
    plan_apply,
    plan_revert,
    revert_problems,
)
from dangvu.restructuring.services.checking import (
    _orphans,
    _run_operations,
    _static_problems,
    _Trial,
    plan_check,
    plan_preview,
)
from dangvu.restructuring.services.operations import (
    HANDLERS,
    TRACKED,
    PlanRefused,
    Problem,
    _dissolve,
    _move_children,
    _move_grants,
    _reassign_members,
    _Run,
    op_change_kind,
    op_create,
    op_dissolve,
    op_merge,
    op_move,
    op_rename,
    op_split,
)
from dangvu.restructuring.services.plans import (
    PHASE,
    _outside_problems,
    order_operations,
    plan_create,
    plan_from_rows,
)

__all__ = [
    "HANDLERS",
    "PHASE",
    "TRACKED",
    "PlanRefused",
    "Problem",
    "_Run",
    "_Trial",
    "_apply",
    "_dissolve",
    "_effects",
    "_marks",
    "_move_children",
    "_move_grants",
    "_orphans",
    "_outside_problems",
    "_reassign_members",
    "_recache",
    "_run_operations",
    "_static_problems",
    "op_change_kind",
    "op_create",
    "op_dissolve",
    "op_merge",
    "op_move",
    "op_rename",
    "op_split",
    "order_operations",
    "plan_apply",
    "plan_check",
    "plan_create",
    "plan_from_rows",
    "plan_preview",
    "plan_revert",
    "revert_problems",
]
