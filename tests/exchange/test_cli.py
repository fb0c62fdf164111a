"""`dangvu import … --format json` and `dangvu export`: the documented output and exit codes."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from python_calamine import CalamineWorkbook

from dangvu.members.models import Person
from tests.exchange.files import MEMBER_HEADER, member_row, xlsx

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def dangvu(*args):
    out = io.StringIO()
    code = 0
    try:
        call_command(*args, stdout=out, stderr=io.StringIO())
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue()


def test_a_dry_run_of_a_bad_file_prints_every_error_in_vietnamese_and_exits_1(world, tmp_path):
    path = tmp_path / "dang-vien.xlsx"
    path.write_bytes(
        xlsx(
            [
                MEMBER_HEADER,
                member_row("Trần Văn Bảy", "058090000101"),
                member_row("Trần Văn Tám", "058090000102", birth="31/02/1990", cell="KHONG"),
            ]
        )
    )
    code, out = dangvu("import", "members", str(path), "--dry-run", "--format", "json")
    document = json.loads(out)
    assert code == 1
    assert set(document) >= {"created", "updated", "unchanged", "errors"}
    assert [(e["row"], e["column"], e["value"]) for e in document["errors"]] == [
        (3, "Mã chi bộ", "KHONG"),
        (3, "Ngày sinh", "31/02/1990"),
    ]
    assert "không có ngày 31 của tháng 2" in document["errors"][1]["message"]


def test_a_good_file_is_committed_with_exit_0_and_a_dry_run_writes_nothing(world, tmp_path):
    path = tmp_path / "dang-vien.csv"
    path.write_bytes(xlsx([MEMBER_HEADER, member_row("Trần Văn Bảy", "058090000101")]))
    code, out = dangvu("import", "members", str(path), "--dry-run", "--format", "json")
    assert code == 0 and json.loads(out)["created"] == 1
    assert not Person.objects.filter(citizen_id="058090000101").exists()
    code, out = dangvu("import", "members", str(path), "--format", "json")
    assert code == 0 and json.loads(out)["created"] == 1 and json.loads(out)["committed"]
    assert Person.objects.filter(citizen_id="058090000101").exists()
    code, out = dangvu("imports", "list", "--format", "json")
    [batch] = json.loads(out)
    assert batch["file"] == "dang-vien.csv" and batch["state"] == "committed"
    code, out = dangvu("imports", "revert", batch["id"], "--reason", "nhầm tệp")
    assert code == 0 and not Person.objects.filter(citizen_id="058090000101").exists()


def test_export_members_as_of_a_date_and_reimport_it_unchanged(world, tmp_path):
    path = tmp_path / "tu-t.xlsx"
    code, _out = dangvu("export", "members", "--org", "TU-T", "--as-of", "2020-01-01", str(path))
    assert code == 0
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert rows[0][:3] == ["Số CCCD", "Số thẻ đảng", "Số hồ sơ"]
    names = sorted(r[3] for r in rows[1:])
    assert names == ["Lê Minh Sơn", "Nguyễn Thị Hoa", "Nguyễn Văn An"]  # Thành joined in 2024
    assert "058185000123" in [r[0] for r in rows[1:]]  # kept as text, with its leading zero
    code, out = dangvu("import", "members", str(path), "--format", "json")
    document = json.loads(out)
    assert code == 0 and (document["created"], document["updated"], document["unchanged"]) == (
        0,
        0,
        3,
    )
