"""One form for each lifecycle event, built from what that event needs (DOMAIN.md §4)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dangvu.core.forms import DecisionFormMixin, VNDateField
from dangvu.members.events import NO_DECISION
from dangvu.members.models import EventKind
from dangvu.rules.charter import REMOVAL_GROUNDS

ORG = forms.CharField(label=_("Party cell code"), max_length=32, required=False)


def _extra(kind: str) -> dict[str, forms.Field]:
    fields: dict[str, forms.Field] = {}
    if kind == EventKind.CEREMONY:
        fields["received_on"] = VNDateField(
            label=_("Date the decision was received"), required=False
        )
        fields["exception"] = forms.CharField(
            label=_("Consent of the superior committee to a late ceremony"),
            required=False,
            max_length=300,
        )
    if kind in (EventKind.TRANSFER_OUT, EventKind.TEMP_TRANSFER_OUT):
        fields["to_org"] = forms.CharField(
            label=_("Receiving party cell code (here)"), max_length=32, required=False
        )
        fields["external_to"] = forms.CharField(
            label=_("Or the receiving organisation elsewhere"), max_length=300, required=False
        )
    if kind == EventKind.TEMP_TRANSFER_OUT:
        fields["until"] = VNDateField(label=_("Planned end"))
        fields["purpose"] = forms.ChoiceField(
            label=_("Purpose"),
            choices=[("work", _("Work or residence")), ("study", _("Full-time study in Vietnam"))],
        )
    if kind in (EventKind.TRANSFER_IN, EventKind.TEMP_TRANSFER_IN):
        fields["to_org"] = forms.CharField(
            label=_("Receiving party cell code"), max_length=32, required=False
        )
        fields["external_from"] = forms.CharField(
            label=_("Coming from an organisation elsewhere"), max_length=300, required=False
        )
        fields["explanation"] = forms.CharField(
            label=_("Explanation of a late presentation"), max_length=300, required=False
        )
    if kind == EventKind.TEMP_EXEMPTION:
        fields["until"] = VNDateField(label=_("Until"))
    if kind == EventKind.EXEMPTION:
        fields["ground"] = forms.ChoiceField(
            label=_("Ground"), choices=[("age", _("Advanced age")), ("health", _("Poor health"))]
        )
    if kind == EventKind.REMOVAL:
        fields["ground"] = forms.ChoiceField(
            label=_("Ground"), choices=list(REMOVAL_GROUNDS.items())
        )
    if kind in (EventKind.RESTORATION, EventKind.READMISSION):
        fields["to_org"] = forms.CharField(label=_("Party cell code"), max_length=32)
    if kind == EventKind.READMISSION:
        fields["vote_date"] = VNDateField(label=_("Date of the cell's vote"), required=False)
        fields["hardship"] = forms.BooleanField(
            label=_("Left because of extreme family hardship"), required=False
        )
    return fields


def event_form(kind: str, data: Any = None, initial: dict[str, Any] | None = None) -> forms.Form:
    base: type[forms.Form] = forms.Form if kind in NO_DECISION else DecisionFormMixin
    attrs: dict[str, Any] = {"on": VNDateField(label=_("Effective date"))}
    attrs.update(_extra(kind))
    attrs["reason"] = forms.CharField(
        label=_("Note"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    form_class = type(f"{kind}Form", (base,), attrs)
    return form_class(data, initial=initial)


class CorrectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    on = VNDateField(label=_("Right date (leave empty to cancel the event)"), required=False)
