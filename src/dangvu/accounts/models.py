"""Users and the roles they hold on organisations; a role on an organisation covers its subtree."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangvu.core.labels import choice
from dangvu.core.loading import RowLoaded
from dangvu.core.models import AppendOnly


class User(RowLoaded, AbstractUser):
    """A person who signs in. Account administrators (is_superuser) see no member data by that alone.

    `member` links the account of a party member to their own record, for the role "own record".
    """

    member = models.OneToOneField(
        "members.PartyMember",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="account",
        verbose_name=_("own party-member record"),
    )
    # Set when an account administrator resets the password: the user chooses a new one at the
    # next sign-in before anything else (accounts.middleware.NewPasswordMiddleware).
    must_change_password = models.BooleanField(default=False)

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
    INSPECTION_OFFICER = "inspection_officer", _("Inspection officer")
    VIEWER = "viewer", _("Viewer")
    MEMBER_SELF = "member_self", _("Own record")
    ACCOUNT_ADMIN = "account_admin", _("Account administrator")


class Ability(models.TextChoices):
    VIEW = "view", _("see records")
    MANAGE_MEMBERS = "manage_members", _("change member records")
    MANAGE_ORGS = "manage_orgs", _("change the organisation tree")
    MANAGE_DISCIPLINE = "manage_discipline", _("record discipline")
    RATE = "rate", _("propose and decide quality ratings")
    VIEW_SENSITIVE = "view_sensitive", _("see sensitive personal data")
    AUDIT = "audit", _("read the change log and the access log")
    MANAGE_ACCOUNTS = "manage_accounts", _("manage accounts and roles")
    # Inspection cases, denunciations and complaints: the inspection role only (DOMAIN-2.md §1),
    # not the organisation board above it (inspection/access.py).
    INSPECT = "inspect", _("conduct inspection, supervision, denunciations and complaints")


# What each role may do in the subtree of the organisation it is granted on. Seeing sensitive
# personal data is never implied by a role: it comes from a grant marked `sensitive` (see
# `RoleGrant.sensitive`). The member's own record is not a subtree (see accounts.scope).
ROLE_ABILITIES: dict[str, frozenset[str]] = {
    Role.ORG_OFFICER: frozenset(
        {
            Ability.VIEW,
            Ability.MANAGE_MEMBERS,
            Ability.MANAGE_ORGS,
            Ability.MANAGE_DISCIPLINE,
            Ability.RATE,
            Ability.AUDIT,
        }
    ),
    Role.SECRETARY: frozenset({Ability.VIEW, Ability.MANAGE_MEMBERS, Ability.RATE}),
    Role.INSPECTION_OFFICER: frozenset(
        {Ability.VIEW, Ability.MANAGE_DISCIPLINE, Ability.AUDIT, Ability.INSPECT}
    ),
    Role.VIEWER: frozenset({Ability.VIEW}),
    Role.MEMBER_SELF: frozenset(),
    Role.ACCOUNT_ADMIN: frozenset({Ability.MANAGE_ACCOUNTS}),
}

# Roles that can carry the permission to see sensitive fields.
SENSITIVE_CAPABLE = frozenset(
    {Role.ORG_OFFICER, Role.SECRETARY, Role.INSPECTION_OFFICER, Role.VIEWER}
)


class RoleGrant(RowLoaded, models.Model):
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="grants")
    org = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="grants")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    sensitive = models.BooleanField(
        _("may see sensitive personal data"),
        default=False,
        help_text=_("Citizen ID, religion, health, family, discipline and evaluation results."),
    )
    granted_at = models.DateTimeField(auto_now_add=True)
    # Four eyes: the sensitive permission asked for by one account administrator holds only once
    # a second one (neither the asker nor the user) approves it (accounts.services).
    sensitive_requested_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sensitive_approved_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    needs_review = models.BooleanField(_("to be reviewed"), default=False)
    review_note = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        indexes = [models.Index(fields=["user", "valid_from"], name="grant_user_from")]

    def __str__(self) -> str:
        return f"{self.user} — {choice(self, 'role')} — {self.org}"

    @property
    def scope_path(self) -> str:
        return self.org.path


class AccessRecord(AppendOnly):
    """One read of sensitive personal data or one export of member data (the access log).

    Written in the request that read or exported; never changed or deleted (database triggers, see
    migration 0003). `org_path` is where the data lay, so the log itself is scoped by the tree.
    """

    class Action(models.TextChoices):
        VIEW_SENSITIVE = "view_sensitive", _("saw sensitive fields")
        EXPORT = "export", _("exported member data")
        API = "api", _("read member data through the API")
        AUDIT_EXPORT = "audit_export", _("exported a log")
        # Named a record outside the user's area (an import's identifiers, a posted id): the
        # answer neither names it nor confirms it exists; the attempt is kept here.
        OUT_OF_SCOPE = "out_of_scope", _("asked about a record outside their area")
        # Inspection cases, denunciations, complaints and their figures: every read is kept.
        INSPECTION_READ = "inspection_read", _("read inspection records")

    class Purpose(models.TextChoices):
        DOSSIER = "dossier", _("checking or updating the dossier")
        ADMISSION = "admission", _("admission or recognition")
        INSPECTION = "inspection", _("inspection and supervision")
        REPORT = "report", _("statistics and reports")
        TRANSFER = "transfer", _("transfer of party activity")
        OWN = "own", _("my own record")
        RATING = "rating", _("deciding the annual quality rating")
        OTHER = "other", _("other (stated)")

    # When the data was read: now, or for a line spooled while the database was locked, the time
    # it was read (accounts.accesslog).
    at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    user = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    username = models.CharField(max_length=150)
    ip = models.GenericIPAddressField(null=True, blank=True)
    via = models.CharField(max_length=16, default="web")
    action = models.CharField(max_length=16, choices=Action.choices)
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    purpose_note = models.CharField(max_length=300, blank=True)
    object_type = models.CharField(max_length=64)
    object_ids = models.JSONField(default=list)
    row_count = models.PositiveIntegerField(default=0)
    org_path = models.CharField(max_length=255, blank=True, db_index=True)
    fields = models.JSONField(default=list)
    summary = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("access record")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "at"], name="access_user_at")]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.username} {self.action}"


class ApiToken(models.Model):
    """A personal API token: scoped like its user, expiring, revocable, stored as a SHA-256 hash.

    The token is 32 random bytes; only its hash and an 8-character prefix (to tell tokens apart)
    are kept, so it is shown once, when made.
    """

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="api_tokens")
    label = models.CharField(_("label"), max_length=100, blank=True)
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class Notice(models.Model):
    """Something a user is to look at: a comment on their draft, a proposal or a plan waiting for
    them (issue 23, point 8). Shown on the home page; sent by e-mail too when mail is configured."""

    class Kind(models.TextChoices):
        COMMENT = "comment", _("Comment on a draft")
        ANSWER = "answer", _("Answer to a comment")
        REVIEW = "review", _("Draft to comment on")
        PROPOSAL = "proposal", _("Proposal waiting for a decision")
        PLAN = "plan", _("Restructuring plan waiting for review")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    text = models.CharField(max_length=500)
    url = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notice_user_unread")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.text}"
