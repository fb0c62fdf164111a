"""HTTP API, version 1: thin routers over the same selectors as the pages (DESIGN.md "Interfaces").

Authentication: a personal token (`Authorization: Bearer dv_…`, made with `dangvu token create`
or on the account page), scoped like its user; or the signed-in session of the pages.
Sensitive fields come only with the permission and a stated `purpose`, and are logged.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.urls import URLPattern, URLResolver
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.security import HttpBearer, SessionAuth

from dangvu.accounts.middleware import needs_second_factor
from dangvu.accounts.models import AccessRecord
from dangvu.accounts.privacy import record_access
from dangvu.accounts.scope import can_see_sensitive
from dangvu.accounts.services import user_for_token
from dangvu.core.dates import FIRST_YEAR, LAST_YEAR, in_range, today
from dangvu.members import selectors as member_selectors
from dangvu.tree import selectors as org_selectors


# No interactive docs page: ninja's loads Swagger UI from a CDN, and dangvu fetches nothing from outside.
class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> object | None:

        user = user_for_token(token)
        # An account administrator signs in with two steps; a token would skip the second.
        if user is not None and needs_second_factor(user):
            return None
        if user is not None:
            request.user = user
            request.dangvu_via = "api-token"  # type: ignore[attr-defined]
        return user


api = NinjaAPI(
    title="dangvu",
    version="1",
    urls_namespace="api-v1",
    auth=[TokenAuth(), SessionAuth()],
    docs_url=None,
)


def api_urls() -> tuple[list[URLResolver | URLPattern], str, str]:
    """The API's URLs, answering 401 themselves rather than redirecting to the sign-in page."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if not isinstance(pattern, URLPattern):
            continue
        if pattern.name == "openapi-json":
            # The OpenAPI document is for signed-in users and for holders of a token, like the
            # operations it describes.
            pattern.callback = _signed_in_or_token(pattern.callback)
        pattern.callback.login_required = False  # type: ignore[attr-defined]
    return patterns, app_name, namespace


def _signed_in_or_token(view: Any) -> Any:
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        from django.http import JsonResponse

        if not request.user.is_authenticated:
            scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
            if (
                scheme.lower() != "bearer"
                or TokenAuth().authenticate(request, token.strip()) is None
            ):
                return JsonResponse({"detail": "Unauthorized"}, status=401)
        return view(request, *args, **kwargs)

    return guarded


class OrgOut(Schema):
    code: str
    name: str
    kind: str
    category: str | None
    parent: str | None


class TreeOut(Schema):
    as_of: dt.date
    organisations: list[OrgOut]


class StatsOut(Schema):
    org: str
    as_of: dt.date
    indicators: dict[str, int]


class MemberOut(Schema):
    id: int
    name: str
    status: str
    org: str | None
    birth_date: dt.date
    sex: str
    citizen_id: str | None
    religion: str | None
    sensitive_hidden: bool


class MemberPage(Schema):
    members: list[MemberOut]
    next: str


def _day(as_of: dt.date | None) -> dt.date:
    """The day asked about, within the dates dangvu answers for (a clear 422, not a fault)."""
    from ninja.errors import HttpError

    if as_of is not None and not in_range(as_of):
        raise HttpError(422, f"as_of must lie between {FIRST_YEAR} and {LAST_YEAR}")
    return as_of or today()


@api.get("/orgs/tree", response=TreeOut)
def org_tree(request: HttpRequest, as_of: dt.date | None = None) -> dict[str, object]:
    on = _day(as_of)
    nodes = org_selectors.tree_on(request.user, on)
    return {
        "as_of": on,
        "organisations": [n.as_dict() for n in nodes],
    }


@api.get("/stats", response=StatsOut)
def stats(request: HttpRequest, org: str, as_of: dt.date | None = None) -> dict[str, object]:
    on = _day(as_of)
    found, figures = member_selectors.stats_for(request.user, org, on)
    return {"org": found.code, "as_of": on, "indicators": figures}


@api.get("/members", response=MemberPage)
def members(
    request: HttpRequest,
    org: str,
    q: str = "",
    after: str = "",
    purpose: str = "",
    purpose_note: str = "",
) -> dict[str, object]:
    """One page of members. With `purpose` (one of the access log's purposes) and the permission,
    citizen ID and religion are included and the read is logged; otherwise they are null."""
    from ninja.errors import HttpError

    if purpose == AccessRecord.Purpose.OTHER and not purpose_note.strip():
        raise HttpError(422, _("Say what the data is needed for."))
    if purpose == AccessRecord.Purpose.OWN:
        raise HttpError(422, _("This is not your own record: choose the work it is for."))
    stated = purpose in AccessRecord.Purpose.values
    found = org_selectors.get_org(request.user, org)
    # A number matches citizen IDs only for a stated purpose (and the permission); card numbers
    # always.
    filters = member_selectors.MemberFilters(q=q, by_citizen_id=stated)
    rows, token = member_selectors.member_list(request.user, found, filters, after=after)
    shown = {m.pk for m in rows if can_see_sensitive(request.user, m)} if stated else set()
    record_access(
        request,
        request.user,
        action=AccessRecord.Action.API,
        purpose=purpose or AccessRecord.Purpose.OTHER,
        purpose_note=purpose_note or ("" if purpose else _("not stated")),
        object_type="members.partymember",
        ids=[m.pk for m in rows],
        org_path=found.path,
        fields=["citizen_id", "religion"] if shown else [],
        summary=f"{found.code}: {len(rows)}",
        via=getattr(request, "dangvu_via", "api-session"),
    )
    return {
        "members": [
            {
                "id": m.pk,
                "name": m.person.full_name,
                "status": m.status,
                "org": m.org.code if m.org else None,
                "birth_date": m.person.birth_date,
                "sex": m.person.sex,
                "citizen_id": m.person.citizen_id if m.pk in shown else None,
                "religion": m.person.religion if m.pk in shown else None,
                "sensitive_hidden": m.pk not in shown,
            }
            for m in rows
        ],
        "next": token,
    }
