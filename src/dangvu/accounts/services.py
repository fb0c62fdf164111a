"""Accounts and roles: every change logged like any other record."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.db.models import CharField, OuterRef, Subquery
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from dangvu.accounts.models import SENSITIVE_CAPABLE, Ability, ApiToken, Role, RoleGrant, User
from dangvu.accounts.scope import forget_cached_scope, scope_for
from dangvu.core.actors import Actor, as_user
from dangvu.core.changes import log_entry, open_change_set
from dangvu.core.dates import today
from dangvu.core.errors import RuleError
from dangvu.core.models import ChangeLogEntry, ChangeSet
from dangvu.orgs.models import Organisation, valid_on


@transaction.atomic
def user_create(
    *,
    username: str,
    full_name: str,
    password: str,
    actor: Actor,
    account_admin: bool = False,
    email: str = "",
    must_change_password: bool = False,
) -> User:
    """An account. From the web (an administrator) its password is temporary: the user chooses
    their own at the first sign-in. Only an unrestricted administrator makes another."""
    if (
        account_admin
        and actor is not None
        and not scope_for(actor, Ability.MANAGE_ACCOUNTS).unrestricted
    ):
        raise RuleError(_("Only an administrator of every account makes another administrator."))
    family, _sep, given = full_name.strip().rpartition(" ")
    user = User(
        username=username,
        first_name=given or family,
        last_name=family if given else "",
        email=email,
        is_superuser=account_admin,
        is_staff=account_admin,
        must_change_password=must_change_password,
    )
    validate_password(password, user)
    user.set_password(password)
    user.save()
    cs = open_change_set(
        actor=actor, source=ChangeSet.Source.CLI if actor is None else ChangeSet.Source.WEB
    )
    log_entry(
        cs,
        action="account.create",
        obj=user,
        after={"username": username, "full_name": full_name, "account_admin": account_admin},
    )
    return user


@transaction.atomic
def role_grant(
    *,
    user: User,
    org: Organisation,
    role: str,
    valid_from: dt.date,
    actor: Actor,
    valid_to: dt.date | None = None,
    sensitive: bool = False,
    reason: str = "",
) -> RoleGrant:
    """Grant a role, with the reason the change log keeps. Nobody grants a role to themselves:
    another administrator does (separation of duties, docs/security.md)."""
    _not_oneself(actor, user)
    if actor is not None and not reason.strip():
        raise RuleError(
            _("Say why the role is granted: the change log records it."), field="reason"
        )
    if actor is not None and not scope_for(actor, Ability.MANAGE_ACCOUNTS).covers(org.path):
        raise RuleError(
            _("You do not administer accounts for %(org)s.") % {"org": org.name}, field="org"
        )
    if role not in Role.values:
        raise RuleError(_("Unknown role."), field="role")
    if valid_to is not None and valid_to <= valid_from:
        raise RuleError(_("The end of the role must come after its start."), field="valid_to")
    if sensitive and role not in SENSITIVE_CAPABLE:
        raise RuleError(
            _("This role cannot carry the permission to see sensitive data."), field="sensitive"
        )
    if org.dissolved_on is not None and (valid_to is None or valid_to > org.dissolved_on):
        raise RuleError(
            _("%(org)s was dissolved on %(date)s; grant the role on its successor.")
            % {"org": org.name, "date": f"{org.dissolved_on:%d/%m/%Y}"},
            field="org",
        )
    if valid_from < org.established_on:
        raise RuleError(
            _(
                "%(org)s was established on %(date)s: a role on it starts on that day or later "
                "(the role still covers the history of the organisations that became it)."
            )
            % {"org": org.name, "date": f"{org.established_on:%d/%m/%Y}"},
            field="valid_from",
        )
    if role == Role.MEMBER_SELF and user.member_id is None:
        raise RuleError(_("The account is not linked to a party member's record."), field="role")
    # An administrator asks for the sensitive permission; it holds once a second one approves
    # (sensitive_approve). The system (tests, the demo, the operator's command line) grants it.
    asked = sensitive and actor is not None
    grant = RoleGrant.objects.create(
        user=user,
        org=org,
        role=role,
        valid_from=valid_from,
        valid_to=valid_to,
        sensitive=sensitive and not asked,
        sensitive_requested_by=as_user(actor) if asked else None,
    )
    cs = open_change_set(
        actor=actor,
        reason=reason.strip(),
        source=ChangeSet.Source.CLI if actor is None else ChangeSet.Source.WEB,
    )
    log_entry(
        cs,
        action="role.grant",
        obj=grant,
        subject=user,
        after={
            "org": org.code,
            "role": role,
            "valid_from": valid_from,
            "valid_to": valid_to,
            "sensitive": sensitive and not asked,
            "sensitive_requested": asked,
        },
    )
    forget_cached_scope(user)
    return grant


def sensitive_pending(actor: Actor) -> Any:
    """The sensitive permissions asked for on roles the actor administers, awaiting a second
    administrator."""
    scope = scope_for(actor, Ability.MANAGE_ACCOUNTS)
    # The reason the asker gave, from the grant's entry in the change log: the second
    # administrator decides on it.
    asked_why = ChangeLogEntry.objects.filter(
        object_type="accounts.rolegrant", object_id=Cast(OuterRef("pk"), CharField())
    ).order_by("at")
    return (
        RoleGrant.objects.filter(scope.q("org__path"), sensitive_requested_by__isnull=False)
        .filter(sensitive=False)
        .select_related("user", "org", "sensitive_requested_by")
        .annotate(asked_reason=Subquery(asked_why.values("changeset__reason")[:1]))
        .order_by("granted_at")
    )


@transaction.atomic
def sensitive_decide(*, grant: RoleGrant, actor: Actor, approve: bool, reason: str) -> RoleGrant:
    """A second account administrator approves or refuses the sensitive permission asked for on
    a role: not the one who asked, not the user it is for."""
    _check_administers(actor, grant)
    if grant.sensitive or grant.sensitive_requested_by_id is None:
        raise RuleError(_("There is no request for the sensitive permission on this role."))
    if getattr(actor, "pk", None) in (grant.sensitive_requested_by_id, grant.user_id):
        raise RuleError(
            _(
                "A second administrator decides: not the one who asked for the permission, "
                "nor the user it is for."
            )
        )
    if not reason.strip():
        raise RuleError(_("Say why: the change log records it."), field="reason")
    grant.sensitive = approve
    grant.sensitive_approved_by = as_user(actor) if approve else None
    if not approve:
        grant.sensitive_requested_by = None
    grant.save(update_fields=["sensitive", "sensitive_approved_by", "sensitive_requested_by"])
    cs = open_change_set(actor=actor, reason=reason.strip(), source=_source(actor))
    log_entry(
        cs,
        action="role.sensitive_approve" if approve else "role.sensitive_refuse",
        obj=grant,
        subject=grant.user,
        before={"sensitive": False},
        after={"sensitive": approve},
    )
    forget_cached_scope(grant.user)
    return grant


def _not_oneself(actor: Actor, user: Any) -> None:
    if actor is not None and getattr(actor, "pk", None) == user.pk:
        raise RuleError(
            _("Nobody grants, widens or keeps a role of their own: another administrator does."),
            field="username",
        )


def _check_administers(actor: Actor, grant: RoleGrant) -> None:
    if actor is not None and not scope_for(actor, Ability.MANAGE_ACCOUNTS).covers(grant.org.path):
        raise RuleError(_("You do not administer accounts for %(org)s.") % {"org": grant.org.name})


@transaction.atomic
def role_end(*, grant: RoleGrant, on: dt.date, actor: Actor, reason: str = "") -> RoleGrant:
    """End a role from `on` (the last day it holds is the day before)."""
    _check_administers(actor, grant)
    if on <= grant.valid_from:
        raise RuleError(_("A role ends after the day it starts."), field="on")
    if grant.valid_to is not None and grant.valid_to <= on:
        raise RuleError(_("This role has already ended."), field="on")
    before = {"valid_to": grant.valid_to, "needs_review": grant.needs_review}
    grant.valid_to = on
    grant.needs_review = False
    grant.save(update_fields=["valid_to", "needs_review"])
    cs = open_change_set(actor=actor, reason=reason, source=_source(actor))
    log_entry(
        cs,
        action="role.end",
        obj=grant,
        subject=grant.user,
        before=before,
        after={"valid_to": on, "needs_review": False, "org": grant.org.code, "role": grant.role},
    )
    forget_cached_scope(grant.user)
    return grant


@transaction.atomic
def role_confirm(*, grant: RoleGrant, actor: Actor, reason: str = "") -> RoleGrant:
    """Keep a role that a restructuring carried over (it leaves the review list), with the reason
    the change log keeps. A role not under review has nothing to keep."""
    _not_oneself(actor, grant.user)
    _check_administers(actor, grant)
    if not grant.needs_review:
        raise RuleError(_("This role is not waiting for a review."))
    if not reason.strip():
        raise RuleError(_("Say why: the change log records it."), field="reason")
    grant.needs_review = False
    grant.save(update_fields=["needs_review"])
    cs = open_change_set(actor=actor, reason=reason, source=_source(actor))
    log_entry(
        cs,
        action="role.confirm",
        obj=grant,
        subject=grant.user,
        before={"needs_review": True},
        after={"needs_review": False, "org": grant.org.code, "role": grant.role},
    )
    return grant


def _source(actor: Actor) -> str:
    return ChangeSet.Source.CLI if actor is None else ChangeSet.Source.WEB


def roles_to_review(actor: Actor) -> list[RoleGrant]:
    """Roles in force that a restructuring carried to a successor, or that sit on an organisation
    that no longer exists (merged, split or dissolved): someone must confirm or end them."""
    from django.db.models import Q

    grants = (
        RoleGrant.objects.filter(valid_on(today()))
        .filter(Q(needs_review=True) | Q(org__dissolved_on__isnull=False))
        .select_related("user", "org")
        .order_by("org__code", "user__username")
    )
    scope = scope_for(actor, Ability.MANAGE_ACCOUNTS)
    return [g for g in grants if scope.covers(g.org.path)]


TOKEN_DAYS = 90


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def token_create(
    *, user: User, actor: Actor, label: str = "", days: int = TOKEN_DAYS
) -> tuple[ApiToken, str]:
    """A new API token for `user`; returns the row and the token, which is not kept."""
    if (
        actor is not None
        and actor.pk != user.pk
        and not scope_for(actor, Ability.MANAGE_ACCOUNTS).unrestricted
    ):
        raise RuleError(_("You can make tokens for your own account only."))
    if not 1 <= days <= 366:
        raise RuleError(_("A token lasts from 1 to 366 days."), field="days")
    from dangvu.accounts.middleware import needs_second_factor

    if needs_second_factor(user):
        raise RuleError(
            _("An account administrator signs in in two steps and holds no API token."),
            field="label",
        )
    secret = "dv_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        label=label.strip()[:100],
        prefix=secret[:11],
        digest=hash_token(secret),
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    cs = open_change_set(actor=actor, source=_source(actor))
    log_entry(
        cs,
        action="token.create",
        obj=token,
        subject=user,
        after={"prefix": token.prefix, "label": token.label, "expires_at": token.expires_at},
    )
    return token, secret


@transaction.atomic
def token_revoke(*, token: ApiToken, actor: Actor) -> ApiToken:
    if (
        actor is not None
        and actor.pk != token.user_id
        and not scope_for(actor, Ability.MANAGE_ACCOUNTS).unrestricted
    ):
        raise RuleError(_("You can revoke your own tokens only."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        cs = open_change_set(actor=actor, source=_source(actor))
        log_entry(
            cs,
            action="token.revoke",
            obj=token,
            subject=token.user,
            after={"prefix": token.prefix, "revoked_at": token.revoked_at},
        )
    return token


def user_for_token(secret: str) -> User | None:
    """The active user whose unexpired, unrevoked token this is."""
    if not secret.startswith("dv_"):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=hash_token(secret), revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if token.last_used_at is None or timezone.now() - token.last_used_at > dt.timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


# --- the account's own sign-in: two-step sign-in and the password ------------------------------


def second_factor_device(*, user: User) -> TOTPDevice:
    """The authenticator being set up for the user: the unconfirmed one, or a new one (it signs
    nobody in until a code confirms it)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="dangvu", confirmed=False)


