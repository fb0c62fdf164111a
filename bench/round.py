"""An evaluation round at scale (issue 9, point 2d): 1,000 cells of 30 members each, every cell's
proposal and every commune committee's decision through the services (with their checks, the
change log and the quota), against the floor: the same 30,000 rating rows written by raw INSERTs.

Builds its own tree (100 communes × 10 cells, 30,000 members admitted in bulk) in an empty
database (DANGVU_DATABASE_URL). Prints and returns JSON on the last line of its output.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvu.settings")
os.environ.setdefault("DANGVU_HTTPS", "0")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from procinfo import peak_mb  # noqa: E402

from dangvu.core.changes import get_or_create_decision, open_change_set  # noqa: E402
from dangvu.evaluation.models import Rating  # noqa: E402
from dangvu.evaluation.services import Proposal, ratings_decide, ratings_propose  # noqa: E402
from dangvu.members.models import PartyMember  # noqa: E402
from dangvu.members.services import AdmitRow, PersonInput, members_bulk_admit  # noqa: E402
from dangvu.rules.evaluation import HTNV, HTTNV, HTXSNV  # noqa: E402
from dangvu.tree.services import org_create  # noqa: E402

COMMUNES, CELLS, MEMBERS = int(os.environ.get("BENCH_COMMUNES", "100")), 10, 30
YEAR = 2024
MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Ngọc", "Thanh"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hoa"]
LEVELS = [HTXSNV] * 4 + [HTTNV] * 24 + [HTNV] * 2  # 4 ≤ 20 % of the 24 + 4 rated HTTNV or better


def setup() -> list[tuple[object, list[object]]]:
    call_command("flush", "--noinput", verbosity=0)
    founded = dt.date(2000, 1, 1)
    decision = get_or_create_decision(number="1-QĐ/TU", date=founded, issuer="Tỉnh ủy")
    admitted = get_or_create_decision(number="9-QĐ/HU", date=dt.date(2010, 3, 2), issuer="Huyện ủy")
    communes = []
    with transaction.atomic():
        province = org_create(code="TU-R", name="Đảng bộ tỉnh Đo", kind="provincial", parent=None,
                              established_on=founded, decision=decision, actor=None)  # fmt: skip
        rows = []
        for c in range(COMMUNES):
            commune = org_create(code=f"X-{c:03d}", name=f"Đảng bộ xã {c}", kind="grassroots_committee",
                                 parent=province, established_on=founded, decision=decision, actor=None)  # fmt: skip
            cells = []
            for k in range(CELLS):
                cell = org_create(code=f"CB-{c:03d}-{k}", name=f"Chi bộ thôn {k}", kind="cell",
                                  parent=commune, established_on=founded, decision=decision, actor=None)  # fmt: skip
                cells.append(cell)
                rows += [
                    AdmitRow(
                        person=PersonInput(full_name=f"Nguyễn {MIDDLE[n % 6]} {GIVEN[n // 6]}", sex="M",
                                           birth_date=dt.date(1980, 1, 1 + n % 28)),
                        org=cell, decision=admitted, ceremony_date=dt.date(2010, 3, 20),
                    )
                    for n in range(MEMBERS)
                ]  # fmt: skip
            communes.append((commune, cells))
        members_bulk_admit(rows=rows, actor=None, changeset=open_change_set(actor=None, reason="x"))
    return communes


def main() -> dict[str, float]:
    call_command("migrate", verbosity=0)
    began = time.perf_counter()
    communes = setup()
    built = time.perf_counter() - began
    members = {}
    for m in PartyMember.objects.order_by("pk"):
        members.setdefault(m.org_id, []).append(m)
    rated = 0
    began = time.perf_counter()
    for commune, cells in communes:
        decision = get_or_create_decision(
            number=f"50-QĐ/ĐU-{commune.pk}", date=dt.date(YEAR, 12, 22), issuer="Đảng ủy xã"
        )
        proposed = []
        for cell in cells:
            with transaction.atomic():
                proposed += ratings_propose(
                    cell=cell, year=YEAR, actor=None,
                    proposals=[Proposal(m, lv) for m, lv in zip(members[cell.pk], LEVELS, strict=True)],
                )  # fmt: skip
        with transaction.atomic():
            ratings_decide(deciding_org=commune, year=YEAR, decision=decision, actor=None,
                           levels=[(r, r.proposed_level) for r in proposed])  # fmt: skip
        rated += len(proposed)
    services_s = time.perf_counter() - began
    assert Rating.objects.filter(year=YEAR).exclude(level="").count() == rated == COMMUNES * 300
    rows = list(Rating.objects.filter(year=YEAR).values_list(
        "year", "subject", "regulation", "member_id", "unit_id", "level", "changeset_id"))  # fmt: skip
    Rating.objects.filter(year=YEAR).delete()
    changeset = Rating._meta.get_field("changeset")
    rows = [(*row[:6], changeset.get_db_prep_value(row[6], connection)) for row in rows]
    began = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO evaluation_rating (year, subject, regulation, self_level, proposed_level, "
            "level, facts, reclassified_from, reclassified_reason, source, late_reason, override_reason, "
            "member_id, unit_id, changeset_id) "
            "VALUES (%s, %s, %s, '', %s, %s, '{}', '', '', 'workflow', '', '', %s, %s, %s)",
            [(y, s, r, lv, lv, m, u, cs) for y, s, r, m, u, lv, cs in rows],
        )
    floor_s = time.perf_counter() - began
    result = {
        "cells": COMMUNES * CELLS,
        "ratings": rated,
        "setup_s": round(built, 1),
        "services_s": round(services_s, 2),
        "floor_s": round(floor_s, 2),
        "peak_mb": round(peak_mb(), 1),
    }
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
