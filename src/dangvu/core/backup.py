"""Backups that can be trusted: one consistent snapshot, a manifest of row counts and checksums per
table taken from that same snapshot, and a restore that checks the copy against the manifest.

The backup file is a tar archive holding `manifest.json` and the database: an SQLite file made with
SQLite's online backup (a consistent copy while the server keeps writing), or a pg_dump archive
made from an exported snapshot, so that the dump and the manifest see the same instant.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.db import connection
from django.utils import timezone

FORMAT = 1
MASK64 = (1 << 64) - 1


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why, in plain words."""


# --- checksums ----------------------------------------------------------------------------------
def _shown(v: Any) -> str:
    """A value as the plain SQLite driver gives it: Django's connection turns the stored 0/1 of a
    boolean column into False/True, which must hash as the backup's plain read hashed it."""
    if v is None:
        return "\x00"
    if isinstance(v, bool):
        return str(int(v))
    return v.hex() if isinstance(v, bytes) else str(v)


def _row_hash(row: Iterable[Any]) -> int:
    text = "\x1f".join(_shown(v) for v in row)
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def sqlite_manifest(conn: sqlite3.Connection) -> dict[str, dict[str, Any]]:
    """Rows and an order-independent checksum (sum of row hashes mod 2^64) for every table."""
    tables = [
        name
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    out: dict[str, dict[str, Any]] = {}
    for table in tables:
        rows = 0
        total = 0
        for row in conn.execute(f'SELECT * FROM "{table}"'):  # noqa: S608 - names from the catalogue
            rows += 1
            total = (total + _row_hash(row)) & MASK64
        out[table] = {"rows": rows, "checksum": f"{total:016x}"}
    return out


PG_TABLES = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"


def pg_manifest(cursor: Any) -> dict[str, dict[str, Any]]:
    """The same on PostgreSQL, computed by the server: the sum of the first 60 bits of each row's
    MD5 (of its text form), so nothing but two numbers per table leaves the server."""
    cursor.execute(PG_TABLES)
    out: dict[str, dict[str, Any]] = {}
    for (table,) in cursor.fetchall():
        cursor.execute(
            f"SELECT count(*), coalesce(sum(('x' || substr(md5(t::text), 1, 15))::bit(60)::bigint), 0) FROM \"{table}\" t"  # noqa: S608
        )
        rows, total = cursor.fetchone()
        out[table] = {"rows": int(rows), "checksum": str(total)}
    return out


# --- helpers ------------------------------------------------------------------------------------
def _pg_env() -> dict[str, str]:
    db = connection.settings_dict
    env = dict(os.environ)
    for key, var in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if db.get(key):
            env[var] = str(db[key])
    return env


def _tool(name: str) -> str:
    """The newest installed PostgreSQL client tool (it must not be older than the server)."""
    candidates = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
    )
    if candidates:
        return str(candidates[-1])
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is not installed (apt-get install postgresql-client)")
    return found


def _migrations(cursor: Any) -> list[list[str]]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    return [list(r) for r in cursor.fetchall()]


