"""The rules of inspection and supervision, each with a worked example computed by hand
(DOMAIN-2.md §1)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from dangvu.core.calendar import add_working_days, working_days_between
from dangvu.rules import discipline as penalties
from dangvu.rules import inspection as rules
from dangvu.rules import organisation as kinds

pytestmark = pytest.mark.once

D = dt.date


@pytest.fixture(autouse=True)
def _in_english():
    """The messages checked below are the rules' own words (the pages show them in Vietnamese)."""
    with translation.override("en"):
        yield


def _weekdays_after(start: dt.date, count: int) -> dt.date:
    """Monday to Friday only, for examples that need no holiday."""
    day = start
    while count:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def test_the_regulation_in_force_on_the_cases_date():
    """DOMAIN-2.md §0 and §1.10: QĐ 30 until 27/7/2021, QĐ 22 from 28/7/2021, amended by QĐ 262
    from 3/2/2025, QĐ 296 from 30/5/2025; the forms of QĐ 885 from 29/12/2022."""
    assert rules.regulation_on(D(2021, 7, 27)).code == "QĐ 30-QĐ/TW"
    assert rules.regulation_on(D(2021, 7, 28)).code == "QĐ 22-QĐ/TW"
    assert rules.regulation_on(D(2025, 2, 3)).code == "QĐ 22-QĐ/TW, QĐ 262-QĐ/TW"
    assert rules.regulation_on(D(2025, 5, 29)).code == "QĐ 22-QĐ/TW, QĐ 262-QĐ/TW"
    assert rules.regulation_on(D(2025, 5, 30)).code == "QĐ 296-QĐ/TW"
    assert rules.form_set_on(D(2022, 12, 28)).code == "QĐ 357-QĐ/UBKTTW"
    assert rules.form_set_on(D(2022, 12, 29)).code == "QĐ 885-QĐ/UBKTTW"


def _target(
    subject_path="/1/",
    subject_kind=kinds.PROVINCIAL,
    object_path="/1/2/",
    member=False,
    office=False,
):
    return rules.Target(subject_path, subject_kind, object_path, member, office)


def test_who_may_open_which_case():
    """DOMAIN-2.md §1.3–§1.4. An advisory body (ban, văn phòng) may inspect compliance but never
    on signs of violation (QĐ 296 Đ5 1.3 đ); a grassroots cell has no inspection committee (QĐ 296
    Đ7: from the grassroots committee up); the inspection of tasks concerns organisations only;
    assets are inspected by committees from the district level up (QĐ 262); nobody inspects
    outside its subtree, nor (as an organisation) itself."""
    assert rules.opening_problem(rules.COMPLIANCE, rules.ADVISORY, _target()) is None
    assert "1.3 đ" in rules.opening_problem(rules.SIGNS, rules.ADVISORY, _target(member=True))
    assert rules.opening_problem(rules.SIGNS, rules.INSPECTION, _target(member=True)) is None
    cell = _target("/1/2/3/", kinds.GRASSROOTS_CELL, "/1/2/3/", member=True)
    assert "Article 7" in rules.opening_problem(rules.SIGNS, rules.INSPECTION, cell)
    assert rules.opening_problem(rules.SIGNS, rules.CELL, cell) is None  # its own members
    assert rules.opening_problem(rules.DUTY, rules.INSPECTION, _target(member=True)) is not None
    ward = _target("/1/2/", kinds.GRASSROOTS_COMMITTEE, "/1/2/3/", member=True)
    assert "district" in rules.opening_problem(rules.ASSETS, rules.INSPECTION, ward)
    assert rules.opening_problem(rules.ASSETS, rules.INSPECTION, _target(member=True)) is None
    assert "outside" in rules.opening_problem(
        rules.COMPLIANCE, rules.COMMITTEE, _target(object_path="/9/")
    )
    assert "not itself" in rules.opening_problem(
        rules.COMPLIANCE, rules.COMMITTEE, _target(object_path="/1/")
    )


