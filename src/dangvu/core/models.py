"""The shared kernel's tables: decisions, and the change log (who changed what, when, why)."""

from __future__ import annotations

import re
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangvu.core.fields import PathField
from dangvu.core.labels import HIDDEN_FIELDS, value_label
from dangvu.core.loading import RowLoaded


class Decision(RowLoaded, models.Model):
    """A decision (quyết định, nghị quyết, …) that an event or change rests on."""

    number = models.CharField(_("decision number"), max_length=64, blank=True)
    date = models.DateField(_("decision date"))
    issuer = models.CharField(_("issuing body"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.UniqueConstraint(
                fields=["number", "date", "issuer"],
                condition=~models.Q(number=""),
                name="decision_unique_number_date_issuer",
            )
        ]

    def __str__(self) -> str:
        number = self.number or _("no number")
        return f"{number}, {self.date:%d/%m/%Y}, {self.issuer}"

    def as_dict(self) -> dict[str, str]:
        return {"number": self.number, "date": self.date.isoformat(), "issuer": self.issuer}


class AppendOnlyError(Exception):
    """The change log and the access log are written once and never changed or deleted."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: object) -> int:
        raise AppendOnlyError(f"{self.model._meta.label} is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{self.model._meta.label} is append-only")


class AppendOnly(RowLoaded, models.Model):
    """Rows that are inserted and then only read: the application refuses to change or delete
    them, and database triggers (migration core 0003) refuse it to anyone else."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{self._meta.label} is append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{self._meta.label} is append-only")


class ChangeSet(AppendOnly):
    """One user action that changed records: all its entries commit or roll back together."""

    class Source(models.TextChoices):
        WEB = "web", _("web")
        CLI = "cli", _("command line")
        API = "api", _("API")
        IMPORT = "import", _("import")
        SYSTEM = "system", _("system")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=150)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.WEB)
    reason = models.TextField(blank=True)

    class Meta:
        verbose_name = _("change set")
        verbose_name_plural = _("change sets")

    def __str__(self) -> str:
        return f"{self.id} {self.actor_name} {self.created_at:%d/%m/%Y %H:%M}"


class ChangeLogEntry(AppendOnly):
    """One record's change, with its state before and after, written by the service that made it."""

    changeset = models.ForeignKey(ChangeSet, on_delete=models.PROTECT, related_name="entries")
    at = models.DateTimeField(auto_now_add=True)
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_name = models.CharField(max_length=150)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    object_label = models.CharField(max_length=300)
    subject_type = models.CharField(max_length=64)
    subject_id = models.CharField(max_length=64)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)
    # Where the record lay in the tree when it changed: the log is read through the same scope.
    scope_path = PathField(max_length=255, blank=True, default="")

    class Meta:
        verbose_name = _("change log entry")
        verbose_name_plural = _("change log entries")
        indexes = [
            models.Index(fields=["subject_type", "subject_id", "at"], name="changelog_subject"),
            models.Index(fields=["actor_id", "at"], name="changelog_actor"),
            models.Index(fields=["scope_path", "at"], name="changelog_scope"),
        ]
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} {self.object_label}"

    def changed_fields(self) -> list[tuple[str, object, object]]:
        before = self.before or {}
        after = self.after or {}
        keys = sorted(set(before) | set(after))
        return [
            (
                k,
                shown_value(value_label(k, before.get(k))),
                shown_value(value_label(k, after.get(k))),
            )
            for k in keys
            if before.get(k) != after.get(k) and k not in HIDDEN_FIELDS
        ]


ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def shown_value(value: object) -> object:
    """A logged value as people read it: dates dd/mm/yyyy, yes and no in words."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, str):
        day = ISO_DAY.match(value)
        if day:
            return f"{day[3]}/{day[2]}/{day[1]}"
    if isinstance(value, dict) and {"number", "date", "issuer"} <= set(value):  # a decision
        parts = [value["number"], shown_value(value["date"]), value["issuer"]]
        return ", ".join(str(p) for p in parts if p)
    return value


class CalendarDay(models.Model):
    """A day that is not what its weekday says: a day off on a weekday (holidays, Tết and the
    bridging days the government announces) or a working Saturday or Sunday (make-up day).

    The years the government has announced ship with dangvu (core/calendar_vn.json, loaded by
    `migrate`, each day citing its announcement); a later year is seeded from the `holidays`
    package until its days are recorded. Every day is editable (DESIGN.md "Working days").
    """

    class Source(models.TextChoices):
        ANNOUNCED = "announced", _("announced by the government")
        PACKAGE = "package", _("holiday calendar")
        MANUAL = "manual", _("entered by hand")

    day = models.DateField(_("day"), unique=True)
    is_working = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=200)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.MANUAL)
    citation = models.CharField(_("announced by"), max_length=400, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} {self.name}"


class CalendarYear(models.Model):
    """A year whose days off are in CalendarDay (seeded from the package, then edited)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    seeded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.year)
