"""The import's pages: upload, columns, the check's report and preview, commit, revert."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from dangvu.exchange.models import ImportBatch
from dangvu.members.models import Person
from tests.conftest import sign_in
from tests.exchange.files import MEMBER_HEADER, member_row, xlsx

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def choices(page):
    """What the browser sends: each column's select as the page set it."""
    return {name: field.initial for name, field in page.context["form"].fields.items()}


def test_upload_check_preview_commit_and_revert(world):
    client = sign_in(Client(), world.an)
    rows = [
        [*MEMBER_HEADER, "Ghi chú riêng"],
        [*member_row("Trần Văn Bảy", "058090000101"), "x"],
        [*member_row("Trần Văn Tám", "058090000102", birth="31/02/1990"), "y"],
    ]
    upload = SimpleUploadedFile("dv.xlsx", xlsx(rows))
    answer = client.post(reverse("exchange:imports"), {"kind": "members", "sheet": upload})
    batch = ImportBatch.objects.get()
    assert answer["Location"] == reverse("exchange:mapping", args=[batch.pk])
    shown = client.get(answer["Location"])
    assert "Ghi chú riêng" in shown.content.decode()  # the unknown column is offered for a choice
    assert shown.context["form"].fields["c13"].initial == ""
    answer = client.post(answer["Location"], choices(shown))
    page = client.get(answer["Location"]).content.decode()
    assert "31/02/1990" in page and "Ngày sinh" in page  # row 3's problem, with its value
    assert "Ghi ngay" not in page and reverse("exchange:commit", args=[batch.pk]) not in page
    assert not Person.objects.filter(citizen_id="058090000101").exists()

    upload = SimpleUploadedFile("dv.xlsx", xlsx(rows[:2]))
    answer = client.post(reverse("exchange:imports"), {"kind": "members", "sheet": upload})
    batch = ImportBatch.objects.exclude(pk=batch.pk).get()
    answer = client.post(answer["Location"], choices(client.get(answer["Location"])))
    page = client.get(answer["Location"]).content.decode()
    assert "Trần Văn Bảy" in page and reverse("exchange:commit", args=[batch.pk]) in page
    client.post(reverse("exchange:commit", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.state == "committed" and Person.objects.filter(citizen_id="058090000101").exists()
    client.post(reverse("exchange:revert", args=[batch.pk]), {"reason": "nhầm tệp"})
    batch.refresh_from_db()
    assert (
        batch.state == "reverted" and not Person.objects.filter(citizen_id="058090000101").exists()
    )


def test_the_progress_is_polled_while_the_worker_runs(world):
    client = sign_in(Client(), world.an)
    batch = ImportBatch.objects.create(
        kind="members",
        filename="f.xlsx",
        checksum="0",
        content=b"",
        user=world.an,
        state="checking",
        phase="read",
        done=500,
        total=2000,
    )
    part = client.get(reverse("exchange:batch", args=[batch.pk]), HTTP_HX_REQUEST="true")
    body = part.content.decode()
    assert 'value="25"' in body and "every 1s" in body and "500 / 2000" in body
    ImportBatch.objects.filter(pk=batch.pk).update(state="checked")
    done = client.get(reverse("exchange:batch", args=[batch.pk]), HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"
    # another user's import is nobody else's business
    assert (
        sign_in(Client(), world.cuong).get(reverse("exchange:batch", args=[batch.pk])).status_code
        == 404
    )


def test_templates_hold_the_headers_and_a_guide(world):
    from python_calamine import CalamineWorkbook

    client = sign_in(Client(), world.an)
    answer = client.get(reverse("exchange:template", args=["members"]))
    import io

    book = CalamineWorkbook.from_filelike(io.BytesIO(answer.content))
    assert book.sheet_names == ["Dữ liệu", "Hướng dẫn"]
    header = book.get_sheet_by_index(0).to_python()[0]
    assert (
        header[:4] == ["Số CCCD", "Số thẻ đảng", "Số hồ sơ", "Họ và tên"]
        and "Trạng thái" not in header
    )


def test_the_list_of_imports_names_what_each_file_holds_and_its_limit_in_vietnamese(world):
    """Found by a walk-through in Chromium: the list showed the kind's key ("members") and the
    limit of rows as 200000. People read names, not codes."""
    client = sign_in(Client(), world.an)
    upload = SimpleUploadedFile(
        "dv.xlsx", xlsx([MEMBER_HEADER, member_row("Trần Văn Bảy", "058090000101")])
    )
    client.post(reverse("exchange:imports"), {"kind": "members", "sheet": upload})
    page = client.get(reverse("exchange:imports")).content.decode()
    row = page[page.index("dv.xlsx") :]
    row = row[: row.index("</tr>")]
    assert "Đảng viên" in row and ">members<" not in row
    assert "200.000 dòng" in page and "200000" not in page
