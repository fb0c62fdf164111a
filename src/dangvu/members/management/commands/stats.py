from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangvu.core.cli import add_format, parse_as_of, print_json
from dangvu.members.selectors import corrections_for, stats
from dangvu.orgs.models import Organisation
from dangvu.orgs.selectors import placement_of


class Command(BaseCommand):
    help = "Basic indicators of an organisation's subtree as of a date."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="organisation code")
        parser.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD (default: today)")
        add_format(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        on = parse_as_of(options.get("as_of"))
        code = options["org"].strip().upper()
        org = Organisation.objects.filter(code=code).first()
        if org is None:
            raise CommandError(f"No organisation with code {code}")
        if placement_of(org, on) is None:
            raise CommandError(f"{code} did not exist on {on.isoformat()}")
        indicators = stats(org, on)
        if options["format"] == "json":
            document: dict[str, Any] = {
                "org": org.code,
                "as_of": on.isoformat(),
                "indicators": indicators,
            }
            corrections = corrections_for(org, on)
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
        self.stdout.write(f"{org.name} ({org.code}), {on:%d/%m/%Y}")
        for key, value in indicators.items():
            self.stdout.write(f"  {key:<28} {value:>8}")
