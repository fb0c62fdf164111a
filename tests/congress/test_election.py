"""A congress, its election counted and approved, the seats over the term, through the services
every door uses (DOMAIN.md §8.1, §8.4, §16.4; DOMAIN-2.md §5.1)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.http import Http404

from dangvu.congress import selectors
from dangvu.congress import services as cs
from dangvu.congress.models import Election, Seat
from dangvu.core.models import ChangeLogEntry
from dangvu.reports import congress as documents
from dangvu.rules import congress as rules
from tests.conftest import admit, decision

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

CONGRESS_DAY = dt.date(2025, 5, 20)


def party(world, n=9):
    """Nine more official members in Phước Hải (eleven with Hoa and An): women, young, a Chăm."""
    names = [
        "Phạm Thị Mai",
        "Võ Thị Lan",
        "Nguyễn Văn Tùng",
        "Trần Văn Bảo",
        "Lê Văn Cường",
        "Huỳnh Văn Đức",
        "Đặng Văn Giang",
        "Bùi Văn Hải",
        "Thành Văn Khoa",
    ]
    made = []
    for i in range(n):
        made.append(
            admit(
                world.ph1 if i % 2 else world.ph2,
                names[i],
                sex="F" if i < 2 else "M",
                birth=dt.date(1990, 3, 1) if i < 3 else dt.date(1972, 6, 1),
                ethnicity="17" if i == 8 else "01",
            )
        )
    return made


def congress(world, **extra):
    data = {
        "first_year": 2025,
        "last_year": 2030,
        "kind": rules.MEMBER_CONGRESS,
        "opens_on": CONGRESS_DAY,
        "closes_on": CONGRESS_DAY,
        "convened": 11,
        "present": 10,
        "number": 3,
        **extra,
    }
    return cs.congress_record(org=world.phuoc_hai, data=cs.CongressInput(**data), actor=world.an)


def listed(world, members, seats=5, present=10, **extra):
    c = extra.pop("congress", None) or congress(world)
    return cs.election_open(
        org=world.phuoc_hai,
        term=c.term,
        body=rules.EXECUTIVE,
        held_on=CONGRESS_DAY,
        seats=seats,
        base_kind=rules.MEMBER_CONGRESS,
        convened=11,
        present=present,
        nominees=[cs.NomineeInput(member=m) for m in members],
        congress=c,
        actor=world.an,
        **extra,
    )


def test_the_worked_example_through_the_count_and_the_approval(world):
    """§8.4: 11 official members convened, 10 present; 5 votes is not elected, 6 is. Five seats,
    six on the list (a committee of 3–5 takes one more). The result waits for its approval; then
    the elected hold their seats from the congress day, and the count is in the log."""
    people = party(world)
    hoa = world.members["hoa"]
    nominees = [hoa, *people[:5]]
    election = listed(world, nominees)
    votes = {
        hoa.pk: 9,
        people[0].pk: 8,
        people[1].pk: 7,
        people[2].pk: 6,
        people[3].pk: 5,
        people[4].pk: 10,
    }
    outcome = cs.election_count(
        election=election,
        votes=votes,
        ballots_issued=10,
        ballots_collected=10,
        invalid=0,
        actor=world.an,
    )
    assert (outcome.base, outcome.needed) == (11, 6)
    election.refresh_from_db()
    assert election.status == Election.Status.COUNTED
    by_name = {n.member_id: n for n in election.nominees.all()}
    assert by_name[people[3].pk].outcome == "failed"  # 5 of 11: not more than half
    assert by_name[people[2].pk].outcome == "elected"  # 6 of 11
    assert by_name[people[4].pk].rank == 1
    assert not Seat.objects.filter(org=world.phuoc_hai).exists()  # pending the approval
    approval = decision(dt.date(2025, 6, 5), "120-QĐ/HU", "Ban Thường vụ Huyện ủy")
    seats = cs.election_approve(election=election, decision=approval, actor=world.an)
    assert {s.member_id for s in seats} == {
        hoa.pk,
        people[0].pk,
        people[1].pk,
        people[2].pk,
        people[4].pk,
    }
    assert all(s.since == CONGRESS_DAY and s.how == rules.AT_CONGRESS for s in seats)
    committee = selectors.committee_on(world.phuoc_hai, dt.date(2025, 7, 1))
    assert len(committee[rules.EXECUTIVE]) == 5
    assert selectors.committee_on(world.phuoc_hai, dt.date(2025, 5, 19))[rules.EXECUTIVE] == []
    actions = set(ChangeLogEntry.objects.values_list("action", flat=True))
    assert {"congress.create", "election.create", "election.count", "election.approve"} <= actions


def test_deductions_lower_the_base(world):
    """QĐ 190 Điều 30: of 11 convened, one on temporary activity elsewhere and one suspended are
    deducted: 9 → 5 votes elect."""
    people = party(world)
    election = listed(
        world,
        [world.members["hoa"], *people[:5]],
        deductions={"temporary_elsewhere": 1, "suspended": 1},
    )
    votes = {n.member_id: 5 for n in election.nominees.all()}
    votes[world.members["hoa"].pk] = 4
    outcome = cs.election_count(
        election=election,
        votes=votes,
        ballots_issued=9,
        ballots_collected=9,
        invalid=0,
        actor=world.an,
    )
    assert (outcome.base, outcome.needed) == (9, 5)
    assert len(outcome.elected) == 5 and world.members["hoa"].pk not in [
        int(k) for k in outcome.elected
    ]


def test_a_tie_at_the_last_seat_waits_for_the_congress_then_a_further_round(world):
    people = party(world)
    election = listed(world, people[:6])
    votes = {
        people[0].pk: 9,
        people[1].pk: 9,
        people[2].pk: 8,
        people[3].pk: 8,
        people[4].pk: 7,
        people[5].pk: 7,
    }
    outcome = cs.election_count(
        election=election,
        votes=votes,
        ballots_issued=10,
        ballots_collected=10,
        invalid=0,
        actor=world.an,
    )
    assert len(outcome.elected) == 4 and outcome.seats_left == 1 and len(outcome.tied) == 2
    cs.election_approve(
        election=election, decision=decision(dt.date(2025, 6, 5), "121-QĐ/HU"), actor=world.an
    )
    second = cs.election_open(
        org=world.phuoc_hai,
        term=election.term,
        body=rules.EXECUTIVE,
        held_on=CONGRESS_DAY,
        seats=1,
        round=2,
        base_kind=rules.MEMBER_CONGRESS,
        convened=11,
        present=10,
        nominees=[cs.NomineeInput(member=people[4]), cs.NomineeInput(member=people[5])],
        congress=election.congress,
        actor=world.an,
    )
    cs.election_count(
        election=second,
        votes={people[4].pk: 7, people[5].pk: 3},
        ballots_issued=10,
        ballots_collected=10,
        invalid=0,
        actor=world.an,
    )
    cs.election_approve(
        election=second, decision=decision(dt.date(2025, 6, 5), "122-QĐ/HU"), actor=world.an
    )
    # The second round adds to the first: five seats, the first round's four kept.
    held = Seat.objects.filter(org=world.phuoc_hai, body=rules.EXECUTIVE, until__isnull=True)
    assert held.count() == 5


def test_what_the_count_refuses(world):
    people = party(world)
    election = listed(world, [world.members["hoa"], *people[:5]])
    base = {"ballots_issued": 10, "ballots_collected": 10, "invalid": 1, "actor": world.an}
    votes = {n.member_id: 5 for n in election.nominees.all()}
    with pytest.raises(ValidationError) as refused:
        cs.election_count(election=election, votes={**votes, people[0].pk: 10}, **base)
    assert "9 phiếu hợp lệ" in str(refused.value)
    with pytest.raises(ValidationError):
        cs.election_count(election=election, votes=votes, **{**base, "ballots_collected": 11})
    with pytest.raises(ValidationError):  # more ballots issued than present
        cs.election_count(
            election=election,
            votes=votes,
            **{**base, "ballots_issued": 11, "ballots_collected": 11},
        )
    missing = dict(votes)
    missing.pop(people[0].pk)
    with pytest.raises(ValidationError) as refused:
        cs.election_count(election=election, votes=missing, **base)
    assert people[0].person.full_name in str(refused.value)
    with pytest.raises(ValidationError):  # approval before the count
        cs.election_approve(
            election=election, decision=decision(dt.date(2025, 6, 5)), actor=world.an
        )


def test_what_the_list_refuses(world):
    """The surplus (QĐ 190 Điều 14), the floor's 30 %, a candidate outside the organisation."""
    people = party(world)
    c = congress(world)
    with pytest.raises(ValidationError):  # 5 seats, 7 listed: a surplus of two
        listed(world, [world.members["hoa"], *people[:6]], congress=c)
    with pytest.raises(ValidationError) as refused:  # a member of Tân Sơn is not of Phước Hải
        listed(world, [world.members["son"], *people[:5]], congress=c)
    assert "Lê Minh Sơn" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        cs.election_open(
            org=world.phuoc_hai,
            term=c.term,
            body=rules.EXECUTIVE,
            held_on=CONGRESS_DAY,
            seats=5,
            base_kind=rules.MEMBER_CONGRESS,
            convened=11,
            present=10,
            nominees=[cs.NomineeInput(member=m) for m in people[:5]]
            + [cs.NomineeInput(member=people[5], from_floor=True, floor_support=3)],
            congress=c,
            actor=world.an,
        )
    assert "trên 30%" in str(refused.value)
    # 4 of 10 present is more than 30 %: admitted.
    ok = cs.election_open(
        org=world.phuoc_hai,
        term=c.term,
        body=rules.EXECUTIVE,
        held_on=CONGRESS_DAY,
        seats=5,
        base_kind=rules.MEMBER_CONGRESS,
        convened=11,
        present=10,
        nominees=[cs.NomineeInput(member=m) for m in people[:5]]
        + [cs.NomineeInput(member=people[5], from_floor=True, floor_support=4)],
        congress=c,
        actor=world.an,
    )
    assert ok.nominees.filter(listed="floor").count() == 1


