"""Writing the change log. Services call these inside their own transaction (STYLE.md practice 3)."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import models, transaction

from dangvu.core.actors import Actor, as_user
from dangvu.core.labels import SYSTEM
from dangvu.core.models import ChangeLogEntry, ChangeSet, Decision
from dangvu.core.prepared import Prepared

JSONable = dict[str, Any]

# The change sets opened while a checked write is in progress (see accounts.guard).
_opened: ContextVar[list[uuid.UUID] | None] = ContextVar("dangvu_opened_changesets", default=None)


@contextmanager
def collecting_change_sets() -> Iterator[list[uuid.UUID]]:
    """Collect the ids of the change sets opened inside the block (an enclosing collection gets
    them too: a checked write inside another is checked by both)."""
    found: list[uuid.UUID] = []
    outer = _opened.get()
    token = _opened.set(found)
    try:
        yield found
    finally:
        _opened.reset(token)
        if outer is not None:
            outer.extend(found)


def actor_name(actor: Actor) -> str:
    if actor is None:
        return SYSTEM
    full = getattr(actor, "get_full_name", lambda: "")()
    return full or str(getattr(actor, "username", actor))


def open_change_set(
    *, actor: Actor, reason: str = "", source: str = ChangeSet.Source.WEB
) -> ChangeSet:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("a change set must be opened inside the service's transaction")
    changeset = ChangeSet.objects.create(
        actor=as_user(actor),
        actor_name=actor_name(actor),
        reason=reason,
        source=source,
    )
    collected = _opened.get()
    if collected is not None:
        collected.append(changeset.id)
    return changeset


_SCALARS = frozenset({str, int, float, bool, type(None)})


def to_jsonable(value: Any) -> Any:
    if type(value) in _SCALARS:  # most values: the checks below are slower (Mapping is an ABC)
        return value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [to_jsonable(v) for v in value]
    return value


def snapshot(instance: models.Model, fields: Iterable[str]) -> JSONable:
    return {name: to_jsonable(getattr(instance, name)) for name in fields}


def object_type(instance: models.Model) -> str:
    return instance._meta.label_lower


def scope_path_of(*records: models.Model) -> str:
    """The tree path a change is filed under: the first of the records that has one (a member's
    cell, an organisation, the organisation of a role)."""
    for record in records:
        path = getattr(record, "scope_path", None)
        if path is None and hasattr(record, "path"):
            path = record.path
        org = getattr(record, "org", None)
        if path is None and org is not None:
            path = org.path  # an event, a discipline decision: where it happened
        if path:
            return str(path)
    return ""


def _label(obj: models.Model, target: models.Model) -> str:
    """What the entry is about, readable on its own: "Member — Event" for an event of a member."""
    own, whose = str(obj), str(target)
    return (own if target is obj or own.startswith(whose) else f"{whose} — {own}")[:300]


def log_entry(
    changeset: ChangeSet,
    *,
    action: str,
    obj: models.Model,
    subject: models.Model | None = None,
    before: JSONable | None = None,
    after: JSONable | None = None,
    reason: str = "",
    save: bool = True,
    scope_path: str | None = None,
) -> ChangeLogEntry:
    """One entry of the change log. `scope_path` files it under a place in the tree when the
    records do not say it yet (a member being created has no cell until the first event)."""
    entry = ChangeLogEntry(
        **log_values(
            changeset,
            action=action,
            obj=obj,
            subject=subject,
            before=before,
            after=after,
            reason=reason,
            scope_path=scope_path,
        )
    )
    if save:
        entry.save()
    return entry


def log_values(
    changeset: ChangeSet,
    *,
    action: str,
    obj: models.Model,
    subject: models.Model | None = None,
    before: JSONable | None = None,
    after: JSONable | None = None,
    reason: str = "",
    scope_path: str | None = None,
) -> dict[str, Any]:
    """The column values of a change log entry (`log_entry` makes it; `core.bulk` inserts many)."""
    target = subject if subject is not None else obj
    return record_values(
        changeset,
        action=action,
        kind=object_type(obj),
        key=obj.pk,
        label=_label(obj, target),
        subject_kind=object_type(target),
        subject_key=str(target.pk),
        before=before,
        after=after,
        reason=reason,
        scope_path=scope_path if scope_path is not None else scope_path_of(target, obj),
    )


def record_values(
    changeset: ChangeSet,
    *,
    action: str,
    kind: str,
    key: Any,
    label: str,
    scope_path: str,
    subject_kind: str | None = None,
    subject_key: Any = None,
    before: JSONable | None = None,
    after: JSONable | None = None,
    reason: str = "",
) -> dict[str, Any]:
    """`log_values` for a record written as column values, without a model instance (an import
    of 150,000 members): its type ("members.partymember"), key, label and place in the tree;
    the subject is the record itself unless given."""
    return dict(
        changeset_id=changeset.pk,
        actor_id=changeset.actor_id,
        actor_name=changeset.actor_name,
        action=action,
        object_type=kind,
        object_id=str(key),
        object_label=label[:300],
        subject_type=subject_kind or kind,
        subject_id=str(key if subject_key is None else subject_key),
        before=to_jsonable(before) if before is not None else None,
        after=to_jsonable(after) if after is not None else None,
        reason=reason or changeset.reason,
        scope_path=scope_path,
    )


def _history(kind: str, key: str) -> models.QuerySet[ChangeLogEntry]:
    return ChangeLogEntry.objects.filter(subject_type=kind, subject_id=key).order_by("-at", "-id")


def history_of(instance: models.Model) -> models.QuerySet[ChangeLogEntry]:
    """The change log of one record (the caller has already checked that it may be seen)."""
    return _history(object_type(instance), str(instance.pk))


_RECENT = 100
_RECENT_HISTORY: Prepared[ChangeLogEntry] = Prepared(
    lambda kind, key: _history(kind, key)[:_RECENT], str, str
)


def recent_history(instance: models.Model) -> list[ChangeLogEntry]:
    """The newest hundred entries of `history_of`, the statement built once (core.prepared)."""
    return _RECENT_HISTORY(object_type(instance), str(instance.pk))


def get_or_create_decision(
    *, number: str, date: dt.date, issuer: str, summary: str = ""
) -> Decision:
    from dangvu.core.text import clean

    number, issuer = clean(number), clean(issuer)
    if number:
        decision, _created = Decision.objects.get_or_create(
            number=number, date=date, issuer=issuer, defaults={"summary": clean(summary)}
        )
        return decision
    return Decision.objects.create(number="", date=date, issuer=issuer, summary=clean(summary))
