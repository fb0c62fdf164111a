"""core.bulk.insert_values and the rows it is given (issue 28, point 5, found by a review): a
column it does not know is refused, and the caller's rows are not changed by the defaults."""

from __future__ import annotations

import datetime as dt

import pytest

from dangvu.core import bulk
from dangvu.core.models import ChangeSet, Decision

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def test_a_column_the_table_lacks_is_refused_rather_than_left_to_its_default(world):
    row = {"number": "1-QĐ/HU", "date": dt.date(2021, 5, 1), "isuer": "Huyện ủy"}
    with pytest.raises(TypeError, match="isuer"):
        bulk.insert_values(Decision, [row])
    assert not Decision.objects.filter(number="1-QĐ/HU").exists()


def test_defaults_are_not_written_into_the_callers_rows_and_a_row_given_twice_gets_two_keys(world):
    row = {"actor_name": "Nguyễn Văn An", "reason": "hai lần"}
    keys = bulk.insert_values(ChangeSet, [row, row], returning_pk=True)
    assert len(set(keys)) == 2  # the key's default (uuid4) called for each row
    assert set(row) == {"actor_name", "reason", "created_at"}  # stamped, as bulk_create does
    stored = ChangeSet.objects.filter(pk__in=keys)
    assert sorted(stored.values_list("source", flat=True)) == ["web", "web"]
