"""The rules of cell life and dues, each with a worked example computed by hand (DOMAIN-2.md §2,
§3; DOMAIN.md §4.7, §7, §16.7)."""

from __future__ import annotations

import datetime as dt

import pytest

from dangvu.members.lifecycle import party_age
from dangvu.rules import activities as rules
from dangvu.rules import dues

pytestmark = pytest.mark.once


def test_duration_90_minutes_120_combined_and_the_committees_exception():
    """DOMAIN-2.md §2.5 (HD 12/2018, HD 42/2025): 19:30–21:00 is 90 minutes, enough for a regular
    meeting; 19:30–20:55 (85) is not; combined needs 120, so 19:00–20:59 (119) is refused; a cell
    whose committee allowed 60 minutes may meet 60, combined or not (DOMAIN-2.md §2.5 makes no
    exception)."""
    m = rules.meeting_minutes
    assert m(dt.time(19, 30), dt.time(21, 0)) == 90
    assert rules.duration_problem(rules.REGULAR, 90) is None
    assert "85" in rules.duration_problem(rules.REGULAR, m(dt.time(19, 30), dt.time(20, 55)))
    assert "120" in rules.duration_problem(rules.COMBINED, m(dt.time(19, 0), dt.time(20, 59)))
    assert rules.duration_problem(rules.COMBINED, 120) is None
    assert rules.duration_problem(rules.REGULAR, 60, short_minutes=60) is None
    assert rules.duration_problem(rules.COMBINED, 60, short_minutes=60) is None
    assert rules.duration_problem(rules.COMBINED, 59, short_minutes=60) is not None
    assert rules.duration_problem(rules.EXTRAORDINARY, 30) is None
    assert rules.duration_problem(rules.REGULAR, 0) is not None


def roll(present, excused=0, unexcused=0, exempted=0, away=0):
    rows, n = [], 0
    for status, count in (
        (rules.PRESENT, present),
        (rules.EXCUSED, excused),
        (rules.UNEXCUSED, unexcused),
        (rules.EXEMPTED, exempted),
        (rules.AWAY, away),
    ):
        for _ in range(count):
            n += 1
            rows.append(rules.Roll(n, status))
    return rows


def test_more_than_85_percent_present_of_those_expected():
    """DOMAIN-2.md §2.5 (HD 12 criterion 1): 22 on the roll, one exempted and one away elsewhere:
    20 expected. 17 present is 85 % — not more than 85 %; 18 present (90 %) meets it."""
    assert rules.present_share(roll(17, excused=3, exempted=1, away=1)) == (17, 20)
    assert rules.attendance_problems(17, 20, 0, 0) != []
    assert rules.attendance_problems(18, 20, 0, 0) == []
    # One absent without a reason fails the criterion whatever the share.
    assert rules.attendance_problems(19, 20, 1, 0) != []
    # An exempted member who comes counts as present and expected.
    assert rules.present_share([rules.Roll(1, rules.PRESENT), rules.Roll(2, rules.EXEMPTED)]) == (
        1,
        1,
    )


def test_absent_with_reason_more_than_three_times_in_a_row():
    """§2.5: excused at four meetings in a row breaks the criterion; a meeting attended ends the
    run; a month exempted leaves it as it was."""
    e, p, x = rules.EXCUSED, rules.PRESENT, rules.EXEMPTED
    assert rules.longest_excused_run([e, e, e]) == 3
    assert rules.longest_excused_run([e, e, x, e, e]) == 4
    assert rules.longest_excused_run([e, e, p, e, e]) == 2
    assert rules.longest_excused_run([e, e, e, e]) > rules.EXCUSED_RUN_LIMIT


def test_three_months_absent_without_reason_in_a_year_not_necessarily_in_a_row():
    """DOMAIN.md §4.7, Điều lệ Điều 8 khoản 1: missed without a reason in February, April and
    July: three months of the year, the ground "abandoned party activity"."""
    rows = [
        (dt.date(2026, 2, 3), rules.UNEXCUSED),
        (dt.date(2026, 3, 3), rules.PRESENT),
        (dt.date(2026, 4, 3), rules.UNEXCUSED),
        (dt.date(2026, 7, 3), rules.UNEXCUSED),
        (dt.date(2026, 7, 20), rules.UNEXCUSED),  # the same month counts once
    ]
    assert rules.months_absent(rows) == [2, 4, 7]
    assert len(rules.months_absent(rows)) >= rules.MONTHS_ABSENT_FOR_REMOVAL


