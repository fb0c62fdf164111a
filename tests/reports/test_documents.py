"""The forms as XLSX in the official layout, the reviews as DOCX in the Party's format (read back
through a PDF made by LibreOffice), the draft review, and stored runs (issue 8, points 2–5, 7)."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import zipfile

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from docx import Document
from openpyxl import load_workbook

from dangvu.core.errors import RuleError
from dangvu.reports import services
from dangvu.reports.models import Comment, ReportRun
from tests.reports.conftest import YEAR, event

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]
D = dt.date


def pdf_text(path, tmp_path):
    """The text of a document as LibreOffice lays it out (headless), read by pdftotext."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is installed by scripts/system-deps.sh"
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / (path.stem + ".pdf")
    out = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    )
    return " ".join(out.stdout.split())


@pytest.mark.once
def test_form_1_as_xlsx_has_the_official_layout_and_the_figures(history, tmp_path):
    out = tmp_path / "bieu-1.xlsx"
    call_command(
        "report",
        "form",
        "1",
        "--org",
        "TU-T",
        "--period",
        str(YEAR),
        "--out",
        str(out),
        stdout=io.StringIO(),
    )
    sheet = load_workbook(out).active
    assert sheet["A1"].value == "ĐẢNG BỘ TỈNH THỬ NGHIỆM" and sheet["A2"].value == "TỈNH ỦY"
    assert sheet["C1"].value == "Biểu số 1-BTCTW"
    assert sheet["A4"].value == "THỐNG KÊ TĂNG, GIẢM ĐẢNG VIÊN"
    assert sheet["A5"].value == "Năm 2023 (từ 01/01/2023 đến 31/12/2023)"
    assert [c.value for c in sheet[8]] == [
        "STT",
        "Chỉ tiêu",
        "Kỳ này",
        "Cùng kỳ năm trước",
        "% = (2) × 100 / (3)",
    ]
    assert [c.value for c in sheet[9]] == ["(A)", "(1)", "(2)", "(3)", "(4)"]
    assert {"A1:B1", "C1:E1", "A4:E4"} <= {str(r) for r in sheet.merged_cells.ranges}
    assert sheet["B10"].font.name == "Times New Roman"
    rows = {
        sheet.cell(r, 1).value: r
        for r in range(10, 40)
        if sheet.cell(r, 1).value in ("A", "B", "C", "D")
    }
    assert sheet.cell(rows["A"], 3).value == 9 and sheet.cell(rows["D"], 3).value == 7
    assert sheet.cell(rows["B"], 3).value == 3 and sheet.cell(rows["C"], 3).value == 5
    # 2022: hoa, an, son, chuyen, ra, khai, lao in the list at its start; 2 admitted in it.
    assert sheet.cell(rows["A"], 4).value == 7 and sheet.cell(rows["B"], 4).value == 2
    percent = sheet.cell(rows["A"], 5).value
    assert percent.startswith("=IF(D") and "*100/" in percent
    cached = load_workbook(out, data_only=True).active.cell(rows["A"], 5).value
    assert cached == 128.6  # 9 × 100 / 7


@pytest.mark.once
def test_the_annual_review_reads_as_a_party_document_with_its_figures(history, world, tmp_path):
    from dangvu.reports.services import target_set

    target_set(org=world.province, year=YEAR, target=4, actor=world.an)
    out = tmp_path / "bao-cao-2023.docx"
    call_command(
        "report",
        "annual",
        "--org",
        "TU-T",
        "--year",
        str(YEAR),
        "--number",
        "12",
        "--out",
        str(out),
        stdout=io.StringIO(),
    )
    document = Document(out)
    assert document.styles["Normal"].font.name == "Times New Roman"
    assert document.styles["Normal"].font.size.pt == 14
    assert document.inline_shapes, "the charts are in the document"
    text = pdf_text(out, tmp_path)
    heading = text[: text.index("BÁO CÁO")]
    for words in (
        "ĐẢNG BỘ TỈNH THỬ",
        "NGHIỆM",
        "TỈNH ỦY",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Số 12-BC/TU",
        "*",
    ):
        assert words in heading, words
    for expected in (
        "Thử Nghiệm, ngày",
        "DỰ THẢO",
        "Tổng kết công tác xây dựng Đảng năm 2023",
        "Tổng số đảng viên trong danh sách là 7 (giảm 2 so với cùng kỳ năm trước, 77,8 %)",
        "Kết nạp 2 đảng viên, đạt 50 % chỉ tiêu (4)",
        "từ trần 1, khai trừ 1, xóa tên 1, xin ra khỏi Đảng 1, chuyển đi 1",
        "T/M TỈNH ỦY",
        "Nơi nhận:",
    ):
        # pdftotext spaces out letters of justified lines: compared without spaces.
        assert expected.replace(" ", "") in text.replace(" ", ""), expected
    annex = load_workbook(tmp_path / "bao-cao-2023-phu-luc.xlsx")
    assert annex.sheetnames[0] == "Bảng chỉ tiêu"
    assert {"Biểu 1", "Biểu 2", "Biểu 3", "Biểu 5", "Biểu 6", "Biểu 7"} <= set(annex.sheetnames)
    main = annex["Bảng chỉ tiêu"]
    assert [c.value for c in main[1]][:3] == ["Chỉ tiêu", "Năm 2023", "Năm 2022"]


