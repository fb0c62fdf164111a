"""`dangvu export (members|events|orgs) --org CODE [--as-of D] FILE` (.xlsx or .csv)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangvu.accounts.models import AccessRecord
from dangvu.accounts.privacy import record_access
from dangvu.core.cli import parse_as_of
from dangvu.orgs.models import Organisation


class Command(BaseCommand):
    help = (
        "Export the members (as of a date), the events or the organisations of a subtree to an "
        "XLSX or CSV file with the import's headers, so that the file re-imports unchanged."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["members", "events", "orgs", "ratings", "org_ratings"])
        parser.add_argument("file")
        parser.add_argument("--org", required=True, help="the code of the subtree's organisation")
        parser.add_argument("--as-of", dest="as_of", help="members on this date (YYYY-MM-DD)")

    def handle(self, *args: Any, **options: Any) -> None:
        from dangvu.exchange import exporting

        path = Path(options["file"])
        fmt = path.suffix.lower().lstrip(".")
        if fmt not in ("xlsx", "csv"):
            raise CommandError("The file must end in .xlsx or .csv")
        code = options["org"].strip().upper()
        org = Organisation.objects.filter(code=code).first()
        if org is None:
            raise CommandError(f"No organisation with code {code}")
        on = parse_as_of(options["as_of"]) if options.get("as_of") else None
        if options["kind"] == "members":
            members, periods = exporting.members_of(None, org, on)
            records: Any = exporting.member_records(members, None, on=on, periods=periods)
            ids = [m.pk for m in members]
        elif options["kind"] == "events":
            events = exporting.events_of(None, org)
            records, ids = exporting.event_records(events, None), [e.member_id for e in events]
        elif options["kind"] == "ratings":
            ratings = exporting.ratings_of(None, org)
            records, ids = exporting.rating_records(ratings, None), [r.member_id for r in ratings]
        elif options["kind"] == "org_ratings":
            records, ids = exporting.org_rating_records(exporting.org_ratings_of(None, org)), []
        else:
            orgs = exporting.orgs_of(None, org)
            records, ids = exporting.org_records(orgs), []
        if options["kind"] not in ("orgs", "org_ratings"):
            record_access(
                None,
                None,
                action=AccessRecord.Action.EXPORT,
                purpose=AccessRecord.Purpose.OTHER,
                purpose_note="dangvu export (command line)",
                object_type="members.partymember",
                ids=ids,
                org_path=org.path,
                fields=["citizen_id", "religion", "health", "family"],
                summary=f"{org.code}: {len(ids)}",
                via="cli",
            )
        try:
            with path.open("wb") as out:
                count = exporting.write(options["kind"], records, out, fmt, title=org.code)
        except OSError as exc:
            raise CommandError(f"Cannot write {path}: {exc.strerror}") from exc
        self.stdout.write(f"{count} rows written to {path}")
