"""`dangvu recruitment progress --org CODE --period 2026-Q1 [--format json]`: the period's new
members against the year's target, per subordinate committee, with the funnel (DOMAIN-2.md §6.6)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangvu.core.cli import print_json
from dangvu.recruitment.selectors import period_range
from dangvu.reports.recruitment import FUNNEL_LABELS, as_json, progress
from dangvu.tree.cli import org_by_code


class Command(BaseCommand):
    help = "New-member development (phát triển đảng viên): progress against the year's target."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        progress = sub.add_parser("progress")
        progress.add_argument("--org", required=True)
        progress.add_argument(
            "--period", required=True, help="2026, 2026-Q1…Q4, 2026-H1/H2, 2026-9M or 2026-03"
        )
        progress.add_argument("--format", choices=("text", "json"), default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        org = org_by_code(options["org"])
        try:
            start, end = period_range(options["period"])
        except ValueError as exc:
            raise CommandError(
                "--period is 2026, 2026-Q1 … 2026-Q4, 2026-H1, 2026-H2, 2026-9M or 2026-03"
            ) from exc
        found = progress(org, start, end)
        if options["format"] == "json":
            print_json(as_json(found), self.stdout._out)
            return
        total = found["total"]
        share = f" = {total['share']}% of {total['target']}" if total["target"] else ""
        self.stdout.write(
            f"{org.name}, {start:%d/%m/%Y}–{end:%d/%m/%Y}: {total['admitted']} admitted{share}"
        )
        for r in found["subordinates"]:
            share = f"{r['share']:>7}%" if r["share"] is not None else "      —"
            self.stdout.write(f"  {r['rank']:>3}. {r['name'][:50]:50} {r['admitted']:>5} {share}")
        for key, label in FUNNEL_LABELS.items():
            self.stdout.write(f"  {label}: {found['funnel']['counts'][key]}")
