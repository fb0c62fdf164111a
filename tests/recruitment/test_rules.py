"""The recruitment's thresholds and deadlines, each with a worked example computed by hand
(DOMAIN.md §4.1–§4.3; DOMAIN-2.md §6.2–§6.5)."""

from __future__ import annotations

import datetime as dt

import pytest

from dangvu.core.calendar import add_working_days
from dangvu.members.checks import admission_age_problem
from dangvu.rules import recruitment as rules

pytestmark = [pytest.mark.once]


@pytest.mark.parametrize(
    ("voters", "needed"),
    # §4.1: at least two thirds. 9 × 2/3 = 6; 7 × 2/3 = 4.67 → 5; 10 × 2/3 = 6.67 → 7; 3 → 2.
    [(9, 6), (7, 5), (10, 7), (3, 2), (12, 8), (5, 4)],
)
def test_two_thirds_of_the_official_members(voters, needed):
    assert rules.votes_needed(voters) == needed
    assert rules.passes(needed, voters)
    assert not rules.passes(needed - 1, voters)


def test_no_voters_never_passes():
    assert not rules.passes(0, 0)


@pytest.mark.django_db
@pytest.mark.both_databases
def test_sixty_working_days_across_tet():
    # DOMAIN-2.md §6.5 (QĐ 29 4.3.1): the proposal received Monday 05/01/2026. Counting by hand on
    # the 2026 calendar: 6–9/1 (4), Saturday 10/1 worked in exchange for 2/1 (5), four weeks to
    # 13/2 (30), Tết 16–20/2 off (30), five weeks to 27/3 (55), 30/3–3/4 (60): due Friday 03/04.
    received = dt.date(2026, 1, 5)
    assert add_working_days(received, rules.DECISION_WORKING_DAYS) == dt.date(2026, 4, 3)
    # With the 30-day extension: 6/4–24/4 (15), 27/4 off (Giỗ Tổ moved), 28–29/4 (17), 30/4 and
    # 1/5 off, 4/5–15/5 (27), 18–20/5 (30): Wednesday 20/05/2026.
    assert add_working_days(
        received, rules.DECISION_WORKING_DAYS + rules.DECISION_EXTENSION_MAX_WORKING_DAYS
    ) == dt.date(2026, 5, 20)


def test_a_document_older_than_twelve_months_is_stale():
    # §4.2 (HD 01-HD/TW): dated 10/03/2025, good when the cell meets on 10/03/2026, stale on 11/03.
    dated = dt.date(2025, 3, 10)
    assert not rules.stale(dated, dt.date(2026, 3, 10))
    assert rules.stale(dated, dt.date(2026, 3, 11))
    # The month-end convention: 31/03/2025 + 12 months = 31/03/2026.
    assert not rules.stale(dt.date(2025, 3, 31), dt.date(2026, 3, 31))
    assert rules.stale(dt.date(2025, 3, 31), dt.date(2026, 4, 1))


def test_eighteen_years_counted_by_months_at_the_cells_vote():
    # §4.1: born 15/03/2008, full 18 years on 15/03/2026 (216 months). On 14/03 (215 months) the
    # cell cannot vote; on 15/03 it can.
    birth = dt.date(2008, 3, 15)
    early = admission_age_problem(birth, dt.date(2026, 3, 14), {})
    assert early is not None and early[0] == "birth_date"
    assert admission_age_problem(birth, dt.date(2026, 3, 15), {}) is None
    # Born 31/08/2008: 216 months on 31/08/2026; on 30/08 not yet.
    assert admission_age_problem(dt.date(2008, 8, 31), dt.date(2026, 8, 30), {}) is not None
    assert admission_age_problem(dt.date(2008, 8, 31), dt.date(2026, 8, 31), {}) is None


