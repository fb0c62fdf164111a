"""The Vietnamese catalogue is complete, and the interface speaks English on request."""

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

import dangvu

pytestmark = pytest.mark.once

LOCALE = Path(dangvu.__file__).parent / "locale"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_message_is_translated_and_none_is_fuzzy(language):
    with open(LOCALE / language / "LC_MESSAGES" / "django.po", "rb") as handle:
        catalog = read_po(handle)
    missing = [
        m.id
        for m in catalog
        if m.id and not (m.string if isinstance(m.string, str) else all(m.string))
    ]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    if language == "vi":
        assert missing == []
    assert fuzzy == []


def test_the_catalogue_covers_every_message_in_the_code(tmp_path):
    """makemessages on a copy finds no message that the Vietnamese catalogue lacks."""
    import shutil
    import subprocess
    import sys

    copy = tmp_path / "dangvu"
    shutil.copytree(
        Path(dangvu.__file__).parent, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo")
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "vi",
            "--no-obsolete",
            "--no-location",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": ""},
    )
    with open(copy / "locale" / "vi" / "LC_MESSAGES" / "django.po", "rb") as handle:
        catalog = read_po(handle)
    untranslated = [
        m.id
        for m in catalog
        if m.id and not (m.string if isinstance(m.string, str) else all(m.string))
    ]
    assert untranslated == []
