"""Writing the access log without holding a page up.

A line of the access log is written before the data leaves the server. On SQLite, while another
process holds the write lock for long (a large import or plan), the line waits only briefly; if
the lock is still held, it is written to a file of its own in DATA_DIR/access-spool (written
whole, then renamed into place, and synced) and the next line the service writes carries the
spooled ones into the database, with their own times. Nothing is lost and nobody waits.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import OperationalError, transaction

from dangvu.accounts.models import AccessRecord
from dangvu.core.dblock import brief_wait, is_locked

log = logging.getLogger("dangvu.security")


def spool_dir() -> Path:
    return Path(settings.DATA_DIR) / "access-spool"


def write(fields: dict[str, Any]) -> AccessRecord | None:
    """Write one access record; if the database stays locked, spool it (and answer None)."""
    try:
        with brief_wait():
            record = AccessRecord.objects.create(**fields)
    except OperationalError as exc:
        if not is_locked(exc) or transaction.get_connection().in_atomic_block:
            raise
        _spool(fields)
        return None
    drain()
    return record


def _spool(fields: dict[str, Any]) -> None:
    folder = spool_dir()
    folder.mkdir(mode=0o700, exist_ok=True)
    data = {
        **{k: v for k, v in fields.items() if k != "user"},
        "user_id": getattr(fields.get("user"), "pk", None),
        "at": dt.datetime.now(dt.UTC).isoformat(),
    }
    name = f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex}"
    partial = folder / f".{name}.tmp"
    with partial.open("w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False)
        handle.flush()
        os.fsync(handle.fileno())
    partial.rename(folder / f"{name}.json")
    log.warning("access record spooled: the database is locked by a long write")


def drain() -> int:
    """Carry the spooled access records into the database; answer how many. Each file is claimed
    by renaming it first, so two processes never carry the same one."""
    folder = spool_dir()
    if not folder.is_dir():
        return 0
    carried = 0
    for path in sorted(folder.glob("*.json")):
        claimed = path.with_name(f".{path.name}.{os.getpid()}.claimed")
        try:
            path.rename(claimed)
        except FileNotFoundError:
            continue  # another process claimed it
        data = json.loads(claimed.read_text(encoding="utf-8"))
        at = dt.datetime.fromisoformat(data.pop("at"))
        try:
            AccessRecord.objects.create(**data, at=at)  # the time the data was read
        except Exception:
            claimed.rename(path)  # left for the next try
            raise
        claimed.unlink()
        carried += 1
    return carried
