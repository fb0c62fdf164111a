"""The recruitment's deadlines in the work lists (members.extensions): the member form due after
the ceremony. The decision awaited is listed on the recruitment pages (a candidate is not a member
yet)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dangvu.core.calendar import Calendar
from dangvu.members import extensions
from dangvu.members.worklists import Item
from dangvu.recruitment.models import Candidate
from dangvu.recruitment.selectors import candidates_of, decision_due
from dangvu.rules import recruitment as rules


def member_form_due(ids: Any, day: dt.date, horizon: dt.date) -> list[Any]:
    """New members admitted through a candidate's file whose member form is not recorded: due 30
    working days after the ceremony (HD 12-HD/BTCTW 2022, UNCONFIRMED)."""
    calendar = Calendar()
    items = []
    for candidate in (
        Candidate.objects.filter(
            member_id__in=ids, member_form_on__isnull=True, member__ceremony_date__isnull=False
        )
        .select_related("member__person", "member__org")
        .only(
            "member__ceremony_date",
            "member__person__full_name",
            "member__org__name",
            "member__org__code",
        )
    ):
        member = candidate.member
        assert member is not None and member.ceremony_date is not None
        due = calendar.add_working_days(member.ceremony_date, rules.MEMBER_FORM_WORKING_DAYS)
        if due <= horizon:
            items.append(Item(member, due, day > due))
    return items


def decision_awaited(user: Any, org: Any, day: dt.date, horizon: dt.date) -> list[Any]:
    """Files whose proposal the competent committee received: its decision is due 60 working days
    later, with any extension (DOMAIN-2.md §6.5)."""
    calendar = Calendar()
    items = []
    for c in (
        candidates_of(user, org)
        .filter(status=Candidate.Status.OPEN, sent_up_on__isnull=False)
        .only("sent_up_on", "extension_days", "person__full_name", "cell__name", "cell__code")
    ):
        due = decision_due(c, calendar)
        if due is not None and due <= horizon:
            items.append(
                Item(
                    None,
                    due,
                    day > due,
                    name=c.person.full_name,
                    url=reverse("recruitment:file", args=[c.pk]),
                    place=c.cell,
                )
            )
    return items


def register() -> None:
    extensions.register_org_work_list(
        "decision_awaited", _("Admission decisions awaited"), decision_awaited
    )
    extensions.register_work_list(
        "member_form", _("Member forms due after the ceremony"), member_form_due
    )
