"""Turning a spreadsheet cell into a value, or into a reason in Vietnamese why it cannot be one."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from dangvu.accounts.privacy import MASK
from dangvu.core.sheets import Cell
from dangvu.core.text import clean, search_key
from dangvu.rules.evaluation import ScoreError, parse_level, score_value

EXCEL_EPOCH = dt.date(1899, 12, 30)
FIRST_SERIAL = 3654  # 01/01/1910: smaller numbers are not taken for dates
LAST_SERIAL = 73051  # 01/01/2100

_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})$")
_YMD = re.compile(r"^(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
_SERIAL = re.compile(r"^\d{4,5}(?:\.0+)?$")
_FORMULA_GUARD = re.compile(r"^'(?=[=+\-@\t\r])")


class CellError(ValueError):
    """A cell that cannot be read; the message names what is wrong with it."""


class Warned(str):
    """A value read with a repair the user should know of (the note says which)."""

    note: str

    def __new__(cls, value: str, note: str) -> Warned:
        obj = super().__new__(cls, value)
        obj.note = note
        return obj


def shown(value: Cell) -> str:
    """The cell as the user sees it, for a message."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return (
            value.strftime("%d/%m/%Y %H:%M") if value.time() != dt.time() else f"{value:%d/%m/%Y}"
        )
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "…"


def text(value: Cell, max_length: int | None = None) -> str:
    """NFC text without stray spaces; numbers without a trailing .0; a leading apostrophe that
    guarded a formula character (as dangvu's CSV export writes it) taken off."""
    if value is None:
        return ""
    if isinstance(value, bool):
        raise CellError(_("A text or number is expected here, not TRUE/FALSE."))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.date):
        raise CellError(_("A text is expected here, not a date."))
    result = _FORMULA_GUARD.sub("", clean(str(value)))
    if max_length is not None and len(result) > max_length:
        raise CellError(
            _("The text is too long: %(n)s characters, at most %(max)s.")
            % {"n": len(result), "max": max_length}
        )
    return result


def masked(value: Cell) -> bool:
    return isinstance(value, str) and value.strip() == MASK


def date(value: Cell) -> dt.date | None:
    """dd/mm/yyyy, yyyy-mm-dd, a date cell or an Excel serial number; None when blank."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise CellError(_("A date is expected here (dd/mm/yyyy)."))
    if isinstance(value, int | float):
        return _serial(float(value))
    raw = clean(str(value))
    if not raw:
        return None
    if _SERIAL.match(raw):
        return _serial(float(raw))
    found = _YMD.match(raw)
    if found:
        y, m, d = (int(g) for g in found.groups())
        return _make(y, m, d, raw)
    found = _DMY.match(raw)
    if found:
        day, month, year_text = found.groups()
        if len(year_text) != 4:
            raise CellError(
                _(
                    "“%(value)s”: a two-digit year is ambiguous; write the year in full (dd/mm/yyyy)."
                )
                % {"value": raw}
            )
        return _make(int(year_text), int(month), int(day), raw)
    raise CellError(
        _("“%(value)s” is not a date: write it as dd/mm/yyyy (for example 02/09/1975).")
        % {"value": raw}
    )


def _make(year: int, month: int, day: int, raw: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError(
            _(
                "“%(value)s” is not a date: dates are read day/month/year, and there is no day "
                "%(day)s of month %(month)s in %(year)s."
            )
            % {"value": raw, "day": day, "month": month, "year": year}
        ) from None


def _serial(number: float) -> dt.date:
    if not FIRST_SERIAL <= number < LAST_SERIAL:
        raise CellError(
            _("The number %(value)s is not a date: write the date as dd/mm/yyyy.")
            % {"value": shown(number)}
        )
    return EXCEL_EPOCH + dt.timedelta(days=int(number))


def digits_id(value: Cell, length: int) -> str | Warned:
    """A number written with digits (citizen ID): a number cell that lost its leading zero gets
    it back, with a note; anything else is returned for the rules to judge."""
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    raw = text(value).replace(" ", "").replace(".", "") if not numeric else str(int(value))  # type: ignore[arg-type]
    if raw.isdigit() and len(raw) == length - 1:
        return Warned(
            "0" + raw,
            _(
                "The leading zero was lost (the cell was kept as a number): read as %(value)s. "
                "Format the column as text."
            )
            % {"value": "0" + raw},
        )
    return raw


def _labels(choices: Iterable[tuple[str, Any]]) -> dict[str, str]:
    table: dict[str, str] = {}
    for code, label in choices:
        table[search_key(str(code))] = str(code)
        if str(code).isdigit():
            table[str(int(code))] = str(code)  # "1" for "01": a number cell loses the zero
        for language in ("vi", "en"):
            with translation.override(language):
                table[search_key(str(label))] = str(code)
    return table


_TABLES: dict[int, dict[str, str]] = {}


def choice(
    value: Cell, choices: list[tuple[str, Any]], aliases: dict[str, str] | None = None
) -> str | None:
    """The code of a choice written as its Vietnamese or English label or its code."""
    raw = text(value)
    if not raw:
        return None
    key = id(choices)
    if key not in _TABLES:
        _TABLES[key] = {
            **_labels(choices),
            **{search_key(k): v for k, v in (aliases or {}).items()},
        }
    found = _TABLES[key].get(search_key(raw))
    if found is None:
        with translation.override("vi"):
            allowed = ", ".join(str(label) for _c, label in choices[:12])
        raise CellError(
            _("“%(value)s” is not one of the allowed values (%(allowed)s%(more)s).")
            % {"value": raw, "allowed": allowed, "more": ", …" if len(choices) > 12 else ""}
        )
    return found


def year(value: Cell) -> int | None:
    """A year written as 2021 (a number cell or text)."""
    written = text(value)
    if not written:
        return None
    try:
        number = float(written.replace(",", "."))
    except ValueError:
        number = -1
    if number != int(number) or not 1930 <= number <= 2100:
        raise CellError(_("“%(value)s” is not a year (write it as 2021).") % {"value": written})
    return int(number)


def number(value: Cell) -> float | None:
    """A decimal number, with a comma or a point."""
    if isinstance(value, bool):
        raise CellError(_("“%(value)s” is not a number.") % {"value": value})
    if isinstance(value, int | float):
        return float(value)
    written = text(value)
    if not written:
        return None
    try:
        return float(written.replace(",", "."))
    except ValueError as exc:
        raise CellError(_("“%(value)s” is not a number.") % {"value": written}) from exc


def score(value: Cell) -> Any:
    """A score of the 2025 rating, read by the score rules' own reader (a comma or a point; a
    spreadsheet's number by its shortest decimal form); its range and precision are checked with
    the rating."""

    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return score_value(value)
    except ScoreError as exc:
        raise CellError(str(exc)) from exc


def rating(value: Cell, subject: str = "member") -> str | None:
    """A rating: its code, its name, or an older year's label (mapped, DOMAIN.md §1.2)."""

    written = text(value)
    if not written:
        return None
    level = parse_level(written, subject)
    if level is None:
        raise CellError(
            _(
                "“%(value)s” is not a rating: write HTXSNV, HTTNV, HTNV or KHTNV, or the name of "
                "the level."
            )
            % {"value": written}
        )
    return level
