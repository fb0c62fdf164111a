from __future__ import annotations

import secrets
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from dangvu.accounts.models import Role
from dangvu.accounts.services import role_grant, user_create
from dangvu.core.cli import parse_as_of
from dangvu.orgs.models import Organisation


class Command(BaseCommand):
    help = "Create an account with a random password, printed once; optionally grant a role on an organisation."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="full name")
        parser.add_argument("--org", help="organisation code the role is granted on")
        parser.add_argument("--role", choices=[r.value for r in Role], help="role on --org")
        parser.add_argument("--from", dest="valid_from", help="YYYY-MM-DD (default: today)")
        parser.add_argument(
            "--sensitive", action="store_true", help="the role may see sensitive personal data"
        )
        parser.add_argument(
            "--account-admin", action="store_true", help="may manage accounts (sees no member data)"
        )
        parser.add_argument(
            "--if-absent", action="store_true", help="do nothing if the user exists"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from dangvu.accounts.models import User

        username = options["username"].strip()
        if User.objects.filter(username=username).exists():
            if options["if_absent"]:
                self.stdout.write(
                    f"The account {username} already exists; its password is unchanged."
                )
                return
            raise CommandError(f"The account {username} already exists")
        if bool(options["org"]) != bool(options["role"]):
            raise CommandError("--org and --role go together")
        org = None
        if options["org"]:
            org = Organisation.objects.filter(code=options["org"].strip().upper()).first()
            if org is None:
                raise CommandError(f"No organisation with code {options['org']}")
            if org.dissolved_on is not None:
                successors = ", ".join(
                    org.successor_links.values_list("successor__code", flat=True)
                )
                raise CommandError(
                    f"{org.code} was dissolved on {org.dissolved_on:%d/%m/%Y}"
                    + (f"; its successor: {successors}" if successors else "")
                )
        password = secrets.token_urlsafe(12)
        with transaction.atomic():
            user = user_create(
                username=username,
                full_name=options["name"],
                password=password,
                account_admin=options["account_admin"],
                actor=None,
            )
            if org is not None:
                role_grant(
                    user=user,
                    org=org,
                    role=options["role"],
                    valid_from=parse_as_of(options["valid_from"]),
                    sensitive=options["sensitive"],
                    actor=None,
                )
        self.stdout.write(f"Account: {username}\nPassword (shown once, write it down): {password}")
