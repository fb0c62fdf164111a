"""`dangvu worker`: the task worker (django-tasks-db's db_worker) that outlasts a busy database.

db_worker gives up and exits when SQLite's write lock is held longer than the busy timeout (a large
import or plan being written). This worker waits longer for the lock (DANGVU_WORKER_SQLITE_TIMEOUT,
120 s), and when the lock is still held it closes its connection, waits and goes on polling,
instead of exiting. Other database errors still stop it; `dangvu serve` then starts it again.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.db import OperationalError, connections
from django_tasks_db.management.commands import db_worker

from dangvu.core.dblock import is_locked
from dangvu.core.periodic import PERIODIC, Periodic
from dangvu.envconf import env_int

log = logging.getLogger("dangvu.worker")


def run_every(job: Periodic) -> None:
    """Run a registered job (core.periodic) every few seconds, in a thread of the worker's own; a
    locked database is waited out, another error logged, and the job goes on."""
    while True:
        time.sleep(job.every)
        try:
            job.run()
        except OperationalError as exc:
            if not is_locked(exc):
                log.exception("%s failed", job.name)
        except Exception:
            log.exception("%s failed", job.name)
        finally:
            connections.close_all()


class SteadyWorker(db_worker.Worker):
    pause = 2.0

    def run(self) -> None:
        for job in PERIODIC:
            threading.Thread(target=run_every, args=(job,), daemon=True).start()
        while self.running:
            try:
                super().run()
                return
            except OperationalError as exc:
                if not is_locked(exc):
                    raise
                log.warning("the database is locked by a long write; waiting to poll again")
                for connection in connections.all():
                    connection.close()
                time.sleep(self.pause)


class Command(db_worker.Command):
    help = (
        "Run the task worker: db_worker's options, but it waits for a locked database instead of "
        "exiting."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for alias in connections:
            if connections[alias].vendor == "sqlite":
                settings_dict = connections[alias].settings_dict
                settings_dict.setdefault("OPTIONS", {})["timeout"] = env_int(
                    "DANGVU_WORKER_SQLITE_TIMEOUT", 120
                )
                connections[alias].close()
        # db_worker builds its Worker by the module's name for it: this process's worker is the
        # steady one.
        db_worker.Worker = SteadyWorker  # type: ignore[misc]
        super().handle(*args, **options)
