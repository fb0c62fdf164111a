"""The first sheet of an .xlsx read a part at a time, never whole (issue 28, point 5).

python-calamine loads a whole sheet before giving its first row: 290 MB for 150,000 rows of 20
columns. This reader walks the sheet's XML a megabyte at a time and gives each row as it is read,
with the same values calamine gives (a test compares the two on every kind of cell): text, numbers
as float, booleans, and a number whose cell format is a date as a date, a datetime, a time (a value
under one day) or a timedelta (a duration format such as [h]:mm). A blank or error cell is "".
The shared strings, which a file saved by Excel keeps apart from the sheet, are held packed: a few
large strings and their offsets, not one object per string.

The format is ECMA-376 Part 1 (SpreadsheetML): the workbook lists its sheets in order (§18.2.20),
its relationships name each sheet's part (Part 2, §9.2), cells are `<c r="B5" t="s" s="3">` with
their value in `<v>` or, for inline text, in `<is>` (§18.3.1.4, §18.3.1.53), text may carry
`_xHHHH_` escapes (§22.9.2.19), and number formats 14–22 and 45–47 are the built-in date and time
formats (§18.8.30).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import posixpath
import re
import zipfile
from array import array
from collections.abc import Iterator
from typing import Any

CHUNK = 1 << 20  # bytes of XML read at a time
_STRINGS_PER_PART = 1 << 14


class Unreadable(Exception):
    """The workbook's parts are not where SpreadsheetML puts them: the caller reads it otherwise."""


# --- the workbook's parts ------------------------------------------------------------------------

_ATTR = re.compile(rb'([\w:.-]+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\')')
_SHEET = re.compile(rb"<(?:\w+:)?sheet\b([^>]*)>")
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)>")
_DATE1904 = re.compile(rb"<(?:\w+:)?workbookPr\b[^>]*\bdate1904\s*=\s*[\"'](1|true)[\"']")


def _attrs(text: bytes) -> dict[bytes, bytes]:
    return {
        m.group(1): m.group(2) if m.group(2) is not None else m.group(3)
        for m in _ATTR.finditer(text)
    }


def _local(name: bytes) -> bytes:
    return name.rsplit(b":", 1)[-1]


