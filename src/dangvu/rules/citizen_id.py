"""The 12-digit citizen ID (số định danh cá nhân / CCCD) and what its digits must agree with.

Structure (Thông tư 07/2016/TT-BCA, Điều 7, kept by Thông tư 59/2021/TT-BCA): three digits of the
province of birth registration, one digit for sex and century of birth (0/1 for the 20th century,
2/3 for the 21st, 4/5 for the 22nd; 8/9 for the 19th; even = male, odd = female), two digits of the
year of birth, six random digits.
"""

from __future__ import annotations

import datetime as dt
import re

PROVINCE_CODES = frozenset(
    [
        "001",
        "002",
        "004",
        "006",
        "008",
        "010",
        "011",
        "012",
        "014",
        "015",
        "017",
        "019",
        "020",
        "022",
        "024",
        "025",
        "026",
        "027",
        "030",
        "031",
        "033",
        "034",
        "035",
        "036",
        "037",
        "038",
        "040",
        "042",
        "044",
        "045",
        "046",
        "048",
        "049",
        "051",
        "052",
        "054",
        "056",
        "058",
        "060",
        "062",
        "064",
        "066",
        "067",
        "068",
        "070",
        "072",
        "074",
        "075",
        "077",
        "079",
        "080",
        "082",
        "083",
        "084",
        "086",
        "087",
        "089",
        "091",
        "092",
        "093",
        "094",
        "095",
        "096",
    ]
)
_CENTURY_BASE = {0: 1900, 2: 2000, 4: 2100, 8: 1800}
_DIGITS = re.compile(r"^\d{12}$")


def century_sex_digit(sex: str, birth_year: int) -> int:
    base = {19: 0, 20: 2, 21: 4, 18: 8}[birth_year // 100]
    return base + (1 if sex == "F" else 0)


def problems(value: str, *, sex: str | None = None, birth_date: dt.date | None = None) -> list[str]:
    """Codes of what is wrong with a citizen ID: empty list when it is valid."""
    if not _DIGITS.match(value):
        return ["format"]
    found: list[str] = []
    if value[:3] not in PROVINCE_CODES:
        found.append("province")
    digit = int(value[3])
    if digit in (6, 7):
        found.append("century")
        return found
    if sex is not None and (digit % 2 == 1) != (sex == "F"):
        found.append("sex")
    if birth_date is not None:
        base = _CENTURY_BASE.get(digit - digit % 2)
        if base is None or base + int(value[4:6]) != birth_date.year:
            found.append("birth_year")
    return found
