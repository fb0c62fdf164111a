"""Backups that can be trusted: one consistent snapshot, a manifest of row counts and checksums per
table taken from that same snapshot, and a restore that checks the copy against the manifest.

The backup file is a tar archive holding `manifest.json` and the database: an SQLite file made with
SQLite's online backup (a consistent copy while the server keeps writing), or a pg_dump archive
made from an exported snapshot, so that the dump and the manifest see the same instant.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import uuid
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
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


# --- a manifest whatever the driver --------------------------------------------------------------
def _canonical(value: Any) -> str:
    """A value as the same text on SQLite and PostgreSQL, read through Django's fields."""
    kind = type(value)  # the commonest first; bool before int (it is one)
    if kind is str:
        return value
    if value is None:
        return "\x00"
    if kind is bool:
        return "1" if value else "0"
    if kind is int:
        return str(value)
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None).isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value else "0"
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(value)


def _models() -> list[type[models.Model]]:
    """Every table of the application and of the libraries it uses, as Django models."""
    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy and not m._meta.swapped
    ]


def logical_manifest(using: str = DEFAULT_DB_ALIAS) -> dict[str, dict[str, Any]]:
    """Rows and checksum of every table, each value read through its Django field and written as
    the same text on either database: the manifest that compares an SQLite database with a
    PostgreSQL one."""
    out: dict[str, dict[str, Any]] = {}
    for model in _models():
        names = [f.attname for f in model._meta.concrete_fields]
        rows, total = 0, 0
        rows_of = model._base_manager.using(using).order_by().values_list(*names)
        for row in rows_of.iterator(chunk_size=5000):
            rows += 1
            text = "\x1f".join(map(_canonical, row)).encode()
            total = (total + int.from_bytes(hashlib.blake2b(text, digest_size=8).digest())) & MASK64
        out[model._meta.db_table] = {"rows": rows, "checksum": f"{total:016x}"}
    return out


PLAIN_TYPES = frozenset(
    {
        "AutoField", "BigAutoField", "SmallAutoField", "BooleanField", "CharField", "TextField",
        "SlugField", "EmailField", "URLField", "IntegerField", "BigIntegerField",
        "SmallIntegerField", "PositiveIntegerField", "PositiveSmallIntegerField",
        "PositiveBigIntegerField",
    }
)  # fmt: skip
NATIVE_ON_POSTGRESQL = frozenset(
    {"DateField", "DateTimeField", "TimeField", "DecimalField", "UUIDField", "FloatField"}
)


def _stored_type(field: Any) -> str:
    """The field's type as stored: a foreign key's is that of the key it points to."""
    return str((field.target_field if field.is_relation else field).get_internal_type())


def copy_rows(source: str, target: Any, progress: Any = None) -> None:
    """Every row of every table from the database `source` (an alias) to another of the same
    schema (the same migrations; `target` a connection), inside the caller's transaction on the
    target: its tables are emptied first and its sequences set after. Foreign keys are checked at
    the commit (Django creates them deferred)."""
    every = _models()
    quote = target.ops.quote_name
    # Values the driver takes as they come; the others go through their field (JSON, and on
    # SQLite dates, times, decimals and UUIDs as Django stores them there).
    plain = PLAIN_TYPES | (NATIVE_ON_POSTGRESQL if target.vendor == "postgresql" else frozenset())
    with target.cursor() as cursor:
        tables = [quote(m._meta.db_table) for m in every]
        if target.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - names from the models
        for model in every:
            fields = model._meta.concrete_fields
            table = quote(model._meta.db_table)
            columns = ", ".join(quote(f.column) for f in fields)
            holes = ", ".join(["%s"] * len(fields))
            insert = f"INSERT INTO {table} ({columns}) VALUES ({holes})"  # noqa: S608
            prepared = [f for f in fields if _stored_type(f) not in plain]
            read = (
                model._base_manager.using(source)
                .order_by()
                .values_list(*[f.attname for f in fields])
                .iterator(chunk_size=5000)
            )
            rows_of: Iterable[Any] = (
                (
                    tuple(
                        f.get_db_prep_save(v, target) if f in prepared else v
                        for f, v in zip(fields, row, strict=True)
                    )
                    for row in read
                )
                if prepared
                else read
            )
            if target.vendor == "postgresql":
                # COPY: the rows stream in, several times faster than INSERTs.
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows_of:
                        copy.write_row(row)
            else:
                batch: list[Any] = []
                for row in rows_of:
                    batch.append(row)
                    if len(batch) >= 2000:
                        cursor.executemany(insert, batch)
                        batch.clear()
                if batch:
                    cursor.executemany(insert, batch)
            if progress is not None:
                progress(model._meta.db_table)
        for statement in target.ops.sequence_reset_sql(no_style(), every):
            cursor.execute(statement)


