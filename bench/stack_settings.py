"""dangvu's settings with one more page, for bench/scale.py only: `stack_urls`."""

from dangvu.settings import *  # noqa: F403

ROOT_URLCONF = "stack_urls"