def _rels(archive: zipfile.ZipFile, part: str) -> dict[bytes, tuple[bytes, str]]:
    """A part's relationships: id -> (type's last word, the target part's name in the archive)."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    try:
        xml = archive.read(rels)
    except KeyError:
        return {}
    found: dict[bytes, tuple[bytes, str]] = {}
    for match in _RELATIONSHIP.finditer(xml):
        attrs = _attrs(match.group(1))
        target = attrs.get(b"Target", b"").decode("utf-8", "replace")
        if attrs.get(b"TargetMode") == b"External" or not target:
            continue
        path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        found[attrs.get(b"Id", b"")] = (
            attrs.get(b"Type", b"").rsplit(b"/", 1)[-1],
            posixpath.normpath(path),
        )
    return found


class Workbook:
    """Where the first sheet, the shared strings and the styles of a workbook are."""

    def __init__(self, content: bytes) -> None:
        try:
            self.archive = zipfile.ZipFile(io.BytesIO(content))
            names = set(self.archive.namelist())
            root = next(
                (
                    target
                    for kind, target in _rels(self.archive, "").values()
                    if kind == b"officeDocument"
                ),
                "xl/workbook.xml",
            )
            xml = self.archive.read(root)
            rels = _rels(self.archive, root)
        except (zipfile.BadZipFile, KeyError, OSError, RuntimeError) as exc:
            raise Unreadable(str(exc)) from exc
        self.date1904 = _DATE1904.search(xml) is not None
        sheet = _SHEET.search(xml)
        self.sheet: str | None = None
        if sheet is not None:
            attrs = _attrs(sheet.group(1))
            rid = next((v for k, v in attrs.items() if _local(k) == b"id"), None)
            if rid in rels and rels[rid][0] == b"worksheet":
                self.sheet = rels[rid][1]
        if self.sheet is None or self.sheet not in names:
            raise Unreadable("no first worksheet")
        by_kind = {kind: target for kind, target in rels.values()}
        self.strings_part = by_kind.get(b"sharedStrings")
        self.styles_part = by_kind.get(b"styles")
        if self.strings_part not in names:
            self.strings_part = None
        if self.styles_part not in names:
            self.styles_part = None

    def close(self) -> None:
        self.archive.close()

    def chunks(self, part: str) -> Iterator[bytes]:
        with self.archive.open(part) as stream:
            while chunk := stream.read(CHUNK):
                yield chunk


def split_at(chunks: Iterator[bytes], end: bytes) -> Iterator[bytes]:
    """The XML in pieces, each cut just after an `end` tag (as `</row>`), so no element given
    whole to a regular expression is cut in two. `</` never occurs in text (`<` is escaped)."""
    tail = b""
    for chunk in chunks:
        text = tail + chunk
        cut = text.rfind(end)
        if cut < 0:
            tail = text
            continue
        cut += len(end)
        yield text[:cut]
        tail = text[cut:]
    if tail:
        yield tail


# --- text ----------------------------------------------------------------------------------------

_ENTITY = re.compile(r"&(#[0-9]+|#x[0-9a-fA-F]+|amp|lt|gt|quot|apos);")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _entity(match: re.Match[str]) -> str:
    name = match.group(1)
    if name[0] == "#":
        code = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
        return chr(code) if 0 < code < 0x110000 else ""
    return _NAMED[name]


def _unescaped(match: re.Match[str]) -> str:
    code = int(match.group(1), 16)
    return match.group(0) if 0xD800 <= code <= 0xDFFF else chr(code)  # half a pair: as written


def text_of(raw: bytes) -> str:
    """An element's text: XML entities and OOXML's `_xHHHH_` escapes read back."""
    text = raw.decode("utf-8", "replace")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")  # XML's end-of-line handling
    if "&" in text:
        text = _ENTITY.sub(_entity, text)
    if "_x" in text:
        text = _ESCAPED.sub(_unescaped, text)
    return text


def _rich_text(prefix: bytes) -> tuple[re.Pattern[bytes], re.Pattern[bytes]]:
    """The `<t>` pieces of a string item, and its phonetic runs, which are not its text."""
    p = re.escape(prefix)
    return (
        re.compile(rb"<" + p + rb"t(?:\s[^>]*)?(?:/>|>(.*?)</" + p + rb"t>)", re.S),
        re.compile(rb"<" + p + rb"rPh\b.*?</" + p + rb"rPh>", re.S),
    )


def _string_item(inner: bytes, pieces: re.Pattern[bytes], phonetic: re.Pattern[bytes]) -> str:
    if b"<" not in inner:
        return ""
    if b"rPh" in inner:
        inner = phonetic.sub(b"", inner)
    found = pieces.findall(inner)
    if len(found) == 1:
        return text_of(found[0])
    return "".join(text_of(piece) for piece in found)


class SharedStrings:
    """The workbook's shared strings, packed: parts of 16,384 strings joined into one `str` each
    with an array of offsets, so 1.5 million short strings take tens of megabytes, not hundreds."""

    def __init__(self) -> None:
        self.parts: list[tuple[str, array[int]]] = []
        self.pending: list[str] = []
        self.count = 0

    def append(self, text: str) -> None:
        self.pending.append(text)
        self.count += 1
        if len(self.pending) == _STRINGS_PER_PART:
            self._pack()

    def _pack(self) -> None:
        offsets = array("I", [0])
        total = 0
        for text in self.pending:
            total += len(text)
            offsets.append(total)
        self.parts.append(("".join(self.pending), offsets))
        self.pending = []

    def finish(self) -> SharedStrings:
        if self.pending:
            self._pack()
        return self

    def __getitem__(self, index: int) -> str:
        if not 0 <= index < self.count:
            raise IndexError(index)
        part, at = divmod(index, _STRINGS_PER_PART)
        text, offsets = self.parts[part]
        return text[offsets[at] : offsets[at + 1]]


def _prefix_of(first: bytes, local: bytes) -> bytes:
    """The namespace prefix the part's root element uses (`x:` in `<x:worksheet>`), or b""."""
    found = re.search(rb"<([\w.-]+:)?" + local + rb"\b", first)
    return found.group(1) or b"" if found else b""


