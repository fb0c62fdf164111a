"""Recording events from the member page: forms per event whose rule checks explain themselves."""

import datetime as dt

import pytest
from django.urls import reverse

from dangvu.members.models import MembershipEvent
from tests.conftest import admit

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]
DECISION = {
    "decision_number": "21-QĐ/ĐU",
    "decision_date": "10/01/2025",
    "decision_issuer": "Đảng ủy xã Phước Hải",
}


@pytest.fixture
def as_binh(client, world):
    client.force_login(world.binh)
    return client


def test_the_member_page_offers_the_events_that_may_come_next(as_binh, world):
    hoa = world.members["hoa"]
    page = as_binh.get(reverse("members:detail", args=[hoa.pk])).content.decode()
    for kind in ("transfer_out", "exemption", "removal", "death", "temp_transfer_out"):
        assert reverse("members:event", args=[hoa.pk, kind]) in page
    for kind in ("recognition", "ceremony", "exemption_end", "readmission"):
        assert reverse("members:event", args=[hoa.pk, kind]) not in page  # not possible for her now
    assert as_binh.get(reverse("members:event", args=[hoa.pk, "recognition"])).status_code == 404


def test_a_late_ceremony_is_refused_with_its_deadline_then_accepted_with_the_consent(
    as_binh, world
):
    member = admit(
        world.ph1,
        "Đỗ Thị Hạnh",
        sex="F",
        birth=dt.date(1996, 1, 1),
        decided=dt.date(2025, 1, 2),
        ceremony=None,
        recognised=False,
    )
    url = reverse("members:event", args=[member.pk, "ceremony"])
    page = as_binh.post(url, {"on": "21/02/2025"}).content.decode()
    assert "20/02/2025" in page and "Xin sửa các mục sau" in page
    assert not MembershipEvent.objects.filter(member=member, kind="ceremony").exists()
    response = as_binh.post(url, {"on": "21/02/2025", "exception": "CV 5-CV/ĐU đồng ý"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.ceremony_date == dt.date(2025, 2, 21)


def test_an_exemption_then_its_correction_from_the_pages(as_binh, world):
    hoa = world.members["hoa"]
    response = as_binh.post(
        reverse("members:event", args=[hoa.pk, "exemption"]),
        {"on": "10/01/2025", "ground": "health", **DECISION},
    )
    assert response.status_code == 302
    page = as_binh.get(reverse("members:detail", args=[hoa.pk])).content.decode()
    assert (
        "Miễn công tác và sinh hoạt đảng" in page and "Thôi miễn công tác và sinh hoạt đảng" in page
    )
    wrong = MembershipEvent.objects.get(member=hoa, kind="exemption")
    page = as_binh.post(
        reverse("members:correct", args=[hoa.pk, wrong.pk]), {"reason": ""}
    ).content.decode()
    assert "Xin sửa các mục sau" in page
    response = as_binh.post(
        reverse("members:correct", args=[hoa.pk, wrong.pk]), {"reason": "Nhầm đảng viên", "on": ""}
    )
    assert response.status_code == 302
    hoa.refresh_from_db()
    assert hoa.flags == []
    page = as_binh.get(reverse("members:detail", args=[hoa.pk])).content.decode()
    assert "Nhầm đảng viên" in page


def test_a_secretary_cannot_record_events_for_another_cell(as_binh, world):
    url = reverse("members:event", args=[world.members["son"].pk, "exemption"])
    assert as_binh.get(url).status_code == 404
    assert (
        as_binh.post(url, {"on": "10/01/2025", "ground": "health", **DECISION}).status_code == 404
    )


def test_the_work_list_shows_what_is_due_as_a_page_and_as_json(client, world):
    client.force_login(world.an)
    admit(
        world.ph2,
        "Võ Văn Chờ",
        birth=dt.date(1995, 5, 5),
        decided=dt.date(2025, 1, 2),
        ceremony=None,
        recognised=False,
    )
    data = client.get(reverse("members:worklist"), {"org": "TU-T", "format": "json"}).json()
    ceremonies = data["lists"]["ceremony"]
    assert [c["name"] for c in ceremonies] == ["Võ Văn Chờ"] and ceremonies[0]["overdue"] is True
    assert ceremonies[0]["due"] == "2025-02-20"
    recognition = [r["name"] for r in data["lists"]["recognition"]]
    assert recognition == ["Đàng Văn Thành"]  # ceremony 20/6/2024: due 20/6/2025, overdue
    page = client.get(reverse("members:worklist"), {"org": "TU-T"}).content.decode()
    assert "Võ Văn Chờ" in page and "Quá hạn" in page


def test_a_record_the_engine_refuses_opens_and_says_to_correct_it_first(client, world):
    """Hoa's ceremony missing from her record, as an older system wrote it: a recognition without
    its ceremony (DOMAIN.md §4.3: recognition counts from the ceremony). Her page opens — it used
    to fail with a server error — offers no new event until the wrong one is corrected, and says
    why only to one who has shown the sensitive data (a reason may concern discipline)."""
    from dangvu.members.event_views import available_events

    hoa = world.members["hoa"]
    MembershipEvent.objects.filter(member=hoa, kind="ceremony").delete()
    assert available_events(hoa) == []

    client.force_login(world.an)  # the province's officer, with the sensitive permission
    detail = reverse("members:detail", args=[hoa.pk])
    page = client.get(detail, HTTP_ACCEPT_LANGUAGE="vi")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Các sự kiện đã ghi không khớp với nhau" in text
    assert "ngày lễ kết nạp" not in text  # the reason is not shown before the sensitive data
    for kind in ("transfer_out", "death", "removal"):
        assert reverse("members:event", args=[hoa.pk, kind]) not in text
        assert client.get(reverse("members:event", args=[hoa.pk, kind])).status_code == 404
    recognition = MembershipEvent.objects.get(member=hoa, kind="recognition")
    assert reverse("members:correct", args=[hoa.pk, recognition.pk]) in text

    shown = client.get(detail, {"purpose": "dossier"}).content.decode()
    assert "Công nhận chính thức cần có ngày lễ kết nạp." in shown
