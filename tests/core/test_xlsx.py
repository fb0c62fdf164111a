"""The .xlsx read a part at a time (core.xlsx, issue 28 point 5) gives the values calamine gives.

python-calamine read every .xlsx before; it loads a whole sheet (290 MB for 150,000 rows), so the
sheet is now read a megabyte of XML at a time. Each workbook here, written by openpyxl, by
XlsxWriter (shared strings, as Excel saves, or inline) or by hand (namespace prefixes, attributes
in another order, cells without a reference, rows that close themselves), is read both ways and
must give the same cells of the same types.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import zipfile

import openpyxl
import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from dangvu.core import sheets, xlsx

pytestmark = [pytest.mark.once]


def by_calamine(content: bytes) -> list[list[object]]:
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
    left = sheet.start[1] if sheet.start else 0
    # iter_rows gives the rows above the used area as blanks, not the columns left of it.
    return trimmed([[""] * left + list(row) for row in sheet.iter_rows()])


def by_parts(content: bytes) -> list[list[object]]:
    return trimmed([list(row) for row in xlsx.rows(content)])


def trimmed(grid: list[list[object]]) -> list[list[object]]:
    """Blank cells at a row's end and blank rows at the sheet's end are not data."""
    out = []
    for row in grid:
        while row and row[-1] == "":
            row.pop()
        out.append(row)
    while out and not out[-1]:
        out.pop()
    return out


def typed(grid: list[list[object]]) -> list[list[tuple[str, object]]]:
    """True == 1.0 and a date == a datetime at midnight are not the same cell: compare types too."""
    return [[(type(c).__name__, c) for c in row] for row in grid]


def same(content: bytes) -> list[list[object]]:
    theirs, ours = by_calamine(content), by_parts(content)
    assert typed(ours) == typed(theirs)
    return ours


def saved(book: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_every_kind_of_cell_written_by_openpyxl():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(
        [
            "Họ và tên",
            1,
            1.5,
            True,
            False,
            dt.date(2020, 1, 2),
            dt.datetime(2020, 1, 2, 3, 4, 5),
            dt.time(3, 4),
            None,
            "",
            "x&y<z>'\"",
            "  khoảng trắng  ",
            12345678901234,
            0.1 + 0.2,
            -3,
            1e20,
            "dòng 1\ndòng 2",
            "_x000D_ giữ nguyên?",
            "#N/A",
        ]
    )
    sheet["A3"] = "sau một dòng trống"
    sheet["C3"] = dt.timedelta(hours=30)
    formats = {
        "E3": (45000, "dd/mm/yyyy"),
        "F3": (45000.5, "d/m/yy h:mm"),
        "G3": (0.25, "h:mm"),
        "H3": (0.75, "h:mm AM/PM"),
        "I3": (1.5, "[h]:mm:ss"),
        "J3": (45000, '"Ngày" dd "tháng" mm'),
        "K3": (45000, "0.00"),
        "L3": (45000, '#,##0 "đ"'),
        "M3": (45000, "[$-42A]dd/mm/yyyy"),
        "N3": (45000, "[Red]0;[Blue]-0"),
        "O3": (45000, "mmm-yy"),
        "P3": (30, "dd/mm/yyyy"),
        "Q3": (61, "dd/mm/yyyy"),
        "R3": (45000, "General"),
        "S3": (45000, "@"),
    }
    for ref, (value, code) in formats.items():
        sheet[ref] = value
        sheet[ref].number_format = code
    sheet["T3"] = "=1+1"  # a formula with no value computed: blank, both ways
    sheet.cell(row=5, column=30, value="cột AD")
    grid = same(saved(book))
    assert grid[0][0] == "Họ và tên" and grid[2][4] == dt.date(2023, 3, 15)
    assert grid[2][8] == dt.timedelta(hours=36) and len(grid) == 5 and grid[4][29] == "cột AD"


def test_the_1904_date_system_and_a_sheet_that_starts_below_and_to_the_right():
    book = openpyxl.Workbook()
    book.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    sheet = book.active
    sheet["C4"] = "Ngày sinh"
    sheet["C5"] = dt.date(1990, 5, 17)
    sheet["D5"] = dt.datetime(1990, 5, 17, 8, 30)
    grid = same(saved(book))
    assert grid[4][2] == dt.date(1990, 5, 17) and grid[:3] == [[], [], []]


def test_shared_strings_rich_text_and_computed_formulas_written_by_xlsxwriter():
    for options in ({}, {"constant_memory": True}):
        out = io.BytesIO()
        book = xlsxwriter.Workbook(out, options)
        sheet = book.add_worksheet()
        bold = book.add_format({"bold": True})
        day = book.add_format({"num_format": "dd/mm/yyyy"})
        sheet.write_string(0, 0, "Nguyễn Văn An")
        sheet.write_string(0, 1, "Nguyễn Văn An")  # the same shared string twice
        sheet.write_rich_string(0, 2, "Chi bộ ", bold, "Thôn 1", " (cũ)")
        sheet.write_formula(0, 3, "=1+1", None, 2)
        sheet.write_formula(0, 4, '="a"&"b"', None, "ab")
        sheet.write_boolean(0, 5, True)
        sheet.write_datetime(1, 0, dt.datetime(2024, 2, 29), day)
        sheet.write_string(1, 1, "a\u00a0b\tc")
        sheet.write_string(2, 3, "&amp; không phải thực thể")
        sheet.write_number(3, 0, 42)
        book.close()
        grid = same(out.getvalue())
        assert grid[0][:3] == ["Nguyễn Văn An", "Nguyễn Văn An", "Chi bộ Thôn 1 (cũ)"]
        assert grid[0][3:6] == [2.0, "ab", True] and grid[1][0] == dt.date(2024, 2, 29)


SHEET = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<{p}worksheet xmlns{colon}{name}="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<{p}dimension ref="A1:E7"/><{p}sheetData>
<{p}row r="1" spans="1:5"><{p}c r="A1" t="s"><{p}v>0</{p}v></{p}c><{p}c t="s" r="B1"><{p}v>1</{p}v></{p}c>\
<{p}c r="C1" s="1"><{p}v>45292</{p}v></{p}c><{p}c r="D1" t="str"><{p}f>A1&amp;B1</{p}f><{p}v>ab&lt;c&gt;</{p}v></{p}c></{p}row>
<{p}row r="2"/>
<{p}row r="3"><{p}c t="inlineStr"><{p}is><{p}r><{p}t xml:space="preserve">Đảng </{p}t></{p}r><{p}r><{p}rPr><{p}b/></{p}rPr>\
<{p}t>viên</{p}t></{p}r><{p}rPh sb="0" eb="1"><{p}t>ふりがな</{p}t></{p}rPh></{p}is></{p}c><{p}c><{p}v>7</{p}v></{p}c>\
<{p}c r="E3" t="e"><{p}v>#DIV/0!</{p}v></{p}c></{p}row>
<{p}row r="5"><{p}c r="A5" t="d"><{p}v>2024-03-01</{p}v></{p}c><{p}c r="B5" t="d"><{p}v>2024-03-01T08:15:00</{p}v></{p}c>\
<{p}c r="C5" t="b"><{p}v>0</{p}v></{p}c><{p}c r="D5" s="2"><{p}v>0.5</{p}v></{p}c><{p}c r="E5" s="1"/></{p}row>
<{p}row r="7"><{p}c r="B7" cm="1" t="n"><{p}v>-0.25</{p}v></{p}c><{p}c r="C7" t="s"><{p}v>2</{p}v></{p}c></{p}row>
</{p}sheetData><{p}mergeCells count="1"><{p}mergeCell ref="A3:B3"/></{p}mergeCells></{p}worksheet>"""

