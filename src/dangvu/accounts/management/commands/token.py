from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangvu.accounts.models import ApiToken, User
from dangvu.accounts.services import TOKEN_DAYS, token_create, token_revoke


class Command(BaseCommand):
    help = "API tokens: `token create --user U [--days N] [--label L]` (printed once), `token list`, `token revoke ID`."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="make a token; it is printed once")
        create.add_argument("--user", required=True)
        create.add_argument("--days", type=int, default=TOKEN_DAYS)
        create.add_argument("--label", default="")
        listing = sub.add_parser("list")
        listing.add_argument("--user")
        revoke = sub.add_parser("revoke")
        revoke.add_argument("id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc

    def _create(self, options: dict[str, Any]) -> None:
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active account {options['user']}")
        token, secret = token_create(
            user=user, actor=None, label=options["label"], days=options["days"]
        )
        self.stdout.write(
            f"Token {token.pk} for {user.username}, valid until {token.expires_at:%d/%m/%Y}.\n"
            f"It is shown this once; keep it like a password:\n{secret}"
        )

    def _list(self, options: dict[str, Any]) -> None:
        qs = ApiToken.objects.select_related("user").order_by("user__username", "-created_at")
        if options["user"]:
            qs = qs.filter(user__username=options["user"])
        for t in qs:
            state = (
                f"revoked {t.revoked_at:%d/%m/%Y}"
                if t.revoked_at
                else f"until {t.expires_at:%d/%m/%Y}"
            )
            self.stdout.write(f"{t.pk:>5}  {t.user.username:<16} {t.prefix}…  {state}  {t.label}")

    def _revoke(self, options: dict[str, Any]) -> None:
        token = ApiToken.objects.filter(pk=options["id"]).first()
        if token is None:
            raise CommandError(f"No token {options['id']}")
        token_revoke(token=token, actor=None)
        self.stdout.write(f"Token {token.pk} revoked")
