"""Search whose cost follows the province, not the country (issue 28, point 1; members.search):
each member's name trigrams after its province key, a GIN index of them on PostgreSQL in place
of the country-wide trigram index of 0006."""

from django.db import migrations, models

CHUNK = 5000
INDEX = (
    "CREATE INDEX IF NOT EXISTS member_search_grams ON members_partymember "
    "USING gin (string_to_array(search_grams, ' '))"
)


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    """The keys of 5,000 members at a time, in the order of their keys: the memory a chunk takes,
    whatever the database's size."""
    from dangvu.members.search import name_grams

    member = apps.get_model("members", "PartyMember")
    rows = member.objects.order_by("pk").values_list("pk", "org__path", "person__search_name")
    last = 0
    with schema_editor.connection.cursor() as cursor:
        while True:
            chunk = list(rows.filter(pk__gt=last)[:CHUNK])
            if not chunk:
                break
            cursor.executemany(
                "UPDATE members_partymember SET search_grams = %s WHERE id = %s",
                [(name_grams(path, name), pk) for pk, path, name in chunk],
            )
            last = chunk[-1][0]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INDEX)
        schema_editor.execute("DROP INDEX IF EXISTS person_search_trgm")


def back(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS member_search_grams")
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS person_search_trgm ON members_person "
            "USING gin (search_name gin_trgm_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [("members", "0007_attribute_history")]

    operations = [
        migrations.AddField(
            model_name="partymember",
            name="search_grams",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill, back),
    ]