STRINGS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<{p}sst xmlns{colon}{name}="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount="3">\
<{p}si><{p}t>a</{p}t></{p}si><{p}si><{p}t>b &amp; _x0041_</{p}t></{p}si><{p}si><{p}r><{p}t>row&gt;</{p}t></{p}r>\
<{p}r><{p}t>s</{p}t></{p}r></{p}si></{p}sst>"""

STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<{p}styleSheet xmlns{colon}{name}="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
<{p}numFmts count="1"><{p}numFmt numFmtId="164" formatCode="dd/mm/yyyy;@"/></{p}numFmts>\
<{p}cellXfs count="3"><{p}xf numFmtId="0"/><{p}xf numFmtId="164" applyNumberFormat="1"/><{p}xf numFmtId="20"/></{p}cellXfs>\
</{p}styleSheet>"""

WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<{p}workbook xmlns{colon}{name}="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
<{p}sheets><{p}sheet name="Danh sách" sheetId="7" r:id="rId3"/><{p}sheet name="Khác" sheetId="1" r:id="rId1"/></{p}sheets>\
</{p}workbook>"""

RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>\
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/danh_sach.xml"/>\
<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>\
<Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>\
</Relationships>"""

ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>\
</Relationships>"""

TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
<Override PartName="/xl/worksheets/danh_sach.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>\
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
</Types>"""


