"""Pages that record lifecycle events and corrections, and the work lists."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from dangvu.accounts import purpose as asked_why
from dangvu.accounts.models import Ability, AccessRecord
from dangvu.accounts.privacy import (
    LEFT_EVENT_KINDS,
    is_sensitive_event,
    record_access,
)
from dangvu.accounts.scope import can, can_see_sensitive
from dangvu.core.changes import get_or_create_decision
from dangvu.core.dates import today
from dangvu.core.forms import submit
from dangvu.members import event_forms, events, following, kinds, lifecycle, selectors, worklists
from dangvu.members.extensions import is_sensitive_list
from dangvu.members.models import EventKind, MembershipEvent, PartyMember
from dangvu.orgs.models import Organisation
from dangvu.orgs.pickers import ANYWHERE, OrgField
from dangvu.rules.charter import REMOVAL_GROUNDS
from dangvu.tree.selectors import get_org, scope_roots, visible_orgs


def available_events(
    member: PartyMember, facts: list[lifecycle.Fact] | None = None
) -> list[tuple[str, str]]:
    """The events that may come next for the member, as (kind, label): the engine's answer
    (following.may_follow), not a second copy of its rules."""
    if facts is None:
        facts = events.facts_of(member)
    allowed = following.may_follow(facts, today(), kinds.offered())
    return [(k, str(EventKind(k).label)) for k in allowed]


def events_problem(member: PartyMember, facts: list[lifecycle.Fact] | None = None) -> str | None:
    """Why the member's recorded events do not hold together (nothing may follow until the
    wrong one is corrected), or None."""
    return following.problem(events.facts_of(member) if facts is None else facts)


def managed_member(
    request: HttpRequest, pk: int, ability: str = Ability.MANAGE_MEMBERS
) -> PartyMember:
    """The member the page is about, if the user may change it with `ability` (else 404)."""
    member = selectors.get_member(request.user, pk)
    if not can(request.user, ability, member.scope_path):
        raise Http404
    return member


def _scope_pickers(request: HttpRequest, form: forms.Form) -> None:
    """What each organisation picker of an event form may offer: the cells the user manages, or
    for a transfer's destination any cell (named in the picker, never opened)."""
    for field in form.fields.values():
        if isinstance(field, OrgField):
            if field.ability == ANYWHERE:
                offered = Organisation.objects.all()
            else:
                offered = visible_orgs(request.user, field.ability)
            field.set_scope(offered, visible_orgs(request.user))


def _initial(member: PartyMember, kind: str) -> dict[str, Any]:
    initial: dict[str, Any] = {"on": today()}
    if kind == EventKind.RECOGNITION and member.ceremony_date:
        initial["on"] = lifecycle.official_date_for(member.ceremony_date)
    if kind in (EventKind.TRANSFER_IN,) and member.org:
        initial["to_org"] = member.org.code
    transit = (member.derived or {}).get("temp_transit") or {}
    if kind == EventKind.TEMP_TRANSFER_IN and transit.get("to"):
        host = Organisation.objects.filter(pk=transit["to"]).first()
        initial["to_org"] = host.code if host else ""
    return initial


