"""Users and the roles they hold on organisations; a role on an organisation covers its subtree."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in. Account administrators (is_superuser) see no member data by that alone."""

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def get_full_name(self) -> str:
        """Vietnamese order: family and middle names (last_name) before the given name (first_name)."""
        return " ".join(part for part in (self.last_name, self.first_name) if part).strip()

    def get_short_name(self) -> str:
        return self.first_name


class Role(models.TextChoices):
    ORG_OFFICER = "org_officer", _("Organisation-board officer")
    SECRETARY = "secretary", _("Secretary")
    VIEWER = "viewer", _("Viewer")


class Ability(models.TextChoices):
    VIEW = "view", _("see records")
    MANAGE_MEMBERS = "manage_members", _("change member records")
    MANAGE_ORGS = "manage_orgs", _("change the organisation tree")


ROLE_ABILITIES: dict[str, frozenset[str]] = {
    Role.ORG_OFFICER: frozenset({Ability.VIEW, Ability.MANAGE_MEMBERS, Ability.MANAGE_ORGS}),
    Role.SECRETARY: frozenset({Ability.VIEW, Ability.MANAGE_MEMBERS}),
    Role.VIEWER: frozenset({Ability.VIEW}),
}


class RoleGrant(models.Model):
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="grants")
    org = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="grants")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        indexes = [models.Index(fields=["user", "valid_from"], name="grant_user_from")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.org}"
