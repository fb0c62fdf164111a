"""The organisation over time must not make reports slow (issue 19's bar): all indicators of TU-KH
— the province formed on 1/7/2025 by merging TU-NT and TU-KHC — for 2025, whose year reads both
predecessors before the merger and itself after, against the same computation for TU-NT for 2024
(a province in one piece all year), measured in the same run. Goal: within 1.5×. Also TU-KH for
2024 (wholly through its predecessors) against TU-NT's and TU-KHC's 2024 one after the other.

Builds the demo province (scale 1, history to today) into an empty database (SQLite by default, or
DANGVU_DATABASE_URL). Each timing is the median of BENCH_REPEATS runs with the figure cache off.
Writes bench/results/lineage-<vendor>.json and .txt.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import statistics
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvu.settings")
os.environ.setdefault("DANGVU_HTTPS", "0")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from dangvu.demo.province import DemoBuilder  # noqa: E402
from dangvu.orgs.models import Organisation  # noqa: E402
from dangvu.reports.indicators import Scope, compute_all  # noqa: E402

REPEATS = int(os.environ.get("BENCH_REPEATS", "5"))
SCALE = float(os.environ.get("BENCH_SCALE", "1"))
GOAL = 1.5


def timed(fn: Any) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(REPEATS):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    settings.DANGVU_FIGURE_CACHE = False
    call_command("migrate", "--no-input", verbosity=0)
    call_command("flush", "--noinput", verbosity=0)
    started = time.perf_counter()
    DemoBuilder(seed=1, scale=SCALE).build()
    built = time.perf_counter() - started
    kh, nt, khc = (Organisation.objects.get(code=c) for c in ("TU-KH", "TU-NT", "TU-KHC"))
    floor_s, floor = timed(lambda: compute_all(Scope.year(nt, 2024)))
    merged_s, merged = timed(lambda: compute_all(Scope.year(kh, 2025)))
    before_s, before = timed(lambda: compute_all(Scope.year(kh, 2024)))
    parts_s, parts = timed(
        lambda: [compute_all(Scope.year(nt, 2024)), compute_all(Scope.year(khc, 2024))]
    )
    # The same figures, or the timing means nothing: TU-KH's 2024 list is its predecessors'.
    for code in ("members.total", "flow.end", "flow.in.admitted", "ratings.members.rated"):
        assert before[code] == parts[0][code] + parts[1][code], code
    result = {
        "vendor": connection.vendor,
        "scale": SCALE,
        "built_s": round(built, 1),
        "indicators": len(merged),
        "members_kh_2025": merged["flow.end"],
        "members_nt_2024": floor["flow.end"],
        "tu_nt_2024_s": floor_s,
        "tu_kh_2025_s": merged_s,
        "ratio": merged_s / floor_s,
        "tu_kh_2024_s": before_s,
        "tu_nt_plus_tu_khc_2024_s": parts_s,
        "ratio_2024": before_s / parts_s,
    }
    when = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    ok = "ok" if result["ratio"] <= GOAL else "NOT MET"
    text = "\n".join(
        [
            f"dangvu bench — lineage, all indicators of a merged province — {connection.vendor} — "
            f"{platform.machine()}, {os.cpu_count()} cores — {when}",
            f"median of {REPEATS} runs, figure cache off; demo (scale {SCALE:g}) built in "
            f"{built:.0f} s",
            "",
            f"  TU-NT for 2024 (floor), {floor['flow.end']:,} members at the end, "
            f"{len(floor)} indicators   {floor_s * 1000:7.0f} ms",
            f"  TU-KH for 2025 (predecessors to 30/6, itself from 1/7), {merged['flow.end']:,} "
            f"members   {merged_s * 1000:7.0f} ms   ratio {result['ratio']:.2f} (goal ≤ {GOAL}) {ok}",
            f"  TU-KH for 2024 (wholly through its predecessors)   {before_s * 1000:7.0f} ms",
            f"  TU-NT and TU-KHC for 2024, one after the other     {parts_s * 1000:7.0f} ms   "
            f"ratio {result['ratio_2024']:.2f}",
            "",
        ]
    )
    print(text)
    out = Path(__file__).resolve().parent / "results"
    out.mkdir(exist_ok=True)
    (out / f"lineage-{connection.vendor}.txt").write_text(text)
    (out / f"lineage-{connection.vendor}.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
