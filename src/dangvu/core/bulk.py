"""Inserting many rows at once, for imports of whole provinces.

`insert` does what `QuerySet.bulk_create` does for plain tables, without its per-value compiler
work: each column's conversion is chosen once (plain text, numbers and integer keys go to the
driver as they are; dates and JSON for SQLite as the field would write them; the rest through the
field's own `get_db_prep_save`), and the rows go in as the floor of issue 28 writes them: on
SQLite one prepared INSERT run for every row (`executemany`), new keys given inside the write
transaction; on PostgreSQL by COPY, keys taken from the sequence first. No signals are sent and
`save()` is not called, as with `bulk_create`; the caller has checked the rows.

`update` writes some fields of many saved instances, as `QuerySet.bulk_update` does, but
`bulk_update` sends one statement a batch with a CASE over the batch's keys for each field, which
the database evaluates for each row against every branch — on SQLite 1,898 members rebuilt by a
restructuring took seconds. Here SQLite runs one parameterised UPDATE a row, sent together
(`executemany`, in-process); PostgreSQL gets the rows as arrays, one per column, joined by key
(`UPDATE … FROM unnest(…)`), a statement for ten thousand rows.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from operator import itemgetter
from typing import Any, TypeVar

from django.db import connections, models, router, transaction
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models.fields import AutoFieldMixin
from django.utils import timezone

M = TypeVar("M", bound=models.Model)

_PLAIN = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
)
_ROWS_PER_ARRAY = 10_000


def lookup_size() -> int:
    """How many values one `IN (…)` of a big lookup carries: 5,000 (a query for 5,000 keys
    costs little more than one for 500), or fewer where SQLite allows fewer parameters to a
    statement (999 before SQLite 3.32, which Django 5.2 still runs on)."""
    connection = connections["default"]
    if connection.vendor != "sqlite":
        return 5000
    connection.ensure_connection()
    limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return max(1, min(5000, limit - 99))  # room for the statement's other parameters


def _plain(field: models.Field) -> bool:
    """Whether the driver takes the attribute as it is (text, numbers, integer keys)."""
    if isinstance(field, models.ForeignKey):
        return _plain(field.target_field)
    return (
        isinstance(field, _PLAIN) and type(field).get_db_prep_save is models.Field.get_db_prep_save
    )


class _Memo(dict[Any, Any]):
    """A column's conversions remembered by value (dates, times, keys repeat): looked up by
    `map(memo.__getitem__, column)` without a Python call for a value seen before."""

    def __init__(self, convert: Callable[[Any], Any]) -> None:
        super().__init__()
        self.convert = convert

    def __missing__(self, value: Any) -> Any:
        done = self[value] = self.convert(value)
        return done


# Fields whose values are all of one kind (or None), so a value's conversion can be remembered by
# the value alone (1, 1.0 and True, equal in Python, never meet in such a column).
_BY_VALUE = (models.DateField, models.TimeField, models.UUIDField, models.DecimalField)


def _sqlite_converter(field: models.Field, connection: Any) -> Callable[[Any], Any] | None:
    """SQLite's text for the values of the commonest columns, as the field's `get_db_prep_save`
    gives it (`str(date)`, `json.dumps`) without its layers of calls; any other value goes
    through the field. None when the field is not one of these (or is a subclass that may
    convert otherwise)."""
    slow = field.get_db_prep_save
    if type(field) is models.DateField:

        def date_text(value: Any) -> Any:
            return value.isoformat() if type(value) is dt.date else slow(value, connection)

        return _Memo(date_text).__getitem__
    if type(field) is models.JSONField and type(connection.ops).adapt_json_value is (
        BaseDatabaseOperations.adapt_json_value
    ):
        encoder = field.encoder
        empty: dict[type, Any] = {dict: slow({}, connection), list: slow([], connection)}

        def json_text(value: Any) -> Any:
            kind = type(value)
            if kind is dict or kind is list:
                return json.dumps(value, cls=encoder) if value else empty[kind]
            return slow(value, connection)

        return json_text
    return None


def _converter(field: models.Field, connection: Any) -> Callable[[Any], Any] | None:
    """How a column's value goes to the driver: as it is (None), or converted by the field,
    remembering the conversions of repeated values (dates, times, keys, empty JSON)."""
    if _plain(field):
        return None
    if connection.vendor == "postgresql" and isinstance(field, models.DateField | models.UUIDField):
        return None  # psycopg sends dates, times and UUIDs as they are
    if connection.vendor == "sqlite":
        fast = _sqlite_converter(field, connection)
        if fast is not None:
            return fast
    if isinstance(field, _BY_VALUE):
        memo = _Memo(lambda value: field.get_db_prep_save(value, connection))
        return memo.__getitem__
    seen: dict[Any, Any] = {}
    json = isinstance(field, models.JSONField)

    def convert(value: Any) -> Any:
        if json and value:  # only the empty {} and [] repeat enough to remember
            return field.get_db_prep_save(value, connection)
        key = (type(value), repr(value)) if json else (type(value), value)
        try:
            return seen[key]
        except KeyError:
            done = seen[key] = field.get_db_prep_save(value, connection)
            if len(seen) > 100_000:
                seen.clear()
            return done
        except TypeError:
            return field.get_db_prep_save(value, connection)

    return convert


def _constant(value: Any) -> Callable[[], Any]:
    return lambda: value


def insert(objs: Sequence[M], *, returning_pk: bool = False) -> Sequence[M]:
    """Insert unsaved instances of one model; with `returning_pk`, their new keys are set."""
    if not objs:
        return objs
    relations = [f for f in objs[0]._meta.concrete_fields if isinstance(f, models.ForeignKey)]
    for obj in objs:
        for field in relations:  # a relation set to an object saved since: take its key
            if getattr(obj, field.attname) is None and field.is_cached(obj):
                related = field.get_cached_value(obj)
                if related is not None:
                    setattr(obj, field.attname, related.pk)
    keys = insert_values(type(objs[0]), [obj.__dict__ for obj in objs], returning_pk=returning_pk)
    connection = connections[router.db_for_write(type(objs[0]))]
    for index, obj in enumerate(objs):
        if keys:
            obj.pk = keys[index]
        obj._state.adding = False
        obj._state.db = connection.alias
    return objs


def insert_values(
    model: type[models.Model], rows: Sequence[dict[str, Any]], *, returning_pk: bool = False
) -> list[Any]:
    """Insert rows given as {attribute name: value} (`org_id`, not `org`); a missing attribute
    takes the field's default. Returns the new keys in order when `returning_pk`, else []."""
    if not rows:
        return []
    opts = model._meta
    connection = connections[router.db_for_write(model)]
    pk = opts.pk
    generated_pk = isinstance(pk, AutoFieldMixin)
    fields = [f for f in opts.concrete_fields if not (f is pk and generated_pk)]
    now = timezone.now()
    stamped = {
        f.attname
        for f in fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    }
    convert = [_converter(f, connection) for f in fields]
    columns = [
        (
            f.attname,
            c,
            now if f.attname in stamped else None,
            # A missing value takes what the ORM would: the default (a callable one called for
            # each row), else "" for text that may not be null, else None.
            f.get_default
            if f.has_default() and callable(f.default)
            else _constant(f.get_default()),
        )
        for f, c in zip(fields, convert, strict=True)
    ]
    known = {f.attname for f in opts.concrete_fields}
    unknown = [name for name in rows[0] if name not in known and not name.startswith("_")]
    if unknown:  # a misspelt column would otherwise take its default without a word
        raise TypeError(f"{opts.label} has no column {', '.join(unknown)}")
    given = returning_pk and not generated_pk
    tuples, given_keys = _tuples(rows, columns, pk.attname if given else None)
    with_keys = returning_pk and generated_pk
    if connection.vendor == "postgresql":
        keys = _copy(connection, opts, fields, tuples, with_keys)
    else:  # SQLite, the only other database dangvu runs on
        keys = _sqlite_insert(connection, opts, fields, tuples, with_keys)
    return given_keys if given else keys


