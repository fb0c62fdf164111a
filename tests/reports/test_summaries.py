"""Per-organisation summaries and the nation's figures from them (issue 9): equal to the figures
computed from the records, and kept so as events arrive — an event of 2024 reopens 2024 and
leaves 2023 alone; a late entry for 2023 reopens 2023; a transfer between provinces reopens both;
a correction of a person's details reopens every year."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from dangvu.members.models import MembershipPeriod
from dangvu.members.services import PersonInput, member_update
from dangvu.orgs.models import Organisation, valid_on
from dangvu.reports import summaries
from dangvu.reports.indicators import Scope, compute_all
from dangvu.reports.models import Summary
from tests.conftest import admit, make_org
from tests.reports.conftest import event

pytestmark = pytest.mark.both_databases

D = dt.date
Y23 = (D(2023, 1, 1), D(2023, 12, 31))
Y24 = (D(2024, 1, 1), D(2024, 12, 31))


def test_combine_adds_counts_and_recomputes_averages_and_shares_from_their_parts():
    # Province A: two members aged 30 and 40 (average 35.0), 10 rated of whom 9 HTTNV or better.
    a = {"members.total": 2, "_members.age.sum": 70, "members.age.average": 35.0}
    a |= {"ratings.members.rated": 10, "ratings.members.HTXSNV": 2, "ratings.members.HTTNV": 7}
    a |= {"ratings.members.good_pct": 90.0}
    # Province B: one member aged 51; 30 rated, 15 HTTNV or better (50 %).
    b = {"members.total": 1, "_members.age.sum": 51, "members.age.average": 51.0}
    b |= {"ratings.members.rated": 30, "ratings.members.HTXSNV": 5, "ratings.members.HTTNV": 10}
    b |= {"ratings.members.good_pct": 50.0}
    both = summaries.combine([a, b])
    assert both["members.total"] == 3
    assert both["members.age.average"] == 40.3  # 121 / 3, not (35 + 51) / 2 = 43
    assert both["ratings.members.rated"] == 40
    assert both["ratings.members.good_pct"] == 60.0  # 24 / 40, not (90 + 50) / 2 = 70


@pytest.fixture
def two_provinces(history, world):
    other = make_org("TU-B", "Đảng bộ tỉnh Bên Cạnh", "provincial", None)
    commune = make_org("X-B", "Đảng bộ xã Bên Cạnh", "grassroots_committee", other, category="xa")
    cell = make_org("B-1", "Chi bộ Thôn Một", "cell", commune)
    people = {
        "ba": admit(
            cell, "Võ Văn Ba", birth=D(1970, 3, 3), decided=D(2005, 1, 5), ceremony=D(2005, 1, 20)
        ),
        "tu": admit(
            cell,
            "Đỗ Thị Tư",
            sex="F",
            birth=D(1988, 8, 8),
            decided=D(2015, 2, 2),
            ceremony=D(2015, 2, 12),
        ),
        "nam": admit(
            cell, "Mai Văn Năm", birth=D(1960, 6, 6), decided=D(2001, 2, 2), ceremony=D(2001, 2, 12)
        ),
    }
    return world, cell, people


def national_equals_raw(start, end):
    stored = summaries.national(start, end)
    assert stored == summaries.national_raw(start, end)
    # And, independently of the registry, the members in the list on the last day.
    listed = MembershipPeriod.objects.filter(valid_on(end), temporary=False).count()
    assert stored["members.total"] == listed
    return stored


def marks():
    return {(s.org.code, s.start.year): s.mark for s in Summary.objects.select_related("org")}


def test_the_nation_is_its_provinces_and_summaries_follow_the_events(two_provinces):
    w, _cell, people = two_provinces
    first23 = national_equals_raw(*Y23)
    first24 = national_equals_raw(*Y24)
    assert set(marks()) == {("TU-T", 2023), ("TU-B", 2023), ("TU-T", 2024), ("TU-B", 2024)}
    tu_t = compute_all(Scope(Organisation.objects.get(code="TU-T"), *Y24))
    tu_b = compute_all(Scope(Organisation.objects.get(code="TU-B"), *Y24))
    assert first24["members.total"] == tu_t["members.total"] + tu_b["members.total"]
    assert first24["flow.out.death"] == tu_t["flow.out.death"] + tu_b["flow.out.death"]

    # Read again with nothing changed: the stored figures, nothing recomputed.
    before = marks()
    assert summaries.national(*Y24) == first24
    assert marks() == before

    # An event of 2024 in TU-B: 2024 is recomputed, 2023 is not.
    event(people["ba"], "death", D(2024, 5, 1))
    after = national_equals_raw(*Y24)
    assert after["flow.out.death"] == first24["flow.out.death"] + 1
    assert after["members.total"] == first24["members.total"] - 1
    assert summaries.national(*Y23) == first23
    now = marks()
    assert now[("TU-B", 2023)] == before[("TU-B", 2023)]
    assert now[("TU-T", 2023)] == before[("TU-T", 2023)]
    assert now[("TU-B", 2024)] > before[("TU-B", 2024)]

    # A late entry dated 2023 reopens 2023.
    event(people["tu"], "resignation", D(2023, 11, 20))
    late = national_equals_raw(*Y23)
    assert late["flow.out.resignation"] == first23["flow.out.resignation"] + 1
    pre = national_equals_raw(*Y24)  # reopened too: 31/12/2024 comes after the late day
    assert pre["members.total"] == after["members.total"] - 1

    # A transfer from TU-B to TU-T: the change is filed under TU-T (where the member is now);
    # TU-B's summary is reopened too (the member's earlier cell lay there).
    event(people["nam"], "transfer_out", D(2024, 9, 1), org=w.ph1)
    event(people["nam"], "transfer_in", D(2024, 9, 1), org=w.ph1)
    moved = national_equals_raw(*Y24)
    b_now = summaries.figures_of(Organisation.objects.get(code="TU-B"), *Y24)
    b_raw = compute_all(Scope(Organisation.objects.get(code="TU-B"), *Y24), components=True)
    assert b_now == b_raw
    assert b_raw["flow.out.transfer_other_unit"] == 1
    assert moved["members.total"] == pre["members.total"]  # moved, not lost

    # A correction of a person's details moves figures of every year.
    before = marks()
    hoa = w.members["hoa"]
    member_update(
        member=hoa,
        person=PersonInput(
            full_name=hoa.person.full_name,
            sex="F",
            birth_date=hoa.person.birth_date,
            ethnicity="01",
            religion=hoa.person.religion,
            citizen_id=hoa.person.citizen_id,
        ),
        actor=None,
        reason="Sai dân tộc",
    )
    corrected = national_equals_raw(*Y23)
    assert corrected["members.ethnicity.01"] == late["members.ethnicity.01"] + 1
    assert marks()[("TU-T", 2023)] > before[("TU-T", 2023)]


def test_refresh_recomputes_only_what_moved_and_the_check_command_compares(two_provinces):
    _history, _cell, people = two_provinces
    out = StringIO()
    call_command("summaries", "build", "--period", "2023-2024", stdout=out)
    assert len(out.getvalue().splitlines()) == 4
    assert summaries.refresh() == []
    event(people["ba"], "death", D(2024, 5, 1))
    done = summaries.refresh()
    assert [(code, start[:4]) for code, start, _end, _s in done] == [("TU-B", "2024")]
    out = StringIO()
    call_command("summaries", "check", "--period", "2024", stdout=out)
    assert "figures equal" in out.getvalue()


def test_a_summary_is_marked_where_its_figures_are_read(world, monkeypatch):
    """With a read replica the figures come from it: so must the mark, or a change the replica
    has not replayed yet would be taken as counted (docs/operations.md)."""
    calls = []

    def read_reports(compute):
        calls.append("enter")
        found = compute()
        calls.append("leave")
        return found

    def last_mark():
        calls.append("mark")
        return 0

    monkeypatch.setattr(summaries, "read_reports", read_reports)
    monkeypatch.setattr(summaries, "last_mark", last_mark)
    monkeypatch.setattr(
        summaries, "compute_all", lambda scope, components: calls.append("figures") or {}
    )
    summaries.store(world.province, *Y23)
    assert calls == ["enter", "mark", "figures", "leave"]
