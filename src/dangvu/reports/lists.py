"""Lists in the Party's document format — the heading blocks (the superior and the issuing
committee on the left, "ĐẢNG CỘNG SẢN VIỆT NAM" and the place and date on the right), the title,
a numbered table and the signature block — as DOCX and XLSX: the table of comments on a draft,
the proposal lists for commendations and party badges (danh sách đề nghị)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import xlsxwriter
from docx import Document
from docx.enum.section import WD_ORIENTATION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from dangvu.orgs.models import Organisation
from dangvu.reports.heading import heading_of

FONT = "Times New Roman"


@dataclass
class PartyList:
    org: Organisation
    on: dt.date  # the day of the document (its heading names the organisation as it was then)
    title: str  # "DANH SÁCH ĐỀ NGHỊ TẶNG HUY HIỆU ĐẢNG"
    subtitle: str  # "Đợt 03/02/2027"
    columns: Sequence[str]  # after "TT"
    rows: Sequence[Sequence[Any]]
    signer: str = "T/M BAN THƯỜNG VỤ"
    widths: Sequence[float] = field(default_factory=tuple)  # in cm, after "TT"


def party_document(
    org: Organisation, on: dt.date, *, landscape: bool = True, issuer: str = "", superior: str = ""
) -> Any:
    """A blank party document (Hướng dẫn 36-HD/VPTW): Times New Roman 13, the issuer top left
    with its star, the Party's name and the place and date top right (DOMAIN.md §9.1). A congress's
    documents name the congress as issuer ("ĐẠI HỘI ĐẢNG BỘ XÃ … LẦN THỨ I")."""
    heading = heading_of(org, on)
    doc = Document()
    section = doc.sections[0]
    if landscape:
        section.orientation = WD_ORIENTATION.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    else:
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin, section.right_margin = Cm(2.0), Cm(1.5)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(13)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    top = doc.add_table(rows=1, cols=2)
    left, right = top.rows[0].cells
    left.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    left.paragraphs[0].add_run(superior or heading.superior)
    centred(left, issuer or heading.issuer, bold=True)
    centred(left, "*")
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    r = right.paragraphs[0].add_run("ĐẢNG CỘNG SẢN VIỆT NAM")
    r.bold, r.underline, r.font.size = True, True, Pt(15)
    centred(right, heading.place_date(on), italic=True)
    return doc


def centred(
    container: Any, text: str, *, bold: bool = False, italic: bool = False, size: int = 13
) -> None:
    p = container.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    r = p.add_run(text)
    r.bold, r.italic, r.font.size = bold, italic, Pt(size)


def grid(
    doc: Any, columns: Sequence[str], rows: Sequence[Sequence[Any]], *, number: bool = True
) -> Any:
    """A bordered table with a bold header row (and a "TT" column when `number`)."""
    headers = ["TT", *columns] if number else list(columns)
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    for i, row in enumerate(rows, 1):
        cells = table.add_row().cells
        for cell, value in zip(cells, [i, *row] if number else list(row), strict=True):
            cell.paragraphs[0].add_run(_text(value))
    return table


def signature(doc: Any, signer: str, title: str = "") -> None:
    block = doc.add_table(rows=1, cols=2).rows[0].cells[1]
    block.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    block.paragraphs[0].add_run(signer).bold = True
    if title:
        centred(block, title, bold=True)
    centred(block, "(Ký, ghi rõ họ tên)", italic=True)


def as_bytes(doc: Any) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def as_docx(document: PartyList) -> bytes:
    doc = party_document(document.org, document.on)
    centred(doc, document.title, bold=True, size=14)
    if document.subtitle:
        centred(doc, document.subtitle, bold=True)
    grid(doc, document.columns, document.rows)
    signature(doc, document.signer)
    return as_bytes(doc)


def as_xlsx(document: PartyList) -> bytes:
    heading = heading_of(document.org, document.on)
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("Danh sách")
    base = {"font_name": FONT, "font_size": 12, "valign": "vcenter"}
    center = book.add_format({**base, "align": "center"})
    bold = book.add_format({**base, "align": "center", "bold": True})
    title = book.add_format({**base, "align": "center", "bold": True, "font_size": 14})
    italic = book.add_format({**base, "align": "center", "italic": True})
    head = book.add_format(
        {**base, "align": "center", "bold": True, "border": 1, "text_wrap": True}
    )
    cell = book.add_format({**base, "border": 1, "text_wrap": True})
    width = len(document.columns) + 1
    half = max(width // 2, 1)
    last = width - 1
    sheet.merge_range(0, 0, 0, half - 1, heading.superior, center)
    sheet.merge_range(1, 0, 1, half - 1, heading.issuer, bold)
    sheet.merge_range(0, half, 0, last, "ĐẢNG CỘNG SẢN VIỆT NAM", bold)
    sheet.merge_range(1, half, 1, last, heading.place_date(document.on), italic)
    sheet.merge_range(3, 0, 3, last, document.title, title)
    if document.subtitle:
        sheet.merge_range(4, 0, 4, last, document.subtitle, bold)
    top = 6
    sheet.write_row(top, 0, ["TT", *document.columns], head)
    for number, row in enumerate(document.rows, 1):
        sheet.write_row(top + number, 0, [number, *[_cell(v) for v in row]], cell)
    sheet.set_column(0, 0, 5)
    for index, cm in enumerate(document.widths or [], start=1):
        sheet.set_column(index, index, cm * 4)
    end = top + len(document.rows) + 2
    sheet.merge_range(end, half, end, last, document.signer, bold)
    sheet.merge_range(end + 1, half, end + 1, last, "(Ký, ghi rõ họ tên)", italic)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    book.close()
    return out.getvalue()


def _cell(value: Any) -> Any:
    """A whole number stays a number in a spreadsheet (a sum of đồng adds up); the rest as text."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return _text(value)


def _text(value: Any) -> str:
    """What a cell shows: dates as dd/mm/yyyy, nothing for None."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)