def test_who_may_record(world):
    party(world)
    with pytest.raises(Http404):  # Tân Sơn's officer does not see Phước Hải
        cs.congress_record(
            org=world.phuoc_hai,
            data=cs.CongressInput(
                2025, 2030, rules.MEMBER_CONGRESS, CONGRESS_DAY, CONGRESS_DAY, 11, 10
            ),
            actor=world.cuong,
        )
    with pytest.raises(PermissionDenied):  # a viewer of the province sees but does not write
        cs.congress_record(
            org=world.phuoc_hai,
            data=cs.CongressInput(
                2025, 2030, rules.MEMBER_CONGRESS, CONGRESS_DAY, CONGRESS_DAY, 11, 10
            ),
            actor=world.dung,
        )


def test_an_appointed_committee_and_its_composition(world):
    """CT 45: a merged organisation's congress has two contents; its committee is appointed by
    the superior. Renewal is not judged for it."""
    people = party(world)
    c = congress(
        world, appointed=True, opens_on=dt.date(2025, 8, 10), closes_on=dt.date(2025, 8, 10)
    )
    assert c.contents == rules.MERGED_CONTENTS
    with pytest.raises(ValidationError):
        listed(world, people[:6], congress=c)
    seats = cs.committee_appoint(
        org=world.phuoc_hai,
        term=c.term,
        body=rules.EXECUTIVE,
        members=[world.members["hoa"], *people[:6]],
        decision=decision(dt.date(2025, 7, 20), "300-QĐ/TU"),
        science=[people[3].pk],
        actor=world.an,
    )
    assert len(seats) == 7 and all(s.how == rules.APPOINTED for s in seats)
    found = selectors.composition_of(world.phuoc_hai, c.term)
    figures = {f.key: f for f in found.figures}
    assert found.day == dt.date(2025, 7, 20) and found.merged
    # Hoa and two of the nine are women: 3 of 7.
    assert (figures["women"].count, figures["women"].met) == (3, True)
    assert figures["renewal"].met is None
    assert figures["science"].count == 1
    # Hoa is a Chăm (17) in the world: 1 of 7 ethnic minority.
    assert figures["minority"].count == 1
    with pytest.raises(Http404):
        cs.committee_appoint(
            org=world.phuoc_hai,
            term=c.term,
            body=rules.SECRETARY,
            members=[people[0]],
            decision=decision(dt.date(2025, 7, 21)),
            actor=world.cuong,
        )


