"""Asking why before sensitive data is read or member data leaves: one page for every door."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dangvu.accounts.forms import PurposeForm


def stated(request: HttpRequest) -> PurposeForm:
    """The purpose the request states (a bound form when it states one)."""
    return PurposeForm(request.GET if "purpose" in request.GET else None)


def carried(request: HttpRequest, form: PurposeForm) -> list[tuple[str, Any]]:
    """The request's other parameters, carried through the purpose form."""
    return [(k, v) for k, v in request.GET.items() if k not in form.fields]


def ask(
    request: HttpRequest, form: PurposeForm, title: str, *, reading: bool = False
) -> HttpResponse:
    """The page asking for the purpose; `reading`: to see data, not to export it."""
    return render(
        request,
        "accounts/purpose.html",
        {"title": title, "form": form, "carried": carried(request, form), "reading": reading},
    )


def member_read(
    request: HttpRequest, member: Any, title: str, fields: list[str]
) -> HttpResponse | None:
    """Before a member's sensitive `fields` are shown on a page titled `title`: the page asking
    why when the request does not state it; else the read is logged and nothing is returned."""
    purpose = stated(request)
    if not purpose.is_bound or not purpose.is_valid():
        return ask(request, purpose, f"{title} — {member.person.full_name}", reading=True)
    log_member_read(request, purpose, member, fields)
    return None


def log_member_read(
    request: HttpRequest, purpose: PurposeForm, member: Any, fields: list[str]
) -> None:
    """A member's sensitive `fields` shown for the stated `purpose`: in the access log."""
    from dangvu.accounts.models import AccessRecord
    from dangvu.accounts.privacy import record_with_purpose

    record_with_purpose(
        request,
        purpose,
        action=AccessRecord.Action.VIEW_SENSITIVE,
        object_type="members.partymember",
        ids=[member.pk],
        org_path=member.scope_path or "",
        fields=fields,
        summary=member.person.full_name,
    )
