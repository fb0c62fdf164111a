"""Exports with the import's own headers, so that an exported file re-imports with no change.

XLSX (XlsxWriter, constant memory: rows are streamed to the file) or CSV (UTF-8 with a BOM, cells
that a spreadsheet would run as formulas neutralised). Sensitive columns are masked unless the
user may see them; the caller records the export in the access log.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

from django.utils import translation

from dangvu.accounts.models import Ability
from dangvu.accounts.privacy import (
    LEFT_EVENT_KINDS,
    LEFT_LABEL,
    MASK,
    is_sensitive_event,
    status_shown,
)
from dangvu.accounts.scope import scope_for
from dangvu.core.exports import csv_cell
from dangvu.evaluation.models import Rating
from dangvu.exchange.columns import COLUMNS, Column
from dangvu.members.attributes import held_on
from dangvu.members.models import EventKind, MembershipEvent, PartyMember, Status
from dangvu.members.selectors import MemberFilters, export_rows, members_on, visible_members
from dangvu.orgs.models import Organisation, subtree_range
from dangvu.tree.selectors import visible_orgs

Record = dict[str, Any]


def _label(column: Column, value: Any) -> Any:
    if column.choices and value not in (None, ""):
        return str(dict(column.choices).get(value, value))
    return value


def member_records(
    members: Iterable[PartyMember],
    user: Any,
    *,
    on: dt.date | None = None,
    periods: dict[int, tuple[Organisation, str]] | None = None,
) -> Iterator[Record]:
    """One record per member, keyed by column; `periods` gives the cell and status on a past date
    `on`, whose attributes are those the person held that day."""
    sensitive = scope_for(user, Ability.VIEW_SENSITIVE)
    members = list(members)
    admissions: dict[int, Any] = {}
    ids = [m.pk for m in members]
    for start in range(0, len(ids), 500):
        for event in MembershipEvent.objects.filter(
            member_id__in=ids[start : start + 500], kind=EventKind.ADMISSION, voided_by__isnull=True
        ).select_related("decision"):
            admissions[event.member_id] = event.decision

    statuses = dict(Status.choices)
    # On a past day, each person's attributes as they were then (members/attributes.py).
    held = held_on([m.person_id for m in members], on) if on is not None else {}
    for m in members:
        p = m.person
        org, status = (periods or {}).get(m.pk, (m.org, m.status))
        decision = admissions.get(m.pk)
        record: Record = {
            "citizen_id": p.citizen_id or "",
            "card_number": m.card_number or "",
            "dossier_number": m.dossier_number or "",
            "full_name": p.full_name,
            "birth_date": p.birth_date,
            "hometown": p.hometown,
            "residence": p.residence,
            "phone": p.phone,
            "health": p.health,
            "family": p.family,
            "org": org.code if org else "",
            "org_name": org.name if org else "",
            "admission_date": m.admission_decision_date,
            "admission_number": decision.number if decision else "",
            "admission_issuer": decision.issuer if decision else "",
            "ceremony_date": m.ceremony_date,
            "official_date": m.official_date,
            "status": status_shown(
                status, statuses.get(status, status), revealed=sensitive.covers_member(m)
            ),
        }
        then = held.get(m.person_id, {})
        for column in COLUMNS["members"]:
            if column.choices:
                value = then.get(column.key, getattr(p, column.key))
                record[column.key] = _label(column, value)
        if not sensitive.covers_member(m):
            for column in COLUMNS["members"]:
                if column.sensitive:
                    record[column.key] = MASK
        yield record


def event_records(events: Iterable[MembershipEvent], user: Any) -> Iterator[Record]:
    sensitive = scope_for(user, Ability.VIEW_SENSITIVE)
    kinds = dict(EventKind.choices)
    for e in events:
        m = e.member
        d = e.details or {}
        record: Record = {
            "citizen_id": (m.person.citizen_id or "") if sensitive.covers_member(m) else MASK,
            "card_number": m.card_number or "",
            "dossier_number": m.dossier_number or "",
            "full_name": m.person.full_name,
            "birth_date": m.person.birth_date,
            "kind": str(kinds.get(e.kind, e.kind)),
            "on": e.on,
            "org": e.org.code if e.org else "",
            "decision_number": e.decision.number if e.decision else "",
            "decision_date": e.decision.date if e.decision else None,
            "decision_issuer": e.decision.issuer if e.decision else "",
            "note": "",
        }
        for column in COLUMNS["events"]:
            if column.key in d:
                value = d[column.key]
                if column.type == "date" and isinstance(value, str):
                    value = dt.date.fromisoformat(value)
                record[column.key] = _label(column, value)
        if e.kind in LEFT_EVENT_KINDS and not sensitive.covers_member(m):
            # A way of leaving the Party: all three read alike, "left the Party" on its day, and
            # every column after the day hidden, whether the event filled it or not.
            record["kind"] = str(LEFT_LABEL)
            after_day = False
            for column in COLUMNS["events"]:
                if after_day:
                    record[column.key] = MASK
                after_day = after_day or column.key == "on"
        elif is_sensitive_event(e.kind) and not sensitive.covers_member(m):
            # A discipline event: that there is one, not which, nor its decision.
            for key in ("kind", "decision_number", "decision_date", "decision_issuer", "org"):
                record[key] = MASK
            for column in COLUMNS["events"]:
                if column.key in d:
                    record[column.key] = MASK
        yield record


def rating_records(ratings: Iterable[Any], user: Any) -> Iterator[Record]:
    """Members' decided ratings, with the import's headers (the level as its code)."""
    sensitive = scope_for(user, Ability.VIEW_SENSITIVE)
    for r in ratings:
        m = r.member
        if not sensitive.covers_member(m):
            # Quality ratings are sensitive: the list says who, not how they were rated.
            yield {
                "citizen_id": MASK,
                "card_number": m.card_number or "",
                "dossier_number": m.dossier_number or "",
                "full_name": m.person.full_name,
                "year": r.year,
                "level": MASK,
                "deciding_org": r.deciding_org.code if r.deciding_org else "",
                "decision_number": MASK,
                "decision_date": None,
                "score_general": None,
                "score_tasks": None,
            }
            continue
        yield {
            "citizen_id": (m.person.citizen_id or "") if sensitive.covers_member(m) else MASK,
            "card_number": m.card_number or "",
            "dossier_number": m.dossier_number or "",
            "full_name": m.person.full_name,
            "year": r.year,
            "level": r.level,
            "deciding_org": r.deciding_org.code if r.deciding_org else "",
            "decision_number": r.decision.number if r.decision else "",
            "decision_date": r.decision.date if r.decision else None,
            "score_general": float(r.score_general) if r.score_general is not None else None,
            "score_tasks": float(r.score_tasks) if r.score_tasks is not None else None,
        }


def ratings_of(user: Any, org: Organisation) -> list[Any]:

    low, high = subtree_range(org.path)
    members = visible_members(user).filter(org__path__gte=low, org__path__lt=high)
    return list(
        Rating.objects.filter(member__in=members)
        .exclude(level="")
        .select_related("member__person", "deciding_org", "decision")
        .order_by("member__person__sort_key", "year")
    )


def org_rating_records(ratings: Iterable[Any]) -> Iterator[Record]:
    for r in ratings:
        yield {
            "code": r.org.code,
            "name": r.org.name,
            "year": r.year,
            "level": r.level,
            "deciding_org": r.deciding_org.code if r.deciding_org else "",
            "decision_number": r.decision.number if r.decision else "",
            "decision_date": r.decision.date if r.decision else None,
            "score_general": float(r.score_general) if r.score_general is not None else None,
            "score_tasks": float(r.score_tasks) if r.score_tasks is not None else None,
        }


def org_ratings_of(user: Any, org: Organisation) -> list[Any]:

    return list(
        Rating.objects.filter(org__in=orgs_of(user, org))
        .exclude(level="")
        .select_related("org", "deciding_org", "decision")
        .order_by("org__code", "year")
    )


def org_records(orgs: Iterable[Organisation]) -> Iterator[Record]:
    for o in orgs:
        decision = o.names.order_by("valid_from").first()
        yield {
            "code": o.code,
            "name": o.name,
            "kind": _label(COLUMNS["orgs"][2], o.kind),
            "category": _label(COLUMNS["orgs"][3], o.category),
            "parent": o.parent.code if o.parent else "",
            "established_on": o.established_on,
            "decision_number": decision.decision.number if decision and decision.decision else "",
            "decision_issuer": decision.decision.issuer if decision and decision.decision else "",
            "dissolved_on": o.dissolved_on,
        }


def _cells(kind: str, records: Iterable[Record]) -> Iterator[list[Any]]:
    columns = COLUMNS[kind]
    for record in records:
        yield [record.get(c.key) for c in columns]


def write_xlsx(kind: str, records: Iterable[Record], out: BinaryIO, title: str = "") -> int:
    import xlsxwriter

    columns = COLUMNS[kind]
    book = xlsxwriter.Workbook(
        out,
        {
            "constant_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    sheet = book.add_worksheet((title or "Dữ liệu")[:31])
    head = book.add_format(
        {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#E8E8E8", "border": 1}
    )
    date = book.add_format({"num_format": "dd/mm/yyyy"})
    text = book.add_format({"num_format": "@"})
    for index, column in enumerate(columns):
        sheet.write_string(0, index, column.header, head)
        sheet.set_column(
            index,
            index,
            14 if column.type == "date" else 22,
            text if column.type in ("citizen_id", "code") else None,
        )
    sheet.freeze_panes(1, 0)
    count = 0
    for number, cells in enumerate(_cells(kind, records), start=1):
        count += 1
        for index, value in enumerate(cells):
            if value in (None, ""):
                continue
            if isinstance(value, dt.date):
                sheet.write_datetime(
                    number, index, dt.datetime(value.year, value.month, value.day), date
                )
            else:
                sheet.write_string(number, index, str(value))
    book.close()
    return count


def write_csv(kind: str, records: Iterable[Record], out: io.TextIOBase) -> int:
    writer = csv.writer(out)
    out.write("\ufeff")
    writer.writerow([c.header for c in COLUMNS[kind]])
    count = 0
    for cells in _cells(kind, records):
        count += 1
        writer.writerow(
            [csv_cell(v.strftime("%d/%m/%Y") if isinstance(v, dt.date) else v) for v in cells]
        )
    return count


def write(kind: str, records: Iterable[Record], out: BinaryIO, fmt: str, title: str = "") -> int:
    """Write the records as XLSX or CSV into a binary stream; labels in Vietnamese."""
    with translation.override("vi"):
        if fmt == "xlsx":
            return write_xlsx(kind, records, out, title)
        wrapper = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
        try:
            return write_csv(kind, records, wrapper)
        finally:
            wrapper.detach()


CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def response(kind: str, records: Iterable[Record], fmt: str, filename: str, title: str = "") -> Any:
    """A download of the records: `filename` without its suffix."""
    from django.http import HttpResponse

    fmt = fmt if fmt in CONTENT_TYPES else "xlsx"
    out = io.BytesIO()
    write(kind, records, out, fmt, title=title)
    answer = HttpResponse(out.getvalue(), content_type=CONTENT_TYPES[fmt])
    answer["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return answer


def template(kind: str, out: BinaryIO) -> None:
    """An empty file with the headers, and a second sheet saying what each column holds."""
    import xlsxwriter

    with translation.override("vi"):
        book = xlsxwriter.Workbook(out)
        sheet = book.add_worksheet("Dữ liệu")
        head = book.add_format({"bold": True, "bg_color": "#E8E8E8", "border": 1})
        text = book.add_format({"num_format": "@"})
        wrap = book.add_format({"text_wrap": True, "valign": "top"})
        columns = [c for c in COLUMNS[kind] if c.imported]
        for index, column in enumerate(columns):
            sheet.write_string(0, index, column.header, head)
            sheet.set_column(
                index, index, 22, text if column.type in ("citizen_id", "code") else None
            )
        sheet.freeze_panes(1, 0)
        guide = book.add_worksheet("Hướng dẫn")
        for index, title in enumerate(["Cột", "Tên tiếng Anh", "Cách ghi", "Giá trị cho phép"]):
            guide.write_string(0, index, title, head)
        kinds = {
            "date": "Ngày, dd/mm/yyyy",
            "choice": "Một trong các giá trị bên",
            "citizen_id": "Văn bản, 12 chữ số",
            "code": "Mã, văn bản",
        }
        for number, column in enumerate(columns, start=1):
            guide.write_string(number, 0, column.header)
            guide.write_string(number, 1, column.aliases[0] if column.aliases else "")
            guide.write_string(
                number,
                2,
                "; ".join(x for x in (kinds.get(column.type, "Văn bản"), column.note) if x),
                wrap,
            )
            allowed = ", ".join(str(label) for _c, label in (column.choices or []))
            guide.write_string(number, 3, allowed[:32000], wrap)
        guide.set_column(0, 1, 28)
        guide.set_column(2, 3, 60)
        book.close()


def members_of(
    user: Any, org: Organisation, on: dt.date | None
) -> tuple[list[PartyMember], dict[int, tuple[Organisation, str]] | None]:
    """The members of the organisation's subtree the user may see: today's, or those on `on`."""

    if on is None:
        return export_rows(user, org, MemberFilters()), None
    periods = list(members_on(org, on).select_related("org"))
    visible = (
        set(
            visible_members(user)
            .filter(pk__in=[p.member_id for p in periods])
            .values_list("pk", flat=True)
        )
        if user is not None
        else {p.member_id for p in periods}
    )
    chosen = {p.member_id: (p.org, p.status) for p in periods if p.member_id in visible}
    members = list(
        PartyMember.objects.filter(pk__in=list(chosen))
        .select_related("person", "org")
        .order_by("person__sort_key")
    )
    return members, chosen


def events_of(user: Any, org: Organisation) -> list[MembershipEvent]:

    low, high = subtree_range(org.path)
    members = visible_members(user).filter(org__path__gte=low, org__path__lt=high)
    return list(
        MembershipEvent.objects.filter(member__in=members, voided_by__isnull=True)
        .exclude(kind=EventKind.REASSIGNMENT)
        .select_related("member__person", "member__org", "org", "decision")
        .order_by("member__person__sort_key", "on", "id")
    )


def orgs_of(user: Any, org: Organisation) -> list[Organisation]:

    low, high = subtree_range(org.path)
    return list(
        visible_orgs(user)
        .filter(path__gte=low, path__lt=high)
        .select_related("parent")
        .order_by("path")
    )
