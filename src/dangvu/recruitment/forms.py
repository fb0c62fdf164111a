from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dangvu.core.forms import DecisionFormMixin, VNDateField
from dangvu.members.forms import PersonForm
from dangvu.rules import recruitment as rules


class CandidateForm(PersonForm):
    """The person as on the Union's list, then where they come from (the paper's order)."""

    kind = forms.ChoiceField(label=_("Candidate"), choices=rules.KINDS)
    source_kind = forms.ChoiceField(label=_("Introduced from"), choices=rules.SOURCES)
    introduced_by = forms.CharField(
        label=_("Introducing body"),
        max_length=200,
        help_text=_("e.g. Ban Chấp hành Đoàn xã Phước Hải"),
    )
    introduced_number = forms.CharField(label=_("Resolution number"), max_length=64, required=False)
    introduced_on = VNDateField(label=_("Resolution date"))
    education_exception = forms.ChoiceField(
        label=_("Education exception"), choices=rules.EDUCATION_EXCEPTIONS, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("card_number", "dossier_number", "academic_title", "theory_level"):
            self.fields.pop(name)  # a member's, not an applicant's


class MemberChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.person.full_name)


class RecogniseForm(forms.Form):
    recognised_on = VNDateField(label=_("Recognised as a candidate on"))
    recognised_by = forms.CharField(label=_("By the committee"), max_length=200)
    helper = MemberChoice(label=_("Helping member"), queryset=None, required=False)

    def __init__(self, *args: Any, members: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["helper"].queryset = members  # type: ignore[attr-defined]


class ConsentForm(DecisionFormMixin):
    """The provincial standing committee's written consent for a person over 60 (§4.1)."""


class CertificateForm(forms.Form):
    course = forms.CharField(label=_("Course"), max_length=200, required=False)
    certificate_issuer = forms.CharField(label=_("Issued by"), max_length=200)
    certificate_number = forms.CharField(
        label=_("Certificate number"), max_length=64, required=False
    )
    certificate_on = VNDateField(label=_("Certificate date"))


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=rules.DOCUMENTS)
    dated = VNDateField(label=_("Dated"))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    introducer = MemberChoice(
        label=_("Introducing member (for an introduction)"), queryset=None, required=False
    )
    worked_since = VNDateField(label=_("Worked with the applicant since"), required=False)
    replacement = forms.BooleanField(
        label=_("Assigned by the cell to replace an introducer"), required=False
    )

    def __init__(self, *args: Any, members: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["introducer"].queryset = members  # type: ignore[attr-defined]


class VerificationForm(forms.Form):
    relation = forms.ChoiceField(label=_("Person verified"), choices=rules.RELATIONS)
    name = forms.CharField(label=_("Full name"), max_length=200)
    party_member = forms.BooleanField(label=_("A party member"), required=False)
    fully_declared = forms.BooleanField(label=_("Declared fully"), required=False)
    requested_on = VNDateField(label=_("Request sent on"), required=False)
    answered_on = VNDateField(label=_("Answer received on"), required=False)
    report = forms.CharField(label=_("Verifier's report"), max_length=500, required=False)
    concluded_on = VNDateField(label=_("Concluded on"), required=False)
    conclusion = forms.CharField(label=_("Conclusion"), max_length=500, required=False)


class CellVoteForm(forms.Form):
    cell_vote_on = VNDateField(label=_("The cell met on"))
    cell_in_favour = forms.IntegerField(label=_("Official members in favour"), min_value=0)


class CommitteeVoteForm(forms.Form):
    committee_vote_on = VNDateField(label=_("The committee met on"))
    committee_voters = forms.IntegerField(label=_("Committee members"), min_value=1)
    committee_in_favour = forms.IntegerField(label=_("Members in favour"), min_value=0)


class SentUpForm(forms.Form):
    sent_up_on = VNDateField(label=_("The competent committee received the proposal on"))
    extension_days = forms.IntegerField(
        label=_("Extension (working days, at most 30)"), min_value=0, required=False
    )
    extension_reason = forms.CharField(label=_("Reason for the extension"), required=False)


class AdmitForm(DecisionFormMixin):
    late_reason = forms.CharField(
        label=_("Why the decision is late (only if it is)"), max_length=300, required=False
    )


class CloseForm(forms.Form):
    status = forms.ChoiceField(
        label=_("The file ends"),
        choices=[("refused", _("Not admitted")), ("withdrawn", _("Withdrawn"))],
    )
    status_on = VNDateField(label=_("On"))
    status_reason = forms.CharField(label=_("Reason"), max_length=300)


class MemberFormForm(forms.Form):
    member_form_on = VNDateField(label=_("The member form was completed on"))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("The Union's list (Excel)"))
