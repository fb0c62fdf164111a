"""Pieces shared by the forms of every area."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from dangvu.core.dates import today


class DateInput(forms.DateInput):
    input_type = "text"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(
            format="%d/%m/%Y",
            attrs={
                "placeholder": "dd/mm/yyyy",
                "inputmode": "numeric",
                "autocomplete": "off",
                "class": "date",
            },
        )


class VNDateField(forms.DateField):
    widget = DateInput
    default_error_messages = {"invalid": _("Enter a date as dd/mm/yyyy.")}


class DecisionFormMixin(forms.Form):
    decision_number = forms.CharField(label=_("Decision number"), max_length=64, required=False)
    decision_date = VNDateField(label=_("Decision date"))
    decision_issuer = forms.CharField(label=_("Issuing body"), max_length=200)


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's refusal on the form fields it names, the rest at the top of the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for e in errors:
                form.add_error(target, e.messages[0] if e.messages else str(e))
    else:
        for message in error.messages:
            form.add_error(None, message)


def parse_day(value: str | None) -> tuple[dt.date, bool]:
    """A date from a query parameter (dd/mm/yyyy or yyyy-mm-dd); today when absent or wrong."""
    if not value:
        return today(), True
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value.strip(), fmt).date(), True
        except ValueError:
            continue
    return today(), False
