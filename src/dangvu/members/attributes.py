"""A person's attributes as they stood on a day (issue 19, point 4).

The person's columns hold the newest values; AttributeChange keeps the dated history of those that
change in a life (DATED_ATTRIBUTES). The value held on day d is `before` of the first change dated
after d, or the column when nothing changed after d. Changes are few beside persons, so an answer
about a day reads the columns as the index serves them and restates only the persons changed since.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from dangvu.members.models import DATED_ATTRIBUTES, AttributeChange

History = dict[int, list[tuple[str, dt.date, str]]]


def held_on(person_ids: Any, day: dt.date) -> dict[int, dict[str, str]]:
    """{person: {attribute: value on `day`}} for those of the persons (ids, or a values() query)
    whose dated attributes changed after the day; only the attributes that changed are given."""
    found: dict[int, dict[str, str]] = defaultdict(dict)
    rows = (
        AttributeChange.objects.filter(person_id__in=person_ids, effective__gt=day)
        .order_by("effective", "id")
        .values_list("person_id", "field", "before")
    )
    for person, field, before in rows:
        found[person].setdefault(field, before)  # the first change after the day tells
    return dict(found)


def history_of(person_ids: Iterable[int]) -> History:
    """{person: [(attribute, effective, value before), …] in date order}, for persons with any
    change: what `value_on` reads for many days at once (admissions, each on its own day)."""
    ids = sorted(set(person_ids))
    found: History = defaultdict(list)
    for start in range(0, len(ids), 900):
        rows = (
            AttributeChange.objects.filter(person_id__in=ids[start : start + 900])
            .order_by("effective", "id")
            .values_list("person_id", "field", "effective", "before")
        )
        for person, field, effective, before in rows:
            found[person].append((field, effective, before))
    return dict(found)


def values_on(history: list[tuple[str, dt.date, str]], day: dt.date) -> dict[str, str]:
    """From one person's history: the attributes whose value on `day` differs from the column."""
    found: dict[str, str] = {}
    for field, effective, before in history:
        if effective > day:
            found.setdefault(field, before)
    return found


def restate(
    rows: list[tuple[Any, ...]],
    columns: tuple[str, ...],
    *,
    first: int,
    person: int,
    day: int,
) -> list[tuple[Any, ...]]:
    """Rows carrying a person's columns (`columns`, from index `first`) read as of each row's own
    day: the values the person held then, with the person's id at `person` and the day at `day`."""
    history = history_of(r[person] for r in rows)
    if not history:
        return rows
    out = []
    for row in rows:
        changed = history.get(row[person])
        if changed:
            held = values_on(changed, row[day])
            if held:
                row = tuple(
                    held.get(columns[i - first], v) if first <= i < first + len(columns) else v
                    for i, v in enumerate(row)
                )
        out.append(row)
    return out


def _fields_of(q: Q) -> set[str]:
    found: set[str] = set()
    for child in q.children:
        if isinstance(child, Q):
            found |= _fields_of(child)
        else:
            found.add(child[0].split("__", 1)[0])  # type: ignore[index]
    return found


def _renamed(q: Q, field: str, to: str) -> Q:
    out = Q()
    out.connector, out.negated = q.connector, q.negated
    for child in q.children:
        if isinstance(child, Q):
            out.children.append(_renamed(child, field, to))
        else:
            key, value = child  # type: ignore[misc]
            head, sep, rest = key.partition("__")
            out.children.append((f"{to}{sep}{rest}" if head == field else key, value))
    return out


def _prefixed(q: Q, prefix: str) -> Q:
    out = Q()
    out.connector, out.negated = q.connector, q.negated
    for child in q.children:
        if isinstance(child, Q):
            out.children.append(_prefixed(child, prefix))
        else:
            key, value = child  # type: ignore[misc]
            out.children.append((f"{prefix}{key}", value))
    return out


def first_changes_after(field: str, day: dt.date) -> QuerySet[AttributeChange]:
    """Each person's first change of the attribute dated after the day."""
    later = AttributeChange.objects.filter(field=field, effective__gt=day)
    earlier = AttributeChange.objects.filter(
        person=OuterRef("person"),
        field=field,
        effective__gt=day,
        effective__lt=OuterRef("effective"),
    )
    return later.filter(~Exists(earlier))


def as_of(q: Q, day: dt.date, prefix: str) -> Q:
    """The condition `q` on a person's columns (`Q(occupation="retired")`), on the persons reached
    by `prefix` (`member__person__`), read with the values they held on `day`: the column for those
    whose attribute did not change after the day, the value before the first later change for the
    others. One attribute per condition, as the forms' breakdowns have."""
    dated = _fields_of(q) & set(DATED_ATTRIBUTES)
    if not dated:
        return _prefixed(q, prefix)
    if len(dated) > 1:
        raise ValueError("a dated condition reads one attribute")
    (field,) = dated
    changed = AttributeChange.objects.filter(field=field, effective__gt=day).values("person_id")
    held = first_changes_after(field, day).filter(_renamed(q, field, "before"))
    key = f"{prefix}id__in"
    return (_prefixed(q, prefix) & ~Q(**{key: changed})) | Q(**{key: held.values("person_id")})
