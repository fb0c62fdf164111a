"""Pages of restructuring plans: upload a spreadsheet, see the problems and the preview, apply, revert."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangvu.accounts.models import Ability
from dangvu.accounts.scope import scope_for
from dangvu.core.changes import get_or_create_decision
from dangvu.core.dblock import on_a_snapshot
from dangvu.core.forms import DecisionFormMixin, VNDateField, add_service_errors
from dangvu.orgs.models import Organisation
from dangvu.restructuring.models import Plan
from dangvu.restructuring.services import (
    plan_apply,
    plan_check,
    plan_create,
    plan_preview,
    plan_revert,
    revert_problems,
)
from dangvu.restructuring.spreadsheet import SheetError, read_rows


class UploadForm(DecisionFormMixin):
    name = forms.CharField(label=gettext_lazy("Name of the plan"), max_length=200)
    effective_on = VNDateField(label=gettext_lazy("Effective date"))
    sheet = forms.FileField(label=gettext_lazy("Spreadsheet (.xlsx, .ods, .csv)"))


class RevertForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason for the revert"), max_length=500)


def _officer(request: HttpRequest) -> None:
    if scope_for(request.user, Ability.MANAGE_ORGS).empty:
        raise Http404


def visible_plans(user: Any) -> list[Plan]:
    """Plans the user made, or whose every named organisation lies in what the user may change."""

    scope = scope_for(user, Ability.MANAGE_ORGS)
    plans = list(Plan.objects.select_related("decision").prefetch_related("operations")[:500])
    codes = {
        code
        for plan in plans
        for op in plan.operations.all()
        for code in (op.source, op.target, op.parent)
        if code
    }
    paths = dict(Organisation.objects.filter(code__in=codes).values_list("code", "path"))
    shown = []
    for plan in plans:
        named = [
            paths[code]
            for op in plan.operations.all()
            for code in (op.source, op.target, op.parent)
            if code in paths
        ]
        mine = plan.created_by_id is not None and plan.created_by_id == getattr(user, "pk", None)
        if mine or (named and all(scope.covers(path) for path in named)):
            shown.append(plan)
    return shown


def plan_list(request: HttpRequest) -> HttpResponse:
    _officer(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            rows = read_rows(d["sheet"].read(), d["sheet"].name)
            plan = plan_create(
                name=d["name"],
                effective_on=d["effective_on"],
                decision=get_or_create_decision(
                    number=d["decision_number"],
                    date=d["decision_date"],
                    issuer=d["decision_issuer"],
                ),
                rows=rows,
                actor=request.user,
            )
        except SheetError as exc:
            form.add_error("sheet", str(exc))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("restructuring:detail", pk=plan.pk)
    plans = visible_plans(request.user)[:50]
    return render(request, "restructuring/list.html", {"form": form, "plans": plans})


def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _officer(request)
    plan = next((p for p in visible_plans(request.user) if p.pk == pk), None)
    if plan is None:
        raise Http404
    revert_form = (
        RevertForm(request.POST or None) if request.POST.get("action") == "revert" else RevertForm()
    )
    if request.method == "POST":
        try:
            if request.POST.get("action") == "apply":
                plan_apply(plan=plan, actor=request.user)
                messages.success(request, _("The plan was applied."))
                return redirect("restructuring:detail", pk=plan.pk)
            if request.POST.get("action") == "revert" and revert_form.is_valid():
                plan_revert(
                    plan=plan, actor=request.user, reason=revert_form.cleaned_data["reason"]
                )
                messages.success(request, _("The plan was reverted."))
                return redirect("restructuring:detail", pk=plan.pk)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
    context: dict[str, Any] = {
        "plan": plan,
        "operations": plan.operations.all(),
        "revert_form": revert_form,
    }
    if plan.status == Plan.Status.DRAFT:
        with on_a_snapshot():  # the trial takes no lock from the service (core.dblock)
            problems = plan_check(plan=plan, actor=request.user)
            context["problems"] = problems
            context["preview"] = plan_preview(plan=plan, actor=request.user) if not problems else []
    elif plan.status == Plan.Status.APPLIED:
        context["revert_problems"] = revert_problems(plan)
    return render(request, "restructuring/detail.html", context)
