from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangvu.core.cli import add_format, parse_as_of, print_json
from dangvu.orgs.models import Kind, Organisation
from dangvu.tree.selectors import tree_on


class Command(BaseCommand):
    help = "Organisations: `org tree [--root CODE] [--as-of YYYY-MM-DD] [--format json]`."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        tree = sub.add_parser("tree", help="the tree of organisations as of a date")
        tree.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD (default: today)")
        tree.add_argument(
            "--root", help="code of the organisation at the top (default: every top one)"
        )
        add_format(tree)

    def handle(self, *args: Any, **options: Any) -> None:
        on = parse_as_of(options.get("as_of"))
        root = None
        if options.get("root"):
            root = Organisation.objects.filter(code=options["root"].strip().upper()).first()
            if root is None:
                raise CommandError(f"No organisation with code {options['root']}")
        nodes = tree_on(None, on, root=root)
        if options["format"] == "json":
            print_json(
                {
                    "as_of": on.isoformat(),
                    "organisations": [n.as_dict() for n in nodes],
                },
                self.stdout._out,
            )
            return
        for n in nodes:
            self.stdout.write(f"{'  ' * n.depth}{n.org.code}  {n.name}  [{Kind(n.kind).label}]")
