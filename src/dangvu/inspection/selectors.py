"""The inspection sector's figures for an organisation and a period (issue 27 point 7; DOMAIN-2.md
§1.9): cases opened by kind, their objects (organisations, members, of which committee members),
conclusions with violations, discipline required and done (by form), supervisions passed to an
inspection on signs of violation, denunciations and complaints — each beside the same period last
year. An organisation answers for the cases of the organisations that counted as part of it on
the day (its predecessors before it was formed: tree.selectors.lineage_intervals)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from dangvu.inspection.models import Case, Complaint, Denunciation
from dangvu.orgs.models import Organisation
from dangvu.rules import inspection as rules
from dangvu.tree.selectors import Periods, lineage_intervals


def parse_period(text: str) -> tuple[str, dt.date, dt.date]:
    """ "2025" (year), "q1/2025", "6m/2025", "9m/2025", "03/2025" (month) or "2020-2025" (term):
    the kind and the first and last days. ValueError otherwise."""
    value = text.strip().lower()
    if "-" in value:
        first, last = (int(p) for p in value.split("-", 1))
        if not 2000 <= first <= last <= first + 5:
            raise ValueError(text)
        return rules.TERM, *rules.period_bounds(rules.TERM, first, last_year=last)
    if "/" in value:
        head, year_text = value.split("/", 1)
        year = int(year_text)
        kinds = {"q1": rules.Q1, "6m": rules.HALF, "9m": rules.NINE}
        if head in kinds:
            return kinds[head], *rules.period_bounds(kinds[head], year)
        month = int(head)
        if not 1 <= month <= 12:
            raise ValueError(text)
        return rules.MONTH, *rules.period_bounds(rules.MONTH, year, month)
    year = int(value)
    if not 2000 <= year <= 2100:
        raise ValueError(text)
    return rules.YEAR, *rules.period_bounds(rules.YEAR, year)


def _counts(periods: list[tuple[dt.date, dt.date | None]], day: dt.date | None) -> bool:
    return day is not None and any(
        start <= day and (end is None or day < end) for start, end in periods
    )


@dataclass
class Figures:
    first: dt.date
    last: dt.date
    values: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, Any]:
        return {"from": self.first.isoformat(), "to": self.last.isoformat(), **dict(self.values)}


def _between(day: dt.date | None, first: dt.date, last: dt.date) -> bool:
    return day is not None and first <= day <= last


def _figures(intervals: dict[int, Periods], first: dt.date, last: dt.date) -> Figures:
    out = Figures(first, last)
    v = out.values
    cases = Case.objects.filter(org_id__in=intervals).select_related("discipline")
    for case in cases.iterator():
        periods = intervals[case.org_id]
        who = "member" if case.object_member_id else "org"
        if _between(case.opened_on, first, last) and _counts(periods, case.opened_on):
            v[f"opened.{case.kind}.{who}"] += 1
            v[f"opened.{who}"] += 1
            if case.committee_member and who == "member":
                v[f"opened.{case.kind}.committee_member"] += 1
            if case.from_supervision_id:
                v["supervision_to_signs"] += 1
        if _between(case.concluded_on, first, last) and _counts(periods, case.concluded_on):
            v[f"concluded.{case.kind}.{who}"] += 1
            if case.degree in rules.VIOLATING:
                v[f"violating.{case.kind}.{who}"] += 1
                v[f"violating.{who}"] += 1
            if case.degree in rules.DISCIPLINE_REQUIRED:
                v[f"discipline_required.{who}"] += 1
        record = case.discipline
        if (
            record is not None
            and _between(record.announced_on, first, last)
            and _counts(periods, record.announced_on)
        ):
            v[f"disciplined.{who}"] += 1
            v[f"disciplined.{who}.{record.form}"] += 1
    for d in Denunciation.objects.filter(org_id__in=intervals).iterator():
        periods = intervals[d.org_id]
        if _between(d.received_on, first, last) and _counts(periods, d.received_on):
            v["denunciations.received"] += 1
            v[f"denunciations.{d.admissibility}"] += 1
            if d.congress_period:
                v["denunciations.congress_period"] += 1
        if _between(d.resolved_on, first, last) and _counts(periods, d.resolved_on):
            v["denunciations.resolved"] += 1
            v[f"denunciations.{d.founded}"] += 1
    for c in Complaint.objects.filter(org_id__in=intervals).iterator():
        periods = intervals[c.org_id]
        if _between(c.filed_on, first, last) and _counts(periods, c.filed_on):
            v["complaints.received"] += 1
        if _between(c.resolved_on, first, last) and _counts(periods, c.resolved_on):
            v["complaints.resolved"] += 1
            v[f"complaints.{c.outcome}"] += 1
    return out


def statistics(org: Organisation, first: dt.date, last: dt.date) -> dict[str, Any]:
    """The figures of the period and of the same period last year, for the command, the page and
    the XLSX (the caller has checked the inspection role: these figures open confidential
    records)."""
    intervals = lineage_intervals(org)
    before = rules.same_period_last_year(first, last)
    return {
        "period": _figures(intervals, first, last).as_dict(),
        "last_year": _figures(intervals, *before).as_dict(),
    }
