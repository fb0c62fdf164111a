"""The lifecycle engine, issue-2 scope: admission, probation and recognition (DOMAIN.md §4.2–§4.3)."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dangvu.members import lifecycle
from dangvu.members.lifecycle import Fact, LifecycleError, derive, official_date_for
from dangvu.members.services import rebuild


def test_official_date_is_twelve_months_after_the_ceremony_even_when_decided_late():
    # DOMAIN.md §4.3 (and §3.2's example): ceremony 26/7/2015 → official 26/7/2016.
    assert official_date_for(dt.date(2015, 7, 26)) == dt.date(2016, 7, 26)
    assert official_date_for(dt.date(2016, 2, 29)) == dt.date(2017, 2, 28)
    state = derive(
        [
            Fact("admission", dt.date(2015, 7, 1), 1, dt.date(2015, 7, 26)),
            Fact("recognition", dt.date(2016, 7, 26), 1),
        ]
    )
    assert state.status == "official"
    assert state.official_date == dt.date(2016, 7, 26)
    assert [(p.status, p.valid_from, p.valid_to) for p in state.periods] == [
        ("probationary", dt.date(2015, 7, 1), dt.date(2016, 7, 26)),
        ("official", dt.date(2016, 7, 26), None),
    ]


def test_recognition_on_another_date_is_refused_with_the_right_date():
    with pytest.raises(LifecycleError, match="26/07/2016"):
        derive(
            [
                Fact("admission", dt.date(2015, 7, 1), 1, dt.date(2015, 7, 26)),
                Fact("recognition", dt.date(2016, 9, 1), 1),
            ]
        )


def test_impossible_sequences_are_refused():
    with pytest.raises(LifecycleError):
        derive([Fact("recognition", dt.date(2016, 7, 26), 1)])
    with pytest.raises(LifecycleError):
        derive(
            [
                Fact("admission", dt.date(2015, 7, 1), 1, None),
                Fact("recognition", dt.date(2016, 7, 1), 1),
            ]
        )
    with pytest.raises(LifecycleError):
        derive([Fact("admission", dt.date(2015, 7, 1), 1, dt.date(2015, 6, 1))])
    with pytest.raises(LifecycleError):
        derive(
            [
                Fact("admission", dt.date(2015, 7, 1), 1, dt.date(2015, 7, 2)),
                Fact("admission", dt.date(2015, 8, 1), 1, dt.date(2015, 8, 2)),
            ]
        )


@settings(max_examples=200, deadline=None)
@given(
    decided=st.dates(dt.date(1960, 1, 1), dt.date(2024, 12, 31)),
    delay=st.integers(0, 120),
    recognised=st.booleans(),
)
def test_periods_tile_membership_without_gap_or_overlap(decided, delay, recognised):
    ceremony = decided + dt.timedelta(days=delay)
    facts = [Fact("admission", decided, 7, ceremony)]
    if recognised:
        facts.append(Fact("recognition", official_date_for(ceremony), 7))
    state = derive(facts)
    assert state.periods[0].valid_from == decided
    for before, after in zip(state.periods, state.periods[1:], strict=False):
        assert before.valid_to == after.valid_from
    assert state.periods[-1].valid_to is None
    assert state.status == ("official" if recognised else "probationary")


def stored_state(member):
    member.refresh_from_db()
    periods = member.periods.order_by("valid_from").values_list(
        "org_id", "status", "valid_from", "valid_to"
    )
    return member.status, member.org_id, member.official_date, list(periods)


@pytest.mark.django_db
def test_rebuilding_from_the_events_gives_the_stored_state(world):
    for member in world.members.values():
        stored = stored_state(member)
        member.periods.all().delete()
        member.status = ""
        rebuild(member)
        assert stored_state(member) == stored


def test_later_kinds_are_refused_until_their_rules_exist():
    with pytest.raises(LifecycleError):
        derive(
            [
                Fact("admission", dt.date(2015, 7, 1), 1, dt.date(2015, 7, 2)),
                Fact("death", dt.date(2020, 1, 1)),
            ]
        )
    assert lifecycle.PROBATION_MONTHS == 12
