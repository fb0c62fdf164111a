"""Real files for the import tests, written as users' spreadsheets write them."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import xlsxwriter


def xlsx(
    rows: list[list[Any]], *, title: str | None = None, text_columns: tuple[int, ...] = ()
) -> bytes:
    """An XLSX file; dates become date cells, strings stay text; `title` adds a merged title row."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"strings_to_numbers": False})
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
