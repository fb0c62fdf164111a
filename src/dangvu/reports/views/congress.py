"""The province's board of congresses (held, due, late; composition met or not, per subordinate,
with the directive's review as figures) and the congress's documents as DOCX."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from dangvu.accounts.models import Ability, AccessRecord
from dangvu.accounts.privacy import record_access
from dangvu.accounts.scope import require
from dangvu.congress import selectors
from dangvu.congress.models import Congress, Election, Seat, Term
from dangvu.core.cached import cached
from dangvu.core.dates import today
from dangvu.core.text import search_key
from dangvu.orgs.models import Organisation
from dangvu.reports import congress as documents
from dangvu.reports.views.awards import TYPES
from dangvu.rules import congress as rules
from dangvu.tree.selectors import get_org

STATUS_LABELS = {
    "held": gettext_lazy("held on time"),
    "late": gettext_lazy("held late"),
    "due": gettext_lazy("due"),
    "overdue": gettext_lazy("not recorded, past the deadline"),
}


def board(request: HttpRequest, code: str) -> HttpResponse:
    org = get_org(request.user, code)
    try:
        year = int(request.GET.get("vong") or 2025)
    except ValueError:
        year = 2025
    if year not in selectors.ROUNDS:
        messages.warning(request, _("There is no round of congresses that year; showing 2025."))
        year = 2025
    day = today()
    # Kept per state of the records (core.cached), as the province's other boards: a view again
    # reads it back; any write computes it afresh.
    found = cached(
        f"congress-board:{org.pk}:{year}:{day.isoformat()}:{get_language()}",
        lambda: selectors.board(org, year, day),
    )
    rows = [
        {
            "row": r,
            "status": STATUS_LABELS[r.status],
            "level": rules.LEVELS[r.level],
            "missed": [f.label for f in r.composition.figures if f.met is False]
            if r.composition
            else [],
        }
        for r in found["rows"]
    ]
    review = found["review"]
    members = review["members"] or 0

    def pct(n: int) -> str:
        return f"{round(100 * n / members, 1):g}".replace(".", ",") + " %" if members else "—"

    return render(
        request,
        "reports/congress_board.html",
        {
            "org": org,
            "year": year,
            "rounds": sorted(selectors.ROUNDS),
            "directive": found["directive"],
            "rows": rows,
            "review": review,
            "shares": [
                (_("Women"), review["women"], pct(review["women"])),
                (_("Young members"), review["young"], pct(review["young"])),
                (_("Ethnic minority members"), review["minority"], pct(review["minority"])),
                (_("New members (renewal)"), review["renewal"], pct(review["renewal"])),
                (
                    _("Science and technology qualifications"),
                    review["science"],
                    pct(review["science"]),
                ),
            ],
        },
    )


def _slug(org: Organisation) -> str:
    """The organisation's name in a file name: "dang-bo-xa-phuoc-hai"."""
    return "-".join(search_key(org.name).split())


def _docx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=TYPES["docx"])
    response["Content-Disposition"] = f'attachment; filename="{name}.docx"'
    return response


def _term(request: HttpRequest, code: str, first: int, last: int) -> tuple[Organisation, Term]:
    org = get_org(request.user, code)
    term = Term.objects.filter(org=org, first_year=first, last_year=last).first()
    if term is None:
        raise Http404
    return org, term


def _log(request: HttpRequest, ids: list[int], path: str) -> None:
    record_access(
        request,
        request.user,
        action=AccessRecord.Action.EXPORT,
        purpose=AccessRecord.Purpose.REPORT,
        object_type="members.partymember",
        ids=ids,
        org_path=path,
    )


def minutes(request: HttpRequest, pk: int) -> HttpResponse:
    election = (
        Election.objects.select_related("org", "term", "congress", "approval").filter(pk=pk).first()
    )
    if election is None or election.status == Election.Status.OPEN:
        raise Http404
    require(request.user, Ability.VIEW, election.org.path)
    _log(request, list(election.nominees.values_list("member_id", flat=True)), election.org.path)
    return _docx(
        documents.minutes(election),
        f"bien-ban-kiem-phieu-{_slug(election.org)}-{election.held_on:%d-%m-%Y}-lan-{election.round}",
    )


def committee_list(request: HttpRequest, code: str, first: int, last: int) -> HttpResponse:
    org, term = _term(request, code, first, last)
    _log(
        request, list(Seat.objects.filter(term=term).values_list("member_id", flat=True)), org.path
    )
    return _docx(
        documents.committee_list(org, term), f"danh-sach-cap-uy-{_slug(org)}-{first}-{last}"
    )


def congress_report(request: HttpRequest, code: str, first: int, last: int) -> HttpResponse:
    _org, term = _term(request, code, first, last)
    congress = Congress.objects.filter(term=term).select_related("org", "term").first()
    if congress is None:
        raise Http404
    _log(
        request,
        list(Seat.objects.filter(term=term).values_list("member_id", flat=True)),
        congress.org.path,
    )
    return _docx(
        documents.congress_report(congress),
        f"bao-cao-ket-qua-dai-hoi-{_slug(congress.org)}-{first}-{last}",
    )


def delegates_list(request: HttpRequest, code: str, first: int, last: int) -> HttpResponse:
    org, term = _term(request, code, first, last)
    ids = list(
        Seat.objects.filter(term=term, body=rules.DELEGATE).values_list("member_id", flat=True)
    )
    if not ids:
        raise Http404
    _log(request, ids, org.path)
    return _docx(
        documents.delegates_list(org, term), f"danh-sach-dai-bieu-{_slug(org)}-{first}-{last}"
    )
