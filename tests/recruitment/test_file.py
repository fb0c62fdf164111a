"""A candidate's file from the Union's list to the admission decision, through the services every
door uses (DOMAIN.md §4.1–§4.3, §4.10; DOMAIN-2.md §6)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from dangvu.core.models import ChangeLogEntry
from dangvu.members.models import PartyMember, Person
from dangvu.members.services import PersonInput
from dangvu.recruitment import services as rs
from dangvu.recruitment.models import Candidate
from dangvu.recruitment.selectors import funnel, missing, next_step
from tests.conftest import admit, decision

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

VOTE = dt.date(2026, 3, 20)


def lan() -> PersonInput:
    return PersonInput(
        full_name="Trần Thị Lan",
        sex="F",
        birth_date=dt.date(2001, 4, 2),
        citizen_id="058301000456",
        general_education="thpt",
        occupation="enterprise_worker",
    )


def enter(world, **extra):
    return rs.candidate_enter(
        person=lan(),
        cell=world.ph1,
        kind="union_member",
        source_kind="union",
        introduced_by="Ban Chấp hành Đoàn xã Phước Hải",
        introduced_number="12-NQ/ĐTN",
        introduced_on=dt.date(2025, 3, 26),
        actor=world.binh,
        **extra,
    )


def complete(world, candidate, on=dt.date(2026, 2, 10)):
    hoa = world.members["hoa"]
    rs.candidate_recognise(
        candidate=candidate,
        on=dt.date(2025, 4, 10),
        by="Đảng ủy xã Phước Hải",
        helper=hoa,
        actor=world.binh,
    )
    rs.certificate_record(
        candidate=candidate,
        course="Lớp bồi dưỡng nhận thức về Đảng khóa 3/2025",
        issuer="Trung tâm Chính trị huyện An Phước",
        number="123/GCN",
        issued_on=dt.date(2025, 6, 20),
        actor=world.binh,
    )
    for kind in (
        "application",
        "background",
        "org_resolution",
        "mass_opinion",
        "residence_opinion",
    ):
        rs.document_record(candidate=candidate, kind=kind, dated=on, actor=world.binh)
    rs.document_record(
        candidate=candidate,
        kind="introducer",
        dated=on,
        introducer=hoa,
        worked_since=dt.date(2024, 1, 1),
        actor=world.binh,
    )
    rs.verification_record(
        candidate=candidate,
        relation="self",
        name="Trần Thị Lan",
        requested_on=on - dt.timedelta(days=40),
        answered_on=on - dt.timedelta(days=20),
        concluded_on=on - dt.timedelta(days=10),
        conclusion="Lịch sử chính trị rõ ràng",
        actor=world.binh,
    )
    rs.verification_record(
        candidate=candidate,
        relation="father",
        name="Trần Văn Bảy",
        requested_on=on - dt.timedelta(days=40),
        answered_on=on - dt.timedelta(days=15),
        concluded_on=on - dt.timedelta(days=10),
        conclusion="Chấp hành tốt chủ trương, chính sách, pháp luật",
        actor=world.binh,
    )


def test_from_the_unions_list_to_the_decision_the_same_person_record(world):
    candidate = enter(world)
    assert next_step(candidate, VOTE).key == "recognise"
    assert "giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng" in missing(candidate, VOTE)
    complete(world, candidate)
    assert missing(candidate, VOTE) == []
    # PH-1 has two official members on 20/03/2026 (Hoa, An): both in favour passes (2 of 2).
    rs.cell_vote(candidate=candidate, on=VOTE, in_favour=2, actor=world.binh)
    assert (candidate.cell_voters, candidate.cell_in_favour) == (2, 2)
    # The cell's secretary does not vote for the commune's committee.
    with pytest.raises((PermissionDenied, Http404)):
        rs.committee_vote(
            candidate=candidate, on=dt.date(2026, 3, 27), voters=9, in_favour=7, actor=world.binh
        )
    rs.committee_vote(
        candidate=candidate, on=dt.date(2026, 3, 27), voters=9, in_favour=7, actor=world.an
    )
    rs.proposal_received(candidate=candidate, on=dt.date(2026, 4, 1), actor=world.an)
    # 60 working days from Wednesday 01/04/2026: 2–3/4 (2), 6–24/4 (17), 27/4 off, 28–29/4 (19),
    # 30/4 and 1/5 off, 4/5–26/6 (59), 29/6 (60): Monday 29/06/2026.
    assert rs.decision_due(candidate) == dt.date(2026, 6, 29)
    assert next_step(candidate, VOTE).due == dt.date(2026, 6, 29)
    member = rs.candidate_admit(
        candidate=candidate,
        decision=decision(dt.date(2026, 5, 15), "88-QĐ/ĐU", "Đảng ủy xã Phước Hải"),
        actor=world.an,
    )
    person = Person.objects.get(citizen_id="058301000456")
    assert member.person == person == candidate.person  # entered once, kept
    assert Person.objects.filter(full_name="Trần Thị Lan").count() == 1
    member.refresh_from_db()
    assert (member.status, member.org, member.admission_decision_date) == (
        "probationary",
        world.ph1,
        dt.date(2026, 5, 15),
    )
    candidate.refresh_from_db()
    assert candidate.status == Candidate.Status.ADMITTED and candidate.member == member
    actions = set(ChangeLogEntry.objects.values_list("action", flat=True))
    assert {"candidate.create", "candidate.vote", "candidate.admit", "member.create"} <= actions


def test_a_stale_paper_and_a_missing_introducer_are_named(world):
    candidate = enter(world)
    complete(world, candidate, on=dt.date(2025, 3, 1))
    # Papers of 01/03/2025 are stale when the cell meets on 20/03/2026 (more than 12 months).
    lacking = missing(candidate, VOTE)
    assert any("01/03/2025" in item for item in lacking)
    with pytest.raises(ValidationError) as exc:
        rs.cell_vote(candidate=candidate, on=VOTE, in_favour=2, actor=world.binh)
    assert "01/03/2025" in exc.value.message_dict["cell_vote_on"][0]
    assert Candidate.objects.get(pk=candidate.pk).cell_vote_on is None  # nothing half-written


def test_an_introducer_of_less_than_twelve_months_is_refused_unless_a_replacement(world):
    candidate = enter(world)
    hoa = world.members["hoa"]
    with pytest.raises(ValidationError) as exc:
        rs.document_record(
            candidate=candidate,
            kind="introducer",
            dated=dt.date(2026, 1, 31),
            introducer=hoa,
            worked_since=dt.date(2025, 2, 1),
            actor=world.binh,
        )
    assert "12" in exc.value.message_dict["introducer"][0]
    rs.document_record(
        candidate=candidate,
        kind="introducer",
        dated=dt.date(2026, 1, 31),
        introducer=hoa,
        worked_since=dt.date(2025, 2, 1),
        replacement=True,
        actor=world.binh,
    )
    # A probationary member does not introduce.
    with pytest.raises(ValidationError):
        rs.document_record(
            candidate=candidate,
            kind="introducer",
            dated=dt.date(2026, 1, 31),
            introducer=world.members["thanh"],
            replacement=True,
            actor=world.binh,
        )


def test_two_thirds_of_nine_official_members_is_six(world):
    # §4.1: PH-1 with seven more official members: nine. Five in favour is refused, six passes.
    for i in range(7):
        admit(world.ph1, f"Võ Văn Số{chr(65 + i)}", birth=dt.date(1980, 1, 1 + i))
    first = enter(world)
    complete(world, first)
    with pytest.raises(ValidationError):
        rs.cell_vote(candidate=first, on=VOTE, in_favour=10, actor=world.binh)  # more than 9
    rs.cell_vote(candidate=first, on=VOTE, in_favour=5, actor=world.binh)
    first.refresh_from_db()
    assert (
        first.status == Candidate.Status.REFUSED
        and "5/9 đảng viên chính thức tán thành; cần ít nhất 6" in first.status_reason
    )
    with pytest.raises(ValidationError):  # a closed file takes no more steps
        rs.committee_vote(
            candidate=first, on=dt.date(2026, 3, 27), voters=9, in_favour=9, actor=world.an
        )
    # A new file for the same person, once the first is closed.
    second = enter(world)
    complete(world, second)
    rs.cell_vote(candidate=second, on=VOTE, in_favour=6, actor=world.binh)
    second.refresh_from_db()
    assert second.status == Candidate.Status.OPEN and second.cell_voters == 9


def test_a_person_is_entered_once(world):
    enter(world)
    with pytest.raises(ValidationError) as exc:
        enter(world)
    assert "đang có hồ sơ đề nghị kết nạp" in exc.value.message_dict["citizen_id"][0]
    # A member's citizen ID is a member, not a candidate.
    hoa = PersonInput(
        full_name="Nguyễn Thị Hoa",
        sex="F",
        birth_date=dt.date(1985, 2, 1),
        citizen_id="058185000123",
    )
    with pytest.raises(ValidationError) as exc:
        rs.candidate_enter(
            person=hoa,
            cell=world.ph1,
            kind="person",
            source_kind="residential",
            introduced_by="Chi hội Phụ nữ thôn",
            introduced_on=dt.date(2025, 5, 1),
            actor=world.binh,
        )
    assert "đã là đảng viên" in exc.value.message_dict["citizen_id"][0]


def test_a_late_decision_states_why(world):
    candidate = enter(world)
    complete(world, candidate, on=dt.date(2025, 5, 1))
    rs.cell_vote(candidate=candidate, on=dt.date(2025, 6, 25), in_favour=2, actor=world.binh)
    rs.committee_vote(
        candidate=candidate, on=dt.date(2025, 7, 2), voters=9, in_favour=5, actor=world.an
    )  # below two thirds: the full result is sent up all the same (HD 01 3.6c)
    rs.proposal_received(candidate=candidate, on=dt.date(2025, 7, 7), actor=world.an)
    late = decision(dt.date(2025, 12, 1), "5-QĐ/ĐU", "Đảng ủy xã Phước Hải")
    with pytest.raises(ValidationError) as exc:
        rs.candidate_admit(candidate=candidate, decision=late, actor=world.an)
    # Received 07/07/2025: 60 working days end on 01/10/2025 (2/9 and 1/9 off; DOMAIN-2.md §6.5).
    assert "Hạn ra quyết định là ngày 01/10/2025" in exc.value.message_dict["late_reason"][0]
    assert not PartyMember.objects.filter(person__citizen_id="058301000456").exists()
    rs.candidate_admit(
        candidate=candidate,
        decision=late,
        actor=world.an,
        late_reason="Chờ kết quả thẩm tra bổ sung",
    )


def test_the_funnel_counts_each_step_in_its_period(world):
    candidate = enter(world)
    complete(world, candidate, on=dt.date(2025, 5, 1))
    rs.cell_vote(candidate=candidate, on=dt.date(2025, 6, 25), in_favour=2, actor=world.binh)
    rs.committee_vote(
        candidate=candidate, on=dt.date(2025, 7, 2), voters=9, in_favour=7, actor=world.an
    )
    rs.proposal_received(candidate=candidate, on=dt.date(2025, 7, 7), actor=world.an)
    rs.candidate_admit(
        candidate=candidate,
        decision=decision(dt.date(2025, 8, 1), "7-QĐ/ĐU", "Đảng ủy xã Phước Hải"),
        actor=world.an,
    )
    q1 = funnel(world.phuoc_hai, dt.date(2025, 1, 1), dt.date(2025, 3, 31))["counts"]
    assert q1["introduced"] == 1 and q1["recognised"] == 0
    h2 = funnel(world.phuoc_hai, dt.date(2025, 7, 1), dt.date(2025, 12, 31))
    assert h2["counts"]["decisions"] == 1 and h2["counts"]["cell_resolutions"] == 0
    assert h2["breakdown"]["women"] == 1 and h2["breakdown"]["youth"] == 1
    assert h2["breakdown"]["enterprise"] == 1
    year = funnel(world.phuoc_hai, dt.date(2025, 1, 1), dt.date(2025, 12, 31))["counts"]
    assert (year["certified"], year["cell_resolutions"], year["decisions"]) == (1, 1, 1)
    # Thành's ceremony was in 2024; nothing in another commune counts here.
    assert (
        funnel(world.tan_son, dt.date(2025, 1, 1), dt.date(2025, 12, 31))["counts"]["decisions"]
        == 0
    )


def test_the_committees_steps_are_not_the_cells(world):
    # The cell's secretary (binh: PH-1 only) records the cell's work, not the commune's vote, the
    # extension or the decision (DOMAIN-2.md §6.5: the competent committee decides).
    candidate = enter(world)
    complete(world, candidate)
    rs.cell_vote(candidate=candidate, on=VOTE, in_favour=2, actor=world.binh)
    with pytest.raises((PermissionDenied, Http404)):
        rs.committee_vote(
            candidate=candidate, on=dt.date(2026, 3, 27), voters=9, in_favour=7, actor=world.binh
        )
    rs.committee_vote(
        candidate=candidate, on=dt.date(2026, 3, 27), voters=9, in_favour=7, actor=world.an
    )
    with pytest.raises((PermissionDenied, Http404)):
        rs.proposal_received(candidate=candidate, on=dt.date(2026, 4, 1), actor=world.binh)
    rs.proposal_received(candidate=candidate, on=dt.date(2026, 4, 1), actor=world.an)
    with pytest.raises((PermissionDenied, Http404)):
        rs.candidate_admit(
            candidate=candidate,
            decision=decision(dt.date(2026, 5, 15), "9-QĐ/ĐU", "Đảng ủy xã Phước Hải"),
            actor=world.binh,
        )
    with pytest.raises((PermissionDenied, Http404)):  # gone up: the cell does not close it
        rs.candidate_close(
            candidate=candidate,
            status="withdrawn",
            on=dt.date(2026, 4, 2),
            reason="Rút",
            actor=world.binh,
        )
    # A step is recorded once: the cell's vote again would change what a period counted.
    with pytest.raises(ValidationError) as exc:
        rs.cell_vote(candidate=candidate, on=dt.date(2026, 3, 25), in_favour=1, actor=world.an)
    assert "20/03/2026" in exc.value.message_dict["cell_vote_on"][0]
    assert Candidate.objects.get(pk=candidate.pk).status == Candidate.Status.OPEN


def test_a_citizen_id_of_another_province_is_not_named(world):
    # A name is data: Sơn (TS-1, Tân Sơn) is outside binh's scope; his ID is refused without his
    # name, and his record is not changed.
    son = world.members["son"]
    stranger = PersonInput(
        full_name="Lê Văn Khác",
        sex="M",
        birth_date=dt.date(1979, 12, 30),
        citizen_id="056079000777",
    )
    with pytest.raises(ValidationError) as exc:
        rs.candidate_enter(
            person=stranger,
            cell=world.ph1,
            kind="person",
            source_kind="residential",
            introduced_by="Ban Công tác Mặt trận thôn",
            introduced_on=dt.date(2025, 5, 1),
            actor=world.binh,
        )
    message = exc.value.message_dict["citizen_id"][0]
    assert "056079000777" in message and "Lê Minh Sơn" not in message
    son.person.refresh_from_db()
    assert son.person.full_name == "Lê Minh Sơn"


def test_a_stale_paper_redone_counts_and_a_paper_after_the_vote_does_not(world):
    candidate = enter(world)
    complete(world, candidate, on=dt.date(2026, 2, 10))
    # The residential cell's opinion of 01/03/2025 replaced by one of 01/03/2026 (§4.2).
    Document = candidate.documents.model
    Document.objects.filter(candidate=candidate, kind="residence_opinion").update(
        dated=dt.date(2025, 3, 1)
    )
    assert any("01/03/2025" in m for m in missing(candidate, VOTE))
    rs.document_record(
        candidate=candidate, kind="residence_opinion", dated=dt.date(2026, 3, 1), actor=world.binh
    )
    assert missing(candidate, VOTE) == []
    # Without the old paper, on 20/02/2026 the new one (dated 01/03/2026) did not exist yet.
    Document.objects.filter(
        candidate=candidate, kind="residence_opinion", dated=dt.date(2025, 3, 1)
    ).delete()
    assert str(rs.DOCUMENT_KINDS["residence_opinion"]) in missing(candidate, dt.date(2026, 2, 20))


def test_the_parents_are_verified_too(world):
    # DOMAIN-2.md §6.4: the applicant, and the parents or whoever raised them.
    candidate = enter(world)
    complete(world, candidate)
    candidate.verifications.filter(relation="father").delete()
    assert any("cha mẹ" in m or "parents" in m for m in missing(candidate, VOTE))


def test_the_entry_checks_the_age_and_that_the_id_is_the_persons(world):
    # Nobody younger than the Union's 16 is introduced (born 01/05/2012: 12 on 26/03/2025).
    young = lan()
    young.birth_date = dt.date(2012, 5, 1)
    young.citizen_id = None
    with pytest.raises(ValidationError) as exc:
        rs.candidate_enter(
            person=young,
            cell=world.ph1,
            kind="union_member",
            source_kind="union",
            introduced_by="Ban Chấp hành Đoàn xã Phước Hải",
            introduced_on=dt.date(2025, 3, 26),
            actor=world.binh,
        )
    assert "16" in exc.value.message_dict["introduced_on"][0]
    # A closed file's person, entered again under another name with the same ID, is not renamed.
    first = enter(world)
    rs.candidate_close(
        candidate=first, status="withdrawn", on=dt.date(2025, 4, 1), reason="Rút", actor=world.binh
    )
    other = lan()
    other.full_name = "Phạm Văn Khác"
    with pytest.raises(ValidationError) as exc:
        rs.candidate_enter(
            person=other,
            cell=world.ph1,
            kind="person",
            source_kind="residential",
            introduced_by="Ban Công tác Mặt trận thôn",
            introduced_on=dt.date(2025, 5, 1),
            actor=world.binh,
        )
    assert "Trần Thị Lan" in exc.value.message_dict["citizen_id"][0]
    first.person.refresh_from_db()
    assert first.person.full_name == "Trần Thị Lan"
    # The same person again: a new file on the same record.
    second = enter(world)
    assert second.person_id == first.person_id and second.pk != first.pk


def test_a_verification_is_completed_not_repeated(world):
    candidate = enter(world)
    rs.verification_record(
        candidate=candidate,
        relation="self",
        name="Trần Thị Lan",
        requested_on=dt.date(2025, 6, 1),
        actor=world.binh,
    )
    rs.verification_record(
        candidate=candidate,
        relation="self",
        name="Trần Thị Lan",
        requested_on=dt.date(2025, 6, 1),
        answered_on=dt.date(2025, 6, 20),
        concluded_on=dt.date(2025, 6, 25),
        conclusion="Lịch sử chính trị rõ ràng",
        actor=world.binh,
    )
    [row] = candidate.verifications.all()
    assert row.concluded_on == dt.date(2025, 6, 25)
