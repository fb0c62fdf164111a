"""The page's form for a discipline decision."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dangvu.core.forms import DecisionFormMixin, VNDateField
from dangvu.discipline.models import Penalty


class DisciplineDecisionForm(DecisionFormMixin):
    """A discipline decision on a member (DOMAIN.md §6)."""

    form = forms.ChoiceField(label=_("Form of discipline"), choices=Penalty.choices)
    announced_on = VNDateField(label=_("Announced on"))
    deciding_body = forms.CharField(label=_("Deciding body"), max_length=200)
    violation = forms.CharField(
        label=_("Violation"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    duty_related = forms.BooleanField(
        label=_("Related to the performance of duties"), required=False
    )