def test_a_member_who_leaves_leaves_the_seat_with_the_reason(world):
    people = party(world)
    c = congress(world, appointed=True)
    seats = cs.committee_appoint(
        org=world.phuoc_hai,
        term=c.term,
        body=rules.EXECUTIVE,
        members=people[:5],
        decision=decision(dt.date(2025, 5, 25), "301-QĐ/TU"),
        actor=world.an,
    )
    left = cs.seat_leave(
        seat=seats[0], on=dt.date(2026, 2, 1), reason="transferred", actor=world.an
    )
    assert left.until == dt.date(2026, 2, 1)
    assert len(selectors.committee_on(world.phuoc_hai, dt.date(2026, 1, 31))[rules.EXECUTIVE]) == 5
    assert len(selectors.committee_on(world.phuoc_hai, dt.date(2026, 2, 1))[rules.EXECUTIVE]) == 4
    with pytest.raises(ValidationError):
        cs.seat_leave(seat=seats[0], on=dt.date(2026, 3, 1), reason="transferred", actor=world.an)


def test_the_minutes_and_the_committee_list_are_party_documents(world):
    from docx import Document

    people = party(world)
    election = listed(world, [world.members["hoa"], *people[:5]])
    votes = {n.member_id: 4 + i for i, n in enumerate(election.nominees.all())}
    cs.election_count(
        election=election,
        votes=votes,
        ballots_issued=10,
        ballots_collected=10,
        invalid=0,
        actor=world.an,
    )
    text = "\n".join(p.text for p in Document(io.BytesIO(documents.minutes(election))).paragraphs)
    assert "BIÊN BẢN KIỂM PHIẾU" in text and "ít nhất 6 phiếu" in text
    assert "chuẩn y" in text and "2025-" not in text
    cs.election_approve(
        election=election, decision=decision(dt.date(2025, 6, 5), "125-QĐ/HU"), actor=world.an
    )
    doc = Document(io.BytesIO(documents.committee_list(world.phuoc_hai, election.term)))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    elected = [n.member.person.full_name for n in election.nominees.filter(outcome="elected")]
    assert len(elected) == 4 and all(name in cells for name in elected)
    assert "Nguyễn Thị Hoa" not in cells  # 4 votes of 11: not elected
    assert "Ban Chấp hành" in cells and "Kinh" in cells and "Lần đầu" in cells
    assert any("2025" in p.text for p in doc.paragraphs)


