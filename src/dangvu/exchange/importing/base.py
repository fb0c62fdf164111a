"""What every import shares: reading the file into rows, checking each cell against its column,
the problems named by row and column, and the all-or-nothing commit read back by the write guard."""

from __future__ import annotations

import datetime as dt
import hashlib
import pickle
import tempfile
from array import array
from collections.abc import Callable, Iterable, Iterator
from collections.abc import Set as AbstractSet
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any, overload

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dangvu.accounts.guard import OutOfScopeWrite, checked_write
from dangvu.accounts.models import Ability, AccessRecord
from dangvu.accounts.privacy import record_access
from dangvu.accounts.scope import scope_for
from dangvu.core.actors import Actor
from dangvu.core.bulk import lookup_size
from dangvu.core.changes import open_change_set
from dangvu.core.dates import format_date
from dangvu.core.memory import fewer_collections
from dangvu.core.models import ChangeSet
from dangvu.core.sheets import FileError, Sheet, open_sheet
from dangvu.core.text import search_key
from dangvu.exchange import values as parsing
from dangvu.exchange.columns import COLUMNS, Column, header_score, match_headers
from dangvu.members import services as member_services
from dangvu.members.models import (
    PartyMember,
    Person,
)
from dangvu.orgs.models import Organisation

Progress = Callable[[str, int, int], None]

ROW_OF_FILE = 0  # a problem of the whole file, not of a row

MEMO_PER_COLUMN = 4096  # distinct parsed cells kept per column while reading

KEYS = ("citizen_id", "card_number", "dossier_number")

# Which column a service's field name is reported under.
FIELD_COLUMNS = {
    "decision": "decision_number",
    "decision_date": "admission_date",
    "over_60_authorisation": "birth_date",
    "to_org": "org",
    "established_on": "established_on",
    "parent": "parent",
}


@dataclass
class Problem:
    row: int
    column: str
    value: str
    message: str
    rule: bool = False  # a rule of the year refuses it: an override with a reason may keep it

    def as_dict(self) -> dict[str, Any]:
        found = {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }
        if self.rule:
            found["rule"] = True
        return found


PREVIEW_ROWS = 20000  # rows of the preview kept (and stored with the batch), first rows first


class RowLog:
    """What the import does with each row ({"row", "action", "label", "changes"}) for the
    preview, kept as tuples, and only for the file's first `PREVIEW_ROWS` rows in row order: a
    file of 150,000 rows keeps 20,000 entries and the count of the others, not 150,000 (issue
    28, point 5). `len` is the count of every row's entry; iterating and slicing give the kept
    ones, in row order once `sort_by_row` has run."""

    __slots__ = ("_count", "_cut", "_items", "limit")

    def __init__(self, limit: int = PREVIEW_ROWS) -> None:
        if limit < 1:
            raise ValueError("a preview keeps at least one row")
        self.limit = limit
        self._items: list[tuple[int, str, str, dict[str, Any] | None]] = []
        self._count = 0
        self._cut: int | None = None  # an entry for a later row can no longer be kept

    @staticmethod
    def _entry(item: tuple[int, str, str, dict[str, Any] | None]) -> dict[str, Any]:
        return {"row": item[0], "action": item[1], "label": item[2], "changes": item[3] or {}}

    def append(self, entry: dict[str, Any]) -> None:
        self._count += 1
        row = entry["row"]
        if self._cut is not None and row > self._cut:
            return
        self._items.append((row, entry["action"], entry["label"], entry.get("changes") or None))
        if len(self._items) >= 2 * self.limit:
            # A stable sort then a cut: the same entries as sorting all of them at the end.
            self.sort_by_row()
            del self._items[self.limit :]
            self._cut = self._items[-1][0]

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return map(self._entry, self._items)

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...

    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(index, slice):
            return [self._entry(item) for item in self._items[index]]
        return self._entry(self._items[index])

    def sort_by_row(self) -> None:
        self._items.sort(key=lambda item: item[0])
        del self._items[self.limit :]


