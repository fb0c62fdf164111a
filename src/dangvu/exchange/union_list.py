"""The Youth Union's (or another body's) handover list of outstanding people (DOMAIN-2.md §6.1),
read from XLSX, ODS or CSV with the exchange's rules: the headers matched by name (with or without
diacritics), every cell read by the same functions as the member import, every problem named by
row and column at once, and nothing entered unless every row is good. Each row is entered by the
recruitment's one service (`candidate_enter`), as on the page."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dangvu.core.actors import Actor
from dangvu.core.changes import open_change_set
from dangvu.core.models import ChangeSet
from dangvu.core.sheets import FileError, open_sheet
from dangvu.core.text import search_key
from dangvu.exchange import values
from dangvu.exchange.columns import MEMBER_COLUMNS, Column
from dangvu.members.services import PersonInput
from dangvu.orgs.models import Kind, Organisation, subtree_range
from dangvu.recruitment.services import candidate_enter
from dangvu.rules import recruitment as rules

PERSON_KEYS = (
    "full_name",
    "sex",
    "birth_date",
    "citizen_id",
    "ethnicity",
    "religion",
    "hometown",
    "residence",
    "phone",
    "general_education",
    "professional_level",
    "occupation",
)
COLUMNS: list[Column] = [
    *(c for key in PERSON_KEYS for c in MEMBER_COLUMNS if c.key == key),
    Column("cell", "Chi bộ", ("cell", "party cell", "chi bo"), "text", 200),
    Column(
        "kind",
        "Đối tượng",
        ("kind", "loại"),
        "choice",
        choices=rules.KINDS,
        choice_aliases={"doan vien": "union_member", "quan chung": "person"},
    ),
    Column("source", "Nguồn", ("source", "nguồn giới thiệu"), "choice", choices=rules.SOURCES),
    Column("introduced_by", "Tổ chức giới thiệu", ("introduced by",), "text", 200),
    Column("introduced_number", "Số nghị quyết", ("resolution number",), "text", 64),
    Column("introduced_on", "Ngày nghị quyết", ("resolution date",), "date"),
    Column(
        "education_exception",
        "Ngoại lệ học vấn",
        ("education exception", "vùng"),
        "choice",
        choices=rules.EDUCATION_EXCEPTIONS[1:],
    ),
]
REQUIRED = (
    "full_name",
    "sex",
    "birth_date",
    "cell",
    "kind",
    "source",
    "introduced_by",
    "introduced_on",
)
BY_NAME = {n: c for c in COLUMNS for n in c.names()}


def _cell_finder(under: Organisation) -> Any:
    """The cells under the organisation, found by code or by name (without diacritics); a name
    that two cells share must be written as the code."""
    low, high = subtree_range(under.path)
    cells = list(
        Organisation.objects.filter(
            path__gte=low, path__lt=high, kind=Kind.CELL, dissolved_on__isnull=True
        )
    )
    by_code = {c.code: c for c in cells}
    by_name: dict[str, list[Organisation]] = {}
    for c in cells:
        by_name.setdefault(search_key(c.name), []).append(c)

    def find(text: str) -> tuple[Organisation | None, str]:
        if text.upper() in by_code:
            return by_code[text.upper()], ""
        found = by_name.get(search_key(text), [])
        if len(found) == 1:
            return found[0], ""
        if found:
            return None, _("two cells have this name; write the cell's code")
        return None, _("no cell of this name under %(org)s") % {"org": under.name}

    return find


def _read(column: Column, cell: Any) -> Any:
    if column.type == "date":
        return values.date(cell)
    if column.type == "choice":
        return values.choice(cell, column.choices or [], column.choice_aliases)
    return values.text(cell, column.max_length)


def union_list_import(*, data: bytes, name: str, under: Organisation, actor: Actor) -> int:
    """Enter every person of the list on their cell's list of candidates; the count entered."""

    def score(cells: list[str]) -> int:
        return sum(1 for c in cells if c and search_key(c) in BY_NAME)

    try:
        sheet = open_sheet(data, name, score, whole=True)
    except FileError as error:
        raise ValidationError(str(error)) from error
    index = {}
    for i, header in enumerate(sheet.headers):
        column = BY_NAME.get(search_key(header or ""))
        if column is not None and column.key not in index:
            index[column.key] = i
    absent = [c.header for c in COLUMNS if c.key in REQUIRED and c.key not in index]
    if absent:
        raise ValidationError(
            _("The file has no column “%(cols)s” in its header row.")
            % {"cols": "”, “".join(absent)}
        )
    find_cell = _cell_finder(under)
    problems: list[str] = []
    rows: list[tuple[int, dict[str, Any], Organisation]] = []
    for number, cells in sheet.rows:
        before = len(problems)
        row: dict[str, Any] = {}
        for column in COLUMNS:
            if column.key not in index:
                continue
            raw = cells[index[column.key]] if index[column.key] < len(cells) else None
            try:
                row[column.key] = _read(column, raw)
            except values.CellError as error:
                problems.append(
                    _("Row %(row)s, column “%(col)s”: %(why)s")
                    % {"row": number, "col": column.header, "why": error}
                )
        for key in REQUIRED:
            if key in index and not row.get(key) and key in row:
                problems.append(
                    _("Row %(row)s, column “%(col)s”: required.")
                    % {"row": number, "col": next(c.header for c in COLUMNS if c.key == key)}
                )
        org = None
        if row.get("cell"):
            org, why = find_cell(row["cell"])
            if org is None:
                problems.append(
                    _("Row %(row)s, column “%(col)s”: “%(v)s”: %(why)s.")
                    % {"row": number, "col": "Chi bộ", "v": row["cell"], "why": why}
                )
        if org is not None and len(problems) == before:  # read whole: the service checks it
            rows.append((number, row, org))
    if not problems and not rows:
        raise ValidationError(_("The file has no rows under its header."))
    # The rows that were read go through the service even when others were not, so that every
    # problem is listed at once; nothing is kept unless there is none.
    entered = 0
    labels = {c.key: c.header for c in COLUMNS}
    with transaction.atomic():
        # One change set for the list: the import is one act, and reads as one in the log.
        changeset = open_change_set(
            actor=actor, reason=f"Nhập danh sách giới thiệu: {name}", source=ChangeSet.Source.IMPORT
        )
        for number, row, org in rows:
            person = PersonInput.from_mapping(
                {k: row[k] for k in PERSON_KEYS if row.get(k) not in (None, "")}
            )
            try:
                with transaction.atomic():
                    candidate_enter(
                        person=person,
                        cell=org,
                        kind=row["kind"],
                        source_kind=row["source"],
                        introduced_by=row["introduced_by"],
                        introduced_number=row.get("introduced_number") or "",
                        introduced_on=row["introduced_on"],
                        education_exception=row.get("education_exception") or "",
                        actor=actor,
                        source=ChangeSet.Source.IMPORT,
                        changeset=changeset,
                    )
            except ValidationError as error:
                fields = (
                    error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
                )
                for field, messages in fields.items():
                    where = labels.get(field, labels.get(_FIELDS.get(field, ""), ""))
                    for message in messages:
                        problems.append(
                            _("Row %(row)s, column “%(col)s”: %(why)s")
                            % {"row": number, "col": where, "why": message}
                            if where
                            else _("Row %(row)s: %(why)s") % {"row": number, "why": message}
                        )
            else:
                entered += 1
        if problems:
            # Nothing half-written: every row's refusal at once, and no row entered.
            raise ValidationError(problems)
    return entered


# The services' field names that are the file's columns under another key.
_FIELDS = {"source": "source", "introduced_on": "introduced_on", "org": "cell"}
