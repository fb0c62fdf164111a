"""The lifecycle engine and party age: the worked examples of DOMAIN.md §3.2, §4.2, §4.3, §4.5–§4.8."""

import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dangvu.members.lifecycle import (
    Fact,
    LifecycleError,
    derive,
    next_badge,
    official_date_for,
    party_age,
    party_age_start,
    reckoned_to,
    state_on,
)

pytestmark = pytest.mark.once

D = dt.date
CELL, OTHER, HOST = 11, 12, 13


def admitted(decided=None, ceremony=None, official=True, org=CELL):
    decided = decided or D(2015, 7, 1)
    ceremony = ceremony or D(2015, 7, 26)
    facts = [Fact("admission", decided, org), Fact("ceremony", ceremony)]
    if official:
        facts.append(Fact("recognition", official_date_for(ceremony), org))
    return facts


# §3.2 -------------------------------------------------------------------------------------------
def test_party_age_counts_from_the_admission_decision_not_the_ceremony():
    """§3.2: 'admitted 26/7/2015, official 26/7/2016 → party age from 26/7/2015'; and the decision
    date (ngày ra quyết định kết nạp), not the ceremony (ngày vào Đảng), starts party age."""
    state = derive(admitted(decided=D(2015, 7, 26), ceremony=D(2015, 7, 26)))
    assert state.official_date == D(2016, 7, 26)
    assert party_age(state.first_admission_date, state.gaps, D(2016, 7, 26)).as_dict() == {
        "years": 1,
        "months": 0,
        "days": 0,
    }
    state = derive(admitted(decided=D(2015, 7, 1), ceremony=D(2015, 7, 26)))
    assert party_age(state.first_admission_date, state.gaps, D(2045, 7, 1)).years == 30
    assert next_badge(state.first_admission_date, state.gaps, D(2025, 1, 1)) == (30, D(2045, 7, 1))


def test_ages_are_reckoned_to_the_day_of_death_once_it_has_come():
    """§3.2, §3.4: asked after a death, the day of death; asked on it or before, the day asked.
    Admitted 01/05/1990, 30 days out in a move (letter 02/03/2021, presented 01/04/2021), died
    01/01/2023: party age counts from 01/05/1990 on 19/05/2020 (the move had not happened), from
    31/05/1990 after it (worked by hand: 1/5 + 30 days), and still from 31/05/1990 in 2025."""
    died = D(2023, 1, 1)
    assert reckoned_to(D(2025, 9, 2), died_on=died) == died
    assert reckoned_to(died, died_on=died) == died
    assert reckoned_to(D(2020, 5, 19), died_on=died) == D(2020, 5, 19)
    assert reckoned_to(D(2025, 9, 2), died_on=None) == D(2025, 9, 2)
    facts = admitted(decided=D(1990, 5, 1), ceremony=D(1990, 5, 19))
    facts += [
        Fact("transfer_out", D(2021, 3, 2), OTHER),
        Fact("transfer_in", D(2021, 4, 1), OTHER),
        Fact("death", died),
    ]
    state = derive(facts)
    assert state.gaps == [(D(2021, 3, 2), D(2021, 4, 1))]
    start = state.first_admission_date
    assert party_age_start(start, state.gaps, D(2020, 5, 19), died_on=died) == D(1990, 5, 1)
    assert party_age_start(start, state.gaps, D(2021, 6, 1), died_on=died) == D(1990, 5, 31)
    assert party_age_start(start, state.gaps, D(2025, 9, 2), died_on=died) == D(1990, 5, 31)


def test_time_struck_off_is_not_party_age_and_readmission_counts_from_the_first_admission():
    """§3.2 and §4.8: removed 1/1/2010, re-admitted 1/1/2012: the two years are deducted; party age
    still counts from the first admission decision (1/7/1990)."""
    facts = admitted(decided=D(1990, 7, 1), ceremony=D(1990, 7, 20))
    facts += [
        Fact("removal", D(2010, 1, 1), details={"ground": "no_progress"}),
        Fact("readmission", D(2012, 1, 1), CELL),
        Fact("ceremony", D(2012, 1, 20)),
        Fact("recognition", D(2013, 1, 20), CELL),
    ]
    state = derive(facts)
    assert state.first_admission_date == D(1990, 7, 1)
    assert state.gaps == [(D(2010, 1, 1), D(2012, 1, 1))]
    # The 730 days out move the start from 1/7/1990 to 30/6/1992 (1992 is a leap year).
    assert party_age(state.first_admission_date, state.gaps, D(2020, 7, 1)).as_dict() == {
        "years": 28,
        "months": 0,
        "days": 1,
    }
    tier, day = next_badge(state.first_admission_date, state.gaps, D(2020, 7, 1))
    assert (tier, day) == (30, D(2022, 6, 30))


