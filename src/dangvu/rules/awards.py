"""Commendations and party badges (DOMAIN.md §2, §3): tiers, award days, early and posthumous
awards, the wait after discipline, and cash as a multiple of the base salary of the time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from dangvu.core.dates import add_months, add_years, format_date
from dangvu.rules import discipline as d
from dangvu.rules.charter import BADGE_TIERS

# §2.2: an organisation "trong sạch vững mạnh tiêu biểu 5 năm liền" is rated HTXSNV five years in a
# row. Whether an organisation formed by a merger, a split or a reorganisation (most of them, since
# the 2025 reform) carries the years of the organisations that became it is settled by no rule found
# (DOMAIN.md §2.2 names none): UNSETTLED, so off by default — the successor's streak starts with
# its own first rating, and its predecessors' ratings are shown beside it for the committee to
# weigh. When on, a year before the successor was formed counts as HTXSNV only when every
# organisation that became it and was rated that year was rated HTXSNV.
STREAKS_CARRY_THROUGH_RESTRUCTURING = False

# §3.3: badges are awarded on 3/2, 19/5, 2/9 and 7/11 (HD 01-HD/TW 2021, mục 18).
AWARD_DAYS = ((2, 3), (5, 19), (9, 2), (11, 7))  # (month, day)


def is_award_day(day: dt.date) -> bool:
    return (day.month, day.day) in AWARD_DAYS


@dataclass(frozen=True)
class BadgeRules:
    citation: str
    effective: dt.date
    # §3.4: a seriously ill member may be awarded early by at most these months, by tier.
    ill_early_months: tuple[tuple[int, int], ...]  # (up to tier, months)
    # §3.4: a deceased member may be awarded posthumously up to this many months early.
    posthumous_early_months: int
    # §3.5: months to wait after a discipline decision, by form; forms absent do not block.
    discipline_wait_months: dict[str, int]

    def ill_months(self, tier: int) -> int:
        return next(months for up_to, months in self.ill_early_months if tier <= up_to)


QD29 = BadgeRules(
    citation="Quy định 29-QĐ/TW (25/7/2016), mục 27.3",
    effective=dt.date(2016, 7, 25),
    ill_early_months=((90, 12),),
    posthumous_early_months=0,
    discipline_wait_months={d.WARNING: 6, d.DISMISSAL: 12},
)
QD24 = BadgeRules(
    citation="Quy định 24-QĐ/TW (30/7/2021), Hướng dẫn 01-HD/TW (28/9/2021), mục 18",
    effective=dt.date(2021, 7, 30),
    ill_early_months=((65, 12), (90, 24)),
    posthumous_early_months=12,
    discipline_wait_months={d.REPRIMAND: 6, d.WARNING: 9, d.DISMISSAL: 12},
)
BADGE_VERSIONS = (QD29, QD24)


def badge_rules_on(day: dt.date) -> BadgeRules:
    chosen = BADGE_VERSIONS[0]
    for rules in BADGE_VERSIONS:
        if rules.effective <= day:
            chosen = rules
    return chosen


def latest_admission_for_a_badge(on: dt.date, tier: int = BADGE_TIERS[0]) -> dt.date:
    """No one admitted after this day can be due the badge of `tier` (or a higher one) on the
    award day `on`: party age only grows slower than the calendar (gaps), and no badge comes
    earlier than its tier less the longest allowance any version gives (serious illness,
    posthumous). A bound for the query."""
    early = max(
        max(r.ill_months(t) for t in BADGE_TIERS for r in BADGE_VERSIONS),
        max(r.posthumous_early_months for r in BADGE_VERSIONS),
    )
    return add_years(add_months(on, early), -tier)


def next_tier(received: int | None) -> int | None:
    """The first tier above the highest received (a tier passed over is not awarded later)."""
    return next((t for t in BADGE_TIERS if received is None or t > received), None)


@dataclass(frozen=True)
class BadgeDue:
    tier: int
    reached_on: dt.date  # the day party age reaches the tier (after the gaps)
    early: bool
    posthumous: bool


def badge_due(
    *,
    counted_from: dt.date,
    on: dt.date,
    received: Iterable[int],
    died_on: dt.date | None = None,
    seriously_ill: bool = False,
    disciplines: Sequence[tuple[str, dt.date]] = (),
) -> tuple[BadgeDue | None, str | None]:
    """The badge due on the award day `on`, or (None, why not). `counted_from` is the first
    admission decision moved later by the days not counted (§3.2). The highest tier reached and
    not yet received is due (a missed tier is not awarded twice over)."""
    rules = badge_rules_on(on)
    taken = set(received)
    dead = died_on is not None and died_on <= on

    def limit(tier: int) -> dt.date:
        if dead:  # party age stops at death; posthumously up to 12 months early (QĐ 24)
            return add_months(died_on, rules.posthumous_early_months)  # type: ignore[arg-type]
        if seriously_ill:
            return add_months(on, rules.ill_months(tier))
        return on

    above = max(taken, default=0)  # a tier passed over is not awarded after a higher one
    due = [t for t in BADGE_TIERS if t > above and add_years(counted_from, t) <= limit(t)]
    if not due:
        return None, None
    tier = max(due)
    reached_on = add_years(counted_from, tier)
    for form, announced in disciplines:
        wait = rules.discipline_wait_months.get(form)
        if wait is not None and on < add_months(announced, wait):
            return None, _(
                "%(form)s of %(date)s: the badge waits %(months)s months, until %(until)s "
                "(%(rules)s)."
            ) % {
                "form": d.form_label(form),
                "date": format_date(announced),
                "months": wait,
                "until": format_date(add_months(announced, wait)),
                "rules": rules.citation,
            }
    return BadgeDue(
        tier=tier,
        reached_on=reached_on,
        early=reached_on > (died_on if dead else on),  # type: ignore[operator]
        posthumous=dead,
    ), None


# §3.6 (HD 56-HD/VPTW 2015, mục IV.2): the gift with a badge, in multiples of the base salary.
# 45 years and 70 years or more: UNCONFIRMED (no multiple; the officer enters the amount).
BADGE_CASH_MULTIPLES = {
    30: Decimal("1.5"),
    40: Decimal("2.0"),
    50: Decimal("3.0"),
    55: Decimal("3.5"),
    60: Decimal("5.0"),
    65: Decimal("6.0"),
}

# The base salary (mức lương cơ sở) by the day it took effect (Nghị định 47/2017, 72/2018,
# 38/2019, 24/2023, 73/2024).
BASE_SALARY = (
    (dt.date(2017, 7, 1), 1_300_000),
    (dt.date(2018, 7, 1), 1_390_000),
    (dt.date(2019, 7, 1), 1_490_000),
    (dt.date(2023, 7, 1), 1_800_000),
    (dt.date(2024, 7, 1), 2_340_000),
)


def base_salary_on(day: dt.date) -> int | None:
    amount = None
    for since, value in BASE_SALARY:
        if since <= day:
            amount = value
    return amount


def cash_amount(multiple: Decimal | None, on: dt.date) -> int | None:
    """Multiple × the base salary in force on the decision's day, in đồng."""
    base = base_salary_on(on)
    if multiple is None or base is None:
        return None
    return int(multiple * base)


# §2.3 (HD 56-HD/VPTW 2015, mục II.2): commendations of grassroots organisations, and of cells
# that are not grassroots cells under Công văn 19780-CV/VPTW (29/12/2025).
COMMENDATION_MULTIPLES = {
    ("giay_khen", "org_year"): Decimal("2.0"),
    ("bang_khen", "org_five_years"): Decimal("5.0"),
    ("co", "org_five_years"): Decimal("8.0"),
}
