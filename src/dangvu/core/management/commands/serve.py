"""`dangvu serve`: the web server with the task worker and the summaries' refresher, supervised."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

# A child that dies is started again after this many seconds, doubling up to the last while it
# keeps dying within a minute of its start.
BACKOFF = (1, 2, 5, 10, 30)


@dataclass
class Child:
    name: str
    argv: list[str]
    process: subprocess.Popen[bytes] | None = None
    started: float = 0.0
    failures: int = 0
    due: float = field(default=0.0)
    restarts: int = 0

    def start(self) -> None:
        self.process = subprocess.Popen(self.argv)
        self.started = time.monotonic()

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


class Command(BaseCommand):
    help = (
        "Serve dangvu: the web server (gunicorn) with the task worker (`dangvu worker`) and the "
        "summaries' refresher (summaries refresh --watch) beside it. A part that stops is started "
        "again; Ctrl+C or SIGTERM stops them all."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000", help="address:port to listen on")
        parser.add_argument("--workers", type=int, default=2, help="web worker processes")
        parser.add_argument(
            "--threads",
            type=int,
            default=4,
            help="threads per web worker: a request waiting for the database lock holds one",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Static files with hashed names and compressed copies, served with a year's caching.
        call_command("collectstatic", interactive=False, verbosity=0)
        python = sys.executable
        children = [
            Child(
                "web",
                [
                    python,
                    "-m",
                    "gunicorn",
                    "dangvu.wsgi:application",
                    "--bind",
                    options["bind"],
                    "--workers",
                    str(options["workers"]),
                    "--worker-class",
                    "gthread",
                    "--threads",
                    str(options["threads"]),
                    "--access-logfile",
                    "-",
                    "--graceful-timeout",
                    "10",
                ],
            ),
            Child("worker", [python, "-m", "dangvu.cli", "worker", "--queue-name", "default"]),
            # Recomputes the stored summaries that changes have moved (reports/summaries.py).
            Child(
                "refresher", [python, "-m", "dangvu.cli", "summaries", "refresh", "--watch", "60"]
            ),
        ]
        for child in children:
            child.start()
        self.stdout.write(f"dangvu is served at http://{options['bind']}/ (Ctrl+C to stop)")
        stopping = False

        def stop(signum: int, frame: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while not stopping:
                time.sleep(1)
                for child in children:
                    self._supervise(child)
        finally:
            for child in children:
                if child.alive():
                    assert child.process is not None
                    child.process.terminate()
            for child in children:
                if child.process is not None:
                    try:
                        child.process.wait(timeout=15)
                    except subprocess.TimeoutExpired:
                        child.process.kill()

    def _supervise(self, child: Child) -> None:
        now = time.monotonic()
        if child.alive():
            return
        if child.due == 0.0:
            assert child.process is not None
            code = child.process.returncode
            if child.restarts == 0 and now - child.started < 10:
                # It never came up (the address is taken, the configuration is wrong): say so
                # and stop, rather than try for ever.
                raise CommandError(f"the {child.name} could not start (exit {code})")
            child.failures = child.failures + 1 if now - child.started < 60 else 1
            wait = BACKOFF[min(child.failures, len(BACKOFF)) - 1]
            child.due = now + wait
            self.stderr.write(
                f"dangvu serve: the {child.name} stopped (exit {code}); starting it again in "
                f"{wait} s"
            )
            return
        if now >= child.due:
            child.due = 0.0
            child.restarts += 1
            child.start()
