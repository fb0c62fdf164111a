from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dangvu.core.forms import DecisionFormMixin, VNDateField
from dangvu.rules import congress as rules

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


class Count(forms.IntegerField):
    """A count as officers write it: "1.000" is a thousand (the Vietnamese separator), not one;
    at most a million (a congress's people, ballots, votes)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 1_000_000)
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and re.fullmatch(r"\s*\d{1,3}(\.\d{3})+\s*", value):
            value = value.replace(".", "").strip()
        return super().to_python(value)


class MemberChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.person.full_name} ({obj.person.birth_date:%Y})"


class MemberChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.person.full_name} ({obj.person.birth_date:%Y})"


class CongressForm(forms.Form):
    first_year = forms.IntegerField(label=_("Term from"), min_value=2000, max_value=2100)
    last_year = forms.IntegerField(label=_("Term to"), min_value=2000, max_value=2100)
    number = forms.IntegerField(label=_("Congress number"), min_value=1, required=False)
    kind = forms.ChoiceField(label=_("Kind of congress"), choices=rules.CONGRESS_KINDS)
    preparatory_on = VNDateField(label=_("Preparatory session"), required=False)
    opens_on = VNDateField(label=_("Opens on"))
    closes_on = VNDateField(label=_("Closes on"))
    convened = Count(label=_("Official members or delegates convened"), min_value=1)
    present = Count(label=_("Present"))
    appointed = forms.BooleanField(
        label=_("Merged organisation: the committee is appointed by the superior (two contents)"),
        required=False,
    )


class ElectionForm(forms.Form):
    body = forms.ChoiceField(label=_("Elect"), choices=rules.BODIES)
    how = forms.ChoiceField(
        label=_("Held"),
        choices=[c for c in rules.HOW if c[0] != rules.APPOINTED],
    )
    held_on = VNDateField(label=_("Day of the vote"))
    round = forms.IntegerField(label=_("Round"), min_value=1, max_value=20, initial=1)
    seats = Count(label=_("Number to elect"), min_value=1, max_value=2000)
    base_kind = forms.ChoiceField(label=_("Counted against"), choices=rules.CONGRESS_KINDS)
    convened = Count(label=_("Official members or delegates convened"), min_value=1)
    present = Count(label=_("Present"))
    tie_rule = forms.ChoiceField(
        label=_("A tie at the last seat"), choices=rules.TIE_RULES, required=False
    )
    nominees = MemberChoices(
        label=_("The convening committee's list"),
        queryset=None,
        widget=forms.SelectMultiple(attrs={"size": 14}),
    )
    science = MemberChoices(
        label=_("Of them, with a science and technology qualification"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(
        self, *args: Any, members: Any, cell: bool = False, floor_rows: int = 3, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if cell:  # a cell elects its chi ủy, secretary, deputy and delegates (Điều lệ Điều 24)
            body = self.fields["body"]
            assert isinstance(body, forms.ChoiceField)
            body.choices = [c for c in rules.BODIES if c[0] in rules.CELL_BODIES]
        for name in ("nominees", "science"):
            field = self.fields[name]
            assert isinstance(field, MemberChoices)
            field.queryset = members
        for key, label in rules.MEMBER_DEDUCTIONS + rules.DELEGATE_DEDUCTIONS:
            self.fields[f"deduct_{key}"] = Count(
                label=_("Deducted: %(who)s") % {"who": label}, required=False
            )
        for i in range(1, floor_rows + 1):
            self.fields[f"floor_{i}"] = MemberChoice(
                label=_("Nominated from the floor (%(n)s)") % {"n": i},
                queryset=members,
                required=False,
            )
            self.fields[f"floor_{i}_support"] = Count(
                label=_("Agreeing to the nomination (%(n)s)") % {"n": i}, required=False
            )


class CountForm(forms.Form):
    ballots_issued = Count(label=_("Ballots issued"))
    ballots_collected = Count(label=_("Ballots collected"))
    invalid = Count(label=_("Invalid ballots"))

    def __init__(self, *args: Any, nominees: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.nominees = list(nominees)
        for n in self.nominees:
            self.fields[f"votes_{n.pk}"] = Count(
                label=_("Votes for %(name)s") % {"name": n.member.person.full_name}
            )


class VoidForm(forms.Form):
    reason = forms.CharField(label=_("Why it is withdrawn"), max_length=300)


class ApprovalForm(DecisionFormMixin):
    pass


class AppointForm(DecisionFormMixin):
    first_year = forms.IntegerField(label=_("Term from"), min_value=2000, max_value=2100)
    last_year = forms.IntegerField(label=_("Term to"), min_value=2000, max_value=2100)
    body = forms.ChoiceField(label=_("Post"), choices=rules.BODIES)
    members = MemberChoices(
        label=_("Appointed"), queryset=None, widget=forms.SelectMultiple(attrs={"size": 14})
    )
    science = MemberChoices(
        label=_("Of them, with a science and technology qualification"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("members", "science"):
            field = self.fields[name]
            assert isinstance(field, MemberChoices)
            field.queryset = members


class LeaveForm(forms.Form):
    on = VNDateField(label=_("Left on"))
    reason = forms.ChoiceField(label=_("Reason"), choices=rules.LEAVE_REASONS)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Congress document"), choices=rules.DOCUMENTS)
    number = forms.CharField(label=_("Document number"), max_length=64, required=False)
    dated = VNDateField(label=_("Document date"))
    title = forms.CharField(label=_("Document title"), max_length=300)
    file = forms.FileField(label=_("File (PDF or DOCX)"), required=False)

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload is None:
            return None
        if not upload.name.lower().endswith((".pdf", ".docx")):
            raise forms.ValidationError(_("Attach a PDF or DOCX file."))
        if upload.size > MAX_DOCUMENT_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload
