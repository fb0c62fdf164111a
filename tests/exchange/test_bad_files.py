"""Bad files get a clear message and write nothing (issue 6, point 7): each kind of bad input."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
import xlsxwriter
from django.utils import translation

from dangvu.exchange.services import file_import
from dangvu.members.models import Person
from tests.exchange.files import MEMBER_HEADER, member_row, xlsx

pytestmark = [pytest.mark.django_db, pytest.mark.once]


def run(world, content, name="tep.xlsx"):
    persons = Person.objects.count()
    with translation.override("en"):
        outcome, batch = file_import(
            kind="members", content=content, filename=name, actor=world.an, dry_run=False
        )
    assert batch is None and not outcome.committed and Person.objects.count() == persons
    return outcome


def file_message(outcome):
    assert [(p.row, p.column) for p in outcome.errors] == [(0, "")]
    return outcome.errors[0].message


def test_a_file_that_is_not_a_spreadsheet(world):
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    assert "not a spreadsheet" in file_message(run(world, png, "anh.xlsx"))
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("readme.txt", "hello")
    assert "ZIP archive" in file_message(run(world, archive.getvalue(), "a.xlsx"))


def test_a_corrupt_file(world):
    content = xlsx([MEMBER_HEADER, member_row("Trần Văn Bảy", "058090000101")])
    assert "damaged" in file_message(run(world, content[: len(content) // 2]))


def test_a_password_protected_file(world):
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = io.BytesIO(xlsx([MEMBER_HEADER, member_row("Trần Văn Bảy", "058090000101")]))
    locked = io.BytesIO()
    OOXMLFile(plain).encrypt("mat-khau", locked)
    assert "password" in file_message(run(world, locked.getvalue()))


def test_an_empty_sheet_and_a_header_without_rows(world):
    assert "empty" in file_message(run(world, xlsx([[None]])))
    assert "empty" in file_message(run(world, b"", "a.csv"))
    assert "no rows" in file_message(run(world, xlsx([MEMBER_HEADER])))


def test_a_million_rows_is_refused_before_it_is_loaded(world):
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"constant_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, MEMBER_HEADER)
    sheet.write_string(1_000_000, 0, "058090000101")  # the sheet's dimension: A1:A1000001
    book.close()
    assert "1.000.001 rows" in file_message(run(world, out.getvalue()))
    lines = b"\n".join([",".join(MEMBER_HEADER).encode()] + [b"x"] * 1_000_000)
    assert "rows" in file_message(run(world, lines, "a.csv"))


def test_very_long_cells_are_named(world):
    row = member_row("Trần Văn Bảy", "058090000101")
    row[5] = "Quê " * 10_000
    outcome = run(world, xlsx([MEMBER_HEADER, row]))
    [problem] = outcome.errors
    assert (problem.row, problem.column) == (
        2,
        "Quê quán",
    ) and "32767 characters" in problem.message
    assert len(problem.value) <= 80


@pytest.mark.both_databases  # committed: the write path differs (COPY on PostgreSQL)
def test_formulas_are_read_as_their_values(world):
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out)
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, MEMBER_HEADER)
    row = member_row("x", "058090000101")
    for c, value in enumerate(row):
        if isinstance(value, dt.date):
            sheet.write_datetime(1, c, dt.datetime(value.year, value.month, value.day))
        elif value is not None:
            sheet.write_string(1, c, value)
    sheet.write_formula(1, 1, '=CONCATENATE("Trần ","Văn Bảy")', None, "Trần Văn Bảy")
    book.close()
    with translation.override("en"):
        outcome, batch = file_import(
            kind="members", content=out.getvalue(), filename="f.xlsx", actor=world.an, dry_run=False
        )
    assert outcome.errors == [] and batch is not None
    assert Person.objects.filter(full_name="Trần Văn Bảy").exists()


def test_a_title_merged_above_the_header_keeps_the_spreadsheet_row_numbers(world):
    row = member_row("Trần Văn Bảy", "058090000101", birth="31/02/1990")
    outcome = run(world, xlsx([MEMBER_HEADER, row], title="DANH SÁCH ĐẢNG VIÊN CHI BỘ PH-1"))
    assert [(p.row, p.column) for p in outcome.errors] == [(3, "Ngày sinh")]


def test_a_formula_without_its_value_and_a_merged_header_are_named_errors(world):
    """Issue 21, point 7: a cell holding a formula never computed (a file written by a program)
    would read as blank, and a header merged across columns hides the columns under it: both are
    refused, naming the cells, and nothing is written."""
    import openpyxl

    def made(fill) -> bytes:
        book = openpyxl.Workbook()
        fill(book.active)
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    def formula(sheet) -> None:
        sheet.append(MEMBER_HEADER)
        row = member_row("Trần Văn Bảy", "058090000101")
        row[0] = '="Trần Văn " & "Bảy"'
        sheet.append(row)

    message = file_message(run(world, made(formula)))
    assert "A2" in message and "formulas" in message and "Paste special" in message

    def merged(sheet) -> None:
        sheet.append(MEMBER_HEADER)
        sheet.append(member_row("Trần Văn Bảy", "058090000101"))
        sheet.merge_cells("B1:C1")

    message = file_message(run(world, made(merged)))
    assert "B1 to C1" in message and "merged" in message


def test_formulas_without_values_are_found_whatever_the_chunks_of_the_xml(monkeypatch):
    """The sheet's XML is read a chunk at a time (a 150,000-row sheet is 170 MB of it): the cells
    named are the same when the chunks cut through every cell, up to the five named."""
    import openpyxl

    from dangvu.core import xlsx

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(MEMBER_HEADER)
    for n in range(40):
        row = member_row(f"Người {n}", f"0580900{n:05d}")
        if n in (3, 17, 18, 39):
            row[0] = f'="Người " & "{n}"'
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    content = out.getvalue()
    whole = xlsx.scan(content)[0]
    assert whole == ["A5", "A19", "A20", "A41"]
    for size in (7, 64, 1000):
        monkeypatch.setattr(xlsx, "CHUNK", size)
        assert xlsx.scan(content)[0] == whole
    sheet["B2"] = "=1+1"
    sheet["B3"] = "=1+2"
    out = io.BytesIO()
    book.save(out)
    monkeypatch.setattr(xlsx, "CHUNK", 50)
    assert xlsx.scan(out.getvalue())[0] == ["B2", "B3", "A5", "A19", "A20"]
