from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangvu.core.calendar import (
    calendar_day_set,
    calendar_day_unset,
    days_of,
    load_announced,
    seed_year,
)
from dangvu.core.cli import add_format, print_json
from dangvu.core.dates import format_date


class Command(BaseCommand):
    help = "The working-day calendar: days off and make-up working days, by year."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        show = sub.add_parser("show", help="the days that differ from their weekday in a year")
        show.add_argument("year", type=int)
        add_format(show)
        seed = sub.add_parser(
            "seed", help="write a year's days from the holiday calendar, to edit them"
        )
        seed.add_argument("year", type=int)
        set_ = sub.add_parser("set", help="mark a day off, or a weekend day worked")
        set_.add_argument("day", help="YYYY-MM-DD")
        set_.add_argument("--off", action="store_true")
        set_.add_argument("--work", action="store_true")
        set_.add_argument("--name", required=True)
        set_.add_argument("--reason", default="", help="kept in the change log")
        sub.add_parser(
            "load", help="write again the days the government announced, as shipped with dangvu"
        )
        unset = sub.add_parser("unset", help="forget what is recorded for a day")
        unset.add_argument("day", help="YYYY-MM-DD")
        unset.add_argument("--reason", default="", help="kept in the change log")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "show":
            year = options["year"]
            rows = [
                {
                    "day": r["day"].isoformat(),
                    "working": r["working"],
                    "name": r["name"],
                    "citation": r["citation"],
                }
                for r in days_of(year)
            ]
            if options["format"] == "json":
                print_json({"year": year, "days": rows}, self.stdout._out)
            else:
                for r, raw in zip(rows, days_of(year), strict=True):
                    self.stdout.write(
                        f"{format_date(raw['day'])}  {'làm việc' if r['working'] else 'nghỉ':9}  "
                        f"{r['name']}  ({r['citation']})"
                    )
            return
        if action == "load":
            self.stdout.write(f"{load_announced()} days written")
            return
        if action == "seed":
            self.stdout.write(f"{seed_year(options['year'])} days written")
            return
        try:
            day = dt.date.fromisoformat(options["day"])
        except ValueError as exc:
            raise CommandError("the day must be YYYY-MM-DD") from exc
        if action == "unset":
            calendar_day_unset(day=day, actor=None, reason=options.get("reason") or "")
            return
        if options["off"] == options["work"]:
            raise CommandError("say --off or --work")
        calendar_day_set(
            day=day,
            working=options["work"],
            name=options["name"],
            actor=None,
            reason=options.get("reason") or "",
        )
