"""Admission targets, report runs with the figures they printed, and the draft review."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangvu.core.labels import choice
from dangvu.core.models import ChangeSet
from dangvu.orgs.models import Organisation


class AdmissionTarget(models.Model):
    """The number of new members an organisation is to admit in a year (DOMAIN.md §5.2)."""

    org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    target = models.PositiveIntegerField(_("admission target"))
    changeset = models.ForeignKey(ChangeSet, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("admission target")
        constraints = [
            models.UniqueConstraint(fields=["org", "year"], name="one_target_per_org_year")
        ]

    def __str__(self) -> str:
        return f"{self.org.name} {self.year}: {self.target}"


class ReportRun(models.Model):
    """One generated report: its scope and every figure it printed, so that opening it later
    shows the same figures and what later corrections changed (issue 8, point 5)."""

    class Kind(models.TextChoices):
        FORM = "form", _("Statistics form")
        ANNUAL = "annual", _("Annual review")
        TERM = "term", _("Term review")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("Published for comments")
        FINAL = "final", _("Final")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    form = models.CharField(_("form"), max_length=8, blank=True)
    org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    number = models.CharField(_("document number"), max_length=32, blank=True)
    figures = models.JSONField(default=dict)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    changeset = models.ForeignKey(ChangeSet, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("report run")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        form = f" {self.form}" if self.form else ""
        return (
            f"{choice(self, 'kind')}{form} — {self.org.name}, "
            f"{self.start:%d/%m/%Y}–{self.end:%d/%m/%Y}"
        )


class Reviewer(models.Model):
    run = models.ForeignKey(ReportRun, on_delete=models.CASCADE, related_name="reviewers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "user"], name="one_reviewer_per_run")]

    def __str__(self) -> str:
        return f"{self.run_id}: {self.user_id}"


class Comment(models.Model):
    """A reviewer's comment on one section of a draft, and the drafting officer's answer."""

    class Answer(models.TextChoices):
        ACCEPTED = "tiep_thu", _("Accepted (tiếp thu)")
        EXPLAINED = "giai_trinh", _("Explained (giải trình)")
        NOT_ACCEPTED = "khong_tiep_thu", _("Not accepted (không tiếp thu)")

    run = models.ForeignKey(ReportRun, on_delete=models.CASCADE, related_name="comments")
    section = models.CharField(_("section"), max_length=32)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)
    answer = models.CharField(_("answer"), max_length=16, choices=Answer.choices, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.text[:60]}"


class Summary(models.Model):
    """Every indicator of an organisation's subtree over a period, as computed from the records
    when the change log stood at `mark` (its newest entry's id). Read instead of the raw rows
    while no later change could have moved a figure of the period (reports/summaries.py); the
    figures of a nation are the sum of its provinces' summaries (issue 9)."""

    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    start = models.DateField()
    end = models.DateField()
    figures = models.JSONField()
    mark = models.BigIntegerField()
    computed_at = models.DateTimeField(auto_now=True)
    seconds = models.FloatField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["org", "start", "end"], name="one_summary_per_scope")
        ]

    def __str__(self) -> str:
        return f"{self.org_id} {self.start}–{self.end} @{self.mark}"
