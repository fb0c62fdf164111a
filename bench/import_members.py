"""Import of a 150,000-member XLSX (issue 6, point 8), side by side in one run:

- dangvu: dry run (every check, nothing written) and commit (all validation on, one change set);
- django-import-export (ModelResources on the same Person and PartyMember tables, bulk mode,
  persons then memberships) importing the same file;
- the floor: python-calamine reading the file, then the rows dangvu's import wrote (persons,
  memberships, events, periods, flags, decisions, the change log) inserted raw into the same
  tables of a fresh database (`raw_floor`; on PostgreSQL, by COPY: `copy_floor`).

Each contender starts from the same empty database with the same organisations. Prints a table and
writes bench/results/import-<vendor>.json. `BENCH_ROWS` changes the size (default 150,000);
`BENCH_IIE_ROWS` caps the rows given to django-import-export (default: all).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvu.settings")
os.environ.setdefault("DANGVU_HTTPS", "0")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from procinfo import peak_mb  # noqa: E402

from dangvu.core.dates import add_months  # noqa: E402
from dangvu.core.text import name_sort_key, search_key, split_full_name  # noqa: E402
from dangvu.exchange.services import file_import  # noqa: E402
from dangvu.members.models import PartyMember, Person  # noqa: E402
from dangvu.orgs.models import Organisation  # noqa: E402
from dangvu.tree.services import org_create  # noqa: E402

ROWS = int(os.environ.get("BENCH_ROWS", "150000"))
IIE_ROWS = int(os.environ.get("BENCH_IIE_ROWS", str(ROWS)))
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ"]
MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Ngọc", "Thanh", "Đức", "Xuân", "Hoàng", "Quốc"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hoa", "Lan", "Minh", "Nam", "Phương", "Sơn", "Tâm", "Vy"]
HEADERS = [
    "Số CCCD",
    "Số thẻ đảng",
    "Số hồ sơ",
    "Họ và tên",
    "Giới tính",
    "Ngày sinh",
    "Dân tộc",
    "Tôn giáo",
    "Quê quán",
    "Nơi ở hiện nay",
    "Điện thoại",
    "Giáo dục phổ thông",
    "Nghề nghiệp",
    "Mã chi bộ",
    "Ngày quyết định kết nạp",
    "Số quyết định kết nạp",
    "Cơ quan quyết định kết nạp",
    "Ngày lễ kết nạp",
    "Ngày chính thức",
    "Lý luận chính trị",
]
CELLS = 300


def build_file(path: Path) -> None:
    import xlsxwriter

    rng = random.Random(6)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet()
    date = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 0, HEADERS)
    for i in range(1, ROWS + 1):
        female = rng.random() < 0.4
        birth = dt.date(1950 + rng.randrange(50), 1 + rng.randrange(12), 1 + rng.randrange(28))
        decided = dt.date(
            min(max(birth.year + 19, 1980) + rng.randrange(20), 2024),
            1 + rng.randrange(12),
            1 + rng.randrange(20),
        )
        ceremony = decided + dt.timedelta(days=10)
        digit = ("1" if female else "0") if birth.year < 2000 else ("3" if female else "2")
        citizen = f"058{digit}{birth.year % 100:02d}{i:06d}"
        name = f"{rng.choice(FAMILY)} {'Thị' if female else rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        values = [
            citizen,
            f"{58000000 + i}",
            f"{i:06d}NT",
            name,
            "Nữ" if female else "Nam",
            birth,
            "Kinh",
            "Không",
            f"Xã {rng.randrange(100)}, Ninh Thuận",
            f"Thôn {rng.randrange(50)}",
            f"09{rng.randrange(10**8):08d}",
            "Trung học phổ thông",
            "Nông, lâm, ngư nghiệp",
            f"CB-{i % CELLS:03d}",
            decided,
            f"{i}-QĐ/HU",
            "Ban Thường vụ Huyện ủy",
            ceremony,
            add_months(ceremony, 12),
            "Sơ cấp",
        ]
        for c, v in enumerate(values):
            if isinstance(v, dt.date):
                sheet.write_datetime(i, c, dt.datetime(v.year, v.month, v.day), date)
            else:
                sheet.write_string(i, c, v)
    book.close()


def fresh_database() -> None:
    call_command("flush", "--noinput", verbosity=0)
    with transaction.atomic():
        root = org_create(
            code="TU-BENCH",
            name="Đảng bộ tỉnh Đo Đạc",
            kind="provincial",
            parent=None,
            established_on=dt.date(1975, 1, 1),
            decision=_decision(),
            actor=None,
        )
        for n in range(CELLS):
            org_create(
                code=f"CB-{n:03d}",
                name=f"Chi bộ {n}",
                kind="grassroots_cell",
                parent=root,
                established_on=dt.date(1975, 1, 1),
                decision=_decision(),
                actor=None,
            )


def _decision():  # type: ignore[no-untyped-def]
    from dangvu.core.changes import get_or_create_decision

    return get_or_create_decision(number="1-QĐ/TU", date=dt.date(1975, 1, 1), issuer="Tỉnh ủy")


def timed(label: str, work) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - start
    print(f"  {label}: {seconds:.1f} s", flush=True)
    return seconds, result


def dangvu_runs(content: bytes) -> dict[str, float]:
    fresh_database()
    dry, (outcome, _b) = timed(
        "dangvu dry run",
        lambda: file_import(
            kind="members", content=content, filename="bench.xlsx", actor=None, dry_run=True
        ),
    )
    assert outcome.ok and outcome.created == ROWS, outcome.errors[:3]  # type: ignore[attr-defined]
    commit, (outcome, _b) = timed(
        "dangvu commit",
        lambda: file_import(
            kind="members", content=content, filename="bench.xlsx", actor=None, dry_run=False
        ),
    )
    assert outcome.committed and PartyMember.objects.count() == ROWS  # type: ignore[attr-defined]
    return {"dry_run_s": dry, "commit_s": commit}


def import_export_run(content: bytes) -> dict[str, float]:
    """django-import-export on the same file into the same tables (Person, then PartyMember)."""
    import tablib
    from import_export import fields, resources, widgets

    fresh_database()
    date_widget = widgets.DateWidget(format="%d/%m/%Y")

    class PersonResource(resources.ModelResource):
        citizen_id = fields.Field(attribute="citizen_id", column_name="Số CCCD")
        full_name = fields.Field(attribute="full_name", column_name="Họ và tên")
        birth_date = fields.Field(
            attribute="birth_date", column_name="Ngày sinh", widget=date_widget
        )
        hometown = fields.Field(attribute="hometown", column_name="Quê quán")
        residence = fields.Field(attribute="residence", column_name="Nơi ở hiện nay")
        phone = fields.Field(attribute="phone", column_name="Điện thoại")

        class Meta:
            model = Person
            import_id_fields = ("citizen_id",)
            fields = ("citizen_id", "full_name", "birth_date", "hometown", "residence", "phone")
            use_bulk = True
            batch_size = 1000
            skip_diff = True

        def before_save_instance(self, instance, row, **kwargs):  # type: ignore[no-untyped-def]
            family, middle, given = split_full_name(instance.full_name)
            instance.family_name, instance.middle_name, instance.given_name = family, middle, given
            instance.search_name = search_key(instance.full_name)
            instance.sort_key = name_sort_key(family, middle, given)
            instance.sex = "F" if row["Giới tính"] == "Nữ" else "M"

    class MemberResource(resources.ModelResource):
        """The party membership of each row, its person found by citizen ID (a query per row:
        django-import-export's ForeignKeyWidget) and its cell by code."""

        person = fields.Field(
            attribute="person",
            column_name="Số CCCD",
            widget=widgets.ForeignKeyWidget(Person, field="citizen_id"),
        )
        card_number = fields.Field(attribute="card_number", column_name="Số thẻ đảng")
        dossier_number = fields.Field(attribute="dossier_number", column_name="Số hồ sơ")
        org = fields.Field(
            attribute="org",
            column_name="Mã chi bộ",
            widget=widgets.ForeignKeyWidget(Organisation, field="code"),
        )
        admission_decision_date = fields.Field(
            attribute="admission_decision_date",
            column_name="Ngày quyết định kết nạp",
            widget=date_widget,
        )
        ceremony_date = fields.Field(
            attribute="ceremony_date", column_name="Ngày lễ kết nạp", widget=date_widget
        )
        official_date = fields.Field(
            attribute="official_date", column_name="Ngày chính thức", widget=date_widget
        )

        class Meta:
            model = PartyMember
            import_id_fields = ("card_number",)
            fields = (
                "person",
                "card_number",
                "dossier_number",
                "org",
                "admission_decision_date",
                "ceremony_date",
                "official_date",
            )
            use_bulk = True
            batch_size = 1000
            skip_diff = True

        def before_save_instance(self, instance, row, **kwargs):  # type: ignore[no-untyped-def]
            instance.status = "official"
            instance.first_admission_date = instance.admission_decision_date

    def load() -> tablib.Dataset:
        from python_calamine import CalamineWorkbook

        rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
        data = tablib.Dataset(headers=rows[0])
        for r in rows[1 : IIE_ROWS + 1]:
            data.append([v.strftime("%d/%m/%Y") if isinstance(v, dt.date) else v for v in r])
        return data

    data = load()  # tablib's own XLSX reader is openpyxl; reading is timed for dangvu, not here

    def both(dry_run: bool) -> list[object]:
        # The members' dry run finds no persons (they are not written): it is timed all the same.
        return [
            PersonResource().import_data(data, dry_run=dry_run),
            MemberResource().import_data(data, dry_run=dry_run),
        ]

    dry, results = timed("django-import-export dry run", lambda: both(True))
    assert not results[0].has_errors()  # type: ignore[attr-defined]
    commit, results = timed("django-import-export commit", lambda: both(False))
    assert not any(r.has_errors() for r in results), results  # type: ignore[attr-defined]
    assert Person.objects.count() == IIE_ROWS and PartyMember.objects.count() == IIE_ROWS
    scale = ROWS / IIE_ROWS
    return {"dry_run_s": dry * scale, "commit_s": commit * scale, "rows_given": IIE_ROWS}


# What dangvu's import wrote, in the order their keys need; and what they refer to.
COPIED = [
    "core_decision",
    "members_person",
    "members_partymember",
    "members_membershipevent",
    "members_membershipperiod",
    "members_flagperiod",
    "core_changelogentry",
]
REFERRED = ["core_changeset", "orgs_organisation", "orgs_orgname", "orgs_placement"]
ORG_DECISIONS = (
    "(SELECT decision_id FROM orgs_placement UNION SELECT decision_id FROM orgs_orgname "
    "UNION SELECT decision_id FROM orgs_lineage)"
)


def copy_floor() -> dict[str, float]:
    """PostgreSQL: the rows dangvu's import wrote, sent again with COPY into the same tables of
    a fresh database (the same columns, defaults, checks, indexes, foreign keys and triggers; the
    organisations and decisions they refer to loaded first, untimed), in one transaction."""
    import subprocess

    import psycopg

    raw = connection.cursor().cursor
    dumps: dict[str, bytes] = {}
    queries = {t: t for t in REFERRED + COPIED}
    # The decisions the organisations rest on go in first; the admissions' are the import's.
    queries["org_decisions"] = f"(SELECT * FROM core_decision WHERE id IN {ORG_DECISIONS})"
    queries["core_decision"] = f"(SELECT * FROM core_decision WHERE id NOT IN {ORG_DECISIONS})"
    for table, query in queries.items():
        buffer = io.BytesIO()
        with raw.copy(f"COPY {query} TO STDOUT") as copy:
            for block in copy:
                buffer.write(block)
        dumps[table] = buffer.getvalue()
    url = os.environ["DANGVU_DATABASE_URL"]
    name = connection.settings_dict["NAME"] + "_floor"
    admin = url.rsplit("/", 1)[0] + "/postgres"
    target = url.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        subprocess.run(
            [sys.executable, "-m", "dangvu.cli", "migrate", "-v0"],
            env={**os.environ, "DANGVU_DATABASE_URL": target},
            check=True,
        )
        with psycopg.connect(target) as conn, conn.cursor() as cursor:
            for table in ["org_decisions", *REFERRED]:
                into = "core_decision" if table == "org_decisions" else table
                with cursor.copy(f"COPY {into} FROM STDIN") as copy:
                    copy.write(dumps[table])
            conn.commit()
            began = time.perf_counter()
            for table in COPIED:
                with cursor.copy(f"COPY {table} FROM STDIN") as copy:
                    copy.write(dumps[table])
            conn.commit()  # the deferred foreign-key checks run here
            sent = time.perf_counter() - began
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    rows = sum(dumps[t].count(b"\n") for t in COPIED)
    return {"copy_s": sent, "copy_rows": rows}


def raw_floor(content: bytes) -> dict[str, float]:
    """SQLite's floor (issue 28, point 5): the file read with python-calamine, then the rows
    dangvu's import wrote (persons, memberships, events, periods, flags, decisions, the change
    log) sent again by raw INSERTs, executemany, in one transaction, into the same tables of a
    fresh database: the same columns, indexes, constraints and pragmas; the organisations and
    decisions they refer to loaded first, untimed."""
    import sqlite3
    import subprocess

    from python_calamine import CalamineWorkbook

    source = str(connection.settings_dict["NAME"])
    connection.close()
    queries = {t: f"SELECT * FROM {t}" for t in REFERRED + COPIED}
    queries["org_decisions"] = f"SELECT * FROM core_decision WHERE id IN {ORG_DECISIONS}"
    queries["core_decision"] = f"SELECT * FROM core_decision WHERE id NOT IN {ORG_DECISIONS}"
    dumps: dict[str, tuple[list[str], list[tuple[object, ...]]]] = {}
    with sqlite3.connect(source) as db:
        for table, query in queries.items():
            cursor = db.execute(query)
            dumps[table] = ([c[0] for c in cursor.description], cursor.fetchall())
    target = str(Path(source).with_name("floor.sqlite3"))
    subprocess.run(
        [sys.executable, "-m", "dangvu.cli", "migrate", "-v0"],
        env={**os.environ, "DANGVU_DATABASE_URL": f"sqlite:///{target}"},
        check=True,
    )

    def insert(db: sqlite3.Connection, table: str) -> None:
        columns, rows = dumps[table]
        into = "core_decision" if table == "org_decisions" else table
        names = ", ".join(f'"{c}"' for c in columns)
        db.executemany(
            f"INSERT INTO {into} ({names}) VALUES ({', '.join('?' * len(columns))})", rows
        )

    db = sqlite3.connect(target, isolation_level=None)
    try:
        db.executescript(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        )
        db.execute("BEGIN IMMEDIATE")
        for table in ["org_decisions", *REFERRED]:
            insert(db, table)
        db.execute("COMMIT")
        began = time.perf_counter()
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
        read = sum(1 for _row in sheet.iter_rows())
        del sheet
        read_s = time.perf_counter() - began
        db.execute("BEGIN IMMEDIATE")
        for table in COPIED:
            insert(db, table)
        db.execute("COMMIT")
        total = time.perf_counter() - began
        problems = db.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        db.close()
        for suffix in ("", "-wal", "-shm"):
            Path(target + suffix).unlink(missing_ok=True)
    assert read == ROWS + 1 and not problems, (read, problems[:3])
    rows = sum(len(dumps[t][1]) for t in COPIED)
    print(f"  floor (calamine read {read_s:.1f} s + {rows:,} rows inserted): {total:.1f} s")
    return {"commit_s": total, "read_s": read_s, "rows": rows}


def main_postgresql() -> None:
    """Only dangvu and the COPY floor, for bench/scale.py: JSON on the last line."""
    call_command("migrate", verbosity=0)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.xlsx"
        build_file(path)
        content = path.read_bytes()
    result = dangvu_runs(content)
    result["peak_mb"] = peak_mb()
    result.update(copy_floor())
    result["rows"] = ROWS
    print(json.dumps(result))


def main() -> None:
    if os.environ.get("BENCH_PG_ONLY"):
        main_postgresql()
        return
    vendor = connection.vendor
    call_command("migrate", verbosity=0)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.xlsx"
        start = time.perf_counter()
        build_file(path)
        content = path.read_bytes()
        print(
            f"{ROWS:,} rows × {len(HEADERS)} columns, {len(content) / 1e6:.1f} MB, written in "
            f"{time.perf_counter() - start:.0f} s; database {vendor}",
            flush=True,
        )
    results = {"dangvu": dangvu_runs(content)}
    results["peak_rss_mb_after_dangvu"] = {"mb": peak_mb()}
    results["floor"] = raw_floor(content)
    results["django_import_export"] = import_export_run(content)
    d, iie, fl = results["dangvu"], results["django_import_export"], results["floor"]
    summary = {
        "rows": ROWS,
        "vendor": vendor,
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores",
        "at": dt.datetime.now().isoformat(timespec="seconds"),
        "results": results,
        "speedup_vs_django_import_export_commit": iie["commit_s"] / d["commit_s"],
        "share_of_floor_rate_commit": fl["commit_s"] / d["commit_s"],
        "goals": {"vs_django_import_export": ">= 10x", "share_of_floor_rate": ">= 1/3"},
    }
    lines = [
        f"Import of {ROWS:,} members from XLSX on {vendor} ({summary['machine']})",
        f"  dangvu dry run        {d['dry_run_s']:8.1f} s  ({ROWS / d['dry_run_s']:,.0f} rows/s)",
        f"  dangvu commit         {d['commit_s']:8.1f} s  ({ROWS / d['commit_s']:,.0f} rows/s)",
        f"  django-import-export  {iie['commit_s']:8.1f} s  (dry run {iie['dry_run_s']:.1f} s; "
        f"measured on {iie['rows_given']:,} rows, scaled)",
        f"  floor                 {fl['commit_s']:8.1f} s  (the file read with calamine in "
        f"{fl['read_s']:.1f} s, then the {fl['rows']:,} rows dangvu wrote, in the same tables, "
        "by raw INSERTs)",
        f"  dangvu vs django-import-export: {summary['speedup_vs_django_import_export_commit']:.1f}x (goal >= 10x)",
        f"  dangvu rate / floor rate: {summary['share_of_floor_rate_commit']:.2f} (goal >= 0.33)",
        f"  peak memory of the process after dangvu's runs: {results['peak_rss_mb_after_dangvu']['mb']:.0f} MB",
    ]
    print("\n".join(lines))
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / f"import-{vendor}.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    (out / f"import-{vendor}.txt").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
