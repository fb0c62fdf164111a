"""The national dataset (issue 9, point 1): 34 provinces, about 60,000 organisations and 5.6
million party members with their history since 2019 and their ratings, on PostgreSQL.

    DANGVU_DATABASE_URL=postgres://… python bench/national.py build [--members 5600000]

The tree is the country's shape before and after the reform of 1/7/2025: each province has 15
districts over 100 communes until 30/6/2025; from 1/7/2025 the districts are gone and the communes
stand under the province (the cells keep their members; only the placements change), beside a
block of 60 agencies and enterprises. Each member has an admission, a recognition a year later,
for some a transfer (most inside the province, some to another province) and for some an exit
(death, resignation, removal, expulsion) between 2019 and today; members in the list on 31/12 of
2019…2025 are rated, and so are the grassroots organisations and cells.

The rows generated here (organisations, placements, persons, members, events, periods) go in
with COPY; the ratings are derived in the server from the periods (INSERT … SELECT, which beats
sending 40 million rows). Foreign-key triggers are off during the load (session_replication_role
= replica; the generator is the only writer of an empty database) and the big tables' indexes are
built after it. Refuses a database that already has members.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import os
import sys
import time
import uuid
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvu.settings")

import django

django.setup()

import numpy as np  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from dangvu.core.text import join_name, name_sort_key, search_key  # noqa: E402
from dangvu.demo import data  # noqa: E402
from dangvu.members.search import name_grams  # noqa: E402
from dangvu.members.services import PERSON_FIELDS  # noqa: E402
from dangvu.orgs.models import SEGMENT_WIDTH, path_segment  # noqa: E402
from dangvu.rules import evaluation as ev  # noqa: E402
from dangvu.rules import reference as ref  # noqa: E402

FOUNDED = dt.date(2000, 1, 1)
REFORM = dt.date(2025, 7, 1)
TODAY = dt.date(2026, 11, 1)
FIRST_YEAR, LAST_YEAR = 2019, 2025
EPOCH = dt.date(1970, 1, 1)
PROVINCES = [
    "Hà Nội", "Huế", "Lai Châu", "Điện Biên", "Sơn La", "Lạng Sơn", "Quảng Ninh", "Thanh Hóa",
    "Nghệ An", "Hà Tĩnh", "Cao Bằng", "Tuyên Quang", "Lào Cai", "Thái Nguyên", "Phú Thọ",
    "Bắc Ninh", "Hưng Yên", "Hải Phòng", "Ninh Bình", "Quảng Trị", "Đà Nẵng", "Quảng Ngãi",
    "Gia Lai", "Khánh Hòa", "Lâm Đồng", "Đắk Lắk", "Thành phố Hồ Chí Minh", "Đồng Nai",
    "Tây Ninh", "Cần Thơ", "Vĩnh Long", "Đồng Tháp", "Cà Mau", "An Giang",
]  # fmt: skip
DISTRICTS, COMMUNES, AGENCIES = 15, 100, 60
CELLS_PER_COMMUNE = 13
AGENCY_CATEGORIES = ["co_quan_nha_nuoc", "su_nghiep_cong_lap", "co_quan_dang", "dn_co_phan"]
LEVEL_CUTS = ((15, "HTXSNV"), (85, "HTTNV"), (98, "HTNV"), (100, "KHTNV"))
EXITS = [("death", "deceased", 60), ("resignation", "resigned", 12), ("removal", "removed", 22)]
EXITS += [("expulsion", "expelled", 6)]


def days(d: dt.date) -> int:
    return (d - EPOCH).days


def day(n: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(n))


def pg_date(n: int) -> str:
    return day(n).isoformat()


class Copier:
    """Rows as tab-separated text, sent to COPY in chunks."""

    def __init__(self, cursor: Any, table: str, columns: list[str]) -> None:
        self.cursor, self.table, self.columns = cursor, table, columns
        self.buffer = io.StringIO()
        self.rows = 0

    def add(self, line: str) -> None:
        self.buffer.write(line)
        self.rows += 1
        if self.buffer.tell() > 32 << 20:
            self.flush()

    def flush(self) -> None:
        text = self.buffer.getvalue()
        if text:
            cols = ", ".join(f'"{c}"' for c in self.columns)
            with self.cursor.copy(f"COPY {self.table} ({cols}) FROM STDIN") as copy:
                copy.write(text)
        self.buffer = io.StringIO()


NULL = "\\N"


def n(value: Any) -> str:
    return NULL if value is None else str(value)


class Org:
    __slots__ = ("category", "cells", "code", "dissolved", "id", "kind", "name", "places")

    def __init__(self, id: int, code: str, name: str, kind: str, category: str = "") -> None:
        self.id, self.code, self.name, self.kind, self.category = id, code, name, kind, category
        self.dissolved: dt.date | None = None
        # (parent, path, kind, valid_from, valid_to)
        self.places: list[tuple[int | None, str, str, dt.date, dt.date | None]] = []


def build_tree() -> tuple[list[Org], list[list[int]]]:
    """The organisations, and the cells of each province."""
    orgs: list[Org] = []
    cells: list[list[int]] = []

    def new(code: str, name: str, kind: str, category: str = "") -> Org:
        org = Org(len(orgs) + 1, code, name, kind, category)
        orgs.append(org)
        return org

    for p, pname in enumerate(PROVINCES):
        province = new(f"TU-{p + 1:02d}", f"Đảng bộ {pname}", "provincial")
        ppath = path_segment(province.id)
        province.places.append((None, ppath, "provincial", FOUNDED, None))
        mine: list[int] = []
        districts = []
        for d in range(DISTRICTS):
            district = new(f"HU-{p + 1:02d}-{d + 1:02d}", f"Đảng bộ huyện {d + 1}", "district")
            district.dissolved = REFORM
            dpath = ppath + path_segment(district.id)
            district.places.append((province.id, dpath, "district", FOUNDED, REFORM))
            districts.append((district, dpath))
        for c in range(COMMUNES):
            category = "phuong" if c % 5 == 0 else "xa"
            commune = new(
                f"X-{p + 1:02d}-{c + 1:03d}",
                f"Đảng bộ xã {c + 1}",
                "grassroots_committee",
                category,
            )
            district, dpath = districts[c * DISTRICTS // COMMUNES]
            before = dpath + path_segment(commune.id)
            after = ppath + path_segment(commune.id)
            commune.places.append((district.id, before, "grassroots_committee", FOUNDED, REFORM))
            commune.places.append((province.id, after, "commune_superior", REFORM, None))
            for k in range(CELLS_PER_COMMUNE):
                cell = new(f"CB-{p + 1:02d}-{c + 1:03d}-{k + 1:02d}", f"Chi bộ ấp {k + 1}", "cell")
                seg = path_segment(cell.id)
                cell.places.append((commune.id, before + seg, "cell", FOUNDED, REFORM))
                cell.places.append((commune.id, after + seg, "cell", REFORM, None))
                mine.append(cell.id)
        block = new(f"DBK-{p + 1:02d}", "Đảng bộ Khối các cơ quan tỉnh", "block")
        bpath = ppath + path_segment(block.id)
        block.places.append((province.id, bpath, "block", FOUNDED, None))
        for a in range(AGENCIES):
            category = AGENCY_CATEGORIES[a % len(AGENCY_CATEGORIES)]
            agency = new(
                f"CQ-{p + 1:02d}-{a + 1:02d}", f"Đảng bộ cơ quan {a + 1}", "grassroots_committee"
            )
            agency.category = category
            apath = bpath + path_segment(agency.id)
            agency.places.append((block.id, apath, "grassroots_committee", FOUNDED, None))
            for k in range(5 if a < 48 else 4):
                cell = new(f"CB-{p + 1:02d}-CQ{a + 1:02d}-{k + 1}", f"Chi bộ phòng {k + 1}", "cell")
                cell.places.append(
                    (agency.id, apath + path_segment(cell.id), "cell", FOUNDED, None)
                )
                mine.append(cell.id)
        cells.append(mine)
    return orgs, cells


def copy_tree(cursor: Any, orgs: list[Org]) -> None:
    o = Copier(
        cursor,
        "orgs_organisation",
        [
            "id",
            "code",
            "name",
            "kind",
            "category",
            "established_on",
            "dissolved_on",
            "path",
            "search_name",
            "parent_id",
        ],
    )
    pl = Copier(
        cursor,
        "orgs_placement",
        ["org_id", "parent_id", "path", "kind", "category", "valid_from", "valid_to"],
    )
    names = Copier(cursor, "orgs_orgname", ["org_id", "name", "valid_from", "valid_to"])
    for org in orgs:
        parent, path, kind, _f, _t = org.places[-1]
        o.add(
            f"{org.id}\t{org.code}\t{org.name}\t{kind}\t{org.category}\t{FOUNDED}\t"
            f"{n(org.dissolved)}\t{path}\t{search_key(org.name)}\t{n(parent)}\n"
        )
        for parent, path, kind, valid_from, valid_to in org.places:
            pl.add(
                f"{org.id}\t{n(parent)}\t{path}\t{kind}\t{org.category}\t{valid_from}\t"
                f"{n(valid_to)}\n"
            )
        names.add(f"{org.id}\t{org.name}\t{FOUNDED}\t{n(org.dissolved)}\n")
    for c in (o, pl, names):
        c.flush()


def weighted_codes(
    rng: np.random.Generator, pairs: list[tuple[str, float]], size: int
) -> np.ndarray:
    codes = np.array([c for c, _w in pairs], dtype=object)
    weights = np.array([w for _c, w in pairs], dtype=float)
    return codes[rng.choice(len(codes), size=size, p=weights / weights.sum())]


class Members:
    """Each member's facts as columns (numpy arrays), drawn at once."""

    def __init__(self, total: int, cells: list[list[int]], seed: int) -> None:
        rng = np.random.default_rng(seed)
        self.total = total
        sizes = rng.uniform(0.5, 2.0, len(cells))
        share = np.floor(sizes / sizes.sum() * total).astype(int)
        share[0] += total - share.sum()
        self.province = np.repeat(np.arange(len(cells)), share)
        all_cells = [np.array(c) for c in cells]
        self.cell = np.empty(total, dtype=np.int64)
        start = 0
        for p, count in enumerate(share):
            self.cell[start : start + count] = rng.choice(all_cells[p], size=count)
            start += count
        today = days(TODAY)
        age = np.clip(rng.normal(48, 15, total), 19, 96)
        self.birth = (today - age * 365.25 - rng.integers(0, 365, total)).astype(int)
        joined_at = 18 + np.minimum(rng.exponential(9, total), age - 18.2)
        self.admitted = (self.birth + joined_at * 365.25 + rng.integers(0, 60, total)).astype(int)
        self.admitted = np.minimum(self.admitted, today - 1)
        self.official = self.admitted + 365
        self.sex = np.where(rng.random(total) < 0.34, "F", "M")
        minority = rng.random(total) < 0.12
        groups = [code for code, _label in ref.ETHNIC_GROUPS if code != ref.KINH]
        self.ethnicity = np.where(
            minority, np.array(groups, dtype=object)[rng.integers(0, len(groups), total)], "01"
        )
        self.religion = weighted_codes(
            rng, [("none", 94), ("phat_giao", 3), ("cong_giao", 2), ("tin_lanh", 0.5)], total
        )
        self.education = weighted_codes(
            rng, [("thpt", 88), ("thcs", 9), ("tieu_hoc", 2.5), ("doc_viet", 0.5)], total
        )
        self.professional = weighted_codes(
            rng,
            [
                ("none", 30),
                ("so_cap", 5),
                ("trung_cap", 15),
                ("cao_dang", 8),
                ("dai_hoc", 37),
                ("thac_si", 4.5),
                ("tien_si", 0.5),
            ],
            total,
        )
        self.theory = weighted_codes(
            rng, [("none", 45), ("so_cap", 30), ("trung_cap", 18), ("cao_cap", 7)], total
        )
        occupations = [code for code, _label in ref.OCCUPATIONS]
        self.occupation = np.array(occupations, dtype=object)[
            rng.integers(0, len(occupations), total)
        ]
        # Exits and transfers between 2019 and today.
        first = days(dt.date(FIRST_YEAR, 1, 1))
        self.exit_kind = np.full(total, -1)
        exiting = rng.random(total) < 0.065
        self.exit_kind[exiting] = rng.choice(
            len(EXITS), size=int(exiting.sum()), p=np.array([w for *_x, w in EXITS]) / 100
        )
        low = np.maximum(self.admitted + 30, first)
        self.exit_on = np.where(
            low < today - 30, low + (rng.random(total) * (today - 30 - low)).astype(int), -1
        )
        self.exit_kind[self.exit_on < 0] = -1
        moving = rng.random(total) < 0.04
        high = np.where(self.exit_kind >= 0, self.exit_on - 1, today - 1)
        self.move_on = np.where(
            moving & (low < high), low + (rng.random(total) * (high - low)).astype(int), -1
        )
        elsewhere = rng.random(total) < 0.25
        target_province = np.where(
            elsewhere, rng.integers(0, len(cells), total), self.province
        ).astype(int)
        self.move_to = np.array(
            [
                all_cells[tp][h % len(all_cells[tp])]
                for tp, h in zip(target_province, rng.integers(0, 1 << 30, total), strict=True)
            ]
        )
        names = rng.integers(0, 1 << 30, (total, 3))
        self.names = names


