from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from dangvu.core.cli import add_format, parse_as_of, print_json
from dangvu.members.models import PartyMember
from dangvu.members.selectors import member_on, members_on_list
from dangvu.orgs.models import Organisation
from dangvu.tree.selectors import answers_on

STATUSES = [
    "probationary",
    "official",
    "removed",
    "expelled",
    "resigned",
    "deceased",
    "transferred_out",
]


class Command(BaseCommand):
    help = (
        "Party members as of a date: `member list --org CODE`, `member show --cccd N | --card N`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="the members of an organisation's subtree on a date")
        listing.add_argument("--org", required=True)
        listing.add_argument("--as-of", dest="as_of")
        listing.add_argument("--status", choices=STATUSES)
        add_format(listing)
        show = sub.add_parser("show", help="one member on a date")
        who = show.add_mutually_exclusive_group(required=True)
        who.add_argument("--cccd")
        who.add_argument("--card")
        show.add_argument("--as-of", dest="as_of")
        add_format(show)
        rebuild = sub.add_parser(
            "rebuild",
            help="recompute every member's derived state from the events, and the search keys",
        )
        rebuild.add_argument(
            "--force", action="store_true", help="rewrite every member, not only those that differ"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "rebuild":
            from dangvu.members.events import rebuild_all
            from dangvu.members.search import refresh_all

            changed, total = rebuild_all(force=options["force"])
            self.stdout.write(f"{total} members rebuilt; {changed} differed from the stored state")
            with transaction.atomic():
                keys = refresh_all()
            self.stdout.write(f"{keys} members' search keys differed and were rewritten")
            return
        on = parse_as_of(options.get("as_of"))
        if options["action"] == "list":
            code = options["org"].strip().upper()
            org = Organisation.objects.filter(code=code).first()
            if org is None:
                raise CommandError(f"No organisation with code {code}")
            if not answers_on(org, on):
                raise CommandError(f"{code} did not exist on {on.isoformat()}")
            rows = []
            for member, status in members_on_list(org, on, options.get("status") or ""):
                state = member_on(member, on, dated=False)
                rows.append(
                    {
                        "cccd": member.person.citizen_id,
                        "card": member.card_number,
                        "name": member.person.full_name,
                        "status": status,
                        "flags": state["flags"],
                        "org": state["org"],
                    }
                )
            if options["format"] == "json":
                print_json(
                    {"org": org.code, "as_of": on.isoformat(), "members": rows}, self.stdout._out
                )
            else:
                for r in rows:
                    self.stdout.write(
                        f"{r['name']:<32} {r['status']:<14} {r['org'] or '':<20} {' '.join(r['flags'])}"
                    )
            return
        if options.get("cccd"):
            found = PartyMember.objects.filter(person__citizen_id=options["cccd"].strip()).first()
        else:
            found = PartyMember.objects.filter(card_number=options["card"].strip()).first()
        if found is None:
            raise CommandError("No member with that citizen ID or card number")
        answer = member_on(found, on)
        from dangvu.members.events import corrections_affecting

        document = {
            "name": found.person.full_name,
            "cccd": found.person.citizen_id,
            "card": found.card_number,
            "as_of": on.isoformat(),
            **answer,
            "corrections": [
                {"recorded_at": c.recorded_at, "reason": c.reason, "affects_from": c.affects_from}
                for c in corrections_affecting([found.pk], on)
            ],
        }
        if options["format"] == "json":
            print_json(document, self.stdout._out)
        else:
            for key, value in document.items():
                self.stdout.write(f"{key:<22} {value}")
