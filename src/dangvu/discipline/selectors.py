"""Reads of discipline decisions: in force on a day, ending soon. Later issues read these."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from dangvu.discipline.models import DisciplineDecision


def in_force_on(day: dt.date) -> QuerySet[DisciplineDecision]:
    return DisciplineDecision.objects.filter(
        Q(effect_until__isnull=True) | Q(effect_until__gt=day), announced_on__lte=day
    )


def member_under_discipline(member_id: int, day: dt.date) -> bool:
    return in_force_on(day).filter(member_id=member_id).exists()
