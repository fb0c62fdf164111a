"""Static files with long-lived hashed names, compressed ahead (WhiteNoise's storage), that fall
back to the plain name while the files are not collected (the test server, `runserver`), so that
a page never fails for want of `collectstatic`."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    manifest_strict = False

    def stored_name(self, name: str) -> str:
        try:
            return super().stored_name(name)
        except ValueError:  # not collected: the file as the finders serve it
            return name
