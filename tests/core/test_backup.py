"""`dangvu backup` and `dangvu restore` (issue 5, item 7), on the database the suite runs on.

A writer process keeps creating organisations (each one a transaction: organisation, name,
placement, change set, log entry) while the backup is taken; the backup restores into an empty
database, the restore checks counts and checksums per table against the backup's manifest, and
the restored database is consistent: every organisation has its log entry and every change set
its entries, nothing half-written. The runs use databases of their own, made and dropped here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

pytestmark = pytest.mark.both_databases

WRITER = """
import datetime as dt, os
signal = os.environ["BACKUP_TEST_SIGNAL"]
from dangvu.core.changes import get_or_create_decision
from dangvu.orgs.models import Organisation
from dangvu.orgs.services import org_create
d = get_or_create_decision(number="1", date=dt.date(2020, 1, 1), issuer="Tỉnh ủy")
root = org_create(code="TU-B", name="Đảng bộ tỉnh Sao Lưu", kind="provincial", parent=None,
                  established_on=dt.date(2020, 1, 1), decision=d, actor=None)
for i in range(1, 100000):
    org_create(code=f"X-{i}", name=f"Đảng bộ xã số {i}", kind="grassroots_committee",
               parent=root, established_on=dt.date(2021, 1, 1), decision=d, actor=None,
               category="xa")
    if i == 20:
        open(signal, "w").write("started")
    if open(signal).read() == "stop":
        break
print(i)
"""

CHECK = """
import json
from django.db import connection
from dangvu.core.models import ChangeLogEntry, ChangeSet
from dangvu.orgs.models import Organisation, OrgName, Placement
orgs = Organisation.objects.count()
print(json.dumps({
    "orgs": orgs,
    "names": OrgName.objects.count(),
    "placements": Placement.objects.count(),
    "created": ChangeLogEntry.objects.filter(action="org.create").count(),
    "empty_sets": ChangeSet.objects.filter(entries__isnull=True).count(),
}))
"""


def dangvu(env: dict[str, str], *args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dangvu.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )


@pytest.fixture
def databases(tmp_path: Path) -> Iterator[list[dict[str, str]]]:
    """Three empty databases of the suite's kind, each as an environment for `dangvu`."""
    base = {**os.environ, "DANGVU_DATA_DIR": str(tmp_path), "DANGVU_HTTPS": "0"}
    if connection.vendor == "sqlite":
        yield [
            {**base, "DANGVU_DATABASE_URL": f"sqlite:///{tmp_path / f'db{i}.sqlite3'}"}
            for i in range(3)
        ]
        return
    import psycopg

    db = connection.settings_dict
    names = [f"dangvu_bk_{uuid.uuid4().hex[:8]}" for _ in range(3)]
    admin = psycopg.connect(
        dbname="postgres", user=db["USER"], host=db["HOST"], port=db["PORT"], autocommit=True
    )
    for name in names:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield [
            {
                **base,
                "DANGVU_DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{name}",
            }
            for name in names
        ]
    finally:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def counts(env: dict[str, str]) -> dict[str, int]:
    done = dangvu(env, "shell", "-c", CHECK)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.django_db
def test_a_backup_taken_during_writes_restores_to_a_consistent_database(databases, tmp_path):
    source, target, other = databases
    assert dangvu(source, "migrate", "-v0").returncode == 0
    signal = tmp_path / "signal"
    signal.write_text("")
    writer = subprocess.Popen(
        [sys.executable, "-m", "dangvu.cli", "shell", "-c", WRITER],
        env={**source, "BACKUP_TEST_SIGNAL": str(signal)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while signal.read_text() != "started":
            assert writer.poll() is None, writer.communicate()
            assert time.monotonic() < deadline, "the writer did not start"
            time.sleep(0.1)
        archive = tmp_path / "sao-luu.tar"
        made = dangvu(source, "backup", str(archive))
        assert made.returncode == 0, made.stderr
        time.sleep(0.5)  # the writer goes on after the snapshot
    finally:
        signal.write_text("stop")
        _out, err = writer.communicate(timeout=120)
    assert writer.returncode == 0, err
    written = counts(source)
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
    backed_up = manifest["tables"]["orgs_organisation"]["rows"]
    assert 20 < backed_up < written["orgs"], "the backup was not taken while the writer ran"
    assert oct(archive.stat().st_mode)[-3:] == "600"

    assert dangvu(target, "migrate", "-v0").returncode == 0
    refused = dangvu(target, "restore", str(archive))
    assert refused.returncode != 0 and "not empty" in refused.stderr
    assert "Traceback" not in refused.stderr

    fresh = {**target, "DANGVU_DATABASE_URL": other["DANGVU_DATABASE_URL"]}
    restored = dangvu(fresh, "restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    assert "checksums match" in restored.stdout
    state = counts(fresh)
    assert state["orgs"] == backed_up
    assert state["orgs"] == state["names"] == state["placements"] == state["created"]
    assert state["empty_sets"] == 0


def test_a_tampered_backup_is_refused(databases, tmp_path):
    source, target, _other = databases
    assert dangvu(source, "migrate", "-v0").returncode == 0
    archive = tmp_path / "a.tar"
    assert dangvu(source, "backup", str(archive)).returncode == 0
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
        member = next(m for m in tar.getmembers() if m.name.startswith("database."))
        data = tar.extractfile(member).read()
    manifest["tables"]["django_migrations"]["rows"] += 1
    forged = tmp_path / "forged.tar"
    with tarfile.open(forged, "w") as tar:
        import io

        body = json.dumps(manifest).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(body)
        tar.addfile(info, io.BytesIO(body))
        info = tarfile.TarInfo(member.name)
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    done = dangvu(target, "restore", str(forged))
    assert done.returncode != 0 and "does not match" in done.stderr
    assert "django_migrations" in done.stderr
    not_a_backup = tmp_path / "x.tar"
    not_a_backup.write_text("hello")
    done = dangvu(target, "restore", str(not_a_backup))
    assert done.returncode != 0 and "not a dangvu backup" in done.stderr
