"""The page that records a discipline decision on a member (from the member's page)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from dangvu.accounts.models import Ability
from dangvu.core.changes import get_or_create_decision
from dangvu.core.dates import today
from dangvu.core.forms import submit
from dangvu.discipline.forms import DisciplineDecisionForm
from dangvu.discipline.services import discipline_record
from dangvu.members.event_views import managed_member, member_url


def record(request: HttpRequest, pk: int) -> HttpResponse:
    member = managed_member(request, pk, Ability.MANAGE_DISCIPLINE)
    form = DisciplineDecisionForm(request.POST or None, initial={"announced_on": today()})

    def act(d: dict[str, Any]) -> Any:
        decision = get_or_create_decision(
            number=d["decision_number"], date=d["decision_date"], issuer=d["decision_issuer"]
        )
        return discipline_record(
            member=member,
            form=d["form"],
            decision=decision,
            announced_on=d["announced_on"],
            deciding_body=d["deciding_body"],
            violation=d["violation"],
            duty_related=d["duty_related"],
            actor=request.user,
        )

    done = submit(
        request,
        form,
        act,
        _("The discipline decision was recorded."),
        lambda r: member_url(member),
    )
    return done or render(
        request,
        "members/form.html",
        {"form": form, "member": member, "title": _("Discipline decision")},
    )
