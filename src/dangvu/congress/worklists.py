"""The committees' loose ends in the work lists (members.extensions): a committee member who is
no longer a member of the organisation (transferred, died, expelled, removed) still holds the
seat until the officer records that they left it, with the reason (DOMAIN-2.md §5.1)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dangvu.congress.models import Seat
from dangvu.members import extensions
from dangvu.members.models import MembershipPeriod
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
        .only("org__path", "org__name", "org__code", "body", "member__person__full_name")
    )
    if not seats:
        return []
    ends: dict[int, list[tuple[dt.date, dt.date | None, str]]] = {}
    for member_id, start, end, path in MembershipPeriod.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=min(s.since for s in seats)),
        temporary=False,
        member_id__in={s.member_id for s in seats},
    ).values_list("member_id", "valid_from", "valid_to", "org__path"):
        ends.setdefault(member_id, []).append((start, end, path))
    items = []
    for seat in seats:
        periods = ends.get(seat.member_id, [])
        low, high = subtree_range(seat.org.path)
        inside = [p for p in periods if low <= p[2] < high]
        if any(p[1] is None or p[1] > day for p in inside):
            continue
        left = max((p[1] for p in inside if p[1] is not None), default=seat.since)
        if left > horizon:
            continue
        items.append(
            Item(
                None,
                left,
                True,
                note=str(BODY_LABELS[seat.body]),
                name=seat.member.person.full_name,
                url=reverse("congress:org", args=[seat.org.code]),
                place=seat.org,
            )
        )
    return items


def register() -> None:
    extensions.register_org_work_list(
        "seats_left_behind", _("Committee members who left the organisation"), seats_left_behind
    )
