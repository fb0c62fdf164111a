"""Rating a cell of 30 members in one submission (issue 7): the cell's proposal and the grassroots
committee's decision, each measured as the service call a page makes. Target: under 200 ms each.

Builds its own small tree (a grassroots committee with one 30-member cell) in an empty database,
then repeats propose → decide → take back (in a rolled-back transaction) `BENCH_REPEATS` times.
Writes bench/results/rating-<vendor>.json and .txt.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvu.settings")
os.environ.setdefault("DANGVU_HTTPS", "0")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from dangvu.core.changes import get_or_create_decision  # noqa: E402
from dangvu.evaluation.services import Proposal, ratings_decide, ratings_propose  # noqa: E402
from dangvu.members.services import AdmitRow, PersonInput, members_bulk_admit  # noqa: E402
from dangvu.rules.evaluation import HTNV, HTTNV, HTXSNV  # noqa: E402
from dangvu.tree.services import org_create  # noqa: E402

REPEATS = int(os.environ.get("BENCH_REPEATS", "30"))
TARGET_MS = 200
YEAR = 2024


MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Ngọc", "Thanh"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hoa"]


class Rollback(Exception):
    pass


def setup():  # type: ignore[no-untyped-def]
    from dangvu.core.changes import open_change_set

    call_command("flush", "--noinput", verbosity=0)
    founded = dt.date(2000, 1, 1)
    decision = get_or_create_decision(number="1-QĐ/TU", date=founded, issuer="Tỉnh ủy")
    with transaction.atomic():
        province = org_create(code="TU-B", name="Đảng bộ tỉnh Đo", kind="provincial", parent=None,
                              established_on=founded, decision=decision, actor=None)  # fmt: skip
        commune = org_create(code="X-B", name="Đảng bộ xã Đo", kind="grassroots_committee",
                             parent=province, established_on=founded, decision=decision, actor=None)  # fmt: skip
        cell = org_create(code="CB-B", name="Chi bộ thôn Đo", kind="cell", parent=commune,
                          established_on=founded, decision=decision, actor=None)  # fmt: skip
        admitted = get_or_create_decision(
            number="9-QĐ/HU", date=dt.date(2010, 3, 2), issuer="Huyện ủy"
        )
        rows = [
            AdmitRow(
                person=PersonInput(full_name=f"Nguyễn {MIDDLE[n % 6]} {GIVEN[n // 6]}", sex="M", birth_date=dt.date(1980, 1, 1 + n % 28)),
                org=cell, decision=admitted, ceremony_date=dt.date(2010, 3, 20),
            )
            for n in range(30)
        ]  # fmt: skip
        members_bulk_admit(
            rows=rows, actor=None, changeset=open_change_set(actor=None, reason="bench")
        )
    from dangvu.members.models import PartyMember

    return commune, cell, list(PartyMember.objects.filter(org=cell).order_by("pk"))


def main() -> None:
    call_command("migrate", verbosity=0)
    commune, cell, members = setup()
    levels = [HTXSNV] * 4 + [HTTNV] * 24 + [HTNV] * 2  # 4 ≤ 20 % of 24
    decision = get_or_create_decision(
        number="50-QĐ/ĐU", date=dt.date(YEAR, 12, 22), issuer="Đảng ủy xã Đo"
    )
    propose_ms, decide_ms = [], []
    for _ in range(REPEATS + 3):
        try:
            with transaction.atomic():
                started = time.perf_counter()
                ratings = ratings_propose(
                    cell=cell, year=YEAR, actor=None,
                    proposals=[Proposal(m, lv) for m, lv in zip(members, levels, strict=True)],
                )  # fmt: skip
                proposed = time.perf_counter()
                ratings_decide(deciding_org=commune, year=YEAR, decision=decision, actor=None,
                               levels=[(r, r.proposed_level) for r in ratings])  # fmt: skip
                done = time.perf_counter()
                propose_ms.append((proposed - started) * 1000)
                decide_ms.append((done - proposed) * 1000)
                raise Rollback
        except Rollback:
            pass
    propose_ms, decide_ms = propose_ms[3:], decide_ms[3:]

    def summary(samples: list[float]) -> dict[str, float]:
        samples = sorted(samples)
        return {
            "p50": statistics.median(samples),
            "p95": samples[int(len(samples) * 0.95) - 1],
            "max": samples[-1],
        }

    results = {"propose": summary(propose_ms), "decide": summary(decide_ms)}
    vendor = connection.vendor
    lines = [
        f"Rating a cell of 30 members on {vendor} ({platform.machine()}, {os.cpu_count()} cores), {REPEATS} runs"
    ]
    for name, r in results.items():
        lines.append(
            f"  {name:8} p50 {r['p50']:6.1f} ms  p95 {r['p95']:6.1f} ms  max {r['max']:6.1f} ms  (target < {TARGET_MS} ms)"
        )
    print("\n".join(lines))
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / f"rating-{vendor}.json").write_text(
        json.dumps({"results": results, "target_ms": TARGET_MS}, indent=2)
    )
    (out / f"rating-{vendor}.txt").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