def by_hand(prefix: str) -> bytes:
    """A workbook as other programs write them: its first sheet is not sheet1.xml, the
    namespace may carry a prefix, a cell's `t` may come before its `r`, a cell may have no
    reference, a row may close itself, and text may hold `row>` and escapes."""
    words = {"p": f"{prefix}:" if prefix else "", "colon": ":" if prefix else "", "name": prefix}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK.format(**words))
        archive.writestr("xl/_rels/workbook.xml.rels", RELS)
        archive.writestr("xl/worksheets/danh_sach.xml", SHEET.format(**words))
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            SHEET.format(**words).replace("45292", "1").replace('"A1" t="s"', '"A1"'),
        )
        archive.writestr("xl/sharedStrings.xml", STRINGS.format(**words))
        archive.writestr("xl/styles.xml", STYLES.format(**words))
    return out.getvalue()


@pytest.mark.parametrize("prefix", ["", "x"])
def test_a_workbook_written_by_hand_as_other_programs_write_them(prefix):
    content = by_hand(prefix)
    grid = same(content)
    assert grid[0] == ["a", "b & A", dt.date(2024, 1, 1), "ab<c>"]
    assert grid[2][:2] == ["Đảng viên", 7.0] and grid[6] == ["", -0.25, "row>s"]
    formulas, merged, last = xlsx.scan(content)
    assert formulas == [] and merged == [((2, 0), (2, 1))] and last == 7


def test_random_workbooks_give_the_same_cells():
    rng = random.Random(28)
    words = ["Nguyễn", "Thị", "&", "<b>", "  ", "_x0009_", "Đ", "0123", "x" * 300, "a\r\nb"]
    for _workbook in range(6):
        out = io.BytesIO()
        book = xlsxwriter.Workbook(out, {"constant_memory": rng.random() < 0.5})
        sheet = book.add_worksheet()
        formats = [
            book.add_format({"num_format": code})
            for code in ("dd/mm/yyyy", "0.00", "h:mm", "[h]:mm", "yyyy-mm-dd hh:mm", "@")
        ]
        for r in range(rng.randrange(50, 400)):
            for c in sorted(rng.sample(range(40), rng.randrange(0, 12))):
                pick = rng.random()
                if pick < 0.35:
                    sheet.write_string(r, c, " ".join(rng.choices(words, k=rng.randrange(1, 4))))
                elif pick < 0.6:
                    sheet.write_number(r, c, rng.uniform(-1e6, 1e6), rng.choice(formats))
                elif pick < 0.75:
                    sheet.write_number(r, c, rng.randrange(60000), rng.choice(formats))
                elif pick < 0.85:
                    sheet.write_boolean(r, c, rng.random() < 0.5)
                else:
                    sheet.write_number(r, c, rng.random(), rng.choice(formats))
        book.close()
        same(out.getvalue())


