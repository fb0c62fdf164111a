"""The demo's inspection work (issue 27 point 9) and the bar: the statistics of the demo province
for a year equal an independent computation over its records, the merged province of 2025
answering for 2024 through the two it was formed from."""

from __future__ import annotations

import datetime as dt

import pytest

from dangvu.discipline.models import DisciplineDecision
from dangvu.inspection import selectors
from dangvu.inspection.models import Case, Complaint, Denunciation, Programme
from dangvu.orgs.models import Organisation, Placement
from dangvu.rules import discipline as penalties
from dangvu.rules import inspection as rules

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

YEAR = 2024


def _under_province(org_id: int, day: dt.date) -> bool:
    """Whether the organisation lay, on the day, under one of the provinces TU-KH was formed from
    (read from the placements by hand, not through the lineage code)."""
    own = Placement.objects.filter(org_id=org_id, valid_from__lte=day).exclude(valid_to__lte=day)
    roots = Placement.objects.filter(org__kind="provincial", valid_from__lte=day).exclude(
        valid_to__lte=day
    )
    paths = [p.path for p in roots]
    return any(p.path.startswith(root) for p in own for root in paths)


def test_discipline_follows_cases_and_the_registers_are_there(demo):
    expulsions = DisciplineDecision.objects.filter(form=penalties.EXPULSION, member__isnull=False)
    linked = set(
        Case.objects.filter(discipline__isnull=False).values_list("discipline_id", flat=True)
    )
    assert expulsions.exists()
    assert all(d.pk in linked for d in expulsions), "an expulsion without its case"
    warnings = DisciplineDecision.objects.filter(form=penalties.WARNING, member__isnull=False)
    with_case = sum(1 for d in warnings if d.pk in linked)
    assert with_case >= 0.6 * warnings.count()
    for case in Case.objects.filter(discipline__isnull=False).select_related("discipline"):
        assert case.concluded_on is not None and case.concluded_on <= case.discipline.announced_on
        assert case.discipline.member_id == case.object_member_id
        assert case.regulation == rules.regulation_on(case.opened_on).code
    assert Programme.objects.filter(year=YEAR).exists()
    kinds = set(Denunciation.objects.values_list("admissibility", flat=True))
    assert {rules.ADMISSIBLE, rules.ANONYMOUS} <= kinds
    assert Denunciation.objects.filter(congress_period=True, due_on__isnull=True).exists()
    first, second = Complaint.objects.order_by("filed_on", "pk")
    assert first.outcome == rules.UPHELD and first.result is None
    assert second.outcome in (rules.REDUCED, rules.ANNULLED)
    ended = second.discipline
    assert ended.effect_until == second.resolved_on  # the decision stops on the outcome's day
    if second.outcome == rules.REDUCED:
        assert second.result.form == penalties.REPRIMAND


def test_the_yearly_statistics_equal_an_independent_count(demo):
    """The year with the most cases on signs of violation before the reform (the tests' demo is
    5 % of the province: a year may have none), asked of TU-KH, formed in 2025."""
    org = Organisation.objects.get(code="TU-KH")
    cases = [
        c
        for c in Case.objects.select_related("discipline")
        if _under_province(c.org_id, c.opened_on)
    ]
    signs = [c for c in cases if c.kind == rules.SIGNS and c.object_member_id]
    year = max(range(2020, 2025), key=lambda y: (sum(c.opened_on.year == y for c in signs), y))
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    tables = {t.form.number: t for t in selectors.form_tables(org, first, last)}

    def in_year(day: dt.date | None) -> bool:
        return day is not None and first <= day <= last

    expected = [
        sum(1 for c in signs if in_year(c.opened_on)),
        sum(1 for c in signs if in_year(c.opened_on) and c.committee_member),
        sum(1 for c in signs if in_year(c.concluded_on) and c.degree in rules.VIOLATING),
        sum(1 for c in signs if in_year(c.concluded_on) and c.degree in rules.DISCIPLINE_REQUIRED),
        sum(1 for c in signs if c.discipline and in_year(c.discipline.announced_on)),
        sum(1 for c in signs if c.opened_on.year == year - 1),
    ]
    total = [cell.value for cell in tables["01"].rows[0][1]]
    assert total == expected
    assert expected[0] > 0 and expected[4] > 0
    # The programmes' inspections of the inspection tasks and of the dues (form 03).
    planned = {line.spec: cells for line, cells in tables["03"].rows if line.spec}
    for kind in (rules.DUTY, rules.FINANCE_DUES):
        assert planned[f"kind={kind}"][0].value == sum(
            1 for c in cases if c.kind == kind and in_year(c.opened_on)
        )
    assert planned[f"kind={rules.DUTY}"][0].value > 0
    # Discipline after the cases, by form (form 05).
    by_form = {line.spec: cells[0].value for line, cells in tables["05"].rows if line.spec}
    for form in (penalties.REPRIMAND, penalties.WARNING, penalties.EXPULSION):
        assert by_form[f"who=member;form={form}"] == sum(
            1
            for c in cases
            if c.discipline and c.discipline.form == form and in_year(c.discipline.announced_on)
        )
    # Denunciations received and resolved (form 06).
    petitions = [d for d in Denunciation.objects.all() if _under_province(d.org_id, d.received_on)]
    received = {line.spec: cells[0].value for line, cells in tables["06"].rows if line.spec}
    assert received["event=received"] == sum(1 for d in petitions if in_year(d.received_on))
    assert received[f"event=received;admissibility={rules.ANONYMOUS}"] == sum(
        1 for d in petitions if in_year(d.received_on) and d.admissibility == rules.ANONYMOUS
    )
    assert received["event=resolved"] == sum(1 for d in petitions if in_year(d.resolved_on))
    # The records behind the first figure are those cases.
    spec = tables["01"].rows[0][1][0].spec
    rows = selectors.records_of(org, first, last, spec)
    assert sorted(r["pk"] for r in rows) == sorted(c.pk for c in signs if in_year(c.opened_on))