def name_tables() -> tuple[list[str], list[str], list[str], list[str], list[str]]:
    family = [name for name, _w in data.FAMILY_KINH]
    return (
        family,
        [_name(x) for x in data.MIDDLE_MALE],
        [_name(x) for x in data.MIDDLE_FEMALE],
        [_name(x) for x in data.GIVEN_MALE],
        [_name(x) for x in data.GIVEN_FEMALE],
    )


def _name(entry: str | tuple[str, int]) -> str:
    return entry if isinstance(entry, str) else entry[0]


def copy_members(cursor: Any, m: Members, changeset: str, paths: dict[int, str]) -> None:
    """`paths`: each organisation's path today (the members' search keys are by province)."""
    family, mid_m, mid_f, giv_m, giv_f = name_tables()
    grams: dict[tuple[str, str], str] = {}
    keys: dict[tuple[int, int, int, str], tuple[str, str, str, str, str, str]] = {}
    person = Copier(
        cursor,
        "members_person",
        [
            *("id", "family_name", "middle_name", "given_name", "full_name", "search_name"),
            "sort_key",
            *PERSON_FIELDS[1:],  # sex … occupation, in the order of the lines below
            *("created_at", "updated_at"),
        ],
    )
    member = Copier(
        cursor,
        "members_partymember",
        [
            "id",
            "person_id",
            "card_number",
            "admission_decision_date",
            "official_date",
            "status",
            "status_since",
            "org_id",
            "first_admission_date",
            "flags",
            "derived",
            "search_grams",
            "created_at",
        ],
    )
    event = Copier(
        cursor,
        "members_membershipevent",
        ["member_id", "kind", "on", "org_id", "details", "changeset_id", "recorded_at"],
    )
    period = Copier(
        cursor,
        "members_membershipperiod",
        ["member_id", "org_id", "status", "valid_from", "valid_to", "temporary"],
    )
    stamp = "2026-11-01 00:00:00+00"
    today = days(TODAY)
    for i in range(m.total):
        pk = i + 1
        sex = m.sex[i]
        a, b, c = m.names[i]
        key = (a % len(family), b, c, sex)
        found = keys.get(key)
        if found is None:
            mids, givens = (mid_f, giv_f) if sex == "F" else (mid_m, giv_m)
            fam, mid, giv = family[key[0]], mids[b % len(mids)], givens[c % len(givens)]
            full = join_name(fam, mid, giv)
            found = (fam, mid, giv, full, search_key(full), name_sort_key(fam, mid, giv))
            keys[key] = found
        fam, mid, giv, full, skey, sort = found
        person.add(
            f"{pk}\t{fam}\t{mid}\t{giv}\t{full}\t{skey}\t{sort}\t{sex}\t{pg_date(m.birth[i])}\t"
            f"{m.ethnicity[i]}\t{m.religion[i]}\t{pk:012d}\t\t\t\t\t\t{m.education[i]}\t"
            f"{m.professional[i]}\tnone\t{m.theory[i]}\t{m.occupation[i]}\t{stamp}\t{stamp}\n"
        )
        adm, off = int(m.admitted[i]), int(m.official[i])
        cell, move, target = int(m.cell[i]), int(m.move_on[i]), int(m.move_to[i])
        kind = int(m.exit_kind[i])
        leave = int(m.exit_on[i]) if kind >= 0 else None
        official = off <= today and (leave is None or off < leave)
        # The periods: probationary then official, split by the transfer and closed by the exit.
        cuts = sorted({x for x in (off if official else None, move if move >= 0 else None) if x})
        bounds = [adm, *cuts, leave]
        here = cell
        events = [("admission", adm, cell)]
        if official:
            events.append(("recognition", off, None))
        for lo, hi in itertools.pairwise(bounds):
            if move >= 0 and lo == move:
                here = target
            status = "official" if official and lo >= off else "probationary"
            period.add(f"{pk}\t{here}\t{status}\t{pg_date(lo)}\t{pg_date(hi) if hi else NULL}\tf\n")
        if move >= 0:
            events.append(("transfer_out", move, target))
            events.append(("transfer_in", move, target))
        status = "official" if official else "probationary"
        since = off if official else adm
        if leave is not None:
            exit_event, status, _w = EXITS[kind]
            since = leave
            events.append((exit_event, leave, None))
        for ekind, on, org in sorted(events, key=lambda e: (e[1], e[0] == "transfer_in")):
            event.add(f"{pk}\t{ekind}\t{pg_date(on)}\t{n(org)}\t{{}}\t{changeset}\t{stamp}\n")
        timeline = [[pg_date(adm), "probationary"]]
        if official:
            timeline.append([pg_date(off), "official"])
        if leave is not None:
            timeline.append([pg_date(leave), status])
        derived = (
            '{"timeline": '
            + str(timeline).replace("'", '"')
            + ', "gaps": [], "transit": null, "temp_transit": null, "readmitted": false, '
            + '"outside": false, "exit_cause": null}'
        )
        root = paths[here][:SEGMENT_WIDTH]
        held = grams.get((root, skey))
        if held is None:
            held = grams[(root, skey)] = name_grams(paths[here], skey)
        member.add(
            f"{pk}\t{pk}\t{pk:010d}\t{pg_date(adm)}\t{pg_date(off) if official else NULL}\t"
            f"{status}\t{pg_date(since)}\t{here}\t{pg_date(adm)}\t"
            f"[]\t{derived}\t{held}\t{stamp}\n"
        )
    for c in (person, member, event, period):
        c.flush()


