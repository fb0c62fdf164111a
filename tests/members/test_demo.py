"""The demo province: shaped like Ninh Thuận, deterministic for a seed."""

import datetime as dt

import pytest
from django.db import transaction

from dangvu.demo.province import DemoBuilder
from dangvu.members.models import Person
from dangvu.orgs.models import Organisation

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


class Rollback(Exception):
    pass


def build_and_fingerprint(seed: int) -> tuple[list, list]:
    try:
        with transaction.atomic():
            # One district of each province: the seed decides the same things at any size.
            # One district of each province: the seed decides the same things at any size. To
            # the end of July 2025: through the reform of 1/7/2025.
            DemoBuilder(seed=seed, scale=0.05, ratings=False, districts=1).build(
                history_until=dt.date(2025, 7, 31)
            )
            people = list(
                Person.objects.order_by("citizen_id", "full_name", "birth_date").values_list(
                    "full_name", "birth_date", "citizen_id", "ethnicity", "sex"
                )
            )
            orgs = list(
                Organisation.objects.order_by("code").values_list("code", "name", "kind", "path")
            )
            raise Rollback
    except Rollback:
        return people, [o[:3] for o in orgs]


def test_same_seed_gives_the_same_province_and_another_seed_another(db):
    first = build_and_fingerprint(11)
    assert first == build_and_fingerprint(11)
    other = build_and_fingerprint(12)
    assert other[1] != first[1] or other[0] != first[0]
    assert ("TU-NT", "Đảng bộ tỉnh Ninh Thuận", "provincial") in first[1]
    assert ("TU-KH", "Đảng bộ tỉnh Khánh Hòa", "provincial") in first[1]  # the reform of 1/7/2025


def test_the_full_shape_matches_the_brief(demo_2023):
    """The shared demo (tests/layers.py) holds the whole tree."""
    nt = Organisation.objects.filter(path__startswith=Organisation.objects.get(code="TU-NT").path)
    kinds = ("district", "block", "grassroots_committee", "grassroots_cell", "cell")
    by_kind = {k: nt.filter(kind=k).count() for k in kinds}
    assert by_kind["district"] == 7
    assert 400 <= by_kind["grassroots_committee"] + by_kind["grassroots_cell"] <= 460
    assert 1150 <= by_kind["cell"] <= 1350
    ethnic = set(Person.objects.values_list("ethnicity", flat=True))
    assert {"01", "17", "21"} <= ethnic  # Kinh, Chăm, Raglai
