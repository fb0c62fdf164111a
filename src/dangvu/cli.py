"""The `dangvu` command: Django's management utility with dangvu's settings."""

from __future__ import annotations

import os
import sys

from dangvu.envconf import ConfigError


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvu.settings")

    try:
        from django.core.management import execute_from_command_line

        execute_from_command_line(["dangvu", *(sys.argv[1:] if argv is None else argv)])
    except ConfigError as exc:
        print(f"dangvu: cấu hình sai / bad configuration: {exc}", file=sys.stderr)
        sys.exit(2)
    except BrokenPipeError:
        # The reader stopped early (`dangvu org tree | head`): end quietly, as other commands do.
        # Python's documented recipe: point stdout at /dev/null so that the flush at exit does not
        # fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)


if __name__ == "__main__":
    main()
