"""Figures of a closed period do not move when the tree is restructured later (issue 8 bar;
DOMAIN.md §10): every indicator for 2023 and on 31/12/2023, before and after the reform of
1/7/2025 of the demo province, for the province, districts, a commune and a block."""

from __future__ import annotations

import datetime as dt

import pytest

from dangvu.orgs.models import Organisation
from dangvu.reports.indicators import Scope, compute_all
from tests.layers import record_on

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]
CODES = ("TU-NT", "TU-KHC", "NT-NP", "NT-BA", "NT-KCQ")


@record_on("demo_before_reform")
def figures():
    out = {}
    for code in CODES:
        org = Organisation.objects.get(code=code)
        out[(code, "2023")] = compute_all(Scope.year(org, 2023))
        out[(code, "2024-06-30")] = compute_all(Scope.as_of(org, dt.date(2024, 6, 30)))
    return out


def test_every_indicator_of_2023_is_the_same_after_the_2025_reform(demo, recorded):
    """The shared demo (tests/layers.py) to 31/12/2025, the reform of 1/7/2025 applied on the way,
    against every indicator read when its history had reached 30/6/2025."""
    before = recorded(figures)
    province = before[("TU-NT", "2023")]
    assert province["members.total"] > 300 and province["admitted.total"] > 0
    assert province["ratings.members.rated"] > 0 and province["orgs.all.grassroots"] > 0
    assert demo.history.reformed
    assert Organisation.objects.get(code="NT-NP").dissolved_on == dt.date(2025, 7, 1)
    assert figures() == before
    # …while 2025 is counted in the new tree: the new province holds the old one's members.
    kh = Organisation.objects.get(code="TU-KH")
    assert (
        compute_all(Scope.year(kh, 2025), ("members",))["members.total"] > province["members.total"]
    )