def shared_strings(book: Workbook) -> SharedStrings:
    strings = SharedStrings()
    if book.strings_part is None:
        return strings.finish()
    chunks = book.chunks(book.strings_part)
    first = next(chunks, b"")
    prefix = _prefix_of(first[:4096], b"sst")
    p = re.escape(prefix)
    item = re.compile(rb"<" + p + rb"si(?:\s[^>]*)?(?:/>|>(.*?)</" + p + rb"si>)", re.S)
    pieces, phonetic = _rich_text(prefix)

    def chained() -> Iterator[bytes]:
        yield first
        yield from chunks

    for block in split_at(chained(), b"</" + prefix + b"si>"):
        for inner in item.findall(block):
            strings.append(_string_item(inner, pieces, phonetic))
    return strings.finish()


# --- number formats ------------------------------------------------------------------------------

DATE, DURATION = 1, 2
_BUILT_IN = {
    **dict.fromkeys(range(14, 23), DATE),
    45: DATE,
    46: DURATION,
    47: DATE,
    # The East Asian editions' dates and times (§18.8.30, ids 27-36 and 50-58).
    **dict.fromkeys(range(27, 37), DATE),
    **dict.fromkeys(range(50, 59), DATE),
}


def format_kind(code: str) -> int:
    """Whether a number format shows a date or time (DATE), a duration (DURATION) or neither (0):
    its first section holds a day, month, year, hour or second outside quotes, escapes and
    brackets; an elapsed unit in brackets ([h], [mm], [ss]) makes it a duration. `[$-409]`,
    `[Red]` and the like are not units; `AM/PM` and `A/P` are times."""
    i, n = 0, len(code)
    while i < n:
        ch = code[i]
        if ch == ";":
            return 0
        if ch in "\\_*":
            i += 2
            continue
        if ch == '"':
            end = code.find('"', i + 1)
            i = n if end < 0 else end + 1
            continue
        if ch == "[":
            end = code.find("]", i + 1)
            inside = code[i + 1 : n if end < 0 else end].lower()
            if inside and inside[0] in "hms" and inside == inside[0] * len(inside):
                return DURATION
            i = n if end < 0 else end + 1
            continue
        lower = ch.lower()
        if lower in "dmyhs":
            return DATE
        if lower == "a" and code[i + 1 : i + 2].lower() in ("m", "p", "/"):  # AM/PM, A/P
            return DATE
        i += 1
    return 0


_NUMFMT = re.compile(rb"<(?:\w+:)?numFmt\b([^>]*)>")
_CELLXFS = re.compile(rb"<(?:\w+:)?cellXfs\b[^>]*>(.*?)</(?:\w+:)?cellXfs>", re.S)
_XF = re.compile(rb"<(?:\w+:)?xf\b([^>]*)>")


def style_kinds(book: Workbook) -> list[int]:
    """For each cell style (a cell's `s`), whether its number format is a date or a duration."""
    if book.styles_part is None:
        return []
    xml = book.archive.read(book.styles_part)
    custom: dict[int, int] = {}
    for match in _NUMFMT.finditer(xml):
        attrs = _attrs(match.group(1))
        try:
            number = int(attrs.get(b"numFmtId", b""))
        except ValueError:
            continue
        custom[number] = format_kind(text_of(attrs.get(b"formatCode", b"")))
    block = _CELLXFS.search(xml)
    if block is None:
        return []
    kinds = []
    for match in _XF.finditer(block.group(1)):
        try:
            number = int(_attrs(match.group(1)).get(b"numFmtId", b"0"))
        except ValueError:
            number = 0
        kinds.append(custom[number] if number in custom else _BUILT_IN.get(number, 0))
    return kinds


# --- values --------------------------------------------------------------------------------------

_EPOCH = dt.datetime(1899, 12, 30)
_DAY_MS = 86_400_000


def _number(raw: bytes) -> float | str:
    """A number cell's value; one that is not a number (`#N/A` written without its type) is
    its text, as calamine reads it."""
    try:
        return float(raw)
    except ValueError:
        return text_of(raw)


def _rounded(x: float) -> int:
    """To the nearest whole number, a half away from zero (as spreadsheets round; Python's
    round() takes a half to the even number)."""
    whole = math.trunc(x)
    return whole + (1 if x > 0 else -1) if abs(x - whole) >= 0.5 else whole


