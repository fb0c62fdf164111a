"""`dangvu congress composition --org CODE --term 2025-2030 [--format json]`: the committee's
composition on its congress day against the directive in force (DOMAIN.md §8.1, §16.3;
DOMAIN-2.md §5.1), every figure with the members it counts."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangvu.congress.selectors import composition_of, term_by_label
from dangvu.core.cli import print_json
from dangvu.tree.cli import org_by_code


class Command(BaseCommand):
    help = "Congresses and committees (đại hội, cấp ủy): the committee's composition."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        composition = sub.add_parser("composition")
        composition.add_argument("--org", required=True)
        composition.add_argument("--term", required=True, help="2025-2030")
        composition.add_argument("--format", choices=("text", "json"), default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        org = org_by_code(options["org"])
        term = term_by_label(org, options["term"])
        if term is None:
            raise CommandError(f"{org.name} has no term {options['term']} (write it as 2025-2030)")
        found = composition_of(org, term)
        if found is None:
            raise CommandError(f"no committee is recorded for {org.name}, {term}")
        if options["format"] == "json":
            print_json(
                {
                    "org": org.code,
                    "name": org.name,
                    "term": str(term),
                    "day": found.day.isoformat(),
                    "directive": found.directive.code,
                    "merged": found.merged,
                    "met": found.met,
                    "figures": [
                        {
                            "key": f.key,
                            "label": str(f.label),
                            "count": f.count,
                            "total": f.total,
                            "percent": round(100 * f.count / f.total, 2) if f.total else None,
                            "target": str(f.target),
                            "met": f.met,
                            "unconfirmed": f.unconfirmed,
                            "members": f.people,
                        }
                        for f in found.figures
                    ],
                },
                self.stdout._out,
            )
            return
        self.stdout.write(f"{org.name}, {term}, {found.day:%d/%m/%Y} ({found.directive.title})")
        for f in found.figures:
            met = {True: "đạt", False: "CHƯA ĐẠT", None: ""}[f.met]
            self.stdout.write(
                f"  {str(f.label)[:60]:60} {f.count:>4}/{f.total:<4} {f.target!s:30} {met}"
            )
