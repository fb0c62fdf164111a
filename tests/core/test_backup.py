"""`dangvu backup` and `dangvu restore` (issue 5, item 7), on the database the suite runs on.

A writer process keeps creating organisations (each one a transaction: organisation, name,
placement, change set, log entry) while the backup is taken; the backup restores into an empty
database, the restore checks counts and checksums per table against the backup's manifest, and
the restored database is consistent: every organisation has its log entry and every change set
its entries, nothing half-written. The runs use databases of their own, made and dropped here.
"""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

pytestmark = pytest.mark.both_databases

WRITER = """
import datetime as dt, os
signal = os.environ["BACKUP_TEST_SIGNAL"]
from dangvu.core.changes import get_or_create_decision
from dangvu.orgs.models import Organisation
from dangvu.tree.services import org_create
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


LOGICAL = """
import json, django
django.setup()
from dangvu.core.backup import logical_manifest
print(json.dumps(logical_manifest()))
"""


def _logical(env: dict[str, str]) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", LOGICAL], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _pg_admin() -> Any:
    import psycopg

    settings = connection.settings_dict
    return psycopg.connect(
        dbname="postgres",
        user=settings["USER"],
        host=settings["HOST"],
        port=settings["PORT"],
        autocommit=True,
    )


def _empty_pg(name: str, made: list[str]) -> dict[str, str]:
    """A new empty PostgreSQL database on the suite's server, as an environment for `dangvu`."""
    made.append(name)
    settings = connection.settings_dict
    with _pg_admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    url = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{name}"
    return {**os.environ, "DANGVU_DATABASE_URL": url, "DANGVU_HTTPS": "0"}


def test_the_demo_province_round_trips_exactly(demo, tmp_path):
    """Issue 21, point 3: the demo province (every table, booleans, dates, decimals, JSON) backed
    up and restored is the same, row for row: SQLite → SQLite on the SQLite run; on the PostgreSQL
    run, SQLite → PostgreSQL (a province leaving the embedded database), then PostgreSQL →
    PostgreSQL. Checked by the restore against the backup's manifest, and here by the
    driver-independent manifest of the restored database against the suite's own."""
    from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper

    from dangvu.core.backup import copy_rows, logical_manifest

    expected = logical_manifest()
    assert expected["members_partymember"]["rows"] > 1000
    base = {**os.environ, "DANGVU_DATA_DIR": str(tmp_path), "DANGVU_HTTPS": "0"}
    # The demo lives in the suite's open transaction: copy it into an SQLite database of its own
    # (migrated by the command), and back that up with the command.
    source_env = {**base, "DANGVU_DATABASE_URL": f"sqlite:///{tmp_path / 'source.sqlite3'}"}
    assert dangvu(source_env, "migrate", "-v0").returncode == 0
    copy = SQLiteWrapper(
        {**connection.settings_dict, "NAME": str(tmp_path / "source.sqlite3"), "OPTIONS": {}},
        alias="demo_copy",
    )
    try:
        copy.set_autocommit(False)
        copy_rows("default", copy)
        copy.commit()
    finally:
        copy.close()
    archive = tmp_path / "demo.tar"
    assert dangvu(source_env, "backup", str(archive)).returncode == 0
    if connection.vendor == "sqlite":
        restored = {**base, "DANGVU_DATABASE_URL": f"sqlite:///{tmp_path / 'restored.sqlite3'}"}
        done = dangvu(restored, "restore", str(archive))
        assert done.returncode == 0, done.stderr
        assert "checksums match" in done.stdout
        assert _logical(restored) == expected
        return
    made: list[str] = []
    try:
        first = {**_empty_pg("dangvu_restore_a", made), "DANGVU_DATA_DIR": str(tmp_path)}
        done = dangvu(first, "restore", str(archive))
        assert done.returncode == 0, done.stderr
        # (the restore compared the copy with the SQLite backup, field by field; the second hop
        # is compared with the suite's own database below)
        again = tmp_path / "again.tar"
        assert dangvu(first, "backup", str(again)).returncode == 0
        second = {**_empty_pg("dangvu_restore_b", made), "DANGVU_DATA_DIR": str(tmp_path)}
        done = dangvu(second, "restore", str(again))
        assert done.returncode == 0, done.stderr
        assert _logical(second) == expected
    finally:
        _drop_pg(made)


