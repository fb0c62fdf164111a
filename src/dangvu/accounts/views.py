"""Security pages: my account (second factor, API tokens), roles for account administrators,
and the change log and access log for the organisation board and inspection."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.views import PasswordChangeView
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from dangvu.accounts import purpose as asked_why
from dangvu.accounts import services
from dangvu.accounts.forms import (
    ApiTokenForm,
    EndGrantForm,
    GrantForm,
    PurposeForm,
    TokenForm,
    UserCreateForm,
    UserStateForm,
)
from dangvu.accounts.middleware import needs_second_factor
from dangvu.accounts.models import Ability, AccessRecord, ApiToken, RoleGrant, User
from dangvu.accounts.privacy import entry_is_sensitive, mask_entry, record_with_purpose
from dangvu.accounts.scope import scope_for
from dangvu.core.dates import today
from dangvu.core.exports import csv_response
from dangvu.core.forms import add_service_errors, parse_day
from dangvu.core.labels import action_label, actor_label
from dangvu.core.models import ChangeLogEntry
from dangvu.orgs.models import Organisation, common_path, subtree_range, valid_on
from dangvu.orgs.pickers import scope_picker


def _next(request: HttpRequest) -> str:
    target = request.GET.get("next") or request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("home")


# --- second factor ------------------------------------------------------------------------------
def otp_verify(request: HttpRequest) -> HttpResponse:
    """After the password: the 6-digit code of the user's authenticator app."""
    user: Any = request.user
    if user.is_verified():
        return redirect(_next(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"].strip()
        for device in TOTPDevice.objects.filter(user=user, confirmed=True):
            if device.verify_token(code):
                otp_login(request, device)
                return redirect(_next(request))
        form.add_error("code", _("The code is not right or has expired. Try the newest one."))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next(request)})


def _qr_svg(uri: str) -> str:
    import segno

    return str(segno.make(uri, error="m").svg_data_uri(scale=4))


def otp_setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the code (or type the key), then confirm one code."""
    from base64 import b32encode

    user: Any = request.user
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists() and not user.is_verified():
        return redirect(f"{reverse('otp_verify')}?next={_next(request)}")
    device = services.second_factor_device(user=user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.second_factor_confirm(user=user, device=device, code=form.cleaned_data["code"]):
            otp_login(request, device)
            messages.success(request, _("Two-step sign-in is on for your account."))
            return redirect(_next(request))
        form.add_error("code", _("The code is not right or has expired. Try the newest one."))
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "form": form,
            "qr": _qr_svg(device.config_url),
            "key": b32encode(device.bin_key).decode(),
            "required": needs_second_factor(user),
            "next": _next(request),
        },
    )


# --- my account ---------------------------------------------------------------------------------
class PasswordChange(PasswordChangeView):
    """Django's password change, with the change in the change log (never the password)."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("account")

    def form_valid(self, form: Any) -> HttpResponse:
        services.password_change(user=cast(User, self.request.user), form=form)
        # As Django's view does after form.save(): the session stays signed in.
        update_session_auth_hash(self.request, form.user)
        return HttpResponseRedirect(self.get_success_url())


