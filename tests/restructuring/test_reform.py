"""The demo province goes through the reform of 1/7/2025 as a plan (DOMAIN.md §10.3)."""

import datetime as dt

import pytest

from dangvu.members.models import MembershipPeriod
from dangvu.members.selectors import stats
from dangvu.orgs.models import Lineage, Organisation, Placement, valid_on
from tests.layers import record_on

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]
CLOSED = (dt.date(2023, 12, 31), dt.date(2024, 12, 31))
CODES = ("TU-NT", "TU-KHC", "NT-NP", "NT-BA", "NT-KCQ", "KH-NTR")


@record_on("demo_before_reform")
def figures():
    return {
        (code, day): stats(Organisation.objects.get(code=code), day)
        for code in CODES
        for day in CLOSED
    }


def test_the_reform_keeps_2023_and_2024_and_puts_every_member_under_tu_kh(demo, recorded):
    """The shared demo (tests/layers.py) to 31/12/2025, the reform of 1/7/2025 applied on the way,
    against the figures read when its history had reached 30/6/2025."""
    assert demo.history.reformed
    assert figures() == recorded(figures)
    end = dt.date(2025, 12, 31)
    kh = Organisation.objects.get(code="TU-KH")
    in_list = MembershipPeriod.objects.filter(valid_on(end), temporary=False).count()
    assert in_list > 0 and stats(kh, end)["members.total"] == in_list
    assert not Placement.objects.filter(valid_on(end), kind="district").exists()
    for code in ("TU-NT", "TU-KHC"):
        old = Organisation.objects.get(code=code)
        assert old.dissolved_on == dt.date(2025, 7, 1)
        assert Lineage.objects.filter(
            predecessor=old, successor=kh, relation="merged_into"
        ).exists()
    communes = Placement.objects.filter(valid_on(end), parent=kh, kind="commune_superior").count()
    assert 20 <= communes <= 30
    day_before = dt.date(2025, 6, 30)
    assert stats(kh, dt.date(2025, 7, 1))["members.total"] == sum(
        stats(Organisation.objects.get(code=c), day_before)["members.total"]
        for c in ("TU-NT", "TU-KHC")
    )