def test_the_sheet_is_read_a_part_at_a_time(monkeypatch):
    """The first rows are given before most of the sheet's XML is read (a 150,000-row sheet is
    never held whole)."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"constant_memory": True})
    sheet = book.add_worksheet()
    for r in range(5000):
        sheet.write_row(r, 0, [f"Đảng viên {r}", r, "Chi bộ 1"])
    book.close()
    monkeypatch.setattr(xlsx, "CHUNK", 4096)
    read = []
    chunks = xlsx.Workbook.chunks

    def counted(self, part):
        for chunk in chunks(self, part):
            read.append(len(chunk))
            yield chunk

    monkeypatch.setattr(xlsx.Workbook, "chunks", counted)
    rows = xlsx.rows(out.getvalue())
    first = [next(rows) for _ in range(10)]
    assert first[9] == ["Đảng viên 9", 9.0, "Chi bộ 1"]
    assert len(read) <= 2
    assert sum(1 for _ in rows) == 4990 and len(read) > 50


def test_the_importer_reads_the_same_rows_either_way(monkeypatch):
    """open_sheet, which every import goes through, gives the same rows from the streamed
    reader as from calamine (a workbook whose parts the streamed reader cannot find goes to
    calamine)."""
    content = by_hand("x")

    def header(cells: list[str]) -> int:
        return 1 if "a" in cells else 0

    streamed = sheets.open_sheet(content, "f.xlsx", header)
    ours = (streamed.header_row, streamed.headers, list(streamed.rows))

    def unreadable(_content):
        raise xlsx.Unreadable("test")

    monkeypatch.setattr(sheets, "_xlsx_rows_streamed", unreadable)
    whole = sheets.open_sheet(content, "f.xlsx", header)
    theirs = (whole.header_row, whole.headers, list(whole.rows))
    trim = lambda rows: [(n, trimmed([c])[0] if trimmed([c]) else []) for n, c in rows]  # noqa: E731
    assert (ours[0], trimmed([ours[1]])) == (theirs[0], trimmed([theirs[1]]))
    assert trim(ours[2]) == trim(theirs[2])
    assert [n for n, _c in ours[2]] == [3, 5, 7]


def test_a_table_below_and_right_of_a1_keeps_its_row_numbers_and_column_letters(monkeypatch):
    """Rows above a table and columns left of it are kept, either way: the header written in
    C4 is row 4 and its first column is the third (calamine's rows begin at the used area's
    column, and it gives the rows above that area itself: they were once counted twice)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["C4"], sheet["D4"] = "Họ và tên", "Ngày sinh"
    sheet["C6"], sheet["D6"] = "Trần Văn Bảy", dt.date(1980, 2, 3)
    content = saved(book)

    def header(cells: list[str]) -> int:
        return 1 if "Họ và tên" in cells else 0

    def read() -> tuple[int, list[str], list[tuple[int, list[object]]]]:
        found = sheets.open_sheet(content, "f.xlsx", header)
        return found.header_row, found.headers[:4], list(found.rows)

    streamed = read()

    def unreadable(_content):
        raise xlsx.Unreadable("test")

    monkeypatch.setattr(sheets, "_xlsx_rows_streamed", unreadable)
    whole = read()
    assert streamed[0] == whole[0] == 4
    assert streamed[1] == whole[1] == ["", "", "Họ và tên", "Ngày sinh"]
    assert streamed[2] == whole[2]
    assert streamed[2] == [(6, ["", "", "Trần Văn Bảy", dt.date(1980, 2, 3)])]


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("dd/mm/yyyy", xlsx.DATE),
        ("H:MM:SS;@", xlsx.DATE),
        ('m"M"d"D";@', xlsx.DATE),
        ("[h]:mm:ss", xlsx.DURATION),
        ("[ss].000", xlsx.DURATION),
        ("[Blue]\\+[h]:mm;[Red]\\-[h]:mm", xlsx.DURATION),
        ("[$-404]e/m/d", xlsx.DATE),
        ("AM/PM", xlsx.DATE),
        ('#,##0.0####" YMD"', 0),
        ("\\Y000000", 0),
        ('"$"#,##0_);[Red]("$"#,##0)', 0),
        ("0_ ;[Red]\\-0\\ ", 0),
        ("General", 0),
        ("@", 0),
    ],
)
def test_which_number_formats_are_dates(code, kind):
    """ECMA-376 §18.8.31: a format's first section showing a day, month, year, hour or second
    outside quotes, escapes and brackets is a date; an elapsed unit in brackets is a duration."""
    assert xlsx.format_kind(code) == kind


def plain_book(row_xml: str, styles: str = "") -> bytes:
    """A minimal workbook around one sheet's rows, with one shared string ("zero")."""
    out = io.BytesIO()
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", TYPES.replace("danh_sach", "sheet2"))
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook {ns} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships"><sheets><sheet name="A" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr("xl/_rels/workbook.xml.rels", RELS)
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            f"<worksheet {ns}><sheetData>{row_xml}</sheetData></worksheet>",
        )
        archive.writestr("xl/sharedStrings.xml", f"<sst {ns}><si><t>zero</t></si></sst>")
        archive.writestr(
            "xl/styles.xml",
            f'<styleSheet {ns}><cellXfs count="2"><xf numFmtId="0"/>'
            f'<xf numFmtId="{styles or 14}"/></cellXfs></styleSheet>',
        )
    return out.getvalue()