def serial_value(value: float, kind: int, date1904: bool) -> Any:
    """A number in a date, time or duration format, as Python's value (a float if out of range).
    Days count from 30 December 1899 (1 January 1904 in the 1904 system), Excel's 29 February
    1900, which never was, is skipped, and the time is rounded to the millisecond."""
    if value != value or value in (float("inf"), float("-inf")):
        return value
    if kind == DURATION:
        try:
            return dt.timedelta(milliseconds=_rounded(value * _DAY_MS))
        except OverflowError:
            return value
    days = value + 1462 if date1904 else value
    if days < 60:
        days += 1
    since = _rounded(days * _DAY_MS)
    if value < 1:  # a time of day, whatever the day (a negative one too)
        return (dt.datetime.min + dt.timedelta(milliseconds=since % _DAY_MS)).time()
    try:
        moment = _EPOCH + dt.timedelta(milliseconds=since)
    except OverflowError:  # past the year 9999
        return value
    if value == int(value):
        return moment.date()
    return moment


def iso_value(text: str) -> Any:
    """A cell of type `d` (an ISO 8601 date, time or both), as calamine reads it."""
    try:
        if "T" in text:
            return dt.datetime.fromisoformat(text.rstrip("Z"))
        if ":" in text:
            return dt.time.fromisoformat(text)
        return dt.date.fromisoformat(text)
    except ValueError:
        return text


# --- the sheet -----------------------------------------------------------------------------------

_LETTERS: dict[bytes, int] = {}


def column_index(letters: bytes) -> int:
    index = _LETTERS.get(letters)
    if index is None:
        index = 0
        for ch in letters:
            index = index * 26 + ch - 64
        index -= 1
        _LETTERS[letters] = index
    return index


_REF = re.compile(rb'\br="([A-Z]{1,3})([0-9]+)"')
_TYPE = re.compile(rb'\bt="(\w+)"')
_STYLE = re.compile(rb'\bs="([0-9]+)"')
_ROW_NUMBER = re.compile(rb'\br="([0-9]+)"')


def rows(content: bytes) -> Iterator[list[Any]]:
    """The first sheet's rows from its first, row 1 first: a row with no cell is []; a row's
    cells from column A, a blank or missing cell as ""."""
    book = Workbook(content)
    try:
        yield from _rows(book)
    finally:
        book.close()


