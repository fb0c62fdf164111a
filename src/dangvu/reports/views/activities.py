"""The files of cell life and dues in the layouts provinces use: the coverage of a committee's
cells for a period, a cell's dues book for a month, a committee's dues summary (XLSX)."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from dangvu.accounts.models import Ability, AccessRecord
from dangvu.accounts.privacy import record_access
from dangvu.accounts.scope import can
from dangvu.activities import roll as rolls
from dangvu.activities import selectors
from dangvu.core.dates import today
from dangvu.reports import lists
from dangvu.reports.views.awards import TYPES
from dangvu.rules import dues as dues_rules
from dangvu.tree.selectors import get_org

REASONS = {"fifty_years": "50 năm tuổi đảng", **{k: str(v) for k, v in dues_rules.RELIEF_GROUNDS}}


def _month(request: HttpRequest) -> dt.date:
    return selectors.month_asked(request.GET.get("thang"), today().replace(day=1))


def _file(document: lists.PartyList, name: str) -> HttpResponse:
    response = HttpResponse(lists.as_xlsx(document), content_type=TYPES["xlsx"])
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}".replace(".", ",")


def coverage_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    org = get_org(request.user, code)
    first, last = selectors.period_asked(request.GET.get("ky"), today())
    found = selectors.coverage(org, first, last)
    rows = [
        [
            c.name,
            f"{len(c.held_months & set(c.due_months))}/{len(c.due_months)}",
            c.on_time,
            ", ".join(f"{m:%m/%Y}" for m in c.missing),
            len(c.thematic_quarters),
            f"{c.present}/{c.expected}",
            _pct(c.attendance_rate),
            _pct(c.good_share),
            c.rating,
        ]
        for c in found.cells
    ]
    document = lists.PartyList(
        org=org,
        on=min(today(), dues_rules.next_month(last) - dt.timedelta(days=1)),
        title="TÌNH HÌNH SINH HOẠT CHI BỘ",
        subtitle=f"Từ tháng {first:%m/%Y} đến tháng {last:%m/%Y}",
        columns=[
            "Chi bộ",
            "Số kỳ sinh hoạt thường kỳ đã tổ chức / phải tổ chức",
            "Đúng kỳ",
            "Tháng không sinh hoạt",
            "Số quý có sinh hoạt chuyên đề",
            "Đảng viên dự / phải dự",
            "Tỷ lệ dự (%)",
            "Tỷ lệ buổi đạt tốt (%)",
            "Xếp loại chi bộ",
        ],
        rows=rows,
        signer="T/M BAN THƯỜNG VỤ",
        widths=(7, 3, 2, 4, 2.5, 3, 2, 2, 3),
    )
    return _file(document, f"sinh-hoat-chi-bo-{first:%Y-%m}")


def dues_book_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    org = get_org(request.user, code)
    if org.kind not in rolls.CELL_KINDS or not can(request.user, Ability.MANAGE_MEMBERS, org.path):
        raise Http404
    month = _month(request)
    lines = selectors.book(org, month)
    record_access(
        request,
        request.user,
        action=AccessRecord.Action.EXPORT,
        purpose=AccessRecord.Purpose.REPORT,
        object_type="members.partymember",
        ids=[line["member_id"] for line in lines],
        org_path=org.path,
        fields=["full_name", "dues"],
        summary=_("Dues book %(month)s — %(org)s") % {"month": f"{month:%m/%Y}", "org": org.name},
    )
    rows = [
        [
            line["member__person__full_name"],
            line["amount"],
            REASONS.get(line["reason"], "")
            + (f" ({line['percent']} %)" if 0 < line["percent"] < 100 else ""),
            line["paid"],
            f"{line['paid_on']:%d/%m/%Y}" if line["paid_on"] else "",
            "Cổng DVC" if line["channel"] == "portal" else ("Tiền mặt" if line["channel"] else ""),
        ]
        for line in lines
    ]
    rows.append(["Cộng", sum(r[1] for r in rows), "", sum(r[3] for r in rows), "", ""])
    document = lists.PartyList(
        org=org,
        on=min(today(), dues_rules.next_month(month) - dt.timedelta(days=1)),
        title="SỔ THU NỘP ĐẢNG PHÍ",
        subtitle=f"Tháng {month:%m/%Y} — {dues_rules.regulation_for(month).title}",
        columns=[
            "Họ và tên",
            "Số phải đóng (đồng)",
            "Miễn, giảm",
            "Số đã đóng (đồng)",
            "Ngày đóng",
            "Hình thức",
        ],
        rows=rows,
        signer="T/M CHI BỘ",
        widths=(7, 3.5, 4, 3.5, 3, 3),
    )
    return _file(document, f"so-dang-phi-{month:%Y-%m}")


def dues_summary_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    org = get_org(request.user, code)
    month = _month(request)
    found = selectors.dues_summary(org, month)
    rows = [
        [r.name, r.members, r.due, r.paid, r.unpaid, r.exempt, r.reduced] for r in found["rows"]
    ]
    t = found["totals"]
    rows.append(["Cộng", t["members"], t["due"], t["paid"], t["unpaid"], t["exempt"], t["reduced"]])
    document = lists.PartyList(
        org=org,
        on=min(today(), dues_rules.next_month(month) - dt.timedelta(days=1)),
        title="TỔNG HỢP THU NỘP ĐẢNG PHÍ",
        subtitle=f"Tháng {month:%m/%Y}",
        columns=[
            "Chi bộ",
            "Số đảng viên",
            "Số phải thu (đồng)",
            "Số đã thu (đồng)",
            "Đảng viên chưa đóng đủ",
            "Được miễn",
            "Được giảm",
        ],
        rows=rows,
        widths=(7, 2.5, 3.5, 3.5, 3, 2.5, 2.5),
    )
    return _file(document, f"tong-hop-dang-phi-{month:%Y-%m}")
