"""Helpers for management commands that report: `--format json` prints one JSON document only."""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Any

from django.core.management.base import CommandError, CommandParser


def add_format(parser: CommandParser) -> None:
    parser.add_argument("--format", choices=["text", "json"], default="text", help="output format")


def parse_as_of(value: str | None) -> dt.date:
    from dangvu.core.dates import today

    if not value:
        return today()
    from dangvu.core.dates import FIRST_YEAR, LAST_YEAR, in_range

    try:
        found = dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--as-of must be a date written YYYY-MM-DD, not {value!r}") from exc
    if not in_range(found):
        raise CommandError(f"--as-of must lie between {FIRST_YEAR} and {LAST_YEAR}, not {value!r}")
    return found


def print_json(document: Any, stream: Any = None) -> None:
    """One JSON document, and nothing else, on standard output (or the command's stdout)."""
    out = stream if stream is not None else sys.stdout
    out.write(json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n")
