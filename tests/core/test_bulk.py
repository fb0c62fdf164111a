"""core.bulk: many rows inserted with the same values the ORM would have written."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import transaction

from dangvu.core import bulk
from dangvu.core.changes import log_values, open_change_set
from dangvu.core.models import ChangeLogEntry, Decision
from dangvu.members.models import MembershipEvent

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def test_insert_values_fills_defaults_converts_and_returns_keys_in_order(world):
    member = world.members["hoa"]
    with transaction.atomic():
        changeset = open_change_set(actor=None, reason="bulk test")
        rows = [
            {
                "member_id": member.pk,
                "kind": "ceremony" if n % 2 else "admission",
                "on": dt.date(2001, 1, 1) + dt.timedelta(days=n),
                "org_id": world.ph1.pk if n % 3 == 0 else None,
                "details": {"n": n, "name": "Nguyễn Thị Hoà"} if n % 5 == 0 else {},
                "changeset_id": changeset.pk,  # a UUID key, converted on SQLite
            }
            for n in range(2500)  # more than one statement's worth of rows
        ]
        keys = bulk.insert_values(MembershipEvent, rows, returning_pk=True)
    assert len(keys) == 2500 and len(set(keys)) == 2500
    stored = {e.pk: e for e in MembershipEvent.objects.filter(pk__in=keys)}
    for key, row in zip(keys, rows, strict=True):
        event = stored[key]
        assert (event.kind, event.on, event.org_id, event.details) == (
            row["kind"],
            row["on"],
            row["org_id"],
            row["details"],
        )
        assert event.changeset_id == changeset.pk
        assert event.voided_by_id is None  # missing → the field's default
        assert event.recorded_at is not None  # auto_now_add stamped


def test_insert_instances_sets_keys_and_resolves_unsaved_relations(world):
    with transaction.atomic():
        changeset = open_change_set(actor=None, reason="bulk test")
        decisions = [
            Decision(number=f"{n}-QĐ/TU", date=dt.date(2020, 1, 1), issuer="Tỉnh ủy")
            for n in range(3)
        ]
        bulk.insert(decisions, returning_pk=True)
        assert all(d.pk for d in decisions) and not decisions[0]._state.adding
        events = [
            MembershipEvent(
                member=world.members["hoa"],
                kind="admission",
                on=d.date,
                decision=d,
                changeset=changeset,
            )
            for d in decisions
        ]
        bulk.insert(events, returning_pk=True)
        bulk.insert_values(
            ChangeLogEntry,
            [log_values(changeset, action="test.bulk", obj=e, after={"on": e.on}) for e in events],
        )
    assert sorted(
        MembershipEvent.objects.filter(pk__in=[e.pk for e in events]).values_list(
            "decision__number", flat=True
        )
    ) == ["0-QĐ/TU", "1-QĐ/TU", "2-QĐ/TU"]
    entries = ChangeLogEntry.objects.filter(action="test.bulk")
    assert entries.count() == 3
    assert {e.after["on"] for e in entries} == {"2020-01-01"}
    assert all(isinstance(e.changeset_id, uuid.UUID) for e in entries)


def test_new_keys_come_after_every_key_given_before_even_a_deleted_one(world):
    """SQLite gets its keys from `insert_values` itself (issue 28, point 5: one prepared INSERT
    for every row, keys not read back); like AUTOINCREMENT and PostgreSQL's sequence, it never
    gives a deleted row's key again, and the ORM's next key comes after them."""
    day = dt.date(2021, 5, 1)
    last = Decision.objects.create(number="9-QĐ/TU", date=day, issuer="Tỉnh ủy")
    Decision.objects.filter(pk=last.pk).delete()
    rows = [{"number": f"{n}-QĐ/HU", "date": day, "issuer": "Huyện ủy"} for n in range(3)]
    keys = bulk.insert_values(Decision, rows, returning_pk=True)
    assert len(set(keys)) == 3 and min(keys) > last.pk
    stored = dict(Decision.objects.filter(pk__in=keys).values_list("pk", "number"))
    assert [stored[k] for k in keys] == ["0-QĐ/HU", "1-QĐ/HU", "2-QĐ/HU"]
    after = Decision.objects.create(number="10-QĐ/TU", date=day, issuer="Tỉnh ủy")
    assert after.pk > max(keys)


def test_nothing_to_insert():
    assert bulk.insert_values(Decision, []) == []
    assert bulk.insert([]) == []


def test_update_writes_the_fields_named_of_each_row_and_no_other(world):
    """`bulk.update` as `bulk_update`: dates, keys, JSON and text of each row written, other
    fields and other rows untouched."""
    from dangvu.members.models import PartyMember

    hoa, an = world.members["hoa"], world.members["an"]
    others = {
        m.pk: (m.org_id, m.official_date, m.flags, m.card_number)
        for m in PartyMember.objects.exclude(pk__in=[hoa.pk, an.pk])
    }
    card_of_an = an.card_number
    hoa.official_date, hoa.flags, hoa.card_number = dt.date(2011, 2, 3), ["x", "y"], "999"
    an.official_date, an.flags, an.org_id = None, [], hoa.org_id
    an.card_number = "not written"
    assert bulk.update([hoa, an], ["official_date", "flags", "org"]) == 2
    hoa_now, an_now = (PartyMember.objects.get(pk=m.pk) for m in (hoa, an))
    assert (hoa_now.official_date, hoa_now.flags) == (dt.date(2011, 2, 3), ["x", "y"])
    assert hoa_now.card_number != "999"
    assert (an_now.official_date, an_now.flags, an_now.org_id) == (None, [], hoa.org_id)
    assert an_now.card_number == card_of_an
    assert {
        m.pk: (m.org_id, m.official_date, m.flags, m.card_number)
        for m in PartyMember.objects.exclude(pk__in=[hoa.pk, an.pk])
    } == others
    assert bulk.update([], ["flags"]) == 0


def test_update_in_chunks_writes_a_row_given_twice_as_last_given(world, monkeypatch):
    """Many rows go in chunks (on PostgreSQL as arrays joined by key); an instance given twice
    ends as the later copy says, as one statement a row would leave it."""
    from dangvu.members.models import PartyMember

    monkeypatch.setattr(bulk, "_ROWS_PER_ARRAY", 2)
    members = list(PartyMember.objects.order_by("pk")[:4])
    assert len(members) == 4
    for index, member in enumerate(members):
        member.dossier_number = f"HS-{index}"
    again = PartyMember.objects.get(pk=members[0].pk)
    again.dossier_number = "HS-last"
    assert bulk.update([members[0], again, *members[1:]], ["dossier_number"]) == 5
    assert dict(
        PartyMember.objects.filter(pk__in=[m.pk for m in members]).values_list(
            "pk", "dossier_number"
        )
    ) == {m.pk: ("HS-last" if m.pk == again.pk else m.dossier_number) for m in members}
