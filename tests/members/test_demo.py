"""The demo province: shaped like Ninh Thuận, deterministic for a seed."""

import datetime as dt

import pytest
from django.db import transaction

from dangvu.core.changes import open_change_set
from dangvu.core.models import ChangeSet
from dangvu.demo.province import DemoBuilder
from dangvu.members.models import Person
from dangvu.members.selectors import stats
from dangvu.orgs.models import Organisation, Placement, valid_on

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


CLOSED = dt.date(2023, 12, 31)


class Rollback(Exception):
    pass


def closed_figures() -> dict:
    """The figures of 31/12/2023 of every province and district of that day."""
    return {
        p.org.code: stats(p.org, CLOSED)
        for p in Placement.objects.filter(valid_on(CLOSED), kind__in=("provincial", "district"))
        .select_related("org")
        .order_by("org__code")
    }


def build_and_fingerprint(seed: int) -> tuple[list, list]:
    """One district of each province, to 31/12/2023, then on to the end of July 2025 (through the
    reform of 1/7/2025): what the seed decided, and on the way the figures of 31/12/2023 read
    before and after the later events (closed periods stay closed on this seed too)."""
    try:
        with transaction.atomic():
            builder = DemoBuilder(seed=seed, scale=0.05, ratings=False, districts=1)
            builder.build(history_until=CLOSED)
            closed = closed_figures()
            assert len(closed) == 4 and closed["TU-NT"]["members.total"] > 100
            builder.advance(dt.date(2025, 7, 31))
            assert closed_figures() == closed, seed
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


def tree_fingerprint(seed: int) -> list:
    """The whole tree of both provinces as a seed draws it (no members)."""
    try:
        with transaction.atomic():
            builder = DemoBuilder(seed=seed)
            builder.changeset = open_change_set(
                actor=None, reason="Dữ liệu mẫu", source=ChangeSet.Source.SYSTEM
            )
            builder.build_tree()
            orgs = list(
                Organisation.objects.order_by("code").values_list(
                    "code", "name", "kind", "category", "parent__code"
                )
            )
            raise Rollback
    except Rollback:
        return orgs


@pytest.mark.once  # the builder's draws do not depend on the database; its PostgreSQL build is
# exercised by the demo fixture and the backup's round trip there.
def test_same_seed_gives_the_same_province_and_another_seed_another(db):
    first = build_and_fingerprint(11)
    assert first == build_and_fingerprint(11)
    other = build_and_fingerprint(12)
    assert other[1] != first[1] or other[0] != first[0]
    assert ("TU-NT", "Đảng bộ tỉnh Ninh Thuận", "provincial") in first[1]
    assert ("TU-KH", "Đảng bộ tỉnh Khánh Hòa", "provincial") in first[1]  # the reform of 1/7/2025
    # The whole tree, blocks included, of the seed `make run` uses.
    tree = tree_fingerprint(2024)
    assert tree == tree_fingerprint(2024) and len(tree) > 1800


def test_the_full_shape_matches_the_brief(demo_2023):
    """The shared demo (tests/layers.py) holds the whole tree."""
    nt = Organisation.objects.filter(path__startswith=Organisation.objects.get(code="TU-NT").path)
    kinds = ("district", "block", "grassroots_committee", "grassroots_cell", "cell")
    by_kind = {k: nt.filter(kind=k).count() for k in kinds}
    assert by_kind["district"] == 7
    assert 400 <= by_kind["grassroots_committee"] + by_kind["grassroots_cell"] <= 460
    assert 1150 <= by_kind["cell"] <= 1350
    # Among the members admitted before 2019 (the history adds others).
    baseline = Person.objects.filter(membership__first_admission_date__lt=dt.date(2019, 1, 1))
    ethnic = set(baseline.values_list("ethnicity", flat=True))
    assert {"01", "17", "21"} <= ethnic  # Kinh, Chăm, Raglai


def test_a_refused_event_takes_its_new_decision_with_it(demo_2023):
    """A demo event refused by the rules rolls back the decision written for it; the builder must
    not hand that decision to a later event (PostgreSQL refused the whole month at COMMIT: the
    demo at scale 1 could not be built on it)."""
    from django.core.exceptions import ValidationError

    from dangvu.core.models import Decision
    from dangvu.demo.history import Planned

    history = demo_2023.history
    cell = history.cells[0][0]
    day = dt.date(2024, 1, 15)

    def refused(on):
        history._decision(cell, on)  # a decision no earlier event of that issuer and day had
        raise ValidationError("refused by the rules")

    history.do_test_refusal = refused
    with transaction.atomic():
        history._apply(Planned(day, 0, "test_refusal"))
        decision = history._decision(cell, day)  # what the next event that day is given
        assert Decision.objects.filter(pk=decision.pk).exists()
    assert history.refused["test_refusal"] == 1
