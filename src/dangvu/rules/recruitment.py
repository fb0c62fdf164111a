"""New-member development: the candidate's file from the list of outstanding people to the
admission decision (DOMAIN.md §4.1–§4.3, §4.10, §5; DOMAIN-2.md §6).

Pure rules, each a function a page, a command, the import and the demo all call: the vote
thresholds, the deadlines in working days, the 12 months after which a document is stale, the
introducers, the people whose background is verified, the awareness certificate's validity. The
age window is the lifecycle's own rule (members.checks.admission_age_problem), not a copy.
Values marked UNCONFIRMED in DOMAIN-2.md are parameters with their default and the note.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangvu.core.dates import add_months, format_date

# §4.1 (Điều lệ Điều 4 khoản 3; HD 01-HD/TW 2021, 3.6c): the cell's resolution needs at least two
# thirds of its official members; the grassroots committee's, two thirds of its members.
THRESHOLD = (2, 3)

# DOMAIN-2.md §6.5 (QĐ 29 4.3.1; the same under QĐ 232): the competent committee decides within
# 60 working days of the grassroots committee's proposal, extended by at most 30.
DECISION_WORKING_DAYS = 60
DECISION_EXTENSION_MAX_WORKING_DAYS = 30

# §4.2 (HD 01-HD/TW): a document older than 12 months when the cell considers the file is redone.
STALE_AFTER_MONTHS = 12

# DOMAIN-2.md §6.3 (QĐ 24 3.2.1): an introducer has worked, studied or lived with the applicant
# for at least 12 months; waived for a replacement assigned by the cell (3.2.2).
INTRODUCER_MONTHS = 12

# DOMAIN-2.md §6.2: the certificate of the awareness course is valid 60 months (HD 06-HD/TW 2025,
# 5.4). UNCONFIRMED (stated by one quiz only): a parameter; None would mean no limit.
CERTIFICATE_VALID_MONTHS: int | None = 60
# DOMAIN-2.md §6.2: from 1/7/2025 the district political centres are gone; who issues the
# certificate since is UNCONFIRMED (commune-level political centres, QĐ 298, by inference).
DISTRICT_CENTRES_ABOLISHED = dt.date(2025, 7, 1)

# DOMAIN-2.md §6.4 (HD 06-HD/TW 2025, 3.4c, UNCONFIRMED): a relative who is a party member with a
# full declaration need not be verified. A parameter, off until the text is confirmed.
MEMBER_RELATIVES_EXEMPT = False

# DOMAIN-2.md §6.3: the Youth Union introduces applicants of Union age (16 to 30; Điều lệ Đoàn);
# nobody is put on the list younger than the Union's age.
UNION_AGE_MAX_YEARS = 30
INTRODUCED_FROM_AGE = 16

# DOMAIN-2.md §6.5 (HD 12-HD/BTCTW 2022, UNCONFIRMED): the new member fills the member form
# (lý lịch đảng viên) within 30 working days of the ceremony.
MEMBER_FORM_WORKING_DAYS = 30

SOURCES = [
    ("union", gettext_lazy("Youth Union")),
    ("trade_union", gettext_lazy("Trade union")),
    ("residential", gettext_lazy("Residential area")),
    ("enterprise", gettext_lazy("Enterprise")),
    ("school", gettext_lazy("School")),
    ("armed_forces", gettext_lazy("Armed forces")),
]

KINDS = [
    ("union_member", gettext_lazy("Outstanding Union member")),
    ("person", gettext_lazy("Outstanding person")),
]

# §4.1: the education condition, and the areas where guidance allows less (DOMAIN.md §4.1).
EDUCATION_EXCEPTIONS = [
    ("", gettext_lazy("None (lower-secondary diploma or higher)")),
    ("mountain", gettext_lazy("Mountainous area")),
    ("island", gettext_lazy("Island")),
    ("ethnic", gettext_lazy("Ethnic-minority area")),
    ("hardship", gettext_lazy("Area with special difficulties")),
]
# Reference codes of general education (rules.reference.GENERAL_EDUCATION) below lower secondary.
BELOW_LOWER_SECONDARY = {"doc_viet", "tieu_hoc"}

# §4.10a, DOMAIN-2.md §6.3: the dossier before the cell considers the file.
DOCUMENTS = [
    ("application", gettext_lazy("Application to join the Party (1-KNĐ)")),
    ("background", gettext_lazy("Background form of the applicant (2-KNĐ)")),
    ("introducer", gettext_lazy("Introduction by an official member")),
    ("org_resolution", gettext_lazy("Resolution of the Union or trade union introducing")),
    ("mass_opinion", gettext_lazy("Opinions of the mass organisations")),
    ("residence_opinion", gettext_lazy("Opinion of the residential cell")),
]
# Documents that must be redone when stale (§4.2: "introducer letter, Union resolution, …").
STALE_KINDS = {"introducer", "org_resolution", "mass_opinion", "residence_opinion", "background"}

# DOMAIN-2.md §6.4 (HD 01-HD/TW 2021, 3.4): who is verified.
RELATIONS = [
    ("self", gettext_lazy("The applicant")),
    ("father", gettext_lazy("Father")),
    ("mother", gettext_lazy("Mother")),
    ("father_in_law", gettext_lazy("Father-in-law")),
    ("mother_in_law", gettext_lazy("Mother-in-law")),
    ("carer", gettext_lazy("Person who raised the applicant")),
    ("spouse", gettext_lazy("Spouse")),
    ("child", gettext_lazy("Child of full civil capacity")),
]


def votes_needed(voters: int) -> int:
    """At least two thirds of `voters` (§4.1): 9 official members → 6, 7 → 5, 10 → 7."""
    num, den = THRESHOLD
    return -(-voters * num // den)


def passes(in_favour: int, voters: int) -> bool:
    return voters > 0 and in_favour >= votes_needed(voters)


@dataclass(frozen=True)
class Introduction:
    """Who introduces an applicant (DOMAIN-2.md §6.3): two official members, or the Union's (or
    trade union's) executive committee by resolution and one official member."""

    body: str  # "" (two members), "union" or "trade_union"
    members: int


