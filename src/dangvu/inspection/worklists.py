"""What is late or due in inspection work (issue 27 point 6), on the working-day calendar: the
denunciations to resolve by their deadline (extensions included), the complaints waiting, the
cases not yet concluded, the state bodies' notices received after their 5 days. An organisation's
list covers its own and its lower levels' work, so the superior sees what its inspection
committees let slip."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from dangvu.core.calendar import Calendar, working_days_between
from dangvu.inspection.models import Case, Complaint, Denunciation, StateNotice
from dangvu.orgs.models import Organisation
from dangvu.rules import inspection as rules
from dangvu.tree.selectors import lineage_intervals

SOON_WORKING_DAYS = 10


@dataclass
class Due:
    what: str
    label: str
    org: str
    due_on: dt.date | None
    late: bool
    url_name: str
    pk: int
    note: str = ""


def late_items(org: Organisation, day: dt.date) -> list[Due]:
    # The organisations that count as part of it, its predecessors included: what a merged
    # committee inherited is still due.
    ids = list(lineage_intervals(org))
    calendar = Calendar()
    soon = calendar.add_working_days(day, SOON_WORKING_DAYS)
    items: list[Due] = []
    for d in Denunciation.objects.filter(
        org_id__in=ids,
        admissibility=rules.ADMISSIBLE,
        congress_period=False,
        resolved_on__isnull=True,
        due_on__isnull=False,
    ).select_related("org"):
        assert d.due_on is not None
        if d.due_on <= soon:
            items.append(
                Due(
                    "denunciation",
                    str(d),
                    d.org.name,
                    d.due_on,
                    d.due_on < day,
                    "inspection:denunciation",
                    d.pk,
                    "" if d.limit_confirmed else str(_("time limit UNCONFIRMED")),
                )
            )
    for c in Complaint.objects.filter(org_id__in=ids, outcome="").select_related("org"):
        # The time to resolve a complaint is not found either (DOMAIN-2.md §1.7: UNCONFIRMED).
        items.append(
            Due(
                "complaint",
                str(c),
                c.org.name,
                None,
                False,
                "inspection:complaint",
                c.pk,
                _("filed %(days)s working days ago")
                % {"days": working_days_between(c.filed_on, day)},
            )
        )
    for case in Case.objects.filter(org_id__in=ids, concluded_on__isnull=True).select_related(
        "org"
    ):
        items.append(
            Due(
                "case",
                str(case),
                case.org.name,
                None,
                False,
                "inspection:case",
                case.pk,
                # No time limit for a team's work was found (DOMAIN-2.md §1.7: UNCONFIRMED): the
                # list says how long the case has been open, on the working-day calendar.
                _("%(kind)s; open %(days)s working days")
                % {
                    "kind": rules.CASE_KIND_LABELS[case.kind],
                    "days": working_days_between(case.opened_on, day),
                },
            )
        )
    for n in StateNotice.objects.filter(
        org_id__in=ids, received_on__gte=day - dt.timedelta(days=365)
    ).select_related("org"):
        if n.late:
            items.append(Due("notice", str(n), n.org.name, n.due_on, True, "", n.pk, n.sender))
    items.sort(key=lambda i: (not i.late, i.due_on or dt.date.max, i.label))
    return items


def counts(items: list[Any]) -> dict[str, int]:
    return {"late": sum(1 for i in items if i.late), "all": len(items)}
