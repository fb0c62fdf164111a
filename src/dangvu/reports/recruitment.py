"""New-member development against the year's target, as provinces report it each month, quarter,
half-year, nine months and year (DOMAIN-2.md §6.6): the admissions of the period (the same
`admitted.total` as form 2 and the targets page) as a count and a share of the year's target, for
the organisation and each subordinate committee, ranked; the pipeline's funnel; the breakdowns.
The organisation as it is now answers for a period before it was formed through its predecessors
(reports.indicators.Scope); its subordinates are those of the period's end."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _

from dangvu.core.cached import cached
from dangvu.core.dates import today
from dangvu.orgs.models import Organisation
from dangvu.recruitment.selectors import funnel
from dangvu.reports.indicators import Scope, compute_all
from dangvu.reports.models import AdmissionTarget
from dangvu.tree.selectors import answers_on, children_on, placement_of, subtree_placements

FUNNEL_LABELS = {
    "introduced": _("Introduced (outstanding Union members and people)"),
    "recognised": _("Recognised as candidates"),
    "certified": _("Awareness course certified"),
    "verifying": _("Files under verification at the end"),
    "cell_resolutions": _("Cell resolutions proposing admission"),
    "decisions": _("Admission decisions"),
    "ceremonies": _("Admission ceremonies"),
    "probationers": _("Probationary members at the end"),
    "recognised_official": _("Recognised as official members"),
    "struck_off": _("Probationary members struck off"),
}
BREAKDOWN_LABELS = {
    "women": _("Women"),
    "ethnic_minority": _("Ethnic minority"),
    "religious": _("Religious"),
    "youth": _("Youth (30 or under)"),
    "enterprise": _("Working in enterprises"),
    "students": _("Students and pupils"),
}


def _admitted(org: Organisation, start: dt.date, end: dt.date) -> int:
    if not answers_on(org, end):
        return 0
    return int(compute_all(Scope(org, start, end), ("admitted",))["admitted.total"])


def _subordinates(org: Organisation, on: dt.date) -> list[Organisation]:
    """The organisation's subordinates on a day; before it was formed, those of the organisations
    that became it (the province formed in 2025 answers for 2024 with the old provinces' districts)."""
    if placement_of(org, on) is not None:
        return [p.org for p in children_on(org, on)]
    placements = list(subtree_placements(org, on))
    inside = {p.org_id for p in placements}
    tops = [p for p in placements if p.parent_id not in inside]
    return [p.org for top in tops for p in children_on(top.org, on)]


def progress(org: Organisation, start: dt.date, end: dt.date) -> dict[str, Any]:
    """The period's admissions against the year's target, for the organisation and each
    subordinate (ranked by the share of its target, then the count), with the funnel."""
    on = min(end, today())
    year = start.year
    subordinates = _subordinates(org, on)
    targets = dict(
        AdmissionTarget.objects.filter(org__in=[org, *subordinates], year=year).values_list(
            "org_id", "target"
        )
    )

    def row(o: Organisation) -> dict[str, Any]:
        admitted = _admitted(o, start, on)
        target = targets.get(o.pk)
        return {
            "org": o,
            "code": o.code,
            "name": o.name,
            "admitted": admitted,
            "target": target,
            "share": round(admitted * 100 / target, 2) if target else None,
        }

    rows = [row(o) for o in subordinates]
    rows.sort(key=lambda r: (r["share"] is None, -(r["share"] or 0), -r["admitted"], r["name"]))
    for rank, r in enumerate(rows, start=1):
        r["rank"] = rank
    return {
        "org": org,
        "start": start,
        "end": end,
        "total": row(org),
        "subordinates": rows,
        # Counted once per state of the records (a page opened again, a quarter's report).
        "funnel": cached(
            f"funnel:{org.pk}:{start.isoformat()}:{on.isoformat()}", lambda: funnel(org, start, on)
        ),
    }


def as_json(found: dict[str, Any]) -> dict[str, Any]:
    def plain(r: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in r.items() if k != "org"}

    return {
        "org": found["org"].code,
        "name": found["org"].name,
        "start": found["start"].isoformat(),
        "end": found["end"].isoformat(),
        "total": plain(found["total"]),
        "subordinates": [plain(r) for r in found["subordinates"]],
        "funnel": found["funnel"]["counts"],
        "breakdown": found["funnel"]["breakdown"],
    }
