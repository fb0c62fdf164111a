"""`dangvu report form N --org CODE --period YYYY --out F.xlsx`, `dangvu report annual --org CODE
--year YYYY --out F.docx`, `dangvu report term --org CODE --period YYYY-YYYY --out F.docx`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangvu.core.errors import RuleError
from dangvu.core.models import ChangeSet
from dangvu.tree.cli import org_by_code


class Command(BaseCommand):
    help = "Write a statistics form (XLSX) or the annual or term review (DOCX, with an XLSX annex)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        form = sub.add_parser("form", help="a statistics form as XLSX")
        form.add_argument("number", help="form number: 1, 2, 2B, 3, 4, 5, 6, 7")
        form.add_argument("--org", required=True)
        form.add_argument("--period", required=True, help="YYYY or FIRST-LAST")
        form.add_argument("--out", required=True)
        annual = sub.add_parser("annual", help="the annual review as DOCX")
        annual.add_argument("--org", required=True)
        annual.add_argument("--year", required=True, type=int)
        annual.add_argument("--out", required=True)
        annual.add_argument("--number", default="", help="the document's number")
        annual.add_argument("--annex", help="the XLSX annex (default: next to --out)")
        term = sub.add_parser("term", help="the term review as DOCX")
        term.add_argument("--org", required=True)
        term.add_argument("--period", required=True, help="FIRST-LAST, e.g. 2020-2025")
        term.add_argument("--out", required=True)
        term.add_argument("--number", default="")
        term.add_argument("--annex")

    def handle(self, *args: Any, **options: Any) -> None:
        from dangvu.reports import services
        from dangvu.reports.management.commands.stats import parse_period
        from dangvu.reports.models import ReportRun

        org = org_by_code(options["org"])
        action = options["action"]
        if action == "form":
            start, end = parse_period(options["period"])
            kind, form = ReportRun.Kind.FORM, options["number"].upper()
        elif action == "annual":
            year = options["year"]
            start, end, form = dt.date(year, 1, 1), dt.date(year, 12, 31), ""
            kind = ReportRun.Kind.ANNUAL
        else:
            start, end = parse_period(options["period"])
            kind, form = ReportRun.Kind.TERM, ""
        try:
            run = services.run_create(
                kind=kind,
                org=org,
                start=start,
                end=end,
                actor=None,
                form=form,
                number=options.get("number", ""),
                source=ChangeSet.Source.CLI,
            )
        except RuleError as exc:
            raise CommandError(str(exc)) from exc
        data, _name, _type = services.document_of(run)
        out = Path(options["out"])
        out.write_bytes(data)
        self.stdout.write(f"{out} ({len(data):,} bytes; run {run.pk})")
        if kind != ReportRun.Kind.FORM:
            annex = Path(options.get("annex") or out.with_name(out.stem + "-phu-luc.xlsx"))
            annex.write_bytes(services.annex_of(run))
            self.stdout.write(f"{annex}")
