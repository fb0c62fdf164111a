"""Write the default Word templates of the annual and term reviews (docxtpl tags inside).

Run it after changing the layout: `.venv/bin/python scripts/make_report_templates.py`. A
province replaces a template with its own by putting a file of the same name (annual.docx,
term.docx) in DANGVU_DATA_DIR/report-templates/; the tags it may use are in docs/reports.md.
Layout after Hướng dẫn 36-HD/VPTW (DOMAIN.md §9): Times New Roman 14, A4, heading blocks.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

OUT = Path(__file__).resolve().parent.parent / "src" / "dangvu" / "reports" / "docx"
FONT = "Times New Roman"


def _font(run, size=14, bold=False, italic=False, underline=False):  # type: ignore[no-untyped-def]
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    run.font.underline = underline
    run._element.rPr.rFonts.set(qn("w:eastAsia"), FONT)


def _para(
    container, text, size=14, bold=False, italic=False, align=None, underline=False, indent=True
):  # type: ignore[no-untyped-def]
    p = container.add_paragraph()
    if align is not None:
        p.alignment = align
    elif indent:
        p.paragraph_format.first_line_indent = Cm(1.27)
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    p.paragraph_format.space_after = Pt(3)
    _font(p.add_run(text), size, bold, italic, underline)
    return p


def _no_borders(table):  # type: ignore[no-untyped-def]
    borders = table._tbl.tblPr.first_child_found_in("w:tblBorders")
    if borders is not None:
        table._tbl.tblPr.remove(borders)


def _document():  # type: ignore[no-untyped-def]
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin = section.bottom_margin = Cm(2.0)
    section.left_margin, section.right_margin = Cm(3.0), Cm(1.5)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    return doc


def _heading(doc):  # type: ignore[no-untyped-def]
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    table.autofit = False
    left, right = table.rows[0].cells
    left.width, right.width = Cm(7.3), Cm(9.2)
    table.columns[0].width, table.columns[1].width = Cm(7.3), Cm(9.2)
    center = WD_ALIGN_PARAGRAPH.CENTER
    left.paragraphs[0].alignment = center
    _font(left.paragraphs[0].add_run("{{ h.superior }}"), 14)
    _para(left, "{{ h.issuer }}", 14, bold=True, align=center)
    _para(left, "*", 14, align=center)
    _para(left, "{{ number_line }}", 14, align=center)
    right.paragraphs[0].alignment = center
    _font(right.paragraphs[0].add_run("ĐẢNG CỘNG SẢN VIỆT NAM"), 15, bold=True, underline=True)
    _para(right, "", 8, align=center)
    _para(right, "{{ place_date }}", 13, italic=True, align=center)


def _title(doc, summary):  # type: ignore[no-untyped-def]
    center = WD_ALIGN_PARAGRAPH.CENTER
    _para(doc, "", 8, align=center)
    _para(doc, "{{ draft_mark }}", 13, italic=True, align=center)
    _para(doc, "BÁO CÁO", 16, bold=True, align=center)
    _para(doc, summary, 14, bold=True, align=center)
    _para(doc, "-----", 14, align=center)


def _sections(doc):  # type: ignore[no-untyped-def]
    _para(doc, "{%p for s in sections %}", indent=False)
    _para(doc, "{{ s.title }}", 14, bold=True)
    _para(doc, "{%p for text in s.paragraphs %}", indent=False)
    _para(doc, "{{ text }}", 14)
    _para(doc, "{%p endfor %}", indent=False)
    _para(doc, "{%p if s.chart %}", indent=False)
    _para(doc, "{{ s.chart }}", 14, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, "{%p endif %}", indent=False)
    _para(doc, "{%p endfor %}", indent=False)


def _figures_table(doc, title, headers, cells):  # type: ignore[no-untyped-def]
    _para(doc, title, 13, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    table = doc.add_table(rows=3, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for n, text in enumerate(headers):
        cell = table.rows[0].cells[n]
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(cell.paragraphs[0].add_run(text), 12, bold=True)
    loop = cells[0].split("|")
    table.rows[1].cells[0].paragraphs[0].add_run(loop[0])
    for n, text in enumerate(cells[1:]):
        cell = table.rows[2].cells[n]
        if n:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _font(cell.paragraphs[0].add_run(text), 12)
    # docxtpl: {%tr %} rows repeat the row between them.
    end = table.add_row()
    end.cells[0].paragraphs[0].add_run("{%tr endfor %}")
    table.autofit = False
    first = Cm(5.5) if len(headers) <= 5 else Cm(1.8)
    rest = (Cm(16.5) - first) / (len(headers) - 1)
    for index, column in enumerate(table.columns):
        column.width = first if index == 0 else int(rest)
    for row in table.rows:
        for index, cell in enumerate(row.cells):
            cell.width = first if index == 0 else int(rest)


def _signature(doc):  # type: ignore[no-untyped-def]
    _para(doc, "", 8, indent=False)
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    table.autofit = False
    left, right = table.rows[0].cells
    left.width, right.width = Cm(8.0), Cm(8.5)
    table.columns[0].width, table.columns[1].width = Cm(8.0), Cm(8.5)
    _font(left.paragraphs[0].add_run("Nơi nhận:"), 12, bold=True, italic=True)
    _para(left, "{%p for r in recipients %}", 12, indent=False)
    _para(left, "- {{ r }},", 11, indent=False)
    _para(left, "{%p endfor %}", 12, indent=False)
    _para(left, "- Lưu Văn phòng.", 11, indent=False)
    center = WD_ALIGN_PARAGRAPH.CENTER
    right.paragraphs[0].alignment = center
    _font(right.paragraphs[0].add_run("T/M {{ h.issuer }}"), 14, bold=True)
    _para(right, "{{ signer_title }}", 14, align=center)
    _para(right, "", 14, align=center)
    _para(right, "", 14, align=center)
    _para(right, "{{ signer_name }}", 14, bold=True, align=center)


def annual() -> None:
    doc = _document()
    _heading(doc)
    _title(doc, "Tổng kết công tác xây dựng Đảng năm {{ year }}")
    _sections(doc)
    _figures_table(
        doc,
        "Một số chỉ tiêu chủ yếu năm {{ year }}",
        ["Chỉ tiêu", "Năm {{ year }}", "Năm {{ year - 1 }}", "So sánh (%)", "Chỉ tiêu, mục tiêu"],
        [
            "{%tr for r in table %}",
            "{{ r.label }}",
            "{{ r.current }}",
            "{{ r.previous }}",
            "{{ r.pct }}",
            "{{ r.target }}",
        ],
    )
    _signature(doc)
    doc.save(OUT / "annual.docx")


def term() -> None:
    doc = _document()
    _heading(doc)
    _title(doc, "Tổng kết công tác xây dựng Đảng nhiệm kỳ {{ first_year }}–{{ last_year }}")
    _sections(doc)
    _figures_table(
        doc,
        "Kết quả từng năm của nhiệm kỳ",
        [
            "Năm",
            "Đảng viên cuối năm",
            "Kết nạp",
            "Chỉ tiêu",
            "% chỉ tiêu",
            "ĐV HTTNV trở lên (%)",
            "TCĐ HTTNV trở lên (%)",
        ],
        [
            "{%tr for r in table %}",
            "{{ r.year }}",
            "{{ r.members }}",
            "{{ r.admitted }}",
            "{{ r.target }}",
            "{{ r.target_pct }}",
            "{{ r.members_good }}",
            "{{ r.orgs_good }}",
        ],
    )
    _signature(doc)
    doc.save(OUT / "term.docx")


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    annual()
    term()
    print(f"written {OUT / 'annual.docx'} and {OUT / 'term.docx'}")
