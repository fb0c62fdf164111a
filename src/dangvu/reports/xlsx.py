"""A statistics form as an XLSX file in the official layout (FORMS.md §3.1): the heading blocks,
the title and period, "Kỳ này | Cùng kỳ năm trước | %" with the column numbers, the signatures."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import xlsxwriter

from dangvu.reports.heading import heading_of
from dangvu.reports.statutory_forms import Table

FONT = "Times New Roman"


def period_label(start: dt.date, end: dt.date) -> str:
    if start.month == 1 and start.day == 1 and end.month == 12 and end.day == 31:
        if start.year == end.year:
            return f"Năm {end.year} (từ 01/01/{end.year} đến 31/12/{end.year})"
        return f"Giai đoạn {start.year}–{end.year}"
    return f"Từ {start:%d/%m/%Y} đến {end:%d/%m/%Y}"


def _formats(book: Any) -> dict[str, Any]:
    base = {"font_name": FONT, "font_size": 12, "valign": "vcenter"}

    def fmt(**extra: Any) -> Any:
        return book.add_format({**base, **extra})

    return {
        "left": fmt(align="center"),
        "left_bold": fmt(align="center", bold=True),
        "right_bold": fmt(align="center", bold=True),
        "title": fmt(align="center", bold=True, font_size=14),
        "italic": fmt(align="center", italic=True),
        "unit": fmt(align="right", italic=True),
        "head": fmt(align="center", bold=True, border=1, text_wrap=True),
        "num_head": fmt(align="center", italic=True, border=1),
        "stt": fmt(align="center", border=1),
        "label": [fmt(border=1, text_wrap=True, indent=i, bold=(i == 0)) for i in range(4)],
        "heading_row": fmt(border=1, bold=True, text_wrap=True),
        "int": fmt(border=1, num_format="#,##0"),
        "dec": fmt(border=1, num_format="#,##0.0"),
        "blank": fmt(border=1),
        "sign": fmt(align="center", bold=True),
    }


def form_xlsx(table: Table) -> bytes:
    """The filled form as XLSX bytes."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    write_form(book, table)
    book.close()
    return out.getvalue()


def write_form(book: Any, table: Table) -> None:
    """The filled form as a sheet of the workbook."""
    form, scope = table.form, table.scope
    heading = heading_of(scope.org, scope.end)
    sheet = book.add_worksheet(f"Biểu {form.number}")
    f = _formats(book)
    ncols = 2 + len(form.columns)
    sheet.set_column(0, 0, 7)
    sheet.set_column(1, 1, 58)
    sheet.set_column(2, ncols - 1, 16)
    last = ncols - 1
    sheet.merge_range(0, 0, 0, 1, heading.superior, f["left"])
    sheet.merge_range(0, 2, 0, last, f"Biểu số {form.code}", f["right_bold"])
    sheet.merge_range(1, 0, 1, 1, f"{heading.issuer}", f["left_bold"])
    sheet.merge_range(1, 2, 1, last, f"Đơn vị báo cáo: {heading.name}", f["italic"])
    sheet.merge_range(3, 0, 3, last, form.title, f["title"])
    sheet.merge_range(4, 0, 4, last, period_label(scope.start, scope.end), f["italic"])
    sheet.merge_range(5, 0, 5, last, f"Đơn vị tính: {form.unit}", f["unit"])
    header_row = 7
    sheet.write(header_row, 0, "STT", f["head"])
    sheet.write(header_row, 1, "Chỉ tiêu", f["head"])
    for n, column in enumerate(form.columns):
        sheet.write(header_row, 2 + n, column.label, f["head"])
    sheet.write(header_row + 1, 0, "(A)", f["num_head"])
    sheet.write(header_row + 1, 1, "(1)", f["num_head"])
    for n in range(len(form.columns)):
        sheet.write(header_row + 1, 2 + n, f"({n + 2})", f["num_head"])
    sheet.set_row(header_row, 36)
    r = header_row + 2
    for row, cells in table.rows:
        sheet.write(r, 0, row.number, f["stt"])
        sheet.write(
            r, 1, row.label, f["heading_row"] if row.code is None else f["label"][min(row.level, 3)]
        )
        if not cells:
            for n in range(len(form.columns)):
                sheet.write_blank(r, 2 + n, None, f["blank"])
        for n, cell in enumerate(cells):
            col = 2 + n
            if form.layout == "compare" and n == 2 and cells[0].value is not None:
                # "% = (2) × 100 / (3)" kept as a formula, with the figure cached for readers.
                a = xlsxwriter.utility.xl_rowcol_to_cell(r, 2)
                b = xlsxwriter.utility.xl_rowcol_to_cell(r, 3)
                if cell.value is None:
                    sheet.write_blank(r, col, None, f["dec"])
                else:
                    sheet.write_formula(
                        r, col, f'=IF({b}=0,"",ROUND({a}*100/{b},1))', f["dec"], cell.value
                    )
            elif cell.value is None:
                sheet.write_blank(r, col, None, f["blank"])
            else:
                is_int = float(cell.value).is_integer()
                sheet.write_number(r, col, cell.value, f["int"] if is_int else f["dec"])
        r += 1
    if form.note:
        r += 1
        sheet.merge_range(
            r,
            0,
            r,
            last,
            f"Ghi chú: {form.note}",
            book.add_format({"font_name": FONT, "italic": True, "text_wrap": True}),
        )
        sheet.set_row(r, 32)
    r += 2
    sheet.write(r, 1, "NGƯỜI LẬP BIỂU", f["sign"])
    sheet.merge_range(r - 1, 2, r - 1, last, heading.place_date(dt.date.today()), f["italic"])
    sheet.merge_range(r, 2, r, last, "TRƯỞNG BAN", f["sign"])
    sheet.repeat_rows(header_row, header_row + 1)
    sheet.fit_to_pages(1, 0)
    sheet.set_paper(9)  # A4
