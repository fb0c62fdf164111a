"""`dangvu stats` equals counts computed by independent SQL, for any date; age bands add up."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.db import connection

from dangvu.members.selectors import stats
from dangvu.orgs.models import Organisation
from dangvu.tree.selectors import placement_of
from tests.conftest import admit

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

BANDS = [
    ("18_30", 0, 30),
    ("31_35", 31, 35),
    ("36_40", 36, 40),
    ("41_45", 41, 45),
    ("46_50", 46, 50),
    ("51_55", 51, 55),
    ("56_60", 56, 60),
    ("over_60", 61, 200),
]


def sql_age(day: str) -> str:
    if connection.vendor == "postgresql":
        return f"date_part('year', age(DATE '{day}', ps.birth_date))"
    return (
        f"(CAST(strftime('%Y', '{day}') AS INTEGER) - CAST(strftime('%Y', ps.birth_date) AS INTEGER)"
        f" - (strftime('%m-%d', '{day}') < strftime('%m-%d', ps.birth_date)))"
    )


def independent_counts(org: Organisation, on: dt.date) -> dict[str, int]:
    """Hand-written SQL: periods valid on the day, in placements valid on the day under the org's path."""
    prefix = placement_of(org, on).path
    day = on.isoformat()
    valid = "{t}.valid_from <= %s AND ({t}.valid_to IS NULL OR {t}.valid_to > %s)"
    base = (
        "FROM members_membershipperiod p "
        "JOIN orgs_placement pl ON pl.org_id = p.org_id AND "
        + valid.format(t="pl")
        + " AND pl.path LIKE %s "
        "JOIN members_partymember m ON m.id = p.member_id JOIN members_person ps ON ps.id = m.person_id "
        "WHERE NOT p.temporary AND " + valid.format(t="p")
    )
    params = [day, day, prefix + "%", day, day]
    result = {}

    def count(where: str = "1=1") -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) {base} AND {where}", params)
            return int(cursor.fetchone()[0])

    result["members.total"] = count()
    result["members.official"] = count("p.status = 'official'")
    result["members.probationary"] = count("p.status = 'probationary'")
    result["members.women"] = count("ps.sex = 'F'")
    result["members.ethnic_minority"] = count("ps.ethnicity NOT IN ('01', '56')")
    result["members.religious"] = count("ps.religion <> 'none'")
    for code, low, high in BANDS:
        result[f"members.age.{code}"] = count(f"{sql_age(day)} BETWEEN {low} AND {high}")
    return result


def cli_stats(code: str, on: dt.date) -> dict:
    out = io.StringIO()
    call_command("stats", "--org", code, "--as-of", on.isoformat(), "--format", "json", stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize(
    "on", [dt.date(2010, 3, 1), dt.date(2010, 3, 2), dt.date(2023, 12, 31), dt.date(2025, 6, 20)]
)
def test_stats_of_the_named_world_equal_independent_sql(world, on):
    for org in (world.province, world.phuoc_hai, world.ph2, world.tan_son):
        if placement_of(org, on) is None:
            continue
        document = cli_stats(org.code, on)
        assert document["org"] == org.code and document["as_of"] == on.isoformat()
        expected = independent_counts(org, on)
        # The command prints every indicator of the registry; these are the basic ones.
        assert {k: document["indicators"][k] for k in expected} == expected


def test_worked_example_of_the_named_world(world):
    figures = stats(world.province, dt.date(2024, 12, 31))
    # hoa (F, Chăm, religion), an (born 1950), son: official; thanh admitted 3/6/2024: probationary.
    assert figures["members.total"] == 4
    assert figures["members.official"] == 3 and figures["members.probationary"] == 1
    assert figures["members.women"] == 1
    assert figures["members.ethnic_minority"] == 2
    assert figures["members.religious"] == 1
    assert figures["members.age.over_60"] == 1  # born 1/7/1950: 74
    assert figures["members.age.18_30"] == 1  # born 10/1/1995: 29
    # Twelve months after thanh's ceremony, no recognition is recorded: still probationary (§4.3).
    later = stats(world.province, dt.date(2025, 6, 20))
    assert later["members.official"] == 3 and later["members.probationary"] == 1


def test_age_is_counted_in_completed_years_on_the_day(world):
    admit(
        world.ph1,
        "Bùi Văn Tròn",
        birth=dt.date(1963, 6, 15),
        decided=dt.date(2000, 6, 1),
        ceremony=dt.date(2000, 6, 10),
    )
    day_before = stats(world.ph1, dt.date(2024, 6, 14))
    birthday = stats(world.ph1, dt.date(2024, 6, 15))
    assert day_before["members.age.56_60"] == 1 and birthday["members.age.56_60"] == 0
    assert birthday["members.age.over_60"] == day_before["members.age.over_60"] + 1


def test_demo_province_stats_equal_independent_sql_and_bands_add_up(demo):
    province = Organisation.objects.get(code="TU-NT")
    for code in ("TU-NT", "NT-NS", "NT-BA", "NT-KCQ"):
        org = Organisation.objects.get(code=code)
        for on in (dt.date(2019, 12, 31), dt.date(2024, 12, 31)):
            figures = stats(org, on)
            assert figures == independent_counts(org, on)
            assert (
                sum(v for k, v in figures.items() if k.startswith("members.age."))
                == figures["members.total"]
            )
            assert (
                figures["members.official"] + figures["members.probationary"]
                == figures["members.total"]
            )
    assert stats(province, dt.date(2024, 12, 31))["members.total"] > 500


def test_unknown_organisation_code_fails_with_a_message(world):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="XX-404"):
        cli_stats("XX-404", dt.date(2024, 1, 1))
