from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangvu.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database to FILE (SQLite online backup or pg_dump, with a manifest of counts and checksums)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        target = Path(options["file"])
        try:
            manifest = backup(target)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(t["rows"] for t in manifest["tables"].values())
        self.stdout.write(
            f"Backup written to {target}: {len(manifest['tables'])} tables, {rows} rows "
            f"({manifest['vendor']}, {manifest['created_at']})."
        )
