"""Importing a file of organisations, members or events: every problem found at once, natural keys
deciding create or update, a preview of each change, then all rows committed or none.

The rules are the services' own: members are checked by `members.services.check_bulk_admit` and
`clean_person`, events are recorded by `members.events.record_event` and organisations by
`tree.services`; a dry run of events or organisations records them inside a transaction that is
then rolled back, so that the dry run and the commit cannot disagree.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from dangvu.accounts.guard import OutOfScopeWrite, checked_write
from dangvu.accounts.models import Ability, AccessRecord
from dangvu.accounts.privacy import record_access
from dangvu.accounts.scope import scope_for
from dangvu.core.changes import get_or_create_decision, open_change_set
from dangvu.core.dates import format_date, today
from dangvu.core.errors import RuleError
from dangvu.core.memory import fewer_collections
from dangvu.core.models import ChangeSet, Decision
from dangvu.core.sheets import FileError, Sheet, file_date, open_sheet
from dangvu.core.text import search_key
from dangvu.evaluation.models import Rating
from dangvu.evaluation.services import (
    Decided,
    _imported,
    check_decided,
    competent_for,
    record_decided,
    review_facts,
    review_on,
)
from dangvu.exchange import values as cell
from dangvu.exchange.columns import COLUMNS, EVENT_DETAIL_KEYS, Column, header_score, match_headers
from dangvu.members import events as member_events
from dangvu.members import services as member_services
from dangvu.members.models import (
    DATED_ATTRIBUTES,
    EventKind,
    MembershipEvent,
    PartyMember,
    Person,
)
from dangvu.orgs.models import Organisation, Placement, valid_on
from dangvu.rules import evaluation as ev
from dangvu.tree import services as org_services

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
    rows: list[dict[str, Any]] = field(default_factory=list)  # the preview, row by row
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


def checksum(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


class Importer:
    kind = ""
    required_for_create: tuple[str, ...] = ()

    def __init__(
        self,
        content: bytes,
        filename: str,
        actor: Any,
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
        rows: list[Row] = []
        total = sheet.total
        # Most columns repeat a few values (sex, ethnicity, cell code, dates): each distinct cell
        # of a column is parsed once. Keys carry the type, as 1, 1.0 and True are equal in Python.
        memo: dict[str, dict[tuple[type, Any], Any]] = {k: {} for k in usable}
        for number, cells in sheet.rows:
            values: dict[str, Any] = {}
            row = Row(number, values)
            for key, index in usable.items():
                raw = cells[index] if index < len(cells) else None
                seen = memo[key]
                try:
                    parsed = seen[type(raw), raw]
                except KeyError:
                    try:
                        parsed = self.parse(self.columns[key], raw)
                    except cell.CellError as exc:
                        parsed = exc
                    if len(seen) < MEMO_PER_COLUMN:
                        seen[type(raw), raw] = parsed
                if isinstance(parsed, cell.CellError):
                    row.cells[key] = cell.shown(raw)
                    self.outcome.errors.append(
                        Problem(number, self.headers[key], row.cells[key], str(parsed))
                    )
                    values[key] = None
                    row.bad.add(key)
                elif isinstance(parsed, cell.Warned):
                    row.cells[key] = cell.shown(raw)
                    self.warn(row, key, parsed.note)
                    values[key] = str(parsed)
                else:
                    values[key] = parsed
            rows.append(row)
            if len(rows) % 2000 == 0:
                self.progress("read", len(rows), max(total, len(rows)))
        self.progress("read", len(rows), len(rows))
        if not rows:
            raise FileError(_("The file has a header but no rows of data."))
        return rows

    def parse(self, column: Column, raw: cell.Cell) -> Any:
        if column.sensitive and cell.masked(raw):
            return None  # a masked export: keep what is recorded
        if column.type == "date":
            return cell.date(raw)
        if column.type == "choice":
            assert column.choices is not None
            return cell.choice(raw, column.choices, column.choice_aliases)
        if column.type == "citizen_id":
            return cell.digits_id(raw, 12) or None
        if column.type == "code":
            return cell.text(raw, column.max_length).replace(" ", "").upper() or None
        if column.type == "year":
            return cell.year(raw)
        if column.type == "number":
            return cell.number(raw)
        if column.type == "score":
            return cell.score(raw)
        if column.type == "rating":
            return cell.rating(raw)
        if column.type == "org_rating":
            return cell.rating(raw, "org")
        return cell.text(raw, column.max_length) or None

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
            rows = self.read()
            self.plan(rows, commit=False)
        except FileError as exc:
            self.outcome.errors.append(Problem(ROW_OF_FILE, "", "", str(exc)))
        self._log_outside()
        return self._sorted()

    def _commit(self) -> tuple[Outcome, ChangeSet | None]:
        changeset = None
        try:
            rows = self.read()
            # Read back before the commit, whoever runs it (the page's worker, the command): a
            # row that reached a record outside the user's area undoes the whole file.
            with (
                checked_write(self.actor)
                if getattr(self.actor, "pk", None)
                else transaction.atomic()
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
        self.outcome.rows.sort(key=lambda r: r["row"])
        return self.outcome

    def plan(self, rows: list[Row], *, commit: bool, changeset: ChangeSet | None = None) -> None:
        raise NotImplementedError

    # --- shared lookups ---------------------------------------------------------------------
    def orgs_by_code(self, codes: set[str]) -> dict[str, Organisation]:
        found: dict[str, Organisation] = {}
        listed = sorted(c for c in codes if c)
        for start in range(0, len(listed), 500):
            for org in Organisation.objects.filter(code__in=listed[start : start + 500]):
                found[org.code] = org
        return found

    def members(self, ids: set[int]) -> dict[int, PartyMember]:
        found: dict[int, PartyMember] = {}
        listed = sorted(ids)
        for start in range(0, len(listed), 500):
            for m in PartyMember.objects.filter(pk__in=listed[start : start + 500]).select_related(
                "person", "org"
            ):
                found[m.pk] = m
        return found

    def members_by_keys(self, rows: list[Row], *, one_row_each: bool = True) -> dict[int, int]:
        """{row number: member id} for rows whose citizen ID, card or dossier number is on file;
        a row whose keys name two records, or repeat another row's key, is an error."""
        keys = ("citizen_id", "card_number", "dossier_number")
        wanted: dict[str, set[str]] = {k: set() for k in keys}
        for row in rows:
            for k in keys:
                if row.values.get(k):
                    wanted[k].add(row.values[k])
        owners: dict[str, dict[str, int | None]] = {k: {} for k in keys}
        for k in keys:
            listed = sorted(wanted[k])
            for start in range(0, len(listed), 500):
                chunk = listed[start : start + 500]
                if k == "citizen_id":
                    for citizen, member_id in Person.objects.filter(
                        citizen_id__in=chunk
                    ).values_list("citizen_id", "membership__id"):
                        owners[k][str(citizen)] = member_id
                else:
                    owners[k].update(
                        PartyMember.objects.filter(**{f"{k}__in": chunk}).values_list(k, "id")
                    )
        matched: dict[int, int] = {}
        seen: dict[str, dict[str, int]] = {k: {} for k in keys}
        for row in rows:
            ids: dict[int | None, str] = {}
            for k in keys:
                value = row.values.get(k)
                if not value:
                    continue
                if one_row_each and value in seen[k]:
                    self.refused.add(row.number)
                    self.error(
                        row,
                        k,
                        _("%(value)s also appears in row %(row)s of the file.")
                        % {"value": value, "row": seen[k][value]},
                    )
                seen[k].setdefault(value, row.number)
                if value in owners[k]:
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

    def similar_records(self, rows: list[Row]) -> dict[int, list[tuple[int | None, str]]]:
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
        for start in range(0, len(names), 500):
            for name, birth, hometown, member_id, full in Person.objects.filter(
                search_name__in=names[start : start + 500]
            ).values_list("search_name", "birth_date", "hometown", "membership__id", "full_name"):
                town = search_key(hometown) if "hometown" in self.columns else ""
                for number in wanted.get((name, birth, town), []):
                    found.setdefault(number, []).append((member_id, full))
        return found

    def identify_keyless(self, rows: list[Row], matched: dict[int, int]) -> None:
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


