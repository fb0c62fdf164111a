#!/bin/sh
# Refresh the translation catalogues after changing user-visible text, then translate every new
# entry in src/dangvu/locale/vi/LC_MESSAGES/django.po (tests/core/test_i18n.py checks it is complete).
set -e
cd "$(dirname "$0")/../src/dangvu"
../../.venv/bin/dangvu makemessages -l vi -l en --no-location --no-obsolete
