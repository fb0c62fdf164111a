"""Search by a part of a name without a full scan (issue 9): on PostgreSQL, a trigram index on
the search form of the name serves `search_name LIKE '%…%'`; SQLite scans, as before."""

from django.db import migrations


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS person_search_trgm ON members_person "
        "USING gin (search_name gin_trgm_ops)"
    )


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS person_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("members", "0005_event_kind_on")]

    operations = [migrations.RunPython(forwards, backwards)]