def test_party_finance_is_never_inspected_in_the_same_levels_committee():
    """DOMAIN-2.md §1.4 (Điều lệ Đ32 k6; QĐ 30 6.2): the inspection committee of the province
    inspects the finance of a ward's committee and of the province's own finance office, never
    of the provincial committee itself — budget or dues alike."""
    for kind in (rules.FINANCE_BUDGET, rules.FINANCE_DUES):
        assert rules.opening_problem(kind, rules.INSPECTION, _target()) is None
        own = rules.opening_problem(kind, rules.INSPECTION, _target(object_path="/1/"))
        assert "Article 32.6" in own
        office = _target(object_path="/1/", office=True)
        assert rules.opening_problem(kind, rules.INSPECTION, office) is None
        # Only an inspection committee inspects finance.
        assert rules.opening_problem(kind, rules.COMMITTEE, _target()) is not None


def test_the_steps_of_a_case_come_in_order():
    """DOMAIN-2.md §1.6: a case starts with its decision; no conclusion before the object has been
    notified and heard (QĐ 296 Đ12 k1); a supervision observes and may conclude after its notice;
    remedies are followed up after the conclusion, more than once."""
    assert rules.step_problem(rules.SIGNS, [], rules.NOTICE) is not None
    assert rules.step_problem(rules.SIGNS, [], rules.DECISION) is None
    done = [rules.DECISION, rules.NOTICE, rules.SELF_REPORT]
    problem = rules.step_problem(rules.SIGNS, done, rules.CONCLUSION)
    assert problem is not None and "Meeting with the object" in problem
    assert rules.step_problem(rules.SIGNS, [*done, rules.HEARING], rules.CONCLUSION) is None
    assert rules.step_problem(rules.SUPERVISION_THEMATIC, done[:2], rules.CONCLUSION) is None
    concluded = [*done, rules.HEARING, rules.CONCLUSION]
    assert (
        rules.step_problem(rules.SIGNS, concluded, rules.VERIFICATION) == "The case is concluded."
    )
    assert rules.step_problem(rules.SIGNS, [*concluded, rules.REMEDY], rules.REMEDY) is None
    assert rules.step_problem(rules.SIGNS, done, rules.REMEDY) is not None


def test_anonymous_repeated_and_empty_petitions_are_not_resolved():
    """DOMAIN-2.md §1.8: anonymous, impersonated or address-less petitions are not resolved, but
    their concrete content may ground an inspection on signs of violation (QĐ 296 Đ19); a petition
    on a matter concluded before is resolved only with new facts; a named one without concrete
    content is not; a withdrawn one is not, unless the withdrawal was coerced."""
    anonymous = rules.Petition(named=False, concrete=True)
    assert rules.admissibility(anonymous) == rules.ANONYMOUS
    assert rules.may_ground_signs_case(anonymous)
    assert not rules.may_ground_signs_case(rules.Petition(named=False, concrete=False))
    assert not rules.may_ground_signs_case(rules.Petition(named=True, concrete=True))
    repeated = rules.Petition(named=True, concrete=True, concluded_before=True)
    assert rules.admissibility(repeated) == rules.REPEATED
    with_facts = rules.Petition(named=True, concrete=True, concluded_before=True, new_facts=True)
    assert rules.admissibility(with_facts) == rules.ADMISSIBLE
    assert rules.admissibility(rules.Petition(named=True, concrete=False)) == rules.NO_CONTENT
    withdrawn = rules.Petition(named=True, concrete=True, withdrawn=True)
    assert rules.admissibility(withdrawn) == rules.WITHDRAWN
    coerced = rules.Petition(named=True, concrete=True, withdrawn=True, coerced=True)
    assert rules.admissibility(coerced) == rules.ADMISSIBLE


