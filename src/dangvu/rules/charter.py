"""The Charter's implementing rules on the membership lifecycle, versioned by date (DOMAIN.md §0, §3, §4).

Each version is keyed by (number, date, issuer) and chosen by the date of the fact it judges. A
value marked UNCONFIRMED in DOMAIN.md is still a parameter, with its default and the note.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class CharterRules:
    number: str
    signed: dt.date
    effective: dt.date
    issuer: str
    # §4.1: age at the cell's vote, counted in months, from full 18 to full 60 years.
    min_admission_months: int = 18 * 12
    max_admission_months: int = 60 * 12
    # §4.2: probation of 12 months from the ceremony; ceremony within 30 working days.
    probation_months: int = 12
    ceremony_working_days: int = 30
    # §4.3: the cell considers recognition within 30 working days after the 12 months.
    recognition_working_days: int = 30
    # §4.5: official transfer procedure within 60 working days; letter presented within 30.
    transfer_procedure_working_days: int = 60
    letter_presentation_working_days: int = 30
    # §4.5 temporary transfer: residence or work change from 3 months to under 1 year.
    temporary_transfer_max_months: int = 12
    # §4.5 (HD 01 mục 10.3): temporary exemption from activity for under 12 months.
    temporary_exemption_max_months: int = 12
    # §3.2: the interruption of a transfer (letter issued → presented) is not party activity.
    # UNCONFIRMED whether a transfer presented on time counts as an interruption; default: the
    # whole interval is deducted, as DOMAIN.md §4.5 states without qualification.
    transfer_gap_deducted: bool = True
    # §4.6 (HD 27-HD/BTCTW, 2009): "advanced age" is past working age: men over 60, women over 55.
    # UNCONFIRMED whether updated after the 2019 Labour Code raised retirement ages.
    exemption_age_men: int = 60
    exemption_age_women: int = 55
    # §4.8 (QĐ 232, 2025): who may not be re-admitted.
    readmission_refused_for: frozenset[str] = field(default_factory=frozenset)
    citation: str = ""


# QĐ 232 (2025), kept by QĐ 294 (DOMAIN.md §4.8): left for abandoning party activity; resigned
# (except extreme family hardship); serious internal disunity; convicted of corruption or of a
# serious crime.
QD232_READMISSION_REFUSALS = frozenset(
    {
        "removal:abandoned_activity",
        "resignation",
        "corruption_conviction",
        "serious_crime_conviction",
        "caused_disunity",
    }
)

VERSIONS: list[CharterRules] = [
    # Before 2016 the implementing rules of the 2011 Charter applied; their values for the rules
    # kept here are those of QĐ 29 (DOMAIN.md §0 starts the versions in 2016).
    CharterRules(
        "Điều lệ Đảng",
        dt.date(2011, 1, 19),
        dt.date(1930, 2, 3),
        "Đại hội XI",
        citation="Điều lệ Đảng",
    ),
    CharterRules(
        "29-QĐ/TW",
        dt.date(2016, 7, 25),
        dt.date(2016, 7, 25),
        "BCH TW",
        citation="Quy định 29-QĐ/TW (25/7/2016)",
    ),
    CharterRules(
        "24-QĐ/TW",
        dt.date(2021, 7, 30),
        dt.date(2021, 7, 30),
        "BCH TW",
        citation="Quy định 24-QĐ/TW (30/7/2021)",
    ),
    CharterRules(
        "232-QĐ/TW",
        dt.date(2025, 1, 20),
        dt.date(2025, 1, 20),
        "BCH TW",
        readmission_refused_for=QD232_READMISSION_REFUSALS,
        citation="Quy định 232-QĐ/TW (20/1/2025)",
    ),
    CharterRules(
        "294-QĐ/TW",
        dt.date(2025, 5, 26),
        dt.date(2025, 7, 1),
        "BCH TW",
        readmission_refused_for=QD232_READMISSION_REFUSALS,
        citation="Quy định 294-QĐ/TW (26/5/2025, hiệu lực 01/7/2025)",
    ),
]


def rules_on(day: dt.date) -> CharterRules:
    """The version in force on a day; before 2016, the 2016 values (the earliest kept here)."""
    current = VERSIONS[0]
    for version in VERSIONS:
        if version.effective <= day:
            current = version
    return current


# §4.7: the five grounds of removal from the list (xóa tên), and the unqualified probationer (§4.3).
REMOVAL_GROUNDS = {
    "abandoned_activity": _(
        "Abandoned party activity or did not pay dues for three months in a year without good reason"
    ),
    "card_returned": _("Returned or destroyed the party card of their own accord"),
    "no_progress": _(
        "Declining will, not doing a member's duties, no progress 12 months after the cell's education"
    ),
    "two_years_violation": _("Violated the qualifications of a party member two years in a row"),
    "political_standard": _("Does not meet the political standard set by the Politburo"),
    "probation_unqualified": _(
        "Probationary member not qualified for recognition as an official member"
    ),
}

# §3.1: badge tiers in years of party age.
BADGE_TIERS = (30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90)
