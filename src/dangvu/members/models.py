"""Persons, party members, their membership events and the state derived from them.

Events are the facts (DESIGN.md "Membership event"); MembershipPeriod rows and the status fields of
PartyMember are derived from them by members/lifecycle.py and stored for fast queries. Only the
services in members/services.py write these tables, and rebuilding from the events gives the same
rows (tests/members/test_lifecycle.py).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangvu.core.labels import choice
from dangvu.core.loading import RowLoaded
from dangvu.core.models import ChangeSet, Decision
from dangvu.orgs.models import Organisation
from dangvu.rules import reference as ref


class Person(RowLoaded, models.Model):
    """Identity and attributes of a person (DOMAIN.md §14.3); a member, or later a candidate."""

    family_name = models.CharField(_("family name"), max_length=60, db_collation="vi_icu")
    middle_name = models.CharField(
        _("middle name"), max_length=100, blank=True, db_collation="vi_icu"
    )
    given_name = models.CharField(_("given name"), max_length=60, db_collation="vi_icu")
    full_name = models.CharField(_("full name"), max_length=200, db_collation="vi_icu")
    search_name = models.CharField(max_length=200, db_index=True)
    sort_key = models.CharField(max_length=600, db_index=True)
    sex = models.CharField(_("sex"), max_length=1, choices=ref.SEXES)
    birth_date = models.DateField(_("date of birth"))
    ethnicity = models.CharField(
        _("ethnicity"), max_length=2, choices=ref.ETHNIC_GROUPS, default=ref.KINH
    )
    religion = models.CharField(_("religion"), max_length=16, choices=ref.RELIGIONS, default="none")
    citizen_id = models.CharField(
        _("citizen ID"), max_length=12, null=True, blank=True, unique=True
    )
    hometown = models.CharField(_("home town"), max_length=255, blank=True)
    residence = models.CharField(_("residence"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    health = models.CharField(_("health"), max_length=255, blank=True)
    family = models.TextField(_("family details"), blank=True)
    general_education = models.CharField(
        _("general education"), max_length=16, choices=ref.GENERAL_EDUCATION, default="thpt"
    )
    professional_level = models.CharField(
        _("professional level"), max_length=16, choices=ref.PROFESSIONAL_LEVELS, default="none"
    )
    academic_title = models.CharField(
        _("academic title"), max_length=8, choices=ref.ACADEMIC_TITLES, default="none"
    )
    theory_level = models.CharField(
        _("political theory level"), max_length=16, choices=ref.THEORY_LEVELS, default="none"
    )
    occupation = models.CharField(
        _("occupation"), max_length=32, choices=ref.OCCUPATIONS, default="other"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")

    def __str__(self) -> str:
        return self.full_name


class Status(models.TextChoices):
    PROBATIONARY = "probationary", _("Probationary member")
    OFFICIAL = "official", _("Official member")
    REMOVED = "removed", _("Removed from the list")
    EXPELLED = "expelled", _("Expelled")
    RESIGNED = "resigned", _("Resigned from the Party")
    DECEASED = "deceased", _("Deceased")
    TRANSFERRED_OUT = "transferred_out", _("Transferred out of the system")


ACTIVE_STATUSES = (Status.PROBATIONARY, Status.OFFICIAL)


class PartyMember(RowLoaded, models.Model):
    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="membership")
    card_number = models.CharField(
        _("party card number"), max_length=16, null=True, blank=True, unique=True
    )
    dossier_number = models.CharField(
        _("dossier number"), max_length=16, null=True, blank=True, unique=True
    )
    # Key dates as recorded by the events (DOMAIN.md §3.2, §4.2, §4.3).
    admission_decision_date = models.DateField(
        _("date of the admission decision"), null=True, blank=True
    )
    ceremony_date = models.DateField(_("date of the admission ceremony"), null=True, blank=True)
    official_date = models.DateField(
        _("date of becoming an official member"), null=True, blank=True
    )
    # Derived state, rebuilt from the events.
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, db_index=True)
    status_since = models.DateField(null=True, blank=True)
    org = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("party cell"),
    )
    temp_org = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="temporary_members",
        verbose_name=_("temporary party cell"),
    )
    first_admission_date = models.DateField(
        _("date of the first admission decision"), null=True, blank=True
    )
    flags = models.JSONField(default=list, blank=True)
    # Timeline of statuses, gaps in party activity, pending transfers: see lifecycle.State.
    derived = models.JSONField(default=dict, blank=True)
    # The name's trigrams in the cell's province, for search (members.search); derived.
    search_grams = models.TextField(default="", blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("party member")
        verbose_name_plural = _("party members")
        indexes = [models.Index(fields=["org", "status"], name="member_org_status")]

    def __str__(self) -> str:
        return self.person.full_name

    @property
    def scope_path(self) -> str | None:
        """The path the member's record is scoped by: that of the member's party cell."""
        return self.org.path if self.org is not None else None


class EventKind(models.TextChoices):
    """The lifecycle facts (DOMAIN.md §4), judged by members/lifecycle.py."""

    ADMISSION = "admission", _("Admission")
    CEREMONY = "ceremony", _("Admission ceremony")
    RECOGNITION = "recognition", _("Recognition as official member")
    TRANSFER_OUT = "transfer_out", _("Transfer out")
    TRANSFER_IN = "transfer_in", _("Transfer in")
    TEMP_TRANSFER_OUT = "temp_transfer_out", _("Temporary transfer out")
    TEMP_TRANSFER_IN = "temp_transfer_in", _("Temporary transfer in")
    TEMP_TRANSFER_END = "temp_transfer_end", _("End of temporary transfer")
    EXEMPTION = "exemption", _("Exemption from work and party activity")
    EXEMPTION_END = "exemption_end", _("End of exemption")
    TEMP_EXEMPTION = "temp_exemption", _("Temporary exemption from activity")
    TEMP_EXEMPTION_END = "temp_exemption_end", _("End of temporary exemption")
    SUSPENSION = "suspension", _("Suspension of party activity")
    SUSPENSION_END = "suspension_end", _("End of suspension")
    REMOVAL = "removal", _("Removal from the list")
    EXPULSION = "expulsion", _("Expulsion")
    RESIGNATION = "resignation", _("Resignation from the Party")
    DEATH = "death", _("Death")
    RESTORATION = "restoration", _("Restoration of membership")
    READMISSION = "readmission", _("Re-admission")
    REASSIGNMENT = "reassignment", _("Reassignment by restructuring")


class MembershipEvent(RowLoaded, models.Model):
    member = models.ForeignKey(PartyMember, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("event"), max_length=32, choices=EventKind.choices)
    on = models.DateField(_("effective date"))
    org = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )
    decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    details = models.JSONField(default=dict, blank=True)
    changeset = models.ForeignKey(ChangeSet, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    # A wrong event is never edited: a correction voids it and records the right one.
    voided_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrects"
    )

    class Meta:
        verbose_name = _("membership event")
        verbose_name_plural = _("membership events")
        ordering = ["on", "id"]
        indexes = [
            models.Index(fields=["member", "on"], name="event_member_on"),
            # The events of a period by kind (the flows of form 1): a range, not the whole table.
            models.Index(fields=["kind", "on"], name="event_kind_on"),
        ]

    def __str__(self) -> str:
        return f"{choice(self, 'kind')} {self.on:%d/%m/%Y}"


class MembershipPeriod(RowLoaded, models.Model):
    """Derived: the member was in `org` with `status` during [valid_from, valid_to)."""

    member = models.ForeignKey(PartyMember, on_delete=models.CASCADE, related_name="periods")
    org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    # A temporary transfer: the host cell's period, not counted in its membership (DOMAIN.md §4.5).
    temporary = models.BooleanField(default=False)

    class Meta:
        ordering = ["valid_from"]
        indexes = [
            models.Index(fields=["org", "valid_from"], name="period_org_from"),
            models.Index(fields=["member", "valid_from"], name="period_member_from"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
                name="period_not_empty",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.member_id} {self.status} @ {self.org_id} [{self.valid_from}, {self.valid_to})"
        )


class Flag(models.TextChoices):
    EXEMPTED = "exempted", _("Exempted from work and party activity")
    TEMPORARILY_EXEMPTED = "temporarily_exempted", _("Temporarily exempted from activity")
    SUSPENDED = "suspended", _("Suspended from party activity")
    ON_TEMPORARY_TRANSFER = "on_temporary_transfer", _("On temporary transfer")
    IN_TRANSIT = "in_transit", _("Transfer letter not yet presented")


class FlagPeriod(RowLoaded, models.Model):
    """Derived: the member carried `flag` during [valid_from, valid_to)."""

    member = models.ForeignKey(PartyMember, on_delete=models.CASCADE, related_name="flag_periods")
    flag = models.CharField(max_length=32, choices=Flag.choices)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    until = models.DateField(null=True, blank=True)  # the planned end, when one was decided

    class Meta:
        ordering = ["valid_from"]
        indexes = [models.Index(fields=["member", "valid_from"], name="flagperiod_member_from")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.flag} [{self.valid_from}, {self.valid_to})"


# The person attributes that figures count (forms 2, 3 and 4). Those that change in a life keep
# dated values (AttributeChange); the others are fixed, and an edit of them is a correction.
DATED_ATTRIBUTES = (
    "religion",
    "general_education",
    "professional_level",
    "academic_title",
    "theory_level",
    "occupation",
)
FIXED_COUNTED_ATTRIBUTES = ("sex", "birth_date", "ethnicity")


class AttributeChange(RowLoaded, models.Model):
    """A change of one of the DATED_ATTRIBUTES of a person from a day on (issue 19, point 4): the
    value was `before` until the day before `effective` and is `after` from it. The person's own
    column holds the newest value; an answer about day d reads `before` of the first change after d,
    so editing a record today never moves a figure for an earlier date."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="attribute_changes")
    field = models.CharField(max_length=32)
    effective = models.DateField(_("effective from"))
    before = models.CharField(max_length=32)
    after = models.CharField(max_length=32)
    changeset = models.ForeignKey(ChangeSet, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["effective", "id"]
        indexes = [
            models.Index(fields=["person", "field", "effective"], name="attrchange_person"),
            models.Index(fields=["effective"], name="attrchange_effective"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "field", "effective"], name="one_attribute_change_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.field} {self.before}→{self.after} @{self.effective}"


def _person_field(name: str) -> models.Field[Any, Any]:
    found = Person._meta.get_field(name)
    assert isinstance(found, models.Field)
    return found


def attribute_label(field: str) -> str:
    """The attribute's name as a person reads it ("nghề nghiệp")."""
    return str(_person_field(field).verbose_name)


def value_label(field: str, value: str) -> str:
    """The value as a person reads it: the choice's label, a date as d/m/Y."""
    choices = dict(_person_field(field).choices or ())
    if value in choices:
        return str(choices[value])
    if field == "birth_date" and value:
        year, month, day = value.split("-")
        return f"{day}/{month}/{year}"
    return value


class Correction(RowLoaded, models.Model):
    """A wrong record set right. A wrong event is voided (never edited) and may be replaced; a wrong
    attribute (`field`, the value was wrong from the start) is rewritten from `affects_from` on.
    Either way the answers about days from `affects_from` on may move, and list the correction."""

    member = models.ForeignKey(PartyMember, on_delete=models.PROTECT, related_name="corrections")
    voided = models.ForeignKey(
        MembershipEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    field = models.CharField(max_length=32, blank=True)
    value_before = models.CharField(max_length=255, blank=True)
    value_after = models.CharField(max_length=255, blank=True)
    replacement = models.ForeignKey(
        MembershipEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    affects_from = models.DateField()
    changeset = models.ForeignKey(ChangeSet, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at"]
        indexes = [models.Index(fields=["member", "affects_from"], name="correction_member_from")]

    def __str__(self) -> str:
        if self.field:
            return f"{self.member_id} {self.field}: {self.value_before} → {self.value_after}"
        return f"{self.member_id} {self.voided_id} → {self.replacement_id}"

    def describe(self) -> str:
        """What was corrected, in words: the attribute with its old and new values."""
        if not self.field:
            return str(self.voided)
        name = attribute_label(self.field)
        return (
            f"{name[:1].upper()}{name[1:]}: {value_label(self.field, self.value_before)}"
            f" → {value_label(self.field, self.value_after)}"
        )
