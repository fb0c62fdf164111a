"""The forms of cell life, political education and dues. Their errors are in Vietnamese and name
the field; the rules themselves are the services' (activities/services.py, activities/dues.py)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dangvu.activities.models import CHANNELS
from dangvu.core.forms import VNDateField
from dangvu.rules import activities as rules
from dangvu.rules import dues as dues_rules


class TimeInput(forms.TimeInput):
    input_type = "time"


class MonthField(forms.DateField):
    """A month as mm/yyyy."""

    input_formats = ["%m/%Y", "%Y-%m"]
    widget = forms.DateInput(
        format="%m/%Y", attrs={"placeholder": "mm/yyyy", "inputmode": "numeric", "size": 8}
    )
    default_error_messages = {"invalid": _("Enter a month as mm/yyyy.")}


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=rules.MEETING_KINDS, initial=rules.REGULAR)
    held_on = VNDateField(label=_("Day of the meeting"))
    starts = forms.TimeField(label=_("Starts at"), widget=TimeInput)
    ends = forms.TimeField(label=_("Ends at"), widget=TimeInput)
    topic = forms.CharField(label=_("Topic (thematic meeting)"), max_length=300, required=False)
    chair = forms.TypedChoiceField(
        label=_("Chair"),
        coerce=int,
        choices=(),
        error_messages={"invalid_choice": _("Choose a member on the roll of that day.")},
    )
    minute_taker = forms.TypedChoiceField(
        label=_("Minute-taker"),
        coerce=int,
        choices=(),
        error_messages={"invalid_choice": _("Choose a member on the roll of that day.")},
    )
    superior_attendee = forms.CharField(
        label=_("Attending for the superior"), max_length=200, required=False
    )
    documents_shared_on = VNDateField(label=_("Documents sent to members on"), required=False)
    agenda = forms.CharField(
        label=_("Agenda"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    minutes = forms.CharField(
        label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    conclusions = forms.CharField(
        label=_("Conclusions"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    resolution = forms.CharField(label=_("Resolution voted"), max_length=2000, required=False)
    in_favour = forms.IntegerField(label=_("In favour"), min_value=0, required=False)
    against = forms.IntegerField(label=_("Against"), min_value=0, required=False)
    abstain = forms.IntegerField(label=_("Abstaining"), min_value=0, required=False)
    preparation = forms.BooleanField(label=_("Preparation met the guidance"), required=False)
    conduct = forms.BooleanField(
        label=_("Conducted as guided (agenda, speakers, time)"), required=False
    )
    principles = forms.BooleanField(label=_("Principles of party life kept"), required=False)
    results = forms.BooleanField(label=_("Earlier resolutions carried out"), required=False)

    def __init__(self, *args: object, people: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        choices = [("", "—"), *people]
        self.fields["chair"].choices = choices  # type: ignore[attr-defined]
        self.fields["minute_taker"].choices = choices  # type: ignore[attr-defined]


class PlanForm(forms.Form):
    fixed_day = forms.IntegerField(
        label=_("Fixed day of the month"), min_value=1, max_value=28, required=False
    )
    q1 = forms.CharField(label=_("Thematic meeting, quarter 1"), max_length=300, required=False)
    q2 = forms.CharField(label=_("Thematic meeting, quarter 2"), max_length=300, required=False)
    q3 = forms.CharField(label=_("Thematic meeting, quarter 3"), max_length=300, required=False)
    q4 = forms.CharField(label=_("Thematic meeting, quarter 4"), max_length=300, required=False)
    short_minutes = forms.IntegerField(
        label=_("Shorter meeting time allowed (minutes)"), min_value=15, required=False
    )
    short_decision = forms.CharField(
        label=_("Decision allowing it"), max_length=200, required=False
    )
    reported_on = VNDateField(label=_("Reported to the superior on"), required=False)


class BasisForm(forms.Form):
    since = MonthField(label=_("From the month"))
    category = forms.ChoiceField(label=_("Category"), choices=dues_rules.CATEGORIES)
    amount = forms.IntegerField(
        label=_("Salary, benefit or pension (đồng)"), min_value=0, required=False
    )
    region = forms.ChoiceField(label=_("Region of the minimum wage"), choices=dues_rules.REGIONS)


class ReliefForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Ground"),
        choices=[*dues_rules.RELIEF_GROUNDS, (dues_rules.DEFERRAL, _("Deferral (paid later)"))],
    )
    percent = forms.TypedChoiceField(
        label=_("Reduction"),
        coerce=int,
        choices=[(p, f"{p} %") for p in dues_rules.REDUCTIONS],
        initial=100,
    )
    first = MonthField(label=_("From the month"))
    last = MonthField(label=_("To the month"), required=False)
    decision = forms.CharField(label=_("The cell's decision"), max_length=200)


class PaymentForm(forms.Form):
    paid_on = VNDateField(label=_("Paid on"))
    first = MonthField(label=_("For the month"))
    last = MonthField(label=_("To the month (paying ahead)"), required=False)
    amount = forms.IntegerField(label=_("Amount (đồng)"), min_value=1)
    channel = forms.ChoiceField(label=_("Paid through"), choices=CHANNELS)
    receipt = forms.CharField(
        label=_("Receipt or transaction number"),
        max_length=64,
        required=False,
        help_text=_("Left empty for cash, the cell's next receipt number."),
    )


class StatementForm(forms.Form):
    file = forms.FileField(label=_("The portal's statement (XLSX or CSV)"))


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=rules.DOCUMENT_KINDS)
    number = forms.CharField(label=_("Number"), max_length=64)
    title = forms.CharField(label=_("Title"), max_length=400)
    issuer = forms.CharField(label=_("Issued by"), max_length=200)
    level = forms.ChoiceField(label=_("Level of the issuer"), choices=rules.ISSUER_LEVELS)
    issued_on = VNDateField(label=_("Issued on"))
    deadline_province = VNDateField(label=_("Deadline for the province"), required=False)
    deadline_commune = VNDateField(label=_("Deadline for communes and wards"), required=False)
    deadline_grassroots = VNDateField(label=_("Deadline for the grassroots"), required=False)


class SessionForm(forms.Form):
    held_on = VNDateField(label=_("Held on"))
    level = forms.ChoiceField(label=_("Level of the session"), choices=rules.ISSUER_LEVELS)
    mode = forms.ChoiceField(label=_("Mode"), choices=rules.STUDY_MODES)
    reporters = forms.CharField(label=_("Reporters"), max_length=400, required=False)
    materials = forms.CharField(label=_("Materials"), max_length=400, required=False)
    cadres = forms.IntegerField(label=_("Non-member cadres present"), min_value=0, initial=0)
    union = forms.IntegerField(
        label=_("Union and association members present"), min_value=0, initial=0
    )
    others = forms.IntegerField(label=_("Others present"), min_value=0, initial=0)


class ProgrammeForm(forms.Form):
    adopted_on = VNDateField(label=_("Adopted on"))
    number = forms.CharField(label=_("Number"), max_length=64, required=False)


class TopicForm(forms.Form):
    title = forms.CharField(label=_("The year's topic"), max_length=400)


class ExemplarForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=rules.EXEMPLAR_KINDS)
    name = forms.CharField(label=_("Name"), max_length=200)
    field_name = forms.CharField(label=_("Field of work"), max_length=200, required=False)
    commendation = forms.CharField(label=_("Commendation"), max_length=200, required=False)


class ReporterForm(forms.Form):
    member = forms.TypedChoiceField(label=_("Party member"), coerce=int, choices=())
    level = forms.ChoiceField(label=_("Reporter level"), choices=rules.REPORTER_LEVELS)
    card_number = forms.CharField(label=_("Card number"), max_length=32)
    recognised_on = VNDateField(label=_("Recognised on"))

    def __init__(self, *args: object, people: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["member"].choices = [("", "—"), *people]  # type: ignore[attr-defined]


class CommitmentForm(forms.Form):
    member = forms.TypedChoiceField(label=_("Party member"), coerce=int, choices=())
    text = forms.CharField(
        label=_("Commitment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    registered_on = VNDateField(label=_("Registered on"))

    def __init__(self, *args: object, people: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["member"].choices = [("", "—"), *people]  # type: ignore[attr-defined]


class EssayForm(forms.Form):
    member = forms.TypedChoiceField(label=_("Party member"), coerce=int, choices=())
    submitted_on = VNDateField(label=_("Submitted on"))
    grade = forms.ChoiceField(
        label=_("Grade"), choices=[("", "—"), *rules.ESSAY_GRADES], required=False
    )

    def __init__(self, *args: object, people: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["member"].choices = [("", "—"), *people]  # type: ignore[attr-defined]