def _rows(book: Workbook) -> Iterator[list[Any]]:
    strings = shared_strings(book)
    kinds = style_kinds(book)
    date1904 = book.date1904
    sheet = Sheet(book)
    p = sheet.p
    # A cell's attributes in the order every known writer puts them (r, s, t); what else a cell
    # carries (`cm`, `vm`, or r, s and t in another order) is in the fourth group, read apart.
    # Its content runs to the first `</c>` (written out so that the engine skips text at C speed).
    cell_of = re.compile(
        rb"<"
        + p
        + rb'c(?: r="([A-Z]{1,3})[0-9]+")?(?: s="([0-9]+)")?(?: t="(\w+)")?([^>]*?)'
        + rb"(?:/>|>([^<]*(?:<(?!/"
        + p
        + rb"c>)[^<]*)*)</"
        + p
        + rb"c>)"
    )
    plain_of = re.compile(
        rb"<"
        + p
        + rb'c r="([A-Z]{1,3})[0-9]+"(?: s="([0-9]+)")?(?: t="(\w+)")?>(?:<'
        + p
        + rb"v>([^<]*)</"
        + p
        + rb"v>|<"
        + p
        + rb"is><"
        + p
        + rb"t>([^<]*)</"
        + p
        + rb"t></"
        + p
        + rb"is>)</"
        + p
        + rb"c>"
    )
    value_of = re.compile(rb"<" + p + rb"v(?:\s[^>]*)?>(.*?)</" + p + rb"v>", re.S)
    pieces, phonetic = _rich_text(sheet.prefix)
    v_open, v_close = b"<" + sheet.prefix + b"v>", b"</" + sheet.prefix + b"v>"
    t_open, t_close = (
        b"<" + sheet.prefix + b"is><" + sheet.prefix + b"t>",
        b"</" + sheet.prefix + b"t></" + sheet.prefix + b"is>",
    )
    row_open, row_end = b"<" + sheet.prefix + b"row", b"</" + sheet.prefix + b"row>"
    c_space, c_close, c_empty = (b"<" + sheet.prefix + b"c" + x for x in (b" ", b">", b"/"))
    letters_at = _LETTERS
    dates: dict[tuple[bytes, int], Any] = {}

    def from_v(of: bytes, raw: bytes, style: bytes) -> Any:
        """A cell's value from its `<v>` (not empty), by its type and style; None for an error."""
        if of == b"s":
            return strings[int(raw)]
        if not of or of == b"n":
            kind = kinds[int(style)] if style and int(style) < len(kinds) else 0
            if not kind:
                return _number(raw)
            value = dates.get((raw, kind))
            if value is None:
                amount = _number(raw)
                value = (
                    serial_value(amount, kind, date1904) if isinstance(amount, float) else amount
                )
                if len(dates) < 100_000:
                    dates[raw, kind] = value
            return value
        if of == b"b":
            return raw.strip() in (b"1", b"true")
        if of == b"e":
            return None
        if of == b"d":
            return iso_value(text_of(raw))
        return text_of(raw)  # "str", a formula's text

    value: Any
    given = 0  # the rows given so far
    for block in sheet.blocks():
        for part in block.split(row_end):
            at = part.find(row_open)
            while at >= 0:
                close = part.find(b">", at)
                if close < 0:
                    raise ValueError("a row's tag not closed")
                row_attrs = part[at + len(row_open) : close]
                if row_attrs and row_attrs[0] not in b" \t\r\n/":
                    at = part.find(row_open, close)  # <rowBreaks> and the like
                    continue
                found = _ROW_NUMBER.search(row_attrs)
                number = int(found.group(1)) if found else given + 1
                if number <= given:
                    raise ValueError(f"row {number} after row {given}")
                while given + 1 < number:
                    yield []
                    given += 1
                given = number
                if row_attrs.endswith(b"/"):  # <row r="5"/>: a row with no cell
                    yield []
                    at = part.find(row_open, close)
                    continue
                inner_row = part[close + 1 :]
                break
            else:
                continue
            cells: list[Any] = []
            column = -1
            present = inner_row.count(c_space) + inner_row.count(c_close) + inner_row.count(c_empty)
            # The cells as nearly every file writes them, read by one expression; a row with any
            # other cell (a formula, rich text, a cell without its reference) is read below.
            plain = plain_of.findall(inner_row)
            if len(plain) == present:
                for letters, style, of, raw, text in plain:
                    known = letters_at.get(letters)
                    column = column_index(letters) if known is None else known
                    if text:
                        value = (
                            text_of(text)
                            if b"&" in text or b"_x" in text or b"\r" in text
                            else text.decode("utf-8", "replace")
                        )
                    elif not raw or of == b"inlineStr":
                        continue
                    elif of == b"s":
                        value = strings[int(raw)]
                    else:
                        value = from_v(of, raw, style)
                        if value is None:
                            continue
                    _place(cells, column, value)
                yield cells
                continue
            found_cells = cell_of.findall(inner_row)
            if len(found_cells) != present:
                raise ValueError(f"row {number}: a cell not read")
            for letters, style, of, rest, inner in found_cells:
                if rest and (b"=" in rest):
                    if not letters:
                        ref = _REF.search(rest)
                        letters = ref.group(1) if ref else b""
                    if not style:
                        found = _STYLE.search(rest)
                        style = found.group(1) if found else b""
                    if not of:
                        found = _TYPE.search(rest)
                        of = found.group(1) if found else b""
                if letters:
                    known = letters_at.get(letters)
                    column = column_index(letters) if known is None else known
                else:
                    column += 1
                if not inner:
                    continue
                if of == b"inlineStr":
                    if inner.startswith(t_open) and inner.endswith(t_close):
                        raw = inner[len(t_open) : -len(t_close)]
                        value = (
                            _string_item(inner, pieces, phonetic)
                            if b"<" in raw
                            else text_of(raw)
                            if b"&" in raw or b"_x" in raw or b"\r" in raw
                            else raw.decode("utf-8", "replace")
                        )
                    else:
                        value = _string_item(inner, pieces, phonetic)
                else:
                    if inner.startswith(v_open) and inner.endswith(v_close):
                        raw = inner[len(v_open) : -len(v_close)]
                        if b"<" in raw:
                            found = value_of.search(inner)
                            raw = found.group(1) if found else b""
                    else:
                        found = value_of.search(inner)
                        raw = found.group(1) if found else b""
                    if not raw:
                        continue
                    value = from_v(of, raw, style)
                    if value is None:
                        continue
                if value == "":
                    continue
                _place(cells, column, value)
            yield cells


def _place(cells: list[Any], column: int, value: Any) -> None:
    if column >= len(cells):
        if column > len(cells):
            cells.extend([""] * (column - len(cells)))
        cells.append(value)
    else:  # cells out of order
        cells[column] = value


