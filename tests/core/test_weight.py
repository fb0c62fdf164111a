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
