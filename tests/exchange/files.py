"""Real files for the import tests, written as users' spreadsheets write them."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import xlsxwriter


def xlsx(
    rows: list[list[Any]],
    *,
    title: str | None = None,
    text_columns: tuple[int, ...] = (),
    saved: dt.datetime | None = None,
) -> bytes:
    """An XLSX file; dates become date cells, strings stay text; `title` adds a merged title row;
    `saved` is the time its properties say it was saved."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"strings_to_numbers": False})
    if saved is not None:
        book.set_properties({"created": saved})
    sheet = book.add_worksheet("Sheet1")
    date = book.add_format({"num_format": "dd/mm/yyyy"})
    first = 0
    if title:
        sheet.merge_range(0, 0, 0, max(len(rows[0]) - 1, 1), title)
        first = 1
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, dt.date):
                sheet.write_datetime(
                    first + r, c, dt.datetime(value.year, value.month, value.day), date
                )
            elif isinstance(value, (int, float)) and c not in text_columns:
                sheet.write_number(first + r, c, value)
            elif isinstance(value, str) and value.startswith("="):
                sheet.write_formula(first + r, c, value)
            else:
                sheet.write_string(first + r, c, str(value))
    book.close()
    return out.getvalue()


def csv_bytes(rows: list[list[Any]], *, delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    for row in rows:
        writer.writerow(
            [
                "" if v is None else (v.strftime("%d/%m/%Y") if isinstance(v, dt.date) else v)
                for v in row
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


MEMBER_HEADER = [
    "Số CCCD",
    "Họ và tên",
    "Giới tính",
    "Ngày sinh",
    "Dân tộc",
    "Quê quán",
    "Mã chi bộ",
    "Ngày quyết định kết nạp",
    "Số quyết định kết nạp",
    "Cơ quan quyết định kết nạp",
    "Ngày lễ kết nạp",
    "Ngày chính thức",
    "Số thẻ đảng",
]


def member_row(
    name: str,
    citizen: str | None,
    *,
    sex: str = "Nam",
    birth: Any = dt.date(1990, 4, 5),
    cell: str = "PH-1",
    decided: Any = dt.date(2015, 3, 2),
    ceremony: Any = dt.date(2015, 3, 20),
    official: Any = dt.date(2016, 3, 20),
    card: str | None = None,
    hometown: str = "Ninh Thuận",
    ethnicity: str = "Kinh",
) -> list[Any]:
    return [
        citizen,
        name,
        sex,
        birth,
        ethnicity,
        hometown,
        cell,
        decided,
        "15-QĐ/HU",
        "Ban Thường vụ Huyện ủy",
        ceremony,
        official,
        card,
    ]


def ods(rows: list[list[Any]]) -> bytes:
    """An OpenDocument spreadsheet as LibreOffice writes one: dates as date cells with their
    own display text, numbers as floats, text as text (a ZIP whose first entry is the
    uncompressed mimetype)."""
    import zipfile
    from xml.sax.saxutils import escape

    def cell(value: Any) -> str:
        if value is None:
            return "<table:table-cell/>"
        if isinstance(value, dt.date):
            return (
                f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}">'
                f"<text:p>{value:%d/%m/%Y}</text:p></table:table-cell>"
            )
        if isinstance(value, (int, float)):
            return (
                f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>"
            )
        return (
            f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p>'
            "</table:table-cell>"
        )

    body = "".join(
        "<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>" for row in rows
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Sheet1">'
        f"{body}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as book:
        book.writestr(
            zipfile.ZipInfo("mimetype"),
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        book.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        book.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()
