"""Reading a file of records: XLSX, ODS or CSV, streamed, refusing what is not one with a reason.

An .xlsx is read a part at a time by core.xlsx (a 150,000-row sheet is never held whole); an .ods,
or an .xlsx whose parts that reader does not find, is read by python-calamine.

The reader never trusts the name: the first bytes say what a file is. Rows keep the spreadsheet's
own numbers (the header is row 1 unless a title sits above it), so that a message names the row
the user sees. A sheet larger than MAX_ROWS is refused before it is loaded.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from dangvu.core import xlsx

MAX_ROWS = 200_000
MAX_BYTES = 64 * 1024 * 1024
HEADER_SEARCH = 10  # a title or notes may sit above the header

Cell = str | int | float | bool | dt.date | dt.datetime | dt.time | dt.timedelta | None

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension ref="[A-Z]+\d+(?::[A-Z]+(\d+))?"')


class FileError(ValueError):
    """The file as a whole cannot be used; the message says why, in the user's language."""


@dataclass
class Sheet:
    header_row: int  # the spreadsheet's number of the header row
    headers: list[str]
    rows: Iterator[tuple[int, list[Cell]]]  # (spreadsheet row number, cells), blank rows skipped
    total: int  # data rows, at most (for the progress bar)
    # The rows above the header (a title, or "name: value" lines such as a ballot sheet's seats).
    preamble: list[list[Cell]] = field(default_factory=list)


def _too_many(rows: int) -> FileError:
    return FileError(
        _(
            "The file has %(rows)s rows; at most %(max)s rows are read from one file. Split it "
            "into several files."
        )
        % {"rows": f"{rows:,}".replace(",", "."), "max": f"{MAX_ROWS:,}".replace(",", ".")}
    )


def _xlsx_rows(archive: zipfile.ZipFile) -> int | None:
    """The number of rows of the first worksheet, read from the sheet's XML without loading it."""
    names = sorted(n for n in archive.namelist() if re.match(r"xl/worksheets/sheet\d+\.xml$", n))
    if not names:
        return None
    name = "xl/worksheets/sheet1.xml" if "xl/worksheets/sheet1.xml" in names else names[0]
    with archive.open(name) as stream:
        head = stream.read(8192)
        found = _DIMENSION.search(head)
        if found is not None and found.group(1):
            return int(found.group(1))
        count, tail = head.count(b"<row "), b""
        while chunk := stream.read(1 << 20):
            data = tail + chunk
            count += data.count(b"<row ") - tail.count(b"<row ")
            tail = data[-5:]
            if count > MAX_ROWS + HEADER_SEARCH:
                break
        return count


def _kind_of(content: bytes, filename: str) -> str:
    if content.startswith(_OLE):
        if (
            b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e"
            in content
        ):
            raise FileError(
                _(
                    "The file is protected by a password. Open it, remove the password and save it again."
                )
            )
        return "xls"
    if content.startswith(_ZIP):
        try:
            archive = zipfile.ZipFile(io.BytesIO(content))
            names = set(archive.namelist())
        except zipfile.BadZipFile as exc:
            raise FileError(
                _("The file is damaged: it cannot be opened as a spreadsheet.")
            ) from exc
        if "content.xml" in names:
            return "ods"
        if any(n.startswith("xl/") for n in names):
            rows = _xlsx_rows(archive)
            if rows is not None and rows > MAX_ROWS + HEADER_SEARCH:
                raise _too_many(rows)
            return "xlsx"
        raise FileError(
            _("This is a ZIP archive, not a spreadsheet. Send an .xlsx, .ods or .csv file.")
        )
    head = content[:4096]
    if b"\x00" in head.replace(b"\x00\x00", b"") or not head.strip():
        if not content.strip():
            raise FileError(_("The file is empty."))
        raise FileError(_("This is not a spreadsheet. Send an .xlsx, .ods or .csv file."))
    return "csv"