@pytest.mark.once
def test_the_term_review_has_a_row_per_year(history, tmp_path):
    out = tmp_path / "nhiem-ky.docx"
    call_command(
        "report",
        "term",
        "--org",
        "TU-T",
        "--period",
        "2020-2024",
        "--out",
        str(out),
        stdout=io.StringIO(),
    )
    table = Document(out).tables[-2]
    years = [row.cells[0].text for row in table.rows[1:]]
    assert years == ["2020", "2021", "2022", "2023", "2024"]
    members = {row.cells[0].text: row.cells[1].text for row in table.rows[1:]}
    assert members["2022"] == "9" and members["2023"] == "7"
    text = pdf_text(out, tmp_path)
    squeezed = text.replace(" ", "")
    assert "Tổngkếtcôngtácxâydựng Đảngnhiệmkỳ2020–2024".replace(" ", "") in squeezed
    assert "Đầunhiệmkỳ(31/12/2019)" in squeezed


def test_a_draft_is_commented_by_section_and_each_comment_answered(history, world):
    run = services.run_create(
        kind=ReportRun.Kind.ANNUAL,
        org=world.province,
        start=D(YEAR, 1, 1),
        end=D(YEAR, 12, 31),
        actor=world.an,
    )
    with pytest.raises(PermissionDenied):  # not named
        services.comment_add(run=run, section="phat-trien", text="?", actor=world.dung)
    services.run_publish(run=run, reviewers=[world.dung, world.cuong], actor=world.an)
    run.refresh_from_db()
    assert run.status == ReportRun.Status.REVIEW
    first = services.comment_add(
        run=run,
        section="phat-trien",
        text="Nêu rõ nguyên nhân chưa đạt chỉ tiêu.",
        actor=world.dung,
    )
    second = services.comment_add(
        run=run, section="danh-gia", text="Bổ sung số tổ chức không xếp loại.", actor=world.cuong
    )
    with pytest.raises(RuleError) as exc:
        services.comment_add(run=run, section="khong-co", text="…", actor=world.dung)
    assert "section" in exc.value.message_dict
    with pytest.raises(RuleError) as exc:
        services.comment_answer(
            comment=second, answer=Comment.Answer.EXPLAINED, reason="  ", actor=world.an
        )
    assert exc.value.message_dict["reason"]
    services.comment_answer(
        comment=first, answer=Comment.Answer.ACCEPTED, reason="", actor=world.an
    )
    services.comment_answer(
        comment=second,
        answer=Comment.Answer.EXPLAINED,
        reason="Các tổ chức mới thành lập chưa đủ 6 tháng.",
        actor=world.an,
    )
    with pytest.raises((PermissionDenied, Exception)):
        services.comment_answer(
            comment=second, answer=Comment.Answer.ACCEPTED, reason="", actor=world.dung
        )  # a viewer
    document = Document(io.BytesIO(services.comments_docx(run)))
    heading, table, signature = document.tables
    assert heading.rows[0].cells[1].paragraphs[0].text == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert signature.rows[0].cells[1].paragraphs[0].text == "T/M BAN THƯỜNG VỤ"
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert rows[0][1] == "II. CÔNG TÁC PHÁT TRIỂN ĐẢNG VIÊN" and rows[0][3].startswith("Nêu rõ")
    assert rows[0][4] == "Tiếp thu"
    assert rows[1][4] == "Giải trình" and rows[1][5].startswith("Các tổ chức mới")
    assert rows[1][2] == "Lê Văn Cường"