def test_a_wrongful_removal_restored_leaves_party_age_continuous():
    """§3.2: wrongfully removed and later restored: party age is continuous."""
    facts = admitted(decided=D(1990, 7, 1), ceremony=D(1990, 7, 20))
    facts += [
        Fact("removal", D(2010, 1, 1), details={"ground": "abandoned_activity"}),
        Fact("restoration", D(2011, 6, 1), CELL),
    ]
    state = derive(facts)
    assert state.status == "official" and state.gaps == []
    assert party_age(state.first_admission_date, state.gaps, D(2020, 7, 1)).years == 30
    # The year out is still history: on 1/1/2011 the member was not in the list.
    assert state_on(state, D(2011, 1, 1))["status"] == "removed"
    assert state_on(state, D(2011, 1, 1))["org_id"] is None


def test_the_interruption_of_a_transfer_is_deducted():
    """§3.2, §4.5: letter issued 1/3/2020, presented 1/4/2020: 31 days are not party age."""
    facts = admitted(decided=D(2000, 3, 1), ceremony=D(2000, 3, 10))
    facts += [Fact("transfer_out", D(2020, 3, 1), OTHER), Fact("transfer_in", D(2020, 4, 1), OTHER)]
    state = derive(facts)
    assert state.gaps == [(D(2020, 3, 1), D(2020, 4, 1))]
    # 31 days in transit: counted from 1/4/2000 instead of 1/3/2000.
    assert party_age(state.first_admission_date, state.gaps, D(2030, 3, 1)).as_dict() == {
        "years": 29,
        "months": 11,
        "days": 0,
    }
    assert state_on(state, D(2020, 3, 15))["org_id"] is None
    assert state_on(state, D(2020, 4, 1))["org_id"] == OTHER


# §4.2–§4.3 --------------------------------------------------------------------------------------
def test_official_date_is_twelve_months_after_the_ceremony_even_when_decided_late():
    """§4.3: recognition date = the day the 12 months end, even if the cell meets late."""
    assert official_date_for(D(2015, 7, 26)) == D(2016, 7, 26)
    assert official_date_for(D(2016, 2, 29)) == D(2017, 2, 28)
    state = derive(admitted(decided=D(2015, 7, 1), ceremony=D(2015, 7, 26)))
    assert [(p.status, p.valid_from, p.valid_to) for p in state.periods] == [
        ("probationary", D(2015, 7, 1), D(2016, 7, 26)),
        ("official", D(2016, 7, 26), None),
    ]


def test_recognition_on_another_date_is_refused_with_the_right_date():
    with pytest.raises(LifecycleError, match="26/07/2016"):
        derive(
            [
                Fact("admission", D(2015, 7, 1), CELL),
                Fact("ceremony", D(2015, 7, 26)),
                Fact("recognition", D(2016, 9, 1), CELL),
            ]
        )


def test_an_unqualified_probationary_member_is_removed_not_expelled():
    """§4.3 and §6.1: not qualified at 12 months → xóa tên; expulsion is for official members."""
    base = admitted(official=False)
    with pytest.raises(LifecycleError, match="xóa tên"):
        derive([*base, Fact("expulsion", D(2016, 8, 1))])
    state = derive(
        [*base, Fact("removal", D(2016, 8, 1), details={"ground": "probation_unqualified"})]
    )
    assert state.status == "removed"
    with pytest.raises(LifecycleError):
        derive(
            [
                *admitted(),
                Fact("removal", D(2017, 1, 1), details={"ground": "probation_unqualified"}),
            ]
        )


# §4.5 -------------------------------------------------------------------------------------------
def test_a_temporarily_transferred_member_stays_in_the_home_count_only():
    """§4.5: a temporarily transferred member is not counted in the receiving organisation's total."""
    facts = [
        *admitted(),
        Fact("temp_transfer_out", D(2020, 1, 10), HOST, {"until": D(2020, 9, 1)}),
        Fact("temp_transfer_in", D(2020, 1, 20), HOST),
        Fact("temp_transfer_end", D(2020, 9, 1)),
    ]
    state = derive(facts)
    during = state_on(state, D(2020, 5, 1))
    assert during["org_id"] == CELL and during["temp_org_id"] == HOST
    assert "on_temporary_transfer" in during["flags"]
    assert state_on(state, D(2020, 9, 1))["temp_org_id"] is None
    home = [p for p in state.periods if not p.temporary]
    assert [(p.org_id, p.valid_to) for p in home][-1] == (CELL, None)


