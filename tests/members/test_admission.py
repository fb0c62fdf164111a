"""Recording members: normalised names, validated identifiers, Vietnamese messages, nothing half-written."""

import datetime as dt
import unicodedata

import pytest
from django.core.exceptions import ValidationError

from dangvu.core.models import ChangeLogEntry
from dangvu.members.models import MembershipEvent, MembershipPeriod, PartyMember, Person
from tests.conftest import admit

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def counts():
    return (
        Person.objects.count(),
        PartyMember.objects.count(),
        MembershipEvent.objects.count(),
        MembershipPeriod.objects.count(),
        ChangeLogEntry.objects.count(),
    )


def refused(world, **kwargs):
    before = counts()
    with pytest.raises(ValidationError) as caught:
        admit(world.ph1, kwargs.pop("full_name", "Võ Thị Lan"), **kwargs)
    assert counts() == before, "a refused admission must write nothing"
    return caught.value.message_dict


def test_name_with_stray_spaces_and_decomposed_diacritics_is_normalised(world):
    raw = unicodedata.normalize("NFD", "  võ   thị  ngọc   lan ")
    member = admit(world.ph1, raw, sex="F", birth=dt.date(1990, 1, 1))
    person = member.person
    assert person.full_name == "Võ Thị Ngọc Lan"
    assert (person.family_name, person.middle_name, person.given_name) == ("Võ", "Thị Ngọc", "Lan")
    assert person.search_name == "vo thi ngoc lan"


@pytest.mark.parametrize(
    ("citizen_id", "fragment"),
    [
        ("05818500012", "12 chữ số"),
        ("0581850001AB", "12 chữ số"),
        ("999185000123", "mã tỉnh"),
        ("058085000123", "giới tính"),
        ("058190000123", "năm sinh"),
    ],
)
def test_an_invalid_citizen_id_is_refused_with_the_reason(world, citizen_id, fragment):
    errors = refused(world, sex="F", birth=dt.date(1985, 2, 1), citizen_id=citizen_id)
    assert any(fragment in message for message in errors["citizen_id"])


def test_a_citizen_id_already_recorded_is_refused(world):
    errors = refused(world, sex="F", birth=dt.date(1985, 2, 1), citizen_id="058185000123")
    assert "058185000123" in errors["citizen_id"][0]


def test_a_birth_date_in_the_future_is_refused(world):
    errors = refused(world, birth=dt.date.today() + dt.timedelta(days=1))
    assert "tương lai" in errors["birth_date"][0]


def test_a_person_under_18_on_the_decision_date_is_refused(world):
    # DOMAIN.md §4.1: from full 18 years. Born 10/03/1992, decided 02/03/2010: 17 years old.
    errors = refused(world, birth=dt.date(1992, 3, 10), decided=dt.date(2010, 3, 2))
    assert "18 tuổi" in errors["birth_date"][0]


def test_several_problems_are_reported_at_once(world):
    errors = refused(
        world, full_name="Lan", birth=dt.date.today() + dt.timedelta(days=3), citizen_id="12"
    )
    assert {"full_name", "birth_date", "citizen_id"} <= set(errors)


def test_members_are_kept_in_party_cells_only(world):
    with pytest.raises(ValidationError) as caught:
        admit(world.phuoc_hai, "Hồ Văn Tâm")
    assert "chi bộ" in caught.value.message_dict["org"][0]


def test_admission_writes_events_periods_and_the_change_log_in_one_change_set(world):
    member = admit(
        world.ph2, "Trương Văn Hiếu", decided=dt.date(2015, 7, 26), ceremony=dt.date(2015, 8, 10)
    )
    kinds = list(member.events.values_list("kind", "on"))
    assert kinds == [
        ("admission", dt.date(2015, 7, 26)),
        ("ceremony", dt.date(2015, 8, 10)),
        ("recognition", dt.date(2016, 8, 10)),
    ]
    entries = ChangeLogEntry.objects.filter(
        subject_type="members.partymember", subject_id=str(member.pk)
    )
    assert {e.action for e in entries} == {
        "member.create",
        "member.event.admission",
        "member.event.ceremony",
        "member.event.recognition",
    }
    assert len({e.changeset_id for e in entries}) == 1
