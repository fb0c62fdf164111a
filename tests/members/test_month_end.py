"""One month-end convention for party age, badge dates and probation (issue 20, point 3;
DOMAIN.md §3.2 party age, §3.1 tiers, §4.3 the end of the 12 months), and the dates of the
membership in force on a day before a re-admission (§4.8)."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from dangvu.core.dates import add_months, add_years, months_between
from dangvu.members.events import event_record
from dangvu.members.lifecycle import next_badge, official_date_for, party_age
from dangvu.rules.awards import badge_due
from dangvu.rules.charter import BADGE_TIERS
from tests.conftest import admit, decision

D = dt.date
ONE_DAY = dt.timedelta(days=1)


@pytest.mark.once
def test_worked_examples_of_the_month_end():
    """By hand. Start 29/2/2024: the 30-year badge falls on 28/2/2054 (February 2054 has 28 days),
    and on that day party age is exactly 30 years; the day before it is 29 years, 11 months and
    29 days (29/1/2054 → 27/2/2054). Start 31/1/2023: one month is reached on 28/2/2023; on 27/2
    it is 27 days. A ceremony on 29/2/2024 ends probation on 28/2/2025 (§4.3)."""
    start = D(2024, 2, 29)
    assert add_years(start, 30) == D(2054, 2, 28)
    assert party_age(start, [], D(2054, 2, 28)).as_dict() == {"years": 30, "months": 0, "days": 0}
    assert party_age(start, [], D(2054, 2, 27)).as_dict() == {"years": 29, "months": 11, "days": 29}
    assert next_badge(start, [], D(2054, 2, 27)) == (30, D(2054, 2, 28))
    assert party_age(D(2023, 1, 31), [], D(2023, 2, 28)).as_dict() == {
        "years": 0,
        "months": 1,
        "days": 0,
    }
    assert party_age(D(2023, 1, 31), [], D(2023, 2, 27)).as_dict() == {
        "years": 0,
        "months": 0,
        "days": 27,
    }
    assert official_date_for(D(2024, 2, 29)) == D(2025, 2, 28)
    # The 31st: one month after 31/3 is 30/4, two months 31/5.
    assert months_between(D(2024, 3, 31), D(2024, 4, 30)) == 1
    assert months_between(D(2024, 3, 31), D(2024, 5, 30)) == 1
    assert months_between(D(2024, 3, 31), D(2024, 5, 31)) == 2


@pytest.mark.once
def test_a_gap_moves_the_start_and_the_same_convention_applies():
    """§3.2: admitted 31/1/1995, struck off 1/3/2000 and re-admitted 1/3/2001 (365 days out): the
    start moves to 31/1/1996; the 30-year badge falls on 31/1/2026, and a start moved onto 29/2
    (admitted 28/2/1995, 366 days out from 1/3/2003 to 1/3/2004) reaches 30 years on 28/2/2026."""
    gaps = [(D(2000, 3, 1), D(2001, 3, 1))]
    assert party_age(D(1995, 1, 31), gaps, D(2026, 1, 31)).as_dict() == {
        "years": 30,
        "months": 0,
        "days": 0,
    }
    assert next_badge(D(1995, 1, 31), gaps, D(2026, 1, 30)) == (30, D(2026, 1, 31))
    leap_gap = [(D(2003, 3, 1), D(2004, 3, 1))]  # 366 days: 28/2/1995 + 366 days = 29/2/1996
    assert party_age(D(1995, 2, 28), leap_gap, D(2026, 2, 28)).counted_from == D(1996, 2, 29)
    assert party_age(D(1995, 2, 28), leap_gap, D(2026, 2, 28)).years == 30
    assert party_age(D(1995, 2, 28), leap_gap, D(2026, 2, 27)).years == 29


@pytest.mark.once
def test_ages_count_the_same_way_and_the_sql_bound_is_their_exact_inverse():
    """Born 29/2/2008: 18 on 28/2/2026 (DOMAIN.md §4.1 counts the admission age by month; the
    same convention). For every birth day of 2007–2009 and every day of February–March 2026,
    `age_on(b, d) >= 18` exactly when b <= born_on_or_before_for_age(18, d): the statistics'
    SQL bands and the pages' ages agree."""
    from dangvu.core.dates import age_on, born_on_or_before_for_age
    from dangvu.members.events import months_of_age

    assert age_on(D(2008, 2, 29), D(2026, 2, 28)) == 18
    assert age_on(D(2008, 2, 29), D(2026, 2, 27)) == 17
    assert months_of_age(D(2008, 1, 31), D(2008, 2, 29)) == 1
    births = [D(2007, 1, 1) + dt.timedelta(days=n) for n in range(3 * 366)]
    days = [D(2026, 2, 1) + dt.timedelta(days=n) for n in range(59)]
    for day in days:
        bound = born_on_or_before_for_age(18, day)
        for birth in births:
            assert (age_on(birth, day) >= 18) == (birth <= bound), (birth, day, bound)


