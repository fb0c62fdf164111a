"""The recruitment's deadlines in the work lists (members.extensions): the member form due after
the ceremony. The decision awaited is listed on the recruitment pages (a candidate is not a member
yet)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _

from dangvu.core.calendar import Calendar
from dangvu.members import extensions
from dangvu.members.worklists import Item
from dangvu.recruitment.models import Candidate
from dangvu.rules import recruitment as rules


def member_form_due(ids: Any, day: dt.date, horizon: dt.date) -> list[Any]:
    """New members admitted through a candidate's file whose member form is not recorded: due 30
    working days after the ceremony (HD 12-HD/BTCTW 2022, UNCONFIRMED)."""
    calendar = Calendar()
    items = []
    for candidate in Candidate.objects.filter(
        member_id__in=ids, member_form_on__isnull=True, member__ceremony_date__isnull=False
    ).select_related("member__person", "member__org"):
        member = candidate.member
        assert member is not None and member.ceremony_date is not None
        due = calendar.add_working_days(member.ceremony_date, rules.MEMBER_FORM_WORKING_DAYS)
        if due <= horizon:
            items.append(Item(member, due, day > due))
    return items


def register() -> None:
    extensions.register_work_list(
        "member_form", _("Member forms due after the ceremony"), member_form_due
    )