def _write_archive(target: Path, manifest: dict[str, Any], database: Path, member: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    with tarfile.open(partial, "w") as tar:
        data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(data)
        info.mtime = int(timezone.now().timestamp())
        tar.addfile(info, io.BytesIO(data))
        tar.add(database, arcname=member)
    os.chmod(partial, 0o600)
    partial.replace(target)  # never a half-written backup under the real name


# --- backup -------------------------------------------------------------------------------------
def backup(target: Path) -> dict[str, Any]:
    """Write a backup of the configured database to `target`; returns the manifest."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if connection.vendor == "sqlite":
            copy = work / "database.sqlite3"
            connection.ensure_connection()
            source: sqlite3.Connection = connection.connection
            dest = sqlite3.connect(copy)
            try:
                source.backup(dest)  # one step: a consistent snapshot
                tables = sqlite_manifest(dest)
                migrations = [
                    list(r)
                    for r in dest.execute(
                        "SELECT app, name FROM django_migrations ORDER BY app, name"
                    )
                ]
            finally:
                dest.close()
            member = "database.sqlite3"
        elif connection.vendor == "postgresql":
            import psycopg

            dump = work / "database.pgdump"
            env = _pg_env()
            with psycopg.connect(**_pg_kwargs()) as conn:
                conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                with conn.cursor() as cursor:
                    cursor.execute("SELECT pg_export_snapshot()")
                    snapshot = cursor.fetchone()[0]  # type: ignore[index]
                    tables = pg_manifest(cursor)
                    migrations = _migrations(cursor)
                    done = subprocess.run(
                        [
                            _tool("pg_dump"),
                            "--format=custom",
                            f"--snapshot={snapshot}",
                            "--no-owner",
                            "--no-privileges",
                            "--file",
                            str(dump),
                        ],
                        env=env,
                        capture_output=True,
                        text=True,
                        check=False,
                    )
                conn.rollback()
            if done.returncode != 0:
                raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
            copy, member = dump, "database.pgdump"
        else:  # pragma: no cover - settings allow only these two
            raise BackupError(f"unsupported database {connection.vendor}")
        manifest = {
            "format": FORMAT,
            "vendor": connection.vendor,
            "created_at": timezone.now().isoformat(),
            "migrations": migrations,
            "tables": tables,
        }
        _write_archive(target, manifest, copy, member)
    return manifest


def _pg_kwargs() -> dict[str, Any]:
    db = connection.settings_dict
    kwargs = {
        "dbname": db["NAME"],
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
        "host": db.get("HOST") or None,
        "port": db.get("PORT") or None,
    }
    return {k: v for k, v in kwargs.items() if v}


# --- restore ------------------------------------------------------------------------------------
def read_manifest(source: Path) -> dict[str, Any]:
    try:
        with tarfile.open(source) as tar:
            handle = tar.extractfile("manifest.json")
            if handle is None:
                raise KeyError("manifest.json")
            manifest: dict[str, Any] = json.load(handle)
    except (OSError, tarfile.TarError, KeyError, ValueError) as exc:
        raise BackupError(f"{source} is not a dangvu backup ({exc})") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{source}: unknown backup format {manifest.get('format')!r}")
    return manifest


def _extract(source: Path, member: str, into: Path) -> Path:
    with tarfile.open(source) as tar:
        info = tar.getmember(member)
        if not info.isfile():
            raise BackupError(f"{source}: {member} is not a file")
        handle = tar.extractfile(info)
        assert handle is not None
        out = into / member
        with out.open("wb") as f:
            shutil.copyfileobj(handle, f)
    return out


def _database_is_empty() -> bool:
    return not connection.introspection.table_names()


def current_manifest() -> dict[str, dict[str, Any]]:
    """Counts and checksums of the configured database, computed as the backup computed them."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return sqlite_manifest(connection.connection)
    with connection.cursor() as cursor:
        return pg_manifest(cursor)


def compare(expected: dict[str, dict[str, Any]], found: dict[str, dict[str, Any]]) -> list[str]:
    problems = []
    for table in sorted(set(expected) | set(found)):
        a, b = expected.get(table), found.get(table)
        if a is None:
            problems.append(f"{table}: not in the backup")
        elif b is None:
            problems.append(f"{table}: missing after restore")
        elif a["rows"] != b["rows"]:
            problems.append(f"{table}: {a['rows']} rows in the backup, {b['rows']} restored")
        elif a["checksum"] != b["checksum"]:
            problems.append(f"{table}: the checksum differs")
    return problems


def restore(source: Path) -> dict[str, Any]:
    """Restore a backup into the configured database, which must be empty, then check it."""
    manifest = read_manifest(source)
    if manifest["vendor"] != connection.vendor:
        raise BackupError(
            f"this backup is of a {manifest['vendor']} database; the configured one is {connection.vendor}"
        )
    if not _database_is_empty():
        raise BackupError("the configured database is not empty; restore only into an empty one")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if connection.vendor == "sqlite":
            copy = _extract(source, "database.sqlite3", work)
            src = sqlite3.connect(copy)
            try:
                connection.ensure_connection()
                src.backup(connection.connection)
            finally:
                src.close()
        else:
            dump = _extract(source, "database.pgdump", work)
            done = subprocess.run(
                [
                    _tool("pg_restore"),
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    "--single-transaction",
                    "--dbname",
                    connection.settings_dict["NAME"],
                    str(dump),
                ],
                env=_pg_env(),
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0:
                raise BackupError(f"pg_restore failed: {done.stderr.strip()}")
    connection.close()
    problems = compare(manifest["tables"], current_manifest())
    if problems:
        raise BackupError("the restored copy does not match the backup: " + "; ".join(problems))
    return manifest