def event_create(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    member = managed_member(request, pk)
    if kind not in dict(available_events(member)):
        raise Http404
    initial = _initial(member, kind)
    if kind == EventKind.REMOVAL and request.GET.get("ground") in REMOVAL_GROUNDS:
        # From a work list: the ground its records show (activities: three months absent or unpaid).
        initial["ground"] = request.GET["ground"]
    form = event_forms.event_form(kind, request.POST or None, initial=initial)
    _scope_pickers(request, form)

    def act(cleaned: dict[str, Any]) -> Any:
        d = dict(cleaned)
        decision = None
        if "decision_date" in d:
            decision = get_or_create_decision(
                number=d.pop("decision_number", ""),
                date=d.pop("decision_date"),
                issuer=d.pop("decision_issuer"),
            )
        on, reason = d.pop("on"), d.pop("reason", "")
        org = d.pop("to_org", None)
        if kind == EventKind.TRANSFER_IN and org is None:
            org = member.org
        details = {k: v for k, v in d.items() if v not in (None, "", False)}
        return events.event_record(
            member=member,
            kind=kind,
            on=on,
            org=org,
            decision=decision,
            details=details,
            actor=request.user,
            reason=reason,
        )

    done = submit(request, form, act, _("The event was recorded."), lambda e: member_url(member))
    return done or render(
        request,
        "members/form.html",
        {"form": form, "member": member, "title": EventKind(kind).label},
    )


def member_url(member: PartyMember) -> str:
    return reverse("members:detail", args=[member.pk])


def correct(request: HttpRequest, pk: int, event_id: int) -> HttpResponse:
    member = managed_member(request, pk)
    event = MembershipEvent.objects.filter(
        pk=event_id, member=member, voided_by__isnull=True
    ).first()
    if event is None:
        raise Http404
    if event.kind in LEFT_EVENT_KINDS or is_sensitive_event(event.kind):
        # Which way a member left, or a discipline event, is sensitive (accounts.privacy): it is
        # corrected only by a user who may see it, having said why; to anyone else there is no
        # such event here, whichever of them it is (nor a link to it on the member's page).
        if not can_see_sensitive(request.user, member):
            raise Http404
        if request.method == "GET" and (
            asking := asked_why.member_read(request, member, _("Correct an event"), ["discipline"])
        ):
            return asking
    form = event_forms.CorrectionForm(request.POST or None, initial={"on": event.on})

    def act(d: dict[str, Any]) -> Any:
        replacement = None
        if d["on"]:
            replacement = {
                "kind": event.kind,
                "on": d["on"],
                "org": event.org,
                "decision": event.decision,
                "details": events._details_in(event.details),
            }
        return events.event_correct(
            event=event, reason=d["reason"], actor=request.user, replacement=replacement
        )

    done = submit(
        request, form, act, _("The correction was recorded."), lambda c: member_url(member)
    )
    title = _("Correct: %(event)s") % {"event": str(event)}
    return done or render(
        request, "members/form.html", {"form": form, "member": member, "title": title}
    )


WORK_LIST_SHOWN = 50


def work_list_page(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("org", "")
    if not code:
        roots = scope_roots(request.user)
        if not roots:
            return render(request, "members/no_scope.html")
        code = roots[0].code
    org = get_org(request.user, code)
    lists = worklists.work_list(request.user, org)
    shown = [
        i.member.pk
        for k, items in lists.items()
        if is_sensitive_list(k)
        for i in items
        if i.member is not None
    ]
    if shown:  # the discipline lists, shown to a user with the permission: in the access log
        record_access(
            request,
            request.user,
            action=AccessRecord.Action.VIEW_SENSITIVE,
            purpose=AccessRecord.Purpose.DOSSIER,
            object_type="members.partymember",
            ids=shown,
            org_path=org.path,
            fields=["discipline"],
            summary=_("Work lists") + f" — {org.name}",
        )
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "org": org.code,
                "as_of": today().isoformat(),
                "lists": {k: [i.as_dict() for i in v] for k, v in lists.items()},
                "calendar_missing": worklists.calendar_missing(request.user, org),
            }
        )
    labels = worklists.sections()
    # A province's lists run to hundreds of rows: the first of each, overdue first, and the
    # whole of one list on asking (?tat-ca=<list>).
    whole = request.GET.get("tat-ca", "")
    sections = [
        (k, labels[k], v if k == whole else v[:WORK_LIST_SHOWN], len(v)) for k, v in lists.items()
    ]
    return render(
        request,
        "members/worklist.html",
        {
            "org": org,
            "sections": sections,
            "day": today(),
            "calendar_missing": worklists.calendar_missing(request.user, org),
        },
    )