def test_vote_base_and_more_than_half():
    """DOMAIN-2.md §2.5 (Điều lệ Điều 9 k5; QĐ 24 tiết 9.3.2): 12 official members summoned, one on
    temporary transfer elsewhere, one exempted and absent, one suspended, and two probationary
    members (no vote): the base is 12 − 3 = 9. Five in favour pass (10 > 9); four do not."""
    official = [rules.Roll(i, rules.PRESENT) for i in range(1, 10)]
    others = [
        rules.Roll(10, rules.AWAY),
        rules.Roll(11, rules.EXEMPTED),
        rules.Roll(12, rules.PRESENT, suspended=True),
        rules.Roll(13, rules.PRESENT, official=False),
        rules.Roll(14, rules.PRESENT, official=False),
    ]
    base = rules.vote_base(official + others)
    assert base == 9
    assert rules.vote_passes(5, base)
    assert not rules.vote_passes(4, base)


def test_the_shipped_scale_scores_the_five_criteria():
    """DOMAIN-2.md §2.6: the example scale gives 20 points a criterion; all five met is 100, good;
    four met is 80, fair. The provinces' own tables are UNCONFIRMED (a file replaces it)."""
    scale = rules.load_scale()
    assert scale.unconfirmed and scale.total == 100
    met = {key: True for key, _label in rules.CRITERIA}
    assert scale.score(met) == 100 and scale.grade(100).good
    met["results"] = False
    assert scale.score(met) == 80 and not scale.grade(80).good and scale.grade(80).label == "Khá"


def test_a_thematic_meeting_each_quarter():
    """CT 50-CT/TW (DOMAIN-2.md §2.2): on 15/10/2026 quarters 1–3 have ended; a combined meeting
    in March and a thematic one in August cover quarters 1 and 3: quarter 2 is missing."""
    held = [(dt.date(2026, 3, 3), rules.COMBINED), (dt.date(2026, 8, 10), rules.THEMATIC)]
    assert rules.quarters_without_thematic(held, 2026, dt.date(2026, 10, 15)) == [2]


def test_reporters_quota_of_hd_40():
    """DOMAIN-2.md §3.3: a province recognises at most 50 reporters (60 for Hà Nội, TP HCM,
    Thanh Hóa, Nghệ An); Cao Bằng's communes 5 each."""
    assert rules.reporter_quota("province", "Khánh Hòa") == 50
    assert rules.reporter_quota("province", "Nghệ An") == 60
    assert rules.reporter_quota("province", "Đảng bộ Thành phố Hồ Chí Minh") == 60
    assert rules.reporter_quota("commune", "Cao Bằng") == 5
    assert rules.reporter_quota("commune", "Khánh Hòa") is None


# --- dues ------------------------------------------------------------------------------------


def test_salaried_member_before_and_after_1_february_2026():
    """DOMAIN.md §7.1, §16.7: a salaried member's insured salary is 8,450,000 đồng until January
    2026 and 9,100,000 from February. Under 342-QĐ/TW the due of January is 1 % of January's
    salary: 84,500. From 1/2/2026 (01-QĐ/TW) it is 1 % of the salary of the month before: February
    still 84,500 (January's), March 91,000 (February's)."""
    january, february, march = dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)
    assert dues.regulation_for(january) is dues.QD_342
    assert dues.regulation_for(february) is dues.QD_01
    assert dues.base_month(january) == january
    assert dues.base_month(february) == january
    assert dues.base_month(march) == february
    old, new = dues.Basis(dues.INSURED, 8_450_000), dues.Basis(dues.INSURED, 9_100_000)
    assert dues.due_for(january, old, counted_from=None).amount == 84_500
    assert dues.due_for(february, old, counted_from=None).amount == 84_500
    assert dues.due_for(march, new, counted_from=None).amount == 91_000


def test_pension_students_and_the_others():
    """§16.7: 0.5 % of a pension of 5,123,456 is 25,617.28: 25,617 đồng. A student pays 5,000 from
    02/2026 (2,000 under 342, UNCONFIRMED). A farmer in region II below retirement age pays 0.3 %
    of 4,730,000 = 14,190; past it 0.2 % = 9,460; from 2028 0.5 % = 23,650."""
    month = dt.date(2026, 3, 1)
    assert dues.standard_due(dues.Basis(dues.PENSION, 5_123_456), month) == 25_617
    assert dues.standard_due(dues.Basis(dues.STUDENT), month) == 5_000
    assert dues.standard_due(dues.Basis(dues.STUDENT), dt.date(2026, 1, 1)) == 2_000
    assert dues.standard_due(dues.Basis(dues.OTHER, region="2"), month) == 14_190
    assert dues.standard_due(dues.Basis(dues.OTHER, region="2", retired=True), month) == 9_460
    assert dues.standard_due(dues.Basis(dues.OTHER, region="2"), dt.date(2028, 1, 1)) == 23_650


