"""The documents of inspection work in the Party's format (issue 27 point 8): the decision with
its plan, and the notice of conclusion, as DOCX (the templates of QĐ 1403 and QĐ 668-QĐ/UBKTTW
are the model; the set in force after 2021 is UNCONFIRMED: DOMAIN-2.md §0); and the sector's
statistical forms as XLSX in their layout."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import xlsxwriter
from django.utils import translation
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm

from dangvu.core.dates import format_date
from dangvu.inspection import statforms
from dangvu.inspection.models import Case
from dangvu.inspection.selectors import FormTable
from dangvu.orgs.models import Organisation
from dangvu.reports.heading import heading_of
from dangvu.reports.lists import as_bytes, centred, party_document, signature
from dangvu.reports.xlsx import FONT, _formats, period_label
from dangvu.rules import inspection as rules

BODY_ISSUER = {
    rules.INSPECTION: "ỦY BAN KIỂM TRA",
    rules.STANDING: "BAN THƯỜNG VỤ",
    rules.COMMITTEE: "BAN CHẤP HÀNH",
    rules.CELL: "CHI BỘ",
    rules.CELL_COMMITTEE: "CHI ỦY",
    rules.SUB_COMMITTEE: "ĐẢNG ỦY BỘ PHẬN",
    rules.ADVISORY: "CƠ QUAN THAM MƯU",
}
SIGNER = {
    rules.INSPECTION: "T/M ỦY BAN KIỂM TRA",
    rules.CELL: "T/M CHI BỘ",
    rules.CELL_COMMITTEE: "T/M CHI ỦY",
}


def _object(case: Case) -> str:
    if case.object_member is not None:
        return f"đồng chí {case.object_member.person.full_name}"
    assert case.object_org is not None
    return case.object_org.name


def _paragraph(doc: Any, text: str, *, bold: bool = False, indent: bool = True) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if indent:
        p.paragraph_format.first_line_indent = Cm(1)
    r = p.add_run(text)
    r.bold = bold


def _document(case: Case, on: dt.date) -> Any:
    """A blank portrait document issued by the case's inspecting body: the organisation's name
    above, the body below it ("ĐẢNG BỘ XÃ …" / "ỦY BAN KIỂM TRA")."""
    heading = heading_of(case.org, on)
    issuer = BODY_ISSUER.get(case.body, heading.issuer)
    if case.body in (rules.CELL, rules.CELL_COMMITTEE, rules.ADVISORY):
        issuer = heading.issuer
    return party_document(
        case.org, on, landscape=False, issuer=issuer, superior=heading.name.upper()
    )


def decision_docx(case: Case) -> bytes:
    """QUYẾT ĐỊNH về việc kiểm tra (giám sát) … with its plan (kế hoạch) as the annex, in
    Vietnamese whatever the reader's language."""
    with translation.override("vi"):
        return _decision(case)


def _decision(case: Case) -> bytes:
    doc = _document(case, case.opened_on)
    kind = str(rules.CASE_KIND_LABELS[case.kind]).lower()
    number = case.decision.number or "…"
    centred(doc, f"Số {number}", italic=True)
    centred(doc, "QUYẾT ĐỊNH", bold=True, size=14)
    centred(doc, f"về việc {kind} đối với {_object(case)}", bold=True)
    _paragraph(
        doc,
        f"Căn cứ Điều lệ Đảng; căn cứ {case.regulation} về công tác kiểm tra, giám sát và kỷ luật của Đảng;",
    )
    if case.item_id is not None:
        _paragraph(doc, f"Căn cứ chương trình kiểm tra, giám sát năm {case.opened_on.year};")
    centred(doc, "QUYẾT ĐỊNH", bold=True)
    _paragraph(doc, f"Điều 1. Tiến hành {kind} đối với {_object(case)}.", bold=False)
    _paragraph(doc, f"Nội dung: {case.get_content_display()}. {case.summary}")
    team = [n for n in case.named.select_related("user") if n.role in ("head", "member")]
    if team:
        names = "; ".join(
            f"đồng chí {n.user.get_full_name() or n.user.get_username()} ({n.get_role_display().lower()})"
            for n in team
        )
        _paragraph(doc, f"Điều 2. Thành lập đoàn (tổ) kiểm tra gồm: {names}.")
    else:
        _paragraph(doc, "Điều 2. Thành phần đoàn (tổ) kiểm tra: theo kế hoạch kèm theo.")
    _paragraph(
        doc,
        "Điều 3. Đoàn (tổ) kiểm tra, đối tượng và các tổ chức, cá nhân có liên quan thi hành quyết định này.",
    )
    plan = case.steps.filter(step=rules.DECISION).values_list("note", flat=True).first()
    centred(doc, "KẾ HOẠCH", bold=True)
    _paragraph(doc, plan or "Thời gian, phương pháp tiến hành và phân công: theo quy trình.")
    signature(doc, SIGNER.get(case.body, "T/M " + BODY_ISSUER.get(case.body, "ĐẢNG ỦY")))
    return as_bytes(doc)


