"""Inspection and supervision (DOMAIN-2.md §1): the yearly programmes of the inspecting bodies,
the cases from decision to conclusion with their steps and the people named on them, the
denunciations and the complaints against discipline. Confidential: only inspection/services.py
writes these tables, and only inspection/access.py decides who reads them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangvu.core.labels import choice
from dangvu.core.models import ChangeSet, Decision
from dangvu.discipline.models import DisciplineDecision, Penalty
from dangvu.members.models import PartyMember
from dangvu.orgs.models import Organisation
from dangvu.rules import inspection as rules


def _one_object() -> Q:
    return (Q(object_org__isnull=False) & Q(object_member__isnull=True)) | (
        Q(object_org__isnull=True) & Q(object_member__isnull=False)
    )


class Programme(models.Model):
    """The yearly inspection and supervision programme of one subject (a cell, a committee, its
    standing committee or its inspection committee; DOMAIN-2.md §1.5)."""

    org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    body = models.CharField(_("inspecting body"), max_length=20, choices=rules.SUBJECTS)
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.CharField(_("number"), max_length=64, blank=True)
    adopted_on = models.DateField(_("adopted on"))
    changeset = models.ForeignKey(ChangeSet, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["org", "body", "year"], name="one_programme_a_year")
        ]

    def __str__(self) -> str:
        return f"{rules.SUBJECT_LABELS[self.body]} {self.year}"


class Item(models.Model):
    """A planned (or, when `planned` is false, added) item of a programme: what, on whom, when."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="items")
    kind = models.CharField(_("kind"), max_length=24, choices=rules.CASE_KINDS)
    object_org = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    object_member = models.ForeignKey(
        PartyMember, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    committee_member = models.BooleanField(_("committee member"), default=False)
    higher_managed = models.BooleanField(_("managed by a higher level"), default=False)
    content = models.TextField(_("content"))
    month = models.PositiveSmallIntegerField(_("month"))
    planned = models.BooleanField(_("in the plan"), default=True)
    changeset = models.ForeignKey(ChangeSet, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.CheckConstraint(condition=_one_object(), name="item_one_object")]

    def __str__(self) -> str:
        return f"{rules.CASE_KIND_LABELS[self.kind]}, {self.month:02d}"


class Case(models.Model):
    """An inspection or supervision case (DOMAIN-2.md §1.4, §1.6): the subject (organisation and
    body), the kind, the object, the regulation it is conducted under, its decision, its steps,
    its conclusion and the discipline it led to."""

    # The number in the organisation's register of the year: 5 → "05/2026" (services assign it).
    number = models.PositiveIntegerField(_("number"))
    org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    body = models.CharField(_("inspecting body"), max_length=20, choices=rules.SUBJECTS)
    kind = models.CharField(_("kind"), max_length=24, choices=rules.CASE_KINDS)
    object_org = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    object_member = models.ForeignKey(
        PartyMember, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    committee_member = models.BooleanField(_("committee member"), default=False)
    higher_managed = models.BooleanField(_("managed by a higher level"), default=False)
    finance_office = models.BooleanField(_("the finance office of the same level"), default=False)
    content = models.CharField(_("content"), max_length=20, choices=rules.CONTENTS)
    summary = models.TextField(_("what is inspected"))
    regulation = models.CharField(_("regulation"), max_length=64)
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="+")
    opened_on = models.DateField(_("decided on"))
    item = models.ForeignKey(
        Item, null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    from_supervision = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="became"
    )
    degree = models.CharField(_("conclusion"), max_length=16, choices=rules.DEGREES, blank=True)
    concluded_on = models.DateField(_("concluded on"), null=True, blank=True)
    conclusion = models.TextField(_("conclusion"), blank=True)
    discipline_form = models.CharField(
        _("discipline recommended"), max_length=16, choices=Penalty.choices, blank=True
    )
    discipline = models.ForeignKey(
        DisciplineDecision, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changeset = models.ForeignKey(ChangeSet, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.CheckConstraint(condition=_one_object(), name="case_one_object")]
        indexes = [models.Index(fields=["org", "opened_on"], name="case_org_opened")]

    def __str__(self) -> str:
        # No name of the object (the label goes into the change log), no database key.
        return str(
            _("Case no. %(number)s") % {"number": f"{self.number:02d}/{self.opened_on.year}"}
        )

    @property
    def is_member(self) -> bool:
        return self.object_member_id is not None


class Step(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="steps")
    step = models.CharField(_("step"), max_length=16, choices=rules.STEPS)
    on = models.DateField(_("on"))
    note = models.TextField(_("note"), blank=True)
    changeset = models.ForeignKey(ChangeSet, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{rules.STEP_LABELS[self.step]} {self.on:%d/%m/%Y}"


class Named(models.Model):
    """A person the inspecting body names on a case: its team (head, members) or a reader. Only
    they, and the inspection role of the competent organisation, see the case."""

    class Role(models.TextChoices):
        HEAD = "head", _("Head of the team")
        MEMBER = "member", _("Member of the team")
        READER = "reader", _("May read the case")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="named")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role on the case"), max_length=8, choices=Role.choices)
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)
    changeset = models.ForeignKey(ChangeSet, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return str(choice(self, "role"))


class Denunciation(models.Model):
    """A denunciation (tố cáo) as the competent organisation received it (DOMAIN-2.md §1.8):
    the denouncer (seen by fewer still), the one denounced, admissibility, the congress-period
    rule, the deadline and its extension, the outcome and the notice to the denouncer."""

    number = models.PositiveIntegerField(_("number"))
    org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    body = models.CharField(_("resolving body"), max_length=20, choices=rules.SUBJECTS)
    received_on = models.DateField(_("received by the competent body on"))
    denouncer = models.CharField(_("denouncer"), max_length=200, blank=True)
    denouncer_address = models.CharField(_("denouncer's address"), max_length=300, blank=True)
    against_org = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    against_member = models.ForeignKey(
        PartyMember, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    central_cadre = models.BooleanField(
        _("a cadre managed by the Central Committee"), default=False
    )
    content = models.TextField(_("content"))
    category = models.CharField(_("content"), max_length=20, choices=rules.CONTENTS)
    named = models.BooleanField(_("named, with an address"))
    concrete = models.BooleanField(_("concrete content"))
    concluded_before = models.BooleanField(_("concluded before"), default=False)
    new_facts = models.BooleanField(_("new facts"), default=False)
    withdrawn = models.BooleanField(_("withdrawn"), default=False)
    coerced = models.BooleanField(_("withdrawn under coercion"), default=False)
    admissibility = models.CharField(max_length=16, choices=rules.ADMISSIBILITY)
    congress_period = models.BooleanField(_("passed to the new committee"), default=False)
    # The day the new committee took a denunciation of the congress period: its clock starts then.
    handed_over_on = models.DateField(_("taken by the new committee on"), null=True, blank=True)
    extended_by = models.PositiveSmallIntegerField(_("extension"), default=0)
    due_on = models.DateField(_("to be resolved by"), null=True, blank=True)
    limit_confirmed = models.BooleanField(default=False)
    founded = models.CharField(_("outcome"), max_length=16, blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    notified_on = models.DateField(_("denouncer notified on"), null=True, blank=True)
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changeset = models.ForeignKey(ChangeSet, on_delete=models.PROTECT, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["org", "received_on"], name="denunciation_org")]

    def __str__(self) -> str:
        return str(
            _("Denunciation no. %(number)s")
            % {"number": f"{self.number:02d}/{self.received_on.year}"}
        )


class Complaint(models.Model):
    """A complaint against a discipline decision (khiếu nại kỷ luật; DOMAIN-2.md §1.7–§1.8)."""

    number = models.PositiveIntegerField(_("number"))
    discipline = models.ForeignKey(
        DisciplineDecision, on_delete=models.PROTECT, related_name="complaints"
    )
    org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    level = models.CharField(_("level"), max_length=20, choices=rules.COMPLAINT_LEVELS)
    deciding_level = models.CharField(max_length=20, choices=rules.COMPLAINT_LEVELS)
    received_decision_on = models.DateField(_("decision received on"))
    filed_on = models.DateField(_("filed on"))
    last_day = models.DateField(_("last day to file"))
    content = models.TextField(_("what is complained of"))
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=rules.COMPLAINT_OUTCOMES, blank=True
    )
    new_form = models.CharField(max_length=16, choices=Penalty.choices, blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    result = models.ForeignKey(
        DisciplineDecision, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changeset = models.ForeignKey(ChangeSet, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return str(
            _("Complaint no. %(number)s") % {"number": f"{self.number:02d}/{self.filed_on.year}"}
        )


class StateNotice(models.Model):
    """A state body's, the Front's or a mass organisation's notice that it suspended or
    disciplined a cadre who is a party member: due to the managing party organisation within 5
    days (QĐ 296 Điều 8 mục 5; DOMAIN-2.md §1.1), late otherwise."""

    org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(PartyMember, on_delete=models.PROTECT, related_name="+")
    sender = models.CharField(_("body that notified"), max_length=200)
    measure = models.CharField(_("measure taken"), max_length=300)
    decided_on = models.DateField(_("decided on"))
    received_on = models.DateField(_("received on"))
    due_on = models.DateField(_("due by"))
    changeset = models.ForeignKey(ChangeSet, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"{self.sender}, {self.received_on:%d/%m/%Y}"

    @property
    def late(self) -> bool:
        return self.received_on > self.due_on
