from __future__ import annotations

import signal
import subprocess
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Serve dangvu: the web server (gunicorn) with the task worker (db_worker) and the "
        "summaries' refresher (summaries refresh --watch) beside it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000", help="address:port to listen on")
        parser.add_argument("--workers", type=int, default=2, help="web worker processes")

    def handle(self, *args: Any, **options: Any) -> None:
        python = sys.executable
        worker = subprocess.Popen(
            [python, "-m", "dangvu.cli", "db_worker", "--queue-name", "default"]
        )
        # Recomputes the stored summaries that changes have moved (reports/summaries.py).
        refresher = subprocess.Popen(
            [python, "-m", "dangvu.cli", "summaries", "refresh", "--watch", "60"]
        )
        web = subprocess.Popen(
            [
                python,
                "-m",
                "gunicorn",
                "dangvu.wsgi:application",
                "--bind",
                options["bind"],
                "--workers",
                str(options["workers"]),
                "--access-logfile",
                "-",
                "--graceful-timeout",
                "10",
            ]
        )
        self.stdout.write(f"dangvu is served at http://{options['bind']}/ (Ctrl+C to stop)")

        def stop(signum: int, frame: object) -> None:
            for process in (web, worker, refresher):
                if process.poll() is None:
                    process.terminate()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while True:
                for process in (web, worker, refresher):
                    try:
                        code = process.wait(timeout=1)
                    except subprocess.TimeoutExpired:
                        continue
                    stop(signal.SIGTERM, None)
                    for other in (web, worker, refresher):
                        other.wait(timeout=15)
                    if code not in (0, -signal.SIGTERM, -signal.SIGINT):
                        sys.exit(code)
                    return
        finally:
            stop(signal.SIGTERM, None)