def account(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = ApiTokenForm(request.POST or None)
    new_token = ""
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_token = services.token_create(
                user=user,
                actor=user,
                label=form.cleaned_data["label"],
                days=form.cleaned_data["days"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            form = ApiTokenForm()
    grants = RoleGrant.objects.filter(user=user).select_related("org").order_by("-valid_from")
    return render(
        request,
        "accounts/account.html",
        {
            "grants": grants,
            "today": today(),
            "tokens": ApiToken.objects.filter(user=user).order_by("-created_at"),
            "form": form,
            "new_token": new_token,
            "has_device": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        },
    )


@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = ApiToken.objects.filter(pk=pk, user_id=request.user.pk or 0).first()
    if token is None:
        raise Http404
    services.token_revoke(token=token, actor=request.user)
    messages.success(request, _("The token was revoked."))
    return redirect("account")


# --- roles (account administrators) -------------------------------------------------------------
def _administered(request: HttpRequest) -> QuerySet[RoleGrant]:
    scope = scope_for(request.user, Ability.MANAGE_ACCOUNTS)
    if scope.empty:
        raise Http404
    return RoleGrant.objects.filter(scope.q("org__path")).select_related("user", "org")


def _accounts(request: HttpRequest) -> QuerySet[User]:
    """The accounts the user administers: all for an unrestricted administrator; otherwise those
    holding a role in the administered subtree (services.administers_user decides each change)."""
    scope = scope_for(request.user, Ability.MANAGE_ACCOUNTS)
    if scope.empty:
        raise Http404
    if scope.unrestricted:
        return User.objects.all()
    holders = RoleGrant.objects.filter(scope.q("org__path")).values("user_id")
    return User.objects.filter(pk__in=holders, is_superuser=False)


SHOWN_ONCE = "dangvu_shown_once"


def _show_once(request: HttpRequest, user: User, password: str, created: bool) -> HttpResponse:
    """Keep the temporary password for the next page only (then it is gone), and go there."""
    request.session[SHOWN_ONCE] = {"user": user.pk, "password": password, "created": created}
    return redirect("users")


def users(request: HttpRequest) -> HttpResponse:
    """Accounts: created with a temporary password shown once, closed and opened, passwords
    reset; roles are granted on the roles page."""
    accounts = _accounts(request)
    shown = request.session.pop(SHOWN_ONCE, None)
    if shown:
        shown["user"] = accounts.filter(pk=shown["user"]).first()
    form = UserCreateForm(request.POST or None if request.POST.get("action") == "create" else None)
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        if User.objects.filter(username=d["username"]).exists():
            form.add_error("username", _("This user name is taken."))
        else:
            password = secrets.token_urlsafe(9)
            try:
                with transaction.atomic():
                    user = services.user_create(
                        username=d["username"],
                        full_name=d["full_name"],
                        password=password,
                        actor=request.user,
                        email=d["email"],
                        must_change_password=True,
                    )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return _show_once(request, user, password, created=True)
    q = request.GET.get("q", "").strip()
    listed = accounts.order_by("-is_active", "last_name", "first_name", "username")
    if q:
        listed = listed.filter(
            Q(username__icontains=q) | Q(first_name__icontains=q) | Q(last_name__icontains=q)
        )
    page = Paginator(listed.prefetch_related("grants__org"), 50).get_page(request.GET.get("trang"))
    return render(
        request,
        "accounts/users.html",
        {"page": page, "q": q, "form": form, "shown": shown, "state_form": UserStateForm()},
    )


def _administered_user(request: HttpRequest, pk: int) -> User:
    user = _accounts(request).filter(pk=pk).first()
    if user is None:
        raise Http404
    return user


@require_POST
def user_password_reset(request: HttpRequest, pk: int) -> HttpResponse:
    user = _administered_user(request, pk)
    try:
        password = services.password_reset(user=user, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("users")
    return _show_once(request, user, password, created=False)


@require_POST
def user_state(request: HttpRequest, pk: int) -> HttpResponse:
    user = _administered_user(request, pk)
    form = UserStateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason."))
        return redirect("users")
    try:
        services.user_deactivate(
            user=user,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            active=request.POST.get("active") == "1",
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("The account is open again.") if user.is_active else _("The account is closed."),
        )
    return redirect("users")


def roles(request: HttpRequest) -> HttpResponse:
    grants = _administered(request)
    form = GrantForm(
        request.POST or None,
        initial={"valid_from": today(), "username": request.GET.get("username", "")},
    )
    scope_picker(
        form,
        "org",
        Organisation.objects.filter(scope_for(request.user, Ability.MANAGE_ACCOUNTS).q("path")),
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        user = User.objects.filter(username=d["username"].strip()).first()
        org = d["org"]
        if user is None:
            form.add_error("username", _("No account with this user name."))
        else:
            try:
                with transaction.atomic():
                    services.role_grant(
                        user=user,
                        org=org,
                        role=d["role"],
                        valid_from=d["valid_from"],
                        valid_to=d["valid_to"],
                        sensitive=d["sensitive"],
                        actor=request.user,
                        reason=d["reason"],
                    )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if d["sensitive"]:
                    messages.success(
                        request,
                        _(
                            "The role was granted. The permission to see sensitive data holds "
                            "once a second account administrator approves it."
                        ),
                    )
                else:
                    messages.success(request, _("The role was granted."))
                return redirect("roles")
    current = grants.filter(valid_on(today())).order_by("org__code", "user__username")
    return render(
        request,
        "accounts/roles.html",
        {
            "grants": current,
            "review": services.roles_to_review(request.user),
            "pending": services.sensitive_pending(request.user),
            "form": form,
            "end_form": EndGrantForm(initial={"on": today()}),
        },
    )


@require_POST
def sensitive_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """A second administrator approves or refuses a requested sensitive permission."""
    grant = _grant(request, pk)
    try:
        services.sensitive_decide(
            grant=grant,
            actor=request.user,
            approve=request.POST.get("decision") == "approve",
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The permission to see sensitive data was approved.")
            if grant.sensitive
            else _("The permission to see sensitive data was refused."),
        )
    return redirect("roles")


def _grant(request: HttpRequest, pk: int) -> RoleGrant:
    grant = _administered(request).filter(pk=pk).first()
    if grant is None:
        raise Http404
    return grant


@require_POST
def role_end(request: HttpRequest, pk: int) -> HttpResponse:
    grant = _grant(request, pk)
    form = EndGrantForm(request.POST)
    if form.is_valid():
        try:
            services.role_end(
                grant=grant,
                on=form.cleaned_data["on"],
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The role was ended."))
    else:
        messages.error(request, _("Give the date the role ends and the reason."))
    return redirect("roles")


@require_POST
def role_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    grant = _grant(request, pk)
    try:
        services.role_confirm(
            grant=grant, actor=request.user, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The role was kept."))
    return redirect("roles")


# --- the change log and the access log ----------------------------------------------------------
CHANGE_LOG_HEADERS = [
    pgettext_lazy("column", "Time"),
    pgettext_lazy("column", "Who"),
    pgettext_lazy("column", "Action"),
    pgettext_lazy("column", "Record"),
    pgettext_lazy("column", "Before"),
    pgettext_lazy("column", "After"),
    pgettext_lazy("column", "Reason"),
    pgettext_lazy("column", "Change set"),
]
ACCESS_LOG_HEADERS = [
    pgettext_lazy("column", "Time"),
    pgettext_lazy("column", "Account"),
    pgettext_lazy("column", "IP address"),
    pgettext_lazy("column", "Channel"),
    pgettext_lazy("column", "What"),
    pgettext_lazy("column", "Purpose"),
    pgettext_lazy("column", "Details of the purpose"),
    pgettext_lazy("column", "Number of records"),
    pgettext_lazy("column", "Fields"),
    pgettext_lazy("column", "Summary"),
]


def _audit_scope_q(request: HttpRequest, field: str) -> Q:
    scope = scope_for(request.user, Ability.AUDIT)
    if scope.empty:
        raise Http404
    return scope.q(field)


def _org_filter(request: HttpRequest, field: str) -> Q:
    code = (request.GET.get("org") or "").strip().upper()
    if not code:
        return Q()
    org = Organisation.objects.filter(code=code).first()
    if org is None:
        return Q(pk__in=[])
    low, high = subtree_range(org.path)
    return Q(**{f"{field}__gte": low, f"{field}__lt": high})


def _without_page(request: HttpRequest) -> str:
    """The query of a log's page without its page number (the pages' links add their own)."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _dates(request: HttpRequest, field: str) -> Q:
    """From and to a day, in local time, as a range of the indexed time itself (a function of the
    column would read the whole log); a day that is not one is said, not ignored."""
    condition = Q()
    for param, lookup in (("from", "gte"), ("to", "lt")):
        value = (request.GET.get(param) or "").strip()
        if value:
            day, ok = parse_day(value)
            if not ok:
                messages.error(
                    request,
                    _("“%(value)s” is not a date: write it as dd/mm/yyyy.") % {"value": value},
                )
                continue
            if lookup == "lt":  # to the end of that day
                day += dt.timedelta(days=1)
            start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
            condition &= Q(**{f"{field}__{lookup}": start})
    return condition


def _log_export(request: HttpRequest, kind: str, count: int) -> bool:
    """A log export says why, like any export; returns False when the purpose is missing."""
    form = PurposeForm(request.GET)
    if not form.is_valid():
        return False
    record_with_purpose(
        request,
        form,
        action=AccessRecord.Action.AUDIT_EXPORT,
        object_type=kind,
        ids=[],
        summary=f"{kind}: {count}",
    )
    return True


CONFIDENTIAL_ACTIONS = "inspection."


def change_log(request: HttpRequest) -> HttpResponse:
    """The change log, by user, organisation, record and date; exportable; read-only."""
    entries = ChangeLogEntry.objects.filter(_audit_scope_q(request, "scope_path"))
    # Inspection work is confidential (DOMAIN-2.md §1): its entries are read by the inspection
    # role of their place only, not by the organisation board that audits the rest.
    inspect = scope_for(request.user, Ability.INSPECT)
    entries = entries.exclude(Q(action__startswith=CONFIDENTIAL_ACTIONS) & ~inspect.q("scope_path"))
    entries = entries.filter(_org_filter(request, "scope_path"), _dates(request, "at"))
    user = (request.GET.get("user") or "").strip()
    if user:
        entries = entries.filter(actor_name__icontains=user) | entries.filter(
            actor_id__in=User.objects.filter(username=user).values("pk")
        )
    record = (request.GET.get("record") or "").strip()
    if record and ":" in record:
        kind, _sep, ident = record.partition(":")
        entries = entries.filter(subject_type=kind, subject_id=ident)
    entries = entries.order_by("-at", "-id")
    sensitive = scope_for(request.user, Ability.VIEW_SENSITIVE)
    if request.GET.get("format") == "csv":
        rows = list(entries[:100_000])
        if not _log_export(request, "changelog", len(rows)):
            return _purpose_page(request, _("Export the change log"))
        return csv_response(
            "nhat-ky-thay-doi.csv",
            [str(h) for h in CHANGE_LOG_HEADERS],
            (
                (
                    f"{timezone.localtime(e.at):%d/%m/%Y %H:%M:%S}",
                    actor_label(e.actor_name),
                    action_label(e.action),
                    e.object_label,
                    e.before or "",
                    e.after or "",
                    e.reason,
                    e.changeset_id,
                )
                for e in (_shown(entry, sensitive) for entry in rows)
            ),
        )
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    # Sensitive values (ratings, discipline, citizen ID, …) are shown only to a user with the
    # permission over the entry's place who has said why; the reading is in the access log.
    purpose = asked_why.stated(request)
    reveal = not sensitive.empty and purpose.is_bound and purpose.is_valid()
    revealed, paths = [], []
    for entry in page.object_list:
        if reveal and sensitive.covers(entry.scope_path):
            if entry_is_sensitive(entry):
                revealed.append(entry.pk)
                paths.append(entry.scope_path)
        else:
            mask_entry(entry)
    if revealed:
        record_with_purpose(
            request,
            purpose,
            action=AccessRecord.Action.VIEW_SENSITIVE,
            object_type="core.changelogentry",
            ids=revealed,
            # Filed where the entries were, so that the access log of that subtree lists it.
            org_path=common_path(paths),
            summary=_("Change log"),
        )
    return render(
        request,
        "accounts/change_log.html",
        {
            "page": page,
            "query": _without_page(request),
            "filters": request.GET,
            "may_reveal": not sensitive.empty,
            "reveal": reveal,
            "purpose_form": purpose,
            "carried": asked_why.carried(request, purpose),
        },
    )


def _shown(entry: ChangeLogEntry, sensitive: Any) -> ChangeLogEntry:
    return entry if sensitive.covers(entry.scope_path) else mask_entry(entry)


def _purpose_page(request: HttpRequest, title: str) -> HttpResponse:
    return asked_why.ask(request, asked_why.stated(request), title)


def access_log(request: HttpRequest) -> HttpResponse:
    """Who read sensitive data or exported member data: searchable and exportable."""
    records = AccessRecord.objects.filter(_audit_scope_q(request, "org_path"))
    # Who read which inspection record is itself inspection work: the inspection role's only.
    inspect = scope_for(request.user, Ability.INSPECT)
    records = records.exclude(
        (Q(action=AccessRecord.Action.INSPECTION_READ) | Q(object_type__startswith="inspection."))
        & ~inspect.q("org_path")
    )
    records = records.filter(_org_filter(request, "org_path"), _dates(request, "at"))
    user = (request.GET.get("user") or "").strip()
    if user:
        records = records.filter(username=user)
    member = (request.GET.get("member") or "").strip()
    if member.isdigit():
        records = records.filter(
            object_type="members.partymember", object_ids__icontains=f'"{member}"'
        )
    if request.GET.get("format") == "csv":
        rows = list(records[:100_000])
        if not _log_export(request, "accesslog", len(rows)):
            return _purpose_page(request, _("Export the access log"))
        return csv_response(
            "nhat-ky-truy-cap.csv",
            [str(h) for h in ACCESS_LOG_HEADERS],
            (
                (
                    f"{timezone.localtime(r.at):%d/%m/%Y %H:%M:%S}",
                    r.username,
                    r.ip or "",
                    r.via,
                    r.get_action_display(),
                    r.get_purpose_display(),
                    r.purpose_note,
                    r.row_count,
                    ", ".join(r.fields),
                    r.summary,
                )
                for r in rows
            ),
        )
    page = Paginator(records, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/access_log.html",
        {
            "page": page,
            "query": _without_page(request),
            "filters": request.GET,
            "member_filter": True,
        },
    )
