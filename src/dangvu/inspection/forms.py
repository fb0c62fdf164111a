"""The forms of the inspection pages: each maps onto one service of inspection/services.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dangvu.core.forms import DecisionFormMixin, VNDateField
from dangvu.discipline.models import Penalty
from dangvu.inspection.models import Named
from dangvu.inspection.services import FOUNDED_LABELS
from dangvu.rules import inspection as rules

ORG_ITSELF = "org"
CHOOSE: tuple[str, Any] = ("", _("— choose —"))


def blank(choices: Any) -> list[tuple[str, Any]]:
    """Nothing chosen until the officer chooses: a mistaken default is not saved unnoticed."""
    return [CHOOSE, *choices]


def _object_choices(people: list[tuple[int, str]], org_label: str) -> list[tuple[str, Any]]:
    return [CHOOSE, (ORG_ITSELF, org_label)] + [(str(pk), name) for pk, name in people]


class ObjectMixin(forms.Form):
    """The object: the organisation chosen (?doi-tuong=) or one of its members."""

    object = forms.ChoiceField(label=_("Object"))
    committee_member = forms.BooleanField(label=_("Committee member"), required=False)
    higher_managed = forms.BooleanField(label=_("Managed by a higher level"), required=False)

    def __init__(
        self, *args: Any, people: list[tuple[int, str]], org_label: str, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["object"].choices = _object_choices(people, org_label)  # type: ignore[attr-defined]


class CaseForm(DecisionFormMixin, ObjectMixin):
    body = forms.ChoiceField(label=_("Inspecting body"), choices=rules.SUBJECTS)
    kind = forms.ChoiceField(label=_("Kind"), choices=blank(rules.CASE_KINDS))
    content = forms.ChoiceField(label=_("Content"), choices=blank(rules.CONTENTS))
    summary = forms.CharField(
        label=_("What is inspected or supervised"), widget=forms.Textarea(attrs={"rows": 3})
    )
    plan = forms.CharField(
        label=_("Plan (time, method, team)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    finance_office = forms.BooleanField(
        label=_("The object is the finance office of the same level"), required=False
    )

    field_order = [
        "body",
        "kind",
        "object",
        "committee_member",
        "higher_managed",
        "finance_office",
        "content",
        "summary",
        "plan",
        "decision_number",
        "decision_date",
        "decision_issuer",
    ]


class StepForm(forms.Form):
    step = forms.ChoiceField(
        label=_("Step"),
        choices=[(k, v) for k, v in rules.STEPS if k not in (rules.DECISION, rules.CONCLUSION)],
    )
    on = VNDateField(label=_("On"))
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ConclusionForm(forms.Form):
    degree = forms.ChoiceField(label=_("Conclusion"), choices=blank(rules.DEGREES))
    conclusion = forms.CharField(
        label=_("Text of the conclusion"), widget=forms.Textarea(attrs={"rows": 3})
    )
    discipline_form = forms.ChoiceField(
        label=_("Discipline recommended"),
        choices=[("", "—"), *Penalty.choices],
        required=False,
    )
    on = VNDateField(label=_("Concluded on"))


class DisciplineForm(DecisionFormMixin):
    form = forms.ChoiceField(label=_("Form of discipline"), choices=Penalty.choices)
    announced_on = VNDateField(label=_("Announced on"))
    deciding_body = forms.CharField(label=_("Deciding body"), max_length=200)


class NameForm(forms.Form):
    user = forms.ChoiceField(label=_("Person"))
    role = forms.ChoiceField(label=_("Role on the case"), choices=Named.Role.choices)
    since = VNDateField(label=_("Since"))

    def __init__(self, *args: Any, users: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [(str(pk), name) for pk, name in users]  # type: ignore[attr-defined]


class ProgrammeForm(forms.Form):
    body = forms.ChoiceField(label=_("Inspecting body"), choices=rules.SUBJECTS)
    number = forms.CharField(label=_("Number"), max_length=64, required=False)
    adopted_on = VNDateField(label=_("Adopted on"))
    from_template = forms.BooleanField(
        label=_("Fill in from the cell's template (members to inspect and supervise)"),
        required=False,
    )


class ItemForm(ObjectMixin):
    kind = forms.ChoiceField(label=_("Kind"), choices=blank(rules.CASE_KINDS))
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 2}))
    month = forms.TypedChoiceField(
        label=_("Month"), choices=[(m, f"{m:02d}") for m in range(1, 13)], coerce=int
    )
    planned = forms.BooleanField(label=_("In the plan at the start of the year"), required=False)

    field_order = ["kind", "object", "committee_member", "higher_managed", "content", "month"]


class DenunciationForm(forms.Form):
    body = forms.ChoiceField(label=_("Resolving body"), choices=blank(rules.SUBJECTS))
    received_on = VNDateField(label=_("Received by the competent body on"))
    against = forms.ChoiceField(label=_("Denounced"))
    central_cadre = forms.BooleanField(
        label=_("A cadre managed by the Central Committee"), required=False
    )
    category = forms.ChoiceField(label=_("Content"), choices=rules.CONTENTS)
    content = forms.CharField(
        label=_("What is denounced"), widget=forms.Textarea(attrs={"rows": 3})
    )
    named = forms.BooleanField(label=_("Named, with an address"), required=False)
    denouncer = forms.CharField(label=_("Denouncer"), max_length=200, required=False)
    denouncer_address = forms.CharField(
        label=_("Denouncer's address"), max_length=300, required=False
    )
    concrete = forms.BooleanField(label=_("Concrete content"), required=False)
    concluded_before = forms.BooleanField(label=_("Concluded before"), required=False)
    new_facts = forms.BooleanField(label=_("With new facts"), required=False)
    withdrawn = forms.BooleanField(label=_("Withdrawn by the denouncer"), required=False)
    coerced = forms.BooleanField(label=_("Withdrawn under coercion"), required=False)

    def __init__(
        self, *args: Any, people: list[tuple[int, str]], org_label: str, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["against"].choices = _object_choices(people, org_label)  # type: ignore[attr-defined]


class ResolveForm(forms.Form):
    founded = forms.ChoiceField(label=_("Outcome"), choices=list(FOUNDED_LABELS.items()))
    resolved_on = VNDateField(label=_("Resolved on"))
    notified_on = VNDateField(label=_("Denouncer notified on"), required=False)


class ExtendForm(forms.Form):
    days = forms.IntegerField(label=_("Extend by (days)"), min_value=1, max_value=365)


class ComplaintForm(forms.Form):
    discipline = forms.ChoiceField(label=_("Discipline decision complained of"))
    deciding_level = forms.ChoiceField(
        label=_("Level that decided the discipline"),
        choices=blank(c for c in rules.COMPLAINT_LEVELS if c[0] not in rules.CENTRAL_LEVELS),
    )
    level = forms.ChoiceField(
        label=_("Level resolving it"),
        choices=[c for c in rules.COMPLAINT_LEVELS if c[0] != rules.LEVEL_CELL],
    )
    own_inspection = forms.BooleanField(
        label=_("Against a decision of this level's own inspection committee"), required=False
    )
    received_decision_on = VNDateField(label=_("Decision received on"))
    filed_on = VNDateField(label=_("Filed on"))
    content = forms.CharField(
        label=_("What is complained of"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, decisions: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["discipline"].choices = [(str(pk), label) for pk, label in decisions]  # type: ignore[attr-defined]


class ComplaintOutcomeForm(DecisionFormMixin):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=rules.COMPLAINT_OUTCOMES)
    new_form = forms.ChoiceField(
        label=_("New form of discipline"), choices=[("", "—"), *Penalty.choices], required=False
    )
    resolved_on = VNDateField(label=_("Resolved on"))
    deciding_body = forms.CharField(label=_("Resolving body"), max_length=200)


class NoticeForm(forms.Form):
    member = forms.ChoiceField(label=_("Party member"))
    sender = forms.CharField(label=_("Body that notified"), max_length=200)
    measure = forms.CharField(label=_("Measure taken (suspension, discipline)"), max_length=300)
    decided_on = VNDateField(label=_("Decided on"))
    received_on = VNDateField(label=_("Received on"))

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [(str(pk), name) for pk, name in people]  # type: ignore[attr-defined]


class DayForm(forms.Form):
    on = VNDateField(label=_("On"))