def conclusion_docx(case: Case) -> bytes:
    """THÔNG BÁO kết luận … : the conclusion, its degree and the discipline recommended."""
    with translation.override("vi"):
        return _conclusion(case)


def _conclusion(case: Case) -> bytes:
    assert case.concluded_on is not None
    doc = _document(case, case.concluded_on)
    kind = str(rules.CASE_KIND_LABELS[case.kind]).lower()
    centred(doc, "THÔNG BÁO", bold=True, size=14)
    centred(doc, f"kết luận {kind} đối với {_object(case)}", bold=True)
    _paragraph(
        doc,
        f"Thực hiện Quyết định số {case.decision.number or '…'} ngày {format_date(case.decision.date)} "
        f"của {case.decision.issuer}, từ ngày {format_date(case.opened_on)} đến ngày "
        f"{format_date(case.concluded_on)} đã tiến hành {kind} đối với {_object(case)}.",
    )
    _paragraph(doc, f"Nội dung: {case.get_content_display()}. {case.summary}")
    _paragraph(doc, f"Kết luận: {case.get_degree_display()}. {case.conclusion}", bold=False)
    if case.discipline_form:
        _paragraph(
            doc,
            f"Đề nghị thi hành kỷ luật bằng hình thức {case.get_discipline_form_display().lower()}.",
        )
    signature(doc, SIGNER.get(case.body, "T/M " + BODY_ISSUER.get(case.body, "ĐẢNG ỦY")))
    return as_bytes(doc)


def forms_xlsx(org: Organisation, first: dt.date, last: dt.date, tables: list[FormTable]) -> bytes:
    """Every form on its own sheet: the heading blocks, the title and period, the columns with
    their numbers, the same period last year, the note on the layout, the signatures."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    f = _formats(book)
    heading = heading_of(org, last)
    for table in tables:
        form = table.form
        sheet = book.add_worksheet(f"Biểu {form.number}")
        ncols = 2 + len(form.columns) + 1
        lastcol = ncols - 1
        sheet.set_column(0, 0, 7)
        sheet.set_column(1, 1, 52)
        sheet.set_column(2, lastcol, 15)
        sheet.merge_range(0, 0, 0, 1, heading.superior, f["left"])
        sheet.merge_range(0, 2, 0, lastcol, f"Biểu {form.number}-KTGS", f["right_bold"])
        sheet.merge_range(1, 0, 1, 1, "ỦY BAN KIỂM TRA", f["left_bold"])
        sheet.merge_range(1, 2, 1, lastcol, f"Đơn vị báo cáo: {heading.name}", f["italic"])
        sheet.merge_range(3, 0, 3, lastcol, form.title.upper(), f["title"])
        sheet.merge_range(4, 0, 4, lastcol, period_label(first, last), f["italic"])
        sheet.merge_range(5, 0, 5, lastcol, f"Đơn vị tính: {form.unit}", f["unit"])
        head = 7
        sheet.write(head, 0, "STT", f["head"])
        sheet.write(head, 1, "Chỉ tiêu", f["head"])
        for n, column in enumerate(form.columns):
            sheet.write(head, 2 + n, column.label, f["head"])
        sheet.write(head, lastcol, "Cùng kỳ năm trước", f["head"])
        for n in range(ncols):
            sheet.write(head + 1, n, "(A)" if n == 0 else f"({n})", f["num_head"])
        sheet.set_row(head, 48)
        r = head + 2
        for line, cells in table.rows:
            sheet.write(r, 0, line.number, f["stt"])
            style = f["heading_row"] if line.spec is None else f["label"][min(line.level, 3)]
            sheet.write(r, 1, line.label, style)
            if not cells:
                for n in range(2, ncols):
                    sheet.write_blank(r, n, None, f["blank"])
            for n, cell in enumerate(cells):
                sheet.write_number(r, 2 + n, cell.value, f["int"])
            r += 1
        r += 1
        sheet.merge_range(
            r,
            0,
            r,
            lastcol,
            f"Ghi chú: {statforms.NOTE}",
            book.add_format({"font_name": FONT, "italic": True, "text_wrap": True}),
        )
        sheet.set_row(r, 32)
        r += 2
        sheet.write(r, 1, "NGƯỜI LẬP BIỂU", f["sign"])
        sheet.merge_range(
            r - 1, 2, r - 1, lastcol, heading.place_date(min(last, dt.date.today())), f["italic"]
        )
        sheet.merge_range(r, 2, r, lastcol, "T/M ỦY BAN KIỂM TRA", f["sign"])
        sheet.repeat_rows(head, head + 1)
        sheet.fit_to_pages(1, 0)
        sheet.set_paper(9)
    book.close()
    return out.getvalue()
