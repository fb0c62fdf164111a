"""One entry per lifecycle event kind (issue 22, point 3): every kind the model knows has its entry,
the engine a handler for it, and the form, the service, the menu, the reports and the privacy list
read it from the entry — not from lists of their own."""

from __future__ import annotations

import pytest

from dangvu.accounts import privacy
from dangvu.members import event_forms, events, kinds, lifecycle
from dangvu.members.models import EventKind
from dangvu.reports import indicators

pytestmark = pytest.mark.once


def test_every_kind_has_its_entry_and_its_handler() -> None:
    assert set(kinds.KINDS) == set(EventKind.values)
    for code in kinds.KINDS:
        assert hasattr(lifecycle._Engine, f"on_{code}"), code


def test_the_doors_read_the_entry() -> None:
    assert kinds.without_decision() == events.NO_DECISION
    assert {"ceremony", "death", "transfer_in", "temp_transfer_in", "temp_transfer_end"} == (
        events.NO_DECISION
    )
    assert indicators.ENTRY_KINDS == ("admission", "readmission", "restoration", "transfer_in")
    assert indicators.EXIT_KINDS == ("death", "expulsion", "removal", "resignation", "transfer_out")
    assert (*indicators.ENTRY_KINDS, "temp_transfer_in") == indicators.ARRIVALS
    assert {"expulsion", "suspension", "suspension_end"} == privacy.SENSITIVE_EVENT_KINDS
    # A kind recorded elsewhere is never offered on the member page.
    assert not {"admission", "expulsion", "reassignment"} & set(kinds.offered())
    form = event_forms.event_form("temp_transfer_out")
    assert {"on", "until", "purpose", "to_org", "decision_number"} <= set(form.fields)
    assert "decision_number" not in event_forms.event_form("ceremony").fields


def test_a_new_kind_is_one_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    """What an entry gives each door, shown on a made-up kind: its form field and its place."""
    from django import forms

    entry = kinds.Kind("trial_kind", fields=lambda: {"x": forms.CharField()}, menu=99)
    monkeypatch.setitem(kinds.KINDS, "trial_kind", entry)
    assert "x" in kinds.fields_of("trial_kind")
    assert kinds.offered()[-1] == "trial_kind"
