"""The ICU Vietnamese collation exists in the database itself, on SQLite and on PostgreSQL."""

import pytest
from django.db import connection

from dangvu.core.text import vi_collator
from dangvu.members.models import Person

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def test_database_orders_names_with_the_vi_icu_collation_like_the_sort_key(world):
    from tests.conftest import admit

    for name in (
        "Đỗ Văn Ấn",
        "Lê Thị Ánh",
        "Trần Văn Ân",
        "Bùi Văn Anh",
        "Phạm Văn Dũng",
        "Hồ Thị Đào",
    ):
        admit(world.ts1, name)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT given_name FROM members_person ORDER BY given_name COLLATE vi_icu, id"
        )
        from_database = [row[0] for row in cursor.fetchall()]
    expected = sorted(from_database, key=lambda s: bytes(vi_collator().getSortKey(s)))
    assert from_database == expected
    # a < ă < â, and d < đ, in the Vietnamese alphabet.
    assert (
        from_database.index("Ánh")
        < from_database.index("Ấn")
        < from_database.index("Dũng")
        < from_database.index("Đào")
    )
    by_key = list(Person.objects.order_by("sort_key").values_list("given_name", flat=True))
    assert (
        by_key == from_database
    )  # the given names differ, so the stored key agrees with the database
