from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dangvu.core.forms import DecisionFormMixin, VNDateField
from dangvu.orgs.models import Category, Kind
from dangvu.orgs.pickers import OrgField


class OrgCreateForm(DecisionFormMixin):
    code = forms.CharField(
        label=_("Code"), max_length=32, help_text=_("For example TU-NT or CB-PHUOC-HAI-01.")
    )
    name = forms.CharField(label=_("Name"), max_length=255)
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    category = forms.ChoiceField(
        label=_("Base-unit category"), choices=[("", "—"), *Category.choices], required=False
    )
    established_on = VNDateField(label=_("Established on"))
    reason = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class OrgRenameForm(DecisionFormMixin):
    name = forms.CharField(label=_("New name"), max_length=255)
    on = VNDateField(label=_("Effective date"))
    reason = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class OrgMoveForm(DecisionFormMixin):
    parent = OrgField(label=_("New superior organisation"), ability="manage_orgs")
    on = VNDateField(label=_("Effective date"))
    reason = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class OrgDissolveForm(DecisionFormMixin):
    on = VNDateField(label=_("Effective date"))
    reason = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
