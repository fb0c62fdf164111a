"""The national public service portal's statement of dues paid (Cổng Dịch vụ công Quốc gia,
DOMAIN.md §7.3), imported into a cell's or a committee's books: each row is a payment recorded by
`activities.dues.pay` — the one door every payment goes through — with the portal's transaction
number as its receipt. All rows or none: every problem is named by its row and column.

Columns (a title may sit above the header): "Số thẻ đảng viên" (or "Số CCCD"), "Họ và tên",
"Kỳ đóng" (mm/yyyy, or "mm/yyyy - mm/yyyy" when paid ahead), "Số tiền", "Ngày nộp",
"Mã giao dịch".
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from dangvu.activities import dues
from dangvu.core.actors import Actor
from dangvu.core.models import ChangeSet
from dangvu.core.sheets import Cell, FileError, open_sheet
from dangvu.core.text import search_key
from dangvu.members.models import PartyMember
from dangvu.orgs.models import Organisation, subtree_range

COLUMNS = {
    "card": ("so the dang vien", "so the"),
    "citizen_id": ("so cccd", "so can cuoc", "cccd"),
    "name": ("ho va ten", "ho ten"),
    "period": ("ky dong", "thang"),
    "amount": ("so tien",),
    "paid_on": ("ngay nop", "ngay dong"),
    "receipt": ("ma giao dich", "so bien lai"),
}
LABELS = {
    "card": "Số thẻ đảng viên",
    "citizen_id": "Số CCCD",
    "name": "Họ và tên",
    "period": "Kỳ đóng",
    "amount": "Số tiền",
    "paid_on": "Ngày nộp",
    "receipt": "Mã giao dịch",
}
_MONTH = re.compile(r"^\s*(\d{1,2})\s*/\s*(\d{4})\s*$")


class StatementError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _columns(headers: list[str]) -> dict[str, int]:
    found = {}
    for index, header in enumerate(headers):
        key = search_key(header)
        for name, options in COLUMNS.items():
            if key in options and name not in found:
                found[name] = index
    return found


def _month(value: Cell) -> dt.date | None:
    if isinstance(value, dt.datetime | dt.date):
        day = value.date() if isinstance(value, dt.datetime) else value
        return day.replace(day=1)
    match = _MONTH.match(str(value or ""))
    if not match or not 1 <= int(match.group(1)) <= 12:
        return None
    return dt.date(int(match.group(2)), int(match.group(1)), 1)


def _day(value: Cell) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.datetime.strptime(str(value or "").strip(), "%d/%m/%Y").date()
    except ValueError:
        return None


def _amount(value: Cell) -> int | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return int(value) if float(value).is_integer() and value > 0 else None
    digits = str(value or "").replace(".", "").replace(",", "").replace(" ", "").replace("đ", "")
    return int(digits) if digits.isdigit() and int(digits) > 0 else None


def import_statement(*, org: Organisation, content: bytes, filename: str, actor: Actor) -> int:
    """Record every payment of the statement for members of the cells under `org` the actor
    manages; the number of payments recorded."""
    try:
        sheet = open_sheet(content, filename, lambda cells: len(_columns(cells)), whole=True)
    except FileError as error:
        raise StatementError([str(error)]) from error
    columns = _columns(sheet.headers)
    missing = [LABELS[c] for c in ("period", "amount", "paid_on", "receipt") if c not in columns]
    if "card" not in columns and "citizen_id" not in columns:
        missing.insert(0, f"{LABELS['card']} / {LABELS['citizen_id']}")
    if missing:
        raise StatementError(
            [_("The statement has no column %(names)s.") % {"names": ", ".join(missing)}]
        )
    low, high = subtree_range(org.path)
    problems: list[str] = []
    rows: list[tuple[int, PartyMember, dt.date, dt.date, int, dt.date, str]] = []

    def cell(cells: list[Cell], name: str) -> Cell:
        index = columns.get(name)
        return cells[index] if index is not None and index < len(cells) else None

    lines = list(sheet.rows)
    cards = {str(cell(c, "card") or "").strip() for _n, c in lines} - {""}
    citizens = {str(cell(c, "citizen_id") or "").strip() for _n, c in lines} - {""}
    # The members of the cells under `org`, at home or on temporary transfer there: one query.
    here = (
        PartyMember.objects.select_related("person", "org")
        .filter(
            Q(org__path__gte=low, org__path__lt=high)
            | Q(temp_org__path__gte=low, temp_org__path__lt=high)
        )
        .filter(Q(card_number__in=cards) | Q(person__citizen_id__in=citizens))
    )
    by_card = {m.card_number: m for m in here if m.card_number}
    by_citizen = {m.person.citizen_id: m for m in here if m.person.citizen_id}
    for number, cells in lines:
        where = _("Row %(row)s") % {"row": number}
        card = str(cell(cells, "card") or "").strip()
        citizen = str(cell(cells, "citizen_id") or "").strip()
        member = by_card.get(card) if card else by_citizen.get(citizen)
        if member is None or not dues.may_handle(actor, member):
            # Elsewhere or unknown: not named (a name outside the user's scope is a leak).
            problems.append(
                _("%(where)s, column %(col)s: no member of this organisation has this number.")
                % {"where": where, "col": LABELS["card" if card or not citizen else "citizen_id"]}
            )
            continue
        period = str(cell(cells, "period") or "")
        parts = (
            [p for p in re.split(r"\s*[-–]\s*", period) if p]
            if isinstance(cell(cells, "period"), str)
            else [cell(cells, "period")]
        )
        first = _month(parts[0]) if parts else None
        last = _month(parts[-1]) if parts else None
        amount = _amount(cell(cells, "amount"))
        paid_on = _day(cell(cells, "paid_on"))
        receipt = str(cell(cells, "receipt") or "").strip()
        for ok, col, what in (
            (first is not None and last is not None, "period", _("a month as mm/yyyy")),
            (amount is not None, "amount", _("a whole number of đồng")),
            (paid_on is not None, "paid_on", _("a date as dd/mm/yyyy")),
            (bool(receipt), "receipt", _("the portal's transaction number")),
        ):
            if not ok:
                problems.append(
                    _("%(where)s, column %(col)s: enter %(what)s.")
                    % {"where": where, "col": LABELS[col], "what": what}
                )
        if first and last and amount and paid_on and receipt:
            rows.append((number, member, first, last, amount, paid_on, receipt))
    if problems:
        raise StatementError(problems)
    with transaction.atomic():
        for number, member, first, last, amount, paid_on, receipt in rows:
            try:
                dues.pay(
                    member=member,
                    paid_on=paid_on,
                    amount=amount,
                    first=first,
                    last=last,
                    channel="portal",
                    receipt=receipt,
                    actor=actor,
                    source=ChangeSet.Source.IMPORT,
                )
            except ValidationError as exc:
                problems.append(
                    _("Row %(row)s (%(name)s): %(problem)s")
                    % {
                        "row": number,
                        "name": member.person.full_name,
                        "problem": " ".join(exc.messages),
                    }
                )
        if problems:
            transaction.set_rollback(True)
    if problems:
        raise StatementError(problems)
    return len(rows)
