"""Congresses, committees and elections (DOMAIN.md §8, §16.3–§16.4; DOMAIN-2.md §5.1): the terms
of an organisation, its congresses and their documents, the elections held at a congress or a
plenum with their candidates and counts, and the seats — who held which post of the committee,
from when to when, and how. Only congress/services.py writes these tables."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from dangvu.core.labels import choice
from dangvu.core.models import ChangeSet, Decision
from dangvu.members.models import PartyMember
from dangvu.orgs.models import Organisation
from dangvu.rules import congress as rules


class Term(models.Model):
    """A term of an organisation's committee (nhiệm kỳ 2020–2025; a cell's half-term)."""

    org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="terms")
    first_year = models.PositiveSmallIntegerField(_("from"))
    last_year = models.PositiveSmallIntegerField(_("to"))
    changeset = models.ForeignKey(ChangeSet, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["first_year"]
        constraints = [
            models.UniqueConstraint(fields=["org", "first_year"], name="one_term_per_org_and_start")
        ]

    def __str__(self) -> str:
        return f"{self.first_year}–{self.last_year}"


class Congress(models.Model):
    term = models.OneToOneField(Term, on_delete=models.PROTECT, related_name="congress")
    org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="congresses")
    number = models.PositiveSmallIntegerField(_("congress number"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=rules.CONGRESS_KINDS)
    preparatory_on = models.DateField(_("preparatory session"), null=True, blank=True)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    contents = models.JSONField(_("contents"), default=list)
    # A committee formed by a merger in 2025: appointed by the superior, two contents (CT 45).
    appointed = models.BooleanField(_("committee appointed"), default=False)
    convened = models.PositiveIntegerField(_("official members or delegates convened"))
    present = models.PositiveIntegerField(_("present"))
    directive = models.CharField(max_length=32)
    changeset = models.ForeignKey(ChangeSet, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("congress")
        indexes = [models.Index(fields=["org", "opens_on"])]

    def __str__(self) -> str:
        return f"{self.org.name} {self.term}"


class CongressDocument(models.Model):
    congress = models.ForeignKey(Congress, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("document"), max_length=20, choices=rules.DOCUMENTS)
    number = models.CharField(_("number"), max_length=64, blank=True)
    dated = models.DateField(_("dated"))
    title = models.CharField(_("title"), max_length=300)
    content = models.BinaryField(null=True, blank=True, editable=False)
    filename = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["dated", "pk"]

    def __str__(self) -> str:
        return self.title


class Election(models.Model):
    """One round of an election: at a congress (the committee, the delegates), at a plenum (the
    standing committee, the secretary, the inspection committee) or a by-election in the term."""

    class Status(models.TextChoices):
        OPEN = "open", _("Candidates listed")
        COUNTED = "counted", _("Counted, awaiting approval")
        APPROVED = "approved", _("Approved")
        VOID = "void", _("Entered in error, withdrawn")

    org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="elections")
    congress = models.ForeignKey(
        Congress, on_delete=models.PROTECT, null=True, blank=True, related_name="elections"
    )
    how = models.CharField(max_length=16, choices=rules.HOW)
    body = models.CharField(_("body"), max_length=20, choices=rules.BODIES)
    held_on = models.DateField(_("held on"))
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    seats = models.PositiveSmallIntegerField(_("number to elect"))
    base_kind = models.CharField(max_length=16, choices=rules.CONGRESS_KINDS)
    convened = models.PositiveIntegerField(_("convened"))
    deductions = models.JSONField(default=dict, blank=True)
    present = models.PositiveIntegerField(_("present"))
    tie_rule = models.CharField(max_length=16, choices=rules.TIE_RULES, blank=True)
    ballots_issued = models.PositiveIntegerField(null=True, blank=True)
    ballots_collected = models.PositiveIntegerField(null=True, blank=True)
    valid = models.PositiveIntegerField(null=True, blank=True)
    invalid = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    approval = models.ForeignKey(
        Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    void_reason = models.CharField(_("why it was withdrawn"), max_length=300, blank=True)
    changeset = models.ForeignKey(ChangeSet, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["held_on", "pk"]
        indexes = [models.Index(fields=["org", "held_on"])]

    def __str__(self) -> str:
        return f"{choice(self, 'body')} {self.held_on:%d/%m/%Y} ({self.round})"


class Nominee(models.Model):
    class Listed(models.TextChoices):
        COMMITTEE = "committee", _("the convening committee's list")
        FLOOR = "floor", _("nominated from the floor")

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="nominees")
    member = models.ForeignKey(PartyMember, on_delete=models.PROTECT, related_name="+")
    listed = models.CharField(max_length=16, choices=Listed.choices, default=Listed.COMMITTEE)
    floor_support = models.PositiveIntegerField(null=True, blank=True)
    votes = models.PositiveIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=16, blank=True)  # elected / passed / failed / tied
    rank = models.PositiveSmallIntegerField(null=True, blank=True)
    science = models.BooleanField(_("science and technology qualification"), default=False)

    class Meta:
        ordering = ["rank", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["election", "member"], name="one_nomination_per_round")
        ]

    def __str__(self) -> str:
        return self.member.person.full_name


class Seat(models.Model):
    """A post of the committee held by a member from `since` to `until` (None: still held)."""

    org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="seats")
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="seats")
    body = models.CharField(_("post"), max_length=20, choices=rules.BODIES)
    member = models.ForeignKey(PartyMember, on_delete=models.PROTECT, related_name="seats")
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)
    how = models.CharField(_("how"), max_length=16, choices=rules.HOW)
    election = models.ForeignKey(
        Election, on_delete=models.PROTECT, null=True, blank=True, related_name="seated"
    )
    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    left_reason = models.CharField(
        _("reason for leaving"), max_length=16, choices=rules.LEAVE_REASONS, blank=True
    )
    science = models.BooleanField(_("science and technology qualification"), default=False)
    changeset = models.ForeignKey(ChangeSet, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["since", "pk"]
        indexes = [
            models.Index(fields=["org", "body", "since"]),
            models.Index(fields=["member"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(until__isnull=True) | models.Q(until__gte=models.F("since")),
                name="seat_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"{choice(self, 'body')}: {self.member.person.full_name}"
