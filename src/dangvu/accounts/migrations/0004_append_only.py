"""The change log and the access log refuse changes at the database, whoever connects.

PostgreSQL refuses UPDATE and DELETE (row triggers); TRUNCATE is left to the owner of the tables,
which production does not give the application (docs/security.md). SQLite refuses UPDATE; Django's
own flush of a test database deletes rows, so there deletion is refused by the application.
"""

from django.db import migrations

TABLES = ("core_changeset", "core_changelogentry", "accounts_accessrecord")


def create(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                """
                CREATE OR REPLACE FUNCTION dangvu_append_only() RETURNS trigger AS $$
                BEGIN
                    RAISE EXCEPTION 'dangvu: % is append-only', TG_TABLE_NAME;
                END;
                $$ LANGUAGE plpgsql
                """
            )
            for table in TABLES:
                cursor.execute(
                    f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION dangvu_append_only()"
                )
        elif connection.vendor == "sqlite":
            for table in TABLES:
                cursor.execute(
                    f"CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, 'dangvu: {table} is append-only'); END"
                )


def drop(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for table in TABLES:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only")
        if connection.vendor == "postgresql":
            cursor.execute("DROP FUNCTION IF EXISTS dangvu_append_only()")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_security"), ("core", "0003_changelog_scope")]
    operations = [migrations.RunPython(create, drop)]
