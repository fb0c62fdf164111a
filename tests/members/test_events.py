"""Recording lifecycle events through the services: rules that need dates and the calendar
(DOMAIN.md §4.1, §4.2, §4.5, §6.4), corrections, and the answers for any date."""

import datetime as dt
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from dangvu.core.calendar import add_working_days, working_days_between
from dangvu.core.models import CalendarDay
from dangvu.discipline.selectors import member_under_discipline
from dangvu.discipline.services import discipline_record
from dangvu.members.events import event_correct, event_record, months_of_age
from dangvu.members.models import MembershipEvent
from dangvu.members.selectors import member_on, stats
from tests.conftest import admit, decision

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]
D = dt.date


def event(member, kind, on, actor=None, **kwargs):
    kwargs.setdefault(
        "decision",
        None
        if kind in ("ceremony", "death", "transfer_in", "temp_transfer_in", "temp_transfer_end")
        else decision(on, f"{kind}-{on}"),
    )
    return event_record(member=member, kind=kind, on=on, actor=actor, **kwargs)


def test_working_days_skip_weekends_and_tet():
    """The 2025 Tết days off (27/1–1/2/2025) are not working days: 30 working days after 2/1/2025
    end on 20/2/2025 (16 in January, 14 in February)."""
    assert add_working_days(D(2025, 1, 2), 30) == D(2025, 2, 20)
    assert working_days_between(D(2025, 1, 24), D(2025, 2, 3)) == 1  # only Monday 3/2
    # A Saturday worked in exchange (26/4/2025 for 2/5/2025) is a working day.
    assert add_working_days(D(2025, 4, 25), 1) == D(2025, 4, 26)


def test_the_days_off_are_editable(world):
    call_command("calendar", "set", "2025-02-21", "--off", "--name", "Nghỉ bù")
    assert add_working_days(D(2025, 1, 2), 30) == D(2025, 2, 20)
    assert add_working_days(D(2025, 1, 2), 31) == D(2025, 2, 24)
    assert CalendarDay.objects.filter(day=D(2025, 1, 29), is_working=False).exists()  # seeded year


def test_admission_age_is_counted_in_months_at_the_cells_vote():
    """§4.1: from full 18 to full 60 years, counted by month."""
    assert months_of_age(D(2007, 3, 15), D(2025, 3, 14)) == 215
    assert months_of_age(D(2007, 3, 15), D(2025, 3, 15)) == 216


def test_under_18_at_the_vote_is_refused_and_over_60_needs_the_provincial_agreement(world):
    with pytest.raises(ValidationError) as caught:
        admit(
            world.ph1,
            "Phan Văn Trẻ",
            birth=D(2007, 3, 15),
            decided=D(2025, 3, 20),
            ceremony=None,
            recognised=False,
            admission_details={"vote_date": D(2025, 3, 14)},
        )
    assert "18" in caught.value.message_dict["birth_date"][0]
    with pytest.raises(ValidationError) as caught:
        admit(
            world.ph1,
            "Phan Văn Cao",
            birth=D(1964, 3, 1),
            decided=D(2025, 3, 20),
            ceremony=None,
            recognised=False,
        )
    assert "over_60_authorisation" in caught.value.message_dict
    member = admit(
        world.ph1,
        "Phan Văn Cao",
        birth=D(1964, 3, 1),
        decided=D(2025, 3, 20),
        ceremony=None,
        recognised=False,
        admission_details={"over_60_authorisation": "Công văn 12-CV/TU, 1/3/2025"},
    )
    assert member.status == "probationary"


def test_ceremony_within_thirty_working_days_or_an_explained_exception(world):
    """§4.2: decision 2/1/2025 → the ceremony is due by 20/2/2025 (Tết skipped)."""
    member = admit(
        world.ph1,
        "Lý Thị Mai",
        sex="F",
        birth=D(1995, 1, 1),
        decided=D(2025, 1, 2),
        ceremony=None,
        recognised=False,
    )
    with pytest.raises(ValidationError) as caught:
        event(member, "ceremony", D(2025, 2, 21))
    assert "20/02/2025" in caught.value.messages[0]
    event(
        member,
        "ceremony",
        D(2025, 2, 21),
        details={"exception": "Đồng ý của Đảng ủy xã, CV 3-CV/ĐU"},
    )
    member.refresh_from_db()
    assert member.ceremony_date == D(2025, 2, 21)


def test_recognition_on_the_day_probation_ends_even_when_decided_late(world):
    member = admit(
        world.ph1,
        "Lý Văn Kiên",
        birth=D(1995, 1, 1),
        decided=D(2024, 3, 1),
        ceremony=D(2024, 3, 15),
        recognised=False,
    )
    event(
        member,
        "recognition",
        D(2025, 3, 15),
        org=world.ph1,
        decision=decision(D(2025, 6, 1), "88-QĐ/HU"),
    )
    member.refresh_from_db()
    assert member.status == "official" and member.official_date == D(2025, 3, 15)
    assert stats(world.ph1, D(2025, 3, 14))["members.probationary"] == 1
    assert stats(world.ph1, D(2025, 3, 15))["members.official"] == 3


