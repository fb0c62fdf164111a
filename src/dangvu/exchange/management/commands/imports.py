"""`dangvu imports list` and `dangvu imports revert ID --reason TEXT`."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangvu.core.cli import add_format, print_json


class Command(BaseCommand):
    help = "The imports committed so far, and reverting one as a whole."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add_format(sub.add_parser("list", help="the imports, newest first"))
        revert = sub.add_parser("revert", help="take a committed import back")
        revert.add_argument("batch")
        revert.add_argument("--reason", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        from dangvu.exchange.models import ImportBatch
        from dangvu.exchange.services import batch_revert

        if options["action"] == "list":
            rows = [
                {
                    "id": str(b.pk),
                    "kind": b.kind,
                    "file": b.filename,
                    "sha256": b.checksum,
                    "state": b.state,
                    "at": b.created_at.isoformat(),
                    "user": b.user.username if b.user else "",
                    "created": b.report.get("created", 0),
                    "updated": b.report.get("updated", 0),
                }
                for b in ImportBatch.objects.select_related("user").defer("content")[:200]
            ]
            if options["format"] == "json":
                print_json(rows, self.stdout)
            else:
                for r in rows:
                    self.stdout.write(
                        f"{r['id']}  {r['at'][:16]}  {r['kind']:8} {r['state']:10} {r['file']}"
                    )
            return
        batch = (
            ImportBatch.objects.filter(pk=options["batch"]).first()
            if _uuid(options["batch"])
            else None
        )
        if batch is None:
            raise CommandError(f"No import {options['batch']}")
        try:
            count = batch_revert(batch=batch, actor=None, reason=options["reason"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"Reverted: {count} records set back")


def _uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
