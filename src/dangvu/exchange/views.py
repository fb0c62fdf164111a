"""Pages of the import: upload, choose the columns, the check's report and preview, commit,
revert; and exports of lists with the import's headers. Thin: the work is in services."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from dataclasses import replace
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangvu.accounts import purpose as asked_why
from dangvu.accounts.models import Ability, AccessRecord
from dangvu.accounts.privacy import record_with_purpose
from dangvu.accounts.scope import scope_for
from dangvu.core.errors import RuleError
from dangvu.core.numbers import vn_number
from dangvu.core.sheets import MAX_BYTES, MAX_ROWS, FileError
from dangvu.exchange import exporting, services
from dangvu.exchange.columns import COLUMNS, KIND_LABELS, KINDS
from dangvu.exchange.models import ImportBatch
from dangvu.exchange.union_list import COLUMNS as LIST_COLUMNS
from dangvu.exchange.union_list import REQUIRED, union_list_import
from dangvu.members.forms import FilterForm, filters_of
from dangvu.members.selectors import export_rows, sensitive_filters, without_sensitive_filters
from dangvu.tree.selectors import get_org, scope_roots

PREVIEW = 200


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Records in the file"), choices=list(KIND_LABELS.items())
    )
    sheet = forms.FileField(
        label=gettext_lazy("File (.xlsx, .ods or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.ods,.csv"}),
    )

    def clean_sheet(self) -> Any:
        sheet = self.cleaned_data["sheet"]
        if sheet.size > MAX_BYTES:
            raise ValidationError(
                _("The file is larger than %(mb)s MB. Split it into several files.")
                % {"mb": MAX_BYTES // (1024 * 1024)}
            )
        return sheet


def _batch(request: HttpRequest, pk: uuid.UUID) -> ImportBatch:
    """An import is seen by the user who sent it, and nobody else."""
    batch = ImportBatch.objects.filter(pk=pk, user_id=request.user.pk or 0).defer("content").first()
    if batch is None:
        raise Http404
    return batch


def imports(request: HttpRequest) -> HttpResponse:
    allowed = [k for k in KINDS if services.may_import(request.user, k)]
    if not allowed:
        raise Http404
    form = UploadForm(request.POST or None, request.FILES or None)
    form.fields["kind"].choices = [(k, KIND_LABELS[k]) for k in allowed]  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        sheet = form.cleaned_data["sheet"]
        batch = services.upload(
            user=request.user,
            kind=form.cleaned_data["kind"],
            filename=sheet.name,
            content=sheet.read(),
        )
        return redirect("exchange:mapping", batch.pk)
    batches = list(ImportBatch.objects.filter(user_id=request.user.pk or 0).defer("content")[:30])
    for batch in batches:  # what the file holds, as people say it, not the kind's key
        batch.kind_label = KIND_LABELS.get(batch.kind, "")  # type: ignore[attr-defined]
    return render(
        request,
        "exchange/imports.html",
        {
            "form": form,
            "batches": batches,
            "kinds": [(k, KIND_LABELS[k]) for k in allowed],
            "max_rows": vn_number(MAX_ROWS),
        },
    )


def template(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in KINDS:
        raise Http404
    out = io.BytesIO()
    exporting.template(kind, out)
    response = HttpResponse(out.getvalue(), content_type=exporting.CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = f'attachment; filename="mau-{kind}.xlsx"'
    return response


def mapping(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """What each column of the file holds: recognised headers are chosen already; the user
    names the others (or leaves them out), then the check starts."""
    batch = ImportBatch.objects.filter(pk=pk, user_id=request.user.pk or 0).first()
    if batch is None:
        raise Http404
    if batch.state != ImportBatch.State.UPLOADED:
        return redirect("exchange:batch", batch.pk)
    try:
        headers, found, _unmatched = services.headers_of(batch)
    except FileError as exc:
        services.batch_failed(batch=batch, message=str(exc))
        return redirect("exchange:batch", batch.pk)
    columns = [c for c in COLUMNS[batch.kind] if c.imported]
    choices = [("", _("— not imported —"))] + [(c.key, c.header) for c in columns]
    by_index = {i: k for k, i in found.items()}
    fields = {
        f"c{i}": forms.ChoiceField(
            label=h, choices=choices, required=False, initial=by_index.get(i, "")
        )
        for i, h in enumerate(headers)
        if h
    }
    form = type("MappingForm", (forms.Form,), fields)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        chosen = {headers[int(name[1:])]: value for name, value in form.cleaned_data.items()}
        try:
            services.batch_map(batch=batch, mapping=chosen)
        except RuleError as exc:
            form.add_error(None, " ".join(exc.messages))
        else:
            return redirect("exchange:batch", batch.pk)
    return render(
        request,
        "exchange/mapping.html",
        {"batch": batch, "form": form, "kind": KIND_LABELS[batch.kind]},
    )


def batch_page(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    batch = _batch(request, pk)
    report = batch.report or {}
    rows = report.get("rows", [])
    context = {
        "batch": batch,
        "kind": KIND_LABELS.get(batch.kind, batch.kind),
        "report": report,
        "changed": [r for r in rows if r["action"] != "unchanged"][:PREVIEW],
        "preview_limit": PREVIEW,
        "errors": report.get("errors", [])[:1000],
        "rule_rows": sorted({p["row"] for p in report.get("errors", []) if p.get("rule")}),
        "kept": batch.override or {},
        "effective": dt.date.fromisoformat(report["effective"])
        if report.get("effective") and report.get("updated")
        else None,
    }
    htmx = bool(getattr(request, "htmx", False))
    template = "exchange/_progress.html" if htmx and batch.running else "exchange/batch.html"
    response = render(request, template, context)
    if htmx and not batch.running:
        response["HX-Refresh"] = "true"
    return response


def override(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Keep the chosen rows a rule of their year refuses, with the reason; then check again."""
    if request.method != "POST":
        raise Http404
    batch = _batch(request, pk)
    rows = sorted({int(r) for r in request.POST.getlist("keep") if r.isdigit()})
    try:
        services.batch_override(
            batch=batch, rows=rows, reason=request.POST.get("reason", ""), actor=request.user
        )
    except ValidationError as exc:
        from django.contrib import messages

        messages.error(request, " ".join(exc.messages))
        return redirect("exchange:batch", batch.pk)
    services.batch_check_again(batch=batch)
    return redirect("exchange:batch", batch.pk)


