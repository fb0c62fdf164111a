"""Weight (issue 23, point 9): pages compressed; static files with hashed names, compressed ahead
and cached for a year once collected — and plain names, never an error, before."""

from __future__ import annotations

import gzip

import pytest
from django.core.management import call_command
from django.urls import reverse

from dangvu.core.staticfiles import StaticStorage
from tests.conftest import sign_in

pytestmark = pytest.mark.once


def test_pages_are_compressed(client, world):
    sign_in(client, world.an)
    plain = client.get(reverse("orgs:tree"))
    packed = client.get(reverse("orgs:tree"), HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert packed["Content-Encoding"] == "gzip"
    text = gzip.decompress(packed.content).decode()
    assert "Đảng bộ tỉnh Thử Nghiệm" in text
    assert len(packed.content) < len(plain.content) / 2


def test_static_names_are_hashed_once_collected_and_plain_before(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    before = StaticStorage(location=tmp_path)
    assert before.url("dangvu/site.css") == "/static/dangvu/site.css"
    call_command("collectstatic", interactive=False, verbosity=0)
    after = StaticStorage(location=tmp_path)
    hashed = after.url("dangvu/site.css")
    assert hashed.startswith("/static/dangvu/site.") and hashed.endswith(".css")
    assert hashed != "/static/dangvu/site.css"
    name = hashed.removeprefix("/static/")
    assert (tmp_path / name).exists() and (tmp_path / f"{name}.gz").exists()


@pytest.mark.django_db
def test_the_kept_calendar_counts_as_the_one_off_count():
    """core.calendar.Calendar (a year's days off read once) against add_working_days, over two
    years of start days and counts that cross Tết and the year's end (DOMAIN.md §4: deadlines in
    working days)."""
    import datetime as dt

    from dangvu.core.calendar import Calendar, add_working_days

    calendar = Calendar()
    day = dt.date(2024, 12, 1)
    while day < dt.date(2026, 3, 1):
        for count in (0, 1, 10, 30, 90, 250):  # 250: across a new year (counted, not walked)
            assert calendar.add_working_days(day, count) == add_working_days(day, count), (
                day,
                count,
            )
        day += dt.timedelta(days=3)  # every day of the week in turn, weekends and Tết included