@pytest.mark.once
def test_every_day_of_a_leap_year_as_start_agrees_on_badges_and_probation():
    """Each start from 1/1/2024 to 31/12/2024: on the day a tier's badge falls due party age is the
    tier's years exactly, the day before it is not; the badge rule gives that tier on that day;
    probation ends on the day one year of party age is reached."""
    start = D(2024, 1, 1)
    checked = 0
    while start.year == 2024:
        for tier in BADGE_TIERS:
            due = add_years(start, tier)
            assert party_age(start, [], due).years == tier, (start, tier)
            assert party_age(start, [], due).months == party_age(start, [], due).days == 0
            assert party_age(start, [], due - ONE_DAY).years == tier - 1, (start, tier)
            assert next_badge(start, [], due - ONE_DAY) == (tier, due)
            before = [t for t in BADGE_TIERS if t < tier]
            found, _why = badge_due(counted_from=start, on=due, received=before)
            assert found is not None and found.tier == tier and not found.early
            early, _why = badge_due(counted_from=start, on=due - ONE_DAY, received=before)
            assert early is None, (start, tier)
            checked += 1
        official = official_date_for(start)
        assert official == add_months(start, 12)
        assert party_age(start, [], official).as_dict() == {"years": 1, "months": 0, "days": 0}
        assert party_age(start, [], official - ONE_DAY).years == 0
        start += ONE_DAY
    assert checked == 366 * len(BADGE_TIERS)


@pytest.mark.django_db
@pytest.mark.both_databases
def test_official_date_as_of_a_day_before_a_readmission_is_that_of_the_membership_then(world):
    """§4.8: admitted 2/3/2010 (ceremony 20/3/2010, official 20/3/2011), removed 1/6/2015,
    re-admitted 1/6/2018 (ceremony 20/6/2018). Asked about 1/1/2014 the official date is
    20/3/2011 — not empty because the new membership is still probationary; about 1/1/2019 it is
    empty, and the admission decision is that of 2018."""
    member = admit(
        world.ph1,
        "Lê Văn Tái",
        decided=D(2010, 3, 2),
        ceremony=D(2010, 3, 20),
        citizen_id="058080004321",
    )
    event_record(
        member=member,
        kind="removal",
        on=D(2015, 6, 1),
        actor=None,
        decision=decision(D(2015, 6, 1), "xoa-ten-2015"),
        details={"ground": "no_progress"},
    )
    event_record(
        member=member,
        kind="readmission",
        on=D(2018, 6, 1),
        actor=None,
        org=world.ph1,
        decision=decision(D(2018, 6, 1), "ket-nap-lai-2018"),
    )
    event_record(member=member, kind="ceremony", on=D(2018, 6, 20), actor=None)
    member.refresh_from_db()
    assert member.official_date is None  # today: probationary again

    def show(day):
        out = io.StringIO()
        call_command(
            "member", "show", "--cccd", "058080004321", "--as-of", day, "--format", "json",
            stdout=out,
        )  # fmt: skip
        return json.loads(out.getvalue())

    then = show("2014-01-01")
    assert (then["status"], then["official_date"], then["admission_decision_date"]) == (
        "official", "2011-03-20", "2010-03-02",
    )  # fmt: skip
    later = show("2019-01-01")
    assert (later["status"], later["official_date"], later["admission_decision_date"]) == (
        "probationary", None, "2018-06-01",
    )  # fmt: skip
    assert later["first_admission_date"] == "2010-03-02"
