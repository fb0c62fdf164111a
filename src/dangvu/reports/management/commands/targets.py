"""`dangvu targets set --org CODE --year YYYY --target N`, `dangvu targets import FILE`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangvu.core.errors import RuleError
from dangvu.core.models import ChangeSet
from dangvu.tree.cli import org_by_code


class Command(BaseCommand):
    help = "Admission targets of organisations (chỉ tiêu kết nạp đảng viên)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        one = sub.add_parser("set")
        one.add_argument("--org", required=True)
        one.add_argument("--year", required=True, type=int)
        one.add_argument("--target", required=True, type=int)
        many = sub.add_parser("import", help="XLSX, ODS or CSV: Mã tổ chức, Năm, Chỉ tiêu")
        many.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        from dangvu.reports import services

        try:
            if options["action"] == "set":
                org = org_by_code(options["org"])
                services.target_set(
                    org=org,
                    year=options["year"],
                    target=options["target"],
                    actor=None,
                    source=ChangeSet.Source.CLI,
                )
                self.stdout.write(f"{org.code} {options['year']}: {options['target']}")
            else:
                path = Path(options["file"])
                count = services.targets_import(data=path.read_bytes(), name=path.name, actor=None)
                self.stdout.write(f"{count} targets recorded")
        except RuleError as exc:
            raise CommandError(str(exc)) from exc
