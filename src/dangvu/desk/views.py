"""The home page (issue 23, point 1): a search box, the user's organisations, what is due and
overdue, comments awaiting an answer, drafts to comment on, this year's ratings and the notices.
The slower figures (work lists, ratings progress) come in their own requests (htmx), so the page
itself is quick on a slow link."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from dangvu.accounts import notices
from dangvu.accounts.models import Ability
from dangvu.accounts.scope import can, scope_for
from dangvu.accounts.services import sensitive_pending
from dangvu.core.dates import today
from dangvu.evaluation import selectors as ratings
from dangvu.members import worklists
from dangvu.reports.models import Comment, ReportRun, Reviewer
from dangvu.tree.selectors import get_org, scope_roots


def rating_year() -> int:
    """The year whose ratings are under way: this year from October (the reviews of December),
    last year before it (decided in the first months)."""
    now = today()
    return now.year if now.month >= 10 else now.year - 1


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    roots = [o for o in scope_roots(user) if o.dissolved_on is None]
    comments = (
        Comment.objects.filter(run__created_by=user, run__status=ReportRun.Status.REVIEW, answer="")
        .select_related("run__org", "author")
        .order_by("created_at")
    )
    to_review = (
        Reviewer.objects.filter(user=user, run__status=ReportRun.Status.REVIEW)
        .select_related("run__org")
        .order_by("-run__created_at")
    )
    return render(
        request,
        "desk/home.html",
        {
            "roots": roots[:12],
            "more_roots": max(len(roots) - 12, 0),
            "year": rating_year(),
            "comments": list(comments[:20]),
            "comments_total": comments.count(),
            "to_review": list(to_review[:10]),
            "notices": list(notices.unread(user)[:20]),
            "rates": {o.pk for o in roots if can(user, Ability.RATE, o.path)},
            "accounts": not scope_for(user, Ability.MANAGE_ACCOUNTS).empty,
            "sensitive_waiting": len(sensitive_pending(user))
            if not scope_for(user, Ability.MANAGE_ACCOUNTS).empty
            else 0,
        },
    )


def work_panel(request: HttpRequest, code: str) -> HttpResponse:
    """The work list's counts for one organisation: due and overdue, by list."""
    org = get_org(request.user, code)
    lists = worklists.work_list(request.user, org)
    labels = worklists.sections()
    rows = [
        {"label": labels[k], "due": len(v), "overdue": sum(1 for i in v if i.overdue)}
        for k, v in lists.items()
        if v
    ]
    return render(
        request,
        "desk/_work.html",
        {
            "org": org,
            "rows": rows,
            "due": sum(r["due"] for r in rows),
            "overdue": sum(r["overdue"] for r in rows),
        },
    )


def rating_panel(request: HttpRequest, code: str) -> HttpResponse:
    """This year's ratings of one organisation: how many are rated of those to be rated."""
    org = get_org(request.user, code)
    year = rating_year()
    state: dict[str, Any] = ratings.progress(org, year)
    return render(
        request,
        "desk/_ratings.html",
        {
            "org": org,
            "year": year,
            "state": state,
            "pct": round(100 * state["rated"] / state["to_rate"]) if state["to_rate"] else 0,
            "orgs_pending": len(ratings.orgs_not_rated(org, year)),
        },
    )


@require_POST
def notices_read(request: HttpRequest) -> HttpResponse:
    ids = [int(i) for i in request.POST.getlist("notice") if i.isdigit()]
    notices.mark_read(request.user, ids or None)
    return redirect("home")


def ratings_start(request: HttpRequest) -> HttpResponse:
    """The menu's "Ratings": the user's first organisation, the year under way."""
    roots = scope_roots(request.user)
    if not roots:
        return render(request, "members/no_scope.html")
    return redirect("evaluation:org", code=roots[0].code, year=rating_year())


def awards_start(request: HttpRequest) -> HttpResponse:
    roots = scope_roots(request.user)
    if not roots:
        return render(request, "members/no_scope.html")
    return redirect("awards:org", code=roots[0].code)


def recruitment_start(request: HttpRequest) -> HttpResponse:
    roots = scope_roots(request.user)
    if not roots:
        return render(request, "members/no_scope.html")
    return redirect("recruitment:org", code=roots[0].code)


def activities_start(request: HttpRequest) -> HttpResponse:
    """Cell life: the user's first organisation (a secretary's cell: this month's meeting), or,
    for a member with no role, their own page."""
    roots = scope_roots(request.user)
    if not roots:
        if getattr(request.user, "member_id", None):
            return redirect("activities:me")
        return render(request, "members/no_scope.html")
    return redirect("activities:org", code=roots[0].code)


def congress_start(request: HttpRequest) -> HttpResponse:
    roots = scope_roots(request.user)
    if not roots:
        return render(request, "members/no_scope.html")
    return redirect("congress:org", code=roots[0].code)
