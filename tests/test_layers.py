"""The shared states of the test database (tests/layers.py): what a test writes is undone for the
next, a test that commits gets an empty database, and the objects handed out are the test's own."""

from __future__ import annotations

import datetime as dt

import pytest

from dangvu.accounts.models import User
from dangvu.orgs.models import Organisation
from dangvu.tree.services import org_rename
from tests.conftest import decision, make_org

# Run in this order on one worker: the second and third test read what the first left.
pytestmark = [pytest.mark.both_databases, pytest.mark.xdist_group("layers")]
FIRST_RAN: list[bool] = []


def test_a_test_changes_the_world_in_the_database_and_in_memory(world):
    org_rename(
        org=world.ph1,
        name="Chi bộ Đã Đổi Tên",
        on=dt.date(2026, 1, 5),
        decision=decision(dt.date(2026, 1, 5)),
        actor=world.an,
    )
    make_org("PH-3", "Chi bộ Thôn Mới", "cell", world.phuoc_hai)
    User.objects.filter(username="dung").update(first_name="Khác")
    world.ph1.code = "ĐỔI"
    world.members.clear()
    assert Organisation.objects.get(code="PH-1").name == "Chi bộ Đã Đổi Tên"
    assert Organisation.objects.filter(code="PH-3").exists()
    FIRST_RAN.append(True)


def test_the_next_test_finds_the_world_as_it_was_built(world):
    if not FIRST_RAN:
        pytest.skip("reads what the previous test of this module left; run the module")
    assert Organisation.objects.get(code="PH-1").name == "Chi bộ Thôn Phước Lập"
    assert not Organisation.objects.filter(code="PH-3").exists()
    assert User.objects.get(username="dung").first_name == "Dung"
    assert world.ph1.code == "PH-1" and set(world.members) == {"hoa", "an", "thanh", "son"}


def test_a_test_that_commits_finds_an_empty_database(transactional_db):
    if not FIRST_RAN:
        pytest.skip("reads what the first test of this module left; run the module")
    assert not Organisation.objects.exists() and not User.objects.exists()
