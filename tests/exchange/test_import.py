"""Importing members, events and organisations: every problem at once, natural keys, a preview,
all or nothing, revert, round trip (issue 6; DESIGN.md principles 5 and 6)."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata

import pytest
from django.utils import translation

from dangvu.core.models import ChangeLogEntry, ChangeSet
from dangvu.exchange import exporting
from dangvu.exchange.models import ImportBatch
from dangvu.exchange.services import batch_revert, file_import
from dangvu.members.models import MembershipEvent, PartyMember, Person
from dangvu.orgs.models import Organisation
from tests.exchange.files import MEMBER_HEADER, csv_bytes, member_row, ods, xlsx

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def run(world, content, *, kind="members", dry_run=False, name="dang-vien.xlsx", user=None):
    """The import, its messages in English for the assertions (the Vietnamese ones: test_cli)."""
    with translation.override("en"):
        return file_import(
            kind=kind, content=content, filename=name, actor=user or world.an, dry_run=dry_run
        )


def problems(outcome):
    return {(p.row, p.column): p.message for p in outcome.errors}


def test_a_clean_file_creates_the_members_as_one_change_set(world):
    content = xlsx(
        [
            MEMBER_HEADER,
            member_row("Trần Văn Bảy", "058090000101"),
            member_row(
                "Lê Thị Tám", "058192000102", sex="Nữ", birth=dt.date(1992, 1, 1), cell="PH-2"
            ),
        ]
    )
    outcome, batch = run(world, content)
    assert outcome.errors == [] and outcome.created == 2 and outcome.committed
    bay = PartyMember.objects.get(person__citizen_id="058090000101")
    assert (bay.status, bay.org, bay.official_date) == ("official", world.ph1, dt.date(2016, 3, 20))
    assert bay.events.get(kind="admission").decision.number == "15-QĐ/HU"
    assert batch is not None and batch.checksum == outcome.checksum
    logged = ChangeLogEntry.objects.filter(changeset=batch.changeset)
    assert sorted(logged.values_list("action", flat=True)) == ["member.create", "member.create"]
    assert (
        "dang-vien.xlsx" in batch.changeset.reason
        and outcome.checksum[:16] in batch.changeset.reason
    )


def test_every_problem_is_listed_at_once_with_row_column_and_value_and_nothing_is_written(world):
    persons = Person.objects.count()
    content = xlsx(
        [
            MEMBER_HEADER,
            member_row("Trần Văn Một", "058090000201", birth="31/02/1990"),  # row 2: no such day
            member_row("Trần Văn Hai", "058090000202", birth="05/04/90"),  # row 3: two-digit year
            member_row("Trần Văn Ba", "058090000203", cell="KHONG-CO"),  # row 4: unknown cell
            member_row("Trần Văn Bốn", "058190000204"),  # row 5: the 4th digit says a woman
            member_row("Trần Văn Năm", "058090000201"),  # row 6: same citizen ID as row 2
            member_row("Trần Văn Sáu", "058090000206", ceremony=dt.date(2015, 2, 1)),  # 7: before
            member_row("Trần Văn Bảy", "058090000207"),  # row 8: fine
        ]
    )
    outcome, batch = run(world, content)
    found = problems(outcome)
    assert "no day 31 of month 2" in found[(2, "Ngày sinh")] or "31" in found[(2, "Ngày sinh")]
    assert "two-digit year" in found[(3, "Ngày sinh")]
    assert "KHONG-CO" in found[(4, "Mã chi bộ")]
    assert "sex" in found[(5, "Số CCCD")]
    assert "row 2" in found[(6, "Số CCCD")]
    assert "cannot come first" in found[(7, "Ngày lễ kết nạp")]
    assert not any(p.row == 8 for p in outcome.errors)
    value = next(p.value for p in outcome.errors if p.row == 4)
    assert value == "KHONG-CO"
    assert batch is None and not outcome.committed and outcome.created == 0
    assert Person.objects.count() == persons


def test_natural_keys_decide_create_or_update_and_the_preview_shows_old_and_new(world):
    hoa = world.members["hoa"]
    header = ["Số CCCD", "Số thẻ đảng", "Họ và tên", "Quê quán", "Điện thoại"]
    content = xlsx(
        [
            header,
            ["058185000123", None, "Nguyễn Thị Hoa", "Phan Rang", "0912345678"],  # hoa: two changes
            ["058050000001", None, "Nguyễn Văn An", None, None],  # an: blank cells keep the record
        ]
    )
    outcome, _batch = run(world, content, dry_run=True)
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 1, 1), outcome.errors
    change = next(r for r in outcome.rows if r["action"] == "update")
    assert change["row"] == 2 and change["label"] == "Nguyễn Thị Hoa"
    assert change["changes"] == {"Quê quán": ["", "Phan Rang"], "Điện thoại": ["", "0912345678"]}
    hoa.person.refresh_from_db()
    assert hoa.person.hometown == ""  # a dry run writes nothing
    outcome, batch = run(world, content)
    hoa.person.refresh_from_db()
    assert (hoa.person.hometown, hoa.person.phone) == ("Phan Rang", "0912345678")
    entry = ChangeLogEntry.objects.get(changeset=batch.changeset)
    assert entry.before["hometown"] == "" and entry.after["hometown"] == "Phan Rang"


def test_keys_naming_two_records_are_refused(world):
    world.members["an"].card_number = "12345678"
    world.members["an"].save()
    content = xlsx([["Số CCCD", "Số thẻ đảng", "Quê quán"], ["058185000123", "12345678", "X"]])
    outcome, _b = run(world, content)
    assert "two different records" in problems(outcome)[(2, "Số thẻ đảng")]


def test_the_cell_and_key_dates_are_not_changed_through_the_members_file(world):
    content = xlsx([["Số CCCD", "Mã chi bộ"], ["058185000123", "PH-2"]])
    outcome, _b = run(world, content)
    assert "through events" in problems(outcome)[(2, "Mã chi bộ")]


def test_a_secretary_cannot_touch_records_outside_the_cell_nor_write_sensitive_columns(world):
    content = xlsx([["Số thẻ đảng", "Quê quán"], ["87654321", "X"]])
    world.members["son"].card_number = "87654321"
    world.members["son"].save()
    outcome, _b = run(world, content, user=world.binh)
    assert "outside your area" in problems(outcome)[(2, "Số thẻ đảng")]  # and no name
    content = xlsx([MEMBER_HEADER, member_row("Trần Văn Bảy", "058090000101")])
    outcome, _b = run(world, content, user=world.binh)
    assert "sensitive" in problems(outcome)[(2, "Số CCCD")]


def test_same_name_birth_date_and_home_town_is_flagged_for_review(world):
    world.members["hoa"].person.hometown = "Ninh Thuận"
    world.members["hoa"].person.save()
    row = member_row(
        "Nguyễn Thị Hoa",
        "058185000999",
        sex="Nữ",
        birth=dt.date(1985, 2, 1),
        ethnicity="Chăm",
        decided=dt.date(2010, 3, 2),
        ceremony=dt.date(2010, 3, 20),
        official=dt.date(2011, 3, 20),
    )
    outcome, _b = run(world, xlsx([MEMBER_HEADER, row]), dry_run=True)
    assert outcome.errors == [] and outcome.created == 1
    assert "same name, date of birth and home town" in outcome.warnings[0].message
    row[0] = None  # with no identifier, the row is taken for that record, and says so
    outcome, _b = run(world, xlsx([MEMBER_HEADER, row]), dry_run=True)
    assert (outcome.created, outcome.unchanged, outcome.errors) == (0, 1, [])
    assert "taken for the record" in outcome.warnings[0].message


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_exported_file_reimports_with_no_change(world, fmt):
    members, _periods = exporting.members_of(world.an, world.province, None)
    out = io.BytesIO()
    count = exporting.write("members", exporting.member_records(members, world.an), out, fmt)
    assert count == 4
    outcome, batch = run(world, out.getvalue(), name=f"xuat.{fmt}")
    assert outcome.errors == []
    # Thành has no citizen ID, card or dossier number: found by name, birth date and home town.
    # (A province's export is its roll, cell by cell: row 2 is the first member.)
    thanh = 2 + [m.pk for m in members].index(world.members["thanh"].pk)
    assert [(p.row, p.column) for p in outcome.warnings] == [(thanh, "Họ và tên")]
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 0, 4)
    # Nothing changes, so nothing is written: no batch, no change set (issue 21, point 7).
    before = ChangeSet.objects.count()
    assert outcome.committed and batch is None
    outcome, batch = run(world, out.getvalue(), name=f"xuat.{fmt}")
    assert batch is None and ChangeSet.objects.count() == before

    events = exporting.events_of(world.an, world.province)
    out = io.BytesIO()
    exporting.write("events", exporting.event_records(events, world.an), out, fmt)
    outcome, _batch = run(world, out.getvalue(), kind="events", name=f"su-kien.{fmt}")
    assert outcome.errors == [] and (outcome.created, outcome.unchanged) == (0, len(events))

    out = io.BytesIO()
    exporting.write(
        "orgs", exporting.org_records(exporting.orgs_of(world.an, world.province)), out, fmt
    )
    outcome, _batch = run(world, out.getvalue(), kind="orgs", name=f"to-chuc.{fmt}")
    assert outcome.errors == [] and (outcome.created, outcome.updated) == (0, 0)
    assert outcome.unchanged == Organisation.objects.count()


def test_a_viewers_masked_export_reimports_without_touching_the_sensitive_fields(world):
    hoa = world.members["hoa"]
    hoa.card_number = "11112222"
    hoa.save()
    members, _p = exporting.members_of(world.binh, world.ph1, None)
    out = io.BytesIO()
    exporting.write("members", exporting.member_records(members, world.binh), out, "xlsx")
    outcome, _b = run(world, out.getvalue(), user=world.binh)
    assert outcome.errors == [] and (outcome.updated, outcome.unchanged) == (0, 2)
    hoa.person.refresh_from_db()
    assert hoa.person.citizen_id == "058185000123" and hoa.person.religion == "khac"


def test_events_are_recorded_by_the_lifecycle_rules_and_a_wrong_sequence_names_its_row(world):
    header = [
        "Số CCCD",
        "Họ và tên",
        "Sự kiện",
        "Ngày hiệu lực",
        "Lý do",
        "Số quyết định",
        "Cơ quan ra quyết định",
    ]
    rows = [
        header,
        [
            "058050000001",
            "Nguyễn Văn An",
            "Miễn công tác và sinh hoạt đảng",
            dt.date(2024, 9, 1),
            "Tuổi cao",
            "5-QĐ/ĐU",
            "Đảng ủy xã",
        ],
        [
            "056079000777",
            "Lê Minh Sơn",
            "Công nhận đảng viên chính thức",
            dt.date(2024, 9, 1),
            None,
            "6-QĐ/ĐU",
            "Đảng ủy",
        ],
        ["058185000123", "Nguyễn Văn Khác", "Từ trần", dt.date(2024, 9, 1), None, None, None],
    ]
    outcome, batch = run(world, xlsx(rows), kind="events")
    found = problems(outcome)
    assert "Only a probationary member" in found[(3, "")] or any(
        "probationary" in m for (r, _c), m in found.items() if r == 3
    )
    assert "Nguyễn Thị Hoa" in found[(4, "Họ và tên")]
    assert batch is None
    assert not MembershipEvent.objects.filter(kind="exemption").exists()
    outcome, batch = run(world, xlsx(rows[:2]), kind="events")
    assert outcome.created == 1 and outcome.committed, outcome.errors
    an = world.members["an"]
    an.refresh_from_db()
    assert "exempted" in an.flags


def test_organisations_are_created_parents_first_and_renamed_on_a_date(world):
    header = [
        "Mã",
        "Tên",
        "Loại",
        "Mã cấp trên",
        "Ngày thành lập",
        "Số quyết định",
        "Cơ quan ra quyết định",
        "Ngày đổi tên",
    ]
    rows = [
        header,
        [
            "PH-3-1",
            "Chi bộ Thôn Mới 1",
            "Chi bộ trực thuộc",
            "X-PH",
            dt.date(2024, 1, 2),
            "9-QĐ",
            "Huyện ủy",
            None,
        ],
        [
            "PH-1",
            "Chi bộ Thôn Phước Lập Mới",
            None,
            None,
            None,
            "10-QĐ",
            "Đảng ủy xã",
            dt.date(2024, 2, 1),
        ],
        ["PH-2", "Chi bộ đổi tên", None, None, None, None, None, None],
        [
            "ZZ-9",
            "Chi bộ lạc",
            "Chi bộ trực thuộc",
            "KHONG",
            dt.date(2024, 1, 2),
            "9",
            "X",
            None,
        ],
    ]
    outcome, _b = run(world, xlsx(rows), kind="orgs", dry_run=True)
    found = problems(outcome)
    assert "give the date" in found[(4, "Ngày đổi tên")]
    assert "KHONG" in found[(5, "Mã cấp trên")]
    assert not Organisation.objects.filter(code="PH-3-1").exists()
    outcome, batch = run(world, xlsx(rows[:3]), kind="orgs")
    assert (outcome.created, outcome.updated) == (1, 1) and outcome.committed, outcome.errors
    world.ph1.refresh_from_db()
    assert world.ph1.name == "Chi bộ Thôn Phước Lập Mới"
    batch_revert(batch=batch, actor=world.an, reason="nhầm tệp")
    world.ph1.refresh_from_db()
    assert (
        world.ph1.name == "Chi bộ Thôn Phước Lập"
        and not Organisation.objects.filter(code="PH-3-1").exists()
    )


def test_a_committed_import_is_reverted_as_one_unless_something_later_depends_on_it(world):
    content = xlsx(
        [
            MEMBER_HEADER,
            member_row("Trần Văn Bảy", "058090000101"),
            [
                "058185000123",
                "Nguyễn Thị Hoa",
                "Nữ",
                dt.date(1985, 2, 1),
                None,
                "Phan Rang",
                None,
                None,
                None,
                None,
                None,
                None,
                None,
            ],
        ]
    )
    outcome, batch = run(world, content)
    assert (outcome.created, outcome.updated) == (1, 1), outcome.errors
    batch_revert(batch=batch, actor=world.an, reason="nhầm tệp")
    assert not Person.objects.filter(citizen_id="058090000101").exists()
    world.members["hoa"].person.refresh_from_db()
    assert world.members["hoa"].person.hometown == ""
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.REVERTED and batch.reverted_by is not None
    assert (
        ChangeLogEntry.objects.filter(changeset=batch.reverted_by, action="member.delete").count()
        == 1
    )

    outcome, batch = run(world, content, name="lan-2.xlsx")
    from dangvu.members.services import PersonInput, member_update

    bay = PartyMember.objects.get(person__citizen_id="058090000101")
    member_update(
        member=bay,
        person=PersonInput.from_mapping(
            {
                **{
                    f: getattr(bay.person, f)
                    for f in ("full_name", "sex", "birth_date", "citizen_id", "ethnicity")
                },
                "phone": "0900000000",
            }
        ),
        actor=world.an,
        reason="sửa",
    )
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="thay đổi sau đó"):
        batch_revert(batch=batch, actor=world.an, reason="nhầm")
    assert Person.objects.filter(citizen_id="058090000101").exists()


def test_decomposed_text_stray_spaces_and_a_citizen_id_that_lost_its_zero_are_cleaned(world):
    nfd = unicodedata.normalize("NFD", "  Trần   Văn Bảy ")
    row = member_row(nfd, 58090000101)  # a number cell: the leading zero is gone
    outcome, _b = run(world, xlsx([MEMBER_HEADER, row]))
    assert outcome.errors == [] and outcome.created == 1
    person = Person.objects.get(citizen_id="058090000101")
    assert person.full_name == "Trần Văn Bảy" and unicodedata.is_normalized("NFC", person.full_name)
    assert "leading zero" in outcome.warnings[0].message and outcome.warnings[0].column == "Số CCCD"


def test_one_bad_row_among_ten_thousand_writes_nothing_and_names_that_row(world):
    rows = [MEMBER_HEADER]
    for i in range(10_000):
        rows.append(member_row(f"Trần Văn Số {'ABCDEFGHIK'[i % 10]}", f"0580900{i:05d}"))
    rows[7_344][3] = "30/02/1990"  # spreadsheet row 7,345 (the header is row 1)
    persons = Person.objects.count()
    outcome, batch = run(world, xlsx(rows))
    assert [(p.row, p.column) for p in outcome.errors] == [(7_345, "Ngày sinh")]
    assert batch is None and Person.objects.count() == persons


def test_a_csv_with_semicolons_and_excel_serial_dates_is_read(world):
    row = member_row("Trần Văn Bảy", "058090000101", birth="32968")  # 05/04/1990 as a serial
    outcome, _b = run(
        world, csv_bytes([MEMBER_HEADER, row], delimiter=";"), name="a.csv", dry_run=True
    )
    assert outcome.errors == [] and outcome.created == 1


def test_an_ods_file_from_libreoffice_is_read_like_xlsx(world):
    rows = [
        MEMBER_HEADER,
        member_row("Trần Văn Bảy", "058090000101"),
        member_row("Lê Thị Tám", "058192000102", sex="Nữ", birth=dt.date(1992, 1, 31)),
        member_row("Phan Văn Chín", "058090000103", birth="31/02/1990"),
    ]
    outcome, _b = run(world, ods(rows), name="dang-vien.ods", dry_run=True)
    assert problems(outcome) == {
        (4, "Ngày sinh"): "“31/02/1990” is not a date: dates are read day/month/year, and there "
        "is no day 31 of month 2 in 1990."
    }
    outcome, batch = run(world, ods(rows[:3]), name="dang-vien.ods")
    assert outcome.committed and outcome.created == 2 and batch is not None
    tam = PartyMember.objects.get(person__citizen_id="058192000102")
    assert (tam.person.birth_date, tam.person.sex, tam.org) == (
        dt.date(1992, 1, 31),
        "F",
        world.ph1,
    )


def test_headers_in_english_and_a_mapping_for_other_names(world):
    content = xlsx([["Citizen ID", "Điện thoại liên hệ"], ["058185000123", "0911222333"]])
    outcome, _b = run(world, content, dry_run=True)
    assert outcome.ignored == ["Điện thoại liên hệ"] and outcome.unchanged == 1
    from dangvu.exchange.importing import importer_for

    outcome = importer_for(
        "members", content, "a.xlsx", world.an, mapping={"Điện thoại liên hệ": "phone"}
    ).check()
    assert outcome.updated == 1 and outcome.rows[0]["changes"] == {
        "Điện thoại liên hệ": ["", "0911222333"]
    }


def test_a_big_import_leaves_no_reference_cycles_behind(world):
    """core.memory.fewer_collections relies on it: the rows of an import are freed by reference
    counting, not left for the cyclic collector (the person ↔ membership caches were a cycle)."""
    import gc

    rows = [MEMBER_HEADER] + [
        member_row(f"Trần Văn Bảy {chr(65 + n % 26)}", f"0580900{n:05d}") for n in range(300)
    ]
    content = xlsx(rows)
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        outcome, _b = run(world, content)
        gc.collect()
        left = [type(o).__name__ for o in gc.garbage if type(o).__module__.startswith("dangvu")]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert outcome.committed and outcome.created == 300
    assert left == []


def test_a_change_in_a_file_takes_effect_on_its_date_and_the_preview_says_so(world):
    """Issue 19, point 4: the import's dated changes go through the record's one rule."""
    from dangvu.members.models import AttributeChange

    hoa, an = world.members["hoa"], world.members["an"]
    header = ["Số CCCD", "Họ và tên", "Nghề nghiệp", "Lý luận chính trị"]
    saved = dt.datetime(2026, 3, 1, 9, 30)
    content = xlsx(
        [header, ["058185000123", "Nguyễn Thị Hoa", "Đã nghỉ hưu, nghỉ công tác", None]],
        saved=saved,
    )
    outcome, batch = run(world, content, dry_run=True)
    assert outcome.effective == dt.date(2026, 3, 1) and outcome.updated == 1, outcome.errors
    change = next(r for r in outcome.rows if r["action"] == "update")
    assert change["changes"]["Ngày có hiệu lực"] == ["", "01/03/2026"]
    assert not AttributeChange.objects.exists()  # a dry run writes nothing
    outcome, batch = run(world, content)
    written = AttributeChange.objects.get(person=hoa.person)
    assert (written.field, written.after, written.effective) == (
        "occupation",
        "retired",
        dt.date(2026, 3, 1),
    )
    # A row's own date wins; one dated before the record's last change is refused, naming its
    # row and column, and nothing of the file is written.
    later = xlsx(
        [
            [*header, "Ngày có hiệu lực"],
            ["058050000001", "Nguyễn Văn An", None, "Trung cấp", dt.date(2025, 6, 1)],
            ["058185000123", "Nguyễn Thị Hoa", "Sinh viên", None, dt.date(2026, 1, 1)],
        ]
    )
    refused, _b = run(world, later)
    assert list(problems(refused)) == [(3, "Ngày có hiệu lực")]
    assert "01/03/2026" in problems(refused)[(3, "Ngày có hiệu lực")]
    assert AttributeChange.objects.count() == 1
    # Without the bad row, An's change takes the row's date.
    run(world, xlsx([[*header, "Ngày có hiệu lực"], later_row(an)]))
    assert AttributeChange.objects.get(person=an.person).effective == dt.date(2025, 6, 1)
    # Reverting the first import takes its history with it.
    batch_revert(batch=batch, actor=world.an, reason="nhầm tệp")
    hoa.person.refresh_from_db()
    assert not AttributeChange.objects.filter(person=hoa.person).exists()
    assert hoa.person.occupation != "retired"


def later_row(member):
    return [
        member.person.citizen_id,
        member.person.full_name,
        None,
        "Trung cấp",
        dt.date(2025, 6, 1),
    ]


def test_a_file_is_checked_and_written_a_chunk_at_a_time_with_the_answers_of_one(
    world, monkeypatch
):
    """Issue 28, point 5: the members' file is read once, its keys checked as a whole, then its
    rows checked and written a chunk at a time. With chunks of 2 rows the answers are those of
    the file taken whole: repeats across chunks found, a decision shared across chunks written
    once, and an error found only in the last chunk undoing what the first chunks wrote."""
    from dangvu.core.models import Decision
    from dangvu.exchange.importing import base
    from dangvu.members import services as member_services

    monkeypatch.setattr(base, "CHUNK", 2)
    written: list[int] = []
    write = member_services.write_bulk_admit

    def spy(items, changeset):
        written.append(len(items))
        return write(items, changeset)

    monkeypatch.setattr(member_services, "write_bulk_admit", spy)
    numbered = Decision.objects.filter(number="15-QĐ/HU").count()
    unnumbered = [
        member_row(f"Lê Văn {name}", f"05809000030{n}")
        for n, name in enumerate(("Một", "Hai", "Ba"), start=5)
    ]
    for row in unnumbered:
        row[8] = None  # no decision number: rows share the decision by its date and issuer
    rows = [
        MEMBER_HEADER,
        member_row("Trần Văn Bảy", "058090000101"),  # row 2, chunk 1
        member_row("Trần Văn Tám", "058090000102"),  # row 3, chunk 1
        member_row("Trần Văn Chín", "058090000103"),  # row 4, chunk 2
        *unnumbered,  # rows 5, 6 (chunk 2, 3) and 7 (chunk 3)
        member_row("Trần Văn Mười", "058090000108"),  # row 8, chunk 4
    ]
    persons, decisions = Person.objects.count(), Decision.objects.count()
    outcome, batch = run(world, xlsx(rows))
    assert outcome.errors == [] and outcome.created == 7 and batch is not None
    assert written == [2, 2, 2, 1]  # four chunks, each written after its check
    assert Person.objects.count() == persons + 7
    # One decision of each: "15-QĐ/HU" of 2/3/2015 named in chunks 1, 2 and 4, the one with no
    # number named in chunks 2 and 3.
    assert Decision.objects.filter(number="15-QĐ/HU").count() == max(numbered, 1)
    assert Decision.objects.count() == decisions + (numbered == 0) + 1
    admissions = MembershipEvent.objects.filter(
        kind="admission", member__person__full_name__startswith="Lê Văn"
    )
    assert admissions.count() == 3 and admissions.values("decision").distinct().count() == 1

    # The only error in the last chunk (a ceremony before the decision, found when that chunk
    # is checked): the three chunks before it were written, and are undone with it.
    written.clear()
    rows = [MEMBER_HEADER] + [
        member_row(f"Phạm Văn {name}", f"05809000020{n}")
        for n, name in enumerate(("Một", "Hai", "Ba", "Bốn", "Năm", "Sáu"), start=1)
    ]
    rows.append(member_row("Phạm Văn Chín", "058090000209", ceremony=dt.date(2015, 2, 1)))
    persons, decisions = Person.objects.count(), Decision.objects.count()
    outcome, batch = run(world, xlsx(rows))
    found = problems(outcome)
    assert list(found) == [(8, "Ngày lễ kết nạp")] and batch is None and not outcome.committed
    assert written == [2, 2, 2]
    assert (Person.objects.count(), Decision.objects.count()) == (persons, decisions)
    dry, _b = run(world, xlsx(rows), dry_run=True)
    assert problems(dry) == found and (dry.created, dry.updated) == (7, 0) == (
        outcome.created + 7,
        outcome.updated,
    )

    # A citizen ID of chunk 1 again in chunk 3; one member named by two identifiers in two rows.
    an = world.members["an"]
    an.card_number = "12345678"
    an.save()
    rows = [
        MEMBER_HEADER,
        member_row("Phạm Văn Một", "058090000201"),  # row 2
        member_row("Phạm Văn Hai", "058090000202"),  # row 3
        member_row("Phạm Văn Ba", "058090000203"),  # row 4
        member_row("Phạm Văn Bốn", "058090000204"),  # row 5
        member_row("Phạm Văn Năm", "058090000201"),  # row 6: row 2's citizen ID
        ["058050000001", "Nguyễn Văn An", *[None] * 11],  # row 7: An by citizen ID
        [None, "Nguyễn Văn An", *[None] * 10, "12345678"],  # row 8: An by card
    ]
    outcome, batch = run(world, xlsx(rows))
    found = problems(outcome)
    assert "row 2" in found[(6, "Số CCCD")]
    assert found[(8, "Số thẻ đảng")] == (
        "This row names the same member as row 7: put the member's changes in one row."
    )
    assert len(found) == 2 and batch is None


def test_a_batch_checked_in_parts_finds_a_number_repeated_across_them(world):
    """check_bulk_admit in two parts sharing `seen`: a number of part 1 repeated in part 2 is
    found and named by its position in the whole batch; part 2 looks up only its own numbers."""
    from dangvu.core.models import Decision
    from dangvu.members import services as member_services

    decision = Decision(number="9-QĐ/HU", date=dt.date(2015, 3, 2), issuer="Huyện ủy")

    def admit(name, citizen, born=dt.date(1990, 4, 5)):
        return member_services.AdmitRow(
            person=member_services.PersonInput(
                full_name=name, sex="M", birth_date=born, citizen_id=citizen
            ),
            org=world.ph1,
            decision=decision,
            ceremony_date=dt.date(2015, 3, 20),
        )

    seen: dict = {}
    an = admit("Đỗ Văn Hai", "058050000001", born=dt.date(1950, 7, 1))  # An's, on file
    one = [admit("Đỗ Văn Một", "058090000301"), an]
    with translation.override("en"):
        problems_one, _p = member_services.check_bulk_admit(one, world.an, seen=seen)
        assert problems_one["2:citizen_id"] == ["058050000001 is already recorded."]
        two = [admit("Đỗ Văn Ba", "058090000303"), admit("Đỗ Văn Bốn", "058090000301")]
        problems_two, _p = member_services.check_bulk_admit(two, world.an, seen=seen, start=2)
    assert problems_two == {
        "4:citizen_id": ["058090000301 appears twice in the batch (rows 1 and 4)."]
    }, problems_two


def test_a_cell_code_outside_the_area_reads_as_one_that_names_nothing(world):
    """A name is data, and so is a code's existence: a secretary's file naming TS-1 (another
    commune's cell) gets the very message a code naming nothing gets, so no file can probe which
    codes exist outside the user's area."""
    content = xlsx(
        [
            MEMBER_HEADER,
            member_row("Trần Văn Bảy", "058090000101", cell="TS-1"),
            member_row("Trần Văn Tám", "058090000108", cell="KHONG-CO"),
        ]
    )
    outcome, batch = run(world, content, user=world.binh)
    found = problems(outcome)
    assert found[(2, "Mã chi bộ")] == "No organisation in your area has the code TS-1."
    assert found[(3, "Mã chi bộ")] == "No organisation in your area has the code KHONG-CO."
    assert batch is None
    # The province's officer sees TS-1: the same row is refused for nothing about its cell.
    outcome, _b = run(world, content, user=world.an, dry_run=True)
    assert (2, "Mã chi bộ") not in problems(outcome)


def test_a_member_outside_the_area_named_by_two_rows_is_logged_for_both(world):
    """The second row naming one member is refused like the first when the member lies outside
    the user's area: no name, and both rows in the access log."""
    from dangvu.accounts.models import AccessRecord

    son = world.members["son"]
    son.card_number = "87654321"
    son.save()
    content = xlsx(
        [["Số CCCD", "Số thẻ đảng", "Quê quán"], [son.person.citizen_id, None, "X"],
         [None, "87654321", "Y"]]
    )  # fmt: skip
    outcome, _b = run(world, content, user=world.binh)
    found = problems(outcome)
    assert "outside your area" in found[(2, "Số CCCD")]
    assert "outside your area" in found[(3, "Số thẻ đảng")]
    logged = AccessRecord.objects.filter(action=AccessRecord.Action.OUT_OF_SCOPE).latest("pk")
    assert logged.summary.endswith("rows 2, 3")


def test_the_file_is_kept_byte_for_byte_whether_uploaded_or_imported_at_once(world, monkeypatch):
    """Issue 28, point 5: on SQLite the file goes into its batch a part at a time (no copy of the
    whole file bound as a parameter). Parts of 1,000 bytes here: a file of several parts and one
    of none read back as sent, by the page's upload and by the command line's import."""
    from dangvu.exchange import services

    monkeypatch.setattr(services, "BLOB_PART", 1000)
    content = xlsx([MEMBER_HEADER, member_row("Trần Văn Bảy", "058090000101")])
    assert len(content) > 3 * 1000
    uploaded = services.upload(user=world.an, kind="members", filename="a.xlsx", content=content)
    assert bytes(ImportBatch.objects.get(pk=uploaded.pk).content) == content
    empty = services.upload(user=world.an, kind="members", filename="b.xlsx", content=b"")
    assert bytes(ImportBatch.objects.get(pk=empty.pk).content) == b""
    outcome, batch = run(world, content)
    assert outcome.committed and batch is not None
    stored = ImportBatch.objects.get(pk=batch.pk)
    assert stored.size == len(bytes(stored.content)) and services.checksum(
        bytes(stored.content)
    ) == (outcome.checksum)
