"""The annual quality rating of members and organisations, step by step (DOMAIN.md §1.5, §16.1 1.6):
self-assessment → the proposal of the cell (or of the organisation itself) → the decision of the
competent level, which the superior level may re-classify with a reason."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangvu.core.models import ChangeSet, Decision
from dangvu.members.models import PartyMember
from dangvu.orgs.models import Organisation
from dangvu.rules import evaluation as rules


class Level(models.TextChoices):
    HTXSNV = rules.HTXSNV, rules.LEVEL_LABELS[rules.HTXSNV]
    HTTNV = rules.HTTNV, rules.LEVEL_LABELS[rules.HTTNV]
    HTNV = rules.HTNV, rules.LEVEL_LABELS[rules.HTNV]
    KHTNV = rules.KHTNV, rules.LEVEL_LABELS[rules.KHTNV]


class Round(models.Model):
    """The rating of a year: the regulation in force, the review day the facts are judged on
    (by default 31/12, the deadline of HD 43 mục 4.1) and, once closed, no more proposals or
    decisions (the superior level may still re-classify)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    regulation = models.CharField(max_length=16)
    review_on = models.DateField(_("review day"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    changeset = models.ForeignKey(ChangeSet, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("rating round")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year} ({self.regulation})"


class PeerGroup(models.Model):
    """A group of similar role, within which the deciding level applies the HTXSNV quota
    (QĐ 124, QĐ 366); it may raise the quota to 25 % for an outstanding unit (QĐ 366)."""

    year = models.PositiveSmallIntegerField(_("year"))
    deciding_org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("group"), max_length=200)
    raised = models.BooleanField(_("quota raised to 25%"), default=False)
    raise_reason = models.TextField(_("why the quota is raised"), blank=True)
    changeset = models.ForeignKey(ChangeSet, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("group of similar role")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "deciding_org", "name"], name="peergroup_unique_name"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"


class Rating(models.Model):
    class Subject(models.TextChoices):
        MEMBER = rules.MEMBER, _("party member")
        ORG = rules.ORG, _("party organisation")

    class Source(models.TextChoices):
        WORKFLOW = "workflow", _("rated in dangvu")
        IMPORT = "import", _("imported")

    year = models.PositiveSmallIntegerField(_("year"))
    subject = models.CharField(max_length=8, choices=Subject.choices)
    member = models.ForeignKey(
        PartyMember, null=True, blank=True, on_delete=models.PROTECT, related_name="ratings"
    )
    org = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="ratings"
    )
    # Members: the cell they belonged to at the review; organisations: their parent then.
    unit = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    regulation = models.CharField(max_length=16)
    self_level = models.CharField(
        _("self-assessment"), max_length=8, choices=Level.choices, blank=True
    )
    self_on = models.DateField(null=True, blank=True)
    proposed_level = models.CharField(
        _("proposed level"), max_length=8, choices=Level.choices, blank=True
    )
    proposed_on = models.DateField(null=True, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(_("rating"), max_length=8, choices=Level.choices, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    deciding_org = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    group = models.ForeignKey(
        PeerGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="ratings"
    )
    # From 2025: the 100-point score (30 general + 70 task results) and its extra conditions.
    score_general = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    score_tasks = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    facts = models.JSONField(default=dict, blank=True)
    reclassified_from = models.CharField(max_length=8, choices=Level.choices, blank=True)
    reclassified_reason = models.TextField(blank=True)
    reclassified_on = models.DateField(null=True, blank=True)
    reclassified_by_org = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.WORKFLOW)
    # Why a decision after the year's deadline (DOMAIN.md §16.1 1.6) was still recorded.
    late_reason = models.TextField(_("reason for the late decision"), blank=True)
    # Why an imported rating the rules of its year refuse was kept, as the officer stated it.
    override_reason = models.TextField(_("reason for keeping it against the rules"), blank=True)
    changeset = models.ForeignKey(ChangeSet, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("quality rating")
        verbose_name_plural = _("quality ratings")
        constraints = [
            models.CheckConstraint(
                condition=(Q(member__isnull=False, org__isnull=True, subject=rules.MEMBER))
                | (Q(member__isnull=True, org__isnull=False, subject=rules.ORG)),
                name="rating_one_subject",
            ),
            models.UniqueConstraint(
                fields=["member", "year"],
                condition=Q(member__isnull=False),
                name="rating_member_year",
            ),
            models.UniqueConstraint(
                fields=["org", "year"], condition=Q(org__isnull=False), name="rating_org_year"
            ),
        ]
        indexes = [
            models.Index(fields=["year", "subject", "level"], name="rating_year_level"),
            models.Index(fields=["unit", "year"], name="rating_unit_year"),
            models.Index(fields=["deciding_org", "year"], name="rating_deciding_year"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.level or self.proposed_level or '—'}"

    @property
    def subject_record(self) -> PartyMember | Organisation:
        return self.member if self.member_id else self.org  # type: ignore[return-value]
