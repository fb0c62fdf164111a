"""The home page (issue 23, points 1 and 8): search, the user's organisations with their work
and ratings, comments awaiting an answer, notices — and the menu that reaches every area."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from dangvu.accounts.models import Notice
from dangvu.reports.models import ReportRun
from tests.conftest import sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.once]


def test_a_secretary_s_home_has_search_her_cell_and_its_panels(client, world):
    sign_in(client, world.binh)
    page = client.get(reverse("home")).content.decode()
    assert 'role="search"' in page and 'name="q"' in page
    assert "Chi bộ Thôn Phước Lập" in page and "Chi bộ Thôn Hữu Đức" not in page
    assert reverse("desk:work", args=["PH-1"]) in page
    assert reverse("members:admit") + "?org=PH-1" in page
    # the menu reaches ratings and awards; restructuring only for those who may change the tree
    assert reverse("desk:ratings_start") in page and reverse("desk:awards_start") in page
    assert reverse("restructuring:list") not in page
    work = client.get(reverse("desk:work", args=["PH-1"])).content.decode()
    assert "Danh sách việc cần làm" in work or "Việc cần làm" in work
    ratings = client.get(reverse("desk:ratings", args=["PH-1"])).content.decode()
    assert "Xếp loại năm" in ratings and "đảng viên" in ratings
    # another organisation's panels are not hers
    assert client.get(reverse("desk:work", args=["PH-2"])).status_code == 404
    assert client.get(reverse("desk:ratings", args=["TS-1"])).status_code == 404
    start = client.get(reverse("desk:ratings_start"))
    from dangvu.desk.views import rating_year  # the year under way, not a year written here

    assert start["Location"].startswith(reverse("evaluation:org", args=["PH-1", rating_year()]))


@pytest.mark.both_databases  # the database answers the query
def test_the_work_panel_counts_what_is_due_and_overdue(client, world):
    """Thành (PH-2) was admitted on 03/06/2024 and had his ceremony on 20/06/2024; he is due
    for recognition 12 months after it and, not recognised, is overdue on this page's day."""
    sign_in(client, world.an)
    work = client.get(reverse("desk:work", args=["X-PH"])).content.decode()
    assert '<strong class="error">1 quá hạn</strong>' in work


def test_a_proposal_tells_the_level_that_decides_and_the_home_page_shows_it(client, world):
    sign_in(client, world.binh)
    hoa, an = world.members["hoa"], world.members["an"]
    url = reverse("evaluation:org", args=["PH-1", 2024])
    client.post(url, {"action": "propose", f"level_{hoa.pk}": "HTTNV", f"level_{an.pk}": "HTTNV"})
    # no one holds a rating role on Phước Hải or the district: the province's officer is told
    notice = Notice.objects.get()
    assert notice.user == world.an and notice.kind == Notice.Kind.PROPOSAL
    assert "Chi bộ Thôn Phước Lập" in notice.text
    officer = sign_in(Client(), world.an)
    page = officer.get(reverse("home")).content.decode()
    assert "Thông báo mới (1)" in page and notice.url in page
    officer.post(reverse("desk:notices_read"))
    assert "Thông báo mới" not in officer.get(reverse("home")).content.decode()
    # binh cannot mark another's notices
    Notice.objects.update(read_at=None)
    client.post(reverse("desk:notices_read"), {"notice": [notice.pk]})
    assert Notice.objects.get().read_at is None


def test_comments_awaiting_an_answer_and_mail_when_configured(
    history, world, settings, django_capture_on_commit_callbacks
):
    settings.DANGVU_EMAIL = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    world.an.email = "an@example.vn"
    world.an.save()
    officer = sign_in(Client(), world.an)
    officer.post(reverse("reports:create_review", args=["TU-T"]), {"kind": "annual", "year": 2024})
    run = ReportRun.objects.get()
    officer.post(reverse("reports:publish", args=[run.pk]), {"reviewers": [world.dung.pk]})
    reviewer = sign_in(Client(), world.dung)
    assert "Dự thảo mời đồng chí góp ý" in reviewer.get(reverse("home")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # the mail goes once committed
        reviewer.post(
            reverse("reports:comment", args=[run.pk]),
            {"section": "danh-gia", "text": "Làm rõ tỷ lệ."},
        )
    page = officer.get(reverse("home")).content.decode()
    assert "Góp ý chờ đồng chí tiếp thu, giải trình (1)" in page and "Làm rõ tỷ lệ." in page
    assert "Có góp ý mới về dự thảo của đồng chí" in page  # the notice
    [message] = [m for m in mail.outbox if "an@example.vn" in m.to]
    assert "Có góp ý mới" in message.subject and f"/bao-cao/lan/{run.pk}/" in message.body


def test_an_account_administrator_s_home_is_about_accounts(client, world):
    sign_in(client, world.admin)
    page = client.get(reverse("home")).content.decode()
    assert "Tài khoản và vai trò" in page
    assert "chưa được giao vai trò" not in page
    assert reverse("members:list") not in page  # no member area in the menu
