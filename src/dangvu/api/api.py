"""HTTP API, version 1: thin routers over the same selectors as the pages (DESIGN.md "Interfaces").

Authentication is the signed-in session for now; per-user tokens come with the security work.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.urls import URLPattern, URLResolver
from ninja import NinjaAPI, Schema
from ninja.security import SessionAuth

from dangvu.core.dates import today
from dangvu.members import selectors as member_selectors
from dangvu.orgs import selectors as org_selectors

# No interactive docs page: ninja's loads Swagger UI from a CDN, and dangvu fetches nothing from outside.
api = NinjaAPI(
    title="dangvu", version="1", urls_namespace="api-v1", auth=SessionAuth(), docs_url=None
)


def api_urls() -> tuple[list[URLResolver | URLPattern], str, str]:
    """The API's URLs, answering 401 themselves rather than redirecting to the sign-in page."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback.login_required = False  # type: ignore[attr-defined]
    return patterns, app_name, namespace


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


class MemberPage(Schema):
    members: list[MemberOut]
    next: str


@api.get("/orgs/tree", response=TreeOut)
def org_tree(request: HttpRequest, as_of: dt.date | None = None) -> dict[str, object]:
    on = as_of or today()
    nodes = org_selectors.tree_on(request.user, on)
    return {
        "as_of": on,
        "organisations": [n.as_dict() for n in nodes],
    }


@api.get("/stats", response=StatsOut)
def stats(request: HttpRequest, org: str, as_of: dt.date | None = None) -> dict[str, object]:
    on = as_of or today()
    found, figures = member_selectors.stats_for(request.user, org, on)
    return {"org": found.code, "as_of": on, "indicators": figures}


@api.get("/members", response=MemberPage)
def members(request: HttpRequest, org: str, q: str = "", after: str = "") -> dict[str, object]:
    found = org_selectors.get_org(request.user, org)
    rows, token = member_selectors.member_list(
        request.user, found, member_selectors.MemberFilters(q=q), after=after
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
            }
            for m in rows
        ],
        "next": token,
    }
