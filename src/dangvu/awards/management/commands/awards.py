"""`dangvu awards candidates --org CODE --period 2019-2023 [--format json]`."""

from __future__ import annotations

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangvu.core.cli import add_format, print_json
from dangvu.core.errors import RuleError
from dangvu.tree.cli import org_by_code


class Command(BaseCommand):
    help = "Commendation candidates: rated HTXSNV in every year of the period (DOMAIN.md §2.2)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        candidates = sub.add_parser("candidates", help="members and organisations of the subtree")
        candidates.add_argument("--org", required=True, help="organisation code")
        candidates.add_argument("--period", required=True, help="FIRST-LAST, e.g. 2019-2023")
        candidates.add_argument(
            "--carry-through",
            action="store_true",
            help=(
                "count the years of the organisations that became one formed in the period "
                "(unsettled by the rules; off by default: rules/awards.py)"
            ),
        )
        add_format(candidates)

    def handle(self, *args: Any, **options: Any) -> None:
        from dangvu.awards.services import five_year_candidates

        match = re.fullmatch(r"\s*(\d{4})\s*-\s*(\d{4})\s*", options["period"])
        if not match:
            raise CommandError("--period is written FIRST-LAST, e.g. 2019-2023")
        first, last = int(match[1]), int(match[2])
        org = org_by_code(options["org"])
        try:
            found = five_year_candidates(
                org, first, last, actor=None, carry_through=options["carry_through"] or None
            )
        except RuleError as exc:
            raise CommandError(str(exc)) from exc
        if options["format"] == "json":
            print_json(
                {
                    k: [{f: v for f, v in e.items() if f != "id"} for e in rows]
                    for k, rows in found.items()
                },
                self.stdout._out,
            )
            return
        self.stdout.write(f"{org.name} ({org.code}), {first}–{last}")
        for m in found["members"]:
            self.stdout.write(f"  {m['cccd'] or '—':12}  {m['name']:<32} {m['org']}")
        for o in found["organisations"]:
            self.stdout.write(f"  {o['code']:12}  {o['name']}")
        years = [str(y) for y in range(first, last + 1)]
        if found["successors"]:
            self.stdout.write(
                "Formed in the period, with the ratings of the organisations that became them:"
            )
        for o in found["successors"]:
            self.stdout.write(
                f"  {o['name']:<44} {' '.join(o['ratings'].get(y, '—') for y in years)}"
            )
            for p in o["predecessors"]:
                levels = " ".join(p["ratings"].get(y, "—") for y in years)
                self.stdout.write(f"    {p['name']:<42} {levels}")
