"""`dangvu import KIND FILE [--dry-run] [--keep-rows 5,7 --reason …] [--format json]`."""

from __future__ import annotations

import sys
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from dangvu.core.cli import add_format, print_json
from dangvu.core.errors import RuleError
from dangvu.core.models import ChangeSet
from dangvu.exchange.columns import KINDS


class Command(BaseCommand):
    help = (
        "Import organisations, members or events from an XLSX, ODS or CSV file: every problem is "
        "listed at once; with no problem, all rows are written as one change set (exit 0), "
        "otherwise nothing (exit 1). --dry-run checks only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="check only; write nothing")
        parser.add_argument("--user", help="act as this user, within the user's roles")
        parser.add_argument(
            "--keep-rows",
            dest="keep_rows",
            help="ratings: rows a rule of their year refuses to keep anyway (e.g. 5,7,12 or all); "
            "needs --reason",
        )
        parser.add_argument("--reason", default="", help="why those rows are kept (change log)")
        add_format(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        from django.contrib.auth import get_user_model

        from dangvu.exchange.services import file_import, require_reason

        actor = None
        if options.get("user"):
            actor = (
                get_user_model().objects.filter(username=options["user"], is_active=True).first()
            )
            if actor is None:
                raise CommandError(f"No active user {options['user']!r}")
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
        keep: AbstractSet[int] | str = frozenset()
        if options.get("keep_rows"):
            written = options["keep_rows"].strip().lower()
            try:
                keep = (
                    "all" if written == "all" else {int(n) for n in written.split(",") if n.strip()}
                )
            except ValueError as exc:
                raise CommandError(
                    _("--keep-rows takes row numbers separated by commas, or all.")
                ) from exc
        try:
            require_reason(keep, options["reason"])
        except RuleError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        rich = options["format"] != "json" and sys.stderr.isatty()
        progress = _bar() if rich else None
        outcome, batch = file_import(
            kind=options["kind"],
            content=content,
            filename=path.name,
            actor=actor,
            dry_run=options["dry_run"],
            source=ChangeSet.Source.CLI,
            progress=progress,
            override_rows=keep,
            override_reason=options["reason"],
        )
        document = outcome.as_json()
        if batch is not None:
            document["batch"] = str(batch.pk)
        if options["format"] == "json":
            print_json(document, self.stdout)
        else:
            self._text(document, options["dry_run"])
        if not outcome.ok:
            sys.exit(1)

    def _text(self, doc: dict[str, Any], dry_run: bool) -> None:

        for p in doc["errors"]:
            where = _("row %(n)s") % {"n": p["row"]} if p["row"] else _("file")
            column = f", {p['column']}" if p["column"] else ""
            value = f" «{p['value']}»" if p["value"] else ""
            self.stderr.write(f"{_('Problem')} ({where}{column}){value}: {p['message']}")
        if any(p.get("rule") for p in doc["errors"]):
            self.stderr.write(
                _(
                    "Rows refused only by a rule of their year may be kept with --keep-rows N,M "
                    "--reason “…”; the reason goes into the change log."
                )
            )
        for p in doc["warnings"]:
            where = _("row %(n)s") % {"n": p["row"]}
            column = f", {p['column']}" if p["column"] else ""
            self.stderr.write(f"{_('To review')} ({where}{column}): {p['message']}")
        if dry_run:
            state = _("checked")
        else:
            state = _("committed") if doc["committed"] else _("not committed")
        self.stdout.write(
            _(
                "%(state)s: to add %(created)s, to change %(updated)s, unchanged %(unchanged)s, problems %(errors)s"
            )
            % {
                "state": state,
                "created": doc["created"],
                "updated": doc["updated"],
                "unchanged": doc["unchanged"],
                "errors": len(doc["errors"]),
            }
        )


def _bar() -> Any:
    from rich.progress import Progress

    bar = Progress(transient=True)
    tasks: dict[str, Any] = {}

    def report(phase: str, done: int, total: int) -> None:
        if not tasks:
            bar.start()
        if phase not in tasks:
            tasks[phase] = bar.add_task(phase, total=total or None)
        bar.update(tasks[phase], completed=done, total=total or None)
        if total and done >= total and phase == "check":
            bar.stop()

    return report
