"""Benchmarks of the pages and figures users wait for (run by `make bench`, never by `make test`).

Builds the demo province into an empty database (SQLite by default, or DANGVU_DATABASE_URL), then
measures the server time of each request in-process: Django's test client, no network, the full
middleware, view, query and template path. Prints a table and writes it to bench/results/.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvu.settings")
os.environ.setdefault("DANGVU_HTTPS", "0")  # the test client speaks plain HTTP
os.environ.setdefault("DANGVU_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from dangvu.accounts.models import Role, User  # noqa: E402
from dangvu.accounts.services import role_grant  # noqa: E402
from dangvu.demo.province import DemoBuilder  # noqa: E402
from dangvu.members.models import PartyMember  # noqa: E402
from dangvu.orgs.models import Organisation  # noqa: E402

REPEATS = int(os.environ.get("BENCH_REPEATS", "40"))
TARGETS_MS = {
    "member list, whole province": 150,
    "search without diacritics": 100,
    "lifecycle operation (service, with rebuild)": 50,
    "rebuild the derived state of every member": 60_000,
}


def measure(client: Client, url: str, params: dict[str, str] | None = None) -> dict[str, float]:
    for _ in range(3):
        response = client.get(url, params or {})
        assert response.status_code == 200, (url, response.status_code)
    samples = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        response = client.get(url, params or {})
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    samples.sort()
    return {
        "p50": statistics.median(samples),
        "p95": samples[int(len(samples) * 0.95) - 1],
        "max": samples[-1],
    }


def lifecycle_cases() -> list[dict[str, object]]:
    """A lifecycle operation through its service (validation, event, rebuild, log), and a forced
    rebuild of every member's derived state."""
    from dangvu.core.changes import get_or_create_decision
    from dangvu.members.events import event_record, rebuild_all

    day = dt.date.today() - dt.timedelta(days=3)
    decision = get_or_create_decision(number="1-BENCH", date=day, issuer="bench")
    candidates = list(
        PartyMember.objects.filter(status="official", flags=[]).order_by("pk")[: REPEATS + 3]
    )
    samples = []
    for member in candidates:
        started = time.perf_counter()
        event_record(member=member, kind="suspension", on=day, actor=None, decision=decision)
        samples.append((time.perf_counter() - started) * 1000)
    samples = sorted(samples[3:])
    results = [
        {
            "case": "lifecycle operation (service, with rebuild)",
            "p50": round(statistics.median(samples), 1),
            "p95": round(samples[int(len(samples) * 0.95) - 1], 1),
            "max": round(samples[-1], 1),
        }
    ]
    started = time.perf_counter()
    _changed, total = rebuild_all(force=True)
    elapsed = (time.perf_counter() - started) * 1000
    results.append(
        {
            "case": "rebuild the derived state of every member",
            "p50": round(elapsed, 1),
            "p95": round(elapsed, 1),
            "max": round(elapsed, 1),
            "members": total,
        }
    )
    for r in results:
        target = TARGETS_MS[str(r["case"])]
        r["target_ms"] = target
        r["ok"] = float(r["p95"]) < target  # type: ignore[arg-type]
    return results


def main() -> int:
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    if not Organisation.objects.exists():
        DemoBuilder(seed=2024).build()
    built_in = time.perf_counter() - started
    # The province as it is today (Khánh Hòa after the 2025 reform; Ninh Thuận without it).
    province = Organisation.objects.filter(code="TU-KH").first() or Organisation.objects.get(
        code="TU-NT"
    )
    user, _created = User.objects.get_or_create(username="bench")
    if not user.grants.exists():
        role_grant(
            user=user,
            org=province,
            role=Role.ORG_OFFICER,
            valid_from=dt.date(2000, 1, 1),
            actor=None,
            sensitive=True,
        )
    client = Client()
    client.force_login(user)
    member = (
        PartyMember.objects.filter(status="official", org__path__startswith=province.path)
        .order_by("id")
        .first()
    )
    assert member is not None
    commune = (
        Organisation.objects.filter(
            kind="grassroots_committee", dissolved_on__isnull=True, path__startswith=province.path
        )
        .order_by("code")
        .first()
        or province
    )
    list_url = "/dang-vien/"
    first_page = client.get(list_url, {"org": province.code}).content.decode()
    token = first_page.split("sau=")[1].split('"')[0].split("&")[0]
    cases = [
        ("member list, whole province", list_url, {"org": province.code}),
        ("member list, next page (keyset)", list_url, {"org": province.code, "sau": token}),
        (
            "member list, women of ethnic minorities",
            list_url,
            {"org": province.code, "sex": "F", "ethnicity": "minority"},
        ),
        ("search without diacritics", list_url, {"org": province.code, "q": "nguyen van an"}),
        (
            "search by citizen ID",
            list_url,
            {"org": province.code, "q": member.person.citizen_id or "0"},
        ),
        ("organisation tree", "/to-chuc/", {}),
        ("tree as of 31/12/2023", "/to-chuc/", {"ngay": "31/12/2023"}),
        ("organisation page, province", f"/to-chuc/{province.code}/", {}),
        (
            "figures, province, 31/12/2024",
            "/dang-vien/so-lieu/",
            # the province as it stood then (Ninh Thuận, merged into Khánh Hòa in 2025)
            {"org": "TU-NT", "ngay": "31/12/2024", "format": "json"},
        ),
        ("member page", f"/dang-vien/{member.pk}/", {}),
        (
            "member page, sensitive data shown (logged)",
            f"/dang-vien/{member.pk}/",
            {"purpose": "dossier"},
        ),
        ("change log, province, first page", "/nhat-ky/thay-doi/", {}),
        ("change log of one commune", "/nhat-ky/thay-doi/", {"org": commune.code}),
        ("access log, province", "/nhat-ky/truy-cap/", {}),
        (
            "export of a commune (CSV, logged)",
            "/dang-vien/xuat.csv",
            {"org": commune.code, "purpose": "report"},
        ),
    ]
    results = []
    for name, url, params in cases:
        figures = measure(client, url, params)
        target = TARGETS_MS.get(name)
        results.append(
            {
                "case": name,
                **{k: round(v, 1) for k, v in figures.items()},
                "target_ms": target,
                "ok": None if target is None else figures["p95"] < target,
            }
        )
    results += lifecycle_cases()
    members = PartyMember.objects.filter(status__in=("official", "probationary")).count()
    header = (
        f"dangvu bench — {connection.vendor} — {members} members in the list, {Organisation.objects.count()} organisations"
        f" — {platform.machine()}, {os.cpu_count()} cores — {dt.datetime.now():%Y-%m-%d %H:%M}"
    )
    lines = [
        header,
        f"demo built in {built_in:.1f} s; {REPEATS} requests per case, server time in ms",
        "",
    ]
    lines.append(f"{'case':45} {'p50':>8} {'p95':>8} {'max':>8}  target")
    for r in results:
        verdict = (
            "" if r["target_ms"] is None else f"< {r['target_ms']}  {'ok' if r['ok'] else 'MISSED'}"
        )
        lines.append(f"{r['case']:45} {r['p50']:8.1f} {r['p95']:8.1f} {r['max']:8.1f}  {verdict}")
    report = "\n".join(lines)
    print(report)
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    stem = f"{connection.vendor}"
    (out / f"{stem}.txt").write_text(report + "\n", encoding="utf-8")
    (out / f"{stem}.json").write_text(
        json.dumps({"header": header, "results": results}, indent=2, ensure_ascii=False),
        encoding="utf-8",
    )
    return 0 if all(r["ok"] is not False for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
