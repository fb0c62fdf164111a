"""core.labels.choice reads a choice's label as Django's get_<field>_display does, in the language
of the moment, from a table kept per language (a restructuring names thousands of records)."""

import datetime as dt

import pytest
from django.utils import translation

from dangvu.congress.models import Seat
from dangvu.core.labels import choice
from dangvu.members.models import EventKind, MembershipEvent

pytestmark = pytest.mark.once


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_label_as_django_gives_it_in_each_language(language):
    with translation.override(language):
        for kind, _label in EventKind.choices:
            event = MembershipEvent(kind=kind, on=dt.date(2025, 7, 1))
            assert choice(event, "kind") == str(event.get_kind_display())
        seat = Seat(body="standing")
        assert choice(seat, "body") == str(seat.get_body_display())


def test_the_language_of_the_moment_is_the_one_read():
    event = MembershipEvent(kind="admission", on=dt.date(2025, 7, 1))
    with translation.override("vi"):
        vietnamese = choice(event, "kind")
        assert str(event) == f"{vietnamese} 01/07/2025"
    with translation.override("en"):
        english = choice(event, "kind")
    assert vietnamese != english
    assert english == "Admission"


def test_a_value_outside_the_choices_reads_as_itself():
    assert choice(MembershipEvent(kind="no-such-kind"), "kind") == "no-such-kind"
