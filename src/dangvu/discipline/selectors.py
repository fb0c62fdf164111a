"""Reads of discipline decisions: in force on a day, a member's, ending soon (the member page and the work
lists show the last two: discipline.apps registers them with members.extensions)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from dangvu.discipline.models import DisciplineDecision
from dangvu.members.models import PartyMember
from dangvu.members.worklists import Item


def in_force_on(day: dt.date) -> QuerySet[DisciplineDecision]:
    return DisciplineDecision.objects.filter(
        Q(effect_until__isnull=True) | Q(effect_until__gt=day), announced_on__lte=day
    )


def member_under_discipline(member_id: int, day: dt.date) -> bool:
    return in_force_on(day).filter(member_id=member_id).exists()


def decisions_of(member: PartyMember) -> QuerySet[DisciplineDecision]:
    """The member page's discipline section (shown only when sensitive data is revealed)."""
    return DisciplineDecision.objects.filter(member=member).select_related("decision")


def ending_between(ids: Any, day: dt.date, horizon: dt.date) -> list[Item]:
    """The work list of the decisions in force on `day` whose effect ends by `horizon`."""
    items = []
    for d in DisciplineDecision.objects.filter(
        Q(effect_until__gt=day) & Q(effect_until__lte=horizon), member_id__in=ids
    ).select_related("member__person", "member__org"):
        assert d.member is not None and d.effect_until is not None
        items.append(Item(d.member, d.effect_until, False, note=d.get_form_display()))
    return items
