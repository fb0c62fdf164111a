"""The candidate's file, from the list of outstanding people to the admission decision (DOMAIN.md
§4.1–§4.3, §4.10, §5; DOMAIN-2.md §6). The person is the registry's own record (members.Person):
entered once, kept when admitted. Only recruitment/services.py writes these tables."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from dangvu.core.labels import choice
from dangvu.core.models import ChangeSet, Decision
from dangvu.members.models import PartyMember, Person
from dangvu.orgs.models import Organisation
from dangvu.rules import recruitment as rules


class Candidate(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("In progress")
        ADMITTED = "admitted", _("Admitted")
        REFUSED = "refused", _("Not admitted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="candidacies")
    cell = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=rules.KINDS)
    source = models.CharField(_("source"), max_length=16, choices=rules.SOURCES)
    # The resolution of the body introducing the person (the Union's list, a trade union, …).
    introduced_by = models.CharField(_("introducing body"), max_length=200)
    introduced_number = models.CharField(_("resolution number"), max_length=64, blank=True)
    introduced_on = models.DateField(_("introduced on"))
    # Recognised as đối tượng (admission target) by the committee.
    recognised_on = models.DateField(_("recognised as candidate on"), null=True, blank=True)
    recognised_by = models.CharField(_("recognised by"), max_length=200, blank=True)
    helper = models.ForeignKey(
        PartyMember,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("helping member"),
    )
    education_exception = models.CharField(
        _("education exception"), max_length=16, choices=rules.EDUCATION_EXCEPTIONS, blank=True
    )
    # §4.1: over 60 only with the provincial standing committee's written consent.
    over_60_consent = models.ForeignKey(
        Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The awareness course's certificate (DOMAIN-2.md §6.2).
    course = models.CharField(_("course"), max_length=200, blank=True)
    certificate_issuer = models.CharField(_("certificate issued by"), max_length=200, blank=True)
    certificate_number = models.CharField(_("certificate number"), max_length=64, blank=True)
    certificate_on = models.DateField(_("certificate date"), null=True, blank=True)
    # The votes (§4.1): the cell's official members, then the grassroots committee's members.
    cell_vote_on = models.DateField(_("cell's vote"), null=True, blank=True)
    cell_voters = models.PositiveSmallIntegerField(null=True, blank=True)
    cell_in_favour = models.PositiveSmallIntegerField(null=True, blank=True)
    committee_vote_on = models.DateField(_("committee's vote"), null=True, blank=True)
    committee_voters = models.PositiveSmallIntegerField(null=True, blank=True)
    committee_in_favour = models.PositiveSmallIntegerField(null=True, blank=True)
    # The day the competent committee received the proposal, and its extension (DOMAIN-2.md §6.5).
    sent_up_on = models.DateField(_("proposal received on"), null=True, blank=True)
    extension_days = models.PositiveSmallIntegerField(default=0)
    extension_reason = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    status_on = models.DateField(null=True, blank=True)
    status_reason = models.CharField(max_length=300, blank=True)
    member = models.OneToOneField(
        PartyMember, on_delete=models.PROTECT, null=True, blank=True, related_name="candidacy"
    )
    member_form_on = models.DateField(_("member form completed on"), null=True, blank=True)
    # A restructuring carried the open file from this cell on this day (carry_files): before that
    # day the file belongs to the cell it was in, so that the figures of a past period stay.
    carried_from = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    carried_on = models.DateField(null=True, blank=True)
    changeset = models.ForeignKey(ChangeSet, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("candidate")
        indexes = [
            models.Index(fields=["cell", "status"]),
            models.Index(fields=["introduced_on"]),
        ]
        constraints = [
            # A person has one open file at a time.
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(status="open"),
                name="one_open_candidacy_per_person",
            )
        ]

    def __str__(self) -> str:
        return self.person.full_name


class Document(models.Model):
    """One paper of the dossier (§4.10a), with its date: a stale paper is redone (§4.2)."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("document"), max_length=20, choices=rules.DOCUMENTS)
    dated = models.DateField(_("dated"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    # For an introduction: the introducing member, since when they worked with the applicant,
    # and whether the cell assigned them as a replacement (QĐ 24 3.2).
    introducer = models.ForeignKey(
        PartyMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    worked_since = models.DateField(null=True, blank=True)
    replacement = models.BooleanField(default=False)

    class Meta:
        ordering = ["dated", "pk"]

    def __str__(self) -> str:
        return f"{choice(self, 'kind')} {self.dated:%d/%m/%Y}"


class Verification(models.Model):
    """The background verification of one person (DOMAIN-2.md §6.4)."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="verifications")
    relation = models.CharField(_("relation"), max_length=16, choices=rules.RELATIONS)
    name = models.CharField(_("full name"), max_length=200)
    party_member = models.BooleanField(default=False)
    fully_declared = models.BooleanField(default=False)
    requested_on = models.DateField(_("request sent on"), null=True, blank=True)
    answered_on = models.DateField(_("answer received on"), null=True, blank=True)
    report = models.CharField(_("verifier's report"), max_length=500, blank=True)
    concluded_on = models.DateField(_("concluded on"), null=True, blank=True)
    conclusion = models.CharField(_("conclusion"), max_length=500, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{choice(self, 'relation')}: {self.name}"
