"""Benchmark of the reform of 1/7/2025 applied as a plan (run by `make bench`).

(a) the demo province as built (members admitted before 2019 and the history to 30/6/2025);
(b) the same province scaled to about 150,000 members (members admitted before 2019, no history).
Each is built into an empty database of its own; the plan is built, then applied and timed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvu.settings")
os.environ.setdefault("DANGVU_HTTPS", "0")  # the test client speaks plain HTTP

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from dangvu.demo.province import MERGED_CODE, NEIGHBOUR_CODE, PROVINCE_CODE, DemoBuilder  # noqa: E402
from dangvu.demo.reform import reform_plan  # noqa: E402
from dangvu.members.models import PartyMember  # noqa: E402
from dangvu.restructuring.services import plan_apply  # noqa: E402

TARGETS_S = {"demo": 10.0, "150k": 30.0}  # issue 28, point 4


def wipe() -> None:
    call_command("flush", "--no-input", verbosity=0)


def run(label: str, scale: float, history_until: dt.date) -> dict[str, object]:
    wipe()
    started = time.perf_counter()
    builder = DemoBuilder(seed=2024, scale=scale, reform=False)
    builder.build(history_until=history_until)
    built = time.perf_counter() - started
    members = PartyMember.objects.filter(status__in=("official", "probationary")).count()
    started = time.perf_counter()
    plan = reform_plan(MERGED_CODE, [PROVINCE_CODE, NEIGHBOUR_CODE])
    planned = time.perf_counter() - started
    started = time.perf_counter()
    plan_apply(plan=plan, actor=None)
    applied = time.perf_counter() - started
    return {
        "case": label,
        "members": members,
        "operations": plan.operations.count(),
        "build_s": round(built, 1),
        "plan_s": round(planned, 2),
        "apply_s": round(applied, 2),
        "target_s": TARGETS_S[label],
        "ok": applied < TARGETS_S[label],
    }


def main() -> int:
    call_command("migrate", verbosity=0)
    scale = float(os.environ.get("BENCH_REFORM_SCALE", "8.1"))
    cases = os.environ.get("BENCH_REFORM_CASES", "demo,150k").split(",")  # e.g. "demo": that one
    results = []
    if "demo" in cases:
        results.append(run("demo", 1.0, dt.date(2025, 6, 30)))
    if "150k" in cases:
        results.append(run("150k", scale, dt.date(2019, 1, 1)))
    lines = [
        f"dangvu reform bench — {connection.vendor} — {dt.datetime.now():%Y-%m-%d %H:%M}",
        "",
        f"{'case':8} {'members':>9} {'operations':>11} {'apply (s)':>10}  target",
    ]
    for r in results:
        lines.append(
            f"{r['case']:8} {r['members']:>9} {r['operations']:>11} {r['apply_s']:>10}  "
            f"< {r['target_s']}  {'ok' if r['ok'] else 'MISSED'}"
        )
    report = "\n".join(lines)
    print(report)
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / f"reform-{connection.vendor}.txt").write_text(report + "\n", encoding="utf-8")
    (out / f"reform-{connection.vendor}.json").write_text(
        json.dumps(results, indent=2), encoding="utf-8"
    )
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