def test_a_stored_run_shows_its_figures_and_what_later_corrections_changed(history, world):
    run = services.run_create(
        kind=ReportRun.Kind.FORM,
        org=world.province,
        start=D(YEAR, 1, 1),
        end=D(YEAR, 12, 31),
        actor=world.an,
        form="1",
    )
    assert run.figures["current"]["flow.out.death"] == 1
    assert services.differences(run) == []
    # A death of 2023 entered late, in 2024.
    event(history["hoa"], "death", D(2023, 11, 20))
    run.refresh_from_db()
    assert run.figures["current"]["flow.out.death"] == 1  # what was printed stays
    changed = {d["key"]: (d["printed"], d["now"]) for d in services.differences(run)}
    assert changed["current/flow.out.death"] == (1, 2)
    assert changed["current/flow.end"] == (7, 6)
    data, name, _t = services.document_of(run)
    assert name.endswith(".xlsx") and zipfile.is_zipfile(io.BytesIO(data))
    sheet = load_workbook(io.BytesIO(data)).active
    d_row = next(r for r in range(10, 40) if sheet.cell(r, 1).value == "D")
    assert sheet.cell(d_row, 3).value == 7  # the run's figure, not today's
    # The run's page: the stored table, and on request the differences with today's records.
    from django.test import Client
    from django.urls import reverse

    from tests.conftest import sign_in

    page = sign_in(Client(), world.an).get(reverse("reports:run", args=[run.pk]), {"so-sanh": "1"})
    rows = {row.number: cells for row, cells in page.context["table"].rows if row.number}
    assert rows["D"][0].value == 7
    assert {d["code"] for d in page.context["differences"]} >= {"flow.out.death", "flow.end"}


def test_targets_are_imported_with_every_bad_row_named_and_nothing_written(world, tmp_path):
    from dangvu.reports.models import AdmissionTarget

    bad = "Mã tổ chức,Năm,Chỉ tiêu\nX-PH,2024,12\nX-KHONG,2024,3\nX-TS,hai nghìn,4\n".encode()
    with pytest.raises(RuleError) as exc:
        services.targets_import(data=bad, name="chi-tieu.csv", actor=world.an)
    text = str(exc.value)
    assert "Dòng 3, cột “Mã tổ chức”" in text and "X-KHONG" in text
    assert "Dòng 4, cột “Năm”: “hai nghìn” không phải là số nguyên" in text
    assert not AdmissionTarget.objects.exists()
    from tests.core.test_xlsx import damaged_in_row_20

    with pytest.raises(RuleError):  # damaged inside a row: refused, not a stack trace
        services.targets_import(
            data=damaged_in_row_20(("Mã tổ chức", "Năm", "Chỉ tiêu")),
            name="chi-tieu.xlsx",
            actor=world.an,
        )
    good = "Mã tổ chức,Năm,Chỉ tiêu\nX-PH,2024,12\nX-TS,2024,4\n".encode()
    assert services.targets_import(data=good, name="chi-tieu.csv", actor=world.an) == 2
    assert dict(AdmissionTarget.objects.values_list("org__code", "target")) == {
        "X-PH": 12,
        "X-TS": 4,
    }
    with pytest.raises((PermissionDenied, Exception)):
        services.target_set(
            org=world.phuoc_hai, year=2024, target=1, actor=world.binh
        )  # a cell secretary


def test_a_review_without_a_target_names_no_code_and_no_placeholder(history, tmp_path):
    """Issue 23, point 5: the year with no admission target set printed "> admitted.target %" in
    the table and "(chưa nhập chỉ tiêu của năm)" in the text. A document names, never codes: no
    dotted indicator code, no ISO date, anywhere in it."""
    import re

    out = tmp_path / "bao-cao.docx"
    call_command(
        "report", "annual", "--org", "TU-T", "--year", str(YEAR), "--out", str(out),
        stdout=io.StringIO(),
    )  # fmt: skip
    document = Document(out)
    texts = [p.text for p in document.paragraphs] + [
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    ]
    text = "\n".join(texts)
    assert "chưa nhập" not in text
    assert re.findall(r"\b[a-z_]+\.[a-z_]+(?:\.[a-z_0-9]+)*\b", text) == []
    assert re.findall(r"\b\d{4}-\d{2}-\d{2}\b", text) == []
    assert "Kết nạp" in text  # the section is there, without the target clause