def test_the_ballot_sheet_command(tmp_path):
    """`dangvu election count FILE`: one row per ballot; a ballot agreeing to more than the seats
    is invalid; both marks give no vote; the winner needs more than half of 11 − 1 = 10."""
    sheet = tmp_path / "kiem-phieu.csv"
    rows = [
        "Số cần bầu,2",
        "Loại đại hội,đảng viên",
        "Số được triệu tập,11",
        "Đảng viên vắng mặt suốt đại hội có lý do,1",
        "Số phiếu phát ra,10",
        "",
        "Phiếu số,Nguyễn Văn A,Trần Thị B,Lê Văn C",
    ]
    ballots = [
        ("x", "x", ""),
        ("x", "x", "k"),
        ("x", "k", "x"),
        ("x", "x", ""),
        ("x", "dk", "x"),
        ("x", "x", "x"),  # three for two seats: invalid
        ("k", "x", "x"),
        ("x", "x", ""),
        ("x", "", "x"),
        ("x", "x", "k"),
    ]
    rows += [f"{i},{a},{b},{c}" for i, (a, b, c) in enumerate(ballots, 1)]
    sheet.write_text("\n".join(rows), encoding="utf-8")
    out = io.StringIO()
    call_command("election", "count", str(sheet), format="json", stdout=out)
    import json

    found = json.loads(out.getvalue())
    assert (found["base"], found["needed"]) == (10, 6)
    assert found["ballots"] == {"issued": 10, "collected": 10, "valid": 9, "invalid": 1}
    votes = {c["name"]: c["votes"] for c in found["candidates"]}
    # A: ballots 1,2,3,4,5,8,9,10 = 8; B: 1,2,4,7,8,10 = 6; C: 3,5,7,9 = 4.
    assert votes == {"Nguyễn Văn A": 8, "Trần Thị B": 6, "Lê Văn C": 4}
    assert found["elected"] == ["Nguyễn Văn A", "Trần Thị B"]