def _tuples(
    rows: Sequence[dict[str, Any]],
    columns: list[tuple[str, Callable[[Any], Any] | None, Any, Callable[[], Any]]],
    key: str | None = None,
) -> tuple[list[tuple[Any, ...]], list[Any]]:
    """Each row's values in the columns' order, converted for the driver, and the values of the
    column `key` as given (the keys of a table whose key is not generated). A row is read by one
    `itemgetter`; a row missing an attribute is read from a copy with the defaults filled in
    (the caller's dict is left as it was, and a callable default is called for each row); the
    conversions go a column at a time."""
    names = [attname for attname, _c, _s, _d in columns]
    stamps = [(attname, stamp) for attname, _c, stamp, _d in columns if stamp is not None]
    defaults = [(attname, default) for attname, _c, stamp, default in columns if stamp is None]
    get = itemgetter(*names)
    single = len(names) == 1
    at = names.index(key) if key is not None and key in names else None
    out: list[Any] = []
    for row in rows:
        for attname, stamp in stamps:
            row[attname] = stamp  # as `bulk_create` sets them on the instance
        try:
            values = get(row)
        except KeyError:
            filled = {**row}
            for attname, default in defaults:
                if attname not in filled:
                    filled[attname] = default()
            values = get(filled)
        out.append((values,) if single else values)
    keys = [values[at] for values in out] if at is not None else []
    converted = [(i, conv) for i, (_a, conv, _s, _d) in enumerate(columns) if conv is not None]
    if converted and out:
        by_column: list[Any] = list(zip(*out, strict=True))
        for index, conv in converted:
            by_column[index] = list(map(conv, by_column[index]))
        out = list(zip(*by_column, strict=True))
    return out, keys