# --- restore ------------------------------------------------------------------------------------
def read_manifest(source: Path) -> dict[str, Any]:
    try:
        with tarfile.open(source) as tar:
            handle = tar.extractfile("manifest.json")
            if handle is None:
                raise KeyError("manifest.json")
            manifest: dict[str, Any] = json.load(handle)
    except (OSError, tarfile.TarError, KeyError, ValueError, EOFError) as exc:
        raise BackupError(f"{source} is not a dangvu backup, or it is damaged ({exc})") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{source}: unknown backup format {manifest.get('format')!r}")
    if manifest.get("vendor") not in ("sqlite", "postgresql") or not isinstance(
        manifest.get("tables"), dict
    ):
        raise BackupError(f"{source}: the backup's manifest is damaged")
    return manifest


def _extract(source: Path, member: str, into: Path) -> Path:
    try:
        with tarfile.open(source) as tar:
            info = tar.getmember(member)
            if not info.isfile():
                raise BackupError(f"{source}: {member} is not a file")
            handle = tar.extractfile(info)
            assert handle is not None
            out = into / member
            with out.open("wb") as f:
                shutil.copyfileobj(handle, f)
    except KeyError:
        raise BackupError(
            f"{source} holds no database ({member} is missing): the backup is damaged"
        ) from None
    except (OSError, tarfile.TarError, EOFError) as exc:
        raise BackupError(f"{source}: the database in the backup cannot be read ({exc})") from exc
    return out


def _database_is_empty() -> bool:
    return not connection.introspection.table_names()


def _plain_sqlite_manifest(path: Path) -> dict[str, dict[str, Any]]:
    """The manifest of an SQLite file through the plain driver, as the backup computed it."""
    try:
        plain = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return sqlite_manifest(plain)
        finally:
            plain.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"the database in the backup is damaged ({exc})") from exc


def current_manifest() -> dict[str, dict[str, Any]]:
    """Counts and checksums of the configured database, computed as the backup computed them:
    on SQLite through the plain driver on the file, on PostgreSQL by the server."""
    if connection.vendor == "sqlite":
        name = str(connection.settings_dict["NAME"])
        if Path(name).is_file():
            return _plain_sqlite_manifest(Path(name))
        connection.ensure_connection()  # an in-memory database (the tests'): Django's driver
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
            problems.append(
                f"{table}: the same {a['rows']} rows, but their contents differ from the backup's"
            )
    return problems


def _mismatch(problems: list[str]) -> BackupError:
    return BackupError(
        "the restored copy does not match the backup, so nothing was restored (the database is "
        "as it was): " + "; ".join(problems)
    )


def _code_migrations() -> list[list[str]]:
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    return sorted([list(key) for key in loader.disk_migrations])


def restore(source: Path) -> dict[str, Any]:
    """Restore a backup into the configured database, which must be empty. The copy is made and
    checked against the backup's manifest before it takes the database's place: on SQLite in a
    file beside it, moved into place only when it matches; on PostgreSQL in one transaction, or
    when the check fails after pg_restore, the database is emptied again. An SQLite backup
    restores into PostgreSQL too (a province leaving the embedded database)."""
    manifest = read_manifest(source)
    if not _database_is_empty():
        raise BackupError("the configured database is not empty; restore only into an empty one")
    folder = (
        Path(connection.settings_dict["NAME"]).parent if connection.vendor == "sqlite" else None
    )
    with tempfile.TemporaryDirectory(dir=folder, prefix=".restoring-") as tmp:
        work = Path(tmp)
        if manifest["vendor"] == "sqlite":
            copy = _extract(source, "database.sqlite3", work)
            problems = compare(manifest["tables"], _plain_sqlite_manifest(copy))
            if problems:
                raise _mismatch(problems)
            if connection.vendor == "sqlite":
                _sqlite_into_place(copy, manifest)
            else:
                _sqlite_into_postgresql(copy, manifest)
        elif connection.vendor == "postgresql":
            _postgresql(_extract(source, "database.pgdump", work), manifest)
        else:
            raise BackupError(
                "this is a backup of a PostgreSQL database; restore it into PostgreSQL "
                "(DANGVU_DATABASE_URL)"
            )
    return manifest


