"""Benchmark of the officer's pages on the demo province (issue 23, point 9; run by `make bench`).

The demo is built into an empty SQLite database with its cast; each main page is asked 20 times
as the demo's admin (the provincial officer: the largest scope, the slowest pages) through the
Django test client in this process — the server's time, without the network. Reported per page:
p50 and p95 in ms, the ratio of p95 to the floor (the account page, measured in the same run:
the same stack answering the lightest signed-in page), and the bytes a first visit transfers
(the page gzip-compressed). The issue's bars: p95 ≤ 300 ms, a page under 150 KB.

Counts that a province's pages share (the ratings' progress, the badges due, the five-year
candidates, the figures) are kept per state of the records (core.cached): a page opened again
reads them back. The first view after a write computes them afresh; that time is measured too
("cold": the cache emptied before each of COLD_ROUNDS requests) and reported beside the rest.
"""

from __future__ import annotations

import gzip
import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvu.settings")
os.environ.setdefault("DANGVU_HTTPS", "0")  # the test client speaks plain HTTP

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from dangvu.accounts.models import User  # noqa: E402
from dangvu.demo.cast import build_cast, places  # noqa: E402
from dangvu.orgs.models import Organisation  # noqa: E402

ROUNDS = 20
COLD_ROUNDS = 5
LIMIT_MS = 300
LIMIT_KB = 150


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def funnel_row() -> dict[str, object]:
    """Issue 24's bar: the funnel of the demo province for a year (recruitment.selectors.funnel,
    called directly: no page, no cache), under 300 ms."""
    import datetime as dt

    from dangvu.recruitment.selectors import funnel

    province = Organisation.objects.get(code="TU-KH")
    year = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    funnel(province, *year)
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        funnel(province, *year)
        times.append((time.perf_counter() - started) * 1000)
    return {
        "page": "funnel(TU-KH, 2025)",
        "p50_ms": statistics.median(times),
        "p95_ms": p95(times),
        "cold_max_ms": max(times),
        "kb": 0.0,
    }


def selector_row(label: str, compute: object) -> dict[str, object]:
    """A figure's own selector, called directly (no page, no cache)."""
    assert callable(compute)
    compute()
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        compute()
        times.append((time.perf_counter() - started) * 1000)
    return {
        "page": label,
        "p50_ms": statistics.median(times),
        "p95_ms": p95(times),
        "cold_max_ms": max(times),
        "kb": 0.0,
    }


