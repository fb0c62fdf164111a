"""One form for each lifecycle event, built from what that event needs (DOMAIN.md §4)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dangvu.core.forms import DecisionFormMixin, VNDateField
from dangvu.members import kinds
from dangvu.members.events import NO_DECISION


def event_form(kind: str, data: Any = None, initial: dict[str, Any] | None = None) -> forms.Form:
    base: type[forms.Form] = forms.Form if kind in NO_DECISION else DecisionFormMixin
    attrs: dict[str, Any] = {"on": VNDateField(label=_("Effective date"))}
    attrs.update(kinds.fields_of(kind))
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
