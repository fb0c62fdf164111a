"""Restructuring plans: many operations on the tree, one effective date, one decision, applied and
reverted as one change set (DOMAIN.md §10)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangvu.core.models import ChangeSet, Decision


class Plan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPLIED = "applied", _("Applied")
        REVERTED = "reverted", _("Reverted")

    name = models.CharField(_("name"), max_length=200)
    effective_on = models.DateField(_("effective date"))
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    applied = models.ForeignKey(
        ChangeSet, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reverted = models.ForeignKey(
        ChangeSet, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        verbose_name = _("restructuring plan")
        verbose_name_plural = _("restructuring plans")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.effective_on:%d/%m/%Y})"


class Operation(models.Model):
    """One step of a plan. Organisations are named by code: a plan may create the ones it uses."""

    class Kind(models.TextChoices):
        CREATE = "create", _("Create")
        MERGE = "merge", _("Merge into")
        SPLIT = "split", _("Split")
        MOVE = "move", _("Move under")
        RENAME = "rename", _("Rename")
        CHANGE_KIND = "change_kind", _("Change kind")
        DISSOLVE = "dissolve", _("Dissolve")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="operations")
    seq = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    source = models.CharField(_("organisation"), max_length=32, blank=True)
    target = models.CharField(_("target"), max_length=32, blank=True)
    name = models.CharField(_("name"), max_length=255, blank=True)
    org_kind = models.CharField(_("kind"), max_length=32, blank=True)
    category = models.CharField(_("category"), max_length=32, blank=True)
    parent = models.CharField(_("superior organisation"), max_length=32, blank=True)
    # For a split: {"children": {code: target}, "members": {member id: target}, "default": target}
    assignment = models.JSONField(default=dict, blank=True)
    row = models.PositiveIntegerField(null=True, blank=True)  # the spreadsheet row it came from

    class Meta:
        ordering = ["plan", "seq"]
        constraints = [models.UniqueConstraint(fields=["plan", "seq"], name="operation_plan_seq")]

    def __str__(self) -> str:
        return f"{self.seq}. {self.kind} {self.source} → {self.target or self.parent}"


class PlanEffect(models.Model):
    """A row an applied plan created or closed, so that the plan can be reverted exactly."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="effects")
    model = models.CharField(max_length=64)
    row_id = models.BigIntegerField()
    action = models.CharField(max_length=16)  # created | closed | dissolved

    class Meta:
        indexes = [models.Index(fields=["plan", "model"], name="planeffect_plan_model")]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.action} {self.model}#{self.row_id}"
