"""Benchmark of the count of a delegate congress (issue 25, the bar: 350 delegates and 60
candidates counted in under 1 s; run by `make bench`).

Three ways the count is made, each timed ROUNDS times (p50, p95, max in ms):

- the rule alone (rules.congress.count_ballots + elect) on 350 ballots of 60 candidates;
- the ballot sheet (congress.sheet.read_count: an XLSX of one row per ballot, read, checked,
  counted) — what `dangvu election count FILE` does;
- the service (congress.services.election_record: the list, the count and the approval written,
  the 52 elected seated, the change logged) in an empty database.

The floor, measured in the same run: reading the same XLSX's rows (core.sheets.open_sheet), the
cost of the file alone. Each row reports its ratio to it.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvu.settings")

import django

django.setup()

import xlsxwriter  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from dangvu.congress import services as cs  # noqa: E402
from dangvu.congress.sheet import read_count  # noqa: E402
from dangvu.core.changes import get_or_create_decision  # noqa: E402
from dangvu.core.sheets import open_sheet  # noqa: E402
from dangvu.members.services import PersonInput, member_admit  # noqa: E402
from dangvu.rules import congress as rules  # noqa: E402
from dangvu.tree.services import org_create  # noqa: E402

ROUNDS = 15
DELEGATES = 350
CANDIDATES = 60
SEATS = 52  # 60 candidates: a surplus of 8 (15 %)
LIMIT_MS = 1000
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ"]
MIDDLE = ["Văn", "Thị", "Minh", "Hữu", "Đức", "Thanh", "Ngọc", "Quốc"]
GIVEN = ["An", "Bình", "Cường", "Dung", "Hà", "Hải", "Hoa", "Hùng", "Lan", "Long", "Mai", "Nam"]


def names() -> list[str]:
    out = []
    for i in range(CANDIDATES):
        out.append(
            f"{SURNAMES[i % 10]} {MIDDLE[(i // 10) % 8]} {GIVEN[(i * 7) % 12]} {GIVEN[i % 12]}"
        )
    assert len(set(out)) == CANDIDATES
    return out


def ballots(rng: random.Random, people: list[str]) -> list[dict[str, str]]:
    """Each delegate agrees to SEATS of the 60 (or fewer), the popular ones more often."""
    weights = [1.0 + (CANDIDATES - i) / 20 for i in range(CANDIDATES)]
    out = []
    for _ in range(DELEGATES - 4):
        chosen = set()
        while len(chosen) < SEATS - rng.randint(0, 3):
            chosen.add(rng.choices(people, weights)[0])
        out.append({p: rules.AGREE if p in chosen else rules.DISAGREE for p in people})
    return out


def sheet(people: list[str], votes: list[dict[str, str]]) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    ws = book.add_worksheet()
    ws.write_row(0, 0, ["Số cần bầu", SEATS])
    ws.write_row(1, 0, ["Loại đại hội", "đại biểu"])
    ws.write_row(2, 0, ["Số được triệu tập", DELEGATES])
    ws.write_row(3, 0, ["Đại biểu vắng mặt không có dự khuyết", 4])
    ws.write_row(4, 0, ["Số phiếu phát ra", DELEGATES - 4])
    ws.write_row(6, 0, ["Phiếu số", *people])
    for r, ballot in enumerate(votes, 7):
        ws.write_row(r, 0, [r - 6, *["x" if ballot[p] == rules.AGREE else "k" for p in people]])
    book.close()
    return out.getvalue()


def timed(work) -> dict[str, float]:  # type: ignore[no-untyped-def]
    work()
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "p50_ms": statistics.median(times),
        "p95_ms": times[max(0, round(0.95 * len(times)) - 1)],
        "max_ms": times[-1],
    }


def world(people: list[str]) -> tuple:  # type: ignore[type-arg]
    """A provincial organisation with 60 official members, made through the services."""
    call_command("migrate", verbosity=0)
    founded = dt.date(2000, 1, 1)
    with transaction.atomic():
        decision = get_or_create_decision(number="1-QĐ/TW", date=founded, issuer="Bộ Chính trị")
        province = org_create(
            code="TU-B",
            name="Đảng bộ tỉnh Thử Tải",
            kind="provincial",
            parent=None,
            established_on=founded,
            decision=decision,
            actor=None,
        )
        cell = org_create(
            code="CB-B",
            name="Chi bộ Cơ quan",
            kind="grassroots_cell",
            parent=province,
            established_on=founded,
            decision=decision,
            actor=None,
        )
        members = []
        for i, name in enumerate(people):
            members.append(
                member_admit(
                    person=PersonInput(
                        full_name=name,
                        sex="F" if i % 4 == 0 else "M",
                        birth_date=dt.date(1970 + i % 20, 1 + i % 12, 1),
                    ),
                    org=cell,
                    decision=get_or_create_decision(
                        number="2-QĐ/TU", date=dt.date(2010, 3, 2), issuer="Tỉnh ủy"
                    ),
                    ceremony_date=dt.date(2010, 3, 20),
                    recognised=True,
                    actor=None,
                )
            )
        congress = cs.congress_record(
            org=province,
            data=cs.CongressInput(
                first_year=2025,
                last_year=2030,
                kind=rules.DELEGATE_CONGRESS,
                opens_on=dt.date(2025, 10, 14),
                closes_on=dt.date(2025, 10, 16),
                convened=DELEGATES,
                present=DELEGATES - 4,
                number=1,
            ),
            actor=None,
        )
    return province, congress, members


def main() -> int:
    rng = random.Random(25)
    people = names()
    votes = ballots(rng, people)
    content = sheet(people, votes)

    def floor() -> None:
        found = open_sheet(content, "kiem-phieu.xlsx", lambda cells: int("Phiếu số" in cells))
        for _row in found.rows:
            pass

    def rule() -> None:
        tally = rules.count_ballots(people, SEATS, votes)
        rules.elect(
            tally.votes,
            SEATS,
            rules.base_of(rules.DELEGATE_CONGRESS, DELEGATES, {"absent_no_alternate": 4}),
        )

    def from_sheet() -> None:
        read_count(content, "kiem-phieu.xlsx")

    province, congress, members = world(people)
    counted = read_count(content, "kiem-phieu.xlsx")
    by_name = dict(zip(people, members, strict=True))
    approval = get_or_create_decision(
        number="9-QĐ/TW", date=dt.date(2025, 10, 20), issuer="Bộ Chính trị"
    )

    def service() -> None:
        with transaction.atomic():
            cs.election_record(
                org=province,
                term=congress.term,
                congress=congress,
                body=rules.EXECUTIVE,
                held_on=dt.date(2025, 10, 15),
                seats=SEATS,
                base_kind=rules.DELEGATE_CONGRESS,
                convened=DELEGATES,
                present=DELEGATES - 4,
                deductions={"absent_no_alternate": 4},
                nominees=[cs.NomineeInput(member=by_name[p]) for p in people],
                votes={by_name[p].pk: counted.tally.votes[p] for p in people},
                ballots_issued=DELEGATES - 4,
                ballots_collected=counted.tally.ballots,
                invalid=counted.tally.invalid,
                approval=approval,
                actor=None,
                source="system",
            )
            transaction.set_rollback(True)  # the same count again, next round

    rows = [
        {"what": "floor: read the sheet's 346 rows", **timed(floor)},
        {"what": "rule: count 346 ballots × 60, elect 52", **timed(rule)},
        {"what": "sheet: read + check + count (command)", **timed(from_sheet)},
        {"what": "service: election_record, 52 seated", **timed(service)},
    ]
    base = rows[0]["p95_ms"]
    lines = [f"{'what':42s} {'p50 ms':>8s} {'p95 ms':>8s} {'max ms':>8s} {'×floor':>7s}  ok"]
    for r in rows:
        r["ratio"] = r["p95_ms"] / base
        r["ok"] = r["max_ms"] < LIMIT_MS
        lines.append(
            f"{r['what']:42s} {r['p50_ms']:8.1f} {r['p95_ms']:8.1f} {r['max_ms']:8.1f} "
            f"{r['ratio']:7.2f}  {'yes' if r['ok'] else 'NO'}"
        )
    elected = len(counted.outcome.elected)
    lines.append(
        f"(elected {elected} of {SEATS}; needed {counted.outcome.needed} of base {counted.outcome.base})"
    )
    text = "\n".join(lines)
    print(text)
    out = Path(__file__).parent / "results"
    engine = "postgresql" if os.environ.get("DANGVU_DATABASE_URL") else "sqlite"
    (out / f"congress-{engine}.txt").write_text(text + "\n", encoding="utf-8")
    (out / f"congress-{engine}.json").write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
