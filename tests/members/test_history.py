"""The demo's history obeys the rules, and closed periods stay closed (DESIGN.md principle 1)."""

import datetime as dt

import pytest

from dangvu.members.events import derive_for, state_to_json
from dangvu.members.models import MembershipEvent, PartyMember
from dangvu.members.selectors import stats
from dangvu.orgs.models import Organisation
from tests.layers import record_on

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]
CODES = ("TU-NT", "NT-NP", "NT-BA", "NT-KCQ", "NT-PRTC")
DAY = dt.date(2023, 12, 31)


@record_on("demo_2023")
def figures():
    return {code: stats(Organisation.objects.get(code=code), DAY) for code in CODES}


@record_on("demo_2023")
def events_recorded():
    return MembershipEvent.objects.count()


def test_counts_as_of_31_12_2023_are_unchanged_by_the_events_of_2024_and_2025(demo, recorded):
    """The shared demo (tests/layers.py) to 31/12/2025, against what it counted when its history
    had reached 31/12/2023."""
    assert MembershipEvent.objects.filter(on__gt=DAY).count() > 0
    assert MembershipEvent.objects.count() > recorded(events_recorded)
    assert figures() == recorded(figures)
    assert sum(demo.history.refused.values()) <= sum(demo.history.applied.values()) * 0.02


def test_the_history_holds_every_kind_of_event_and_rebuilding_gives_the_stored_state(demo):
    kinds = set(MembershipEvent.objects.values_list("kind", flat=True))
    assert {
        "admission",
        "ceremony",
        "recognition",
        "transfer_out",
        "transfer_in",
        "death",
        "exemption",
        "removal",
    } <= kinds
    admitted_2023 = MembershipEvent.objects.filter(kind="admission", on__year=2023).count()
    assert 20 <= admitted_2023 <= 110  # about 800 a year at scale 1
    for member in PartyMember.objects.filter(events__on__gte=dt.date(2019, 1, 1)).distinct()[:300]:
        state = derive_for(member)
        assert state.status == member.status and state.org_id == member.org_id
        assert state_to_json(state) == member.derived
        stored = sorted(
            member.periods.values_list("org_id", "status", "valid_from", "valid_to", "temporary")
        )
        assert stored == sorted(
            (p.org_id, p.status, p.valid_from, p.valid_to, p.temporary) for p in state.periods
        )