def activity_rows() -> list[dict[str, object]]:
    """Issue 26's bar: the province's monthly coverage and dues summary, each under 500 ms on
    SQLite (activities.selectors, called directly)."""
    import datetime as dt

    from dangvu.activities import selectors
    from dangvu.core.dates import today

    province = Organisation.objects.get(code="TU-KH")
    month = (today().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    return [
        selector_row(
            f"coverage(TU-KH, {month:%m/%Y})",
            lambda: selectors.coverage(province, month, month),
        ),
        selector_row(
            f"dues_summary(TU-KH, {month:%m/%Y})",
            lambda: selectors.dues_summary(province, month),
        ),
    ]


def inspection_rows() -> list[dict[str, object]]:
    """Issue 27's bar: the province's yearly inspection statistics (every form, this year and the
    same period last year) under 500 ms (inspection.selectors.form_tables, called directly)."""
    import datetime as dt

    from dangvu.core.dates import today
    from dangvu.inspection import selectors

    province = Organisation.objects.get(code="TU-KH")
    year = today().year - 1
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return [
        selector_row(
            f"inspection form_tables(TU-KH, {year})",
            lambda: selectors.form_tables(province, first, last),
        )
    ]


def main() -> int:
    settings.ALLOWED_HOSTS.append("testserver")
    call_command("migrate", verbosity=0)
    call_command("demo", "--if-empty", verbosity=0)
    province = Organisation.objects.get(code="TU-KH")
    build_cast(province)
    client = Client()
    client.force_login(User.objects.get(username="admin"))
    where = places(province)
    ward, cell, member = where.ward, where.cell, where.member
    pages = [
        "/tai-khoan/",  # the floor
        "/",
        "/ban/viec/TU-KH/",
        "/ban/xep-loai/TU-KH/",
        "/to-chuc/",
        "/to-chuc/TU-KH/",
        f"/to-chuc/{ward.code}/",
        "/dang-vien/",
        "/dang-vien/?q=nguyen+van",
        f"/dang-vien/{member.pk}/",
        "/dang-vien/viec-can-lam/",
        "/xep-loai/TU-KH/2025/",
        f"/xep-loai/{ward.code}/2025/",
        f"/xep-loai/{cell.code}/2025/",
        "/khen-thuong/TU-KH/",
        "/phat-trien-dang/TU-KH/",
        f"/phat-trien-dang/{cell.code}/",
        "/bao-cao/TU-KH/phat-trien-dang/?ky=2025",
        "/bao-cao/TU-KH/bieu/1/",
        "/bao-cao/TU-KH/tong-quan/",
        "/nhat-ky/thay-doi/",
        "/dai-hoi/TU-KH/",
        f"/dai-hoi/{ward.code}/nhiem-ky/2025-2030/",
        "/bao-cao/TU-KH/dai-hoi/?vong=2025",
        "/bao-cao/TU-KH/dai-hoi/?vong=2020",
        "/sinh-hoat/TU-KH/?ky=2026-11",
        "/sinh-hoat/TU-KH/?ky=2026-Q3",
        "/sinh-hoat/TU-KH/dang-phi/?thang=11/2026",
        f"/sinh-hoat/{cell.code}/",
    ]
    # Issue 25's bar for the province's board of congresses: 500 ms; issue 26's for the
    # province's coverage and dues summary: 500 ms.
    limits = {
        "/bao-cao/TU-KH/dai-hoi/?vong=2025": 500,
        "/bao-cao/TU-KH/dai-hoi/?vong=2020": 500,
        "/sinh-hoat/TU-KH/?ky=2026-11": 500,
        "/sinh-hoat/TU-KH/?ky=2026-Q3": 500,
        "/sinh-hoat/TU-KH/dang-phi/?thang=11/2026": 500,
    }
    rows = []
    for path in pages:
        client.get(path)  # warm
        times = []
        size = 0
        for _ in range(ROUNDS):
            started = time.perf_counter()
            response = client.get(path, HTTP_ACCEPT_ENCODING="gzip")
            times.append((time.perf_counter() - started) * 1000)
            size = len(response.content)
            assert response.status_code == 200, (path, response.status_code)
            if response.get("Content-Encoding") != "gzip":
                size = len(gzip.compress(response.content))
        cold = []
        for _ in range(COLD_ROUNDS):
            cache.clear()
            started = time.perf_counter()
            client.get(path, HTTP_ACCEPT_ENCODING="gzip")
            cold.append((time.perf_counter() - started) * 1000)
        rows.append(
            {
                "page": path,
                "p50_ms": statistics.median(times),
                "p95_ms": p95(times),
                "cold_max_ms": max(cold),
                "kb": size / 1024,
            }
        )
    rows.append(funnel_row())
    rows += activity_rows()
    limits.update({str(r["page"]): 500 for r in rows[-2:]})
    rows += inspection_rows()
    limits.update({str(rows[-1]["page"]): 500})
    # The inspection statistics page as the province's inspection officer (the cast's kiemtra).
    inspector = Client()
    inspector.force_login(User.objects.get(username="kiemtra"))
    path = "/kiem-tra/TU-KH/thong-ke/?ky=2025"
    inspector.get(path)
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        response = inspector.get(path, HTTP_ACCEPT_ENCODING="gzip")
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    size = (
        len(gzip.compress(response.content))
        if response.get("Content-Encoding") != "gzip"
        else len(response.content)
    )
    rows.append(
        {
            "page": path,
            "p50_ms": statistics.median(times),
            "p95_ms": p95(times),
            "cold_max_ms": max(times),
            "kb": size / 1024,
        }
    )
    limits[path] = 500
    floor = rows[0]["p95_ms"]
    lines = [
        f"{'page':34s} {'p50 ms':>8s} {'p95 ms':>8s} {'×floor':>7s} {'cold ms':>8s} "
        f"{'KB gz':>7s}  ok",
    ]
    for r in rows:
        r["ratio"] = r["p95_ms"] / floor
        r["ok"] = r["p95_ms"] <= limits.get(str(r["page"]), LIMIT_MS) and r["kb"] < LIMIT_KB
        lines.append(
            f"{r['page']:34s} {r['p50_ms']:8.1f} {r['p95_ms']:8.1f} {r['ratio']:7.1f} "
            f"{r['cold_max_ms']:8.1f} {r['kb']:7.1f}  {'yes' if r['ok'] else 'NO'}"
        )
    text = "\n".join(lines)
    print(text)
    out = Path(__file__).parent / "results"
    (out / "pages-sqlite.txt").write_text(text + "\n", encoding="utf-8")
    (out / "pages-sqlite.json").write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0  # a page over its bar is reported (ok: NO), not an error of the run


if __name__ == "__main__":
    sys.exit(main())
