"""Reads whose SQL is built once per process (issue 28, point 2).

A page that shows one record asks the database a dozen small questions, the same ones for every
record, and Django builds each statement anew every time: the filters turned into a tree, the tree
into SQL, every column named — on the member's page that took a third of the web worker's time,
more than the rows themselves. `Prepared` builds a read's queryset once per database with stand-in
values, keeps the SQL and the compiler that knows how to turn its rows into records, and then runs
it with the real values in their places: the rows come back through Django's own iterables (model
instances with their related records, or value lists), converted as the ORM converts them.

It is the same read, not a second path: the queryset is written once, in the function given, with
the filters it would have anyway, and the caller applies the same scope checks to what comes back.
Only plain values may be given (an int, a str, a date); each must reach the SQL as a parameter
(not folded into the statement), and a stand-in found nowhere, or a value of another type, is a
programming error raised at once. What is returned is a list, so that nothing can be chained onto
a statement that is already written.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import connections
from django.db.models import QuerySet

from dangvu.core.planned import PlanningConnection

T = TypeVar("T")

# Stand-ins no record holds: a negative key (inside a 32-bit column's range), a text with control
# characters, LIKE's wildcards and escape, both cases and a Vietnamese letter — so that a lookup
# that would change the value before it is bound (escaping, upper- or lower-casing, normalising)
# changes the stand-in too and is refused when built — and a day of the first century.
_INT_BASE = -1_999_999_000
_TEXT = "\x1fPrepared%_\\Đ-{}\x1f"
_DAY = dt.date(1, 1, 1)
# The integers a database column holds (64 bits): a value outside them names no row, as the ORM
# says of such a lookup (SQLite would refuse the parameter).
_INT_RANGE = (-(2**63), 2**63 - 1)


@dataclass(frozen=True)
class _Compiled:
    queryset: QuerySet[Any]
    compiler: Any
    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[int, int], ...]  # (position in params, index of the value given)
    converters: dict[int, Any]  # the columns' conversions from the database's values


class _Bound:
    """The queryset's query for one run: the compiled statement with this run's values; anything
    else is asked of the query it was compiled from (the value lists' field names)."""

    def __init__(self, query: Any, compiler: Any) -> None:
        self._query, self._compiler = query, compiler

    def get_compiler(self, using: str | None = None, connection: Any = None, **_: Any) -> Any:
        return self._compiler

    def __getattr__(self, name: str) -> Any:
        return getattr(self._query, name)


class Prepared(Generic[T]):
    """`Prepared(build, int, dt.date)(member_id, day)` is `list(build(member_id, day))`, built
    once per database. `build` returns a queryset from the values alone (no other state)."""

    def __init__(self, build: Callable[..., QuerySet[Any]], *kinds: type) -> None:
        if any(kind not in (int, str, dt.date) for kind in kinds):
            raise TypeError("Prepared takes int, str and date values only")
        self.build, self.kinds = build, kinds
        self._compiled: dict[str, _Compiled] = {}

    def __call__(self, *values: Any) -> list[T]:
        run = self._bind(values)
        if run is None:
            return []
        db, compiled, params = run
        connection = connections[db]
        compiler = copy.copy(compiled.compiler)
        # Planned once per connection by PostgreSQL too (core.planned): the statement is the same
        # for every run, only the values change.
        compiler.connection = PlanningConnection(connection)
        statement = (compiled.sql, params)
        compiler.as_sql = lambda *_a, **_k: statement
        compiler.get_converters = lambda _fields: compiled.converters
        template: Any = compiled.queryset  # its private parts are copied: typed as Any
        bound: Any = _Bound(template.query, compiler)
        queryset: Any = QuerySet(model=template.model, query=bound, using=db)
        queryset._iterable_class = template._iterable_class
        queryset._fields = template._fields
        queryset._prefetch_related_lookups = template._prefetch_related_lookups
        return list(queryset)

    def statement(self, *values: Any) -> tuple[str, str, tuple[Any, ...]] | None:
        """The database, SQL and parameters of this read with these values, for a statement
        written by hand around it (`WITH g AS (…)`): the rows come back as the database gives
        them, unconverted. None when a value names no row (a key beyond 64 bits)."""
        bound = self._bind(values)
        if bound is None:
            return None
        db, compiled, params = bound
        return db, compiled.sql, params

    def _bind(self, values: tuple[Any, ...]) -> tuple[str, _Compiled, tuple[Any, ...]] | None:
        if len(values) != len(self.kinds):
            raise TypeError(f"{len(self.kinds)} values expected, {len(values)} given")
        low, high = _INT_RANGE
        if any(type(v) is int and not low <= v <= high for v in values):
            return None
        # The database is chosen for each run, as the queryset would choose it (the router).
        first = self._compiled.get("")
        db = (first.queryset if first else self._stand_in_queryset()).db
        compiled = self._compiled.get(db) or self._compile(db)
        connection = connections[db]
        given = [
            self._adapt(kind, value, connection)
            for kind, value in zip(self.kinds, values, strict=True)
        ]
        params = list(compiled.params)
        for position, index in compiled.slots:
            params[position] = given[index]
        return db, compiled, tuple(params)

    # --- building once ---------------------------------------------------------------------------
    def _stand_ins(self) -> list[Any]:
        out: list[Any] = []
        for index, kind in enumerate(self.kinds):
            if kind is int:
                out.append(_INT_BASE - index)
            elif kind is str:
                out.append(_TEXT.format(index))
            else:
                out.append(_DAY + dt.timedelta(days=index))
        return out

    def _stand_in_queryset(self) -> QuerySet[Any]:
        return self.build(*self._stand_ins())

    def _compile(self, db: str) -> _Compiled:
        queryset = self._stand_in_queryset()
        connection = connections[db]
        compiler = queryset.query.get_compiler(using=db)
        sql, params = compiler.as_sql()
        stand_ins = [
            self._adapt(kind, value, connection)
            for kind, value in zip(self.kinds, self._stand_ins(), strict=True)
        ]
        slots = []
        for position, param in enumerate(params):
            for index, stand_in in enumerate(stand_ins):
                if type(param) is type(stand_in) and param == stand_in:
                    slots.append((position, index))
        missing = set(range(len(stand_ins))) - {index for _p, index in slots}
        if missing:
            raise ValueError(f"values {sorted(missing)} do not reach the SQL as parameters: {sql}")
        fields = [column[0] for column in compiler.select[0 : compiler.col_count]]
        converters = compiler.get_converters(fields)
        compiled = _Compiled(queryset, compiler, sql, tuple(params), tuple(slots), converters)
        self._compiled[db] = compiled
        self._compiled.setdefault("", compiled)
        return compiled

    @staticmethod
    def _adapt(kind: type, value: Any, connection: Any) -> Any:
        if kind is int:
            if type(value) is not int:
                raise TypeError(f"an int expected, {type(value).__name__} given")
            return value
        if kind is str:
            if not isinstance(value, str):
                raise TypeError(f"a str expected, {type(value).__name__} given")
            return str(value)
        if type(value) is not dt.date:
            raise TypeError(f"a date expected, {type(value).__name__} given")
        return connection.ops.adapt_datefield_value(value)


def first_or_none(rows: Sequence[T]) -> T | None:
    return rows[0] if rows else None
