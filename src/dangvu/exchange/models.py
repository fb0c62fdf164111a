"""An import: the file as sent, what its check found, and, once committed, its change set."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangvu.core.models import ChangeSet


class ImportBatch(models.Model):
    class State(models.TextChoices):
        UPLOADED = "uploaded", _("uploaded")
        CHECKING = "checking", _("being checked")
        CHECKED = "checked", _("checked")
        COMMITTING = "committing", _("being written")
        COMMITTED = "committed", _("committed")
        FAILED = "failed", _("not committed")
        REVERTED = "reverted", _("reverted")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind of records"), max_length=16)
    filename = models.CharField(_("file"), max_length=255)
    checksum = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(default=0)
    content = models.BinaryField()
    mapping = models.JSONField(default=dict, blank=True)
    # Rows refused by a rule of their year that the officer keeps, and why: {"rows": [..] or
    # "all", "reason": "..."} (ratings imports; evaluation.services.check_decided).
    override = models.JSONField(default=dict, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.UPLOADED)
    phase = models.CharField(max_length=16, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)
    changeset = models.OneToOneField(
        ChangeSet, null=True, blank=True, on_delete=models.PROTECT, related_name="import_batch"
    )
    reverted_by = models.OneToOneField(
        ChangeSet, null=True, blank=True, on_delete=models.PROTECT, related_name="reverted_import"
    )

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.kind})"

    @property
    def running(self) -> bool:
        return self.state in (self.State.CHECKING, self.State.COMMITTING)

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0