def introduction_for(
    *, age_years: int, union_in_unit: bool, trade_union_in_unit: bool
) -> Introduction:
    """An applicant of Union age where there is a Union is introduced by the Union's committee and
    one member; where there is no Union but a trade union, by the trade union's committee and one
    member; otherwise (past Union age where there is no Union, or no organisation) by two members."""
    if union_in_unit and age_years <= UNION_AGE_MAX_YEARS:
        return Introduction("union", 1)
    if not union_in_unit and trade_union_in_unit:
        return Introduction("trade_union", 1)
    return Introduction("", 2)


def introducer_problem(
    *, worked_since: dt.date | None, on: dt.date, replacement: bool, official_since: dt.date | None
) -> str | None:
    """The introducer is an official member on `on` who has worked with the applicant for 12 months
    (QĐ 24 3.2.1), the 12 months waived for a replacement (3.2.2). None when it holds."""
    if official_since is None or official_since > on:
        return _("The introducer must be an official member (Party Charter, Article 4).")
    if replacement:
        return None
    if worked_since is None or add_months(worked_since, INTRODUCER_MONTHS) > on:
        return _(
            "The introducer must have worked with the applicant for at least %(n)s months "
            "(since %(date)s at the latest; QĐ 24-QĐ/TW, 3.2.1); a replacement assigned by the cell "
            "is exempt."
        ) % {"n": INTRODUCER_MONTHS, "date": format_date(add_months(on, -INTRODUCER_MONTHS))}
    return None


def stale(dated: dt.date, considered_on: dt.date) -> bool:
    """A document dated more than 12 months before the cell considers the file must be redone
    (§4.2): dated 10/3/2025, still good on 10/3/2026, stale from 11/3/2026."""
    return add_months(dated, STALE_AFTER_MONTHS) < considered_on


def issuer_problem(issuer: str, issued_on: dt.date) -> str | None:
    """From 1/7/2025 there is no district level (DOMAIN.md §10): a certificate dated since cannot
    come from a district's political centre. Who issues it now is UNCONFIRMED (DOMAIN-2.md §6.2),
    so only the abolished issuer is refused."""
    words = unicodedata.normalize("NFC", issuer).lower().split()
    if issued_on >= DISTRICT_CENTRES_ABOLISHED and "huyện" in words:
        return _(
            "From %(date)s there are no district political centres (the district level was "
            "abolished): write the body that issued the certificate."
        ) % {"date": format_date(DISTRICT_CENTRES_ABOLISHED)}
    return None


def certificate_expires(issued: dt.date) -> dt.date | None:
    """The last day the awareness certificate counts (CERTIFICATE_VALID_MONTHS, UNCONFIRMED)."""
    if CERTIFICATE_VALID_MONTHS is None:
        return None
    return add_months(issued, CERTIFICATE_VALID_MONTHS)


def education_problem(general_education: str, exception: str) -> str | None:
    """§4.1: a lower-secondary diploma or higher, unless the area's exception is recorded."""
    if general_education in BELOW_LOWER_SECONDARY and not exception:
        return _(
            "An applicant needs a lower-secondary diploma or higher (Party Charter, Article 1; QĐ "
            "24-QĐ/TW, 1.2), unless an area exception (mountains, island, ethnic minority, special "
            "difficulties) is recorded."
        )
    return None


def relations_to_verify(
    relatives: list[tuple[str, bool, bool]], *, exempt_members: bool | None = None
) -> list[str]:
    """Of (relation, is a party member, fully declared), those whose background is verified
    (DOMAIN-2.md §6.4): the applicant always; the listed relatives, except — under the HD 06
    parameter — members who declared fully."""
    exempt = MEMBER_RELATIVES_EXEMPT if exempt_members is None else exempt_members
    return [r for r, member, declared in relatives if not (exempt and member and declared)]
