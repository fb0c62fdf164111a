"""Party dues (DOMAIN.md §7, §16.7): the regulation of the month, the rate by category, the
exemptions and reductions, and the shares each level keeps.

- Until 31/01/2026: Quyết định 342-QĐ/TW (28/12/2010) with Công văn 141-CV/VPTW/nb (17/3/2011).
- From 01/02/2026: Quy định 01-QĐ/TW (03/02/2026).

A month is the date of its first day. Amounts are whole đồng, rounded half up (the rounding of the
regulations is UNCONFIRMED). Pure functions: activities/dues.py calls them for every way in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

INSURED = "insured"  # salaried, in compulsory social insurance
BENEFIT = "benefit"  # on sick or maternity leave paid by social insurance (01-QĐ/TW)
PENSION = "pension"  # receiving a pension (not in compulsory insurance)
STUDENT = "student"
OTHER = "other"  # not insured, no pension: farmers, self-employed, …
CATEGORIES = (
    (INSURED, _("Salaried, in compulsory social insurance")),
    (BENEFIT, _("On sick or maternity leave paid by social insurance")),
    (PENSION, _("Receiving a pension")),
    (STUDENT, _("Pupil or student")),
    (OTHER, _("Other (not insured, no pension)")),
)
# The categories whose due is a share of an amount the member declares (salary, benefit, pension).
BASED = frozenset({INSURED, BENEFIT, PENSION})

REGIONS = (
    ("1", _("Region I")),
    ("2", _("Region II")),
    ("3", _("Region III")),
    ("4", _("Region IV")),
)

# Exemptions (miễn) and reductions (giảm), 01-QĐ/TW (§16.7).
SOCIAL_PENSION = "social_pension"
POOR_HOUSEHOLD = "poor_household"
SERIOUS_ILLNESS = "serious_illness"
HARDSHIP = "hardship"
RELIEF_GROUNDS = (
    (SOCIAL_PENSION, _("Receives the social retirement allowance")),
    (POOR_HOUSEHOLD, _("Poor or near-poor household")),
    (SERIOUS_ILLNESS, _("Serious illness on the Ministry of Health's list")),
    (HARDSHIP, _("Other hardship (the cell's decision)")),
)
REDUCTIONS = (30, 50, 70, 100)  # per cent; 100 is a full exemption for hardship
MAX_RELIEF_MONTHS = 12
EXEMPT_PARTY_AGE = 50
DEFERRAL = "deferral"


@dataclass(frozen=True)
class Regulation:
    code: str
    title: str
    effective: dt.date
    # Whether the 50-year exemption and the reductions of 01-QĐ/TW apply.
    exemptions: bool
    # Under 01-QĐ/TW the insured salary of the month before is the base.
    previous_month_base: bool


QD_342 = Regulation(
    "342-QĐ/TW", "Quyết định 342-QĐ/TW (28/12/2010)", dt.date(2011, 1, 1), False, False
)
QD_01 = Regulation("01-QĐ/TW", "Quy định 01-QĐ/TW (03/02/2026)", dt.date(2026, 2, 1), True, True)
REGULATIONS = (QD_342, QD_01)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def previous_month(month: dt.date) -> dt.date:
    return (month - dt.timedelta(days=1)).replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def add_months(month: dt.date, count: int) -> dt.date:
    total = month.year * 12 + month.month - 1 + count
    return dt.date(total // 12, total % 12 + 1, 1)


def regulation_for(month: dt.date) -> Regulation:
    current = QD_342
    for regulation in REGULATIONS:
        if regulation.effective <= month:
            current = regulation
    return current


# Regional minimum monthly wage (NĐ 74/2024/NĐ-CP from 1/7/2024; NĐ 293/2025/NĐ-CP from 1/1/2026).
MINIMUM_WAGE = (
    (dt.date(2024, 7, 1), {"1": 4_960_000, "2": 4_410_000, "3": 3_860_000, "4": 3_450_000}),
    (dt.date(2026, 1, 1), {"1": 5_310_000, "2": 4_730_000, "3": 4_140_000, "4": 3_700_000}),
)
# 01-QĐ/TW điểm 2.2 khoản 2 Điều 3: members not insured and without a pension pay a share (per
# mille) of the regional minimum wage: below retirement age 3 ‰ until 31/12/2027, then 5 ‰; from
# retirement age 2 ‰, then 3 ‰.
OTHER_SHARES = (
    (dt.date(2026, 1, 1), {"working": 3, "retired": 2}),
    (dt.date(2028, 1, 1), {"working": 5, "retired": 3}),
)
# Under 342-QĐ/TW the amounts of the other categories are UNCONFIRMED (DOMAIN.md §7.2): the
# figures kept here are the practice of the provinces read, and marked as such.
FLAT_342 = {STUDENT: 2_000, OTHER: 2_000}
FLAT_342_UNCONFIRMED = True
STUDENT_01 = 5_000


def _dated(table: tuple[tuple[dt.date, dict[str, int]], ...], month: dt.date) -> dict[str, int]:
    found = table[0][1]
    for since, values in table:
        if since <= month:
            found = values
    return found


def minimum_wage(region: str, month: dt.date) -> int:
    return _dated(MINIMUM_WAGE, month)[region]


def _per_cent(amount: int, per_mille_x10: int) -> int:
    """`amount` × per_mille_x10 / 1000, rounded half up to the đồng."""
    value = Decimal(amount) * Decimal(per_mille_x10) / Decimal(1000)
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Basis:
    """What the due of a month is computed from: the category, the amount declared (salary as the
    insurance base, benefit or pension), the region of the minimum wage and whether the member has
    reached the retirement age."""

    category: str
    amount: int = 0
    region: str = "1"
    retired: bool = False


def standard_due(basis: Basis, month: dt.date) -> int:
    """The due of the month before any exemption or reduction (§7.2, §16.7). Under 01-QĐ/TW the
    caller passes the basis of the month before for an insured salary (`base_month`)."""
    regulation = regulation_for(month)
    if basis.category in (INSURED, BENEFIT):
        return _per_cent(basis.amount, 10)  # 1 %
    if basis.category == PENSION:
        return _per_cent(basis.amount, 5)  # 0.5 %
    if regulation is QD_342:
        return FLAT_342[basis.category]
    if basis.category == STUDENT:
        return STUDENT_01
    shares = _dated(OTHER_SHARES, month)
    share = shares["retired" if basis.retired else "working"]
    return _per_cent(minimum_wage(basis.region, month), share)


def base_month(month: dt.date) -> dt.date:
    """The month whose salary the due of `month` is computed from: the month before under
    01-QĐ/TW ("tiền lương … của tháng trước liền kề"), the month itself before."""
    return previous_month(month) if regulation_for(month).previous_month_base else month


def fifty_years_month(counted_from: dt.date) -> dt.date:
    """The first month without dues for 50 years of party age: the month in which party age
    (counted from the first admission, moved later by the days not in the Party) reaches 50."""
    try:
        reached = counted_from.replace(year=counted_from.year + EXEMPT_PARTY_AGE)
    except ValueError:  # 29 February
        reached = dt.date(counted_from.year + EXEMPT_PARTY_AGE, 3, 1)
    return month_start(reached)


@dataclass(frozen=True)
class Relief:
    """An exemption, reduction or deferral decided for a member, for months [first, last]."""

    kind: str  # an exemption/reduction ground, or DEFERRAL
    percent: int  # 100 for an exemption
    first: dt.date
    last: dt.date | None


def relief_problem(relief: Relief) -> str | None:
    """Why the relief is not allowed (§16.7), or None: the reductions of 01-QĐ/TW; for hardship at
    most 12 months a decision; nothing before 01-QĐ/TW."""
    if relief.kind == DEFERRAL:
        return None
    if relief.first < QD_01.effective:
        return str(_("Exemptions and reductions of dues apply from 1/2/2026 (Quy định 01-QĐ/TW)."))
    if relief.kind == HARDSHIP:
        if relief.percent not in REDUCTIONS:
            return str(_("A reduction is 30 %, 50 % or 70 %, or a full exemption."))
        if relief.last is None or add_months(relief.first, MAX_RELIEF_MONTHS - 1) < relief.last:
            return str(
                _("A reduction or exemption for hardship lasts at most 12 months a decision.")
            )
    elif relief.percent != 100:
        return str(_("This ground exempts from dues in full."))
    if relief.last is not None and relief.last < relief.first:
        return str(_("The last month is before the first."))
    return None


@dataclass(frozen=True)
class Due:
    month: dt.date
    regulation: str
    standard: int
    amount: int  # after exemption or reduction
    reason: str  # "", "fifty_years", a relief ground
    percent: int  # the relief in per cent (0 none, 100 exempt)
    deferred: bool


def due_for(
    month: dt.date,
    basis: Basis | None,
    *,
    counted_from: dt.date | None,
    reliefs: tuple[Relief, ...] = (),
) -> Due:
    """The member's due for `month` (the first of the month): the standard due of the category,
    then the 50-year exemption (01-QĐ/TW, from the month party age reaches 50), then the relief in
    force that month (the largest). `basis` None: nothing known, nothing due."""
    regulation = regulation_for(month)
    standard = standard_due(basis, month) if basis is not None else 0
    covering = [r for r in reliefs if r.first <= month and (r.last is None or month <= r.last)]
    deferred = any(r.kind == DEFERRAL for r in covering)
    if (
        regulation.exemptions
        and counted_from is not None
        and fifty_years_month(counted_from) <= month
    ):
        return Due(month, regulation.code, standard, 0, "fifty_years", 100, deferred)
    applied = [r for r in covering if r.kind != DEFERRAL and regulation.exemptions]
    if applied:
        best = max(applied, key=lambda r: r.percent)
        amount = standard - _per_cent(standard, best.percent * 10)
        return Due(month, regulation.code, standard, amount, best.kind, best.percent, deferred)
    return Due(month, regulation.code, standard, standard, "", 0, deferred)


# Điều lệ Điều 8 khoản 1; 01-QĐ/TW (§7.2): not paying for three months in a year without good
# reason is a ground of removal.
UNPAID_MONTHS_FOR_REMOVAL = 3


def unpaid_months(lines: list[tuple[dt.date, int, int, bool]], until: dt.date) -> list[dt.date]:
    """The months ended before `until` whose due (amount, paid, deferred) is not paid in full and
    not deferred."""
    return [
        month
        for month, amount, paid, deferred in lines
        if next_month(month) <= until and amount > 0 and paid < amount and not deferred
    ]


# The shares of the collected dues each level keeps (DOMAIN.md §7.3, §16.7): UNCONFIRMED under both
# regulations; dated configuration, replaceable. Each share is of what the level receives.
RETENTION = ((dt.date(2011, 1, 1), {"cell": 30, "grassroots": 50, "superior": 50}),)
RETENTION_UNCONFIRMED = True


def retention(month: dt.date) -> dict[str, int]:
    return _dated(RETENTION, month)


def split(collected: int, month: dt.date) -> dict[str, int]:
    """How a cell's collection goes up: what the cell keeps, the grassroots committee keeps, the
    superior keeps, and what goes further up (whole đồng; what rounding leaves goes up)."""
    shares = retention(month)
    cell = collected * shares["cell"] // 100
    rest = collected - cell
    grassroots = rest * shares["grassroots"] // 100
    rest -= grassroots
    superior = rest * shares["superior"] // 100
    return {"cell": cell, "grassroots": grassroots, "superior": superior, "above": rest - superior}