def _sqlite_insert(
    connection: Any,
    opts: Any,
    fields: list[models.Field],
    tuples: list[tuple[Any, ...]],
    with_keys: bool,
) -> list[Any]:
    """SQLite: one INSERT prepared once and run for every row (`executemany`, in-process, as
    the floor of issue 28 writes them). New keys are given here rather than read back: inside
    the write transaction (BEGIN IMMEDIATE: no other writer), the next ones after both the
    table's largest key and its AUTOINCREMENT counter, so that no key of a deleted row is
    used again."""
    quote = connection.ops.quote_name
    table = quote(opts.db_table)
    names = [quote(f.column) for f in fields]
    keys: list[Any] = []
    # Outside a transaction the rows and the keys they were given go in as one of their own;
    # inside the caller's, as part of it (an error is the caller's to handle, as with the ORM).
    alone = (
        nullcontext() if connection.in_atomic_block else transaction.atomic(using=connection.alias)
    )
    with alone, connection.cursor() as cursor:
        if with_keys:
            pk = quote(opts.pk.column)
            cursor.execute(
                f"SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "  # noqa: S608 — names from the model
                f"coalesce((SELECT max({pk}) FROM {table}), 0))",
                [opts.db_table],
            )
            (last,) = cursor.fetchone()
            keys = list(range(last + 1, last + 1 + len(tuples)))
            names.insert(0, pk)
            tuples = [(key, *values) for key, values in zip(keys, tuples, strict=True)]
        cursor.executemany(
            f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join(['%s'] * len(names))})",  # noqa: S608 — names from the model, values parameters
            tuples,
        )
    return keys


def update(objs: Sequence[M], fields: Sequence[str]) -> int:
    """Write `fields` (names, as for `bulk_update`) of saved instances of one model; returns the
    number of instances given. One given twice is written as the later copy says, as one
    statement a row would leave it."""
    if not objs:
        return 0
    names = _attnames(type(objs[0]), fields)
    update_values(type(objs[0]), fields, {o.pk: [getattr(o, n) for n in names] for o in objs})
    return len(objs)


