"""The report pages: every figure of a form links to its records, the dashboard, the targets, the
draft review through the web, and the command line (issue 8, points 2, 4, 6, 7)."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from dangvu.reports.indicators import REGISTRY, Scope, compute_all, is_sensitive
from dangvu.reports.models import Comment, ReportRun
from tests.conftest import sign_in
from tests.reports.conftest import YEAR

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def test_every_figure_of_a_form_links_to_the_records_it_counts(history, world):
    client = sign_in(Client(), world.an)
    page = client.get(reverse("reports:form", args=["TU-T", "1"]), {"nam": YEAR}).content.decode()
    links = re.findall(r'href="(/bao-cao/TU-T/ho-so/\?[^"]+)">([\d.,]+)</a>', page)
    assert len(links) >= 30  # every row with a figure, this year and last
    for url, shown in links:
        url = url.replace("&amp;", "&")
        if is_sensitive(url.rsplit("chi-tieu=", 1)[1]):
            url += "&purpose=report"
        records = client.get(url)
        assert records.status_code == 200
        count = records.context["count"]
        assert str(count) == shown.replace(".", ""), url
        assert len(records.context["rows"]) == count
    # The deaths of 2023: one record, An, with the date.
    body = client.get(
        reverse("reports:records", args=["TU-T"]), {"nam": YEAR, "chi-tieu": "flow.out.death"}
    ).content.decode()
    assert "Nguyễn Văn An" in body and "01/07/2023" in body


def test_names_behind_a_figure_of_religion_ratings_or_discipline_need_the_permission(
    history, world
):
    from dangvu.accounts.models import AccessRecord

    url = reverse("reports:records", args=["TU-T"])
    query = {"nam": YEAR, "chi-tieu": "members.religion.phat_giao"}
    # dung sees the province's figures but not sensitive data: the count, no names.
    viewer = sign_in(Client(), world.dung).get(url, {**query, "purpose": "report"})
    assert viewer.context["count"] == 1 and viewer.context["rows"] == []
    assert "Chamaléa Thị Mới" not in viewer.content.decode()
    # an has the permission: first the purpose, then the names, and the reading is logged.
    officer = sign_in(Client(), world.an)
    asked = officer.get(url, query)
    assert asked.context["hidden"] and "Chamaléa Thị Mới" not in asked.content.decode()
    shown = officer.get(url, {**query, "purpose": "report"})
    assert "Chamaléa Thị Mới" in shown.content.decode()
    logged = AccessRecord.objects.get(action="view_sensitive", user=world.an)
    assert logged.fields == ["religion"] and logged.row_count == 1
    # Figures that reveal nothing of the kind list their names without asking.
    plain = officer.get(url, {"nam": YEAR, "chi-tieu": "flow.out.death"})
    assert not plain.context["hidden"] and "Nguyễn Văn An" in plain.content.decode()


def test_the_records_of_a_figure_name_nobody_outside_the_users_scope(history, world):
    # cuong (X-TS) asks for the province: refused; for X-TS: only Tân Sơn's people.
    client = sign_in(Client(), world.cuong)
    url = reverse("reports:records", args=["TU-T"])
    assert client.get(url, {"nam": YEAR, "chi-tieu": "members.total"}).status_code == 404
    body = client.get(
        reverse("reports:records", args=["X-TS"]), {"nam": YEAR, "chi-tieu": "flow.out.total"}
    ).content.decode()
    assert "Vũ Văn Khai" in body and "Nguyễn Thị Hoa" not in body


def test_the_dashboard_shows_the_figures_of_the_day(history, world):
    client = sign_in(Client(), world.an)
    response = client.get(reverse("reports:dashboard", args=["TU-T"]), {"ngay": "31/12/2023"})
    assert response.status_code == 200
    now = response.context["now"]
    full = compute_all(
        Scope(world.province, dt.date(2023, 1, 1), dt.date(2023, 12, 31)),
        ("members", "admitted", "flows"),
    )
    assert now == {k: full[k] for k in now}  # the page's few figures, the registry's values
    levels = response.context["ratings"]
    rated = compute_all(Scope.year(world.province, 2023), ("ratings",))
    assert levels == {k: rated[k] for k in levels} and levels["ratings.members.rated"] > 0
    assert {"members.women", "members.age.18_30", "flow.out.total"} <= set(now)
    assert now["members.total"] == 7 and response.context["change"] == -2
    series = {r["year"]: r["members"] for r in response.context["series"]}
    assert series[2022] == 9 and series[2023] == 7
    body = response.content.decode()
    assert "ratings.members.HTTNV" in body  # the rating bars link to their records


def test_targets_page_sets_a_target_and_shows_admissions_against_it(history, world):
    client = sign_in(Client(), world.an)
    url = reverse("reports:targets", args=["TU-T"])
    response = client.post(url, {"nam": YEAR, "org": "X-PH", "target": "4"})
    assert response.status_code == 302
    page = client.get(url, {"nam": YEAR})
    row = next(r for r in page.context["rows"] if r["org"].code == "HU-A")
    assert row["target"] is None
    # Issue 23: the column is the year's target ("chỉ tiêu"), not a restructuring's "nơi tiếp nhận".
    assert "<th>Chỉ tiêu</th>" in page.content.decode()
    assert "Nơi tiếp nhận" not in page.content.decode()
    ph = compute_all(Scope.year(world.phuoc_hai, YEAR), ("admitted",))
    assert ph["admitted.target"] == 4 and ph["admitted.target_pct"] == 25.0  # moi_a of 4
    bad = client.post(url, {"nam": YEAR, "org": "X-PH", "target": "bốn"})
    assert "whole number" in bad.content.decode() or "số nguyên" in bad.content.decode()


def test_the_draft_review_through_the_pages(history, world):
    officer = sign_in(Client(), world.an)
    created = officer.post(
        reverse("reports:create_review", args=["TU-T"]), {"kind": "annual", "year": YEAR}
    )
    run = ReportRun.objects.get()
    assert created["Location"] == reverse("reports:run", args=[run.pk])
    officer.post(reverse("reports:publish", args=[run.pk]), {"reviewers": [world.dung.pk]})
    reviewer = sign_in(Client(), world.dung)
    reviewer.post(
        reverse("reports:comment", args=[run.pk]), {"section": "danh-gia", "text": "Làm rõ tỷ lệ."}
    )
    comment = Comment.objects.get()
    assert comment.author == world.dung and comment.section == "danh-gia"
    refused = officer.post(
        reverse("reports:answer", args=[run.pk, comment.pk]),
        {"answer": "khong_tiep_thu", "reason": ""},
    )
    assert refused.status_code == 302
    comment.refresh_from_db()
    assert comment.answer == ""  # a refusal needs its reason: nothing written
    officer.post(
        reverse("reports:answer", args=[run.pk, comment.pk]),
        {"answer": "khong_tiep_thu", "reason": "Số liệu đã đủ."},
    )
    comment.refresh_from_db()
    assert (comment.answer, comment.reason, comment.answered_by) == (
        "khong_tiep_thu",
        "Số liệu đã đủ.",
        world.an,
    )
    page = reviewer.get(reverse("reports:run", args=[run.pk])).content.decode()
    assert "Làm rõ tỷ lệ." in page and "Số liệu đã đủ." in page
    docx = officer.get(reverse("reports:run_file", args=[run.pk, "gop-y"]))
    assert docx["Content-Type"].endswith("wordprocessingml.document") and docx.content[:2] == b"PK"


def test_stats_command_prints_every_indicator_for_a_day_or_a_period(history):
    out = io.StringIO()
    call_command("stats", "--org", "TU-T", "--period", str(YEAR), "--format", "json", stdout=out)
    document = json.loads(out.getvalue())
    assert document["period"] == {"from": "2023-01-01", "to": "2023-12-31"}
    assert set(document["indicators"]) == set(REGISTRY)
    assert document["indicators"]["flow.end"] == 7 and document["indicators"]["admitted.total"] == 2
    out = io.StringIO()
    call_command("stats", "--org", "TU-T", "--as-of", "2023-06-30", "--format", "json", stdout=out)
    day = json.loads(out.getvalue())
    assert day["as_of"] == "2023-06-30" and "period" not in day
    # From 1 January to the day: the death of 1/7 is not in it yet, the resignation of 1/6 is.
    assert (
        day["indicators"]["flow.out.death"] == 0 and day["indicators"]["flow.out.resignation"] == 1
    )


def test_an_organisation_dissolved_within_the_period_reports_up_to_its_last_day(history, world):
    from dangvu.tree.services import org_dissolve
    from tests.conftest import decision, make_org

    cell = make_org("PH-3", "Chi bộ Thôn Mới", "cell", world.phuoc_hai, on=dt.date(2020, 1, 1))
    org_dissolve(
        org=cell, on=dt.date(2023, 7, 1), decision=decision(dt.date(2023, 7, 1)), actor=None
    )
    client = sign_in(Client(), world.an)
    page = client.get(reverse("reports:form", args=["PH-3", "1"]), {"nam": YEAR})
    assert page.status_code == 200
    assert page.context["end"] == dt.date(2023, 6, 30)
    assert "30/06/2023" in page.content.decode()
    board = client.get(reverse("reports:dashboard", args=["PH-3"]))  # today: after its end
    assert board.status_code == 200 and board.context["day"] == dt.date(2023, 6, 30)
    # A year it did not exist in at all is not found.
    assert client.get(reverse("reports:form", args=["PH-3", "1"]), {"nam": 2019}).status_code == 404


def test_the_reports_index_looks_up_the_organisation_asked_for_before_redirecting(world):
    """Found by the route fuzzer in CI: `?org=01/07/2025` went into the redirect's path and could
    not be reversed (a 500). Now a code is looked up within the user's scope first."""
    client = sign_in(Client(), world.binh)  # secretary of PH-1 only
    assert client.get(reverse("reports:index"), {"org": "01/07/2025"}).status_code == 404
    assert client.get(reverse("reports:index"), {"org": "TU-T"}).status_code == 404  # outside
    inside = client.get(reverse("reports:index"), {"org": "PH-1"})
    assert inside.status_code == 302 and inside.url == reverse("reports:org", args=["PH-1"])
