"""The proposal lists (danh sách đề nghị) of the awards page as documents: the members due a
party badge on an award day, the candidates for the five-year commendation — DOCX and XLSX in
the Party's format (reports.lists). An export of member data: in the access log."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from dangvu.accounts.models import AccessRecord
from dangvu.accounts.privacy import record_access
from dangvu.awards.services import badges_due
from dangvu.awards.views import candidates, period_and_day
from dangvu.core.dates import today
from dangvu.members.models import PartyMember
from dangvu.reports import lists
from dangvu.tree.selectors import get_org

TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def award_list(request: HttpRequest, code: str, what: str, fmt: str) -> HttpResponse:
    if fmt not in TYPES or what not in ("huy-hieu", "khen-thuong"):
        raise Http404
    org = get_org(request.user, code)
    first, last, day, _problems = period_and_day(request)
    if what == "huy-hieu":
        due = badges_due(org, day, request.user)
        people = _people([b["id"] for b in due])
        rows = [
            [
                b["name"],
                people[b["id"]].person.birth_date,
                _cell(people[b["id"]]),
                people[b["id"]].first_admission_date,
                b["party_age"],
                f"{b['tier']} năm",
                _("early (serious illness)")  # the page's own words
                if b["early"]
                else _("posthumously")
                if b["posthumous"]
                else "",
            ]
            for b in due
        ]
        document = lists.PartyList(
            org=org,
            on=today(),
            title="DANH SÁCH ĐẢNG VIÊN ĐỀ NGHỊ TẶNG HUY HIỆU ĐẢNG",
            subtitle=f"Đợt {day:%d/%m/%Y}",
            columns=[
                "Họ và tên",
                "Ngày sinh",
                "Chi bộ",
                "Ngày vào Đảng",
                "Tuổi đảng",
                "Huy hiệu",
                "Ghi chú",
            ],
            rows=rows,
            widths=(5, 2.5, 6, 2.5, 2, 2.5, 4),
        )
        ids = [b["id"] for b in due]
    else:
        found, _more = candidates(org, first, last, request.user)
        people = _people([m["id"] for m in found["members"]])
        rows = [
            [m["name"], people[m["id"]].person.birth_date, m["org_name"], "Đảng viên"]
            for m in found["members"]
        ] + [[o["name"], "", "", "Tổ chức đảng"] for o in found["organisations"]]
        document = lists.PartyList(
            org=org,
            on=today(),
            title="DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG",
            subtitle=f"Hoàn thành xuất sắc nhiệm vụ 5 năm liền ({first}–{last})",
            columns=["Họ và tên / Tên tổ chức", "Ngày sinh", "Chi bộ", "Đối tượng"],
            rows=rows,
            widths=(7, 2.5, 7, 3),
        )
        ids = [m["id"] for m in found["members"]]
    record_access(
        request,
        request.user,
        action=AccessRecord.Action.EXPORT,
        purpose=AccessRecord.Purpose.REPORT,
        object_type="members.partymember",
        ids=ids,
        org_path=org.path,
        fields=["full_name", "birth_date"],
        summary=f"{document.title} — {org.name}",
    )
    data = lists.as_docx(document) if fmt == "docx" else lists.as_xlsx(document)
    response = HttpResponse(data, content_type=TYPES[fmt])
    kind = "huy-hieu" if what == "huy-hieu" else "khen-thuong"
    response["Content-Disposition"] = f'attachment; filename="de-nghi-{kind}-{org.code}.{fmt}"'
    return response


def _cell(member: PartyMember) -> str:
    return member.org.name if member.org is not None else ""


def _people(ids: list[int]) -> dict[int, PartyMember]:
    return PartyMember.objects.select_related("person", "org").in_bulk(ids)