@pytest.mark.django_db
def test_a_denunciation_received_in_the_congress_period_passes_to_the_new_committee():
    """DOMAIN-2.md §1.7 (HD 07-HD/UBKTTW 2019): fewer than 25 working days (grassroots) or 30
    (higher) between the receipt and the congress's opening.

    A ward's congress opens on Monday 15/09/2025. Received Monday 18/08/2025: the working days
    after it up to Friday 12/09 are 19–22/08 (4), 25–29/08 (5), 3–5/09 (3: 1 and 2/09 are the
    National Day holiday), 8–12/09 (5) = 17 < 25: passed to the new committee. Received Monday
    04/08/2025: 5–8/08 (4) + 11–15/08 (5) + 18/08 (1) + 17 = 27 ≥ 25: the outgoing committee resolves it. The
    province's congress opening the same day counts 30: 27 < 30, passed on."""
    opens = D(2025, 9, 15)
    assert working_days_between(D(2025, 8, 18), D(2025, 9, 12)) == 17
    assert rules.passed_to_new_committee(
        D(2025, 8, 18), opens, kinds.GRASSROOTS_COMMITTEE, working_days_between
    )
    assert working_days_between(D(2025, 8, 4), D(2025, 9, 12)) == 27
    assert not rules.passed_to_new_committee(
        D(2025, 8, 4), opens, kinds.GRASSROOTS_COMMITTEE, working_days_between
    )
    assert rules.passed_to_new_committee(
        D(2025, 8, 4), opens, kinds.PROVINCIAL, working_days_between
    )
    # Received on or after the opening: the new committee's in any case, not "the period".
    assert not rules.passed_to_new_committee(
        opens, opens, kinds.GRASSROOTS_COMMITTEE, working_days_between
    )


@pytest.mark.django_db
def test_the_deadline_to_resolve_a_denunciation_and_its_extension():
    """DOMAIN-2.md §1.7. Grassroots: 90 working days from the receipt, extended by at most 30
    (UNCONFIRMED, marked so). Received Friday 02/01/2026 with weekdays only: 90 working days are
    18 weeks = Friday 08/05/2026; an extension asked of 45 is cut to 30 (6 weeks): 19/06/2026.
    Central cadres (QĐ 164): 180 calendar days, at most 60 more: from 01/03/2026, 28/08/2026 and
    27/10/2026."""
    grassroots = rules.limit_on(rules.DENUNCIATION_LIMITS[rules.GRASSROOTS], D(2026, 1, 2))
    assert grassroots.confirmed is False and grassroots.working
    assert rules.deadline(D(2026, 1, 2), grassroots, 0, _weekdays_after) == D(2026, 5, 8)
    assert rules.deadline(D(2026, 1, 2), grassroots, 45, _weekdays_after) == D(2026, 6, 19)
    central = rules.limit_on(rules.DENUNCIATION_LIMITS[rules.CENTRAL], D(2026, 3, 1))
    assert central.confirmed
    assert rules.deadline(D(2026, 3, 1), central, 0, _weekdays_after) == D(2026, 8, 28)
    assert rules.deadline(D(2026, 3, 1), central, 60, _weekdays_after) == D(2026, 10, 27)
    # With the real calendar the holidays push it later: 30/4 and 1/5/2026 are days off.
    assert rules.deadline(D(2026, 1, 2), grassroots, 0, add_working_days) > D(2026, 5, 8)
    assert rules.denunciation_level(kinds.CELL) == rules.GRASSROOTS
    assert rules.denunciation_level(kinds.PROVINCIAL) == rules.HIGHER
    assert rules.denunciation_level(kinds.PROVINCIAL, central_cadre=True) == rules.CENTRAL


def test_a_complaint_against_discipline_is_filed_within_a_month():
    """DOMAIN-2.md §1.7 (Điều lệ Đ39 k7): one month from receiving the decision; the unit is a
    parameter (UNCONFIRMED): received 31/01/2026, the last day is 28/02/2026 by calendar month; by
    30 working days (weekdays only) it is Friday 13/03/2026."""
    assert rules.complaint_last_day(D(2026, 1, 31), _weekdays_after) == D(2026, 2, 28)
    last = rules.complaint_last_day(
        D(2026, 1, 31), _weekdays_after, rules.COMPLAINT_UNIT_WORKING_DAYS
    )
    assert last == D(2026, 3, 13)