# The ratings of each year, derived in the server: the regulation in force that year (from the
# rules, as the services take it), a level by a hash of the subject and the year (about 15–20 %
# HTXSNV, 65–70 % HTTNV, 13 % HTNV, 2 % KHTNV).
RATED = {
    "member": (
        "member_id",
        15,
        "SELECT p.member_id AS subject, p.org_id AS unit, y FROM generate_series(%s, %s) AS y "
        "JOIN members_membershipperiod p ON NOT p.temporary",
    ),
    "org": (
        "org_id",
        20,
        "SELECT p.org_id AS subject, p.parent_id AS unit, y FROM generate_series(%s, %s) AS y "
        "JOIN orgs_placement p ON p.kind IN ('cell', 'grassroots_committee', 'grassroots_cell')",
    ),
}


def ratings_sql(subject: str) -> str:
    column, best, source = RATED[subject]
    regulations = " ".join(
        f"WHEN y = {year} THEN '{ev.rules_for(year).code}'"
        for year in range(FIRST_YEAR, LAST_YEAR + 1)
    )
    return f"""
INSERT INTO evaluation_rating (year, subject, regulation, self_level, proposed_level, level,
    decided_on, facts, reclassified_from, reclassified_reason, late_reason, override_reason,
    source, changeset_id, {column}, unit_id)
SELECT y, '{subject}', CASE {regulations} END, '', '',
    CASE WHEN h < {best} THEN 'HTXSNV' WHEN h < 85 THEN 'HTTNV' WHEN h < 98 THEN 'HTNV'
    ELSE 'KHTNV' END, make_date(y, 12, 31), '{{}}', '', '', '', '', 'import', %s, subject, unit
FROM (
    SELECT picked.*, (subject * 7919 + y * 104729) %% 100 AS h FROM ({source}
        AND p.valid_from <= make_date(y, 12, 31)
        AND (p.valid_to IS NULL OR p.valid_to > make_date(y, 12, 31))) picked
) rated
"""


