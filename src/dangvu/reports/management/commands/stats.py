"""`dangvu stats (--org CODE | --nation) (--as-of D | --period YYYY[-YYYY]) [--format json]`:
every indicator."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangvu.core.cli import add_format, parse_as_of, print_json
from dangvu.members.selectors import corrections_for
from dangvu.tree.cli import org_by_code
from dangvu.tree.selectors import answers_on


def parse_period(text: str) -> tuple[dt.date, dt.date]:
    match = re.fullmatch(r"\s*(\d{4})\s*(?:-\s*(\d{4})\s*)?", text or "")
    if not match:
        raise CommandError("--period is written YYYY or FIRST-LAST, e.g. 2023 or 2020-2025")
    first = int(match[1])
    last = int(match[2] or first)
    if last < first:
        raise CommandError("--period ends before it starts")
    return dt.date(first, 1, 1), dt.date(last, 12, 31)


class Command(BaseCommand):
    help = (
        "Every indicator of an organisation's subtree: stock figures on the day (--as-of, flows "
        "from 1 January) or over a period of whole years (--period)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--org", help="organisation code")
        who.add_argument(
            "--nation",
            action="store_true",
            help="every province together, from the stored summaries (dangvu summaries)",
        )
        when = parser.add_mutually_exclusive_group()
        when.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD (default: today)")
        when.add_argument("--period", help="YYYY or FIRST-LAST")
        add_format(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        from dangvu.reports.indicators import Scope, compute_all

        if options.get("period"):
            start, end = parse_period(options["period"])
        else:
            end = parse_as_of(options.get("as_of"))
            start = dt.date(end.year, 1, 1)
        if options["nation"]:
            self._nation(start, end, options)
            return
        org = org_by_code(options["org"])
        if not answers_on(org, end):
            raise CommandError(f"{org.code} did not exist on {end.isoformat()}")
        indicators = compute_all(Scope(org, start, end))
        if options["format"] == "json":
            document: dict[str, Any] = {"org": org.code, "as_of": end.isoformat()}
            if options.get("period"):
                document["period"] = {"from": start.isoformat(), "to": end.isoformat()}
            document["indicators"] = indicators
            corrections = corrections_for(org, end)
            if corrections:
                # DESIGN.md principle 1: an answer that a later correction changed says so.
                document["corrections"] = [
                    {
                        "member": c.member_id,
                        "recorded_at": c.recorded_at,
                        "affects_from": c.affects_from,
                        "reason": c.reason,
                    }
                    for c in corrections
                ]
            print_json(document, self.stdout._out)
            return
        self.stdout.write(f"{org.name} ({org.code}), {start:%d/%m/%Y}–{end:%d/%m/%Y}")
        self._table(indicators)

    def _table(self, indicators: dict[str, Any]) -> None:
        from dangvu.reports.indicators import REGISTRY

        for key, value in indicators.items():
            if value:
                self.stdout.write(f"  {key:<44} {value:>10}  {REGISTRY[key].label_vi}")

    def _nation(self, start: dt.date, end: dt.date, options: dict[str, Any]) -> None:
        from dangvu.reports.summaries import national

        indicators = national(start, end)
        if options["format"] == "json":
            document = {
                "nation": True,
                "as_of": end.isoformat(),
                "period": {"from": start.isoformat(), "to": end.isoformat()},
                "indicators": indicators,
            }
            print_json(document, self.stdout._out)
            return
        self.stdout.write(f"{start:%d/%m/%Y}–{end:%d/%m/%Y}")
        self._table(indicators)
