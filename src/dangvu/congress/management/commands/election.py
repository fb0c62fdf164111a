"""`dangvu election count FILE [--format json]`: count a ballot-count sheet (XLSX or CSV) by the
Party's rule — more than half of the convened minus the deductions, never half of the valid
ballots (QĐ 190-QĐ/TW Điều 30; DOMAIN.md §8.4). The sheet's layout: congress/sheet.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangvu.congress.sheet import SheetError, read_count
from dangvu.core.cli import print_json


class Command(BaseCommand):
    help = "Elections (bầu cử): count a ballot-count sheet."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        count = sub.add_parser("count")
        count.add_argument("file")
        count.add_argument("--format", choices=("text", "json"), default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Không có tệp {path} / no such file")
        try:
            found = read_count(path.read_bytes(), path.name)
        except SheetError as error:
            raise CommandError("\n".join(error.problems)) from error
        result = found.as_json()
        if options["format"] == "json":
            print_json(result, self.stdout._out)
            return
        self.stdout.write(
            f"Cần bầu {result['seats']}; số tính kết quả {result['base']}, "
            f"trúng cử từ {result['needed']} phiếu"
        )
        b = result["ballots"]
        self.stdout.write(
            f"Phiếu: thu vào {b['collected']}, hợp lệ {b['valid']}, không hợp lệ {b['invalid']}"
        )
        for c in result["candidates"]:
            self.stdout.write(
                f"  {c['rank']:>3}. {c['name'][:40]:40} {c['votes']:>6}  {c['result']}"
            )
        if result["tied"]:
            self.stdout.write(
                "Bằng phiếu ở vị trí cuối — đại hội quyết định: " + ", ".join(result["tied"])
            )