def test_transfers_out_of_the_system_and_back():
    facts = [
        *admitted(),
        Fact("transfer_out", D(2020, 1, 10), None, {"external_to": "Đảng bộ tỉnh Khánh Hòa"}),
    ]
    state = derive(facts)
    assert state.status == "transferred_out" and state.periods[-1].valid_to == D(2020, 1, 10)
    state = derive(
        [*facts, Fact("transfer_in", D(2022, 5, 1), OTHER, {"external_from": "Khánh Hòa"})]
    )
    assert state.status == "official" and state.org_id == OTHER
    assert state_on(state, D(2021, 1, 1))["status"] == "transferred_out"


def test_a_member_admitted_elsewhere_enters_by_transfer_in():
    facts = [
        Fact("admission", D(2010, 1, 5), None, {"external_org": "Chi bộ X, tỉnh Bình Thuận"}),
        Fact("ceremony", D(2010, 1, 20)),
        Fact("recognition", D(2011, 1, 20), None),
        Fact("transfer_in", D(2018, 3, 1), CELL, {"external_from": "Bình Thuận"}),
    ]
    state = derive(facts)
    assert (
        state.status == "official"
        and state.org_id == CELL
        and state.first_admission_date == D(2010, 1, 5)
    )
    assert state_on(state, D(2017, 1, 1))["org_id"] is None


# §4.6–§4.8 ---------------------------------------------------------------------------------------
def test_exemption_and_suspension_are_flags_over_time():
    facts = [
        *admitted(),
        Fact("exemption", D(2020, 1, 1)),
        Fact("suspension", D(2021, 1, 1)),
        Fact("suspension_end", D(2021, 6, 1)),
    ]
    state = derive(facts)
    assert state.flag_list == ["exempted"]
    assert state_on(state, D(2021, 3, 1))["flags"] == ["exempted", "suspended"]
    assert state_on(state, D(2019, 3, 1))["flags"] == []


def test_temporary_exemption_lasts_under_twelve_months():
    """HD 01 mục 10.3 (DOMAIN.md §4.5): tạm miễn sinh hoạt, under 12 months."""
    with pytest.raises(LifecycleError, match="12"):
        derive(
            [*admitted(), Fact("temp_exemption", D(2020, 1, 1), details={"until": D(2021, 1, 1)})]
        )
    state = derive(
        [*admitted(), Fact("temp_exemption", D(2020, 1, 1), details={"until": D(2020, 12, 31)})]
    )
    assert state.flag_list == ["temporarily_exempted"]


def test_readmission_only_once_and_refused_for_resignation_under_qd_232():
    """§4.8: only once; QĐ 232 (2025) refuses those who resigned (except extreme family hardship)."""
    base = [*admitted(decided=D(1995, 1, 1), ceremony=D(1995, 1, 10))]
    once = [
        *base,
        Fact("removal", D(2010, 1, 1), details={"ground": "no_progress"}),
        Fact("readmission", D(2012, 1, 1), CELL),
        Fact("ceremony", D(2012, 1, 10)),
        Fact("recognition", D(2013, 1, 10), CELL),
        Fact("removal", D(2015, 1, 1), details={"ground": "no_progress"}),
    ]
    with pytest.raises(LifecycleError, match=r"3\.5\.3"):
        derive([*once, Fact("readmission", D(2016, 1, 1), CELL)])
    resigned = [*base, Fact("resignation", D(2024, 1, 1))]
    assert derive([*resigned, Fact("readmission", D(2024, 12, 1), CELL)]).status == "probationary"
    with pytest.raises(LifecycleError, match="232"):
        derive([*resigned, Fact("readmission", D(2025, 3, 1), CELL)])
    assert derive(
        [*resigned, Fact("readmission", D(2025, 3, 1), CELL, {"hardship": True})]
    ).readmitted


def test_impossible_sequences_are_refused_with_a_reason():
    cases = [
        [Fact("recognition", D(2016, 7, 26), CELL)],  # recognition without admission
        [
            Fact("admission", D(2015, 7, 1), CELL),
            Fact("recognition", D(2016, 7, 1), CELL),
        ],  # no ceremony
        [Fact("admission", D(2015, 7, 1), CELL), Fact("ceremony", D(2015, 6, 1))],  # ceremony first
        [
            *admitted(),
            Fact("death", D(2020, 1, 1)),
            Fact("exemption", D(2020, 2, 1)),
        ],  # after death
        [*admitted(), Fact("transfer_in", D(2020, 1, 1), OTHER)],  # in before out
        [*admitted(), Fact("admission", D(2020, 1, 1), OTHER)],  # two memberships at once
        [
            *admitted(official=False),
            Fact("expulsion", D(2016, 9, 1)),
        ],  # expelling a probationary member
        [*admitted(), Fact("removal", D(2020, 1, 1), details={"ground": "unknown"})],
    ]
    for facts in cases:
        with pytest.raises(LifecycleError) as caught:
            derive(facts)
        assert str(caught.value)


