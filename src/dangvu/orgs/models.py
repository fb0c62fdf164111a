"""Party organisations and the tree over time (DESIGN.md "The model"; DOMAIN.md §14.2).

The tree is kept as placements: for each organisation, its parent, kind and materialised path for
a period [valid_from, valid_to). "The subtree of X as of D" is one range scan on the path index.
The current name, kind, parent and path are cached on Organisation for display and for scoping;
only the services in tree/services.py write any of these tables.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangvu.core.fields import PathField
from dangvu.core.loading import RowLoaded
from dangvu.core.models import Decision
from dangvu.rules import organisation as rules

SEGMENT_WIDTH = 7  # up to 9,999,999 organisations


class Kind(models.TextChoices):
    PROVINCIAL = rules.PROVINCIAL, _("Provincial party organisation")
    DISTRICT = rules.DISTRICT, _("District-level party organisation (until 30/6/2025)")
    COMMUNE_SUPERIOR = (
        rules.COMMUNE_SUPERIOR,
        _("Commune or ward party organisation (from 1/7/2025)"),
    )
    BLOCK = rules.BLOCK, _("Party organisation of a block or sector")
    GRASSROOTS_COMMITTEE = rules.GRASSROOTS_COMMITTEE, _("Grassroots party committee")
    GRASSROOTS_CELL = rules.GRASSROOTS_CELL, _("Grassroots party cell")
    SUB_COMMITTEE = rules.SUB_COMMITTEE, _("Sub-committee")
    CELL = rules.CELL, _("Party cell under a committee")
    GROUP = rules.GROUP, _("Party group")


class Category(models.TextChoices):
    """Base-unit categories of form 5 (FORMS.md §3.1)."""

    COMMUNE = "xa", _("Commune")
    WARD = "phuong", _("Ward")
    TOWNSHIP = "thi_tran", _("Township")
    PARTY_MASS_AGENCY = "co_quan_dang", _("Party, Front or mass-organisation agency")
    STATE_AGENCY = "co_quan_nha_nuoc", _("State agency")
    PUBLIC_SERVICE = "su_nghiep_cong_lap", _("Public service unit")
    NONPUBLIC_SERVICE = "su_nghiep_ngoai_cong_lap", _("Non-public service unit")
    ARMY = "quan_doi", _("Army")
    POLICE = "cong_an", _("Police")
    STATE_ENTERPRISE_100 = "dn_nha_nuoc_100", _("Enterprise wholly owned by the state")
    STATE_ENTERPRISE_MAJORITY = (
        "dn_nha_nuoc_tren_50",
        _("Enterprise with half or more state capital"),
    )
    STATE_ENTERPRISE_MINORITY = (
        "dn_nha_nuoc_duoi_50",
        _("Enterprise with less than half state capital"),
    )
    JOINT_STOCK = "dn_co_phan", _("Joint-stock company")
    PRIVATE_ENTERPRISE = "dn_tu_nhan", _("Private enterprise")
    LIMITED_COMPANY = "dn_tnhh", _("Limited liability company")
    PARTNERSHIP = "dn_hop_danh", _("Partnership")
    FOREIGN_INVESTED = "dn_fdi", _("Foreign-invested enterprise")
    COOPERATIVE = "hop_tac_xa", _("Cooperative")
    OVERSEAS = "ngoai_nuoc", _("Overseas")
    OTHER = "khac", _("Other")


def valid_on(day: dt.date, prefix: str = "") -> Q:
    """Rows whose period [valid_from, valid_to) contains `day`."""
    return Q(**{f"{prefix}valid_from__lte": day}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gt": day})
    )


def path_segment(org_id: int) -> str:
    return str(org_id).zfill(SEGMENT_WIDTH)


def common_path(paths: list[str]) -> str:
    """The deepest organisation whose subtree holds every path (whole segments)."""
    if not paths:
        return ""
    first, last = min(paths), max(paths)
    length = 0
    while length < min(len(first), len(last)) and first[length] == last[length]:
        length += 1
    return first[: length - length % SEGMENT_WIDTH]


def subtree_range(path: str) -> tuple[str, str]:
    """[path, upper) holding the path and every path below it (paths are digits; ':' follows '9')."""
    return path, path + ":"


class Organisation(RowLoaded, models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    category = models.CharField(
        _("base-unit category"), max_length=32, choices=Category.choices, blank=True
    )
    established_on = models.DateField(_("established on"))
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="current_children"
    )
    path = PathField(max_length=255, db_index=True, blank=True)
    search_name = models.CharField(max_length=255, db_index=True, blank=True)

    class Meta:
        verbose_name = _("party organisation")
        verbose_name_plural = _("party organisations")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def depth(self) -> int:
        return len(self.path) // SEGMENT_WIDTH


class OrgName(RowLoaded, models.Model):
    org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="names")
    name = models.CharField(_("name"), max_length=255)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["valid_from"]
        indexes = [models.Index(fields=["org", "valid_from"], name="orgname_org_from")]

    def __str__(self) -> str:
        return self.name


class Placement(RowLoaded, models.Model):
    """Where an organisation stood in the tree, and of what kind it was, for a period."""

    org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="placements")
    parent = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="child_placements",
    )
    path = PathField(max_length=255)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    category = models.CharField(max_length=32, choices=Category.choices, blank=True)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["valid_from"]
        indexes = [
            models.Index(fields=["path", "valid_from"], name="placement_path_from"),
            models.Index(fields=["org", "valid_from"], name="placement_org_from"),
            models.Index(fields=["parent", "valid_from"], name="placement_parent_from"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
                name="placement_period_not_empty",
            )
        ]

    def __str__(self) -> str:
        return f"{self.org.code} @ {self.path} [{self.valid_from}, {self.valid_to})"


class Lineage(RowLoaded, models.Model):
    """Which organisation became which: merged into, split from, renamed, dissolved into."""

    class Relation(models.TextChoices):
        MERGED_INTO = "merged_into", _("merged into")
        SPLIT_INTO = "split_into", _("split into")
        SUCCEEDED_BY = "succeeded_by", _("succeeded by")

    predecessor = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="successor_links"
    )
    successor = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="predecessor_links"
    )
    relation = models.CharField(max_length=16, choices=Relation.choices)
    on = models.DateField()
    decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["on"]

    def __str__(self) -> str:
        return f"{self.predecessor_id} {self.relation} {self.successor_id} ({self.on})"