@pytest.mark.parametrize(
    "row_xml",
    [
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c\nr="B1"><v>5</v></c></row>',
        "<row r='1'><c r='A1' t='s'><v>0</v></c><c r='C1' s='1'><v>45000</v></c></row>",
        '<row r="1"><c r = "C1" t="s"><v>0</v></c></row>',
        '<row r="1"><c r="c1" t="s"><v>0</v></c></row>',
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row ><row r="2"><c r="B2"><v>1</v></c></row>',
        '<row r="1"><c r="A1"><v >2</v ></c></row>',
        '<row r="1"><c r="A1" t="str"><v><![CDATA[a<b]]></v></c></row>',
        '<row r="1"><!-- <c r="A1"><v>9</v></c> --><c r="B1"><v>1</v></c></row>',
        '<x:row xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" r="1">'
        '<x:c r="A1"><x:v>3</x:v></x:c></x:row>',
        '<row r="3"><c r="A3"><v>3</v></c></row><row r="1"><c r="A1"><v>1</v></c></row>',
    ],
)
def test_xml_no_known_writer_produces_is_read_by_calamine_not_guessed(row_xml):
    """Legal XML that the expressions would not follow (a cell split over lines, quotes of the
    other kind, spaces around `=` or before `>`, a reference in small letters, CDATA, a comment,
    another namespace prefix, rows out of order) is sent to calamine before any row is read,
    found by the pass over the sheet, instead of being read wrong (found by a review)."""
    content = plain_book(row_xml)
    with pytest.raises(xlsx.Unreadable):
        xlsx.scan(content)

    theirs = [(n, row) for n, row in enumerate(by_calamine(content), start=1) if row]
    if not theirs:
        with pytest.raises(sheets.FileError):
            sheets.open_sheet(content, "f.xlsx", lambda cells: 0)
        return
    read = sheets.open_sheet(content, "f.xlsx", lambda cells: 0)
    assert read.header_row == theirs[0][0]
    assert [(n, trimmed([cells])[0]) for n, cells in read.rows] == theirs[1:]


def test_east_asian_date_formats_a_number_that_is_not_one_and_half_a_surrogate_pair():
    """Built-in formats 27-36 and 50-58 are dates; `#N/A` written without its type is its text;
    `_xD83D_` alone stays as written (half a character could not be stored)."""
    for number_format in (27, 31, 36, 50, 58):
        content = plain_book(
            '<row r="1"><c r="A1" s="1"><v>45000.5</v></c></row>', str(number_format)
        )
        assert same(content) == [[dt.datetime(2023, 3, 15, 12, 0)]]
    content = plain_book(
        '<row r="1"><c r="A1"><v>#N/A</v></c><c r="B1" t="str"><v>_xD83D_ x</v></c></row>'
    )
    assert same(content) == [["#N/A", "_xD83D_ x"]]


def test_a_font_family_in_rich_text_is_not_a_formula():
    """`<family val=...>` in a run's properties starts with `<f` too: no formula is named."""
    content = plain_book(
        '<row r="1"><c r="A1" t="inlineStr"><is><r><rPr><family val="2"/></rPr><t>An</t></r>'
        '</is></c><c r="B1" s="1"/><c r="C1"><f>1+1</f></c></row>'
    )
    assert xlsx.scan(content)[0] == ["C1"]


def damaged_in_row_20(headers: tuple[str, ...] = ("A", "B", "C")) -> bytes:
    """A sheet with a header row, whose row 20 names a shared string the workbook lacks."""
    head = "".join(
        f'<c r="{"ABC"[i]}1" t="inlineStr"><is><t>{h}</t></is></c>' for i, h in enumerate(headers)
    )
    rows = "".join(
        f'<row r="{n}"><c r="A{n}" t="s"><v>{0 if n != 20 else 7}</v></c>'
        f'<c r="B{n}"><v>2024</v></c><c r="C{n}"><v>{n}</v></c></row>'
        for n in range(2, 30)
    )
    return plain_book(f'<row r="1">{head}</row>{rows}')


def test_a_file_damaged_inside_a_row_is_refused_by_the_call_that_asked_for_it_whole():
    """Rows are read as asked for, so a row damaged far down raises FileError while they are
    read; a caller of a short file asks for them whole and gets the refusal from open_sheet,
    inside its own `except FileError` (found by a review: four callers read the rows outside)."""
    lazy = sheets.open_sheet(damaged_in_row_20(), "f.xlsx", lambda cells: 0)
    with pytest.raises(sheets.FileError):
        list(lazy.rows)
    with pytest.raises(sheets.FileError, match=r"damaged|hỏng"):
        sheets.open_sheet(damaged_in_row_20(), "f.xlsx", lambda cells: 0, whole=True)
