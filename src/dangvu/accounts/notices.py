"""Notices (issue 23, point 8): who is to be told, and telling them — in the app, and by e-mail
when the server's mail is configured (Django's EMAIL_* settings, DANGVU_EMAIL_HOST)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from dangvu.accounts.models import ROLE_ABILITIES, Notice, RoleGrant, User
from dangvu.core.dates import today
from dangvu.orgs.models import SEGMENT_WIDTH, valid_on

log = logging.getLogger(__name__)


def holders(ability: str, path: str) -> list[User]:
    """Who is to act at the organisation at `path`: the active accounts holding, today, a role
    with `ability` on it — or, when none does, on the nearest organisation above that has such
    holders (so a province's officers hear of a cell's proposal only when no one nearer can act)."""
    roles = [role for role, abilities in ROLE_ABILITIES.items() if ability in abilities]
    levels = [path[:end] for end in range(SEGMENT_WIDTH, len(path) + 1, SEGMENT_WIDTH)]
    grants = RoleGrant.objects.filter(
        valid_on(today()), org__path__in=levels, role__in=roles, user__is_active=True
    ).values_list("org__path", "user_id")
    by_level: dict[str, set[int]] = {}
    for org_path, user_id in grants:
        by_level.setdefault(org_path, set()).add(user_id)
    for level in reversed(levels):
        if level in by_level:
            return list(User.objects.filter(pk__in=by_level[level]).order_by("pk"))
    return []


def notify(users: Iterable[Any], *, kind: str, text: str, url: str, actor: Any = None) -> int:
    """One notice to each user (not to the actor who caused it), written with the change that
    caused it; the e-mails go once that change is committed."""
    actor_id = getattr(actor, "pk", None)
    recipients = [u for u in {u.pk: u for u in users if u is not None}.values() if u.pk != actor_id]
    Notice.objects.bulk_create(
        [Notice(user=u, kind=kind, text=text[:500], url=url[:300]) for u in recipients]
    )
    addresses = [u.email for u in recipients if u.email]
    if addresses and getattr(settings, "DANGVU_EMAIL", False):
        transaction.on_commit(lambda: _mail(addresses, text, url))
    return len(recipients)


def _mail(addresses: list[str], text: str, url: str) -> None:
    link = settings.DANGVU_SITE_URL.rstrip("/") + url if settings.DANGVU_SITE_URL else url
    try:
        send_mail(
            subject=f"[Đảng vụ] {text[:120]}",
            message=f"{text}\n\n{link}\n",
            from_email=None,
            recipient_list=addresses,
        )
    except OSError:
        log.exception("notice e-mail not sent to %d addresses", len(addresses))


def unread(user: Any) -> QuerySet[Notice]:
    return Notice.objects.filter(user=user, read_at__isnull=True)


def mark_read(user: Any, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notices read (all of them, or those ids): their own, never another's."""
    found = unread(user)
    if ids is not None:
        found = found.filter(pk__in=list(ids))
    return found.update(read_at=timezone.now())
