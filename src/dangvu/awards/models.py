"""Commendations and party badges as decided (DOMAIN.md §2, §3)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangvu.core.labels import choice
from dangvu.core.loading import RowLoaded
from dangvu.core.models import ChangeSet, Decision
from dangvu.members.models import PartyMember
from dangvu.orgs.models import Organisation


class Commendation(models.Model):
    class Kind(models.TextChoices):
        PRAISE = "bieu_duong", _("Praise (biểu dương)")
        CERTIFICATE = "giay_khen", _("Certificate of merit (giấy khen)")
        HONOUR = "bang_khen", _("Certificate of honour (bằng khen)")
        FLAG = "co", _("Flag (cờ)")

    class Basis(models.TextChoices):
        YEAR = "year", _("Outstanding in the year")
        FIVE_YEARS = "five_years", _("Excellently completed duties five years in a row")
        OTHER = "other", _("Other achievement")

    member = models.ForeignKey(
        PartyMember, null=True, blank=True, on_delete=models.PROTECT, related_name="commendations"
    )
    org = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="commendations"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    basis = models.CharField(_("basis"), max_length=16, choices=Basis.choices)
    first_year = models.PositiveSmallIntegerField(_("from year"))
    last_year = models.PositiveSmallIntegerField(_("to year"))
    giver = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="+")
    multiple = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    base_salary = models.PositiveIntegerField(null=True, blank=True)
    amount = models.PositiveBigIntegerField(_("cash (đồng)"), null=True, blank=True)
    changeset = models.ForeignKey(ChangeSet, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("commendation")
        constraints = [
            models.CheckConstraint(
                condition=Q(member__isnull=False, org__isnull=True)
                | Q(member__isnull=True, org__isnull=False),
                name="commendation_one_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{choice(self, 'kind')} {self.first_year}–{self.last_year}"


class BadgeAward(RowLoaded, models.Model):
    member = models.ForeignKey(PartyMember, on_delete=models.PROTECT, related_name="badges")
    tier = models.PositiveSmallIntegerField(_("years of party age"))
    awarded_on = models.DateField(_("awarded on"))
    decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    early = models.BooleanField(_("awarded early (serious illness)"), default=False)
    posthumous = models.BooleanField(_("awarded posthumously"), default=False)
    multiple = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    amount = models.PositiveBigIntegerField(_("cash (đồng)"), null=True, blank=True)
    changeset = models.ForeignKey(ChangeSet, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("party badge")
        constraints = [models.UniqueConstraint(fields=["member", "tier"], name="badge_once")]

    def __str__(self) -> str:
        return f"Huy hiệu {self.tier} năm tuổi đảng, {self.awarded_on:%d/%m/%Y}"


class IllnessNote(models.Model):
    """A serious illness on file, which lets the badge be awarded early (DOMAIN.md §3.4)."""

    member = models.ForeignKey(PartyMember, on_delete=models.PROTECT, related_name="+")
    noted_on = models.DateField(_("noted on"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    changeset = models.ForeignKey(ChangeSet, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("serious illness")

    def __str__(self) -> str:
        return f"{self.member_id} {self.noted_on:%d/%m/%Y}"