def _drop_pg(names: list[str]) -> None:
    with _pg_admin() as admin:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _forge(archive: Path, into: Path, change: Any) -> Path:
    """A copy of `archive` whose database file is changed by `change(path)` (manifest kept)."""
    with tarfile.open(archive) as tar:
        manifest = tar.extractfile("manifest.json").read()
        member = next(m for m in tar.getmembers() if m.name.startswith("database."))
        (into / member.name).write_bytes(tar.extractfile(member).read())
    change(into / member.name)
    forged = into / f"forged-{uuid.uuid4().hex[:6]}.tar"
    with tarfile.open(forged, "w") as tar:
        info = tarfile.TarInfo("manifest.json")
        info.size = len(manifest)
        tar.addfile(info, io.BytesIO(manifest))
        if (into / member.name).exists():
            tar.add(into / member.name, arcname=member.name)
    return forged


def test_a_damaged_backup_is_refused_in_plain_words_and_the_target_stays_as_it_was(
    databases, tmp_path
):
    """Issue 21, point 3: an altered row, a missing or garbage database, a cut archive — each
    refused with a plain message, no traceback, and the target still empty: a second restore of
    a good backup then succeeds."""
    source, target, other = databases
    assert dangvu(source, "migrate", "-v0").returncode == 0
    archive = tmp_path / "good.tar"
    assert dangvu(source, "backup", str(archive)).returncode == 0
    work = tmp_path / "work"
    work.mkdir()

    def alter_a_row(path: Path) -> None:
        if path.suffix == ".sqlite3":
            db = sqlite3.connect(path)
            db.execute("UPDATE core_calendarday SET name = name || ' (sửa)' WHERE id = 1")
            db.commit()
            db.close()
        else:  # a pg_dump archive: the same database with one row changed, dumped again
            assert dangvu(other, "restore", str(archive)).returncode == 0
            import psycopg

            with psycopg.connect(other["DANGVU_DATABASE_URL"], autocommit=True) as db:
                db.execute("UPDATE core_calendarday SET name = name || ' (sửa)' WHERE id = 1")
            altered = tmp_path / "altered.tar"
            assert dangvu(other, "backup", str(altered)).returncode == 0
            with tarfile.open(altered) as tar:
                path.write_bytes(tar.extractfile(path.name).read())

    cases = {
        "altered": (alter_a_row, ("core_calendarday", "does not match", "cannot be restored")),
        "missing": (lambda p: p.unlink(), ("holds no database",)),
        "garbage": (
            lambda p: p.write_bytes(b"not a database at all" * 100),
            ("damaged", "cannot be restored"),
        ),
    }
    for name, (change, words) in cases.items():
        forged = _forge(archive, work, change)
        done = dangvu(target, "restore", str(forged))
        assert done.returncode != 0, name
        assert any(w in done.stderr for w in words), (name, done.stderr)
        assert "Traceback" not in done.stderr, (name, done.stderr)
    cut = tmp_path / "cut.tar"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    done = dangvu(target, "restore", str(cut))
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "damaged" in done.stderr or "cannot be read" in done.stderr, done.stderr
    if connection.vendor == "sqlite":
        path = Path(target["DANGVU_DATABASE_URL"].removeprefix("sqlite:///"))
        assert (
            not path.exists()
            or not sqlite3.connect(path)
            .execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            .fetchall()
        )
        assert not list(path.parent.glob("*.restoring*"))
    done = dangvu(target, "restore", str(archive))
    assert done.returncode == 0, done.stderr
