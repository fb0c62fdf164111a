from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangvu.core.calendar import _exceptions, load_announced, seed_year
from dangvu.core.cli import add_format, print_json
from dangvu.core.models import CalendarDay


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
        sub.add_parser(
            "load", help="write again the days the government announced, as shipped with dangvu"
        )
        unset = sub.add_parser("unset", help="forget what is recorded for a day")
        unset.add_argument("day", help="YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "show":
            year = options["year"]
            table = _exceptions(dt.date(year, 1, 1), dt.date(year, 12, 31))
            names = {
                d: (name, citation)
                for d, name, citation in CalendarDay.objects.filter(day__year=year).values_list(
                    "day", "name", "citation"
                )
            }
            rows = [
                {
                    "day": d.isoformat(),
                    "working": w,
                    "name": names.get(d, ("", ""))[0],
                    "citation": names.get(d, ("", ""))[1],
                }
                for d, w in sorted(table.items())
            ]
            if options["format"] == "json":
                print_json({"year": year, "days": rows}, self.stdout._out)
            else:
                for r in rows:
                    self.stdout.write(
                        f"{r['day']}  {'làm việc' if r['working'] else 'nghỉ':9}  {r['name']}"
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
        seed_year(day.year)
        if action == "unset":
            CalendarDay.objects.filter(day=day).delete()
            return
        if options["off"] == options["work"]:
            raise CommandError("say --off or --work")
        CalendarDay.objects.update_or_create(
            day=day,
            defaults={
                "is_working": options["work"],
                "name": options["name"],
                "source": CalendarDay.Source.MANUAL,
            },
        )
