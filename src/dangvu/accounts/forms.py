"""Forms of the security pages: the purpose of a read, second factor, roles and tokens."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dangvu.accounts.models import AccessRecord, Role
from dangvu.core.forms import VNDateField
from dangvu.orgs.pickers import OrgField


class PurposeForm(forms.Form):
    """Why sensitive data is being read or member data exported (the access log's purpose)."""

    same_html_unbound = True  # core.templatetags.dangvu.form_fields: drawn once, kept
    purpose = forms.ChoiceField(label=_("Purpose"), choices=AccessRecord.Purpose.choices)
    purpose_note = forms.CharField(
        label=_("Details of the purpose"), max_length=300, required=False
    )

    def __init__(self, *args: Any, own_record: bool = False, **kwargs: Any) -> None:
        """`own_record`: the data read is the user's own (only then may that be the purpose)."""
        super().__init__(*args, **kwargs)
        self.own_record = own_record
        if not own_record:  # not offered where it would only be refused
            field = self.fields["purpose"]
            field.choices = [c for c in field.choices if c[0] != AccessRecord.Purpose.OWN]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # A note refused already (too long) is not also reported missing: one message a field.
        note_refused = "purpose_note" in self.errors
        if (
            data.get("purpose") == AccessRecord.Purpose.OTHER
            and not data.get("purpose_note")
            and not note_refused
        ):
            self.add_error("purpose_note", _("Say what the data is needed for."))
        if data.get("purpose") == AccessRecord.Purpose.OWN and not self.own_record:
            self.add_error("purpose", _("This is not your own record: choose the work it is for."))
        return data


class TokenForm(forms.Form):
    code = forms.RegexField(
        label=_("Code from the authenticator app"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("The code has 6 digits.")},
    )


class ApiTokenForm(forms.Form):
    label = forms.CharField(label=_("What the token is for"), max_length=100)
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=366, initial=90)


class GrantForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    org = OrgField(label=_("Organisation"), ability="manage_accounts")
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    valid_from = VNDateField(label=_("Valid from"))
    valid_to = VNDateField(label=_("Valid until (the day after the last)"), required=False)
    sensitive = forms.BooleanField(label=_("May see sensitive personal data"), required=False)
    reason = forms.CharField(label=_("Reason"), max_length=500)


class EndGrantForm(forms.Form):
    on = VNDateField(label=_("Ends on"))
    reason = forms.CharField(label=_("Reason"), max_length=500)


class UserCreateForm(forms.Form):
    username = forms.RegexField(
        label=_("User name"),
        max_length=150,
        regex=r"^[a-z0-9_.-]{3,150}$",
        error_messages={
            "invalid": _("3 or more lower-case letters without diacritics, digits, . _ -")
        },
    )
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("E-mail (for notices)"), required=False)


class UserStateForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)