def test_an_official_transfer_between_cells_with_its_deadlines(world):
    """§4.5: the letter presented within 30 working days of its issue; otherwise an explanation."""
    son = world.members["son"]
    event(son, "transfer_out", D(2025, 1, 2), org=world.ph2)
    son.refresh_from_db()
    assert son.flags == ["in_transit"]
    assert stats(world.tan_son, D(2025, 1, 3))["members.total"] == 0
    assert (
        stats(world.phuoc_hai, D(2025, 1, 3))["members.total"] == 3
    )  # not yet counted by the receiver
    with pytest.raises(ValidationError) as caught:
        event(son, "transfer_in", D(2025, 2, 21), org=world.ph2)
    assert "20/02/2025" in caught.value.messages[0]
    event(
        son,
        "transfer_in",
        D(2025, 2, 21),
        org=world.ph2,
        details={"explanation": "Ốm, có giấy ra viện"},
    )
    assert stats(world.phuoc_hai, D(2025, 2, 21))["members.total"] == 4
    answer = member_on(son, D(2025, 3, 1))
    assert answer["org"] == "PH-2" and answer["flags"] == []


def test_a_temporary_transfer_is_counted_at_home_only(world):
    hoa = world.members["hoa"]
    event(hoa, "temp_transfer_out", D(2025, 1, 6), org=world.ts1, details={"until": D(2025, 9, 1)})
    event(hoa, "temp_transfer_in", D(2025, 1, 10), org=world.ts1)
    on = D(2025, 3, 1)
    assert (
        stats(world.ph1, on)["members.total"] == 2
        and stats(world.tan_son, on)["members.total"] == 1
    )
    assert (
        member_on(hoa, on)["temp_org"] == "TS-1"
        and "on_temporary_transfer" in member_on(hoa, on)["flags"]
    )
    with pytest.raises(ValidationError):  # 3 months to under a year
        event(
            world.members["an"],
            "temp_transfer_out",
            D(2025, 1, 6),
            org=world.ts1,
            details={"until": D(2025, 2, 1)},
        )


def test_discipline_is_in_force_for_twelve_months_and_expulsion_ends_membership(world):
    """§6.4: announced 15/3/2024 → in force until 15/3/2025; expulsion has no end and drives §4."""
    son = world.members["son"]
    record = discipline_record(
        member=son,
        form="canh_cao",
        decision=decision(D(2024, 3, 10), "5-QĐ/UBKT"),
        announced_on=D(2024, 3, 15),
        deciding_body="Ủy ban Kiểm tra Huyện ủy",
        actor=None,
    )
    assert record.effect_until == D(2025, 3, 15)
    assert member_under_discipline(son.pk, D(2025, 3, 14)) and not member_under_discipline(
        son.pk, D(2025, 3, 15)
    )
    thanh = world.members["thanh"]  # probationary: only reprimand or warning (§6.1)
    with pytest.raises(ValidationError):
        discipline_record(
            member=thanh,
            form="khai_tru",
            decision=decision(D(2024, 10, 1)),
            announced_on=D(2024, 10, 2),
            deciding_body="Huyện ủy",
            actor=None,
        )
    discipline_record(
        member=son,
        form="khai_tru",
        decision=decision(D(2025, 5, 1), "9-QĐ/HU"),
        announced_on=D(2025, 5, 5),
        deciding_body="Ban Thường vụ Huyện ủy",
        actor=None,
    )
    son.refresh_from_db()
    assert son.status == "expelled" and son.status_since == D(2025, 5, 5)
    assert member_on(son, D(2025, 5, 4))["status"] == "official"


def test_a_correction_voids_the_wrong_event_and_answers_for_earlier_dates_say_so(world):
    hoa = world.members["hoa"]
    wrong = event(hoa, "exemption", D(2023, 1, 10), details={"ground": "health"})
    assert stats(world.ph1, D(2023, 6, 1))["members.total"] == 2
    correction = event_correct(
        event=wrong, reason="Nhập nhầm người: miễn sinh hoạt là của đồng chí khác", actor=world.an
    )
    wrong.refresh_from_db()
    assert wrong.voided_by_id is not None and MembershipEvent.objects.filter(pk=wrong.pk).exists()
    hoa.refresh_from_db()
    assert hoa.flags == []
    out = io.StringIO()
    call_command(
        "member",
        "show",
        "--cccd",
        "058185000123",
        "--as-of",
        "2023-06-01",
        "--format",
        "json",
        stdout=out,
    )
    document = json.loads(out.getvalue())
    assert document["corrections"][0]["reason"] == correction.reason
    out = io.StringIO()
    call_command(
        "member",
        "show",
        "--cccd",
        "058185000123",
        "--as-of",
        "2022-06-01",
        "--format",
        "json",
        stdout=out,
    )
    assert json.loads(out.getvalue())["corrections"] == []
    with pytest.raises(ValidationError):
        event_correct(event=wrong, reason="again", actor=world.an)
    out = io.StringIO()
    call_command("stats", "--org", "PH-1", "--as-of", "2023-06-01", "--format", "json", stdout=out)
    assert json.loads(out.getvalue())["corrections"][0]["reason"] == correction.reason
    out = io.StringIO()
    call_command("stats", "--org", "PH-1", "--as-of", "2022-06-01", "--format", "json", stdout=out)
    assert "corrections" not in json.loads(out.getvalue())


