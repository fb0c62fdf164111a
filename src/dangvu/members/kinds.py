"""One entry per lifecycle event kind (issue 22, point 3): what the page asks for it, whether it
needs a decision, which check beyond the order it has, whether a person records it and where the
member page offers it, how the reports count it, whether it is discipline.

Adding a kind touches its entry here, `EventKind` (with a migration for the choices and the label's
translation) and its handler `on_<kind>` in the engine (members/lifecycle.py). The form
(members.event_forms), the service's checks (members.events), what may follow
(following.may_follow over `offered()`), the reports' flows (reports.indicators) and the privacy
list (accounts.privacy, registered at start-up) read it from here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dangvu.core.forms import VNDateField
from dangvu.members import checks
from dangvu.members.models import EventKind, PartyMember
from dangvu.orgs.pickers import ANYWHERE, OrgField
from dangvu.rules.charter import REMOVAL_GROUNDS

Check = Callable[[PartyMember, dt.date, dict[str, Any]], None]


@dataclass(frozen=True)
class Kind:
    kind: str
    # the event form's own fields, beyond the effective date, the decision and the note
    fields: Callable[[], dict[str, forms.Field]] = dict
    needs_decision: bool = True
    check: Check | None = None
    # where the member page offers it (None: never recorded by hand — an admission opens a record
    # on its own page, a reassignment is written by a restructuring, an expulsion by a discipline
    # decision)
    menu: int | None = None
    # how the reports count it: "entry" into the Party's lists here, "exit" out of them; an
    # "arrival" is counted by the organisation arrived in
    flow: str | None = None
    arrival: bool = False
    # discipline: hidden without the permission (accounts.privacy)
    sensitive: bool = False


def _ceremony() -> dict[str, forms.Field]:
    return {
        "received_on": VNDateField(label=_("Date the decision was received"), required=False),
        "exception": forms.CharField(
            label=_("Consent of the superior committee to a late ceremony"),
            required=False,
            max_length=300,
        ),
    }


def _going() -> dict[str, forms.Field]:
    return {
        "to_org": OrgField(
            label=_("Receiving party cell (here)"),
            ability=ANYWHERE,
            cells_only=True,
            required=False,
        ),
        "external_to": forms.CharField(
            label=_("Or the receiving organisation elsewhere"), max_length=300, required=False
        ),
    }


def _going_for_a_while() -> dict[str, forms.Field]:
    return {
        **_going(),
        "until": VNDateField(label=_("Planned end")),
        "purpose": forms.ChoiceField(
            label=_("Purpose"),
            choices=[("work", _("Work or residence")), ("study", _("Full-time study in Vietnam"))],
        ),
    }


def _coming() -> dict[str, forms.Field]:
    return {
        "to_org": OrgField(
            label=_("Receiving party cell"),
            ability="manage_members",
            cells_only=True,
            required=False,
        ),
        "external_from": forms.CharField(
            label=_("Coming from an organisation elsewhere"), max_length=300, required=False
        ),
        "explanation": forms.CharField(
            label=_("Explanation of a late presentation"), max_length=300, required=False
        ),
    }


def _until() -> dict[str, forms.Field]:
    return {"until": VNDateField(label=_("Until"))}


def _exemption() -> dict[str, forms.Field]:
    return {
        "ground": forms.ChoiceField(
            label=_("Ground"), choices=[("age", _("Advanced age")), ("health", _("Poor health"))]
        )
    }


def _removal() -> dict[str, forms.Field]:
    return {"ground": forms.ChoiceField(label=_("Ground"), choices=list(REMOVAL_GROUNDS.items()))}


def _back() -> dict[str, forms.Field]:
    return {"to_org": OrgField(label=_("Party cell"), ability="manage_members", cells_only=True)}


def _readmission() -> dict[str, forms.Field]:
    return {
        **_back(),
        "vote_date": VNDateField(label=_("Date of the cell's vote"), required=False),
        "hardship": forms.BooleanField(
            label=_("Left because of extreme family hardship"), required=False
        ),
    }


E = EventKind
KINDS: dict[str, Kind] = {
    k.kind: k
    for k in (
        # entries, in the order the reports list them
        Kind(E.ADMISSION, check=checks.check_admission_age, flow="entry", arrival=True),
        Kind(
            E.READMISSION,
            fields=_readmission,
            check=checks.check_admission_age,
            menu=18,
            flow="entry",
            arrival=True,
        ),
        Kind(E.RESTORATION, fields=_back, menu=17, flow="entry", arrival=True),
        Kind(
            E.TRANSFER_IN,
            fields=_coming,
            needs_decision=False,
            check=checks.check_transfer_in,
            menu=16,
            flow="entry",
            arrival=True,
        ),
        # exits, in the order the reports list them
        Kind(E.DEATH, needs_decision=False, menu=15, flow="exit"),
        Kind(E.EXPULSION, flow="exit", sensitive=True),
        Kind(E.REMOVAL, fields=_removal, menu=13, flow="exit"),
        Kind(E.RESIGNATION, menu=14, flow="exit"),
        Kind(E.TRANSFER_OUT, fields=_going, menu=3, flow="exit"),
        # the rest, in the member page's order
        Kind(
            E.CEREMONY, fields=_ceremony, needs_decision=False, check=checks.check_ceremony, menu=1
        ),
        Kind(E.RECOGNITION, menu=2),
        Kind(
            E.TEMP_TRANSFER_OUT, fields=_going_for_a_while, check=checks.check_temp_transfer, menu=4
        ),
        Kind(
            E.TEMP_TRANSFER_IN,
            fields=_coming,
            needs_decision=False,
            check=checks.check_transfer_in,
            menu=5,
            arrival=True,
        ),
        Kind(E.TEMP_TRANSFER_END, needs_decision=False, menu=6),
        Kind(E.EXEMPTION, fields=_exemption, check=checks.check_exemption, menu=7),
        Kind(E.EXEMPTION_END, menu=8),
        Kind(E.TEMP_EXEMPTION, fields=_until, menu=9),
        Kind(E.TEMP_EXEMPTION_END, menu=10),
        Kind(E.SUSPENSION, menu=11, sensitive=True),
        Kind(E.SUSPENSION_END, menu=12, sensitive=True),
        Kind(E.REASSIGNMENT),
    )
}


def kind(code: str) -> Kind:
    return KINDS.get(code) or Kind(code)


def fields_of(code: str) -> dict[str, forms.Field]:
    return kind(code).fields()


def check_of(code: str) -> Check | None:
    return kind(code).check


def without_decision() -> set[str]:
    return {k for k, spec in KINDS.items() if not spec.needs_decision}


def offered() -> tuple[str, ...]:
    """The kinds a person records on a member, in the member page's order."""
    return tuple(k for k, s in sorted(KINDS.items(), key=lambda i: i[1].menu or 0) if s.menu)


def of_flow(flow: str) -> tuple[str, ...]:
    return tuple(k for k, s in KINDS.items() if s.flow == flow)


def arrivals() -> tuple[str, ...]:
    return tuple(k for k, s in KINDS.items() if s.arrival)


def sensitive() -> frozenset[str]:
    return frozenset(k for k, s in KINDS.items() if s.sensitive)
