"""The report pages of an organisation: its forms, the records behind a figure, the dashboard,
the admission targets."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangvu.accounts.forms import PurposeForm
from dangvu.accounts.models import Ability, AccessRecord
from dangvu.accounts.privacy import record_with_purpose
from dangvu.accounts.scope import can, require
from dangvu.core.dates import in_range, today, year_in_range
from dangvu.core.errors import RuleError
from dangvu.core.forms import day_asked
from dangvu.members.selectors import corrections_for
from dangvu.recruitment.selectors import period_range
from dangvu.reports import recruitment, services
from dangvu.reports.heading import heading_of
from dangvu.reports.indicators import (
    REGISTRY,
    Scope,
    admitted_by_year,
    compute_all,
    exits_total,
    is_sensitive,
    member_levels,
    members_at,
    members_some,
    record_kind,
    records_of,
    target_of,
)
from dangvu.reports.models import AdmissionTarget, ReportRun
from dangvu.reports.selectors import figure_member_ids, figure_records
from dangvu.reports.statutory_forms import FORMS, fill
from dangvu.reports.xlsx import period_label
from dangvu.rules.reference import AGE_BANDS
from dangvu.tree.selectors import (
    answering_days,
    answers_on,
    children_on,
    get_org,
    placement_of,
    scope_roots,
)

DASHBOARD_YEARS = 8


RECORDS_SHOWN = 500


def _errors(exc: RuleError) -> list[str]:
    return [m for ms in exc.message_dict.values() for m in ms]


def _period(request: HttpRequest) -> tuple[dt.date, dt.date]:
    """The period asked for: ?nam=YYYY (a year), ?tu=&den= (dd/mm/yyyy), else the last full year."""
    now = today()
    year_text = request.GET.get("nam", "")
    if re.fullmatch(r"\d{4}", year_text) and year_in_range(int(year_text)):
        year = int(year_text)
        return dt.date(year, 1, 1), min(dt.date(year, 12, 31), now)
    try:
        start = dt.datetime.strptime(request.GET.get("tu", ""), "%d/%m/%Y").date()
        end = dt.datetime.strptime(request.GET.get("den", ""), "%d/%m/%Y").date()
        if not (in_range(start) and in_range(end)):
            raise ValueError
        if start <= end:
            return start, end
        messages.warning(
            request, _("The period ends before it starts; showing the last full year.")
        )
    except ValueError:
        if request.GET.get("tu") or request.GET.get("den"):
            messages.warning(request, _("The dates were not understood; write them as dd/mm/yyyy."))
    year = now.year - 1
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _query(start: dt.date, end: dt.date) -> str:
    if (
        start.month == 1
        and start.day == 1
        and end.month == 12
        and end.day == 31
        and start.year == end.year
    ):
        return f"nam={end.year}"
    return f"tu={start:%d/%m/%Y}&den={end:%d/%m/%Y}"


def _org_for_period(request: HttpRequest, code: str, end: dt.date) -> Any:
    org = get_org(request.user, code)
    if not answers_on(org, end):
        raise Http404
    return org


def _last_day(request: HttpRequest, code: str, start: dt.date, end: dt.date) -> tuple[Any, dt.date]:
    """The organisation and the end of the period, cut at its last day when it was dissolved (or
    merged) within the period, with a message saying so."""
    org = get_org(request.user, code)
    if placement_of(org, end) is None and org.dissolved_on and start < org.dissolved_on <= end:
        end = org.dissolved_on - dt.timedelta(days=1)
        messages.info(
            request,
            _("%(name)s ended on %(date)s: the figures are those of its last day.")
            % {"name": org.name, "date": f"{org.dissolved_on:%d/%m/%Y}"},
        )
    if not answers_on(org, end):
        raise Http404
    return org, end


def index(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("org", "")
    if not code:
        roots = scope_roots(request.user)
        if not roots:
            return render(request, "members/no_scope.html")
        code = roots[0].code
    # A code typed into the address is looked up (within the user's scope) before it goes into a
    # path: "01/07/2025" is no organisation and cannot be one path segment.
    return redirect("reports:org", code=get_org(request.user, code).code)


def org_reports(request: HttpRequest, code: str) -> HttpResponse:
    org = get_org(request.user, code)
    start, end = _period(request)
    runs = ReportRun.objects.filter(org=org).select_related("created_by")[:30]
    return render(
        request,
        "reports/org.html",
        {
            "org": org,
            "start": start,
            "end": end,
            "query": _query(start, end),
            "forms": FORMS.values(),
            "runs": runs,
            "period": period_label(start, end),
            "may_draft": can(request.user, Ability.MANAGE_MEMBERS, org.path),
            "may_target": can(request.user, Ability.MANAGE_ORGS, org.path),
            "last_year": today().year - 1,
            "term": f"{today().year - 5}-{today().year - 1}",
        },
    )


def form_page(request: HttpRequest, code: str, number: str) -> HttpResponse:
    form = FORMS.get(number.upper())
    if form is None:
        raise Http404
    start, end = _period(request)
    org, end = _last_day(request, code, start, end)
    scope = Scope(org, start, end)
    if request.GET.get("format") == "xlsx":
        run = services.run_create(
            kind=ReportRun.Kind.FORM,
            org=org,
            start=start,
            end=end,
            actor=request.user,
            form=form.number,
        )
        data, name, content_type = services.document_of(run)
        response = HttpResponse(data, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    table = fill(form, scope)
    return render(
        request,
        "reports/form.html",
        {
            "org": org,
            "form": form,
            "table": table,
            "query": _query(start, end),
            "previous_query": _query(scope.previous().start, scope.previous().end),
            "heading": heading_of(org, end),
            "period": period_label(start, end),
            "start": start,
            "end": end,
            # DESIGN.md principle 1: an answer a later correction changed says so.
            "corrections": corrections_for(org, end),
        },
    )


def records_page(request: HttpRequest, code: str) -> HttpResponse:
    """The records behind a figure: the same condition that counted them, listed."""
    start, end = _period(request)
    org = _org_for_period(request, code, end)
    spec = request.GET.get("chi-tieu", "")
    codes = [c for c in spec.split("+") if c]
    if not codes or any(c not in REGISTRY for c in codes):
        raise Http404
    scope = Scope(org, start, end)
    kind = record_kind(REGISTRY[codes[0]])
    ids: list[int] = []
    for c in codes:
        ids += records_of(scope, c)
    hidden, purpose_form = _sensitive_gate(request, org, codes, kind, ids)
    rows = [] if hidden else figure_records(kind, ids[:RECORDS_SHOWN], request.user, end)
    return render(
        request,
        "reports/records.html",
        {
            "org": org,
            "indicators": [REGISTRY[c] for c in codes],
            "kind": kind,
            "count": len(ids),
            "rows": rows,
            "shown": min(len(ids), RECORDS_SHOWN),
            "period": period_label(start, end),
            "query": _query(start, end),
            "hidden": hidden,
            "purpose_form": purpose_form,
            "carried": [
                (k, v) for k, v in request.GET.items() if k not in ("purpose", "purpose_note")
            ],
        },
    )


def _sensitive_gate(
    request: HttpRequest, org: Any, codes: list[str], kind: str, ids: list[int]
) -> tuple[bool, Any]:
    """Names behind a figure that reveals religion, evaluations or discipline: only with the
    permission, after stating why, logged (DESIGN.md principle 2). Returns (hidden, the form)."""
    if not any(is_sensitive(c) for c in codes):
        return False, None
    if not can(request.user, Ability.VIEW_SENSITIVE, org.path):
        return True, None
    form = PurposeForm(request.GET if "purpose" in request.GET else None)
    if not (form.is_bound and form.is_valid()):
        return True, form
    record_with_purpose(
        request,
        form,
        action=AccessRecord.Action.VIEW_SENSITIVE,
        object_type="members.partymember",
        ids=ids if kind == "member" else [r["member_id"] for r in figure_member_ids(kind, ids)],
        org_path=org.path,
        fields=sorted(
            {
                "religion"
                if ".religio" in c
                else "discipline"
                if "expulsion" in c
                else "evaluation"
                for c in codes
                if is_sensitive(c)
            }
        ),
        summary=f"{org.code}: {'+'.join(codes)}",
    )
    return False, form


def dashboard(request: HttpRequest, code: str) -> HttpResponse:
    """The main figures of an organisation on a day, with the members over the years, the
    structure, admissions against the target and the ratings."""

    org, day = _last_day(request, code, dt.date(1900, 1, 1), day_asked(request))
    scope = Scope.as_of(org, day)
    shown = (
        "members.total",
        "members.probationary",
        "members.women",
        "members.ethnic_minority",
        "members.religious",
        *[f"members.age.{code}" for code, _l, _h in AGE_BANDS],
    )
    years = list(range(day.year - DASHBOARD_YEARS + 1, day.year + 1))
    year_ago = scope.previous().end
    admitted_years = admitted_by_year(org, years[0], day)
    totals = members_at(org, [*[dt.date(y, 12, 31) for y in years[:-1]], year_ago])
    now = {
        **members_some(scope, shown),
        "flow.out.total": exits_total(scope),
        "admitted.total": admitted_years[day.year],
        "admitted.target": target_of(org, day.year) or 0,
    }
    target = now["admitted.target"]
    now["admitted.target_pct"] = round(now["admitted.total"] * 100 / target, 1) if target else 0
    rated_year = day.year if (day.month, day.day) == (12, 31) else day.year - 1
    answering = answering_days(org, [min(dt.date(y, 12, 31), day) for y in years])
    ratings = member_levels(Scope.year(org, rated_year))
    series: list[dict[str, Any]] = [
        {
            "year": y,
            "members": totals[dt.date(y, 12, 31)] if y < day.year else now["members.total"],
            "admitted": admitted_years[y],
            "target": target_of(org, y) or 0,
        }
        for y in years
        if min(dt.date(y, 12, 31), day) in answering
    ]
    top = max([r["members"] for r in series] + [1])
    top_admitted = max([max(r["admitted"], r["target"]) for r in series] + [1])
    for r in series:
        r["bar"] = round(r["members"] * 100 / top)
        r["bar_admitted"] = round(r["admitted"] * 100 / top_admitted)
        r["bar_target"] = round(r["target"] * 100 / top_admitted)
    total = now["members.total"] or 1
    structure = [
        (REGISTRY[k].label(), now[k], round(now[k] * 100 / total))
        for k in (
            "members.women",
            "members.ethnic_minority",
            "members.religious",
            "members.probationary",
        )
    ]
    ages = [
        (REGISTRY[k].label(), now[k], round(now[k] * 100 / total))
        for k in shown
        if k.startswith("members.age.")
    ]
    rated = ratings["ratings.members.rated"] or 1
    levels = [
        (
            REGISTRY[f"ratings.members.{lv}"].label(),
            lv,
            ratings[f"ratings.members.{lv}"],
            round(ratings[f"ratings.members.{lv}"] * 100 / rated),
        )
        for lv in ("HTXSNV", "HTTNV", "HTNV", "KHTNV")
    ]
    return render(
        request,
        "reports/dashboard.html",
        {
            "org": org,
            "day": day,
            "now": now,
            "change": now["members.total"] - totals[year_ago],
            "series": series,
            "structure": structure,
            "ages": ages,
            "levels": levels,
            "ratings": ratings,
            "rated_year": rated_year,
            "query": _query(scope.start, scope.end),
            "year_query": f"nam={rated_year}",
        },
    )


def targets_page(request: HttpRequest, code: str) -> HttpResponse:
    org = get_org(request.user, code)
    year_text = request.GET.get("nam") or request.POST.get("nam") or str(today().year)
    year = int(year_text) if year_text.isdigit() and year_in_range(int(year_text)) else today().year
    errors: list[str] = []
    may = can(request.user, Ability.MANAGE_ORGS, org.path)
    if request.method == "POST":
        if not may:
            raise PermissionDenied
        try:
            upload = request.FILES.get("file")
            if upload is not None:
                count = services.targets_import(
                    data=upload.read(), name=upload.name or "", actor=request.user
                )
                messages.success(request, _("%(n)s targets recorded.") % {"n": count})
            else:
                target_org = get_org(request.user, request.POST.get("org", ""), Ability.MANAGE_ORGS)
                text = request.POST.get("target", "").strip()
                if not text.isdigit():
                    raise RuleError(
                        _("The target is a whole number, zero or more."), field="target"
                    )
                services.target_set(org=target_org, year=year, target=int(text), actor=request.user)
                messages.success(request, _("The target is recorded."))
            return redirect(f"{request.path}?nam={year}")
        except RuleError as exc:
            errors = _errors(exc)
    on = min(dt.date(year, 12, 31), today())
    orgs = [org] + [p.org for p in children_on(org, on)] if placement_of(org, on) else [org]
    targets = dict(
        AdmissionTarget.objects.filter(org__in=orgs, year=year).values_list("org_id", "target")
    )
    rows = []
    for o in orgs:
        admitted = (
            compute_all(Scope(o, dt.date(year, 1, 1), on), ("admitted",))
            if answers_on(o, on)
            else {"admitted.total": 0}
        )
        target = targets.get(o.pk)
        rows.append(
            {
                "org": o,
                "target": target,
                "admitted": admitted["admitted.total"],
                "pct": round(admitted["admitted.total"] * 100 / target, 1) if target else None,
            }
        )
    return render(
        request,
        "reports/targets.html",
        {"org": org, "year": year, "rows": rows, "may": may, "errors": errors},
    )


@require_POST
def create_review(request: HttpRequest, code: str) -> HttpResponse:
    org = get_org(request.user, code)
    require(request.user, Ability.MANAGE_MEMBERS, org.path)
    kind = request.POST.get("kind", "annual")
    try:
        if kind == "annual":
            text = request.POST.get("year", "")
            if not text.isdigit():
                raise RuleError(_("Write the year, e.g. 2023."), field="year")
            start, end = dt.date(int(text), 1, 1), dt.date(int(text), 12, 31)
        else:
            match = re.fullmatch(r"\s*(\d{4})\s*-\s*(\d{4})\s*", request.POST.get("period", ""))
            if not match:
                raise RuleError(_("Write the term as 2020-2025."), field="period")
            start, end = dt.date(int(match[1]), 1, 1), dt.date(int(match[2]), 12, 31)
        if end.year >= today().year + 1 or not answers_on(org, min(end, today())):
            raise RuleError(
                _("The organisation did not exist at the end of that period."), field="year"
            )
        run = services.run_create(
            kind=kind,
            org=org,
            start=start,
            end=end,
            actor=request.user,
            number=request.POST.get("number", "").strip(),
        )
    except RuleError as exc:
        for m in _errors(exc):
            messages.error(request, m)
        return redirect("reports:org", code=org.code)
    return redirect("reports:run", pk=run.pk)


def recruitment_page(request: HttpRequest, code: str) -> HttpResponse:
    """New-member development of a period against the year's target (?ky=2026-Q1; the year so
    far by default), per subordinate committee, ranked, with the funnel and its breakdowns."""
    org = get_org(request.user, code)
    text = request.GET.get("ky") or str(today().year)
    try:
        start, end = period_range(text)
        if not year_in_range(start.year) or start > today():
            raise ValueError(text)
    except ValueError:
        messages.warning(request, _("The period was not understood; showing this year."))
        text = str(today().year)
        start, end = period_range(text)
    found = recruitment.progress(org, start, end)
    return render(
        request,
        "reports/recruitment.html",
        {
            "org": org,
            "found": found,
            "funnel": [
                (label, found["funnel"]["counts"][key])
                for key, label in recruitment.FUNNEL_LABELS.items()
            ],
            "breakdown": [
                (label, found["funnel"]["breakdown"][key])
                for key, label in recruitment.BREAKDOWN_LABELS.items()
            ],
            "periods": _periods(start.year),
            "asked": text.strip().upper(),
        },
    )


def _periods(year: int) -> list[tuple[str, str]]:
    return [
        (f"{year}-Q1", _("Quarter 1")),
        (f"{year}-H1", _("Half-year")),
        (f"{year}-9M", _("Nine months")),
        (f"{year}", _("The year")),
    ]