# --- members ----------------------------------------------------------------------------------
LIFECYCLE = {
    "org": "org",
    "admission_date": "admission_decision_date",
    "ceremony_date": "ceremony_date",
    "official_date": "official_date",
}
CREATE_REQUIRED = ("full_name", "sex", "birth_date", "org", "admission_date")


class MemberImporter(Importer):
    kind = "members"
    required_for_create = CREATE_REQUIRED

    def plan(self, rows: list[Row], *, commit: bool, changeset: ChangeSet | None = None) -> None:
        self.progress("check", 0, len(rows))
        matched = self.members_by_keys(rows)
        self.identify_keyless(rows, matched)
        members = self.members({m for m in matched.values() if m})
        orgs = self.orgs_by_code({r.values.get("org") or "" for r in rows})
        manage = scope_for(self.actor, Ability.MANAGE_MEMBERS)
        # A change without its own date takes effect on the day the file was saved, or today;
        # the preview says which (issue 19, point 4).
        self.saved_on = file_date(self.content, self.filename)
        self.outcome.effective = self.saved_on or today()
        self.latest = member_services.latest_changes(m.person_id for m in members.values())
        creates: list[tuple[Row, member_services.AdmitRow]] = []
        updates: list[tuple[Row, PartyMember, dict[str, Any]]] = []
        decisions: dict[tuple[str, dt.date, str], Decision] = {}
        twins: dict[tuple[str, dt.date, str], int] = {}
        refused = self.refused
        for index, row in enumerate(rows, start=1):
            if index % 2000 == 0:
                self.progress("check", index, len(rows))
            if row.number in refused:
                continue
            member = members.get(matched.get(row.number, 0))
            if member is not None:
                self._plan_update(row, member, manage, updates)
            elif row.number not in matched:
                item = self._plan_create(row, orgs, decisions)
                if item is not None:
                    creates.append((row, item))
                    key = _similarity(
                        item.person.full_name, item.person.birth_date, item.person.hometown
                    )
                    if key in twins:
                        self.warn(
                            row,
                            "full_name",
                            _(
                                "Same name, date of birth and home town as row %(row)s: check that they are two people."
                            )
                            % {"row": twins[key]},
                        )
                    twins.setdefault(key, row.number)
        numbers = sorted({n for n, _d, _i in decisions if n})
        for start in range(0, len(numbers), 500):
            for known in Decision.objects.filter(number__in=numbers[start : start + 500]):
                said = (known.number, known.date, known.issuer)
                if said in decisions:  # the decision is on file already: the rows share it
                    fresh = decisions[said]
                    for _r, admit in creates:
                        if admit.decision is fresh:
                            admit.decision = known
                    decisions[said] = known
        problems, prepared = member_services.check_bulk_admit([a for _r, a in creates], self.actor)
        for where, messages in problems.items():
            position, _sep, name = where.partition(":")
            row = creates[int(position) - 1][0]
            for message in messages:
                self.error(row, FIELD_COLUMNS.get(name, name), message)
        self.outcome.created = len(prepared) if not problems else len(creates)
        for row, admit in creates:
            self.outcome.rows.append(
                {
                    "row": row.number,
                    "action": "create",
                    "label": admit.person.full_name,
                    "changes": {},
                }
            )
        self.progress("check", len(rows), len(rows))
        if commit and not self.outcome.errors:
            assert changeset is not None
            self.progress("write", 0, len(rows))
            member_services.write_bulk_admit(prepared, changeset)
            member_services.members_bulk_update(
                items=[(m, c) for _r, m, c in updates],
                actor=self.actor,
                changeset=changeset,
                effective={m.pk: self._effective(r) for r, m, _c in updates},
            )

    def _effective(self, row: Row) -> dt.date:
        return row.values.get("effective_date") or self.outcome.effective or today()

    def _person_input(self, row: Row, base: dict[str, Any]) -> member_services.PersonInput:
        data = dict(base)
        for key in (*member_services.PERSON_FIELDS, "card_number", "dossier_number"):
            if row.values.get(key) not in (None, ""):
                data[key] = row.values[key]
        return member_services.PersonInput.from_mapping(data)

    def _plan_update(
        self,
        row: Row,
        member: PartyMember,
        manage: Any,
        updates: list[tuple[Row, PartyMember, dict[str, Any]]],
    ) -> None:
        label = member.person.full_name
        if not manage.covers(member.scope_path):
            # No name: the attempt goes to the access log instead.
            self.error(
                row,
                "citizen_id" if row.values.get("citizen_id") else "card_number",
                _("The identifiers of this row lie outside your area: the row is not imported."),
            )
            self.outside.append((row.number, member.pk))
            return
        if not self.may_write_sensitive(row, member.scope_path):
            return
        for key, attribute in LIFECYCLE.items():
            given = row.values.get(key)
            if given in (None, ""):
                continue
            recorded = getattr(member, attribute)
            recorded = recorded.code if isinstance(recorded, Organisation) else recorded
            if given != recorded:
                self.error(
                    row,
                    key,
                    _(
                        "The record says %(recorded)s. The party cell and the key dates change "
                        "through events (a transfer, a correction), not through the member's record."
                    )
                    % {"recorded": _display(recorded) or _("nothing")},
                )
        base = {f: getattr(member.person, f) for f in member_services.PERSON_FIELDS}
        base.update(card_number=member.card_number, dossier_number=member.dossier_number)
        try:
            cleaned = member_services.clean_person(
                self._person_input(row, base), exclude_member_id=member.pk, check_unique=False
            )
        except ValidationError as exc:
            self.service_errors(row, exc)
            return
        before = member_services.member_snapshot(member)
        after = member_services.updated_snapshot(member, cleaned)
        changes = {
            self.header(k): [_display(before[k], k), _display(after[k], k)]
            for k in after
            if before.get(k) != after[k]
        }
        try:  # the one rule of dated changes, checked here to name the row (nothing is written)
            member_services.attribute_history(
                member,
                {f: getattr(member.person, f) for f in member_services.PERSON_FIELDS},
                cleaned,
                effective=self._effective(row),
                correction=False,
                reason="",
                changeset=None,
                latest=self.latest,
                history=member_services.AttributeHistory(),
            )
        except RuleError as exc:
            own = row.values.get("effective_date")
            self.error(
                row,
                "effective_date",
                str(exc.messages[0]),
                value=format_date(own)
                if own
                else (
                    _("%(day)s (the day the file was saved)")
                    if self.saved_on
                    else _("%(day)s (today)")
                )
                % {"day": format_date(self._effective(row))},
            )
            return
        if any(before.get(k) != after.get(k) for k in DATED_ATTRIBUTES):
            changes[self.header("effective_date")] = ["", format_date(self._effective(row))]
        if changes:
            self.outcome.updated += 1
            updates.append((row, member, cleaned))
            self.outcome.rows.append(
                {"row": row.number, "action": "update", "label": label, "changes": changes}
            )
        else:
            self.outcome.unchanged += 1
            self.outcome.rows.append(
                {"row": row.number, "action": "unchanged", "label": label, "changes": {}}
            )

    def _plan_create(
        self,
        row: Row,
        orgs: dict[str, Organisation],
        decisions: dict[tuple[str, dt.date, str], Decision],
    ) -> member_services.AdmitRow | None:
        v = row.values
        missing = [
            k for k in CREATE_REQUIRED if v.get(k) in (None, "") and not _bad_cell(self, row, k)
        ]
        for key in missing:
            self.error(
                row, key, _("Required to add a new member (no record has this row's identifiers).")
            )
        org = orgs.get(v["org"]) if v.get("org") else None
        if v.get("org") and org is None:
            self.error(row, "org", _("No organisation has the code %(code)s.") % {"code": v["org"]})
        if missing or row.bad or org is None:
            return None
        if not self.may_write_sensitive(row, org.path):
            return None
        on = v["admission_date"]
        number, issuer = v.get("admission_number") or "", v.get("admission_issuer") or ""
        said = (number, on, issuer)
        if said not in decisions:
            decisions[said] = Decision(number=number, date=on, issuer=issuer)
        base = {"full_name": "", "sex": "", "birth_date": None}
        return member_services.AdmitRow(
            person=self._person_input(row, base),
            org=org,
            decision=decisions[said],
            ceremony_date=v.get("ceremony_date"),
            official_date=v.get("official_date"),
        )


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