def commit(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    if request.method != "POST":
        raise Http404
    batch = _batch(request, pk)
    services.batch_queue_commit(batch=batch)
    return redirect("exchange:batch", batch.pk)


def revert(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    if request.method != "POST":
        raise Http404
    batch = _batch(request, pk)
    try:
        count = services.batch_revert(
            batch=batch, actor=request.user, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        from django.contrib import messages

        messages.error(request, " ".join(exc.messages))
        return redirect("exchange:batch", batch.pk)
    from django.contrib import messages

    messages.success(request, _("The import was reverted: %(n)s records set back.") % {"n": count})
    return redirect("exchange:batch", batch.pk)


def export(request: HttpRequest, kind: str) -> HttpResponse:
    """A list of the user's subtree, with the import's headers, as XLSX or CSV."""

    if kind not in KINDS:
        raise Http404
    code = request.GET.get("org", "")
    if not code:
        roots = scope_roots(request.user)
        if not roots:
            raise Http404
        code = roots[0].code
    org = get_org(request.user, code)
    fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
    records: Any
    if kind == "orgs":
        records = exporting.org_records(exporting.orgs_of(request.user, org))
    elif kind == "org_ratings":
        records = exporting.org_rating_records(exporting.org_ratings_of(request.user, org))
    else:
        purpose = asked_why.stated(request)
        if not purpose.is_bound or not purpose.is_valid():
            return asked_why.ask(
                request, purpose, _("Export") + f" — {KIND_LABELS[kind]} — {org.name}"
            )
        if kind == "members":
            members, _p = exporting.members_of(request.user, org, None)
            ids, records = [m.pk for m in members], exporting.member_records(members, request.user)
        elif kind == "ratings":
            ratings = exporting.ratings_of(request.user, org)
            ids, records = (
                sorted({r.member_id for r in ratings}),
                exporting.rating_records(ratings, request.user),
            )
        else:
            events = exporting.events_of(request.user, org)
            ids, records = (
                sorted({e.member_id for e in events}),
                exporting.event_records(events, request.user),
            )
        sensitive = scope_for(request.user, Ability.VIEW_SENSITIVE).covers(org.path)
        record_with_purpose(
            request,
            purpose,
            action=AccessRecord.Action.EXPORT,
            object_type="members.partymember",
            ids=ids,
            org_path=org.path,
            fields=[c.key for c in COLUMNS[kind] if c.sensitive] if sensitive else [],
            summary=f"{kind} {org.code}: {len(ids)}",
        )
    names = {
        "members": "dang-vien",
        "events": "su-kien",
        "orgs": "to-chuc",
        "ratings": "xep-loai",
        "org_ratings": "xep-loai-to-chuc",
    }
    return exporting.response(kind, records, fmt, f"{names[kind]}-{org.code}", title=org.code)


def member_export(request: HttpRequest) -> HttpResponse:
    """The member list as CSV or XLSX, with the list's filters, for a stated purpose."""
    org = get_org(request.user, request.GET.get("org", ""))
    purpose_form = asked_why.stated(request)
    if not purpose_form.is_bound or not purpose_form.is_valid():
        # Every export of member data says what it is for, and is logged.
        return asked_why.ask(request, purpose_form, _("Export party members") + f" — {org.name}")
    # The purpose is stated: a number is looked up among citizen IDs too (with the permission).
    filters = replace(filters_of(FilterForm(request.GET or None)), by_citizen_id=True)
    sensitive = scope_for(request.user, Ability.VIEW_SENSITIVE)
    if not sensitive.covers(org.path):
        # The same rule as the list's: a filter by a sensitive field is not applied.
        filters = without_sensitive_filters(filters)
    rows = export_rows(request.user, org, filters)
    record_with_purpose(
        request,
        purpose_form,
        action=AccessRecord.Action.EXPORT,
        object_type="members.partymember",
        ids=[m.pk for m in rows],
        org_path=org.path,
        fields=sorted(
            {"citizen_id", "religion", "health", "family", *sensitive_filters(filters)}
            if sensitive.covers(org.path)
            else set()
        ),
        summary=f"{org.code}: {len(rows)}",
    )

    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    records = exporting.member_records(rows, request.user)
    return exporting.response("members", records, fmt, f"dang-vien-{org.code}", title=org.code)


class UnionListForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("The list (Excel, ODS or CSV)"))


def union_list(request: HttpRequest, code: str) -> HttpResponse:
    """The Union's handover list of outstanding people entered on their cells' lists: every
    problem named by row and column; nothing entered unless every row is good."""
    org = get_org(request.user, code, Ability.MANAGE_MEMBERS)
    form = UnionListForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            problems = [_("The file is too large.")]
        else:
            try:
                count = union_list_import(
                    data=upload.read(), name=upload.name, under=org, actor=request.user
                )
            except ValidationError as exc:
                problems = exc.messages
            else:
                messages.success(request, _("%(n)s candidates entered.") % {"n": count})
                return redirect(reverse("recruitment:org", args=[org.code]))
    return render(
        request,
        "exchange/union_list.html",
        {
            "org": org,
            "form": form,
            "problems": problems,
            "columns": [(c.header, c.key in REQUIRED) for c in LIST_COLUMNS],
        },
    )
