"""`dangvu meetings coverage --org CODE --period 2026-Q1 [--format json]`: the regular meetings
the cells under an organisation owed and held in a period (a quarter, a month 2026-03 or a year),
on time, the attendance (present of expected) and the cells with a month missing (DOMAIN-2.md §2).
For a period before the organisation was formed, its predecessors' cells answer."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangvu.activities import selectors
from dangvu.core.cli import print_json
from dangvu.tree.cli import org_by_code


class Command(BaseCommand):
    help = "Cell meetings (sinh hoạt chi bộ): the coverage of an organisation's cells."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        coverage = sub.add_parser("coverage")
        coverage.add_argument("--org", required=True)
        coverage.add_argument("--period", required=True, help="2026-Q1, 2026-03 or 2026")
        coverage.add_argument("--format", choices=("text", "json"), default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        org = org_by_code(options["org"])
        try:
            first, last = selectors.parse_period(options["period"])
        except ValueError as exc:
            raise CommandError(
                f"write the period as 2026-Q1, 2026-03 or 2026, not {options['period']!r}"
            ) from exc
        found = selectors.coverage(org, first, last)
        if options["format"] == "json":
            print_json({"org": org.code, "name": org.name, **found.as_dict()}, self.stdout._out)
            return
        rate = found.as_dict()["attendance_rate"]
        self.stdout.write(
            f"{org.name}, {first:%m/%Y}–{last:%m/%Y}: {len(found.cells)} chi bộ, "
            f"sinh hoạt {found.held}/{found.due} kỳ, đúng kỳ {found.on_time}, "
            f"dự {found.present}/{found.expected} ({rate} %), {len(found.late)} chi bộ thiếu kỳ"
        )
        for c in found.late[:50]:
            months = ", ".join(f"{m:%m/%Y}" for m in c.missing)
            self.stdout.write(f"  {c.name}: {months}")