# --- events ------------------------------------------------------------------------------------
class EventImporter(Importer):
    kind = "events"
    required_for_create = ("kind", "on")

    def plan(self, rows: list[Row], *, commit: bool, changeset: ChangeSet | None = None) -> None:
        matched = self.members_by_keys(rows, one_row_each=False)
        self.identify_keyless(rows, matched)
        members = self.members({m for m in matched.values() if m})
        orgs = self.orgs_by_code({r.values.get("org") or "" for r in rows})
        manage = scope_for(self.actor, Ability.MANAGE_MEMBERS)
        recorded = set(
            MembershipEvent.objects.filter(
                member_id__in=list(members), voided_by__isnull=True
            ).values_list("member_id", "kind", "on")
        )
        todo: list[tuple[Row, PartyMember]] = []
        in_file: dict[tuple[int, str, dt.date], int] = {}
        for row in rows:
            member = self.member_of_row(row, matched, members, manage)
            if member is None:
                continue
            for key in ("kind", "on"):
                if not row.values.get(key) and not _bad_cell(self, row, key):
                    self.error(row, key, _("Required."))
            if not row.values.get("kind") or not row.values.get("on"):
                continue
            fact = (member.pk, row.values["kind"], row.values["on"])
            if fact in in_file:
                self.error(
                    row,
                    "kind",
                    _("The same event of the same member on the same day is in row %(row)s.")
                    % {"row": in_file[fact]},
                )
                continue
            in_file[fact] = row.number
            if fact in recorded:
                self.outcome.unchanged += 1
                self.outcome.rows.append(
                    {
                        "row": row.number,
                        "action": "unchanged",
                        "label": _event_label(member, row),
                        "changes": {},
                    }
                )
                continue
            todo.append((row, member))
        todo.sort(key=lambda item: (item[0].values["on"], item[0].number))
        try:
            with transaction.atomic():
                cs = changeset or open_change_set(actor=self.actor, source=self.source)
                for index, (row, member) in enumerate(todo, start=1):
                    self._record(row, member, orgs, cs)
                    if index % 200 == 0:
                        self.progress("check", index, len(todo))
                if not commit or self.outcome.errors:
                    raise _Rollback
        except _Rollback:
            if commit:
                raise

    def _record(
        self, row: Row, member: PartyMember, orgs: dict[str, Organisation], cs: ChangeSet
    ) -> None:
        v = row.values
        kind = v["kind"]
        org = None
        if v.get("org"):
            org = orgs.get(v["org"])
            if org is None:
                self.error(
                    row, "org", _("No organisation has the code %(code)s.") % {"code": v["org"]}
                )
                return
        elif kind == EventKind.TRANSFER_IN:
            org = member.org
        details = {k: v[k] for k in EVENT_DETAIL_KEYS if v.get(k) not in (None, "")}
        try:
            with transaction.atomic():
                decision = None
                if v.get("decision_number") or v.get("decision_issuer") or v.get("decision_date"):
                    decision = get_or_create_decision(
                        number=v.get("decision_number") or "",
                        date=v.get("decision_date") or v["on"],
                        issuer=v.get("decision_issuer") or "",
                    )
                member_events.record_event(
                    member=member,
                    kind=kind,
                    on=v["on"],
                    org=org,
                    decision=decision,
                    details=details,
                    actor=self.actor,
                    reason=v.get("note") or "",
                    changeset=cs,
                )
        except ValidationError as exc:
            member.refresh_from_db()
            self.service_errors(row, exc)
            return
        except PermissionDenied:
            member.refresh_from_db()
            self.error(
                row,
                "org",
                _("You may not record this event: the organisation is outside your area."),
            )
            return
        self.outcome.created += 1
        self.outcome.rows.append(
            {
                "row": row.number,
                "action": "create",
                "label": _event_label(member, row),
                "changes": {},
            }
        )