def _sqlite_into_place(copy: Path, manifest: dict[str, Any]) -> None:
    target = Path(connection.settings_dict["NAME"])
    staging = target.with_name(target.name + ".restoring")
    shutil.copyfile(copy, staging)
    os.chmod(staging, 0o600)  # the members' records: readable by the service's account only
    try:
        problems = compare(manifest["tables"], _plain_sqlite_manifest(staging))
        if problems:
            raise _mismatch(problems)
        connection.close()
        for suffix in ("-wal", "-shm"):  # the empty database's journal, not the copy's
            target.with_name(target.name + suffix).unlink(missing_ok=True)
        staging.replace(target)
    finally:
        for leftover in ("", "-wal", "-shm"):
            staging.with_name(staging.name + leftover).unlink(missing_ok=True)
    problems = compare(manifest["tables"], current_manifest())
    if problems:  # pragma: no cover - the file just checked is the file in place
        raise _mismatch(problems)


PG_LEFT_BY_A_RESTORE = (
    # What a restore creates besides tables (the extensions' own objects are left to them).
    "SELECT format('DROP COLLATION IF EXISTS %I.%I', n.nspname, c.collname) FROM pg_collation c "
    "JOIN pg_namespace n ON n.oid = c.collnamespace WHERE n.nspname = 'public' AND NOT EXISTS "
    "(SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')",
    "SELECT format('DROP FUNCTION IF EXISTS %s CASCADE', p.oid::regprocedure) FROM pg_proc p "
    "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public' AND NOT EXISTS "
    "(SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')",
    "SELECT format('DROP SEQUENCE IF EXISTS public.%I CASCADE', c.relname) FROM pg_class c "
    "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'S'",
)


def _drop_everything() -> None:
    """Back to an empty PostgreSQL database (the restore's target was empty): its tables, and the
    collations, functions and sequences a restore makes."""
    connection.close()
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)} CASCADE")
        for query in PG_LEFT_BY_A_RESTORE:
            cursor.execute(query)
            for (statement,) in cursor.fetchall():
                cursor.execute(statement)


def _sqlite_into_postgresql(copy: Path, manifest: dict[str, Any]) -> None:
    if sorted(manifest["migrations"]) != _code_migrations():
        raise BackupError(
            "this SQLite backup was made by another version of dangvu; restore it into SQLite "
            "with that version, upgrade it there (dangvu migrate), then back it up again"
        )
    alias = "restore_source"
    connections.databases[alias] = {
        **connection.settings_dict,
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(copy),
        "OPTIONS": {},
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "HOST": "",
        "PORT": "",
        "USER": "",
        "PASSWORD": "",
    }
    try:
        call_command("migrate", verbosity=0, interactive=False)
        try:
            with transaction.atomic():
                copy_rows(alias, connection)
                expected, found = logical_manifest(alias), logical_manifest()
                problems = compare(expected, found)
                if problems:
                    raise _mismatch(problems)
        except BaseException:
            _drop_everything()
            raise
    finally:
        connections[alias].close()
        del connections[alias]
        connections.databases.pop(alias, None)


def _postgresql(dump: Path, manifest: dict[str, Any]) -> None:
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
        # One transaction: nothing of it stayed.
        raise BackupError(
            f"the database in the backup cannot be restored (pg_restore: {done.stderr.strip()})"
        )
    connection.close()
    problems = compare(manifest["tables"], current_manifest())
    if problems:
        _drop_everything()
        raise _mismatch(problems)
