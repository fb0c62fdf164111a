"""Every main page of the demo province as its admin (issue 23, the bar): what a first visit
transfers — the page compressed and every static file it loads, compressed — stays under 150 KB,
and nothing is asked of another server (the site's CSP would refuse it; the page must not even
try)."""

from __future__ import annotations

import gzip
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from dangvu.orgs.models import Organisation
from dangvu.restructuring.models import Plan
from tests.conftest import sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.once]

LIMIT = 150 * 1024


def transferred(client: Client, path: str, static: dict[str, int]) -> tuple[int, str]:
    response = client.get(path, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200, (path, response.status_code)
    body = response.content
    html = gzip.decompress(body) if response.get("Content-Encoding") == "gzip" else body
    text = html.decode()
    total = len(body)
    for url in set(re.findall(r'(?:src|href)="(/static/[^"?#]+)"', text)):
        if url not in static:
            asset = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
            content = b"".join(asset.streaming_content) if asset.streaming else asset.content
            static[url] = (
                len(content)
                if asset.get("Content-Encoding") == "gzip"
                else len(gzip.compress(content))
            )
        total += static[url]
    return total, text


def test_every_main_page_of_the_demo_is_light_and_asks_no_other_server(demo):
    from dangvu.demo.cast import build_cast, places

    province = Organisation.objects.get(code="TU-KH")
    build_cast(province)
    client = sign_in(Client(), get_user_model().objects.get(username="admin"))
    where = places(province)
    ward, cell, member = where.ward, where.cell, where.member
    paths = [
        "/",
        "/ban/viec/TU-KH/",
        "/ban/xep-loai/TU-KH/",
        "/to-chuc/",
        "/to-chuc/TU-KH/",
        f"/to-chuc/{ward.code}/",
        f"/to-chuc/{cell.code}/",
        "/to-chuc/doi-chieu/",
        "/dang-vien/",
        f"/dang-vien/?org={cell.code}",
        "/dang-vien/?q=nguyen+van",
        f"/dang-vien/{member.pk}/",
        "/dang-vien/ket-nap/",
        "/dang-vien/viec-can-lam/",
        "/dang-vien/so-lieu/",
        "/xep-loai/TU-KH/2025/",
        f"/xep-loai/{ward.code}/2025/",
        f"/xep-loai/{cell.code}/2025/",
        "/khen-thuong/TU-KH/",
        "/bao-cao/TU-KH/",
        "/bao-cao/TU-KH/bieu/1/",
        "/bao-cao/TU-KH/tong-quan/",
        "/bao-cao/TU-KH/chi-tieu-ket-nap/",
        "/nhat-ky/thay-doi/",
        "/to-chuc/sap-xep/",
        f"/to-chuc/sap-xep/{Plan.objects.first().pk}/",
        "/nhap-du-lieu/",
        "/tai-khoan/",
    ]
    static: dict[str, int] = {}
    heavy, elsewhere = {}, {}
    for path in paths:
        size, text = transferred(client, path, static)
        if size >= LIMIT:
            heavy[path] = size
        outside = re.findall(r'(?:src|href|action)="((?:https?:)?//[^"]+)"', text)
        if outside:
            elsewhere[path] = outside
    assert heavy == {}, heavy
    assert elsewhere == {}, elsewhere
    assert static, "the pages load the site's own static files"
