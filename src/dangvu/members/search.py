"""Search by a part of a name whose cost follows the province searched and the letters typed, not
the country (issue 28, point 1).

A name search is `search_name LIKE '%typed%'` on the accent-free name, inside the subtree of the
organisation searched, and stays exactly that. On PostgreSQL a trigram index over every person
made each search read the country's posting lists of its trigrams ("ngu" alone is in two names
of five): 84 ms of database CPU a search at national scale (bench/results/scale-postgresql.txt).

Here each member row keeps its name's trigrams *prefixed with its province* (the first segment of
its cell's path): "0000012ngu 0000012guy …", in `PartyMember.search_grams`, behind a GIN index of
that list. A search asks for the rows holding every trigram of what was typed, in the province
of the organisation searched, then checks the LIKE on those rows. Every name holding the typed
text holds its trigrams, so the answers are the LIKE's, exactly; the posting lists read are the
province's, and the GIN index's fast scan walks them from the rarest trigram typed. Text shorter
than a trigram reads the organisation's subtree, as before.

`search_grams` is derived from the member's cell and the person's name, like the status from the
events: `refresh` writes it, and every service that changes either calls it (members.events for a
change of cell, the record and import services for a name, tree.services for a move that changes
a province's path, the bulk admission writing it with the row); `stale` finds rows it would change
(tests and `manage.py members_search --check`). SQLite, a province's server, reads the subtree by
its path index and checks the LIKE row by row, as before: its cost is the province's already.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.db import connection
from django.db.models import F, Func, QuerySet, TextField, Value

from dangvu.core import bulk
from dangvu.orgs.models import SEGMENT_WIDTH, Organisation

GRAM = 3
# The separator of the stored list: never inside a gram (a space in a name is stored as "_").
SEPARATOR = " "


def _grams(text: str) -> set[str]:
    text = text.replace(" ", "_")
    return {text[i : i + GRAM] for i in range(len(text) - GRAM + 1)}


def root_of(path: str | None) -> str:
    """The province key: the first segment of an organisation's path ("" for no cell)."""
    return (path or "")[:SEGMENT_WIDTH]


def name_grams(path: str | None, search_name: str) -> str:
    """The stored value: the name's trigrams, each after the province key, sorted, space-separated.
    A member with no cell (left the Party) has none: no search of a subtree can find it."""
    root = root_of(path)
    if not root:
        return ""
    return SEPARATOR.join(sorted(root + g for g in _grams(search_name)))


def query_grams(path: str, key: str) -> list[str]:
    """The trigrams every name holding `key` (already a search key) holds, in the province of the
    organisation at `path`; [] when `key` is shorter than a trigram."""
    root = root_of(path)
    return sorted(root + g for g in _grams(key))


def holding(qs: QuerySet[Any], path: str, key: str) -> QuerySet[Any]:
    """`qs` (party members) narrowed, on PostgreSQL, to the rows whose stored trigrams include all
    of `key`'s in the province of `path`; the caller still filters by the LIKE itself."""
    grams = query_grams(path, key)
    if not grams or connection.vendor != "postgresql":
        return qs
    from django.contrib.postgres.fields import ArrayField

    # The expression of the index (members migration 0008), so that PostgreSQL can use it.
    stored = Func(
        F("search_grams"),
        Value(SEPARATOR),
        function="string_to_array",
        output_field=ArrayField(TextField()),
    )
    return qs.alias(name_grams=stored).filter(name_grams__contains=grams)


def _rows(
    members: Iterable[int] = (), persons: Iterable[int] = (), orgs: Iterable[int] = ()
) -> Iterator[tuple[int, str | None, str, str]]:
    from dangvu.members.models import PartyMember

    qs = PartyMember.objects.all()
    chosen = [("pk__in", sorted(set(members))), ("person_id__in", sorted(set(persons)))]
    chosen.append(("org_id__in", sorted(set(orgs))))
    wanted = [(lookup, ids) for lookup, ids in chosen if ids]
    for lookup, ids in wanted:
        for start in range(0, len(ids), 5000):
            yield from qs.filter(**{lookup: ids[start : start + 5000]}).values_list(
                "pk", "org__path", "person__search_name", "search_grams"
            )


def stale(
    members: Iterable[int] = (), persons: Iterable[int] = (), orgs: Iterable[int] = ()
) -> dict[int, str]:
    """The rows among those named whose stored trigrams differ from what they derive to, with the
    value they should hold."""
    out: dict[int, str] = {}
    for pk, path, name, stored in _rows(members, persons, orgs):
        value = name_grams(path, name)
        if value != stored:
            out[pk] = value
    return out


def refresh(
    *, members: Iterable[int] = (), persons: Iterable[int] = (), orgs: Iterable[int] = ()
) -> int:
    """Derive again the stored trigrams of the members named (by id, by person, by cell) and write
    those that changed; returns how many. Inside the caller's transaction."""
    changed = stale(members, persons, orgs)
    if changed:
        from dangvu.members.models import PartyMember

        bulk.update_values(PartyMember, ["search_grams"], {pk: [v] for pk, v in changed.items()})
    return len(changed)


def rekey(orgs: Iterable[int]) -> None:
    """The members of these cells, moved to another province, take its key. On PostgreSQL in one
    statement a chunk, in the database: every stored trigram is the province's key (its first
    `SEGMENT_WIDTH` characters) then three letters with no space, so putting the new key in place
    of the old in front of each is deriving it again, in the same order (the 2025 reform moves
    two provinces' members: read and sent back row by row, their keys took a quarter of its time
    on the demo under the profiler, 3.2 s of 13.4). Elsewhere, `refresh`."""
    ids = sorted(set(orgs))
    if connection.vendor != "postgresql":
        refresh(orgs=ids)
        return
    from dangvu.members.models import PartyMember

    members, cells = PartyMember._meta.db_table, Organisation._meta.db_table
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 5000):
            cursor.execute(
                # Names from the models; the cells' keys and the width are parameters.
                f"UPDATE {members} AS m SET search_grams = regexp_replace("  # noqa: S608
                "m.search_grams, %s, '\\1' || left(o.path, %s), 'g') "
                f"FROM {cells} AS o WHERE o.id = m.org_id AND m.org_id = ANY(%s) "
                "AND m.search_grams <> '' AND left(m.search_grams, %s) <> left(o.path, %s)",
                [
                    f"(^|{SEPARATOR})[^{SEPARATOR}]{{{SEGMENT_WIDTH}}}",
                    SEGMENT_WIDTH,
                    ids[start : start + 5000],
                    SEGMENT_WIDTH,
                    SEGMENT_WIDTH,
                ],
            )


def refresh_all() -> int:
    """Every member's (a migration, a restore, `manage.py members_search`)."""
    from dangvu.members.models import PartyMember

    ids = list(PartyMember.objects.values_list("pk", flat=True))
    return refresh(members=ids)
