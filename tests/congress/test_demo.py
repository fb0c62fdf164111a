"""The demo's congresses and committees (issue 25, point 8) and the bar: the composition figures of
every committee of the demo equal an independent count over the members' records."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.db.models import Q

from dangvu.congress import selectors
from dangvu.congress.models import Congress, Election, Seat, Term
from dangvu.core.dates import add_months
from dangvu.orgs.models import Lineage, Organisation, Placement, valid_on
from dangvu.rules import congress as rules

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def months_between(a: dt.date, b: dt.date) -> int:
    """Whole months from a to b, counted by hand (not core.dates)."""
    n = (b.year - a.year) * 12 + b.month - a.month
    if b.day < a.day and add_months(a, n) > b:
        n -= 1
    return max(n, 0)


def independent(term: Term) -> dict[str, int] | None:
    """The committee's figures read straight from the records."""
    executive = Seat.objects.filter(term=term, body=rules.EXECUTIVE)
    if not executive.exists():
        return None
    congress = Congress.objects.filter(term=term).first()
    appointed = executive.filter(how=rules.APPOINTED).exists()
    day = congress.closes_on if congress and not appointed else min(s.since for s in executive)
    sitting = executive.filter(since__lte=day).filter(Q(until__isnull=True) | Q(until__gt=day))
    people = [s.member.person for s in sitting.select_related("member__person")]
    kind = Placement.objects.filter(valid_on(day), org=term.org).first().kind
    directive = rules.CT45_2025 if day >= dt.date(2025, 4, 14) else rules.CT35_2019
    if directive is rules.CT45_2025:
        # DOMAIN.md §16.3: grassroots 4/2025, level above grassroots 6/2025, commune and ward
        # 7/2025, directly under the Centre 9/2025.
        reference = {
            "provincial": dt.date(2025, 9, 1),
            "commune_superior": dt.date(2025, 7, 1),
            "district": dt.date(2025, 6, 1),
            "block": dt.date(2025, 6, 1),
        }.get(kind, dt.date(2025, 4, 1))
        young_age = 42
    else:
        reference, young_age = day, 40
    predecessors = {term.org_id} | set(
        Lineage.objects.filter(successor=term.org).values_list("predecessor_id", flat=True)
    )
    before = set(
        Seat.objects.filter(
            org_id__in=predecessors, body=rules.EXECUTIVE, term__first_year__lt=term.first_year
        ).values_list("member_id", flat=True)
    )
    ids = [s.member_id for s in sitting]

    def age(birth: dt.date) -> int:
        return (
            reference.year
            - birth.year
            - ((reference.month, reference.day) < (birth.month, birth.day))
        )

    return {
        "size": len(people),
        "women": sum(1 for p in people if p.sex == "F"),
        "young": sum(1 for p in people if age(p.birth_date) < young_age),
        "minority": sum(1 for p in people if p.ethnicity not in ("01", "56")),
        "renewal": sum(1 for m in ids if m not in before),
        "science": sitting.filter(science=True).values("member_id").distinct().count(),
    }


def test_every_committee_of_the_demo_against_an_independent_count(demo):
    terms = list(Term.objects.select_related("org").order_by("pk"))
    compared = 0
    for term in terms:
        expected = independent(term)
        if expected is None:
            continue
        found = selectors.composition_of(term.org, term, locality=False)
        assert found is not None
        figures = {f.key: f.count for f in found.figures}
        if term.first_year == 2020:
            expected.pop("science")  # CT 35/2019 names no share for it
        assert {k: figures[k] for k in expected} == expected, term
        compared += 1
    # 2020 and 2025: the grassroots organisations, the districts and blocks, the provinces (335
    # committees in the tests' demo).
    assert compared > 300
    assert {t.first_year for t in terms} >= {2020, 2025}


def test_the_rounds_of_2020_and_2025(demo):
    first = Term.objects.filter(first_year=2020)
    second = Term.objects.filter(first_year=2025)
    assert first.count() > 400 and second.count() > 300
    # A few held late in 2020: July for grassroots (deadline 30/6/2020), one district in September.
    late = Congress.objects.filter(
        term__first_year=2020,
        closes_on__gt=dt.date(2020, 6, 30),
        org__kind__in=("grassroots_committee", "grassroots_cell"),
    )
    assert 0 < late.count() < 40
    # The commune and ward committees of the reform: appointed, two contents, 27–33 members.
    communes = Term.objects.filter(first_year=2025, org__kind="commune_superior")
    assert communes.count() >= 20
    for term in communes:
        congress = Congress.objects.get(term=term)
        assert congress.appointed and congress.contents == rules.MERGED_CONTENTS
        size = Seat.objects.filter(
            term=term, body=rules.EXECUTIVE, since__lte=congress.closes_on
        ).count()
        assert 27 <= size <= 33
        assert Seat.objects.filter(term=term, body=rules.DEPUTY).count() == 2
    # Most committees meet CT 45, a few do not.
    board = selectors.board(Organisation.objects.get(code="TU-KH"), 2025, dt.date(2025, 12, 31))
    verdicts = Counter(r.composition.met for r in board["rows"] if r.composition is not None)
    assert verdicts[True] > verdicts[False] > 0
    # By-elections during the term, and members who left their seat with the reason.
    assert Election.objects.filter(how=rules.BY_ELECTION, status="approved").exists()
    reasons = Counter(Seat.objects.exclude(left_reason="").values_list("left_reason", flat=True))
    assert reasons["term_end"] > 0 and reasons["restructured"] > 0
    assert reasons["died"] + reasons["transferred"] > 0
    # The district committees elected their delegates to the provincial congress (point 5).
    assert Seat.objects.filter(body=rules.DELEGATE, term__first_year=2020).count() > 100