BIG_TABLES = [
    "members_person",
    "members_partymember",
    "members_membershipevent",
    "members_membershipperiod",
    "evaluation_rating",
]


def build(total: int, seed: int = 2026) -> dict[str, float]:
    if connection.vendor != "postgresql":
        sys.exit("The national dataset is built on PostgreSQL (DANGVU_DATABASE_URL).")
    timings: dict[str, float] = {}
    began = time.perf_counter()

    def mark(name: str) -> None:
        timings[name] = round(time.perf_counter() - began - sum(timings.values()), 1)
        print(f"  {name}: {timings[name]} s", flush=True)

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM members_partymember")
        if cursor.fetchone()[0]:
            sys.exit("The database already has members: the national dataset needs an empty one.")
    mark("migrate")
    with connection.cursor() as cursor:
        raw = cursor.cursor
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
            "AND indexdef NOT LIKE '%%UNIQUE%%'",
            [BIG_TABLES],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        changeset = str(uuid.uuid4())
        cursor.execute(
            "INSERT INTO core_changeset (id, created_at, actor_name, source, reason) "
            "VALUES (%s, now(), 'bench', 'system', 'national dataset')",
            [changeset],
        )
        orgs, cells = build_tree()
        copy_tree(raw, orgs)
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('orgs_organisation', 'id'), %s)", [len(orgs)]
        )
        mark("organisations")
        members = Members(total, cells, seed)
        mark("draw members")
        copy_members(raw, members, changeset, {o.id: o.places[-1][1] for o in orgs})
        for table in ("members_person", "members_partymember"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)", [members.total]
            )
        mark("copy members")
        for year in range(FIRST_YEAR, LAST_YEAR + 1):
            cursor.execute(
                "INSERT INTO evaluation_round (year, regulation, review_on, closed_on, "
                "changeset_id) VALUES (%s, %s, %s, %s, %s)",
                [
                    year,
                    ev.rules_for(year).code,
                    dt.date(year, 12, 31),
                    dt.date(year + 1, 1, 31),
                    changeset,
                ],
            )
        for subject in RATED:
            cursor.execute(ratings_sql(subject), [changeset, FIRST_YEAR, LAST_YEAR])
        mark("ratings")
        for _name, definition in indexes:
            cursor.execute(definition)
        mark("indexes")
        cursor.execute("SET session_replication_role = DEFAULT")
        for table in [*BIG_TABLES, "orgs_placement", "orgs_organisation"]:
            cursor.execute(f"ANALYZE {table}")
        mark("analyse")
    timings["total"] = round(time.perf_counter() - began, 1)
    return timings


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("action", choices=["build"])
    parser.add_argument("--members", type=int, default=5_960_000)
    args = parser.parse_args()
    print(build(args.members))
