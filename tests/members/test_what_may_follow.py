"""What may come next is the engine's answer, not a second copy of its rules (issue 22, point 3).

Worked by hand for Hoa, an official member of PH-1 (DOMAIN.md §4.5, §4.6, §4.7, §4.11):
- in her cell: a transfer out or a temporary one, an exemption, a temporary exemption or a
  suspension, removal, resignation or death — never a transfer in, a restoration or a re-admission;
- with her introduction letter issued to TS-1 and not yet presented: only the transfer in (to TS-1),
  or leaving the Party (not presenting the letter is itself a ground for removal) — no exemption,
  no temporary transfer, until the letter is presented;
- on a temporary transfer received by the host cell: only its end (a second reception is refused —
  a rule the menu used to hold and the engine did not).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from dangvu.members import following, lifecycle
from dangvu.members.event_views import available_events
from dangvu.members.events import event_record, facts_of
from dangvu.members.models import PartyMember
from tests.conftest import decision

pytestmark = pytest.mark.both_databases


def offered(member: PartyMember) -> set[str]:
    member.refresh_from_db()
    return {kind for kind, _label in available_events(member)}


def test_the_member_page_offers_what_the_engine_accepts(world):
    hoa = world.members["hoa"]
    assert offered(hoa) == {
        "transfer_out", "temp_transfer_out", "exemption", "temp_exemption", "suspension",
        "removal", "resignation", "death",
    }  # fmt: skip

    event_record(
        member=hoa,
        kind="transfer_out",
        on=dt.date(2026, 3, 2),
        org=world.ts1,
        actor=None,
        check_scope=False,
        decision=decision(dt.date(2026, 3, 2), number="7-QĐ/ĐU"),
    )
    assert offered(hoa) == {"transfer_in", "removal", "resignation", "death"}
    with translation.override("en"), pytest.raises(Exception, match="not in a party cell kept"):
        event_record(
            member=hoa,
            kind="suspension",
            on=dt.date(2026, 3, 9),
            actor=None,
            check_scope=False,
            decision=decision(dt.date(2026, 3, 9), number="8-QĐ/ĐU"),
            details={"until": "2026-06-09"},
        )
    event_record(
        member=hoa, kind="transfer_in", on=dt.date(2026, 3, 10), org=world.ts1, actor=None,
        check_scope=False,
    )  # fmt: skip
    assert "transfer_in" not in offered(hoa) and "transfer_out" in offered(hoa)


def test_a_temporary_transfer_is_received_once(world):
    son = world.members["son"]
    event_record(
        member=son,
        kind="temp_transfer_out",
        on=dt.date(2026, 2, 2),
        actor=None,
        check_scope=False,
        details={"until": dt.date(2026, 9, 2), "purpose": "work"},
        decision=decision(dt.date(2026, 2, 2), number="9-QĐ/ĐU"),
    )
    assert {"temp_transfer_in", "temp_transfer_end"} <= offered(son)
    event_record(
        member=son, kind="temp_transfer_in", on=dt.date(2026, 2, 9), org=world.ts1, actor=None,
        check_scope=False, check_org=False,
    )  # fmt: skip
    assert "temp_transfer_in" not in offered(son) and "temp_transfer_end" in offered(son)
    facts = facts_of(son)
    with translation.override("en"), pytest.raises(lifecycle.LifecycleError, match="already"):
        lifecycle.derive([*facts, lifecycle.Fact("temp_transfer_in", dt.date(2026, 3, 1), 99)])


def _tried_one_by_one(facts, on, kinds):
    """What may follow, as issue 22 first wrote it: the facts replayed with each kind tried."""
    try:
        state = lifecycle.derive(facts)
    except lifecycle.LifecycleError:
        return []
    day = max([on, *(f.on for f in facts)])
    allowed = []
    for kind in kinds:
        try:
            lifecycle.derive([*facts, following._trial(kind, state, day)])
        except lifecycle.LifecycleError:
            continue
        allowed.append(kind)
    return allowed


@pytest.mark.django_db
def test_trying_on_the_replayed_state_answers_as_replaying_for_each_try(demo):
    # The member page tries each kind on one replay of the facts (lifecycle.Replayed) instead of
    # replaying them for each (issue 28). Every member of the demo — admitted, probationary,
    # transferred, on temporary transfer, exempted, suspended, removed, expelled, dead,
    # re-admitted — on the day, before the last fact, and years later: the same answers.
    from dangvu.members import kinds

    offered = kinds.offered()
    members = list(PartyMember.objects.order_by("pk"))
    assert len(members) > 300
    seen_kinds: set[str] = set()
    for member in members:
        facts = facts_of(member)
        seen_kinds |= {f.kind for f in facts}
        last = max((f.on for f in facts), default=dt.date(2025, 12, 31))
        for on in (
            dt.date(2025, 12, 31),
            last - dt.timedelta(days=40),
            last + dt.timedelta(days=900),
        ):
            assert following.may_follow(facts, on, offered) == _tried_one_by_one(
                facts, on, offered
            ), (
                member.pk,
                on,
            )
    assert {"admission", "recognition", "transfer_out", "transfer_in", "death"} <= seen_kinds
