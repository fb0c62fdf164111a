"""Commendation candidates and the badges due, for an organisation's subtree (read-only)."""

from __future__ import annotations

import datetime as dt
import re

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from dangvu.awards.services import badges_due, five_year_candidates
from dangvu.core.dates import in_range, today
from dangvu.core.errors import RuleError
from dangvu.rules.awards import AWARD_DAYS, STREAKS_CARRY_THROUGH_RESTRUCTURING
from dangvu.tree.selectors import get_org


def next_award_day(on: dt.date) -> dt.date:
    days = [dt.date(y, m, d) for y in (on.year, on.year + 1) for m, d in AWARD_DAYS]
    return next(day for day in days if day >= on)


def org_awards(request: HttpRequest, code: str) -> HttpResponse:
    org = get_org(request.user, code)
    now = today()
    last = now.year - 1
    period = request.GET.get("period", f"{last - 4}-{last}")
    match = re.fullmatch(r"\s*(\d{4})\s*-\s*(\d{4})\s*", period)
    problems = []
    first, last = (int(match[1]), int(match[2])) if match else (last - 4, last)
    if not match:
        problems.append(_("Write the period as 2019-2023."))
    try:
        day = dt.datetime.strptime(request.GET.get("ngay", ""), "%d/%m/%Y").date()
        if not in_range(day):
            raise ValueError
    except ValueError:
        day = next_award_day(now)
    try:
        found = five_year_candidates(org, first, last, request.user)
    except RuleError as exc:
        problems += [m for ms in exc.message_dict.values() for m in ms]
        found = {"members": [], "organisations": [], "successors": []}
    years = [str(y) for y in range(first, last + 1)]
    for entry in found["successors"]:  # levels in the years' order, for the table
        entry["levels"] = [entry["ratings"].get(y, "") for y in years]
        for p in entry["predecessors"]:
            p["levels"] = [p["ratings"].get(y, "") for y in years]
    return render(
        request,
        "awards/org.html",
        {
            "org": org,
            "first": first,
            "last": last,
            "found": found,
            "day": day,
            "badges": badges_due(org, day, request.user),
            "problems": problems,
            "years": years,
            "carry_through": STREAKS_CARRY_THROUGH_RESTRUCTURING,
        },
    )
