"""Migration operations shared by the areas."""

from __future__ import annotations

from django.db import migrations


def _create_collation(apps: object, schema_editor: object) -> None:
    connection = schema_editor.connection  # type: ignore[attr-defined]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("CREATE COLLATION IF NOT EXISTS vi_icu (provider = icu, locale = 'vi')")


def _drop_collation(apps: object, schema_editor: object) -> None:
    connection = schema_editor.connection  # type: ignore[attr-defined]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP COLLATION IF EXISTS vi_icu")


def create_vi_collation() -> migrations.RunPython:
    """On PostgreSQL, the ICU Vietnamese collation; SQLite registers it on each connection."""
    return migrations.RunPython(_create_collation, _drop_collation)
