"""What the commands share about organisations."""

from __future__ import annotations

from django.core.management.base import CommandError

from dangvu.orgs.models import Organisation


def org_by_code(code: str) -> Organisation:
    """The organisation a command's --org names, or the command's error."""
    code = code.strip().upper()
    org = Organisation.objects.filter(code=code).first()
    if org is None:
        raise CommandError(f"No organisation with code {code}")
    return org
