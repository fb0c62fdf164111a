"""Importing a file of organisations, members or events: every problem found at once, natural keys
deciding create or update, a preview of each change, then all rows committed or none.

The rules are the services' own: members are checked by `members.services.check_bulk_admit` and
`clean_person`, events are recorded by `members.events.event_record` and organisations by
`tree.services`; a dry run of events or organisations records them inside a transaction that is
then rolled back, so that the dry run and the commit cannot disagree."""

from __future__ import annotations

from typing import Any

from django.utils import translation

from dangvu.core.actors import Actor
from dangvu.exchange.importing.base import (
    FIELD_COLUMNS,
    KEYS,
    MEMO_PER_COLUMN,
    ROW_OF_FILE,
    Importer,
    Outcome,
    Problem,
    Progress,
    Row,
    _bad_cell,
    _display,
    _keys_shown,
    _NothingToWrite,
    _Rollback,
    _similarity,
    checksum,
)
from dangvu.exchange.importing.events import EventImporter, _event_label
from dangvu.exchange.importing.members import CREATE_REQUIRED, LIFECYCLE, MemberImporter
from dangvu.exchange.importing.orgs import OrgImporter, _depth
from dangvu.exchange.importing.ratings import (
    RULE_COLUMNS,
    OrgRatingImporter,
    RatingImporter,
    _differences,
    _same,
    _subject_name,
)

IMPORTERS: dict[str, type[Importer]] = {
    "orgs": OrgImporter,
    "members": MemberImporter,
    "events": EventImporter,
    "ratings": RatingImporter,
    "org_ratings": OrgRatingImporter,
}


def importer_for(
    kind: str, content: bytes, filename: str, actor: Actor, **options: Any
) -> Importer:
    return IMPORTERS[kind](content, filename, actor, **options)


def with_language(language: str | None) -> Any:
    return translation.override(language or "vi")


__all__ = [
    "CREATE_REQUIRED",
    "FIELD_COLUMNS",
    "IMPORTERS",
    "KEYS",
    "LIFECYCLE",
    "MEMO_PER_COLUMN",
    "ROW_OF_FILE",
    "RULE_COLUMNS",
    "EventImporter",
    "Importer",
    "MemberImporter",
    "OrgImporter",
    "OrgRatingImporter",
    "Outcome",
    "Problem",
    "Progress",
    "RatingImporter",
    "Row",
    "_NothingToWrite",
    "_Rollback",
    "_bad_cell",
    "_depth",
    "_differences",
    "_display",
    "_event_label",
    "_keys_shown",
    "_same",
    "_similarity",
    "_subject_name",
    "checksum",
    "importer_for",
    "with_language",
]
