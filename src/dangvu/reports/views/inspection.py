"""The files of inspection work: a case's decision and plan and its notice of conclusion (DOCX),
the sector's forms for a period (XLSX). Only for the inspection role of the organisation (or
those named on the case); each download is in the access log."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse

from dangvu.accounts.models import AccessRecord
from dangvu.accounts.privacy import record_access
from dangvu.inspection import access, selectors
from dangvu.reports import inspection as documents
from dangvu.reports.views.awards import TYPES
from dangvu.tree.selectors import get_org


def _log(request: HttpRequest, object_type: str, ids: list[int], path: str, summary: str) -> None:
    record_access(
        request,
        request.user,
        action=AccessRecord.Action.INSPECTION_READ,
        purpose=AccessRecord.Purpose.INSPECTION,
        object_type=object_type,
        ids=ids,
        org_path=path,
        summary=summary,
    )


def _file(content: bytes, kind: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response


def decision(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.case_for(request.user, pk)
    _log(request, "inspection.case", [case.pk], case.org.path or "", str(case))
    return _file(documents.decision_docx(case), "docx", f"quyet-dinh-kiem-tra-{case.pk}")


def conclusion(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.case_for(request.user, pk)
    if case.concluded_on is None:
        raise Http404
    _log(request, "inspection.case", [case.pk], case.org.path or "", str(case))
    return _file(documents.conclusion_docx(case), "docx", f"thong-bao-ket-luan-{case.pk}")


def forms_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    org = get_org(request.user, code)
    if not access.may_inspect(request.user, org.path):
        raise Http404
    try:
        _kind, first, last = selectors.parse_period(request.GET.get("ky") or "")
    except ValueError as exc:
        raise Http404 from exc
    tables = selectors.form_tables(org, first, last)
    _log(
        request,
        "inspection.statistics",
        [],
        org.path or "",
        f"{org.name} {first:%d/%m/%Y}–{last:%d/%m/%Y}",
    )
    return _file(
        documents.forms_xlsx(org, first, last, tables),
        "xlsx",
        f"thong-ke-kiem-tra-{org.code.lower()}-{first:%d-%m-%Y}-{last:%d-%m-%Y}",
    )
