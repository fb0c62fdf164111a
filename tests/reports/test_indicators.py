"""Every indicator of the registry against an independent computation on a small world.

The independent side reads the raw rows (periods, events, placements, ratings, awards) member by
member and decides "in the list on a day" from the placement paths, without the registry's
scopes, intervals or aggregate queries; it applies the forms' definitions (FORMS.md §3.1):
increase and decrease by reason, transfers within the subtree not counted, "of which" rows.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

import pytest

from dangvu.awards.models import BadgeAward, Commendation
from dangvu.evaluation.models import Rating
from dangvu.members.models import FlagPeriod, MembershipEvent, MembershipPeriod, PartyMember
from dangvu.orgs.models import Organisation, Placement
from dangvu.reports.indicators import (
    ADMISSION_PERIODS,
    FAMILY,
    REGISTRY,
    Scope,
    compute_all,
    records_of,
)
from dangvu.rules import charter
from dangvu.rules import reference as ref
from dangvu.rules.evaluation import HTNV, HTTNV
from tests.reports.conftest import YEAR

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]
D = dt.date


# ---------------------------------------------------------------------------------------------
# The independent side


def inside(org_id, day, root):
    """The organisation lay under `root` on `day`, read from the placement paths."""
    mine = (
        Placement.objects.filter(org_id=org_id, valid_from__lte=day)
        .exclude(valid_to__lte=day)
        .first()
    )
    top = Placement.objects.filter(org=root, valid_from__lte=day).exclude(valid_to__lte=day).first()
    return bool(mine and top and mine.path.startswith(top.path))


def home_on(member, day):
    for p in MembershipPeriod.objects.filter(member=member, temporary=False):
        if p.valid_from <= day and (p.valid_to is None or day < p.valid_to):
            return p
    return None


def listed(member, day, root):
    p = home_on(member, day)
    return p is not None and inside(p.org_id, day, root)


def years_between(a, b):
    return b.year - a.year - ((b.month, b.day) < (a.month, a.day))


def independent_stock(root, day):
    out = Counter()
    ages = []
    for member in PartyMember.objects.select_related("person"):
        p = home_on(member, day)
        if p is None or not inside(p.org_id, day, root):
            continue
        person = member.person
        out["members.total"] += 1
        out[f"members.{p.status}"] += 1
        out["members.women"] += person.sex == "F"
        out["members.ethnic_minority"] += person.ethnicity not in ("01", "56")
        out["members.religious"] += person.religion != "none"
        out[f"members.ethnicity.{person.ethnicity}"] += 1
        out[f"members.ethnicity.{person.ethnicity}.women"] += person.sex == "F"
        if person.religion != "none":
            out[f"members.religion.{person.religion}"] += 1
            out[f"members.religion.{person.religion}.women"] += person.sex == "F"
        out[f"members.education.{person.general_education}"] += 1
        out[f"members.professional.{person.professional_level}"] += 1
        out[f"members.title.{person.academic_title}"] += 1
        out[f"members.theory.{person.theory_level}"] += 1
        out[f"members.occupation.{person.occupation}"] += 1
        age = years_between(person.birth_date, day)
        ages.append(age)
        band = next(c for c, lo, hi in ref.AGE_BANDS if age >= lo and (hi is None or age <= hi))
        out[f"members.age.{band}"] += 1
        first = member.first_admission_date
        for code, _v, _e, low, high in ADMISSION_PERIODS:
            if (low is None or first >= low) and (high is None or first < high):
                out[f"members.admitted.{code}"] += 1
        for tier in charter.BADGE_TIERS:  # nobody here has a gap in party activity
            out[f"members.seniority.{tier}"] += years_between(first, day) >= tier
        exempted = FlagPeriod.objects.filter(
            member=member, flag="exempted", valid_from__lte=day
        ).exclude(valid_to__lte=day)
        out["members.exempted"] += exempted.exists()
    out["members.age.average"] = round(sum(ages) / len(ages), 1) if ages else 0
    return out


def independent_flows(root, start, end):
    """Event ids by code, from the state of each member the day before and the day of each event."""
    out = defaultdict(list)
    for e in MembershipEvent.objects.filter(
        on__gte=start, on__lte=end, voided_by__isnull=True
    ).order_by("on", "id"):
        before, after = (
            listed(e.member, e.on - dt.timedelta(days=1), root),
            listed(e.member, e.on, root),
        )
        if e.kind in ("admission", "readmission") and inside(e.org_id, e.on, root):
            out["flow.in.admitted"].append(e.id)
            if e.kind == "readmission":
                out["flow.in.readmitted"].append(e.id)
        elif e.kind == "restoration" and after:
            out["flow.in.restored"].append(e.id)
        elif e.kind == "transfer_in" and after:
            earlier = (
                MembershipPeriod.objects.filter(
                    member=e.member, temporary=False, valid_to__lte=e.on
                )
                .order_by("-valid_to")
                .first()
            )
            if earlier is None:
                out["flow.in.transfer_other_province"].append(e.id)
            elif not inside(earlier.org_id, earlier.valid_to - dt.timedelta(days=1), root):
                out["flow.in.transfer_other_unit"].append(e.id)
        elif e.kind == "transfer_out" and before:
            if e.org_id is None:
                out["flow.out.transfer_other_province"].append(e.id)
            elif not inside(e.org_id, e.on, root):
                out["flow.out.transfer_other_unit"].append(e.id)
        elif e.kind in ("death", "expulsion", "removal", "resignation") and before:
            out[f"flow.out.{e.kind}"].append(e.id)
            if (
                e.kind == "removal"
                and home_on(e.member, e.on - dt.timedelta(days=1)).status == "probationary"
            ):
                out["flow.out.removal_probationary"].append(e.id)
        elif e.kind == "temp_transfer_in" and inside(e.org_id, e.on, root):
            out["flow.temporary.in"].append(e.id)
        elif e.kind == "temp_transfer_out" and listed(e.member, e.on, root):
            out["flow.temporary.out"].append(e.id)
    return out


def independent_admitted(root, start, end):
    out = Counter()
    ages = []
    for e in MembershipEvent.objects.filter(
        kind__in=("admission", "readmission"), on__gte=start, on__lte=end
    ).select_related("member__person"):
        if not inside(e.org_id, e.on, root):
            continue
        p = e.member.person
        out["admitted.total"] += 1
        out["admitted.readmitted"] += e.kind == "readmission"
        out["admitted.women"] += p.sex == "F"
        out["admitted.ethnic_minority"] += p.ethnicity not in ("01", "56")
        out["admitted.religious"] += p.religion != "none"
        out[f"admitted.ethnicity.{p.ethnicity}"] += 1
        out[f"admitted.occupation.{p.occupation}"] += 1
        out[f"admitted.education.{p.general_education}"] += 1
        age = years_between(p.birth_date, e.on)
        ages.append(age)
        band = next(c for c, lo, hi in ref.AGE_BANDS if age >= lo and (hi is None or age <= hi))
        out[f"admitted.age.{band}"] += 1
    out["admitted.age.average"] = round(sum(ages) / len(ages), 1) if ages else 0
    return out


ROOTS = ("TU-T", "HU-A", "X-PH", "X-TS", "PH-1")


def test_stock_indicators_equal_the_independent_count(history):
    for code in ROOTS:
        root = Organisation.objects.get(code=code)
        for day in (D(2022, 12, 31), D(2023, 6, 15), D(YEAR, 12, 31)):
            scope = Scope(root, D(day.year, 1, 1), day)
            got = {**FAMILY["members"].values(scope), **FAMILY["seniority"].values(scope)}
            got = {k: v for k, v in got.items() if not k.startswith("_")}
            expected = independent_stock(root, day)
            assert {k: v for k, v in got.items() if v} == {
                k: v for k, v in expected.items() if v and k in got
            }, (code, day)
            for k, v in expected.items():
                assert k in got or v == 0 or k.endswith((".none",)), k


def test_flows_equal_the_independent_events_and_the_form_balances(history):
    for code in ROOTS:
        root = Organisation.objects.get(code=code)
        scope = Scope.year(root, YEAR)
        values = FAMILY["flows"].values(scope)
        expected = independent_flows(root, scope.start, scope.end)
        for c, *_r in FAMILY["flows"].CODES:
            assert sorted(records_of(scope, c)) == sorted(expected.get(c, [])), (code, c)
            assert values[c] == len(expected.get(c, []))
        start = independent_stock(root, D(YEAR - 1, 12, 31))["members.total"]
        end = independent_stock(root, D(YEAR, 12, 31))["members.total"]
        assert (values["flow.start"], values["flow.end"]) == (start, end)
        # A + B − C = D: nothing in this world moves without a decision or crosses the year in transit.
        assert values["flow.adjustment"] == 0, code
        assert start + values["flow.in.total"] - values["flow.out.total"] == end


def test_worked_example_of_the_year_for_the_province_district_and_communes(history):
    """FORMS.md §3.1 form 1 on the named world, 2023 (each figure worked by hand)."""
    province = Organisation.objects.get(code="TU-T")
    v = compute_all(Scope.year(province, YEAR), ("flows", "admitted", "members", "seniority"))
    # 31/12/2022: hoa, an, son, moi_2022, xoa, chuyen, ra, khai, lao = 9 (den was elsewhere).
    assert v["flow.start"] == 9
    assert (v["flow.in.admitted"], v["flow.in.transfer_other_province"]) == (2, 1)
    assert v["flow.in.transfer_other_unit"] == 0  # son moved inside the province
    assert (v["flow.out.death"], v["flow.out.expulsion"], v["flow.out.resignation"]) == (1, 1, 1)
    assert (v["flow.out.removal"], v["flow.out.removal_probationary"]) == (1, 1)
    assert v["flow.out.transfer_other_province"] == 1
    assert v["flow.end"] == 9 + 3 - 5 == 7
    assert (v["flow.temporary.out"], v["flow.temporary.in"]) == (1, 1)
    # The two admitted: a woman of the Ra-glai, Buddhist, 23; a man of 33.
    assert v["admitted.total"] == 2 and v["admitted.women"] == 1
    assert v["admitted.ethnic_minority"] == 1 and v["admitted.religious"] == 1
    assert v["admitted.age.18_30"] == 1 and v["admitted.age.31_35"] == 1
    assert v["admitted.age.average"] == 28.0
    # lao: admitted 1/5/1988, 35 years of party age on 31/12/2023; exempted since 5/1/2023.
    assert v["members.seniority.30"] == 1 and v["members.seniority.40"] == 0
    assert v["members.exempted"] == 1 and v["members.admitted.since_1975"] == 7
    # For X-TS son left for another unit of the province, for X-PH he came from one.
    ts = compute_all(Scope.year(Organisation.objects.get(code="X-TS"), YEAR), ("flows",))
    ph = compute_all(Scope.year(Organisation.objects.get(code="X-PH"), YEAR), ("flows",))
    assert ts["flow.out.transfer_other_unit"] == 1 and ph["flow.in.transfer_other_unit"] == 1


def test_admitted_structure_equals_the_independent_count(history):
    for code in ROOTS:
        root = Organisation.objects.get(code=code)
        got = FAMILY["admitted"].values(Scope.year(root, YEAR))
        expected = independent_admitted(root, D(YEAR, 1, 1), D(YEAR, 12, 31))
        for k, value in expected.items():
            assert got[k] == value, (code, k)
        assert (
            sum(
                v
                for k, v in got.items()
                if k.startswith("admitted.age.") and k != "admitted.age.average"
            )
            == got["admitted.total"]
        )


def test_admissions_against_the_target_and_the_grassroots_that_admitted(history, world):
    from dangvu.reports.services import target_set

    target_set(org=world.province, year=YEAR, target=4, actor=world.an)
    v = compute_all(Scope.year(world.province, YEAR), ("admitted",))
    assert (v["admitted.target"], v["admitted.target_pct"]) == (4, 50.0)  # 2 of 4
    assert sorted(
        records_of(Scope.year(world.province, YEAR), "admitted.grassroots_admitting")
    ) == sorted([world.phuoc_hai.pk, world.tan_son.pk])


def test_organisations_by_category_equal_the_independent_count(history, world):
    got = FAMILY["orgs"].values(Scope.year(world.province, YEAR))
    day = D(YEAR, 12, 31)
    top = Placement.objects.get(org=world.province, valid_to__isnull=True)
    expected = Counter()
    for p in Placement.objects.filter(
        valid_from__lte=day, valid_to__isnull=True, path__startswith=top.path
    ):
        if p.kind == "grassroots_committee":
            for c in (p.category or "none", "all"):
                expected[f"orgs.{c}.committee"] += 1
                expected[f"orgs.{c}.grassroots"] += 1
        elif p.kind == "cell":
            parent = Placement.objects.get(org=p.parent, valid_to__isnull=True)
            for c in (parent.category or "none", "all"):
                expected[f"orgs.{c}.cell_under"] += 1
    members = independent_stock(world.province, day)["members.total"]
    assert {k: v for k, v in got.items() if v and not k.endswith(".members")} == dict(expected)
    assert got["orgs.all.members"] == members
    assert got["orgs.xa.members"] + got["orgs.thi_tran.members"] == members


def independent_ratings_and_awards(root, year):
    """Decided ratings by the unit's place on 31/12; awards by the member's cell on the day."""
    out = Counter()
    day = D(year, 12, 31)
    for r in Rating.objects.filter(year=year).exclude(level=""):
        if not inside(r.unit_id, day, root):
            continue
        who = "members" if r.member_id else "orgs"
        out[f"ratings.{who}.rated"] += 1
        out[f"ratings.{who}.{r.level}"] += 1
        if r.org_id:
            kind = (
                Placement.objects.filter(org_id=r.org_id, valid_from__lte=day)
                .exclude(valid_to__lte=day)
                .get()
                .kind
            )
            out[f"ratings.orgs.{kind}.{r.level}"] += 1
    for c in Commendation.objects.filter(decision__date__year=year):
        if c.member_id and listed(c.member, c.decision.date, root):
            out[f"awards.members.{c.kind}"] += 1
        elif c.org_id and inside(c.org_id, c.decision.date, root):
            out[f"awards.orgs.{c.kind}"] += 1
    for b in BadgeAward.objects.filter(awarded_on__year=year):
        if listed(b.member, b.awarded_on, root):
            out[f"awards.badges.{b.tier}"] += 1
            out["awards.badges.total"] += 1
    return out


def test_ratings_and_awards_equal_the_independent_count_for_each_root(history):
    for code in ROOTS:
        root = Organisation.objects.get(code=code)
        got = compute_all(Scope.year(root, YEAR), ("ratings", "awards"))
        expected = independent_ratings_and_awards(root, YEAR)
        assert {
            k: v for k, v in got.items() if v and not k.endswith(("good_pct", "unrated"))
        } == dict(expected), code
    province = compute_all(
        Scope.year(Organisation.objects.get(code="TU-T"), YEAR), ("ratings", "awards")
    )
    assert province["ratings.orgs.cell.HTTNV"] == 1 and province["ratings.orgs.good_pct"] == 100.0
    assert province["awards.members.giay_khen"] == province["awards.orgs.giay_khen"] == 1


def test_ratings_and_badges_equal_the_independent_count(history, world):
    got = compute_all(Scope.year(world.province, YEAR), ("ratings", "awards"))
    rows = Rating.objects.filter(year=YEAR, subject="member").exclude(level="")
    levels = Counter(r.level for r in rows if r.subject == "member")
    assert got["ratings.members.rated"] == sum(levels.values()) > 0
    assert (got["ratings.members.HTTNV"], got["ratings.members.HTNV"]) == (
        levels[HTTNV],
        levels[HTNV],
    )
    assert got["ratings.members.good_pct"] == round(levels[HTTNV] * 100 / sum(levels.values()), 1)
    in_list = independent_stock(world.province, D(YEAR, 12, 31))["members.total"]
    assert got["ratings.members.unrated"] == in_list - sum(levels.values())
    # The badge of 2018 is not in 2023's figures; in 2018's it is.
    assert got["awards.badges.total"] == 0
    then = compute_all(Scope.year(world.province, 2018), ("awards",))
    assert (
        then["awards.badges.30"] == then["awards.badges.total"] == BadgeAward.objects.count() == 1
    )


def test_every_indicator_has_its_labels_definition_and_unit_and_a_value():
    values_codes = set()
    for code, indicator in REGISTRY.items():
        assert indicator.code == code and indicator.label_vi and indicator.label_en
        assert indicator.definition and indicator.unit
        values_codes.add(code)
    assert len(REGISTRY) > 400


def test_all_indicators_give_a_value_for_every_code(history, world):
    values = compute_all(Scope.year(world.province, YEAR))
    assert set(values) == set(REGISTRY)