def _csv_rows(content: bytes) -> Iterator[list[Cell]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("cp1258")  # Vietnamese Windows, as old Excel saves CSV
        except UnicodeDecodeError as exc:
            raise FileError(_("The CSV file is not in UTF-8.")) from exc
    sample = text[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    csv.field_size_limit(1 << 24)
    for row in csv.reader(io.StringIO(text), dialect):
        yield list(row)


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _refuse_formulas(cells: list[str]) -> None:
    if cells:
        raise FileError(
            _(
                "Cells %(cells)s hold formulas whose values were never computed, so they would be "
                "read as blank. Open the file, copy the sheet and paste the values only (Paste "
                "special → Values), save it, and import it again."
            )
            % {"cells": ", ".join(cells)}
        )


# What reading a damaged or unusual .xlsx may raise (RuntimeError: a part marked encrypted, or
# compressed by a method zipfile does not know; OverflowError: a date past the year 9999).
_DAMAGED = (
    ValueError,
    IndexError,
    zipfile.BadZipFile,
    zlib.error,
    OSError,
    EOFError,
    RuntimeError,
    OverflowError,
)


def _damaged() -> FileError:
    return FileError(_("The file is damaged: it cannot be opened as a spreadsheet."))


def _xlsx_rows_streamed(content: bytes) -> tuple[Iterator[list[Cell]], int, list[Any]]:
    """An .xlsx read a part at a time (core.xlsx): its formulas and merged cells first, in one
    pass over the sheet, then its rows as they are read. Raises xlsx.Unreadable for a workbook
    whose parts are not where SpreadsheetML puts them (calamine reads it whole instead)."""
    try:
        formulas, merged, last = xlsx.scan(content)
    except _DAMAGED as exc:
        raise _damaged() from exc
    if last > MAX_ROWS + HEADER_SEARCH:
        raise _too_many(last)
    _refuse_formulas(formulas)

    def rows() -> Iterator[list[Cell]]:
        try:
            yield from xlsx.rows(content)
        except _DAMAGED as exc:
            raise _damaged() from exc

    return rows(), last, merged


def _spreadsheet_rows(content: bytes) -> tuple[Iterator[list[Cell]], int, list[Any]]:
    from python_calamine import CalamineError, CalamineWorkbook, PasswordError

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
        if not book.sheet_names:
            raise FileError(_("The file holds no sheet."))
        sheet = book.get_sheet_by_index(0)
    except PasswordError as exc:
        raise FileError(
            _(
                "The file is protected by a password. Open it, remove the password and save it again."
            )
        ) from exc
    except (CalamineError, ValueError, OSError) as exc:
        raise _damaged() from exc
    if sheet.height > MAX_ROWS + HEADER_SEARCH:
        raise _too_many(sheet.height)
    # An .ods, or an .xlsx whose parts core.xlsx does not find: no formula is checked.
    with contextlib.suppress(xlsx.Unreadable):
        _refuse_formulas(xlsx.scan(content)[0])
    left = sheet.start[1] if sheet.start else 0
    merged = list(sheet.merged_cell_ranges or [])

    def rows() -> Iterator[list[Cell]]:
        # iter_rows gives the rows above the used area (as blanks), not the columns left of it:
        # those are put back, so that a column keeps its letter.
        pad: list[Cell] = [""] * left
        for cells in sheet.iter_rows():
            yield pad + list(cells)

    return rows(), sheet.height, merged


def _blank(cells: list[Cell]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _refuse_merged_header(header_row: int, merged: list[Any]) -> None:
    """A header cell merged across columns hides the columns under it: refuse, naming them."""
    for (top, left), (bottom, right) in merged:
        if top <= header_row - 1 <= bottom and right > left:
            raise FileError(
                _(
                    "The header cells %(first)s to %(last)s are merged, which hides the columns "
                    "under them. Unmerge them and give each column its own header, then import "
                    "the file again."
                )
                % {
                    "first": f"{_column_letters(left)}{header_row}",
                    "last": f"{_column_letters(right)}{header_row}",
                }
            )


def open_sheet(
    content: bytes, filename: str, is_header: Callable[[list[str]], int], *, whole: bool = False
) -> Sheet:
    """The first sheet of the file. `is_header(cells)` scores a row as a header (how many known
    column names it holds); the best-scoring of the first rows is taken as the header.

    The rows are read as they are asked for, so a file damaged inside a row raises FileError
    then. `whole=True` reads them all here, for a caller that reads a short file (a statement,
    a list, a ballot sheet) and catches FileError only around this call."""
    if len(content) > MAX_BYTES:
        raise FileError(
            _("The file is larger than %(mb)s MB. Split it into several files.")
            % {"mb": MAX_BYTES // (1024 * 1024)}
        )
    kind = _kind_of(content, filename)
    if kind == "csv":
        total = content.count(b"\n")
        if total > MAX_ROWS + HEADER_SEARCH:
            raise _too_many(total)
        source: Iterator[list[Cell]] = _csv_rows(content)
        merged: list[Any] = []
    elif kind == "xls":
        raise FileError(
            _("Old Excel files (.xls) are not read: open the file and save it as .xlsx.")
        )
    else:
        try:
            if kind != "xlsx":
                raise xlsx.Unreadable(kind)
            source, total, merged = _xlsx_rows_streamed(content)
        except xlsx.Unreadable:
            source, total, merged = _spreadsheet_rows(content)
    numbered = enumerate(source, start=1)
    above: list[tuple[int, list[Cell]]] = []
    for number, cells in numbered:
        above.append((number, cells))
        if len(above) >= HEADER_SEARCH:
            break
    if all(_blank(cells) for _n, cells in above):
        raise FileError(_("The sheet is empty."))
    scored = [
        (is_header([_header_text(c) for c in cells]), -number, number, cells)
        for number, cells in above
        if not _blank(cells)
    ]
    best = max(scored)
    header_row = best[2] if best[0] > 0 else next(n for n, c in above if not _blank(c))
    headers = [_header_text(c) for c in dict(above)[header_row]]
    _refuse_merged_header(header_row, merged)

    def rows() -> Iterator[tuple[int, list[Cell]]]:
        for number, cells in above:
            if number > header_row and not _blank(cells):
                yield number, cells
        for number, cells in numbered:
            if number > MAX_ROWS + HEADER_SEARCH:
                raise _too_many(number)
            if not _blank(cells):
                yield number, cells

    preamble = [cells for number, cells in above if number < header_row and not _blank(cells)]
    given: Iterator[tuple[int, list[Cell]]] = iter(list(rows())) if whole else rows()
    return Sheet(header_row, headers, given, max(total - header_row, 0), preamble)


def _header_text(value: Cell) -> str:
    from dangvu.core.text import clean

    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean(str(value))


def file_date(content: bytes, filename: str) -> dt.date | None:
    """The day a spreadsheet was last saved, as its own properties say (docProps/core.xml), or None
    (a CSV file, a workbook without the property, a day still to come)."""
    if not content.startswith(_ZIP):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            core = book.read("docProps/core.xml").decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile, OSError):
        return None
    found = re.search(r"<dcterms:modified[^>]*>(\d{4})-(\d{2})-(\d{2})", core)
    if not found:
        return None
    try:
        day = dt.date(*(int(g) for g in found.groups()))
    except ValueError:
        return None
    from dangvu.core.dates import today

    return day if day <= today() else None
