"""What cell life and dues put on the work lists (members.extensions): members who missed the
meetings of three months this year without a reason, or did not pay three months' dues — the ground
"abandoned party activity" of a removal (Điều lệ Điều 8 khoản 1, DOMAIN.md §4.7), which the item
opens in the lifecycle's one removal form —; members absent with a reason more than three times in
a row (HD 12); and the cells that held no regular meeting last month."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangvu.activities import selectors
from dangvu.activities.models import Meeting, MeetingPlan
from dangvu.members import extensions
from dangvu.members.models import PartyMember
from dangvu.members.worklists import Item
from dangvu.orgs.models import Organisation
from dangvu.rules import activities as rules
from dangvu.rules import dues as dues_rules


def removal_url(member_id: int) -> str:
    """The lifecycle's removal form with the ground chosen (members.event_views: ?ground=)."""
    return reverse("members:event", args=[member_id, "removal"]) + "?ground=abandoned_activity"


def _members(ids: list[int]) -> dict[int, PartyMember]:
    return {m.pk: m for m in PartyMember.objects.filter(pk__in=ids).select_related("person", "org")}


def absent_three_months(member_ids: Any, day: dt.date, horizon: dt.date) -> list[Item]:
    found = {
        m: months
        for m, months in selectors.absent_months_of(member_ids, day.year).items()
        if len(months) >= rules.MONTHS_ABSENT_FOR_REMOVAL
    }
    members = _members(list(found))
    return [
        Item(
            members[m],
            dt.date(day.year, months[rules.MONTHS_ABSENT_FOR_REMOVAL - 1], 1),
            True,
            note=_("Absent without a reason in months %(months)s; removal may be proposed")
            % {"months": ", ".join(str(x) for x in months)},
            url=removal_url(m),
        )
        for m, months in found.items()
    ]


def unpaid_three_months(member_ids: Any, day: dt.date, horizon: dt.date) -> list[Item]:
    found = {
        m: months
        for m, months in selectors.unpaid_of(member_ids, day.year, day).items()
        if len(months) >= dues_rules.UNPAID_MONTHS_FOR_REMOVAL
    }
    members = _members(list(found))
    return [
        Item(
            members[m],
            months[dues_rules.UNPAID_MONTHS_FOR_REMOVAL - 1],
            True,
            note=_("Dues not paid for months %(months)s; removal may be proposed")
            % {"months": ", ".join(f"{x.month:02d}/{x.year}" for x in months)},
            url=removal_url(m),
        )
        for m, months in found.items()
    ]


def excused_too_often(member_ids: Any, day: dt.date, horizon: dt.date) -> list[Item]:
    runs = selectors.excused_runs_of(member_ids, day.year)
    members = _members(list(runs))
    return [
        Item(
            members[m],
            day,
            False,
            note=_("Absent with a reason %(count)s times in a row this year") % {"count": n},
        )
        for m, n in runs.items()
    ]


def cells_without_meeting(user: Any, org: Any, day: dt.date, horizon: dt.date) -> list[Item]:
    """The cells under the organisation that held no regular meeting last month — among those
    that keep their meetings in dangvu (a plan for the year, or a meeting in the last twelve
    months): a province that has not started recording them is not told every cell is late."""
    last = dues_rules.previous_month(dues_rules.month_start(day))
    found = selectors.coverage(org, last, last, day)
    late = [c.org for c in found.late]
    places = Organisation.objects.in_bulk(late)
    keeping = set(
        MeetingPlan.objects.filter(org_id__in=late, year=last.year).values_list("org_id", flat=True)
    ) | set(
        Meeting.objects.filter(
            org_id__in=late, held_on__gte=dues_rules.add_months(last, -12)
        ).values_list("org_id", flat=True)
    )
    return [
        Item(
            None,
            last,
            True,
            note=_("No regular meeting in %(month)s") % {"month": f"{last.month:02d}/{last.year}"},
            name=c.name,
            url=reverse("activities:org", args=[c.code]) if c.code else "",
            place=places.get(c.org),
        )
        for c in found.late
        if c.org in keeping
    ]


def register() -> None:
    extensions.register_work_list(
        "absent_three_months",
        gettext_lazy("Absent from meetings three months this year without a reason"),
        absent_three_months,
    )
    extensions.register_work_list(
        "dues_unpaid_three_months",
        gettext_lazy("Dues not paid for three months this year"),
        unpaid_three_months,
    )
    extensions.register_work_list(
        "absent_with_reason",
        gettext_lazy("Absent with a reason more than three times in a row"),
        excused_too_often,
    )
    extensions.register_org_work_list(
        "cells_without_meeting",
        gettext_lazy("Cells that held no regular meeting last month"),
        cells_without_meeting,
    )
