"""The congress pages as the province's organisation board uses them: a congress recorded, the
candidates listed, the count entered and approved, the committee and its composition read, the
documents downloaded; and who may not (issue 25, point 7)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse

from dangvu.congress.models import Congress, Election, Seat
from dangvu.core.dates import today
from tests.conftest import sign_in
from tests.congress.test_election import party

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def test_a_congress_from_the_form_to_the_committee(client, world):
    people = party(world)
    sign_in(client, world.an)
    url = reverse("congress:congress_new", args=["X-PH"])
    page = client.get(url)
    assert page.status_code == 200
    answer = client.post(
        url,
        {
            "first_year": 2025,
            "last_year": 2030,
            "number": 3,
            "kind": "members",
            "opens_on": "20/05/2025",
            "closes_on": "20/05/2025",
            "convened": 11,
            "present": 10,
        },
        follow=True,
    )
    assert answer.status_code == 200
    congress = Congress.objects.get(org=world.phuoc_hai)
    assert (
        "Bầu cấp ủy" in answer.content.decode()
        or "election of the committee" in answer.content.decode().lower()
    )
    url = reverse("congress:election_new", args=["X-PH", 2025, 2030])
    form = client.get(url).content.decode()
    assert people[0].person.full_name in form
    nominees = [world.members["hoa"].pk, *[p.pk for p in people[:5]]]
    answer = client.post(
        url,
        {
            "body": "executive",
            "how": "congress",
            "held_on": "20/05/2025",
            "round": 1,
            "seats": 5,
            "base_kind": "members",
            "convened": 11,
            "present": 10,
            "nominees": nominees,
        },
    )
    election = Election.objects.get(congress=congress)
    assert answer.status_code == 302 and answer["Location"] == reverse(
        "congress:election", args=[election.pk]
    )
    page = client.get(answer["Location"]).content.decode()
    assert "cần ít nhất 6 phiếu: quá một nửa của 11" in page
    votes = {f"count-votes_{n.pk}": 5 + i for i, n in enumerate(election.nominees.order_by("pk"))}
    bad = client.post(
        answer["Location"],
        {
            "step": "count",
            "count-ballots_issued": 10,
            "count-ballots_collected": 11,
            "count-invalid": 0,
            **votes,
        },
    )
    assert bad.status_code == 200 and "error-summary" in bad.content.decode()
    counted = client.post(
        answer["Location"],
        {
            "step": "count",
            "count-ballots_issued": 10,
            "count-ballots_collected": 10,
            "count-invalid": 0,
            **votes,
        },
        follow=True,
    )
    text = counted.content.decode()
    election.refresh_from_db()
    assert election.status == "counted"
    minutes = client.get(reverse("reports:election_minutes", args=[election.pk]))
    assert minutes.status_code == 200 and minutes["Content-Type"].startswith(
        "application/vnd.openxml"
    )
    approved = client.post(
        answer["Location"],
        {
            "step": "approve",
            "approve-decision_number": "120-QĐ/HU",
            "approve-decision_date": "05/06/2025",
            "approve-decision_issuer": "Ban Thường vụ Huyện ủy An Phước",
        },
        follow=True,
    )
    assert approved.status_code == 200
    # Votes 5, 6, …, 10 in the order listed: the first (5 of 11) is not elected, the five
    # others are, and hold their seats once approved.
    listed_order = list(election.nominees.order_by("pk"))
    assert set(Seat.objects.filter(org=world.phuoc_hai).values_list("member_id", flat=True)) == {
        n.member_id for n in listed_order[1:]
    }
    assert "không trúng cử" in text
    term = client.get(reverse("congress:term", args=["X-PH", 2025, 2030])).content.decode()
    assert "Cơ cấu cấp ủy ngày 20/05/2025" in term
    org_page = client.get(
        reverse("congress:org", args=["X-PH"]) + "?ngay=01/07/2025"
    ).content.decode()
    for seat in Seat.objects.filter(org=world.phuoc_hai).select_related("member__person"):
        assert seat.member.person.full_name in org_page
    for name in ("congress_report", "committee_list"):
        doc = client.get(reverse(f"reports:{name}", args=["X-PH", 2025, 2030]))
        assert doc.status_code == 200
        from docx import Document

        Document(io.BytesIO(doc.content))  # opens
    board = client.get(reverse("reports:congress_board", args=["TU-T"]) + "?vong=2025")
    assert board.status_code == 200
    assert "Đảng bộ xã Phước Hải" in board.content.decode()


def test_who_may_not(client, world):
    party(world)
    sign_in(client, world.binh)  # a cell secretary: sees the commune? no — only her cell
    assert client.get(reverse("congress:congress_new", args=["X-PH"])).status_code == 404
    sign_in(client, world.dung)  # a viewer of the province
    assert client.get(reverse("congress:org", args=["X-PH"])).status_code == 200
    # The form asks for the right to change the tree: a viewer is answered as for a page not there.
    assert client.get(reverse("congress:congress_new", args=["X-PH"])).status_code == 404
    assert client.get(reverse("congress:appoint", args=["X-PH"])).status_code == 403
    sign_in(client, world.cuong)  # Tân Sơn's officer
    assert client.get(reverse("congress:org", args=["X-PH"])).status_code == 404
    assert client.get(reverse("reports:congress_board", args=["X-PH"])).status_code == 404


def test_a_member_who_left_is_listed_for_the_officer(client, world):
    from dangvu.congress import services as cs
    from dangvu.members.events import event_record
    from dangvu.rules import congress as rules
    from tests.conftest import decision

    people = party(world)
    c = cs.congress_record(
        org=world.phuoc_hai,
        data=cs.CongressInput(
            2025,
            2030,
            rules.MEMBER_CONGRESS,
            dt.date(2025, 5, 20),
            dt.date(2025, 5, 20),
            11,
            10,
            appointed=True,
        ),
        actor=world.an,
    )
    cs.committee_appoint(
        org=world.phuoc_hai,
        term=c.term,
        body=rules.EXECUTIVE,
        members=people[:5],
        decision=decision(dt.date(2025, 5, 25), "301-QĐ/TU"),
        actor=world.an,
    )
    event_record(
        member=people[0],
        kind="death",
        on=today() - dt.timedelta(days=3),
        actor=world.an,
    )
    sign_in(client, world.an)
    page = client.get(reverse("congress:org", args=["X-PH"])).content.decode()
    left = page[page.index('id="left-h"') : page.index("</section>")]
    assert people[0].person.full_name in left
    assert people[1].person.full_name not in left


def test_the_work_list_names_a_committee_member_who_left(world):
    """members.extensions: the organisation's work list carries the seats still held by someone
    no longer in the organisation, from the day they left."""
    from dangvu.congress import services as cs
    from dangvu.congress.worklists import seats_left_behind
    from dangvu.members.events import event_record
    from dangvu.rules import congress as rules
    from tests.conftest import decision

    people = party(world)
    c = cs.congress_record(
        org=world.phuoc_hai,
        data=cs.CongressInput(
            2025,
            2030,
            rules.MEMBER_CONGRESS,
            dt.date(2025, 5, 20),
            dt.date(2025, 5, 20),
            11,
            10,
            appointed=True,
        ),
        actor=world.an,
    )
    cs.committee_appoint(
        org=world.phuoc_hai,
        term=c.term,
        body=rules.EXECUTIVE,
        members=people[:5],
        decision=decision(dt.date(2025, 5, 25), "302-QĐ/TU"),
        actor=world.an,
    )
    day = today()
    assert seats_left_behind(world.an, world.province, day, day) == []
    died = day - dt.timedelta(days=10)
    event_record(member=people[1], kind="death", on=died, actor=world.an)
    items = seats_left_behind(world.an, world.province, day, day)
    assert [(i.name, i.due) for i in items] == [(people[1].person.full_name, died)]
    assert items[0].place == world.phuoc_hai