def test_a_correction_can_replace_the_event(world):
    hoa = world.members["hoa"]
    wrong = event(hoa, "exemption", D(2023, 1, 10), details={"ground": "health"})
    event_correct(
        event=wrong,
        reason="Sai ngày",
        actor=world.an,
        replacement={
            "kind": "exemption",
            "on": D(2023, 2, 10),
            "decision": decision(D(2023, 2, 10)),
            "details": {"ground": "health"},
        },
    )
    assert member_on(hoa, D(2023, 1, 20))["flags"] == []
    assert member_on(hoa, D(2023, 2, 20))["flags"] == ["exempted"]


def test_member_cli_answers_for_any_date(world):
    son = world.members["son"]
    event(son, "exemption", D(2024, 1, 10), details={"ground": "health"})
    out = io.StringIO()
    call_command(
        "member", "list", "--org", "TU-T", "--as-of", "2024-07-01", "--format", "json", stdout=out
    )
    rows = {r["name"]: r for r in json.loads(out.getvalue())["members"]}
    assert rows["Lê Minh Sơn"] == {
        "cccd": "056079000777",
        "card": None,
        "name": "Lê Minh Sơn",
        "status": "official",
        "flags": ["exempted"],
        "org": "TS-1",
    }
    assert rows["Đàng Văn Thành"]["status"] == "probationary"
    out = io.StringIO()
    call_command(
        "member",
        "show",
        "--cccd",
        "056079000777",
        "--as-of",
        "2025-03-02",
        "--format",
        "json",
        stdout=out,
    )
    document = json.loads(out.getvalue())
    # Admitted by decision of 2/3/2010: 15 years on 2/3/2025 exactly; the 30-year badge on 2/3/2040.
    assert document["party_age"] == {"years": 15, "months": 0, "days": 0}
    assert document["next_badge"] == {"tier": 30, "date": "2040-03-02"}
    assert (
        document["status"] == "official"
        and document["flags"] == ["exempted"]
        and document["org"] == "TS-1"
    )
    assert document["official_date"] == "2011-03-20"
    out = io.StringIO()
    call_command(
        "member",
        "list",
        "--org",
        "TU-T",
        "--as-of",
        "2025-06-01",
        "--status",
        "expelled",
        "--format",
        "json",
        stdout=out,
    )
    assert json.loads(out.getvalue())["members"] == []


def test_events_outside_the_actors_scope_are_refused(world):
    from django.http import Http404

    with pytest.raises(Http404):
        event(
            world.members["son"],
            "exemption",
            D(2024, 1, 10),
            actor=world.binh,
            details={"ground": "health"},
        )


def test_exemption_for_age_needs_men_over_60_and_women_over_55(world):
    """§4.6 (HD 27-HD/BTCTW): "tuổi cao" is past working age, men over 60, women over 55."""
    son = world.members["son"]  # born 30/12/1979
    with pytest.raises(ValidationError) as caught:
        event(son, "exemption", D(2025, 1, 10), details={"ground": "age"})
    assert "60" in caught.value.messages[0]
    an = world.members["an"]  # born 1/7/1950
    event(an, "exemption", D(2025, 1, 10), details={"ground": "age"})
    an.refresh_from_db()
    assert an.flags == ["exempted"]


def test_organisation_thresholds_are_warnings():
    """§4.4: ≥ 3 official members for a grassroots organisation; < 30 members a grassroots cell,
    ≥ 30 a grassroots committee; a cell of ≥ 9 official members elects a committee."""
    from dangvu.rules.organisation import structure_notes

    assert structure_notes("grassroots_cell", 2, 2) == [
        "grassroots_below_3_official",
        "cell_elects_secretary",
    ]
    assert structure_notes("grassroots_cell", 25, 31) == [
        "cell_of_30_or_more",
        "cell_elects_committee",
    ]
    assert structure_notes("grassroots_committee", 20, 29) == ["committee_under_30"]
    assert structure_notes("cell", 9, 9) == ["cell_elects_committee"]
