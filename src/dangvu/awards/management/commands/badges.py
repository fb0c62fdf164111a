"""`dangvu badges due --org CODE --date YYYY-MM-DD [--format json]`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangvu.core.cli import add_format, print_json
from dangvu.rules.awards import is_award_day
from dangvu.tree.cli import org_by_code


class Command(BaseCommand):
    help = "Party badges due on an award day (3/2, 19/5, 2/9, 7/11), DOMAIN.md §3."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        due = sub.add_parser("due", help="members of the subtree due a badge")
        due.add_argument("--org", required=True, help="organisation code")
        due.add_argument("--date", required=True, help="YYYY-MM-DD")
        add_format(due)

    def handle(self, *args: Any, **options: Any) -> None:
        from dangvu.awards.services import badges_due

        try:
            on = dt.date.fromisoformat(options["date"])
        except ValueError as exc:
            raise CommandError("--date is written YYYY-MM-DD") from exc
        org = org_by_code(options["org"])
        members = badges_due(org, on, actor=None)
        if options["format"] == "json":
            print_json(
                {"members": [{k: v for k, v in m.items() if k != "id"} for m in members]},
                self.stdout._out,
            )
            return
        if not is_award_day(on):
            self.stdout.write("Note: badges are awarded on 3/2, 19/5, 2/9 and 7/11.")
        for m in members:
            marks = " (early)" if m["early"] else " (posthumous)" if m["posthumous"] else ""
            self.stdout.write(f"  {m['tier']:>2}  {m['cccd'] or '—':12}  {m['name']}{marks}")