def _keys_shown(row: Row) -> str:
    return " / ".join(
        str(row.values[k])
        for k in ("citizen_id", "card_number", "dossier_number")
        if row.values.get(k)
    )


def _event_label(member: PartyMember, row: Row) -> str:
    return f"{member.person.full_name} — {EventKind(row.values['kind']).label} {format_date(row.values['on'])}"


# --- organisations ----------------------------------------------------------------------------
class OrgImporter(Importer):
    kind = "orgs"
    required_for_create = ("code", "name", "kind", "established_on")

    def plan(self, rows: list[Row], *, commit: bool, changeset: ChangeSet | None = None) -> None:
        codes = {r.values.get("code") or "" for r in rows} | {
            r.values.get("parent") or "" for r in rows
        }
        orgs = self.orgs_by_code(codes)
        seen: dict[str, int] = {}
        for row in rows:
            code = row.values.get("code")
            if code and code in seen:
                self.error(
                    row,
                    "code",
                    _("%(value)s also appears in row %(row)s of the file.")
                    % {"value": code, "row": seen[code]},
                )
            elif code:
                seen[code] = row.number
            elif not _bad_cell(self, row, "code"):
                self.error(row, "code", _("Required."))
        # Parents first: a file may create an organisation and the cells under it.
        ordered = sorted(
            rows, key=lambda r: (_depth(r, {x.values.get("code"): x for x in rows}), r.number)
        )
        try:
            with transaction.atomic():
                cs = changeset or open_change_set(actor=self.actor, source=self.source)
                for row in ordered:
                    if row.values.get("code") and seen.get(row.values["code"]) == row.number:
                        self._apply(row, orgs, cs)
                if not commit or self.outcome.errors:
                    raise _Rollback
        except _Rollback:
            if commit:
                raise

    def _apply(self, row: Row, orgs: dict[str, Organisation], cs: ChangeSet) -> None:
        v = row.values
        existing = orgs.get(v["code"])
        parent = None
        if v.get("parent"):
            parent = orgs.get(v["parent"])
            if parent is None:
                self.error(
                    row,
                    "parent",
                    _("No organisation has the code %(code)s.") % {"code": v["parent"]},
                )
                return
        try:
            with transaction.atomic():
                if existing is None:
                    self._create(row, parent, orgs, cs)
                else:
                    self._update(row, existing, parent, cs)
        except ValidationError as exc:
            self.service_errors(row, exc)
        except PermissionDenied:
            self.error(
                row, "parent", _("You may not change organisations there: it is outside your area.")
            )

    def _decision(self, row: Row, on: dt.date) -> Decision | None:
        v = row.values
        if not (v.get("decision_number") or v.get("decision_issuer")):
            return None
        return get_or_create_decision(
            number=v.get("decision_number") or "", date=on, issuer=v.get("decision_issuer") or ""
        )

    def _create(
        self, row: Row, parent: Organisation | None, orgs: dict[str, Organisation], cs: ChangeSet
    ) -> None:
        v = row.values
        missing = [
            k for k in self.required_for_create if not v.get(k) and not _bad_cell(self, row, k)
        ]
        for key in missing:
            self.error(row, key, _("Required to add a new organisation."))
        if missing:
            return
        org = org_services.org_create(
            code=v["code"],
            name=v["name"],
            kind=v["kind"],
            parent=parent,
            established_on=v["established_on"],
            decision=self._decision(row, v["established_on"]),
            actor=self.actor,
            category=v.get("category") or "",
            changeset=cs,
        )
        orgs[org.code] = org
        self.outcome.created += 1
        self.outcome.rows.append(
            {
                "row": row.number,
                "action": "create",
                "label": f"{org.name} ({org.code})",
                "changes": {},
            }
        )

    def _update(
        self, row: Row, org: Organisation, parent: Organisation | None, cs: ChangeSet
    ) -> None:
        v = row.values
        label = f"{org.name} ({org.code})"
        for key, recorded in (
            ("parent", org.parent.code if org.parent else None),
            ("kind", org.kind),
            ("category", org.category or None),
            ("established_on", org.established_on),
        ):
            given = v.get(key)
            if given not in (None, "") and given != recorded:
                self.error(
                    row,
                    key,
                    _(
                        "The record says %(recorded)s. Moving, merging or changing the kind of an organisation is done by a restructuring plan."
                    )
                    % {"recorded": _display(recorded) or _("nothing")},
                )
        changes: dict[str, list[str]] = {}
        if v.get("name") and v["name"] != org.name:
            if not v.get("renamed_on"):
                self.error(
                    row,
                    "renamed_on",
                    _("The name differs from %(name)s: give the date the new name takes effect.")
                    % {"name": org.name},
                )
                return
            changes[self.header("name")] = [org.name, v["name"]]
            org_services.org_rename(
                org=org,
                name=v["name"],
                on=v["renamed_on"],
                decision=self._decision(row, v["renamed_on"]),
                actor=self.actor,
                changeset=cs,
            )
        if changes:
            self.outcome.updated += 1
            self.outcome.rows.append(
                {"row": row.number, "action": "update", "label": label, "changes": changes}
            )
        else:
            self.outcome.unchanged += 1
            self.outcome.rows.append(
                {"row": row.number, "action": "unchanged", "label": label, "changes": {}}
            )