def test_the_final_level_of_a_complaint_depends_on_the_form():
    """DOMAIN-2.md §1.8 (QĐ 22 Điều 22): the Central Inspection Commission is final for reprimand,
    warning and removal from post; the Secretariat for expulsion. A complaint goes above the level
    that decided, or to the committee of the same level against its own inspection committee."""
    assert rules.final_level(penalties.WARNING) == rules.LEVEL_UBKTTW
    assert rules.final_level(penalties.DISMISSAL) == rules.LEVEL_UBKTTW
    assert rules.final_level(penalties.EXPULSION) == rules.LEVEL_SECRETARIAT
    assert rules.is_final(penalties.EXPULSION, rules.LEVEL_SECRETARIAT)
    assert not rules.is_final(penalties.REPRIMAND, rules.LEVEL_PROVINCE)
    problem = rules.complaint_level_problem
    assert problem(penalties.REPRIMAND, rules.LEVEL_GRASSROOTS, rules.LEVEL_PROVINCE) is None
    assert "above" in problem(penalties.REPRIMAND, rules.LEVEL_GRASSROOTS, rules.LEVEL_GRASSROOTS)
    assert (
        problem(penalties.REPRIMAND, rules.LEVEL_GRASSROOTS, rules.LEVEL_GRASSROOTS, True) is None
    )
    assert "Secretariat" in problem(penalties.EXPULSION, rules.LEVEL_PROVINCE, rules.LEVEL_UBKTTW)
    assert problem(penalties.EXPULSION, rules.LEVEL_PROVINCE, rules.LEVEL_SECRETARIAT) is None
    assert "final" in problem(penalties.WARNING, rules.LEVEL_PROVINCE, rules.LEVEL_SECRETARIAT)


def test_the_outcome_of_a_complaint_agrees_with_the_new_form():
    """DOMAIN-2.md §1.8: upheld or annulled (no new form), increased (heavier), reduced (lighter)."""
    check = rules.outcome_problem
    assert check(rules.UPHELD, penalties.WARNING, None) is None
    assert check(rules.ANNULLED, penalties.WARNING, penalties.REPRIMAND) is not None
    assert check(rules.REDUCED, penalties.WARNING, penalties.REPRIMAND) is None
    assert check(rules.REDUCED, penalties.WARNING, penalties.WARNING) is not None
    assert check(rules.INCREASED, penalties.WARNING, penalties.REPRIMAND) is not None
    assert check(rules.INCREASED, penalties.WARNING, penalties.EXPULSION) is None
    assert check(rules.REDUCED, penalties.EXPULSION, None) is not None


def test_the_sectors_periods_and_the_same_period_last_year():
    """DOMAIN-2.md §1.9 (QĐ 885): month, first quarter, six months, nine months, year, term."""
    assert rules.period_bounds(rules.MONTH, 2024, 2) == (D(2024, 2, 1), D(2024, 2, 29))
    assert rules.period_bounds(rules.Q1, 2025) == (D(2025, 1, 1), D(2025, 3, 31))
    assert rules.period_bounds(rules.HALF, 2025) == (D(2025, 1, 1), D(2025, 6, 30))
    assert rules.period_bounds(rules.NINE, 2025) == (D(2025, 1, 1), D(2025, 9, 30))
    assert rules.period_bounds(rules.YEAR, 2025) == (D(2025, 1, 1), D(2025, 12, 31))
    assert rules.period_bounds(rules.TERM, 2020, last_year=2025) == (D(2020, 1, 1), D(2025, 12, 31))
    assert rules.same_period_last_year(D(2024, 1, 1), D(2024, 2, 29)) == (
        D(2023, 1, 1),
        D(2023, 2, 28),
    )
