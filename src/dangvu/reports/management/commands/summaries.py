"""`dangvu summaries build --period YYYY[-YYYY] [--org CODE]`, `dangvu summaries refresh
[--watch SECONDS]`, `dangvu summaries check --period YYYY`: the stored per-organisation summaries
(reports/summaries.py)."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangvu.tree.cli import org_by_code


class Command(BaseCommand):
    help = (
        "Per-organisation summaries of every indicator: build them for whole years, recompute "
        "those a change may have moved (once, or every SECONDS with --watch), or check them "
        "against the figures computed from the records."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        build = sub.add_parser("build", help="each year of the period, for the organisations")
        build.add_argument("--period", required=True, help="YYYY or FIRST-LAST")
        build.add_argument("--org", action="append", help="organisation code (default: provinces)")
        refresh = sub.add_parser("refresh", help="recompute the summaries a change may have moved")
        refresh.add_argument("--watch", type=float, help="keep going, every SECONDS")
        check = sub.add_parser("check", help="the nation's figures: summaries vs the records")
        check.add_argument("--period", required=True, help="YYYY")

    def handle(self, *args: Any, **options: Any) -> None:
        from dangvu.reports import summaries
        from dangvu.reports.management.commands.stats import parse_period

        if options["action"] == "build":
            start, end = parse_period(options["period"])
            for year in range(start.year, end.year + 1):
                first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
                orgs = (
                    [org_by_code(c) for c in options["org"]]
                    if options.get("org")
                    else summaries.provinces(first, last)
                )
                for org in orgs:
                    done = summaries.store(org, first, last)
                    self.stdout.write(f"{org.code} {year}: {done.seconds:.1f} s")
        elif options["action"] == "refresh":
            while True:
                for code, first_day, last_day, seconds in summaries.refresh():
                    self.stdout.write(f"{code} {first_day}–{last_day}: {seconds:.1f} s")
                if not options.get("watch"):
                    break
                time.sleep(options["watch"])
        else:
            start, end = parse_period(options["period"])
            stored = summaries.national(start, end)
            raw = summaries.national_raw(start, end)
            differ = sorted(k for k in raw if raw[k] != stored.get(k))
            if differ:
                raise CommandError(
                    f"{len(differ)} figures differ: "
                    + ", ".join(f"{k} {stored.get(k)} ≠ {raw[k]}" for k in differ[:10])
                )
            self.stdout.write(f"{len(raw)} figures equal")