def _depth(row: Row, by_code: dict[Any, Row]) -> int:
    depth, seen, current = 0, set(), row
    while current.values.get("parent") in by_code and current.values.get("parent") not in seen:
        seen.add(current.values["parent"])
        current = by_code[current.values["parent"]]
        depth += 1
    return depth


# --- ratings ----------------------------------------------------------------------------------
# Where a rule's problem with a decided rating is reported (evaluation.services.RuleProblem.kind).
RULE_COLUMNS = {
    "member": "year",
    "competent": "deciding_org",
    "score": "score_general",
    "date": "decision_date",
    "level": "level",
    "late": "decision_date",
    "quota": "level",
}


class RatingImporter(Importer):
    """Members' ratings decided outside dangvu (earlier years, or another system), checked by the
    rules of their year through `evaluation.services.check_decided` — who is reviewed, the cases
    that force KHTNV, the 2025 score, the deadline and the HTXSNV quota of each deciding level —
    and written by `record_decided`. A row the rules refuse is kept only when the officer
    overrides it, with a reason the change log records. Older years' labels are mapped (§1.2)."""

    kind = "ratings"
    subject = "member"
    required_for_create = ("year", "level")

    def plan(self, rows: list[Row], *, commit: bool, changeset: ChangeSet | None = None) -> None:
        matched = self.members_by_keys(rows, one_row_each=False)
        self.identify_keyless(rows, matched)
        members = self.members({m for m in matched.values() if m})
        orgs = self.orgs_by_code({r.values.get("deciding_org") or "" for r in rows})
        manage = scope_for(self.actor, Ability.RATE)
        todo: list[tuple[Row, Any]] = []
        in_file: dict[tuple[int, int], int] = {}
        for row in rows:
            member = self.member_of_row(row, matched, members, manage)
            if member is None:
                continue
            if not self.rating_row_ok(
                row,
                member.pk,
                orgs,
                in_file,
                _("The same member's rating for the same year is in row %(row)s."),
            ):
                continue
            todo.append((row, member))
        self.decide(todo, orgs, commit=commit, changeset=changeset)

    def units(self, todo: list[tuple[Row, Any]], year: int) -> tuple[dict[int, Any], Any]:
        """Each subject's unit on the year's review day, and the facts the check needs."""

        if year < 2018:
            return {m.pk: m.org_id for _r, m in todo}, None
        facts = review_facts([m for _r, m in todo], year)
        return {m.pk: facts[m.pk].cell_id for _r, m in todo}, facts

    def decide(
        self,
        todo: list[tuple[Row, Any]],
        orgs: dict[str, Organisation],
        *,
        commit: bool,
        changeset: ChangeSet | None,
    ) -> None:
        """Rows of each year checked as one set of decided ratings, then settled and written."""

        manage = scope_for(self.actor, Ability.RATE)
        field_name = "member_id" if self.subject == ev.MEMBER else "org_id"
        by_year: dict[int, list[tuple[Row, Any]]] = defaultdict(list)
        for row, subject in todo:
            by_year[row.values["year"]].append((row, subject))
        existing = {
            (getattr(r, field_name), r.year): r
            for r in Rating.objects.filter(
                **{f"{field_name[:-3]}__in": [s.pk for _r, s in todo]}, year__in=list(by_year)
            ).select_related("unit", "decision")
        }
        written: dict[int, list[Any]] = defaultdict(list)
        rule_rows: set[int] = set()
        for year in sorted(by_year):
            listed = by_year[year]
            unit_of, facts = self.units(listed, year)
            units = Organisation.objects.in_bulk({u for u in unit_of.values() if u})
            items = []
            for row, subject in listed:
                unit = units.get(unit_of.get(subject.pk) or 0)
                if unit is None:
                    self.error(row, "year", self.no_unit(subject, year))
                    continue
                if not manage.covers(unit.path):
                    self.error(row, "year", self.unit_outside(year))
                    continue
                v = row.values
                old = existing.get((subject.pk, year))
                here = old is not None and old.source != Rating.Source.IMPORT
                if here:
                    self.error(
                        row,
                        "level",
                        _(
                            "This rating was decided in dangvu: the superior level re-classifies it."
                        ),
                    )
                items.append(
                    Decided(
                        key=row.number,
                        subject=subject,
                        level=v["level"],
                        unit=unit,
                        deciding_org=orgs.get(v.get("deciding_org") or ""),
                        proposal=_imported(v, subject),
                        decided_on=v.get("decision_date"),
                        decision_number=v.get("decision_number") or "",
                        rating=None if here else old,
                        written=not here,
                    )
                )
            if year >= 2018:
                problems = check_decided(year, items, facts=facts)
            else:  # the four levels' rules do not reach back; who decided still does
                problems = []
                for item in items:
                    item.deciding_org = item.deciding_org or competent_for(item, review_on(year))
            by_row: dict[int, list[Any]] = defaultdict(list)
            for problem in problems:
                by_row[problem.key].append(problem)
            rows_by_number = {row.number: row for row, _s in listed}
            for item in items:
                row = rows_by_number[item.key]
                found = by_row.get(item.key, [])
                if found and all(p.overridable for p in found):
                    rule_rows.add(row.number)
                if not item.written:  # refused above: its other problems too, at once
                    for p in found:
                        self.error(row, RULE_COLUMNS.get(p.kind, "level"), p.message)
                    continue
                if found and not self.kept(row, item, found):
                    continue
                if self.settle(row, item):
                    written[year].append(item)
        self.keep_rows_unused(rule_rows)
        if commit and not self.outcome.errors:
            assert changeset is not None
            for year, items in written.items():
                record_decided(year=year, items=items, changeset=changeset, actor=self.actor)

    def keep_rows_unused(self, rule_rows: set[int]) -> None:
        """Rows named to keep that no rule refused, or that are refused for what no override sets
        aside: said, not silently ignored."""
        if isinstance(self.override_rows, str) or not self.override_reason.strip():
            return
        refused = {p.row for p in self.outcome.errors}
        for number in sorted(set(self.override_rows) - rule_rows):
            message = (
                _("Row %(row)s cannot be kept: its problems are not rules an override sets aside.")
                if number in refused
                else _("Row %(row)s was named to keep, but no rule of its year refuses it.")
            )
            self.outcome.warnings.append(Problem(number, "", "", message % {"row": number}))

    def no_unit(self, subject: Any, year: int) -> str:

        return _("Not a member on %(date)s.") % {"date": format_date(ev.review_day(year))}

    def unit_outside(self, year: int) -> str:

        return _(
            "On %(date)s this member's party cell lay outside your area: the rating is imported "
            "there."
        ) % {"date": format_date(ev.review_day(year))}

    def kept(self, row: Row, item: Any, problems: list[Any]) -> bool:
        """A row the rules refuse: kept, each problem shown as a warning, when the officer keeps
        it with a reason (or an earlier import kept the same rating, unchanged, with its reason);
        else its errors, marked as rules an override may set aside when all of them are."""
        reason = self.override_reason.strip()
        chosen = bool(reason) and (self.override_rows == "all" or row.number in self.override_rows)
        old = item.rating
        if not chosen and old is not None and old.override_reason and _same(old, item):
            reason, chosen = old.override_reason, True
        overridable = all(p.overridable for p in problems)
        for p in problems:
            column = RULE_COLUMNS.get(p.kind, "level")
            if chosen and overridable:
                self.warn(
                    row,
                    column,
                    _("Kept against the rules (%(reason)s): %(problem)s")
                    % {"reason": reason, "problem": p.message},
                )
            else:
                self.error(row, column, p.message, rule=overridable)
        if chosen and overridable:
            item.override = reason
            if any(p.kind == "late" for p in problems):
                item.late_reason = reason
            return True
        return False

    def rating_row_ok(
        self,
        row: Row,
        subject_id: int,
        orgs: dict[str, Organisation],
        in_file: dict[tuple[int, int], int],
        twice: str,
    ) -> bool:
        """The year and level given and read, the deciding organisation known, and no second row
        for the same subject and year; else the row's error."""
        v = row.values
        missing = [k for k in ("year", "level") if not v.get(k) and not _bad_cell(self, row, k)]
        for key in missing:
            self.error(row, key, _("Required."))
        if missing or row.bad & {"year", "level"}:
            return False
        if v.get("deciding_org") and v["deciding_org"] not in orgs:
            self.error(
                row,
                "deciding_org",
                _("No organisation has the code %(code)s.") % {"code": v["deciding_org"]},
            )
            return False
        pair = (subject_id, v["year"])
        if pair in in_file:
            self.error(row, "year", twice % {"row": in_file[pair]})
            return False
        in_file[pair] = row.number
        return True

    def settle(self, row: Row, item: Any) -> bool:
        """A checked row: unchanged, an update of an earlier import (every value compared), or a
        new rating; True when it is to be written."""
        label = f"{_subject_name(item.subject)} — {row.values['year']}"
        old = item.rating
        if old is not None:
            if _same(old, item) and old.override_reason == item.override:
                self.outcome.unchanged += 1
                self.outcome.rows.append(
                    {"row": row.number, "action": "unchanged", "label": label, "changes": {}}
                )
                return False
            self.outcome.updated += 1
            self.outcome.rows.append(
                {
                    "row": row.number,
                    "action": "update",
                    "label": label,
                    "changes": {
                        self.header(key): pair for key, pair in _differences(old, item).items()
                    },
                }
            )
            return True
        self.outcome.created += 1
        self.outcome.rows.append(
            {
                "row": row.number,
                "action": "create",
                "label": label,
                "changes": {self.header("level"): ["", item.level]},
            }
        )
        return True