def second_factor_confirm(*, user: User, device: TOTPDevice, code: str) -> bool:
    """Turn two-step sign-in on once the app gives a right code; in the change log. False when
    the code is wrong or expired (nothing changes)."""
    if device.user_id != user.pk or not device.verify_token(code.strip()):
        return False
    with transaction.atomic():
        TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
        changeset = open_change_set(actor=user, source=_source(user))
        log_entry(changeset, action="account.second_factor", obj=user, after={"totp": True})
    device.refresh_from_db()
    return device.confirmed


def password_change(*, user: User, form: Any) -> User:
    """The owner's new password (Django's validated PasswordChangeForm), with the change in the
    change log — never the password itself."""
    with transaction.atomic():
        form.save()
        User.objects.filter(pk=user.pk).update(must_change_password=False)
        changeset = open_change_set(
            actor=user, reason=_("Password changed by its owner"), source=_source(user)
        )
        log_entry(changeset, action="account.password", obj=user, after={"changed": True})
    return User.objects.get(pk=user.pk)


# --- accounts administered from the web (issue 23, point 7) --------------------------------------
def administers_user(actor: Actor, user: User) -> bool:
    """Whether the actor administers the account: an unrestricted administrator any account but
    their own; an administrator of a subtree an account whose every role lies in that subtree
    (never an administrator's, never one without a role — it could be anyone's)."""
    if actor is None:
        return True
    if getattr(actor, "pk", None) == user.pk:
        return False
    scope = scope_for(actor, Ability.MANAGE_ACCOUNTS)
    if scope.empty:
        return False
    if scope.unrestricted:
        return True
    if user.is_superuser:
        return False
    paths = list(user.grants.values_list("org__path", flat=True))
    return bool(paths) and all(scope.covers(p) for p in paths)


