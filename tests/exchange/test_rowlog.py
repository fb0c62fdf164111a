"""The preview's log of a big import keeps its first rows only (issue 28, point 5): the entries it
keeps are those a sort of every entry would put first, and it counts them all."""

from __future__ import annotations

import random

import pytest

from dangvu.exchange.importing.base import RowLog

pytestmark = pytest.mark.once


def test_a_log_of_many_rows_keeps_the_first_ones_in_row_order_and_counts_them_all():
    rng = random.Random(28)
    # Rows in any order (a chunk's updates are logged after its creates; chunks could come in
    # any order) and some rows twice (an organisation created, then renamed): 5,000 entries,
    # 100 kept.
    numbers = list(range(2, 4002)) + rng.sample(range(2, 4002), 1000)
    rng.shuffle(numbers)
    log = RowLog(limit=100)
    entries = []
    for index, number in enumerate(numbers):
        entry = {"row": number, "action": "create", "label": f"n{index}", "changes": {}}
        entries.append(entry)
        log.append(entry)
    log.sort_by_row()
    assert len(log) == 5000
    expected = sorted(entries, key=lambda e: e["row"])[:100]
    assert log[:] == expected and list(log) == expected
    assert log[0] == expected[0] and log[99]["row"] == expected[99]["row"]


def test_a_short_log_keeps_every_entry():
    log = RowLog(limit=100)
    for number in (5, 3, 4):
        log.append({"row": number, "action": "update", "label": "x", "changes": {"a": [1, 2]}})
    log.sort_by_row()
    assert len(log) == 3 and [e["row"] for e in log] == [3, 4, 5]
    assert log[0]["changes"] == {"a": [1, 2]}
