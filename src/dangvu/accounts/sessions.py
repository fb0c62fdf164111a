"""Sessions in the database, as Django keeps them, but a read never waits on a long write.

What a page that only reads writes to its session — the last-seen time (once a minute), the time
the second factor was last found unneeded, a message shown — may wait for SQLite's lock only
briefly (core.dblock.brief_wait); while a long write holds the lock, that save is left for the
next request, which writes the same keys again. Creating a session (signing in) is a write like
any other and waits for the lock.
"""

from __future__ import annotations

import logging

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.db import OperationalError, router

from dangvu.core.dblock import brief_wait, is_locked

log = logging.getLogger("dangvu.security")


class SessionStore(DatabaseStore):
    def save(self, must_create: bool = False) -> None:
        if must_create or self.session_key is None:
            super().save(must_create=must_create)
            return
        try:
            with brief_wait(router.db_for_write(self.model)):
                super().save(must_create=False)
        except (OperationalError, UpdateError) as exc:
            # Django's store answers a failed update with UpdateError, the lock as its context.
            if not is_locked(exc):
                raise
            log.info("session save left for the next request: the database is busy")
