"""Reads of the reports area: the records behind a figure, and the write guard's read-back of a
report run."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from dangvu.accounts.models import Ability
from dangvu.accounts.scope import scope_for
from dangvu.awards.models import BadgeAward, Commendation
from dangvu.core.models import ChangeLogEntry
from dangvu.evaluation.models import Rating
from dangvu.members.models import MembershipEvent, PartyMember
from dangvu.members.selectors import visible_members
from dangvu.orgs.models import Organisation
from dangvu.reports.models import ReportRun


def written_report_runs(user: Any, ids: set[str], entries: list[ChangeLogEntry]) -> set[str]:
    """A report run, its reviewers, comments and answers: a record of what was printed and said
    about the figures of a subtree the user may see, or of a draft the user was asked to review."""
    scope = scope_for(user, Ability.VIEW)
    ok = set()
    for run in ReportRun.objects.select_related("org").filter(pk__in=[int(i) for i in ids]):
        if (
            scope.covers(run.org.path)
            or run.reviewers.filter(user_id=getattr(user, "pk", 0)).exists()
        ):
            ok.add(str(run.pk))
    return ok


# --- the records behind a figure (the drill-down) ---------------------------------------------
def figure_records(kind: str, ids: list[int], user: Any, on: dt.date) -> list[dict[str, Any]]:

    visible = set(
        visible_members(user)
        .filter(pk__in=figure_member_ids(kind, ids))
        .values_list("pk", flat=True)
    )

    def person(m: Any) -> dict[str, Any]:
        shown = m.pk in visible
        return {
            "member_id": m.pk if shown else None,
            "name": m.person.full_name if shown else _("(not in your scope)"),
        }

    rows: list[dict[str, Any]] = []
    if kind == "member":
        for m in (
            PartyMember.objects.filter(pk__in=ids)
            .select_related("person", "org")
            .order_by("person__sort_key")
        ):
            rows.append(
                {
                    **person(m),
                    "what": m.get_status_display(),
                    "where": m.org.name if m.org else "",
                    "on": m.admission_decision_date,
                }
            )
    elif kind == "event":
        for e in (
            MembershipEvent.objects.filter(pk__in=ids)
            .select_related("member__person", "org", "decision")
            .order_by("on", "id")
        ):
            rows.append(
                {
                    **person(e.member),
                    "what": e.get_kind_display(),
                    "where": e.org.name if e.org else "",
                    "on": e.on,
                    "decision": str(e.decision) if e.decision else "",
                }
            )
    elif kind == "org":
        for o in Organisation.objects.filter(pk__in=ids).order_by("name"):
            rows.append(
                {
                    "org_code": o.code,
                    "name": o.name,
                    "what": o.get_kind_display(),
                    "where": o.get_category_display() if o.category else "",
                    "on": o.established_on,
                }
            )
    elif kind == "rating":
        for r in Rating.objects.filter(pk__in=ids).select_related("member__person", "org", "unit"):
            if r.member_id:
                rows.append(
                    {
                        **person(r.member),
                        "what": r.level,
                        "where": r.unit.name if r.unit else "",
                        "on": r.decided_on,
                    }
                )
            else:
                rows.append(
                    {
                        "org_code": r.org.code,  # type: ignore[union-attr]
                        "name": r.org.name,  # type: ignore[union-attr]
                        "what": r.level,
                        "where": "",
                        "on": r.decided_on,
                    }
                )
    elif kind == "commendation":
        for c in Commendation.objects.filter(pk__in=ids).select_related(
            "member__person", "org", "decision"
        ):
            if c.member_id:
                rows.append(
                    {
                        **person(c.member),
                        "what": c.get_kind_display(),
                        "where": str(c.decision),
                        "on": c.decision.date,
                    }
                )
            else:
                rows.append(
                    {
                        "org_code": c.org.code,  # type: ignore[union-attr]
                        "name": c.org.name,  # type: ignore[union-attr]
                        "what": c.get_kind_display(),
                        "where": str(c.decision),
                        "on": c.decision.date,
                    }
                )
    elif kind == "badge":
        for b in (
            BadgeAward.objects.filter(pk__in=ids)
            .select_related("member__person")
            .order_by("awarded_on")
        ):
            rows.append(
                {
                    **person(b.member),
                    "what": _("%(n)s-year badge") % {"n": b.tier},
                    "where": "",
                    "on": b.awarded_on,
                }
            )
    return rows


def figure_member_ids(kind: str, ids: list[int]) -> Any:

    if kind == "member":
        return ids
    model: Any = {
        "event": MembershipEvent,
        "rating": Rating,
        "commendation": Commendation,
        "badge": BadgeAward,
    }.get(kind)
    if model is None:
        return []
    return model.objects.filter(pk__in=ids, member__isnull=False).values("member_id")