def update_values(
    model: type[models.Model], fields: Sequence[str], rows: dict[Any, Sequence[Any]]
) -> int:
    """Write `fields` of the rows given as {key: [value of each field]} (a relation's value its
    key); returns how many rows."""
    if not rows:
        return 0
    opts = model._meta
    connection = connections[router.db_for_write(model)]
    targets = _targets(model, fields)
    convert = [_converter(f, connection) for f in targets]
    values = [
        [
            *(v if conv is None else conv(v) for v, conv in zip(row, convert, strict=True)),
            pk,
        ]
        for pk, row in rows.items()
    ]
    if connection.vendor == "postgresql":
        _update_from_arrays(connection, opts, targets, values)
    else:
        quote = connection.ops.quote_name
        sql = (
            f"UPDATE {quote(opts.db_table)} SET "  # noqa: S608 — names from the model, values parameters
            + ", ".join(f"{quote(f.column)} = %s" for f in targets)
            + f" WHERE {quote(opts.pk.column)} = %s"
        )
        with connection.cursor() as cursor:
            cursor.executemany(sql, values)
    return len(values)


def _targets(model: type[models.Model], fields: Sequence[str]) -> list[models.Field]:
    targets: list[models.Field] = []
    for name in fields:
        field = model._meta.get_field(name)
        if not isinstance(field, models.Field) or not field.concrete:
            raise TypeError(f"{name} is not a column of {model._meta.label}")
        targets.append(field)
    return targets


def _attnames(model: type[models.Model], fields: Sequence[str]) -> list[str]:
    return [f.attname for f in _targets(model, fields)]


def _update_from_arrays(
    connection: Any, opts: Any, targets: list[models.Field], rows: list[list[Any]]
) -> None:
    """PostgreSQL: the rows as one array a column, joined by key in one UPDATE a chunk
    (`UPDATE … FROM unnest(…)`): one statement planned and run for thousands of rows, where
    `executemany` runs one a row through the server (a restructuring re-keys a province)."""
    quote = connection.ops.quote_name
    pk = opts.pk
    columns = [*targets, pk]
    names = [f"c{index}" for index in range(len(columns))]
    # Each array cast to its column's type (from the model's metadata), so that the driver's
    # guess (text, numeric) never decides it; values are parameters.
    arrays = ", ".join(f"%s::{_array_type(f, connection)}" for f in columns)
    sql = (
        f"UPDATE {quote(opts.db_table)} AS t SET "  # noqa: S608 — names from the model
        + ", ".join(f"{quote(f.column)} = v.{n}" for f, n in zip(targets, names, strict=False))
        + f" FROM unnest({arrays}) AS v({', '.join(names)})"
        + f" WHERE t.{quote(pk.column)} = v.{names[-1]}"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _ROWS_PER_ARRAY):
            chunk = rows[start : start + _ROWS_PER_ARRAY]
            cursor.execute(sql, [list(column) for column in zip(*chunk, strict=True)])


def _array_type(field: models.Field, connection: Any) -> str:
    return f"{field.db_type(connection)}[]"  # a relation: its target's type


def _copy(
    connection: Any,
    opts: Any,
    fields: list[models.Field],
    tuples: list[tuple[Any, ...]],
    with_keys: bool,
) -> list[Any]:
    """PostgreSQL: the rows through COPY (issue 9: an import writes a million rows); new keys
    are taken from the table's sequence first and sent with the rows."""
    quote = connection.ops.quote_name
    table = quote(opts.db_table)
    names = [quote(f.column) for f in fields]
    count = len(tuples)
    keys: list[Any] = []
    with connection.cursor() as cursor:
        if with_keys:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s) "
                "ORDER BY 1",
                [opts.db_table, opts.pk.column, count],
            )
            keys = [key for (key,) in cursor.fetchall()]
            names.insert(0, quote(opts.pk.column))
        raw = cursor.cursor
        with raw.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy:
            for index, row in enumerate(tuples):
                copy.write_row((keys[index], *row) if with_keys else row)
    return keys
