from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dangvu.core.forms import DecisionFormMixin, VNDateField
from dangvu.members.selectors import MemberFilters
from dangvu.orgs.pickers import OrgField
from dangvu.rules import reference as ref


class PersonForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    sex = forms.ChoiceField(label=_("Sex"), choices=ref.SEXES)
    birth_date = VNDateField(label=_("Date of birth"))
    ethnicity = forms.ChoiceField(label=_("Ethnicity"), choices=ref.ETHNIC_GROUPS, initial=ref.KINH)
    religion = forms.ChoiceField(label=_("Religion"), choices=ref.RELIGIONS, initial="none")
    citizen_id = forms.CharField(label=_("Citizen ID (12 digits)"), max_length=20, required=False)
    hometown = forms.CharField(label=_("Home town"), max_length=255, required=False)
    residence = forms.CharField(label=_("Residence"), max_length=255, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    health = forms.CharField(label=_("Health"), max_length=255, required=False)
    family = forms.CharField(
        label=_("Family details"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    general_education = forms.ChoiceField(
        label=_("General education"), choices=ref.GENERAL_EDUCATION, initial="thpt"
    )
    professional_level = forms.ChoiceField(
        label=_("Professional level"), choices=ref.PROFESSIONAL_LEVELS
    )
    academic_title = forms.ChoiceField(label=_("Academic title"), choices=ref.ACADEMIC_TITLES)
    theory_level = forms.ChoiceField(label=_("Political theory level"), choices=ref.THEORY_LEVELS)
    occupation = forms.ChoiceField(label=_("Occupation"), choices=ref.OCCUPATIONS, initial="other")
    card_number = forms.CharField(label=_("Party card number"), max_length=20, required=False)
    dossier_number = forms.CharField(label=_("Dossier number"), max_length=20, required=False)


class MemberEditForm(PersonForm):
    effective = VNDateField(
        label=_("The change takes effect from"),
        required=False,
        help_text=_(
            "For occupation, schooling, degrees, political theory and religion: reports for "
            "earlier days keep the old value. Empty: today."
        ),
    )
    correction = forms.BooleanField(
        label=_("This is a correction: the old value was wrong from the start"),
        required=False,
        help_text=_(
            "Reports for earlier days then change too, and list this correction. A change of sex, "
            "date of birth or ethnicity is always a correction."
        ),
    )
    reason = forms.CharField(
        label=_("Reason for the change"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class AdmitForm(PersonForm, DecisionFormMixin):
    """In the order of the paper dossier: the cell, the person, then the decision."""

    org = OrgField(label=_("Party cell"), ability="manage_members", cells_only=True)
    ceremony_date = VNDateField(label=_("Admission ceremony date"), required=False)
    recognised = forms.BooleanField(
        label=_("Already recognised as an official member (12 months after the ceremony)"),
        required=False,
    )

    field_order = [
        "org",
        *PersonForm.base_fields,
        *DecisionFormMixin.base_fields,
        "ceremony_date",
        "recognised",
    ]


class OrgChoiceForm(forms.Form):
    """The organisation whose members are listed, chosen with the picker."""

    org = OrgField(label=_("Organisation"), required=False)


def _kept(choices: list[tuple[str, Any]]) -> Callable[[], list[tuple[str, Any]]]:
    """A filter's choices, given to the field as a function: a form's fields are deep-copied for
    every form made, and the list's seven lists of choices were copied for every page of the roll
    (a tenth of its time); a function is copied as itself (issue 28)."""
    return lambda: choices


class FilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(
            attrs={"placeholder": _("Name, citizen ID or card number"), "type": "search"}
        ),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=_kept(
            [
                ("active", _("In the list (official and probationary)")),
                ("official", _("Official")),
                ("probationary", _("Probationary")),
                ("left", _("Left the Party (removed, expelled or resigned)")),
                ("removed", _("Removed")),
                ("expelled", _("Expelled")),
                ("resigned", _("Resigned")),
                ("deceased", _("Deceased")),
                ("transferred_out", _("Transferred out")),
            ]
        ),
    )
    sex = forms.ChoiceField(
        label=_("Sex"), required=False, choices=_kept([("", _("All")), *ref.SEXES])
    )
    age_band = forms.ChoiceField(
        label=_("Age"),
        required=False,
        choices=_kept([("", _("All")), *ref.AGE_BAND_LABELS.items()]),
    )
    ethnicity = forms.ChoiceField(
        label=_("Ethnicity"),
        required=False,
        choices=_kept([("", _("All")), ("minority", _("Ethnic minorities")), *ref.ETHNIC_GROUPS]),
    )
    religion = forms.ChoiceField(
        label=_("Religion"),
        required=False,
        choices=_kept([("", _("All")), ("any", _("Any religion")), *ref.RELIGIONS]),
    )
    general_education = forms.ChoiceField(
        label=_("General education"),
        required=False,
        choices=_kept([("", _("All")), *ref.GENERAL_EDUCATION]),
    )
    theory_level = forms.ChoiceField(
        label=_("Political theory"),
        required=False,
        choices=_kept([("", _("All")), *ref.THEORY_LEVELS]),
    )
    admission_year = forms.IntegerField(
        label=_("Year of admission"),
        required=False,
        min_value=1930,
        max_value=2100,
        error_messages={"invalid": _("Enter a year in digits, such as 2024.")},
    )


def filter_problems(form: FilterForm) -> list[tuple[str, str]]:
    """(the filter's label, why its value was left out) for each filter not applied."""
    form.is_valid()
    return [
        (str(form.fields[name].label), " ".join(str(e) for e in errors))
        for name, errors in form.errors.items()
        if name in form.fields
    ]


def filters_of(form: FilterForm) -> MemberFilters:
    """The list's filters as the form gives them: those whose values are valid. A value that is
    not (a year typed as words, a choice no longer offered) is left out, and the page says so
    (`filter_problems`), rather than every filter being dropped without a word."""
    if not form.is_bound:  # no filter asked
        return MemberFilters()
    form.is_valid()
    d = form.cleaned_data
    ethnicity = d.get("ethnicity") or ""
    return MemberFilters(
        q=d.get("q") or "",
        status=d.get("status") or "active",
        sex=d.get("sex") or "",
        age_band=d.get("age_band") or "",
        ethnicity="" if ethnicity == "minority" else ethnicity,
        minority=ethnicity == "minority",
        religion=d.get("religion") or "",
        general_education=d.get("general_education") or "",
        theory_level=d.get("theory_level") or "",
        admission_year=d.get("admission_year"),
    )
