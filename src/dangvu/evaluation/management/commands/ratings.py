"""`dangvu ratings open YEAR --review-on YYYY-MM-DD` and `dangvu ratings close YEAR [--on D]`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangvu.core.dates import today
from dangvu.core.errors import RuleError


class Command(BaseCommand):
    help = "Open the ratings of a year with its review day, or close them (DOMAIN.md §1.4)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        opened = sub.add_parser("open", help="open the year's round, or move its review day")
        opened.add_argument("year", type=int)
        opened.add_argument("--review-on", dest="review_on", required=True, help="YYYY-MM-DD")
        closed = sub.add_parser("close", help="no more proposals or decisions for the year")
        closed.add_argument("year", type=int)
        closed.add_argument("--on", help="YYYY-MM-DD (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        from dangvu.evaluation.services import round_close, round_open

        try:
            if options["action"] == "open":
                day = dt.date.fromisoformat(options["review_on"])
                found = round_open(year=options["year"], review_on=day, actor=None)
                self.stdout.write(
                    f"{found.year}: {found.regulation}, review day {found.review_on:%d/%m/%Y}"
                )
            else:
                day = dt.date.fromisoformat(options["on"]) if options.get("on") else today()
                found = round_close(year=options["year"], on=day, actor=None)
                self.stdout.write(f"{found.year}: closed on {day:%d/%m/%Y}")
        except ValueError as exc:
            raise CommandError("Dates are written YYYY-MM-DD") from exc
        except RuleError as exc:
            raise CommandError(" ".join(m for ms in exc.message_dict.values() for m in ms)) from exc
