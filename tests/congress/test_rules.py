"""The election's count and the directives' figures, each with a worked example computed by hand
(DOMAIN.md §8.1, §8.4, §16.3, §16.4; DOMAIN-2.md §5.1)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dangvu.rules import congress as rules
from dangvu.rules import organisation as org_rules

pytestmark = [pytest.mark.once]


# --- §8.4 / §16.4: more than half of the convened, minus the deductions ------------------------


def test_worked_example_11_members_10_present_5_votes_not_elected():
    """DOMAIN.md §8.4: a cell of 11 official members, 10 present (1 excused): 5 votes is not
    elected, 6 are needed. Counted against the 11 convened, or against 10 when the excused
    absence is deducted (absent for the whole congress with a reason): 6 either way."""
    base = rules.base_of(rules.MEMBER_CONGRESS, 11, {})
    assert (base, rules.votes_needed(base)) == (11, 6)
    outcome = rules.elect({"A": 5, "B": 6}, 1, base)
    assert outcome.elected == ["B"] and outcome.failed == ["A"]
    deducted = rules.base_of(rules.MEMBER_CONGRESS, 11, {"absent_with_reason": 1})
    assert (deducted, rules.votes_needed(deducted)) == (10, 6)
    assert not rules.passes(5, deducted)  # 5 of 10 is half, not more than half


@pytest.mark.parametrize(
    ("key", "count"),
    [
        ("temporary_elsewhere", 4),
        ("exempt_absent", 3),
        ("suspended", 2),
        ("prosecuted", 1),
        ("absent_with_reason", 5),
    ],
)
def test_each_deduction_of_a_member_congress(key, count):
    """QĐ 190 Điều 30 (§16.4): 120 official members convened; each listed group is subtracted
    before the half is taken. 120 − 4 = 116 → 59 needed (58 is half); and so on."""
    base = rules.base_of(rules.MEMBER_CONGRESS, 120, {key: count})
    assert base == 120 - count
    assert rules.votes_needed(base) == (120 - count) // 2 + 1
    assert not rules.passes((120 - count) // 2, base)


def test_all_deductions_together_and_the_delegate_congress():
    # 100 − (3 + 2 + 1 + 1 + 3) = 90 → 46 needed; 45 is exactly half.
    base = rules.base_of(
        rules.MEMBER_CONGRESS,
        100,
        {
            "temporary_elsewhere": 3,
            "exempt_absent": 2,
            "suspended": 1,
            "prosecuted": 1,
            "absent_with_reason": 3,
        },
    )
    assert (base, rules.votes_needed(base)) == (90, 46)
    # A delegate congress of 350: 2 convening-committee members and 3 delegates without an
    # alternate absent → 345 → 173 needed.
    base = rules.base_of(
        rules.DELEGATE_CONGRESS, 350, {"convening_absent": 2, "absent_no_alternate": 3}
    )
    assert (base, rules.votes_needed(base)) == (345, 173)
    assert not rules.passes(172, base) and rules.passes(173, base)


def test_a_deduction_of_the_other_kind_of_congress_is_refused():
    with pytest.raises(ValueError):
        rules.base_of(rules.DELEGATE_CONGRESS, 350, {"suspended": 1})
    with pytest.raises(ValueError):
        rules.base_of(rules.MEMBER_CONGRESS, 10, {"absent_with_reason": 10})


def test_never_half_of_the_valid_ballots():
    """§16.4: 100 convened, 60 valid ballots; 40 votes is two thirds of the valid ballots but
    not more than half of the 100: not elected."""
    tally = rules.count_ballots(["A"], 1, [{"A": rules.AGREE}] * 40 + [{"A": rules.DISAGREE}] * 20)
    assert (tally.valid, tally.votes["A"]) == (60, 40)
    outcome = rules.elect(tally.votes, 1, rules.base_of(rules.MEMBER_CONGRESS, 100, {}))
    assert outcome.elected == [] and outcome.seats_left == 1


def test_a_ballot_marked_both_or_neither_is_valid_but_gives_no_vote():
    """QĐ 190 Điều 30: both boxes, or neither, for a candidate: the ballot stays valid, the
    candidate gets nothing from it. A ballot agreeing to more than the seats, or not issued by the
    counting committee (None), is invalid."""
    ballots = [
        {"A": rules.AGREE, "B": rules.AGREE},
        {"A": rules.BOTH, "B": rules.AGREE},
        {"A": rules.NEITHER, "B": rules.DISAGREE},
        {"A": rules.AGREE, "B": rules.AGREE, "C": rules.AGREE},  # three for two seats
        None,
    ]
    tally = rules.count_ballots(["A", "B", "C"], 2, ballots)
    assert (tally.ballots, tally.valid, tally.invalid) == (5, 3, 2)
    assert tally.votes == {"A": 1, "B": 2, "C": 0}


def test_more_pass_than_seats_the_most_votes_are_elected():
    # 11 convened → 6 needed; A 9, B 8, C 7, D 6 pass; three seats: A, B, C.
    outcome = rules.elect({"A": 9, "B": 8, "C": 7, "D": 6, "E": 5}, 3, 11)
    assert outcome.elected == ["A", "B", "C"]
    assert outcome.passed_not_elected == ["D"] and outcome.failed == ["E"]
    assert outcome.seats_left == 0


def test_a_tie_at_the_last_seat_stops_for_the_congress():
    """§16.4: the Party's tie rule is UNCONFIRMED: by default neither of those tied is elected and
    the seat stays open for the congress to decide (a further round among them, typically)."""
    outcome = rules.elect({"A": 8, "B": 7, "C": 7, "D": 3}, 2, 11)
    assert outcome.elected == ["A"]
    assert outcome.tied == ["B", "C"] and outcome.seats_left == 1
    # When the congress chose the State law's rule, the older is elected.
    births = {
        "A": dt.date(1980, 1, 1),
        "B": dt.date(1975, 5, 1),
        "C": dt.date(1970, 5, 1),
        "D": dt.date(1990, 1, 1),
    }
    older = rules.elect({"A": 8, "B": 7, "C": 7, "D": 3}, 2, 11, tie_rule="older", births=births)
    assert older.elected == ["A", "C"] and older.tied == []
    # Tied on the very day of birth too: still the congress's.
    births["B"] = births["C"]
    same = rules.elect({"A": 8, "B": 7, "C": 7}, 2, 11, tie_rule="older", births=births)
    assert same.tied == ["B", "C"] and same.elected == ["A"]


def test_a_tie_that_fits_the_seats_is_no_tie():
    outcome = rules.elect({"A": 8, "B": 7, "C": 7, "D": 6}, 3, 11)
    assert outcome.elected == ["A", "B", "C"] and outcome.tied == []


@given(
    votes=st.lists(st.integers(min_value=0, max_value=400), min_size=1, max_size=70),
    seats=st.integers(min_value=1, max_value=40),
    base=st.integers(min_value=1, max_value=400),
    rule=st.sampled_from(["", "revote", "older"]),
)
def test_property_no_one_below_the_threshold_no_seat_beyond_the_number(votes, seats, base, rule):
    """Whatever the votes: nobody with half of the base or less is elected, never more are
    elected than there are seats, and every one elected has at least as many votes as any
    candidate passed over or tied."""
    names = [f"c{i:02d}" for i in range(len(votes))]
    tally = dict(zip(names, votes, strict=True))
    births = {n: dt.date(1960 + i % 30, 1 + i % 12, 1) for i, n in enumerate(names)}
    outcome = rules.elect(tally, seats, base, tie_rule=rule, births=births)
    assert len(outcome.elected) <= seats
    assert all(2 * tally[n] > base for n in outcome.elected)
    assert outcome.seats_left == seats - len(outcome.elected)
    if outcome.elected:
        lowest = min(tally[n] for n in outcome.elected)
        assert all(tally[n] <= lowest for n in outcome.passed_not_elected + outcome.tied)
    assert sorted(
        outcome.elected + outcome.passed_not_elected + outcome.failed + outcome.tied
    ) == sorted(names)


# --- §8.4 / §16.4: the list -----------------------------------------------------------------


def test_the_surplus_of_candidates():
    """QĐ 190 Điều 14: at most 30 % more than the seats. 9 seats: 11 listed (22 %) is fine, 12
    (33 %) is not. A committee of 3–5 takes a surplus of one (local answer, §8.4). Fewer
    candidates than seats: refused."""
    assert rules.surplus_problem(9, 11, required=True) is None
    assert rules.surplus_problem(9, 12, required=True)
    assert rules.surplus_problem(5, 6, required=True) is None
    assert rules.surplus_problem(5, 7, required=True)
    assert rules.surplus_problem(9, 8, required=True)
    # A committee's list at a congress must exceed the seats; a secretary's at a plenum need not.
    assert rules.surplus_problem(9, 9, required=True)
    assert rules.surplus_problem(1, 1, required=False) is None
    assert rules.surplus_problem(1, 1, required=True) is None  # one seat: no surplus possible
    assert rules.surplus_problem(1, 2, required=True)
    assert rules.surplus_problem(10, 13, required=True) is None  # 30 % exactly
    # The convening committee prepares 10–15 %: 30 seats, 33 listed (10 %) fits; 31 is a note.
    assert rules.surplus_note(30, 33) == ""
    assert rules.surplus_note(30, 31)


def test_a_nomination_from_the_floor_needs_more_than_30_percent():
    # 100 present: 30 agreeing is not more than 30 %; 31 is.
    assert not rules.floor_admitted(30, 100)
    assert rules.floor_admitted(31, 100)
    assert not rules.floor_admitted(3, 10) and rules.floor_admitted(4, 10)


# --- §8.1 / §16.3: the directives ----------------------------------------------------------


def test_the_directive_in_force_and_its_deadlines():
    """CT 45 (14/4/2025): grassroots before 30/6/2025, commune and ward committees before
    31/8/2025, the province before 31/10/2025; a congress of 2020 is under CT 35/2019."""
    assert rules.directive_for(dt.date(2020, 6, 10)) is rules.CT35_2019
    assert rules.directive_for(dt.date(2025, 5, 20)) is rules.CT45_2025
    ct45 = rules.CT45_2025
    assert ct45.deadline(rules.level_of(org_rules.GRASSROOTS_COMMITTEE)) == dt.date(2025, 6, 30)
    assert ct45.deadline(rules.level_of(org_rules.COMMUNE_SUPERIOR)) == dt.date(2025, 8, 31)
    assert ct45.deadline(rules.level_of(org_rules.BLOCK)) == dt.date(2025, 8, 31)
    # A grassroots congress of March 2025 was held under CT 35/2024, whose figures are
    # UNCONFIRMED: judged by CT 45's calendar and shares, each marked unconfirmed.
    early = rules.directive_for(dt.date(2025, 3, 10))
    assert early is rules.CT35_2024 and early.women.unconfirmed
    assert early.deadline(rules.GRASSROOTS) == dt.date(2025, 6, 30)
    assert ct45.deadline(rules.level_of(org_rules.PROVINCIAL)) == dt.date(2025, 10, 31)
    assert (
        rules.deadline_status(dt.date(2025, 9, 2), dt.date(2025, 8, 31), dt.date(2026, 1, 1))
        == "late"
    )
    assert rules.deadline_status(None, dt.date(2025, 8, 31), dt.date(2025, 9, 1)) == "overdue"
    assert rules.CT35_2019.deadlines_unconfirmed and not ct45.deadlines_unconfirmed


@pytest.mark.parametrize(
    ("sex", "birth", "retires"),
    [
        # BLLĐ 2019 Điều 169; NĐ 135/2020: a man born 10/1961 reaches 60 years 6 months in 4/2022
        # (60y3m in 2021 would fall in 1/2022, when 60y6m applies).
        ("M", dt.date(1961, 10, 15), dt.date(2022, 4, 15)),
        # A man born 1/1/1966: 61 years 9 months applies in 2027 → 1/10/2027.
        ("M", dt.date(1966, 1, 1), dt.date(2027, 10, 1)),
        # From 2028, 62: a man born 1/7/1970 retires 1/7/2032.
        ("M", dt.date(1970, 7, 1), dt.date(2032, 7, 1)),
        # A woman born 15/1/1970: 56y8m (2025) → 9/2026, too late; 57y (2026) → 1/2027, too late;
        # 57y4m (2027) → 15/5/2027.
        ("F", dt.date(1970, 1, 15), dt.date(2027, 5, 15)),
        # A woman born 1/1/1980: 60 from 2035 → 1/1/2040.
        ("F", dt.date(1980, 1, 1), dt.date(2040, 1, 1)),
    ],
)
def test_retirement_dates(sex, birth, retires):
    assert rules.retirement_date(sex, birth) == retires


def _p(
    key,
    sex="M",
    birth=dt.date(1975, 1, 1),
    first=True,
    ethnicity="01",
    science=False,
    posts=("executive",),
):
    return rules.Seated(key, f"P{key}", sex, birth, ethnicity, first, science, frozenset(posts))


def test_the_age_rules_on_the_reference_date():
    """CT 45: reference 1/7/2025 for commune and ward committees. A man born 1/1/1966 retires
    1/10/2027: 27 months left — short of 48 for re-election and of a full term (60) for a first
    time. A man born 1/7/1970 has 84 months: fine either way."""
    ct45 = rules.CT45_2025
    ref = ct45.reference_date(rules.COMMUNE, dt.date(2025, 8, 20))
    assert ref == dt.date(2025, 7, 1)
    assert rules.months_left("M", dt.date(1966, 1, 1), ref) == 27
    assert rules.age_problem(
        _p(1, birth=dt.date(1966, 1, 1), first=False), ct45, rules.COMMUNE, ref
    )
    assert (
        rules.age_problem(_p(2, birth=dt.date(1970, 7, 1), first=True), ct45, rules.COMMUNE, ref)
        is None
    )
    # 48 months left: re-elected fine (≥ 48), first time not (< 60).
    birth = dt.date(1967, 7, 1)  # retires at 62 on 1/7/2029 → 48 months from 1/7/2025
    assert rules.months_left("M", birth, ref) == 48
    assert rules.age_problem(_p(3, birth=birth, first=False), ct45, rules.COMMUNE, ref) is None
    assert rules.age_problem(_p(4, birth=birth, first=True), ct45, rules.COMMUNE, ref)


def test_reference_dates_and_young_members_by_level():
    """§16.3: ages are counted on 4/2025 (grassroots), 6/2025 (the level above grassroots: a
    block), 7/2025 (commune, ward), 9/2025 (the province); "young" (under 42) is judged for the
    province and the commune only. A member born 15/6/1983 is 41 on 1/6/2025 and 42 on 1/7/2025."""
    ct45 = rules.CT45_2025
    day = dt.date(2025, 8, 20)
    assert ct45.reference_date(rules.level_of(org_rules.BLOCK), day) == dt.date(2025, 6, 1)
    assert ct45.reference_date(rules.level_of(org_rules.COMMUNE_SUPERIOR), day) == dt.date(
        2025, 7, 1
    )
    born = dt.date(1983, 6, 15)
    people = [_p(i, birth=born if i == 0 else dt.date(1970, 1, 1)) for i in range(10)]

    def young(kind):
        figures = rules.composition(
            people,
            [],
            directive=ct45,
            level=rules.level_of(kind),
            kind=kind,
            congress_day=day,
            merged=False,
        )
        return next(f for f in figures if f.key == "young")

    block, commune = young(org_rules.BLOCK), young(org_rules.COMMUNE_SUPERIOR)
    assert (block.count, block.met) == (1, None)  # 41 on 1/6/2025; not judged for a block
    assert (commune.count, commune.met) == (0, False)  # 42 on 1/7/2025


def test_about_five_percent_is_rounded_to_whole_people():
    """ "About 5 %": a committee of 20 needs one; of 9, none (0,45 rounds to 0)."""
    science = rules.CT45_2025.science
    assert not rules._at_least(0, 20, science) and rules._at_least(1, 20, science)
    assert rules._at_least(0, 9, science)


def test_the_inspection_committee_age_rule():
    """CT 45: a member re-elected to the inspection committee needs 42 months left (not 48); a
    first-time one a full term. A man born 1/1/1967 retires at 62 on 1/1/2029: 42 months from
    1/7/2025 — enough to be re-elected to the inspection committee, short of the 48 a re-elected
    executive member needs, and of a full term for a first time."""
    ct45 = rules.CT45_2025
    ref = dt.date(2025, 7, 1)
    assert rules.retirement_date("M", dt.date(1967, 1, 1)) == dt.date(2029, 1, 1)
    assert rules.months_left("M", dt.date(1967, 1, 1), ref) == 42
    again = _p(1, birth=dt.date(1967, 1, 1), first=False, posts=("inspection",))
    first = _p(2, birth=dt.date(1967, 1, 1), first=True, posts=("inspection",))
    assert rules.age_problem(again, ct45, rules.COMMUNE, ref, inspection=True) is None
    assert rules.age_problem(again, ct45, rules.COMMUNE, ref)  # as an executive member: 48
    assert rules.age_problem(first, ct45, rules.COMMUNE, ref, inspection=True)
    figures = rules.composition(
        [],
        [],
        directive=ct45,
        level=rules.COMMUNE,
        kind=org_rules.COMMUNE_SUPERIOR,
        congress_day=dt.date(2025, 8, 1),
        merged=True,
        inspection=[again, first],
    )
    found = next(f for f in figures if f.key == "inspection_age")
    assert (found.count, found.total, found.people, found.met) == (1, 2, [2], False)


def test_composition_of_a_commune_committee_under_ct45():
    """A commune committee formed from 3 communes, 30 members on 20/8/2025 (reference 1/7/2025):
    4 women = 13.3 % < 15 % (not met); 3 under 42 = 10 % (met); 2 science = 6.7 % (about 5 %,
    met); renewal not judged (a merged committee); standing 9 with one woman; 2 deputies."""
    ct45 = rules.CT45_2025
    people = []
    for i in range(30):
        people.append(
            _p(
                i,
                sex="F" if i < 4 else "M",
                birth=dt.date(1990, 1, 1) if i < 3 else dt.date(1975, 1, 1),
                ethnicity="03" if i == 29 else "01",
                science=i in (10, 11),
                first=i < 5,
            )
        )
    standing = people[:9]
    figures = {
        f.key: f
        for f in rules.composition(
            people,
            standing,
            directive=ct45,
            level=rules.COMMUNE,
            kind=org_rules.COMMUNE_SUPERIOR,
            congress_day=dt.date(2025, 8, 20),
            merged=True,
            predecessors=3,
            deputies=2,
            locality_minority=Fraction(1, 10),
        )
    }
    assert figures["size"].met is True and "27" in figures["size"].target
    assert "33" in figures["size"].target
    assert (figures["women"].count, figures["women"].met) == (4, False)
    assert figures["woman_standing"].met is True
    assert (figures["young"].count, figures["young"].met) == (3, True)
    assert (figures["science"].count, figures["science"].met) == (2, True)
    assert figures["renewal"].met is None  # not for merged committees
    assert figures["minority"].count == 1 and figures["minority"].met is None
    assert figures["deputies"].met is True and figures["standing_size"].met is True
    assert figures["women"].people == [0, 1, 2, 3]
    assert not rules.composition_met(list(figures.values()))
    # Formed from two: at most 27.
    assert rules.commune_executive_max(2) == 27 and rules.commune_executive_max(3) == 33
