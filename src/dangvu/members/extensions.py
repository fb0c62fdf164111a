"""What the member pages show of the areas above `members`, registered at start-up by those areas
(their AppConfig.ready): `discipline` gives the member page's discipline section and the work list of
decisions ending. `members` knows no area above it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from dangvu.members.models import PartyMember

# (the member) -> the rows of a section of the member page shown only when sensitive data is
# revealed (accounts.privacy: SENSITIVE_SECTIONS)
MemberSection = Callable[[PartyMember], Any]
# (the ids of the members in the list, the day, the horizon) -> the items due, as
# members.worklists.Item
# (member ids — a list or a subquery —, the day, the horizon) -> the items due
WorkList = Callable[[Any, dt.date, dt.date], list[Any]]

# (the user, the organisation, the day, the horizon) -> the items due of records that are not
# members yet (a candidate's file awaiting its decision), as members.worklists.Item
OrgWorkList = Callable[[Any, Any, dt.date, dt.date], list[Any]]

_sections: dict[str, MemberSection] = {}
_org_work_lists: dict[str, tuple[Any, OrgWorkList]] = {}
_work_lists: dict[str, tuple[Any, WorkList]] = {}
_sensitive_lists: set[str] = set()


def register_member_section(name: str, rows: MemberSection) -> None:
    _sections[name] = rows


def register_work_list(key: str, label: Any, items: WorkList, *, sensitive: bool = False) -> None:
    """`sensitive`: the list tells of sensitive data (discipline): shown only to a user with the
    permission over the organisation, and the reading logged."""
    _work_lists[key] = (label, items)
    if sensitive:
        _sensitive_lists.add(key)


def is_sensitive_list(key: str) -> bool:
    return key in _sensitive_lists


def member_sections(member: PartyMember) -> dict[str, Any]:
    return {name: rows(member) for name, rows in _sections.items()}


def work_lists() -> dict[str, tuple[Any, WorkList]]:
    return dict(_work_lists)


def register_org_work_list(key: str, label: Any, items: OrgWorkList) -> None:
    """A work list of an area's own records in the user's view of the organisation."""
    _org_work_lists[key] = (label, items)


def org_work_lists() -> dict[str, tuple[Any, OrgWorkList]]:
    return dict(_org_work_lists)