def _differences(old: Any, item: Any) -> dict[str, list[str]]:
    """What an imported row changes in the stored rating, column by column, as shown."""

    score = item.proposal.score if item.proposal is not None else None

    def points(value: Any) -> str:
        return ev.format_score(value) if value is not None else ""

    pairs = {
        "level": (old.level, item.level),
        "score_general": (points(old.score_general), points(score.general if score else None)),
        "score_tasks": (points(old.score_tasks), points(score.tasks if score else None)),
        "decision_number": (old.decision.number if old.decision else "", item.decision_number),
        "decision_date": (format_date(old.decided_on), format_date(item.decided_on)),
        "deciding_org": (
            old.deciding_org.name if old.deciding_org else "",
            item.deciding_org.name if item.deciding_org else "",
        ),
    }
    return {k: [a, b] for k, (a, b) in pairs.items() if a != b}


def _same(old: Any, item: Any) -> bool:
    return not _differences(old, item)


def _subject_name(subject: Any) -> str:
    return subject.person.full_name if isinstance(subject, PartyMember) else subject.name


class OrgRatingImporter(RatingImporter):
    """Organisations' ratings decided outside dangvu, checked by the caps of their year
    (DOMAIN.md §1.3) and the quota of the level that decided them, as members' ratings are."""

    kind = "org_ratings"
    subject = "org"

    def plan(self, rows: list[Row], *, commit: bool, changeset: ChangeSet | None = None) -> None:
        orgs = self.orgs_by_code(
            {r.values.get("code") or "" for r in rows}
            | {r.values.get("deciding_org") or "" for r in rows}
        )
        manage = scope_for(self.actor, Ability.RATE)
        todo: list[tuple[Row, Any]] = []
        in_file: dict[tuple[int, int], int] = {}
        for row in rows:
            v = row.values
            if not v.get("code") or "code" in row.bad:
                if not _bad_cell(self, row, "code"):
                    self.error(row, "code", _("Required."))
                self.rating_row_ok(row, -row.number, orgs, in_file, "")  # the other cells' errors
                continue
            org = orgs.get(v["code"])
            if org is None or not manage.covers(org.path):
                self.error(
                    row, "code", _("No organisation has the code %(code)s.") % {"code": v["code"]}
                )
                continue
            if v.get("name") and search_key(v["name"]) != search_key(org.name):
                self.error(
                    row,
                    "name",
                    _("The organisation with this code is %(name)s.") % {"name": org.name},
                )
                continue
            if not self.rating_row_ok(
                row,
                org.pk,
                orgs,
                in_file,
                _("The same organisation's rating for the same year is in row %(row)s."),
            ):
                continue
            todo.append((row, org))
        self.decide(todo, orgs, commit=commit, changeset=changeset)

    def units(self, todo: list[tuple[Row, Any]], year: int) -> tuple[dict[int, Any], Any]:

        parents = dict(
            Placement.objects.filter(
                valid_on(review_on(year)), org_id__in=[o.pk for _r, o in todo]
            ).values_list("org_id", "parent_id")
        )
        return parents, None

    def unit_outside(self, year: int) -> str:
        return _("This organisation's rating is decided by a level above your area.")

    def no_unit(self, subject: Any, year: int) -> str:

        return _("%(org)s did not exist under a superior on %(date)s.") % {
            "org": subject.name,
            "date": format_date(review_on(year)),
        }


IMPORTERS: dict[str, type[Importer]] = {
    "orgs": OrgImporter,
    "members": MemberImporter,
    "events": EventImporter,
    "ratings": RatingImporter,
    "org_ratings": OrgRatingImporter,
}


def importer_for(kind: str, content: bytes, filename: str, actor: Any, **options: Any) -> Importer:
    return IMPORTERS[kind](content, filename, actor, **options)


def rows_iter(outcome: Outcome) -> Iterator[dict[str, Any]]:
    yield from outcome.rows


def with_language(language: str | None) -> Any:
    return translation.override(language or "vi")
