"""The annual and term reviews: generated, published as drafts to reviewers, commented and
answered, downloaded."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangvu.accounts.models import Ability
from dangvu.accounts.scope import can, scope_for
from dangvu.core.errors import RuleError
from dangvu.reports import services
from dangvu.reports.models import Comment, ReportRun
from dangvu.reports.views.pages import _errors
from dangvu.reports.xlsx import period_label


def _run_for(request: HttpRequest, pk: int) -> ReportRun:
    run = get_object_or_404(ReportRun.objects.select_related("org"), pk=pk)
    is_reviewer = run.reviewers.filter(user_id=getattr(request.user, "pk", None) or 0).exists()
    if not is_reviewer and not scope_for(request.user, Ability.VIEW).covers(run.org.path):
        raise Http404
    return run


def run_page(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run_for(request, pk)
    sections = services.sections_of(run)
    comments: dict[str, list[Comment]] = {}
    for c in run.comments.select_related("author", "answered_by"):
        comments.setdefault(c.section, []).append(c)
    for s in sections:
        s["comments"] = comments.get(s["key"], [])
    table = services.stored_table(run) if run.kind == ReportRun.Kind.FORM else None
    differences = services.differences(run) if request.GET.get("so-sanh") else None
    may_draft = can(request.user, Ability.MANAGE_MEMBERS, run.org.path)
    users = []
    if may_draft and run.kind != ReportRun.Kind.FORM:
        users = list(services.possible_reviewers(run, request.user)[:200])
    return render(
        request,
        "reports/run.html",
        {
            "run": run,
            "sections": sections,
            "table": table,
            "differences": differences,
            "may_draft": may_draft,
            "is_reviewer": run.reviewers.filter(
                user_id=getattr(request.user, "pk", None) or 0
            ).exists(),
            "reviewers": run.reviewers.select_related("user"),
            "users": users,
            "answers": Comment.Answer.choices,
            "period": period_label(run.start, run.end),
        },
    )


def run_file(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    run = _run_for(request, pk)
    if what == "van-ban":
        data, name, content_type = services.document_of(run)
    elif what == "phu-luc" and run.kind != ReportRun.Kind.FORM:
        data = services.annex_of(run)
        name = f"phu-luc-{run.kind}-{run.org.code}-{run.end.year}.xlsx"
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif what == "gop-y" and run.kind != ReportRun.Kind.FORM:
        data = services.comments_docx(run)
        name = f"tiep-thu-gop-y-{run.org.code}-{run.end.year}.docx"
        content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    else:
        raise Http404
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run_for(request, pk)
    users = list(
        get_user_model().objects.filter(
            pk__in=[
                int(v) for v in request.POST.getlist("reviewers") if v.isdigit() and len(v) < 10
            ],
            is_active=True,
        )
    )
    return _act(
        request,
        run,
        lambda: services.run_publish(run=run, reviewers=users, actor=request.user),
        _("The draft is published to the reviewers."),
    )


def _act(request: HttpRequest, run: ReportRun, write: Any, done: str) -> HttpResponse:
    """A write from the run's page: its message, or the rule's in Vietnamese; back to the page."""
    try:
        write()
        messages.success(request, done)
    except RuleError as exc:
        for m in _errors(exc):
            messages.error(request, m)
    return redirect("reports:run", pk=run.pk)


@require_POST
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run_for(request, pk)
    section, text = request.POST.get("section", ""), request.POST.get("text", "")
    return _act(
        request,
        run,
        lambda: services.comment_add(run=run, section=section, text=text, actor=request.user),
        _("Your comment is recorded."),
    )


@require_POST
def answer(request: HttpRequest, pk: int, comment_id: int) -> HttpResponse:
    run = _run_for(request, pk)
    found = get_object_or_404(Comment, pk=comment_id, run=run)
    kind, reason = request.POST.get("answer", ""), request.POST.get("reason", "")
    return _act(
        request,
        run,
        lambda: services.comment_answer(
            comment=found, answer=kind, reason=reason, actor=request.user
        ),
        _("The answer is recorded."),
    )
