"""An evaluation round at scale (issue 9, point 2d): 1,000 cells of 30 members each, every cell's
proposal and every commune committee's decision through the services (with their checks, the
change log and the quota), against the floor (issue 28, point 3): the very statements the services
sent — their checks' reads as batched, the same rows written — recorded as sent to the driver (and
core.bulk's COPY on PostgreSQL), then, once the round's rows are taken out and the key counters set
back, sent again raw, one transaction a cell and a commune; the replay must write the same ratings.
The ratio is then what the services' Python costs over their database work.

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

from django.apps import apps  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Max  # noqa: E402
from django.db.models.fields import AutoFieldMixin  # noqa: E402
from procinfo import peak_mb  # noqa: E402

from dangvu.core import bulk  # noqa: E402
from dangvu.core.changes import get_or_create_decision, open_change_set  # noqa: E402
from dangvu.core.models import ChangeSet  # noqa: E402
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


COPY = "COPY"
copy_rows = bulk._copy

# Transaction control is the replay's own (one transaction a unit, as the services had).
CONTROL = ("BEGIN", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "COMMIT")


def main() -> dict[str, float]:
    call_command("migrate", verbosity=0)
    began = time.perf_counter()
    communes = setup()
    built = time.perf_counter() - began
    members = {}
    for m in PartyMember.objects.order_by("pk"):
        members.setdefault(m.org_id, []).append(m)
    decisions = {
        commune.pk: get_or_create_decision(
            number=f"50-QĐ/ĐU-{commune.pk}", date=dt.date(YEAR, 12, 22), issuer="Đảng ủy xã"
        )
        for commune, _cells in communes
    }
    numbered = [m for m in apps.get_models() if isinstance(m._meta.pk, AutoFieldMixin)]
    before = {m: m.objects.aggregate(n=Max("pk"))["n"] or 0 for m in numbered}
    changesets = set(ChangeSet.objects.values_list("pk", flat=True))
    # Every statement the services send, as sent to the driver, one list per transaction.
    units: list[list[tuple[str, object, bool]]] = []

    copying = False

    def record(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        head = sql.lstrip().upper()
        # What a rolled-back savepoint undid would be replayed as if kept: none in a round.
        assert not head.startswith("ROLLBACK"), sql
        if not copying and not head.startswith(CONTROL):
            units[-1].append((sql, params, many))
        return execute(sql, params, many, context)

    def record_copy(*args):  # type: ignore[no-untyped-def]
        # PostgreSQL: core.bulk writes rows by COPY, which is not a statement the wrapper sees;
        # kept whole (its key reservation included) and replayed by the same raw COPY.
        nonlocal copying
        units[-1].append((COPY, args, False))
        copying = True
        try:
            return copy_rows(*args)
        finally:
            copying = False

    bulk._copy = record_copy

    rated = 0
    began = time.perf_counter()
    with connection.execute_wrapper(record):
        for commune, cells in communes:
            proposed = []
            for cell in cells:
                units.append([])
                with transaction.atomic():
                    proposed += ratings_propose(
                        cell=cell, year=YEAR, actor=None,
                        proposals=[Proposal(m, lv) for m, lv in zip(members[cell.pk], LEVELS, strict=True)],
                    )  # fmt: skip
            units.append([])
            with transaction.atomic():
                ratings_decide(deciding_org=commune, year=YEAR, decision=decisions[commune.pk],
                               actor=None, levels=[(r, r.proposed_level) for r in proposed])  # fmt: skip
            rated += len(proposed)
    services_s = time.perf_counter() - began
    bulk._copy = copy_rows
    assert Rating.objects.filter(year=YEAR).exclude(level="").count() == rated == COMMUNES * 300
    result_rows = sorted(Rating.objects.filter(year=YEAR).values_list(*COMPARED))
    written = _written(numbered, before, changesets)
    statements = sum(len(u) for u in units)
    _undo(numbered, before, changesets)
    # The floor: the very statements the services sent — the checks' reads, batched as they
    # are, and the same rows written — sent again raw, one transaction a cell and a commune,
    # with no ORM and no Python rule between them.
    began = time.perf_counter()
    for unit in units:
        with transaction.atomic(), connection.cursor() as cursor:
            for sql, params, many in unit:
                if sql is COPY:
                    copy_rows(*params)
                elif many:
                    cursor.executemany(sql, params)
                else:
                    cursor.execute(sql, params)
                    if cursor.description is not None:
                        cursor.fetchall()  # a read is done when its rows are fetched
    floor_s = time.perf_counter() - began
    assert sorted(Rating.objects.filter(year=YEAR).values_list(*COMPARED)) == result_rows
    assert _written(numbered, before, changesets) == written  # the log, the change sets too
    result = {
        "cells": COMMUNES * CELLS,
        "ratings": rated,
        "setup_s": round(built, 1),
        "services_s": round(services_s, 2),
        "floor_s": round(floor_s, 2),
        "statements": statements,
        "peak_mb": round(peak_mb(), 1),
    }
    print(json.dumps(result))
    return result


def _written(
    numbered: list[type], before: dict[type, int], changesets: set[object]
) -> dict[str, int]:
    """How many rows the round added to each table."""
    counts = {m._meta.label: m.objects.filter(pk__gt=before[m]).count() for m in numbered}
    counts["core.ChangeSet"] = ChangeSet.objects.exclude(pk__in=changesets).count()
    return {label: n for label, n in counts.items() if n}


COMPARED = ("member_id", "unit_id", "proposed_level", "level", "deciding_org_id", "changeset_id")


def _undo(numbered: list[type], before: dict[type, int], changesets: set[object]) -> None:
    """What the round wrote, taken out, and each table's key counter set back, so that the
    replayed statements write the same rows under the same keys."""
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        # Raw: the change log refuses deletion through the ORM (it is append-only), and on
        # PostgreSQL through a trigger, set aside for this transaction (a superuser's right).
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("DELETE FROM evaluation_rating WHERE year = %s", [YEAR])
        for model in numbered:
            table, column = (quote(model._meta.db_table), quote(model._meta.pk.column))
            cursor.execute(f"DELETE FROM {table} WHERE {column} > %s", [before[model]])
        for key in set(ChangeSet.objects.values_list("pk", flat=True)) - changesets:
            cursor.execute(
                "DELETE FROM core_changeset WHERE id = %s",
                [ChangeSet._meta.pk.get_db_prep_value(key, connection)],
            )
        for model in numbered:
            table, column = model._meta.db_table, model._meta.pk.column
            if connection.vendor == "sqlite":
                cursor.execute(
                    "UPDATE sqlite_sequence SET seq = %s WHERE name = %s",
                    [before[model], table],
                )
            else:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, %s), %s, %s)",
                    [table, column, max(before[model], 1), before[model] > 0],
                )


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
