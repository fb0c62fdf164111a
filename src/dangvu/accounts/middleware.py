"""Session limits, the second factor, and checked writes, for every request."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from dangvu.accounts.guard import OutOfScopeWrite, checked_write
from dangvu.core.views import forbidden

log = logging.getLogger("dangvu.security")

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class SessionLimitMiddleware:
    """A session ends after DANGVU_SESSION_IDLE seconds without a request, and in any case
    DANGVU_SESSION_MAX seconds after sign-in."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            started = int(request.session.setdefault("dangvu_started", now))
            seen = int(request.session.get("dangvu_seen", now))
            if (
                now - seen > settings.SESSION_IDLE_SECONDS
                or now - started > settings.SESSION_MAX_SECONDS
            ):
                logout(request)
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": _("The session has expired.")}, status=401)
                return redirect(f"{reverse('login')}?next={request.path}")
            # The last request's time is written when it is missing and then at most once a
            # minute (more often for an idle limit under four minutes), so that activity keeps a
            # session and idleness ends it.
            every = min(60, settings.SESSION_IDLE_SECONDS // 4)
            if "dangvu_seen" not in request.session or now - seen >= every:
                request.session["dangvu_seen"] = now
        return self.get_response(request)


def needs_second_factor(user: Any) -> bool:
    """Account administrators must use a second factor; officers may choose to."""
    from dangvu.accounts.models import Role
    from dangvu.accounts.scope import _current_grants

    if user.is_superuser:
        return True
    return any(g[0] == Role.ACCOUNT_ADMIN for g in _current_grants(user))


def has_device(user: Any) -> bool:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


OPEN_PATHS = ("/static/", "/ngon-ngu/", "/dang-xuat/", "/dang-nhap/", "/xac-thuc/")
ADMIN_PATHS = ("/quan-tri/",)


class SecondFactorMiddleware:
    """After the password, a user with a TOTP device gives a code; an account administrator
    without one is sent to set one up before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(OPEN_PATHS)
        ):
            # Users who neither have nor need a second factor are checked again every 5 minutes;
            # the account administration pages check every time (a role given a minute ago).
            now = int(time.time())
            admin_page = request.path.startswith(ADMIN_PATHS)
            if not admin_page and now - int(request.session.get("dangvu_2fa_free", 0)) < 300:
                return self.get_response(request)
            if has_device(user):
                target = "otp_verify"
            elif needs_second_factor(user):
                target = "otp_setup"
            else:
                request.session["dangvu_2fa_free"] = now
                return self.get_response(request)
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": _("Two-step sign-in is needed.")}, status=403)
            return redirect(f"{reverse(target)}?next={request.path}")
        return self.get_response(request)


class _Rollback(Exception):
    pass


class NewPasswordMiddleware:
    """A user whose password an administrator reset chooses a new one before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "must_change_password", False)
            and not request.path.startswith(OPEN_PATHS)
            and request.path != reverse("password_change")
        ):
            return redirect("password_change")
        return self.get_response(request)


class CheckedWritesMiddleware:
    """Every write a signed-in user makes through a page runs in one transaction, read back
    through the restricted querysets before it commits (accounts.guard)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if request.method not in UNSAFE or user is None or not user.is_authenticated:
            return self.get_response(request)
        response: HttpResponse | None = None
        try:
            with checked_write(user):
                response = self.get_response(request)
                if response.status_code >= 500:
                    raise _Rollback
        except _Rollback:
            assert response is not None
            return response
        except OutOfScopeWrite as exc:
            log.error("write outside scope rolled back for %s: %s", user, exc.problems)
            from django.contrib import messages
            from django.contrib.messages.storage import default_storage

            # The view said "recorded" before the guard rolled its write back: that message goes,
            # and the page says what happened.
            request._messages = default_storage(request)  # type: ignore[attr-defined]
            messages.error(
                request,
                _(
                    "Nothing was recorded: the change would have reached records outside the "
                    "organisations you work on. Ask the officer who manages them."
                ),
            )
            return forbidden(request, exc)
        return response
