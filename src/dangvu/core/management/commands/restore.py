from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangvu.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup FILE into the configured, empty database, and check it against the backup's manifest."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["file"])
        if not source.is_file():
            raise CommandError(f"No file {source}")
        try:
            manifest = restore(source)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(t["rows"] for t in manifest["tables"].values())
        self.stdout.write(
            f"Restored {len(manifest['tables'])} tables, {rows} rows; counts and checksums match the backup."
        )