def test_over_sixty_by_months_needs_the_provincial_consent():
    # §4.1: born 10/05/1966 → full 60 years (720 months) on 10/05/2026, still allowed; one month
    # more (721 months, 10/06/2026) needs the provincial standing committee's written consent.
    birth = dt.date(1966, 5, 10)
    assert admission_age_problem(birth, dt.date(2026, 6, 9), {}) is None
    problem = admission_age_problem(birth, dt.date(2026, 6, 10), {})
    assert problem is not None and problem[0] == "over_60_authorisation"
    assert admission_age_problem(birth, dt.date(2026, 6, 10), {"over_60_authorisation": 1}) is None


def test_an_introducer_has_worked_with_the_applicant_twelve_months():
    # QĐ 24 3.2.1: together since 01/02/2025, the introduction of 31/01/2026 is too early (11
    # months), that of 01/02/2026 is good; 3.2.2: a replacement is exempt.
    official = dt.date(2010, 1, 1)
    since = dt.date(2025, 2, 1)
    early = rules.introducer_problem(
        worked_since=since, on=dt.date(2026, 1, 31), replacement=False, official_since=official
    )
    assert early is not None and "12" in early
    assert (
        rules.introducer_problem(
            worked_since=since, on=dt.date(2026, 2, 1), replacement=False, official_since=official
        )
        is None
    )
    assert (
        rules.introducer_problem(
            worked_since=since, on=dt.date(2026, 1, 31), replacement=True, official_since=official
        )
        is None
    )
    # A probationary member cannot introduce (Charter, Article 4: official members).
    assert rules.introducer_problem(
        worked_since=since, on=dt.date(2026, 3, 1), replacement=True, official_since=None
    )


def test_who_introduces_by_age_and_place():
    # DOMAIN-2.md §6.3: a 25-year-old where there is a Union: the Union's committee + 1 member;
    # a 31-year-old there: two members; no Union but a trade union: the trade union + 1 member.
    assert rules.introduction_for(age_years=25, union_in_unit=True, trade_union_in_unit=False) == (
        rules.Introduction("union", 1)
    )
    assert rules.introduction_for(age_years=31, union_in_unit=True, trade_union_in_unit=True) == (
        rules.Introduction("", 2)
    )
    assert rules.introduction_for(age_years=40, union_in_unit=False, trade_union_in_unit=True) == (
        rules.Introduction("trade_union", 1)
    )


def test_the_certificate_is_valid_sixty_months_a_parameter():
    # DOMAIN-2.md §6.2 (UNCONFIRMED): issued 20/06/2021, counts to 20/06/2026.
    assert rules.certificate_expires(dt.date(2021, 6, 20)) == dt.date(2026, 6, 20)


def test_relatives_verified_and_the_hd06_exception():
    # DOMAIN-2.md §6.4: the applicant and the listed relatives; under the HD 06 parameter a relative
    # who is a member and declared fully is not verified.
    people = [("self", False, False), ("father", True, True), ("mother", False, False)]
    assert rules.relations_to_verify(people, exempt_members=False) == ["self", "father", "mother"]
    assert rules.relations_to_verify(people, exempt_members=True) == ["self", "mother"]


def test_education_needs_lower_secondary_unless_an_area_exception():
    assert rules.education_problem("tieu_hoc", "")
    assert rules.education_problem("tieu_hoc", "mountain") is None
    assert rules.education_problem("thcs", "") is None


def test_no_district_centre_issues_a_certificate_after_the_reform():
    # DOMAIN.md §10: the district level is gone from 01/07/2025 (DOMAIN-2.md §6.2).
    centre = "Trung tâm Chính trị huyện Ninh Hải"
    assert rules.issuer_problem(centre, dt.date(2025, 6, 30)) is None
    assert rules.issuer_problem(centre, dt.date(2025, 7, 1))
    assert rules.issuer_problem("Ban Tuyên giáo và Dân vận Tỉnh ủy", dt.date(2025, 7, 1)) is None
    # The word "huyện" itself, with its tone: "Huyền" (a place name) is not a district.
    assert (
        rules.issuer_problem("Trung tâm Chính trị Đảng ủy xã Huyền Tụng", dt.date(2026, 1, 5))
        is None
    )