def test_fifty_year_exemption_from_the_month_party_age_reaches_it_with_a_gap():
    """§16.7 and §3.2: admitted 15/3/1976, out of the Party 1/6/1990–1/12/1990 (183 days not
    counted). Party age counts from 15/3/1976 + 183 days = 14/9/1976 and reaches 50 years on
    14/9/2026: dues are owed for August 2026 and exempt from September 2026 (without the gap the
    exemption would start in March 2026)."""
    gaps = [(dt.date(1990, 6, 1), dt.date(1990, 12, 1))]
    counted = party_age(dt.date(1976, 3, 15), gaps, dt.date(2026, 9, 30)).counted_from
    assert counted == dt.date(1976, 9, 14)
    basis = dues.Basis(dues.PENSION, 6_000_000)
    august = dues.due_for(dt.date(2026, 8, 1), basis, counted_from=counted)
    september = dues.due_for(dt.date(2026, 9, 1), basis, counted_from=counted)
    assert (august.amount, august.reason) == (30_000, "")
    assert (september.amount, september.reason) == (0, "fifty_years")
    assert dues.fifty_years_month(dt.date(1976, 3, 15)) == dt.date(2026, 3, 1)
    # Not under 342: January 2026 is owed even by a member with 60 years.
    assert (
        dues.due_for(dt.date(2026, 1, 1), basis, counted_from=dt.date(1966, 1, 1)).amount == 30_000
    )


def test_a_50_percent_reduction_ends_after_12_months():
    """§16.7: a reduction of 50 % from 03/2026 lasts at most 12 months: 03/2026–02/2027 at half
    (84,500 → 42,250), 03/2027 in full; 13 months are refused."""
    relief = dues.Relief(dues.HARDSHIP, 50, dt.date(2026, 3, 1), dt.date(2027, 2, 1))
    assert dues.relief_problem(relief) is None
    basis = dues.Basis(dues.INSURED, 8_450_000)
    for month in (dt.date(2026, 3, 1), dt.date(2026, 12, 1), dt.date(2027, 2, 1)):
        assert dues.due_for(month, basis, counted_from=None, reliefs=(relief,)).amount == 42_250
    assert (
        dues.due_for(dt.date(2027, 3, 1), basis, counted_from=None, reliefs=(relief,)).amount
        == 84_500
    )
    thirteen = dues.Relief(dues.HARDSHIP, 50, dt.date(2026, 3, 1), dt.date(2027, 3, 1))
    assert "12" in dues.relief_problem(thirteen)
    assert dues.relief_problem(
        dues.Relief(dues.HARDSHIP, 40, dt.date(2026, 3, 1), dt.date(2026, 4, 1))
    )
    # Before 01-QĐ/TW there were no reductions to decide.
    assert dues.relief_problem(
        dues.Relief(dues.HARDSHIP, 50, dt.date(2026, 1, 1), dt.date(2026, 6, 1))
    )


def test_three_months_unpaid_in_a_year_without_a_deferral():
    """§7.2: unpaid in March, May and June 2026 (April deferred, not counted; the month not ended
    yet not counted): three months."""
    lines = [
        (dt.date(2026, 3, 1), 84_500, 0, False),
        (dt.date(2026, 4, 1), 84_500, 0, True),
        (dt.date(2026, 5, 1), 84_500, 40_000, False),
        (dt.date(2026, 6, 1), 84_500, 0, False),
        (dt.date(2026, 7, 1), 84_500, 0, False),
        (dt.date(2026, 8, 1), 0, 0, False),
    ]
    assert dues.unpaid_months(lines, dt.date(2026, 7, 20)) == [
        dt.date(2026, 3, 1),
        dt.date(2026, 5, 1),
        dt.date(2026, 6, 1),
    ]


def test_the_split_up_the_levels_adds_up():
    """§16.7: the shares are UNCONFIRMED configuration; whatever they are, the parts add up to
    what was collected (1,234,567: 30 % kept by the cell = 370,370, …)."""
    parts = dues.split(1_234_567, dt.date(2026, 3, 1))
    assert parts["cell"] == 370_370
    assert sum(parts.values()) == 1_234_567
    assert dues.RETENTION_UNCONFIRMED
