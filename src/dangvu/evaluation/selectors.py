"""Reads of the ratings area, through the user's scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dangvu.accounts.models import Ability
from dangvu.accounts.scope import scope_for
from dangvu.orgs.models import SEGMENT_WIDTH, Organisation, Placement, valid_on
from dangvu.rules.organisation import MEMBER_RATING_KINDS


def rates_as_work(user: Any, org: Organisation, day: dt.date) -> bool:
    """Whether the user sees the members' ratings on `org`'s page as the work of rating them,
    without a stated purpose (accounts.privacy: ratings are sensitive): a rating role held on the
    organisation itself (the cell proposes) or on the one that decides its members' ratings — its
    nearest grassroots organisation or commune committee (DOMAIN.md §1.5). An officer of a level
    above, whose area merely covers the cell, says why first, with the permission, like anyone."""
    held = set(scope_for(user, Ability.RATE).paths)
    if not held:
        return False
    place = Placement.objects.filter(valid_on(day), org=org).first()
    if place is None:
        return False
    if place.path in held:
        return True
    above = [place.path[:end] for end in range(SEGMENT_WIDTH, len(place.path), SEGMENT_WIDTH)]
    deciding = (
        Placement.objects.filter(valid_on(day), path__in=above, kind__in=MEMBER_RATING_KINDS)
        .order_by("-path")
        .values_list("path", flat=True)
        .first()
    )
    return deciding is not None and deciding in held
