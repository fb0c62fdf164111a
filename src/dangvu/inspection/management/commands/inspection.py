"""`dangvu inspection stats --org CODE --period 2025 [--format json]`: the inspection sector's
figures of an organisation for a period — a year 2025, a month 03/2025, q1/2025, 6m/2025, 9m/2025
or a term 2020-2025 — beside the same period last year (DOMAIN-2.md §1.9). For a period before
the organisation was formed, its predecessors' cases answer. The command runs with the server's
rights: whoever runs it reads the inspection records, as the operator of the server does."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangvu.core.cli import print_json
from dangvu.inspection import selectors
from dangvu.tree.cli import org_by_code


class Command(BaseCommand):
    help = "Inspection and supervision (kiểm tra, giám sát): the figures of a period."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        stats = sub.add_parser("stats")
        stats.add_argument("--org", required=True)
        stats.add_argument(
            "--period", required=True, help="2025, 03/2025, q1/2025, 6m/2025, 9m/2025, 2020-2025"
        )
        stats.add_argument("--format", choices=("text", "json"), default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        org = org_by_code(options["org"])
        try:
            kind, first, last = selectors.parse_period(options["period"])
        except ValueError as exc:
            raise CommandError(
                "write the period as 2025, 03/2025, q1/2025, 6m/2025, 9m/2025 or 2020-2025, "
                f"not {options['period']!r}"
            ) from exc
        found = selectors.statistics(org, first, last)
        if options["format"] == "json":
            print_json({"org": org.code, "name": org.name, "kind": kind, **found}, self.stdout._out)
            return
        self.stdout.write(f"{org.name}, {first:%d/%m/%Y}–{last:%d/%m/%Y} (cùng kỳ năm trước)")
        before = found["last_year"]
        for key, value in sorted(found["period"].items()):
            if key in ("from", "to"):
                continue
            self.stdout.write(f"  {key}: {value} ({before.get(key, 0)})")