def test_the_ballot_sheet_names_what_is_wrong(tmp_path):
    from django.core.management.base import CommandError

    sheet = tmp_path / "sai.csv"
    sheet.write_text(
        "Số cần bầu,2\nLoại đại hội,đại biểu\nSố được triệu tập,350\n\nPhiếu số,A,B\n1,x,?\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as refused:
        call_command("election", "count", str(sheet), format="json", stdout=io.StringIO())
    assert "Dòng 6" in str(refused.value) and "“B”" in str(refused.value)


def test_a_round_entered_from_its_minutes_obeys_the_same_rules(world):
    """election_record (the ballot sheet, the demo, a congress held before the records were kept
    here): the same list, count and approval rules as the three steps, in one change."""
    people = party(world)
    c = congress(world)
    common = {
        "org": world.phuoc_hai,
        "term": c.term,
        "body": rules.EXECUTIVE,
        "held_on": CONGRESS_DAY,
        "seats": 5,
        "base_kind": rules.MEMBER_CONGRESS,
        "convened": 11,
        "present": 10,
        "ballots_issued": 10,
        "ballots_collected": 10,
        "invalid": 0,
        "congress": c,
        "actor": world.an,
    }
    nominees = [world.members["hoa"], *people[:5]]
    votes = {m.pk: v for m, v in zip(nominees, [5, 10, 9, 8, 7, 6], strict=True)}
    with pytest.raises(ValidationError):  # a member of Tân Sơn
        cs.election_record(
            nominees=[
                cs.NomineeInput(member=world.members["son"]),
                *[cs.NomineeInput(member=m) for m in people[:5]],
            ],
            votes={world.members["son"].pk: 6, **{m.pk: 6 for m in people[:5]}},
            **common,
        )
    with pytest.raises(ValidationError):  # 11 votes, 10 valid ballots
        cs.election_record(
            nominees=[cs.NomineeInput(member=m) for m in nominees],
            votes={**votes, people[0].pk: 11},
            **common,
        )
    election = cs.election_record(
        nominees=[cs.NomineeInput(member=m) for m in nominees],
        votes=votes,
        approval=decision(dt.date(2025, 6, 5), "130-QĐ/HU"),
        **common,
    )
    assert election.status == Election.Status.APPROVED
    seated = set(Seat.objects.filter(election=election).values_list("member_id", flat=True))
    assert seated == {m.pk for m in people[:5]}  # Hoa: 5 of 11, not more than half
    assert ChangeLogEntry.objects.filter(action="election.record").count() == 1


def test_a_further_round_fills_only_the_seats_still_open(world):
    """Round 1 elects 4 of 5 (a tie at the last seat): a round 2 for 2 seats is refused, one
    for 1 seat is listed."""
    people = party(world)
    election = listed(world, people[:6])
    votes = dict(zip([p.pk for p in people[:6]], [9, 9, 8, 8, 7, 7], strict=True))
    cs.election_count(
        election=election,
        votes=votes,
        ballots_issued=10,
        ballots_collected=10,
        invalid=0,
        actor=world.an,
    )
    again = {
        "org": world.phuoc_hai,
        "term": election.term,
        "body": rules.EXECUTIVE,
        "held_on": CONGRESS_DAY,
        "round": 2,
        "base_kind": rules.MEMBER_CONGRESS,
        "convened": 11,
        "present": 10,
        "nominees": [cs.NomineeInput(member=people[4]), cs.NomineeInput(member=people[5])],
        "congress": election.congress,
        "actor": world.an,
    }
    with pytest.raises(ValidationError) as refused:
        cs.election_open(seats=2, **again)
    assert "chỉ còn thiếu 1 trong số 5" in str(refused.value)
    assert cs.election_open(seats=1, **again).round == 2


def test_posts_follow_the_executive_committee(world):
    """The deputy is appointed from the executive committee; sending the same appointment twice
    is refused; leaving the executive committee ends the posts held within it."""
    people = party(world)
    c = congress(world, appointed=True)
    on = dt.date(2025, 5, 25)
    common = {"org": world.phuoc_hai, "term": c.term, "actor": world.an}
    cs.committee_appoint(
        body=rules.EXECUTIVE, members=people[:5], decision=decision(on, "401-QĐ/TU"), **common
    )
    with pytest.raises(ValidationError) as refused:
        cs.committee_appoint(
            body=rules.DEPUTY, members=[people[6]], decision=decision(on, "402-QĐ/TU"), **common
        )
    assert people[6].person.full_name in str(refused.value)
    secretary = cs.committee_appoint(
        body=rules.SECRETARY, members=[people[0]], decision=decision(on, "403-QĐ/TU"), **common
    )[0]
    with pytest.raises(ValidationError):  # the same form sent twice
        cs.committee_appoint(
            body=rules.SECRETARY, members=[people[0]], decision=decision(on, "404-QĐ/TU"), **common
        )
    executive = Seat.objects.get(body=rules.EXECUTIVE, member=people[0], org=world.phuoc_hai)
    cs.seat_leave(seat=executive, on=dt.date(2026, 3, 1), reason="retired", actor=world.an)
    secretary.refresh_from_db()
    assert (secretary.until, secretary.left_reason) == (dt.date(2026, 3, 1), "retired")
    assert selectors.committee_on(world.phuoc_hai, dt.date(2026, 3, 2))[rules.SECRETARY] == []


def test_a_count_written_as_officers_write_it():
    """ "1.000" is a thousand; a number past any congress is refused, not a server error."""
    from dangvu.congress.forms import CongressForm

    data = {
        "first_year": 2025,
        "last_year": 2030,
        "kind": rules.DELEGATE_CONGRESS,
        "opens_on": "20/08/2025",
        "closes_on": "21/08/2025",
        "convened": "1.000",
        "present": "998",
    }
    form = CongressForm(data)
    assert form.is_valid() and form.cleaned_data["convened"] == 1000
    huge = CongressForm({**data, "convened": "99999999999999999999999"})
    assert not huge.is_valid() and "convened" in huge.errors


def test_a_round_entered_in_error_is_withdrawn_not_erased(world):
    """A mistyped count withdrawn before its approval: kept with its reason, counted nowhere (a
    round 1 entered again is a round 1); an approved result is not withdrawn."""
    people = party(world)
    election = listed(world, [world.members["hoa"], *people[:5]])
    votes = {n.member_id: 6 for n in election.nominees.all()}
    votes[world.members["hoa"].pk] = 2
    cs.election_count(
        election=election,
        votes=votes,
        ballots_issued=10,
        ballots_collected=10,
        invalid=0,
        actor=world.an,
    )
    with pytest.raises(ValidationError):
        cs.election_void(election=election, reason=" ", actor=world.an)
    cs.election_void(election=election, reason="Nhập nhầm số phiếu", actor=world.an)
    election.refresh_from_db()
    assert election.status == Election.Status.VOID and election.void_reason == "Nhập nhầm số phiếu"
    again = listed(world, [world.members["hoa"], *people[:5]], congress=election.congress)
    cs.election_count(
        election=again,
        votes=votes,
        ballots_issued=10,
        ballots_collected=10,
        invalid=0,
        actor=world.an,
    )
    cs.election_approve(
        election=again, decision=decision(dt.date(2025, 6, 5), "140-QĐ/HU"), actor=world.an
    )
    assert Seat.objects.filter(election=again).count() == 5
    assert not Seat.objects.filter(election=election).exists()
    with pytest.raises(ValidationError):
        cs.election_void(election=again, reason="Muộn", actor=world.an)
    assert ChangeLogEntry.objects.filter(action="election.void").count() == 1
