"""A ballot-count sheet (XLSX or CSV) read and counted by the one rule (rules/congress.py): the
command `dangvu election count FILE`, and a test of the count.

The sheet carries its parameters as "name | value" lines above the header, then either one row
per candidate with the agreeing votes (the counting committee's tally), or one row per ballot
with a column per candidate:

    Số cần bầu                         | 9
    Loại đại hội                       | đại biểu        (or: đảng viên)
    Số được triệu tập                  | 350
    Đại biểu vắng mặt không có dự khuyết | 2            (any deduction of rules.congress)
    Số có mặt                          | 345
    Số phiếu phát ra                   | 345
    Số phiếu thu vào                   | 345             (tally only)
    Số phiếu không hợp lệ              | 3               (tally only)

    Họ và tên | Số phiếu đồng ý              or    Phiếu số | Nguyễn Văn A | Trần Thị B | …
    Nguyễn Văn A | 250                              1        | x            | k          |
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from dangvu.congress.services import check_count
from dangvu.core.sheets import Cell, FileError, open_sheet
from dangvu.core.text import search_key
from dangvu.rules import congress as rules


class SheetError(ValueError):
    """What is wrong with the sheet, every problem named by its row and column."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


PARAMETERS = {
    "so can bau": "seats",
    "so luong can bau": "seats",
    "loai dai hoi": "kind",
    "so duoc trieu tap": "convened",
    "tong so duoc trieu tap": "convened",
    "so co mat": "present",
    "so phieu phat ra": "issued",
    "so phieu thu vao": "collected",
    "so phieu khong hop le": "invalid",
    "quy tac khi bang phieu": "tie_rule",
}
DEDUCTION_LABELS = {
    "temporary_elsewhere": "Đảng viên sinh hoạt tạm thời ở đảng bộ khác",
    "exempt_absent": "Đảng viên miễn sinh hoạt vắng mặt",
    "suspended": "Đảng viên bị đình chỉ sinh hoạt",
    "prosecuted": "Đảng viên bị khởi tố, truy tố, tạm giam",
    "absent_with_reason": "Đảng viên vắng mặt suốt đại hội có lý do",
    "convening_absent": "Ủy viên cấp ủy triệu tập vắng mặt",
    "absent_no_alternate": "Đại biểu vắng mặt không có dự khuyết",
}
for _key, _label in DEDUCTION_LABELS.items():
    PARAMETERS[search_key(_label)] = f"deduct:{_key}"

NAME_HEADERS = {"ho va ten", "ho ten", "ung cu vien", "nguoi ung cu"}
VOTES_HEADERS = {"so phieu dong y", "so phieu", "phieu dong y", "so phieu bau"}
BALLOT_HEADERS = {"phieu so", "so phieu bau so", "phieu"}
NOTE_HEADERS = {"ghi chu"}
AGREE = {"x", "dong y", "d", "1", "v"}
DISAGREE = {"k", "khong dong y", "khong", "0", "-"}
BOTH = {"dk", "ca hai", "x/k", "xk"}


@dataclass
class Count:
    seats: int
    kind: str
    convened: int
    deductions: dict[str, int]
    present: int | None
    tally: rules.Tally
    outcome: rules.Outcome
    ballots_issued: int | None
    names: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        o = self.outcome
        order = o.elected + o.tied + o.passed_not_elected + o.failed
        state = {
            **{n: "elected" for n in o.elected},
            **{n: "tied" for n in o.tied},
            **{n: "passed" for n in o.passed_not_elected},
            **{n: "failed" for n in o.failed},
        }
        return {
            "seats": self.seats,
            "kind": self.kind,
            "convened": self.convened,
            "deductions": self.deductions,
            "base": o.base,
            "needed": o.needed,
            "ballots": {
                "issued": self.ballots_issued,
                "collected": self.tally.ballots,
                "valid": self.tally.valid,
                "invalid": self.tally.invalid,
            },
            "candidates": [
                {
                    "rank": i,
                    "name": name,
                    "votes": self.tally.votes[name],
                    "percent_of_base": round(100 * self.tally.votes[name] / o.base, 2),
                    "result": state[name],
                }
                for i, name in enumerate(order, 1)
            ],
            "elected": o.elected,
            "tied": o.tied,
            "seats_left": o.seats_left,
        }


