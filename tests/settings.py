"""The application's settings, served over plain HTTP as the test client and live server do."""

import os

os.environ.setdefault("DANGVU_HTTPS", "0")

from dangvu.settings import *  # noqa: F403