@dataclass
class Outcome:
    kind: str
    filename: str
    checksum: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    rows: RowLog = field(default_factory=RowLog)  # the preview, row by row
    effective: dt.date | None = None  # the day changes without their own date take effect
    ignored: list[str] = field(default_factory=list)  # headers matched to no column
    missing: list[str] = field(default_factory=list)  # headers of required columns not found
    committed: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_json(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [p.as_dict() for p in self.errors],
            "warnings": [p.as_dict() for p in self.warnings],
            "committed": self.committed,
            "ignored_columns": self.ignored,
            "effective": self.effective.isoformat() if self.effective else None,
        }


class _Rollback(Exception):
    pass


class _NothingToWrite(Exception):
    pass


@dataclass(slots=True)
class Row:
    number: int
    values: dict[str, Any]
    # Cells as written in the file, kept only where they differ from what was read: those that
    # could not be read and those read with a warning (a big file keeps no second copy).
    cells: dict[str, str] = field(default_factory=dict)
    bad: set[str] = field(default_factory=set)  # columns whose cell could not be read


CHUNK = 5000  # rows checked and written at a time by an import read with `read_spilled`


class KeyRows:
    """Each row's keys (its identifiers, name, birth date, home town, cell), for the checks of
    the whole file, held by column: one list of values per key, the row numbers in an array,
    the cells and columns that could not be read only for the rows that have them. 150,000
    rows take 60 MB so, not the 160 MB of a Row, a dict and a set each. Iterating gives Rows
    made afresh each time, to be read, never changed."""

    def __init__(self, keys: tuple[str, ...]) -> None:
        self.keys = keys
        self.numbers = array("I")
        self.columns: dict[str, list[Any]] = {k: [] for k in keys}
        self.cells: dict[int, dict[str, str]] = {}
        self.bad: dict[int, set[str]] = {}

    def append(self, row: Row) -> None:
        at = len(self.numbers)
        self.numbers.append(row.number)
        for key, column in self.columns.items():
            column.append(row.values.get(key))
        cells = {k: row.cells[k] for k in self.keys if k in row.cells}
        if cells:
            self.cells[at] = cells
        bad = row.bad.intersection(self.keys)
        if bad:
            self.bad[at] = bad

    def __len__(self) -> int:
        return len(self.numbers)

    def __iter__(self) -> Iterator[Row]:
        keys = list(self.columns)
        cells, bad = self.cells, self.bad
        # A row with every cell read shares one empty dict and set: key rows are only read.
        no_cells: dict[str, str] = {}
        no_bad: set[str] = set()
        for at, (number, *values) in enumerate(
            zip(self.numbers, *self.columns.values(), strict=True)
        ):
            yield Row(
                number,
                {k: v for k, v in zip(keys, values, strict=True) if v is not None},
                cells.get(at, no_cells),
                bad.get(at, no_bad),
            )


