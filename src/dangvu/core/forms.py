"""Pieces shared by the forms of every area."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from dangvu.core.dates import in_range, today


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
            found = dt.datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
        return (found, True) if in_range(found) else (today(), False)
    return today(), False


def day_asked(request: Any) -> dt.date:
    """The day a page is asked for (?ngay=dd/mm/yyyy); today, with a warning on the page, when the
    date cannot be read."""
    day, ok = parse_day(request.GET.get("ngay"))
    if not ok:
        messages.warning(
            request, _("The date was not understood; showing today. Write it as dd/mm/yyyy.")
        )
    return day


def submit(
    request: Any,
    form: forms.Form,
    act: Callable[[dict[str, Any]], Any],
    done: str,
    success_url: Callable[[Any], str],
) -> HttpResponse | None:
    """Run a service from a valid posted form in one transaction: on success a message and a
    redirect; on refusal the service's reasons on the form's fields, nothing written (None)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        with transaction.atomic():
            result = act(form.cleaned_data)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None
    messages.success(request, done)
    return redirect(success_url(result))
