"""The demo's history obeys the rules, and closed periods stay closed (DESIGN.md principle 1)."""

import datetime as dt

import pytest

from dangvu.demo.province import DemoBuilder
from dangvu.members.events import derive_for, state_to_json
from dangvu.members.models import MembershipEvent, PartyMember
from dangvu.members.selectors import stats
from dangvu.orgs.models import Organisation

pytestmark = pytest.mark.django_db
CODES = ("TU-NT", "NT-NP", "NT-BA", "NT-KCQ", "NT-PRTC")
DAY = dt.date(2023, 12, 31)


def figures():
    return {code: stats(Organisation.objects.get(code=code), DAY) for code in CODES}


def test_counts_as_of_31_12_2023_are_unchanged_by_the_events_of_2024_and_2025(db):
    builder = DemoBuilder(seed=5, scale=0.05, ratings=False)
    builder.build(history_until=DAY)
    before = figures()
    events_before = MembershipEvent.objects.count()
    builder.history.run(dt.date(2024, 1, 1), dt.date(2025, 12, 31))
    assert MembershipEvent.objects.filter(on__gt=DAY).count() > 0
    assert MembershipEvent.objects.count() > events_before
    assert figures() == before
    assert sum(builder.history.refused.values()) <= sum(builder.history.applied.values()) * 0.02


def test_the_history_holds_every_kind_of_event_and_rebuilding_gives_the_stored_state(db):
    builder = DemoBuilder(seed=9, scale=0.08, ratings=False)
    builder.build(history_until=dt.date(2025, 12, 31))
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