def _int(value: Cell, where: str, problems: list[str]) -> int | None:
    if isinstance(value, bool) or value is None or value == "":
        problems.append(_("%(where)s: give a whole number.") % {"where": where})
        return None
    if not isinstance(value, (str, int, float)):
        problems.append(_("%(where)s: give a whole number.") % {"where": where})
        return None
    text = value.strip().replace(" ", "") if isinstance(value, str) else value
    if isinstance(text, str) and re.fullmatch(r"\d{1,3}(\.\d{3})+", text):
        text = text.replace(".", "")  # 1.234: the Vietnamese thousands separator
    try:
        number = float(text)
    except ValueError:
        problems.append(
            _("%(where)s: “%(value)s” is not a number.") % {"where": where, "value": value}
        )
        return None
    if number != int(number) or number < 0:
        problems.append(_("%(where)s: give a whole number.") % {"where": where})
        return None
    return int(number)


def _mark(value: Cell) -> str | None:
    text = search_key(str(value)) if value not in (None, "") else ""
    if not text:
        return rules.NEITHER
    if text in AGREE:
        return rules.AGREE
    if text in DISAGREE:
        return rules.DISAGREE
    if text in BOTH:
        return rules.BOTH
    return None


def read_count(content: bytes, filename: str) -> Count:
    def score(cells: list[str]) -> int:
        keys = {search_key(c) for c in cells if c}
        return 2 * len(keys & (NAME_HEADERS | BALLOT_HEADERS)) + len(keys & VOTES_HEADERS)

    try:
        sheet = open_sheet(content, filename, score, whole=True)
    except FileError as error:
        raise SheetError([str(error)]) from error
    problems: list[str] = []
    values: dict[str, Any] = {}
    deductions: dict[str, int] = {}
    for _line, cells in enumerate(sheet.preamble, 1):
        filled = [c for c in cells if c not in (None, "")]
        if len(filled) < 2:
            continue
        key = PARAMETERS.get(search_key(str(filled[0])).rstrip(":").strip())
        where = _("Line “%(name)s”") % {"name": filled[0]}
        if key is None:
            problems.append(_("%(where)s: not a parameter of the count.") % {"where": where})
        elif key == "kind":
            text = search_key(str(filled[1]))
            values["kind"] = (
                rules.DELEGATE_CONGRESS
                if "dai bieu" in text
                else rules.MEMBER_CONGRESS
                if "dang vien" in text
                else None
            )
            if values["kind"] is None:
                problems.append(_("%(where)s: write “đại biểu” or “đảng viên”.") % {"where": where})
        elif key == "tie_rule":
            if "tuoi" in search_key(str(filled[1])):
                # The older candidate needs the dates of birth, which a sheet does not carry.
                problems.append(
                    _(
                        "%(where)s: the sheet carries no dates of birth; leave the tie to the congress."
                    )
                    % {"where": where}
                )
            values["tie_rule"] = ""
        elif key.startswith("deduct:"):
            number = _int(filled[1], where, problems)
            if number is not None:
                deductions[key.removeprefix("deduct:")] = number
        else:
            values[key] = _int(filled[1], where, problems)
    for key, label in (
        ("seats", "Số cần bầu"),
        ("kind", "Loại đại hội"),
        ("convened", "Số được triệu tập"),
    ):
        if key not in values:
            problems.append(
                _("The sheet has no line “%(name)s” above its table.") % {"name": label}
            )
    headers = [search_key(h or "") for h in sheet.headers]
    ballots_mode = bool(headers) and headers[0] in BALLOT_HEADERS
    if not ballots_mode and not (set(headers) & NAME_HEADERS and set(headers) & VOTES_HEADERS):
        problems.append(
            _(
                "The header row names neither “Họ và tên” and “Số phiếu đồng ý” nor “Phiếu số” and the candidates."
            )
        )
    if problems:
        raise SheetError(problems)
    kind = values["kind"]
    wrong = set(deductions) - set(rules.deduction_keys(kind))
    if wrong:
        raise SheetError(
            [
                _("A deduction of another kind of congress: “%(name)s”.")
                % {"name": DEDUCTION_LABELS[k]}
                for k in sorted(wrong)
            ]
        )
    seats = values["seats"]
    if not seats:
        raise SheetError([_("Give the number to elect.")])
    if ballots_mode:
        names = [h for h in sheet.headers[1:] if h and search_key(h) not in NOTE_HEADERS]
        note_at = next((i for i, h in enumerate(headers) if h in NOTE_HEADERS), None)
        if len(set(names)) != len(names):
            raise SheetError([_("A candidate is named twice in the header row.")])
        ballots: list[dict[str, str] | None] = []
        for number, cells in sheet.rows:
            if (
                note_at is not None
                and note_at < len(cells)
                and "khong hop le" in search_key(str(cells[note_at] or ""))
            ):
                ballots.append(None)
                continue
            ballot: dict[str, str] = {}
            for i, name in enumerate(names, 1):
                raw = cells[i] if i < len(cells) else None
                mark = _mark(raw)
                if mark is None:
                    problems.append(
                        _(
                            "Row %(row)s, column “%(col)s”: “%(value)s” is not a mark (x agree, k disagree, blank)."
                        )
                        % {"row": number, "col": name, "value": raw}
                    )
                    continue
                ballot[name] = mark
            ballots.append(ballot)
        if problems:
            raise SheetError(problems)
        tally = rules.count_ballots(names, seats, ballots)
    else:
        name_at = next(i for i, h in enumerate(headers) if h in NAME_HEADERS)
        votes_at = next(i for i, h in enumerate(headers) if h in VOTES_HEADERS)
        names = []
        tally = rules.Tally()
        for number, cells in sheet.rows:
            name = str(cells[name_at] or "").strip() if name_at < len(cells) else ""
            if not name:
                problems.append(_("Row %(row)s, column “Họ và tên”: required.") % {"row": number})
                continue
            if name in tally.votes:
                problems.append(
                    _("Row %(row)s: %(name)s is listed twice.") % {"row": number, "name": name}
                )
                continue
            where = _("Row %(row)s, column “%(col)s”") % {
                "row": number,
                "col": sheet.headers[votes_at],
            }
            votes = _int(cells[votes_at] if votes_at < len(cells) else None, where, problems)
            names.append(name)
            tally.votes[name] = votes or 0
        for key, label in (("collected", "Số phiếu thu vào"), ("invalid", "Số phiếu không hợp lệ")):
            if values.get(key) is None:
                problems.append(
                    _("The sheet has no line “%(name)s” above its table.") % {"name": label}
                )
        if problems:
            raise SheetError(problems)
        tally.ballots, tally.invalid = values["collected"], values["invalid"]
        issued = values.get("issued")
        try:  # the minutes' own consistency: the rule the count form and the service use
            valid, _counted = check_count(
                [(name, i, name) for i, name in enumerate(names)],
                {i: tally.votes[name] for i, name in enumerate(names)},
                ballots_issued=issued if issued is not None else tally.ballots,
                ballots_collected=tally.ballots,
                invalid=tally.invalid,
                present=values.get("present") or (issued if issued is not None else tally.ballots),
                seats=seats,
            )
        except ValidationError as error:
            raise SheetError([m for ms in error.message_dict.values() for m in ms]) from error
        tally.valid = valid
    if not names:
        raise SheetError([_("The sheet names no candidate.")])
    try:
        base = rules.base_of(kind, values["convened"], deductions)
    except ValueError:
        raise SheetError([_("The deductions leave nobody to count against.")]) from None
    issued = values.get("issued")
    if issued is not None and tally.ballots > issued:
        raise SheetError([_("More ballots collected than issued.")])
    outcome = rules.elect(tally.votes, seats, base, tie_rule=values.get("tie_rule", ""))
    return Count(
        seats=seats,
        kind=kind,
        convened=values["convened"],
        deductions=deductions,
        present=values.get("present"),
        tally=tally,
        outcome=outcome,
        ballots_issued=issued,
        names=names,
    )
