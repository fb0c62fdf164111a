"""A restructuring plan prepared in a spreadsheet: one row per organisation (DOMAIN.md §10).

Columns (Vietnamese headers, English aliases accepted): Mã cũ (old), Mã mới (new), Tên mới (name),
Loại (kind), Cấp trên mới (parent). Row 1 is the header; rows are numbered as the spreadsheet numbers
them. Several rows with the same new code merge their old organisations into it; a row with a new
code and no old code creates it; an old code alone with a new parent, name or kind moves, renames
or changes it; an old code alone with nothing else dissolves it.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from dangvu.orgs.models import Kind

HEADERS = {
    "old": ("mã cũ", "ma cu", "old", "old code"),
    "new": ("mã mới", "ma moi", "new", "new code"),
    "name": ("tên mới", "ten moi", "tên", "name", "new name"),
    "kind": ("loại", "loai", "kind"),
    "parent": ("cấp trên mới", "cap tren moi", "cấp trên", "parent", "new parent"),
}


class SheetError(ValueError):
    pass


def _norm(value: Any) -> str:
    text = "" if value is None else str(value)
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    return unicodedata.normalize("NFC", text).strip()


def read_rows(content: bytes, filename: str) -> list[dict[str, str]]:
    suffix = Path(filename).suffix.lower()
    grid: list[list[Any]]
    if suffix == ".csv":
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise SheetError(_("The CSV file is not in UTF-8.")) from exc
        grid = [list(row) for row in csv.reader(io.StringIO(text))]
    elif suffix in (".xlsx", ".xls", ".ods"):
        from python_calamine import CalamineWorkbook

        try:
            book = CalamineWorkbook.from_filelike(io.BytesIO(content))
            grid = book.get_sheet_by_index(0).to_python()
        except Exception as exc:  # calamine raises its own errors for corrupt or protected files
            raise SheetError(
                _("The file cannot be read as a spreadsheet: %(error)s") % {"error": exc}
            ) from exc
    else:
        raise SheetError(_("Send an .xlsx, .ods or .csv file."))
    if not grid:
        raise SheetError(_("The file is empty."))
    header = [_norm(h).lower() for h in grid[0]]
    columns: dict[str, int] = {}
    for key, names in HEADERS.items():
        for index, title in enumerate(header):
            if title in names:
                columns[key] = index
    if "old" not in columns and "new" not in columns:
        raise SheetError(
            _("Row 1 must name the columns: Mã cũ, Mã mới, Tên mới, Loại, Cấp trên mới.")
        )
    labels = {str(label).lower(): code for code, label in Kind.choices}
    rows = []
    for number, cells in enumerate(grid[1:], start=2):
        row = {
            key: _norm(cells[index]) if index < len(cells) else "" for key, index in columns.items()
        }
        if not any(row.values()):
            continue
        kind = row.get("kind", "")
        row["kind"] = labels.get(kind.lower(), kind)
        row["_row"] = str(number)
        rows.append(row)
    return rows
