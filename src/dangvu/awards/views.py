"""Commendation candidates and the badges due, for an organisation's subtree — and the decisions
recorded from them (issue 23, point 6): the members (and organisations) chosen from the list, one
decision, every one checked by the service and all or nothing recorded."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from dangvu.accounts.models import Ability
from dangvu.accounts.scope import can
from dangvu.awards.models import Commendation
from dangvu.awards.services import (
    badge_record,
    badges_due,
    commendation_record,
    five_year_candidates,
)
from dangvu.core.changes import get_or_create_decision
from dangvu.core.dates import in_range, today
from dangvu.core.errors import RuleError
from dangvu.core.forms import parse_day
from dangvu.members.selectors import visible_members
from dangvu.orgs.models import Organisation
from dangvu.rules.awards import AWARD_DAYS, STREAKS_CARRY_THROUGH_RESTRUCTURING
from dangvu.tree.selectors import get_org, visible_orgs

PAGE = 100  # rows of a list on one page; the proposal lists (exports) hold them all


def next_award_day(on: dt.date) -> dt.date:
    days = [dt.date(y, m, d) for y in (on.year, on.year + 1) for m, d in AWARD_DAYS]
    return next(day for day in days if day >= on)


def period_and_day(request: HttpRequest) -> tuple[int, int, dt.date, list[str]]:
    """The period of the five-year commendation and the award day asked, with what was wrong."""
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
    return first, last, day, problems


def candidates(org: Organisation, first: int, last: int, user: Any) -> tuple[dict, list[str]]:
    try:
        return five_year_candidates(org, first, last, user), []
    except RuleError as exc:
        problems = [m for ms in exc.message_dict.values() for m in ms]
        return {"members": [], "organisations": [], "successors": []}, problems


def org_awards(request: HttpRequest, code: str) -> HttpResponse:
    org = get_org(request.user, code)
    first, last, day, problems = period_and_day(request)
    may_record = can(request.user, Ability.MANAGE_MEMBERS, org.path)
    errors: list[str] = []
    if request.method == "POST" and may_record:
        action = request.POST.get("action")
        try:
            with transaction.atomic():
                if action == "badges":
                    done = _record_badges(request, day)
                elif action == "commend":
                    done = _record_commendations(request, org, first, last)
                else:
                    done = 0
        except ValidationError as exc:
            errors = (
                [m for ms in exc.message_dict.values() for m in ms]
                if hasattr(exc, "error_dict")
                else exc.messages
            )
        else:
            if done:
                messages.success(request, _("%(n)s decisions recorded.") % {"n": done})
                return redirect(request.get_full_path())
            errors = [_("Choose at least one from the list.")]
    found, more = candidates(org, first, last, request.user)
    problems += more
    years = [str(y) for y in range(first, last + 1)]
    for entry in found["successors"]:  # levels in the years' order, for the table
        entry["levels"] = [entry["ratings"].get(y, "") for y in years]
        for p in entry["predecessors"]:
            p["levels"] = [p["ratings"].get(y, "") for y in years]
    badges = badges_due(org, day, request.user)
    tiers: dict[int, int] = {}
    for b in badges:
        tiers[b["tier"]] = tiers.get(b["tier"], 0) + 1
        b["key"] = f"{b['id']}:{b['tier']}"  # what the form posts for it
    return render(
        request,
        "awards/org.html",
        {
            "org": org,
            "first": first,
            "last": last,
            "found": found,
            "members_page": Paginator(found["members"], PAGE).get_page(request.GET.get("trang")),
            "day": day,
            "badges": badges,
            "badges_page": Paginator(badges, PAGE).get_page(request.GET.get("trang-hh")),
            "tiers": sorted(tiers.items(), reverse=True),
            "problems": problems,
            "errors": errors,
            "posted": request.POST if errors else {},
            # What was ticked, ticked again after a refusal.
            "ticked": set(request.POST.getlist("badge") + request.POST.getlist("member"))
            | set(request.POST.getlist("organisation"))
            if errors
            else set(),
            "years": years,
            "carry_through": STREAKS_CARRY_THROUGH_RESTRUCTURING,
            # The successors' table (a province's hundred organisations formed in 2025 with
            # their predecessors) on demand: the page stays light.
            "show_successors": request.GET.get("ke-thua") == "1",
            "may_record": may_record,
            "kinds": Commendation.Kind.choices,
        },
    )


def _decision(request: HttpRequest) -> Any:
    number = request.POST.get("decision_number", "").strip()
    issuer = request.POST.get("decision_issuer", "").strip()
    typed = request.POST.get("decision_date", "").strip()
    day, given = parse_day(typed) if typed else (None, False)
    if not given:
        day = None
    if not number or day is None or not issuer:
        raise RuleError(
            _("Give the decision's number, date (dd/mm/yyyy) and issuing body."), field="decision"
        )
    return get_or_create_decision(number=number, date=day, issuer=issuer)


def _each(items: list[Any], record: Callable[[Any], object], name: Callable[[Any], str]) -> int:
    """Record every item; every refusal listed with its name, and then nothing kept."""
    problems: list[str] = []
    for item in items:
        try:
            with transaction.atomic():
                record(item)
        except ValidationError as exc:
            problems += [f"{name(item)}: {m}" for m in exc.messages]
    if problems:
        raise ValidationError(problems)
    return len(items)


def _record_badges(request: HttpRequest, day: dt.date) -> int:
    chosen: dict[int, int] = {}
    for value in request.POST.getlist("badge"):
        member_id, _sep, tier = value.partition(":")
        if member_id.isdigit() and tier.isdigit():
            chosen[int(member_id)] = int(tier)
    if not chosen:
        return 0
    decision = _decision(request)
    # Only members the user may see: a posted id of another area is dropped, never named.
    members = list(visible_members(request.user).filter(pk__in=chosen).select_related("person"))
    return _each(
        members,
        lambda m: badge_record(
            member=m, tier=chosen[m.pk], awarded_on=day, decision=decision, actor=request.user
        ),
        lambda m: m.person.full_name,
    )


def _record_commendations(request: HttpRequest, giver: Organisation, first: int, last: int) -> int:
    member_ids = [int(i) for i in request.POST.getlist("member") if i.isdigit()]
    org_codes = request.POST.getlist("organisation")
    if not member_ids and not org_codes:
        return 0
    kind = request.POST.get("kind", "")
    if kind not in Commendation.Kind.values:
        raise RuleError(_("Choose the form of the commendation."), field="kind")
    multiple = None
    if request.POST.get("multiple", "").strip():
        try:
            multiple = Decimal(request.POST["multiple"].replace(",", ".").strip())
        except InvalidOperation as exc:
            raise RuleError(
                _("The multiple of the base salary is a number, such as 1,5."), field="multiple"
            ) from exc
    decision = _decision(request)
    common = {
        "kind": kind,
        "basis": Commendation.Basis.FIVE_YEARS,
        "first_year": first,
        "last_year": last,
        "giver": giver,
        "decision": decision,
        "actor": request.user,
        "multiple": multiple,
    }
    members = list(visible_members(request.user).filter(pk__in=member_ids).select_related("person"))
    orgs = list(visible_orgs(request.user).filter(code__in=org_codes))
    return _each(
        members, lambda m: commendation_record(member=m, **common), lambda m: m.person.full_name
    ) + _each(orgs, lambda o: commendation_record(org=o, **common), lambda o: o.name)
