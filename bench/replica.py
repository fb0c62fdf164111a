"""The province report on a real streaming replica while clients write to the primary (issue 28,
point 6; run by `make bench` under `DANGVU_PG_REPLICA=1 scripts/with-postgres.sh`).

    DANGVU_PG_REPLICA=1 scripts/with-postgres.sh python bench/replica.py

Builds the national dataset (bench/national.py, BENCH_REPLICA_MEMBERS members in all, 34
provinces) on the primary; the replica, started from `pg_basebackup -R` before it, follows by
streaming. Then the province's report (all indicators of 2024, dangvu's own code, nothing cached)
is timed four ways, each the median of BENCH_REPLICA_REPEATS:

- on the primary, nothing else running (the floor);
- on the primary while BENCH_REPLICA_WRITERS clients write to it (the single server's case);
- on the replica, nothing else running;
- on the replica while the same clients write to the primary (what the replica is for).

The writers are short transactions on the primary's biggest table (a person's telephone number,
as an officer's save is); they do not move the report's figures, which are checked equal in all
four. Also reported: the writers' commits a second in each case, and the
replica's replay lag at the end. Writes bench/results/replica-postgresql.json and .txt.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

if not os.environ.get("DANGVU_TEST_REPLICA_URL"):
    sys.exit("bench/replica.py needs a replica: DANGVU_PG_REPLICA=1 scripts/with-postgres.sh …")
os.environ["DANGVU_REPLICA_URL"] = os.environ["DANGVU_TEST_REPLICA_URL"]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvu.settings")
os.environ.setdefault("DANGVU_HTTPS", "0")

import django

django.setup()

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection, connections  # noqa: E402

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

import national  # noqa: E402

from dangvu.core import routers  # noqa: E402
from dangvu.orgs.models import Organisation  # noqa: E402
from dangvu.reports.indicators import Scope, compute_all  # noqa: E402

YEAR = 2024
PROVINCE = os.environ.get("BENCH_PROVINCE", "TU-01")
MEMBERS = int(os.environ.get("BENCH_REPLICA_MEMBERS", "1700000"))
WRITERS = int(os.environ.get("BENCH_REPLICA_WRITERS", "32"))
REPEATS = int(os.environ.get("BENCH_REPLICA_REPEATS", "3"))


def say(text: str) -> None:
    print(text, flush=True)


def wait_replayed(timeout: float = 1800) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_insert_lsn()")
        (lsn,) = cursor.fetchone()
    began = time.monotonic()
    while time.monotonic() - began < timeout:
        with connections[routers.REPLICA].cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])
            if cursor.fetchone()[0]:
                return time.monotonic() - began
        time.sleep(0.1)
    sys.exit(f"the replica did not replay {lsn} in {timeout} s")


class Writers:
    """Clients writing to the primary, each on its own connection, as fast as they can."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.stop = threading.Event()
        self.commits = 0
        self.lock = threading.Lock()
        with connection.cursor() as cursor:
            cursor.execute("SELECT min(id), max(id) FROM members_person")
            self.low, self.high = cursor.fetchone()
        self.threads = [threading.Thread(target=self.run, args=(i,)) for i in range(count)]

    def run(self, seed: int) -> None:
        rnd = random.Random(seed)
        url = settings.DATABASES["default"]
        with psycopg.connect(
            host=url["HOST"], port=url["PORT"], user=url["USER"], dbname=url["NAME"]
        ) as conn:
            while not self.stop.is_set():
                with conn.transaction(), conn.cursor() as cursor:
                    person = rnd.randint(self.low, self.high)
                    cursor.execute(
                        "UPDATE members_person SET phone = %s WHERE id = %s",
                        [f"09{rnd.randrange(10**8):08d}", person],
                    )
                with self.lock:
                    self.commits += 1

    def __enter__(self) -> Writers:
        self.began = time.perf_counter()
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join()
        self.rate = self.commits / (time.perf_counter() - self.began)


def report(on_replica: bool) -> tuple[float, dict[str, float]]:
    """The province's report, timed; reading the replica or (kept off it) the primary."""
    org = Organisation.objects.get(code=PROVINCE)
    scope = Scope(org, dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31))
    routers._down_until = 0.0 if on_replica else float("inf")
    samples, figures = [], {}
    for _ in range(REPEATS):
        with connections[routers.REPLICA].cursor() as cursor:
            cursor.execute("SELECT 1")  # connected before the clock starts, as the primary is
        began = time.perf_counter()
        with routers.reports_replica() as reading_replica:
            assert reading_replica is on_replica
        figures = compute_all(Scope(org, scope.start, scope.end))
        samples.append(time.perf_counter() - began)
    return statistics.median(samples), figures


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("bench/replica.py measures PostgreSQL.")
    began = time.perf_counter()
    settings.DANGVU_FIGURE_CACHE = False
    say(f"building the national dataset, {MEMBERS:,} members (bench/national.py)")
    build = national.build(MEMBERS)
    lag = wait_replayed()
    say(f"  replica caught up {lag:.1f} s after the build")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    wait_replayed()
    with connections[routers.REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone()[0], "the replica is a standby"
    cases: dict[str, Any] = {}
    reference = None
    for name, on_replica, writers in (
        ("primary", False, 0),
        ("primary, writers on the primary", False, WRITERS),
        ("replica", True, 0),
        ("replica, writers on the primary", True, WRITERS),
    ):
        if writers:
            with Writers(writers) as load:
                time.sleep(2)  # the writers at full speed before the clock starts
                seconds, figures = report(on_replica)
            rate = load.rate
        else:
            seconds, figures, rate = *report(on_replica), 0.0
        reference = reference or figures
        if figures != reference:
            sys.exit(f"{name}: the figures differ from the primary's")
        cases[name] = {"seconds": round(seconds, 3), "writer_commits_per_s": round(rate)}
        say(f"  {name}: {seconds:.2f} s" + (f"; writers {rate:.0f} commits/s" if rate else ""))
    lag_end = wait_replayed()
    members = reference["members.total"]
    results = {
        "dataset_members": MEMBERS,
        "province": PROVINCE,
        "province_members": members,
        "build_s": build,
        "writers": WRITERS,
        "repeats": REPEATS,
        "cases": cases,
        "replay_lag_at_end_s": round(lag_end, 2),
        "seconds": round(time.perf_counter() - began),
    }
    floor = cases["primary"]["seconds"]
    lines = [
        f"dangvu on a streaming replica — PostgreSQL — {dt.datetime.now():%Y-%m-%d %H:%M}",
        f"national dataset of {MEMBERS:,} members (bench/national.py); province {PROVINCE}, "
        f"{members:,.0f} members in the list on 31/12/{YEAR}; {WRITERS} writing clients",
        "",
        f"{'the province report, all indicators of ' + str(YEAR):58} {'s':>7} {'× floor':>8} "
        f"{'writers commits/s':>18}",
    ]
    for name, case in cases.items():
        lines.append(
            f"{name:58} {case['seconds']:>7.2f} {case['seconds'] / floor:>8.2f} "
            f"{case['writer_commits_per_s'] or '':>18}"
        )
    lines.append(f"the replica's replay lag when the writers stopped: {lag_end:.2f} s")
    text = "\n".join(lines)
    say(text)
    out = HERE / "results"
    (out / "replica-postgresql.txt").write_text(text + "\n", encoding="utf-8")
    (out / "replica-postgresql.json").write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
