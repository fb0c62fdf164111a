from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangvu.accounts.models import Role, RoleGrant, User
from dangvu.accounts.services import role_end, role_grant, roles_to_review
from dangvu.core.cli import add_format, parse_as_of, print_json
from dangvu.core.dates import today
from dangvu.orgs.models import Organisation, valid_on


class Command(BaseCommand):
    help = (
        "Roles: `role grant --user U --org CODE --role ROLE [--from D] [--until D] [--sensitive]`, "
        "`role list [--user U] [--review]`, `role end ID [--on D] --reason TEXT`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        grant = sub.add_parser("grant", help="grant a role on an organisation (covers its subtree)")
        grant.add_argument("--user", required=True)
        grant.add_argument("--org", required=True)
        grant.add_argument("--role", required=True, choices=[r.value for r in Role])
        grant.add_argument("--from", dest="valid_from", help="YYYY-MM-DD (default: today)")
        grant.add_argument("--until", dest="valid_to", help="YYYY-MM-DD, the first day without it")
        grant.add_argument("--reason", default="", help="why the role is granted (change log)")
        grant.add_argument(
            "--sensitive", action="store_true", help="may see sensitive personal data"
        )
        listing = sub.add_parser("list", help="roles in force (or all with --all)")
        listing.add_argument("--user")
        listing.add_argument("--all", action="store_true", help="ended roles too")
        listing.add_argument(
            "--review", action="store_true", help="only roles to review after restructuring"
        )
        add_format(listing)
        end = sub.add_parser("end", help="end a role")
        end.add_argument("id", type=int)
        end.add_argument("--on", help="YYYY-MM-DD (default: today)")
        end.add_argument("--reason", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc

    def _grant(self, options: dict[str, Any]) -> None:
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"No account {options['user']}")
        org = Organisation.objects.filter(code=options["org"].strip().upper()).first()
        if org is None:
            raise CommandError(f"No organisation with code {options['org']}")
        grant = role_grant(
            user=user,
            org=org,
            role=options["role"],
            valid_from=parse_as_of(options["valid_from"]),
            valid_to=parse_as_of(options["valid_to"]) if options["valid_to"] else None,
            sensitive=options["sensitive"],
            actor=None,
            reason=options.get("reason") or "",
        )
        self.stdout.write(f"Role {grant.pk}: {grant}")

    def _list(self, options: dict[str, Any]) -> None:
        if options["review"]:
            grants = roles_to_review(None)
        else:
            qs = RoleGrant.objects.select_related("user", "org").order_by(
                "user__username", "org__code"
            )
            if not options["all"]:
                qs = qs.filter(valid_on(today()))
            if options["user"]:
                qs = qs.filter(user__username=options["user"])
            grants = list(qs)
        rows = [
            {
                "id": g.pk,
                "user": g.user.username,
                "org": g.org.code,
                "role": g.role,
                "valid_from": g.valid_from.isoformat(),
                "valid_to": g.valid_to.isoformat() if g.valid_to else None,
                "sensitive": g.sensitive,
                "review": g.needs_review or g.org.dissolved_on is not None,
                "note": g.review_note,
            }
            for g in grants
        ]
        if options["format"] == "json":
            print_json({"roles": rows}, self.stdout._out)
            return
        for r in rows:
            flags = (" sensitive" if r["sensitive"] else "") + (
                f" REVIEW {r['note']}" if r["review"] else ""
            )
            until = r["valid_to"] or "…"
            self.stdout.write(
                f"{r['id']:>6}  {r['user']:<16} {r['role']:<20} {r['org']:<12} {r['valid_from']}–{until}{flags}"
            )

    def _end(self, options: dict[str, Any]) -> None:
        grant = RoleGrant.objects.select_related("org", "user").filter(pk=options["id"]).first()
        if grant is None:
            raise CommandError(f"No role {options['id']}")
        role_end(grant=grant, on=parse_as_of(options["on"]), actor=None, reason=options["reason"])
        self.stdout.write(f"Role {grant.pk} ends on {grant.valid_to}")
