"""Importing members' ratings of earlier years (issue 7, point 1; issue 6): older labels mapped,
the year's rules applied, every problem at once, round trip, revert."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import translation

from dangvu.evaluation.models import Rating
from dangvu.exchange import exporting
from dangvu.exchange.services import batch_revert, file_import
from tests.evaluation.helpers import disciplined
from tests.exchange.files import xlsx

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]
HEADER = ["Số CCCD", "Họ và tên", "Năm", "Xếp loại", "Số quyết định", "Ngày quyết định"]


def run(world, content, *, dry_run=False, **override):
    with translation.override("en"):
        return file_import(
            kind="ratings",
            content=content,
            filename="xep-loai.xlsx",
            actor=world.an,
            dry_run=dry_run,
            **override,
        )


def test_older_labels_are_mapped_and_the_rules_of_each_year_apply(world):
    disciplined("khien_trach", dt.date(2020, 6, 2), member=world.members["an"])
    rows = [
        HEADER,
        ["058185000123", "Nguyễn Thị Hoa", 2016, "Đủ tư cách, hoàn thành tốt nhiệm vụ", "", None],
        [
            "058185000123",
            "Nguyễn Thị Hoa",
            2019,
            "Hoàn thành xuất sắc nhiệm vụ",
            "88-QĐ/ĐU",
            dt.date(2019, 12, 20),
        ],
        ["058050000001", "Nguyễn Văn An", 2020, "HTTNV", "", None],  # disciplined in 2020
        ["058050000001", "Nguyễn Văn An", 2021, "giỏi", "", None],  # not a rating
        ["058050000001", "Trần Văn Ân", 2022, "HTTNV", "", None],  # another name
        ["058185000123", "Nguyễn Thị Hoa", 2019, "HTTNV", "", None],  # twice
    ]
    outcome, batch = run(world, xlsx(rows))
    problems = {(p.row, p.column): p.message for p in outcome.errors}
    assert problems == {
        # Hoa alone rated HTXSNV by Phước Hải in 2019, which rated nobody HTTNV: the quota of
        # HD 21 (DOMAIN.md §1.3 b) allows 20 % of 0, none (issue 20: the import obeys it too).
        (3, "Xếp loại"): "1 rated HTXSNV in Đảng bộ xã Phước Hải, more than 20% of the 0 rated "
        "HTTNV (at most 0; Hướng dẫn 21-HD/BTCTW (18/10/2019)).",
        (4, "Xếp loại"): "Disciplined in the year (Reprimand, 02/06/2020): Hướng dẫn 21-HD/BTCTW "
        "(18/10/2019) rates the member KHTNV.",
        (5, "Xếp loại"): "“giỏi” is not a rating: write HTXSNV, HTTNV, HTNV or KHTNV, or the name "
        "of the level.",
        (6, "Họ và tên"): "The record with these identifiers is Nguyễn Văn An.",
        (7, "Năm"): "The same member's rating for the same year is in row 3.",
    }
    assert batch is None and not Rating.objects.exists()
    # The rating was decided so: the officer keeps row 3 with a reason the change log records.
    outcome, batch = run(
        world, xlsx(rows[:3]), override_rows={3}, override_reason="Quyết định 88 đã ban hành"
    )
    assert outcome.committed and outcome.created == 2
    assert [(w.row, w.message[:26]) for w in outcome.warnings] == [
        (3, "Kept against the rules (Qu")
    ]
    hoa = {r.year: r for r in Rating.objects.filter(member=world.members["hoa"])}
    assert (hoa[2016].level, hoa[2016].regulation) == ("HTTNV", "HD20")
    assert (hoa[2019].level, hoa[2019].deciding_org, hoa[2019].decision.number) == (
        "HTXSNV", world.phuoc_hai, "88-QĐ/ĐU",
    )  # fmt: skip
    assert hoa[2019].override_reason == "Quyết định 88 đã ban hành"
    from dangvu.core.models import ChangeLogEntry

    logged = ChangeLogEntry.objects.get(object_id=str(hoa[2019].pk), action="rating.import")
    assert logged.reason == "Quyết định 88 đã ban hành"
    # The export re-imports with no change; then the import is reverted as one.
    out = io.BytesIO()
    exporting.write(
        "ratings",
        exporting.rating_records(exporting.ratings_of(world.an, world.province), world.an),
        out,
        "xlsx",
    )
    again, _b = run(world, out.getvalue(), dry_run=True)
    assert (again.errors, again.created, again.updated, again.unchanged) == ([], 0, 0, 2)
    batch_revert(batch=batch, actor=world.an, reason="Nhập nhầm")
    assert not Rating.objects.exists()


def test_organisations_ratings_import_with_older_labels_and_the_caps_of_their_year(world, client):
    from django.urls import reverse

    from tests.conftest import sign_in

    disciplined("khien_trach", dt.date(2023, 5, 10), org=world.ph2)
    header = ["Mã tổ chức", "Tên tổ chức", "Năm", "Xếp loại"]
    rows = [
        header,
        ["X-PH", "Đảng bộ xã Phước Hải", 2016, "Trong sạch, vững mạnh tiêu biểu"],
        ["PH-1", "Chi bộ Thôn Phước Lập", 2023, "HTTNV"],
        ["PH-2", "Chi bộ Thôn Hữu Đức", 2023, "Hoàn thành tốt nhiệm vụ"],  # reprimanded in 2023
        ["PH-9", "Chi bộ Không Có", 2023, "HTNV"],
        ["TS-1", "Chi bộ Thôn Phước Lập", 2023, "HTNV"],  # the name of another cell
    ]
    with translation.override("en"):
        outcome, _b = file_import(
            kind="org_ratings", content=xlsx(rows), filename="tc.xlsx", actor=world.an, dry_run=True
        )
    problems = {(p.row, p.column): p.message for p in outcome.errors}
    assert set(problems) == {(4, "Xếp loại"), (5, "Mã tổ chức"), (6, "Tên tổ chức")}
    assert "the collective is rated KHTNV" in problems[(4, "Xếp loại")]
    with translation.override("en"):
        outcome, batch = file_import(
            kind="org_ratings",
            content=xlsx(rows[:3]),
            filename="tc.xlsx",
            actor=world.an,
            dry_run=False,
        )
    assert outcome.committed and outcome.created == 2
    xph = Rating.objects.get(org=world.phuoc_hai, year=2016)
    assert (xph.level, xph.unit.code, xph.deciding_org.code) == ("HTXSNV", "HU-A", "HU-A")
    assert Rating.objects.get(org=world.ph1, year=2023).deciding_org == world.phuoc_hai
    # The page's export re-imports with no change.
    sign_in(client, world.an)
    answer = client.get(reverse("exchange:export", args=["org_ratings"]), {"org": "TU-T"})
    assert answer.status_code == 200
    with translation.override("en"):
        again, _b = file_import(
            kind="org_ratings",
            content=answer.content,
            filename="x.xlsx",
            actor=world.an,
            dry_run=True,
        )
    assert (again.errors, again.created, again.unchanged) == ([], 0, 2)
    batch_revert(batch=batch, actor=world.an, reason="Sai năm")
    assert not Rating.objects.exists()