EVENTS = st.sampled_from(
    [
        "ceremony",
        "recognition",
        "transfer_out",
        "transfer_in",
        "temp_transfer_out",
        "temp_transfer_in",
        "temp_transfer_end",
        "exemption",
        "exemption_end",
        "suspension",
        "suspension_end",
        "removal",
        "expulsion",
        "resignation",
        "death",
        "restoration",
        "readmission",
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    steps=st.lists(
        st.tuples(EVENTS, st.integers(1, 400), st.sampled_from([CELL, OTHER, HOST, None])),
        max_size=12,
    )
)
def test_any_sequence_is_either_refused_with_a_reason_or_gives_consistent_periods(steps):
    day = D(2000, 1, 1)
    facts = [Fact("admission", day, CELL)]
    for kind, gap, org in steps:
        day += dt.timedelta(days=gap)
        details = {"ground": "no_progress"} if kind == "removal" else {}
        if kind == "recognition":
            ceremony = next((f.on for f in facts if f.kind == "ceremony"), day)
            day = max(day, official_date_for(ceremony))
            facts.append(Fact(kind, official_date_for(ceremony), org, details))
            continue
        facts.append(Fact(kind, day, org, details))
    try:
        state = derive(facts)
    except LifecycleError as error:
        assert str(error)
        return
    home = sorted((p for p in state.periods if not p.temporary), key=lambda p: p.valid_from)
    for before, after in itertools.pairwise(home):
        assert (
            before.valid_to is not None and before.valid_to <= after.valid_from
        )  # never two at once
    assert all(p.valid_to is None or p.valid_to > p.valid_from for p in state.periods)
    assert state.status in (
        "probationary",
        "official",
        "removed",
        "expelled",
        "resigned",
        "deceased",
        "transferred_out",
    )
    open_home = [p for p in home if p.valid_to is None]
    assert (len(open_home) == 1) == (
        state.status in ("probationary", "official") and not state.outside and state.transit is None
    )


# Rebuilding through the services ------------------------------------------------------------
SERVICE_EVENTS = st.sampled_from(
    [
        "transfer_out",
        "transfer_in",
        "temp_transfer_out",
        "temp_transfer_in",
        "temp_transfer_end",
        "exemption",
        "exemption_end",
        "suspension",
        "suspension_end",
        "removal",
        "resignation",
        "death",
        "restoration",
        "readmission",
        "expulsion",
    ]
)


@pytest.mark.django_db
@pytest.mark.both_databases
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    steps=st.lists(
        st.tuples(SERVICE_EVENTS, st.integers(20, 300), st.booleans()), min_size=1, max_size=8
    )
)
def test_events_recorded_through_the_services_rebuild_to_the_stored_state(world, steps):
    """Whatever is recorded (or refused, with a reason), the stored state is what rebuilding gives."""
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from dangvu.members.events import derive_for, event_record, state_to_json
    from dangvu.members.models import PartyMember
    from tests.conftest import decision

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            member = PartyMember.objects.get(pk=world.members["son"].pk)
            day = D(2012, 1, 1)
            for kind, gap, elsewhere in steps:
                day += dt.timedelta(days=gap)
                org = (
                    None
                    if elsewhere and kind == "transfer_out"
                    else (
                        world.ph1
                        if kind
                        in ("transfer_out", "temp_transfer_out", "restoration", "readmission")
                        else member.org
                        if kind == "transfer_in"
                        else world.ph2
                        if kind == "temp_transfer_in"
                        else None
                    )
                )
                details = {"ground": "no_progress" if kind == "removal" else "health"}
                if kind == "temp_transfer_out":
                    details["until"] = day + dt.timedelta(days=200)
                if kind == "transfer_in" and org is None:
                    org = world.ts1
                try:
                    event_record(
                        member=member,
                        kind=kind,
                        on=day,
                        org=org,
                        actor=None,
                        details=details,
                        decision=decision(day, f"{kind}-{day}"),
                    )
                except ValidationError as refused:
                    assert refused.messages and refused.messages[0]
                member.refresh_from_db()
                state = derive_for(member)
                assert (member.status, member.org_id, member.flags) == (
                    state.status,
                    state.org_id,
                    state.flag_list,
                )
                assert member.derived == state_to_json(state)
                stored = sorted(
                    member.periods.values_list(
                        "org_id", "status", "valid_from", "valid_to", "temporary"
                    )
                )
                assert stored == sorted(
                    (p.org_id, p.status, p.valid_from, p.valid_to, p.temporary)
                    for p in state.periods
                )
            raise Rollback
    except Rollback:
        pass
