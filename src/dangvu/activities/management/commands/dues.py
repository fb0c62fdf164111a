"""`dangvu dues month --org CODE --month 2026-03 [--assess] [--format json]`: the month's dues of
the cells under an organisation (DOMAIN.md §7, §16.7): the book's lines by cell, due, collected,
not paid, exempted, reduced, and the shares kept by each level (UNCONFIRMED configuration).
`--assess` writes the month's book first (activities.dues.assess, as the page does)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from dangvu.activities import dues, selectors
from dangvu.core.cli import print_json
from dangvu.core.models import ChangeSet
from dangvu.tree.cli import org_by_code


def _month(text: str) -> dt.date:
    try:
        return dt.datetime.strptime(text, "%Y-%m").date()
    except ValueError as exc:
        raise CommandError(f"write the month as YYYY-MM, not {text!r}") from exc


class Command(BaseCommand):
    help = "Party dues (đảng phí): the month's summary of an organisation's cells."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        month = sub.add_parser("month")
        month.add_argument("--org", required=True)
        month.add_argument("--month", required=True, help="YYYY-MM")
        month.add_argument("--assess", action="store_true", help="write the month's book first")
        month.add_argument("--format", choices=("text", "json"), default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        org = org_by_code(options["org"])
        month = _month(options["month"])
        if options["assess"]:
            try:
                with transaction.atomic():
                    dues.assess(org=org, month=month, actor=None, source=ChangeSet.Source.CLI)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
        found = selectors.dues_summary(org, month)
        t = found["totals"]
        if options["format"] == "json":
            print_json(
                {
                    "org": org.code,
                    "name": org.name,
                    "month": month.strftime("%Y-%m"),
                    "regulation": found["regulation"].code,
                    **t,
                    "split": found["split"],
                    "cells_without_book": found["not_assessed"],
                    "cells": [
                        {
                            "name": r.name,
                            "members": r.members,
                            "due": r.due,
                            "paid": r.paid,
                            "unpaid": r.unpaid,
                            "exempt": r.exempt,
                            "reduced": r.reduced,
                        }
                        for r in found["rows"]
                    ],
                },
                self.stdout._out,
            )
            return
        self.stdout.write(
            f"{org.name}, {month:%m/%Y} ({found['regulation'].title}): "
            f"{t['members']} đảng viên, phải thu {t['due']:,} đ, đã thu {t['paid']:,} đ, "
            f"chưa đóng đủ {t['unpaid']}".replace(",", ".")
        )
        for r in found["rows"]:
            self.stdout.write(
                f"  {r.name[:50]:50} {r.members:>4} {r.due:>12,} {r.paid:>12,} {r.unpaid:>4}".replace(
                    ",", "."
                )
            )