def _check_user(actor: Actor, user: User) -> None:
    if actor is not None and getattr(actor, "pk", None) == user.pk:
        raise RuleError(_("Nobody changes their own account here: another administrator does."))
    if not administers_user(actor, user):
        raise RuleError(_("You do not administer this account."))


@transaction.atomic
def user_deactivate(*, user: User, actor: Actor, reason: str, active: bool = False) -> User:
    """Close an account (it can no longer sign in; its sessions and API tokens stop at once) or
    open it again; its roles and its history stay."""
    _check_user(actor, user)
    if not reason.strip():
        raise RuleError(_("Give the reason."), field="reason")
    before = user.is_active
    user.is_active = active
    user.save(update_fields=["is_active"])
    changeset = open_change_set(actor=actor, reason=reason.strip(), source=_source(actor))
    log_entry(
        changeset,
        action="account.activate" if active else "account.deactivate",
        obj=user,
        before={"is_active": before},
        after={"is_active": active},
    )
    forget_cached_scope(user)
    return user


@transaction.atomic
def password_reset(*, user: User, actor: Actor) -> str:
    """A new temporary password, returned once for the administrator to hand over; the user must
    choose their own at the next sign-in. Sessions signed in with the old password end."""
    _check_user(actor, user)
    temporary = secrets.token_urlsafe(9)
    user.set_password(temporary)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    changeset = open_change_set(
        actor=actor, reason=_("Password reset by an account administrator"), source=_source(actor)
    )
    log_entry(changeset, action="account.password_reset", obj=user, after={"reset": True})
    return temporary