class Spill:
    """The rows of a file kept in a temporary file, pickled a chunk at a time (issue 28: two
    passes, the keys first, then the rows in chunks, so that memory does not grow with the
    file); `keys` holds each row's keys, for the checks of the whole file."""

    def __init__(self, keys: tuple[str, ...] = ()) -> None:
        self.file = tempfile.TemporaryFile()  # noqa: SIM115 — closed by close() or collection
        self.count = 0
        self.parts = 0
        self.keys = KeyRows(keys)

    def add(self, rows: list[Row]) -> None:
        pickle.dump(rows, self.file, protocol=pickle.HIGHEST_PROTOCOL)
        self.count += len(rows)
        self.parts += 1

    def __len__(self) -> int:
        return self.count

    def chunks(self) -> Iterator[list[Row]]:
        self.file.seek(0)
        for _part in range(self.parts):
            yield pickle.load(self.file)  # noqa: S301 — written by this process just before

    def close(self) -> None:
        self.file.close()

    def __enter__(self) -> Spill:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def checksum(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


class Importer:
    kind = ""
    required_for_create: tuple[str, ...] = ()

    def __init__(
        self,
        content: bytes,
        filename: str,
        actor: Actor,
        *,
        mapping: dict[str, str] | None = None,
        progress: Progress | None = None,
        source: str = ChangeSet.Source.IMPORT,
        override_rows: AbstractSet[int] | str = frozenset(),
        override_reason: str = "",
    ) -> None:
        self.content, self.filename, self.actor = content, filename, actor
        # Rows whose refusal by a rule the officer sets aside ("all", or row numbers), and why.
        self.override_rows = override_rows
        self.override_reason = override_reason
        self.mapping = mapping or {}
        self.progress = progress or (lambda phase, done, total: None)
        self.source = source
        self.outcome = Outcome(self.kind, filename, checksum(content))
        self.columns: dict[str, Column] = {c.key: c for c in COLUMNS[self.kind]}
        self.headers: dict[str, str] = {}  # column key → the file's own header
        self.sensitive = scope_for(actor, Ability.VIEW_SENSITIVE)
        self.refused: set[int] = set()  # rows whose identity could not be settled
        self.outside: list[tuple[int, int]] = []  # (row, member) named outside the user's area

    # --- messages ---------------------------------------------------------------------------
    def header(self, key: str) -> str:
        if key not in self.columns:  # a service's field name: the column it is reported under
            key = FIELD_COLUMNS.get(key, key)
        if key in self.headers:
            return self.headers[key]
        column = self.columns.get(key)
        return column.header if column else key

    def shown(self, row: Row, key: str) -> str:
        """A cell as a message quotes it: as written when it could not be read, else as read."""
        if key in row.cells:
            return row.cells[key]
        value = row.values.get(key)
        column = self.columns.get(key)
        if column is not None and column.choices and value is not None:
            return str(dict(column.choices).get(value, value))
        return _display(value)

    def error(
        self,
        row: Row | int,
        key: str,
        message: str,
        value: str | None = None,
        *,
        rule: bool = False,
    ) -> None:
        number = row.number if isinstance(row, Row) else row
        shown = (
            value if value is not None else (self.shown(row, key) if isinstance(row, Row) else "")
        )
        self.outcome.errors.append(Problem(number, self.header(key), shown, message, rule))

    def warn(self, row: Row, key: str, message: str) -> None:
        self.outcome.warnings.append(
            Problem(row.number, self.header(key), self.shown(row, key), message)
        )

    def service_errors(self, row: Row, exc: ValidationError) -> None:
        for name, message in member_services.iter_field_errors(exc):
            key = FIELD_COLUMNS.get(name or "", name or "")
            self.error(row, key if key in self.columns else "", message)

    # --- reading ----------------------------------------------------------------------------
    def read(self) -> list[Row]:
        """Every row read and its cells parsed; problems of cells are recorded, rows kept."""
        rows = list(self.parsed_rows())
        if not rows:
            raise FileError(_("The file has a header but no rows of data."))
        return rows

    def read_spilled(self, keys: tuple[str, ...]) -> Spill:
        """Every row read and parsed once, as `read`, but kept on disk a chunk at a time: in
        memory only each row's `keys` (what the checks of the whole file need), and the rows
        given back a chunk at a time (a file of 150,000 rows is not held whole)."""
        spill = Spill(keys)
        try:
            chunk: list[Row] = []
            for row in self.parsed_rows():
                chunk.append(row)
                spill.keys.append(row)
                if len(chunk) == CHUNK:
                    spill.add(chunk)
                    chunk = []
            if chunk:
                spill.add(chunk)
            if not spill.keys:
                raise FileError(_("The file has a header but no rows of data."))
        except BaseException:
            spill.close()
            raise
        return spill

    def parsed_rows(self) -> Iterator[Row]:
        """The rows of the file, each with its cells parsed; problems of cells are recorded."""
        sheet: Sheet = open_sheet(self.content, self.filename, header_score(self.kind))
        found, unmatched = match_headers(self.kind, sheet.headers, self.mapping)
        self.outcome.ignored = unmatched
        self.headers = {key: sheet.headers[index] for key, index in found.items()}
        usable = {k: i for k, i in found.items() if self.columns[k].imported}
        if not usable:
            raise FileError(
                _(
                    "No column of the file was recognised (row %(row)s was read as the header). "
                    "Use the template's headers or choose what each column holds."
                )
                % {"row": sheet.header_row}
            )
        self.outcome.missing = [
            self.columns[k].header for k in self.required_for_create if k not in usable
        ]
        count = 0
        total = sheet.total
        # Most columns repeat a few values (sex, ethnicity, cell code, dates): each distinct cell
        # of a column is parsed once. Keys carry the type, as 1, 1.0 and True are equal in Python.
        # `read` holds the cells read without a problem, for the loop's fast path.
        memo: dict[str, dict[tuple[type, Any], Any]] = {k: {} for k in usable}
        read: dict[str, dict[tuple[type, Any], Any]] = {k: {} for k in usable}
        columns = list(usable.items())
        for number, cells in sheet.rows:
            values: dict[str, Any] = {}
            row = Row(number, values)
            width = len(cells)
            for key, index in columns:
                raw = cells[index] if index < width else None
                try:
                    values[key] = read[key][type(raw), raw]
                    continue
                except KeyError:
                    pass
                seen = memo[key]
                try:
                    parsed = seen[type(raw), raw]
                except KeyError:
                    try:
                        parsed = self.parse(self.columns[key], raw)
                    except parsing.CellError as exc:
                        parsed = exc
                    if len(seen) < MEMO_PER_COLUMN:
                        seen[type(raw), raw] = parsed
                        if not isinstance(parsed, parsing.CellError | parsing.Warned):
                            read[key][type(raw), raw] = parsed
                if isinstance(parsed, parsing.CellError):
                    row.cells[key] = parsing.shown(raw)
                    self.outcome.errors.append(
                        Problem(number, self.headers[key], row.cells[key], str(parsed))
                    )
                    values[key] = None
                    row.bad.add(key)
                elif isinstance(parsed, parsing.Warned):
                    row.cells[key] = parsing.shown(raw)
                    self.warn(row, key, parsed.note)
                    values[key] = str(parsed)
                else:
                    values[key] = parsed
            yield row
            count += 1
            if count % 2000 == 0:
                self.progress("read", count, max(total, count))
        self.progress("read", count, count)

    def parse(self, column: Column, raw: parsing.Cell) -> Any:
        if column.sensitive and parsing.masked(raw):
            return None  # a masked export: keep what is recorded
        if column.type == "date":
            return parsing.date(raw)
        if column.type == "choice":
            assert column.choices is not None
            return parsing.choice(raw, column.choices, column.choice_aliases)
        if column.type == "citizen_id":
            return parsing.digits_id(raw, 12) or None
        if column.type == "code":
            return parsing.text(raw, column.max_length).replace(" ", "").upper() or None
        if column.type == "year":
            return parsing.year(raw)
        if column.type == "number":
            return parsing.number(raw)
        if column.type == "score":
            return parsing.score(raw)
        if column.type == "rating":
            return parsing.rating(raw)
        if column.type == "org_rating":
            return parsing.rating(raw, "org")
        return parsing.text(raw, column.max_length) or None

    # --- the whole run ----------------------------------------------------------------------
    def check(self) -> Outcome:
        """Read and check the file; nothing is written."""
        with fewer_collections():
            return self._check()

    def commit(self) -> tuple[Outcome, ChangeSet | None]:
        """Check and write, all rows or none, as one change set; with any error, nothing."""
        with fewer_collections():
            return self._commit()

    def _check(self) -> Outcome:
        try:
            rows = self.rows_to_plan()
            with rows if isinstance(rows, Spill) else nullcontext():
                self.plan(rows, commit=False)
        except FileError as exc:
            self.outcome.errors.append(Problem(ROW_OF_FILE, "", "", str(exc)))
        self._log_outside()
        return self._sorted()

    def _commit(self) -> tuple[Outcome, ChangeSet | None]:
        changeset = None
        try:
            rows = self.rows_to_plan()
            # Read back before the commit, whoever runs it (the page's worker, the command): a
            # row that reached a record outside the user's area undoes the whole file.
            with (
                rows if isinstance(rows, Spill) else nullcontext(),
                checked_write(self.actor)
                if getattr(self.actor, "pk", None)
                else transaction.atomic(),
            ):
                changeset = open_change_set(
                    actor=self.actor,
                    reason=_("Import of %(file)s (SHA-256 %(sum)s)")
                    % {"file": self.filename, "sum": self.outcome.checksum[:16]},
                    source=self.source,
                )
                self.plan(rows, commit=True, changeset=changeset)
                if self.outcome.errors:
                    raise _Rollback
                if not (self.outcome.created or self.outcome.updated):
                    raise _NothingToWrite  # an import that changes nothing writes nothing
                self.outcome.committed = True
        except FileError as exc:
            self.outcome.errors.append(Problem(ROW_OF_FILE, "", "", str(exc)))
        except _NothingToWrite:
            changeset = None
            self.outcome.committed = True
        except _Rollback:
            changeset = None
        except OutOfScopeWrite:
            # Read back at the end of the transaction, after the rows were written: undone.
            changeset = None
            self.outcome.committed = False
            self.outcome.errors.append(
                Problem(
                    ROW_OF_FILE,
                    "",
                    "",
                    _(
                        "Nothing was written: the file would have changed records outside the "
                        "organisations you work on."
                    ),
                )
            )
        self._log_outside()
        self._sorted()
        if not self.outcome.committed:
            self.outcome.created = self.outcome.updated = 0
        return self.outcome, changeset if self.outcome.committed else None

    def _log_outside(self) -> None:
        """Rows that named members outside the user's area, in the access log, once per run."""
        if not self.outside:
            return
        self.outside.sort()

        record_access(
            None,
            self.actor,
            action=AccessRecord.Action.OUT_OF_SCOPE,
            purpose=AccessRecord.Purpose.OTHER,
            object_type="members.partymember",
            ids=[member for _row, member in self.outside],
            summary=_("Import of %(file)s, rows %(rows)s")
            % {"file": self.filename, "rows": ", ".join(str(r) for r, _m in self.outside)},
            via="import",
        )

    def _sorted(self) -> Outcome:
        self.outcome.errors.sort(key=lambda p: (p.row, p.column))
        self.outcome.warnings.sort(key=lambda p: (p.row, p.column))
        self.outcome.rows.sort_by_row()
        return self.outcome

    def rows_to_plan(self) -> list[Row] | Spill:
        """What `plan` is given: the rows read (an import of big files reads them spilled)."""
        return self.read()

    def plan(self, rows: Any, *, commit: bool, changeset: ChangeSet | None = None) -> None:
        raise NotImplementedError

    # --- shared lookups ---------------------------------------------------------------------
    def orgs_by_code(
        self, codes: set[str], *, seen_with: str | None = None
    ) -> dict[str, Organisation]:
        """{code: organisation} for the codes on file; with `seen_with` (an ability), only those
        inside the user's scope for it: a code outside it reads as one that names nothing
        (`unknown_org`), so that a file cannot find out which codes exist elsewhere."""
        found: dict[str, Organisation] = {}
        listed = sorted(c for c in codes if c)
        scope = scope_for(self.actor, seen_with) if seen_with else None
        for start in range(0, len(listed), step := lookup_size()):
            for org in Organisation.objects.filter(code__in=listed[start : start + step]):
                if scope is None or scope.covers(org.path):
                    found[org.code] = org
        return found

    def unknown_org(self, row: Row, column: str, code: str) -> None:
        """The one message for a code that names no organisation the user may see."""
        self.error(
            row, column, _("No organisation in your area has the code %(code)s.") % {"code": code}
        )

    def members(self, ids: set[int]) -> dict[int, PartyMember]:
        found: dict[int, PartyMember] = {}
        listed = sorted(ids)
        for start in range(0, len(listed), step := lookup_size()):
            for m in PartyMember.objects.filter(pk__in=listed[start : start + step]).select_related(
                "person", "org"
            ):
                found[m.pk] = m
        return found

    def members_by_keys(self, rows: Iterable[Row], *, one_row_each: bool = True) -> dict[int, int]:
        """{row number: member id} for rows whose citizen ID, card or dossier number is on file;
        a row whose keys name two records, or repeat another row's key, is an error."""
        keys = ("citizen_id", "card_number", "dossier_number")
        # Each value's first row: what is looked up, and where a repeat was seen first (one
        # dict a key for 150,000 rows, not a set besides it).
        seen: dict[str, dict[str, int]] = {k: {} for k in keys}
        for row in rows:
            for k in keys:
                value = row.values.get(k)
                if not value:
                    continue
                first = seen[k].setdefault(value, row.number)
                if one_row_each and first != row.number:
                    self.refused.add(row.number)
                    self.error(
                        row,
                        k,
                        _("%(value)s also appears in row %(row)s of the file.")
                        % {"value": value, "row": first},
                    )
        owners: dict[str, dict[str, int | None]] = {k: {} for k in keys}
        for k in keys:
            listed = sorted(seen[k])
            for start in range(0, len(listed), step := lookup_size()):
                chunk = listed[start : start + step]
                if k == "citizen_id":
                    for citizen, member_id in Person.objects.filter(
                        citizen_id__in=chunk
                    ).values_list("citizen_id", "membership__id"):
                        owners[k][str(citizen)] = member_id
                else:
                    owners[k].update(
                        PartyMember.objects.filter(**{f"{k}__in": chunk}).values_list(k, "id")
                    )
            del listed
        del seen
        matched: dict[int, int] = {}
        for row in rows:
            ids: dict[int | None, str] = {}
            for k in keys:
                value = row.values.get(k)
                if value and value in owners[k]:
                    ids.setdefault(owners[k][value], k)
            if None in ids or len(ids) > 1:
                self.refused.add(row.number)
            if None in ids:
                self.error(
                    row,
                    ids[None],
                    _("This citizen ID belongs to a person who is not a party member."),
                )
            elif len(ids) > 1:
                self.error(
                    row,
                    list(ids.values())[1],
                    _("The identifiers of this row belong to two different records (%(cols)s).")
                    % {"cols": ", ".join(self.header(k) for k in ids.values())},
                )
            elif ids:
                matched[row.number] = next(iter(ids))  # type: ignore[assignment]
        return matched

    def similar_records(self, rows: Iterable[Row]) -> dict[int, list[tuple[int | None, str]]]:
        """{row number: [(member id, name)]} of recorded persons with the row's name, date of
        birth and home town: the identity of a row that has no identifier."""
        wanted: dict[tuple[str, dt.date, str], list[int]] = {}
        for row in rows:
            if row.values.get("full_name") and row.values.get("birth_date"):
                key = _similarity(
                    row.values["full_name"],
                    row.values["birth_date"],
                    row.values.get("hometown") or "",
                )
                if "hometown" not in self.columns:
                    key = (key[0], key[1], "")
                wanted.setdefault(key, []).append(row.number)
        found: dict[int, list[tuple[int | None, str]]] = {}
        names = sorted({k[0] for k in wanted})
        for start in range(0, len(names), step := lookup_size()):
            for name, birth, hometown, member_id, full in Person.objects.filter(
                search_name__in=names[start : start + step]
            ).values_list("search_name", "birth_date", "hometown", "membership__id", "full_name"):
                town = search_key(hometown) if "hometown" in self.columns else ""
                for number in wanted.get((name, birth, town), []):
                    found.setdefault(number, []).append((member_id, full))
        return found

    def identify_keyless(self, rows: Iterable[Row], matched: dict[int, int]) -> None:
        """Rows with no identifier are taken for the one record with the same name, date of birth
        (and home town); a row with identifiers that only resembles a record is flagged."""
        similar = self.similar_records(rows)
        for row in rows:
            alike = similar.get(row.number, [])
            if not alike:
                continue
            if any(row.values.get(k) for k in KEYS):
                if row.number not in matched:
                    self.warn(
                        row,
                        "full_name",
                        _(
                            "A person with the same name, date of birth and home town is recorded "
                            "(%(name)s): check that this is not the same person."
                        )
                        % {"name": alike[0][1]},
                    )
            elif len(alike) == 1 and alike[0][0] is not None:
                matched[row.number] = alike[0][0]
                self.warn(
                    row,
                    "full_name",
                    _(
                        "No citizen ID, card or dossier number: the row was taken for the record with "
                        "the same name, date of birth and home town. Check it, or add an identifier."
                    ),
                )
            else:
                self.refused.add(row.number)
                self.error(
                    row,
                    "full_name",
                    _(
                        "Several records have this name, date of birth and home town: add the citizen "
                        "ID, card or dossier number to say which."
                    ),
                )

    def member_of_row(
        self, row: Row, matched: dict[int, int], members: dict[int, PartyMember], manage: Any
    ) -> PartyMember | None:
        """The member a row of events or ratings is about: named by its identifiers, within the
        user's area, with the name on file when the row gives one; else the row's error."""
        member = members.get(matched.get(row.number, 0))
        if member is None:
            if row.number not in matched and not any(row.values.get(k) for k in KEYS):
                self.error(
                    row,
                    "card_number",
                    _("Give the member's citizen ID, party card number or dossier number."),
                )
            elif row.number not in matched:
                self.error(
                    row,
                    "card_number",
                    _("No member has these identifiers."),
                    value=_keys_shown(row),
                )
            return None
        if not manage.covers(member.scope_path):
            # No name, no existence: the same answer as for identifiers nobody has, and the
            # attempt goes to the access log (after the run: a refused commit rolls back).
            self.error(
                row, "card_number", _("No member has these identifiers."), value=_keys_shown(row)
            )
            self.outside.append((row.number, member.pk))
            return None
        name = row.values.get("full_name")
        if name and search_key(name) != member.person.search_name:
            self.error(
                row,
                "full_name",
                _("The record with these identifiers is %(name)s.")
                % {"name": member.person.full_name},
            )
            return None
        return member

    def may_write_sensitive(self, row: Row, path: str | None) -> bool:
        """Sensitive columns are written only with the permission to see them (no oracle)."""
        given = [c.key for c in self.columns.values() if c.sensitive and row.values.get(c.key)]
        if given and not self.sensitive.covers(path):
            for key in given:
                self.error(
                    row,
                    key,
                    _("You may not write this column: it needs the permission for sensitive data."),
                    value="",
                )
            return False
        return True


def _similarity(name: str, birth: dt.date | None, hometown: str) -> tuple[str, dt.date, str]:
    return (search_key(name), birth or dt.date.min, search_key(hometown))


def _bad_cell(importer: Importer, row: Row, key: str) -> bool:
    return key in row.bad


def _display(value: Any, key: str = "") -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return format_date(dt.date.fromisoformat(value))
        except ValueError:
            return value
    choices = {c.key: c.choices for c in COLUMNS["members"] if c.choices}.get(key)
    if choices:
        return str(dict(choices).get(value, value))
    return str(value)


def _keys_shown(row: Row) -> str:
    return " / ".join(
        str(row.values[k])
        for k in ("citizen_id", "card_number", "dossier_number")
        if row.values.get(k)
    )