def _numbered(given: int, number: int, cells: list[Any]) -> Iterator[list[Any]]:
    for _gap in range(given + 1, number):
        yield []
    yield cells


class Sheet:
    """The first sheet's XML, in pieces that end after a row (its cells, up to its data's end)."""

    def __init__(self, book: Workbook) -> None:
        assert book.sheet is not None
        self.chunks = book.chunks(book.sheet)
        self.first = next(self.chunks, b"")
        self.prefix = _prefix_of(self.first[:4096], b"worksheet")
        self.p = re.escape(self.prefix)
        self.after = b""

    def blocks(self) -> Iterator[bytes]:
        def chained() -> Iterator[bytes]:
            yield self.first
            yield from self.chunks

        end = b"</" + self.prefix + b"sheetData>"
        for block in split_at(chained(), b"</" + self.prefix + b"row>"):
            cut = block.find(end)
            if cut >= 0:
                yield block[:cut]
                self.after = block[cut:]
                return
            yield block

    def rest(self) -> Iterator[bytes]:
        """What follows the rows (merged cells and the like), once `blocks` is spent."""
        yield self.after
        yield from self.chunks


_MERGED = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*\bref="([A-Z]+)([0-9]+):([A-Z]+)([0-9]+)"')


def scan(content: bytes) -> tuple[list[str], list[tuple[tuple[int, int], tuple[int, int]]], int]:
    """One pass over the first sheet before its rows are read: the cells (at most five) holding
    a formula whose value was never computed (a file written by a program, not saved by Excel:
    they would read as blank), the merged ranges ((top, left), (bottom, right)), counted from 0,
    and the number of the last row."""
    book = Workbook(content)
    try:
        sheet = Sheet(book)
        p = sheet.p
        formula = b"<" + sheet.prefix + b"f"
        is_formula = re.compile(rb"<" + p + rb"f[\s/>]")
        cell = re.compile(
            rb"<" + p + rb"c\b[^>]*?\br=\"([A-Z]+[0-9]+)\"[^>]*(?<!/)>(.*?)</" + p + rb"c>", re.S
        )
        computed = re.compile(rb"<" + p + rb"v(?:\s[^>]*)?>[^<]+</" + p + rb"v>")
        numbers = re.compile(rb"<" + p + rb'row r="([0-9]+)"')
        # XML that is legal but that no known writer produces, which the expressions of `rows`
        # would not follow (a cell split over lines, quotes of the other kind, spaces around
        # `=` or before `>`, CDATA, comments, another prefix, a reference in small letters):
        # such a sheet goes to calamine, whole, rather than be read wrong.
        other = rb"<(?:row|c|v)[\s/>]" if sheet.prefix else rb"<[\w.-]+:(?:row|c|v)[\s/>]"
        odd = re.compile(
            rb"<!\[CDATA\[|<!--|<[^<>]*?(?:\s=|=\s|=')|</[^<>]*?\s>|<(?:[\w.-]+:)?c[\t\r\n]"
            rb'|<(?:[\w.-]+:)?c\s[^<>]*?\br="[a-z]|' + other
        )
        lower = re.compile(rb' r="[a-z]')
        markers = (b"<!", b"='", b" =", b"= ", b" >", b"<c\n", b"<row" if sheet.prefix else b":row")
        found: list[str] = []
        last = 0
        for block in sheet.blocks():
            # The expression is asked only of a block holding one of its marks (a cell's text
            # may hold " = " or " >"; the expression tells a tag from text).
            if (any(mark in block for mark in markers) or lower.search(block)) and odd.search(
                block
            ):
                raise Unreadable("XML written otherwise than the expressions follow")
            if formula in block and len(found) < 5:
                for ref, inner in cell.findall(block):
                    if is_formula.search(inner) and not computed.search(inner):
                        found.append(ref.decode())
            for number in numbers.findall(block):
                if int(number) <= last:  # rows out of order: calamine places them
                    raise Unreadable("rows out of order")
                last = int(number)
        merged = []
        for block in split_at(sheet.rest(), b">"):
            for top_left, top, bottom_right, bottom in _MERGED.findall(block):
                merged.append(
                    (
                        (int(top) - 1, column_index(top_left)),
                        (int(bottom) - 1, column_index(bottom_right)),
                    )
                )
        return found[:5], merged, last
    finally:
        book.close()
