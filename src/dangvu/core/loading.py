"""Records made from the database's rows without `Model.__init__` (issue 28, point 2).

Django makes each record it reads by calling the model's constructor, which walks every field of
the model, setting each through its descriptor, and sends the `pre_init` and `post_init` signals.
For a record read from a row, that comes down to putting the row's values in the instance's
`__dict__` and marking it as coming from that database: the member list's 51 rows are 153 records
a page (member, person, cell), and their constructors were a tenth of the page's time.

`RowLoaded.from_db` does only that, and only where it is the same thing: when every column's
descriptor is Django's plain one (a value, or a foreign key's id: both store into `__dict__`) and
no receiver listens to the model's init signals, and the model has no constructor or attribute
setter of its own. Otherwise, and for a record made in code, it is Django's own path. A column
not read (`only`, `defer`) is left out of `__dict__`, as Django leaves it, so that it is read on
access.
"""

from __future__ import annotations

import inspect
from typing import Any

from django.db.models import Model
from django.db.models.base import DEFERRED, ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init

_PLAIN_DESCRIPTORS = (DeferredAttribute, ForeignKeyDeferredAttribute)

# Per model: its columns' names in the order of its fields, or None when one of them is set
# through a descriptor of its own (it must go through `Model.__init__`).
_COLUMNS: dict[type, tuple[str, ...] | None] = {}


def _columns(cls: type) -> tuple[str, ...] | None:
    if cls in _COLUMNS:
        return _COLUMNS[cls]
    names = tuple(f.attname for f in cls._meta.concrete_fields)  # type: ignore[attr-defined]
    plain = all(type(inspect.getattr_static(cls, name)) in _PLAIN_DESCRIPTORS for name in names)
    # A constructor or an attribute setter of the model's own would be skipped: Django's way.
    own = (getattr(cls, "__init__", None), getattr(cls, "__setattr__", None))
    plain = plain and own == (Model.__init__, object.__setattr__)
    _COLUMNS[cls] = names if plain else None
    return _COLUMNS[cls]


class RowLoaded:
    """A model's records read from the database as `Model.from_db` makes them, without its
    constructor. Put before `models.Model` in the model's bases."""

    # The last list of names a read gave and the columns they stand for: a read gives the same
    # list for each of its rows.
    _named: tuple[Any, tuple[str, ...]] = (None, ())

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any) -> Any:
        columns = _columns(cls)
        if columns is None or pre_init.has_listeners(cls) or post_init.has_listeners(cls):
            return super().from_db(db, field_names, values)  # type: ignore[misc]
        if len(values) == len(columns):
            names = columns  # every column, in the fields' order (as Django reads them)
        else:
            named = cls._named
            if named[0] is field_names:
                names = named[1]
            else:
                names = tuple(name for name in columns if name in field_names)
                cls._named = (field_names, names)
        return _record(cls, db, names, values)

    @classmethod
    def loader(cls, db: str | None, field_names: Any) -> Any:
        """`lambda values: cls.from_db(db, field_names, values)` for the many rows of one read,
        with what `from_db` asks of every row (the columns' descriptors, the init signals'
        listeners, which columns `field_names` are) asked once: the member list makes 153
        records a page, and these questions were half of their cost (issue 28)."""
        columns = _columns(cls)
        own = getattr(cls.from_db, "__func__", None) is not RowLoaded.from_db.__func__  # type: ignore[attr-defined]
        if own:  # a model's own from_db: its way for every row
            return lambda values: cls.from_db(db, field_names, values)
        if columns is None or pre_init.has_listeners(cls) or post_init.has_listeners(cls):
            return lambda values: super(RowLoaded, cls).from_db(db, field_names, values)  # type: ignore[misc]
        wanted = set(field_names)
        names = tuple(name for name in columns if name in wanted)
        return lambda values: _record(cls, db, names, values)


def _record(cls: Any, db: str | None, names: tuple[str, ...], values: Any) -> Any:
    """A record of `cls` from the database `db`, the columns `names` holding `values` (a column
    read as DEFERRED is left to read on access): what Django's constructor makes of a row."""
    new = cls.__new__(cls)
    state = ModelState()
    state.adding = False
    state.db = db
    store = new.__dict__
    store["_state"] = state
    for name, value in zip(names, values, strict=True):
        if value is not DEFERRED:
            store[name] = value
    return new
