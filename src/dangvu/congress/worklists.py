"""The committees' loose ends in the work lists (members.extensions): a committee member who is
no longer a member of the organisation (transferred, died, expelled, removed) still holds the
seat until the officer records that they left it, with the reason (DOMAIN-2.md §5.1)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dangvu.congress.models import Seat
from dangvu.congress.selectors import left_behind
from dangvu.members import extensions
from dangvu.members.worklists import Item
from dangvu.orgs.models import subtree_range
from dangvu.rules import congress as rules

BODY_LABELS = dict(rules.BODIES)


def seats_left_behind(user: Any, org: Any, day: dt.date, horizon: dt.date) -> list[Any]:
    """Seats held by someone no longer in the seat's organisation, due from the day they left."""
    low, high = subtree_range(org.path)
    seats = list(
        Seat.objects.filter(until__isnull=True, org__path__gte=low, org__path__lt=high)
        .select_related("org", "member__person")
        .only(
            "since",
            "body",
            "member_id",
            "org__path",
            "org__name",
            "org__code",
            "member__person__full_name",
        )
    )
    return [
        Item(
            None,
            left,
            True,
            note=str(BODY_LABELS[seat.body]),
            name=seat.member.person.full_name,
            url=reverse("congress:org", args=[seat.org.code]),
            place=seat.org,
        )
        for seat, left in left_behind(seats, day)
        if left <= horizon
    ]


def register() -> None:
    extensions.register_org_work_list(
        "seats_left_behind", _("Committee members who left the organisation"), seats_left_behind
    )
