from __future__ import annotations

import re
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.table import Table

from dangvu.demo.cast import build_cast
from dangvu.demo.province import DemoBuilder
from dangvu.members.models import ACTIVE_STATUSES, MembershipEvent, PartyMember
from dangvu.orgs.models import Organisation


class Command(BaseCommand):
    help = "Build the synthetic demo province (Ninh Thuận before 2025) into an empty database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed", type=int, default=2024, help="random seed (same seed, same province)"
        )
        parser.add_argument(
            "--scale", type=float, default=1.0, help="multiply the members of every cell"
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when organisations exist"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["scale"] <= 0:
            raise CommandError("--scale must be positive")
        if Organisation.objects.exists():
            if options["if_empty"]:
                self.stdout.write(
                    "The database already holds organisations; the demo is not rebuilt."
                )
                self._cast()
                return
            raise CommandError("The database already holds organisations; use an empty database.")
        console = Console(stderr=True)
        started = time.monotonic()
        last_phase = [""]
        with console.status("Building the demo province…") as status:

            def progress(phase: str, n: int) -> None:
                status.update(f"Building the demo province… {phase}: {n}")
                # Piped or logged: one line per phase (per year of the history), so that a long
                # build shows it is alive without a line a month.
                step = re.sub(r"\b\d{2}/(\d{4})\b", r"\1", phase)
                if not console.is_terminal and step != last_phase[0]:
                    last_phase[0] = step
                    console.print(f"  {time.monotonic() - started:5.0f} s  {phase}")

            built = DemoBuilder(
                seed=options["seed"], scale=options["scale"], progress=progress
            ).build()

        in_list = PartyMember.objects.filter(status__in=ACTIVE_STATUSES).count()
        self.stdout.write(
            f"Demo province {built.province.code}: {Organisation.objects.count()} organisations, "
            f"{in_list} members in the list today, {MembershipEvent.objects.count()} membership events "
            f"since 1975, in {time.monotonic() - started:.1f} s."
        )
        self._cast()

    def _cast(self) -> None:
        """The people who try the demo, with their passwords printed once."""
        province = Organisation.objects.filter(
            parent__isnull=True, dissolved_on__isnull=True
        ).first()
        if province is None:
            return
        cast = build_cast(province)
        if not cast:
            return
        table = Table(title="Tài khoản dùng thử (mật khẩu chỉ hiện một lần — hãy ghi lại)")
        for column in ("Tên đăng nhập", "Họ tên", "Vai trò", "Mật khẩu"):
            table.add_column(column)
        for player in cast:
            table.add_row(player.username, player.name, player.role, player.password)
        Console(width=120).print(table)
        self.stdout.write(
            "The account administrator sets up a second factor (an authenticator app) at the "
            "first sign-in; the others may."
        )
