"""The application's settings, served over plain HTTP as the test client and live server do."""

import os

os.environ.setdefault("DANGVU_HTTPS", "0")

from dangvu.settings import *  # noqa: F403

# Imports run as tasks; in tests they run when enqueued (after the request's transaction commits).
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "ENQUEUE_ON_COMMIT": False,
    }
}

# A fast hasher, as Django's documentation advises for tests: each Argon2 hash costs 0.3–0.7 s here.
# The production hasher is checked by tests/accounts/test_login.py.
PRODUCTION_PASSWORD_HASHERS = PASSWORD_HASHERS  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Figures are computed afresh in tests (tests/reports/test_cache.py turns the cache on).
DANGVU_FIGURE_CACHE = False
