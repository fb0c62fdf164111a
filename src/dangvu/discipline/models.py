"""Discipline decisions as dated records (DOMAIN.md §6.1, §6.4). Inspection case work comes later."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangvu.core.labels import choice
from dangvu.core.models import ChangeSet, Decision
from dangvu.members.models import PartyMember
from dangvu.orgs.models import Organisation
from dangvu.rules import discipline as rules


class Penalty(models.TextChoices):
    """The forms of discipline ("hình thức kỷ luật", Party Charter art. 35; DOMAIN.md §6)."""

    REPRIMAND = rules.REPRIMAND, _("Reprimand")
    WARNING = rules.WARNING, _("Warning")
    DISMISSAL = rules.DISMISSAL, _("Removal from post")
    EXPULSION = rules.EXPULSION, _("Expulsion")
    DISSOLUTION = rules.DISSOLUTION, _("Dissolution")


class DisciplineDecision(models.Model):
    member = models.ForeignKey(
        PartyMember, null=True, blank=True, on_delete=models.PROTECT, related_name="discipline"
    )
    org = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="discipline"
    )
    form = models.CharField(_("form of discipline"), max_length=16, choices=Penalty.choices)
    deciding_body = models.CharField(_("deciding body"), max_length=200)
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="+")
    announced_on = models.DateField(_("announced on"))
    effect_until = models.DateField(_("in force until (exclusive)"), null=True, blank=True)
    violation = models.TextField(_("violation"), blank=True)
    duty_related = models.BooleanField(_("related to the performance of duties"), default=False)
    changeset = models.ForeignKey(ChangeSet, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("discipline decision")
        verbose_name_plural = _("discipline decisions")
        ordering = ["announced_on"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(member__isnull=False) & Q(org__isnull=True))
                | (Q(member__isnull=True) & Q(org__isnull=False)),
                name="discipline_one_subject",
            )
        ]
        indexes = [
            models.Index(fields=["member", "announced_on"], name="discipline_member"),
            models.Index(fields=["org", "announced_on"], name="discipline_org"),
        ]

    def __str__(self) -> str:
        return f"{choice(self, 'form')} {self.announced_on:%d/%m/%Y}"

    def in_force_on(self, day: object) -> bool:
        return self.announced_on <= day and (self.effect_until is None or day < self.effect_until)  # type: ignore[operator]
