"""Query-count guards (issue 9): the pages and writes that national scale repeats run a number of
queries that does not grow with the rows they show or write — no query per member."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangvu.evaluation.services import Proposal, ratings_decide, ratings_propose
from dangvu.rules.evaluation import HTTNV
from tests.conftest import admit, decision, sign_in
from tests.reports.conftest import event

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def queries(work):
    with CaptureQueriesContext(connection) as captured:
        work()
    return len(captured.captured_queries)


MIDDLE = ["Văn", "Hữu", "Minh", "Ngọc", "Thanh", "Đức"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hải", "Khoa"]


def more_members(world, count, start=0):
    return [
        admit(world.ph1, f"Võ {MIDDLE[n % 6]} {GIVEN[n // 6]}", birth=dt.date(1981, 1, 1 + n % 28))
        for n in range(start, start + count)
    ]


def rate(world, members, year):
    levels = dict.fromkeys(members, HTTNV)
    ratings = ratings_propose(
        cell=world.ph1,
        year=year,
        proposals=[Proposal(m, levels[m]) for m in members],
        actor=world.binh,
    )
    ratings_decide(
        deciding_org=world.phuoc_hai,
        year=year,
        levels=[(r, levels[r.member]) for r in ratings],
        decision=decision(dt.date(year, 12, 20), f"{year}-QĐ/ĐU", "Đảng ủy xã Phước Hải"),
        actor=world.an,
    )


def test_rating_a_cell_takes_the_same_queries_for_5_members_as_for_20(world):
    few = [world.members["hoa"], world.members["an"], *more_members(world, 3)]
    many = more_members(world, 20, start=3)
    rate(world, few[:1], 2020)  # warm the per-process lookups (calendar, rules)
    small = queries(lambda: rate(world, few, 2021))
    large = queries(lambda: rate(world, many, 2022))  # the same regulation (HD 21, 2019–2022)
    assert large == small, (small, large)


def test_the_member_list_and_a_member_page_do_not_query_per_row(world, client):
    sign_in(client, world.an)
    url = reverse("members:list")

    def page():
        assert client.get(url, {"org": world.province.code}).status_code == 200

    page()
    few = queries(page)
    more_members(world, 25)
    many = queries(page)
    # The roll of a province is read a few cells at a time (members/selectors._cell_by_cell): a
    # page spanning cells of other sizes may take a batch or two more, never a query per row.
    assert many - few <= 3, (few, many)

    hoa = world.members["hoa"]
    detail = reverse("members:detail", args=[hoa.pk])

    def member_page():
        assert client.get(detail).status_code == 200

    member_page()
    before = queries(member_page)
    for day in (dt.date(2012, 1, 5), dt.date(2014, 1, 5), dt.date(2016, 1, 5)):
        event(hoa, "temp_exemption", day, details={"until": day + dt.timedelta(days=90)})
        event(hoa, "temp_exemption_end", day + dt.timedelta(days=60))
    after = queries(member_page)
    assert after == before, (before, after)
