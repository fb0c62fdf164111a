"""core.loading: a record read from a row without `Model.__init__` is the record Django makes from
it — the same values in the same places, the same columns left to read on access, from the same
database, and saved as an update — and Django's own path is taken where it would differ."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection
from django.db.models import Model
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext

from dangvu.core import loading
from dangvu.core.loading import RowLoaded
from dangvu.members.models import MembershipEvent, PartyMember
from dangvu.orgs.models import Organisation

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

LOADED = [m for m in apps.get_models() if issubclass(m, RowLoaded)]


def _made(
    rows: list[Model], depth: int = 3
) -> list[tuple[dict, str | None, bool, frozenset, dict]]:
    """What a test can see of records: their values, database, whether new, the columns left
    to read, and the related records read with them (a person's member points back at it: to
    `depth` levels)."""
    return [
        (
            {k: v for k, v in vars(r).items() if k != "_state"},
            r._state.db,
            r._state.adding,
            frozenset(r.get_deferred_fields()),
            {
                k: _made([v], depth - 1)[0] if v is not None and depth else None
                for k, v in r._state.fields_cache.items()
            },
        )
        for r in rows
    ]


def _as_django(monkeypatch: pytest.MonkeyPatch, read) -> list:
    """The records `read` gives when Django makes them itself."""
    with monkeypatch.context() as patched:
        patched.setattr(loading, "_columns", lambda cls: None)
        return _made(read())


def test_every_hot_model_takes_the_short_path(world):
    # The members, their events and periods, the tree, the change log, the grants and the users:
    # each of their columns is stored as Django stores it, so none falls back to the constructor.
    names = {m._meta.label for m in LOADED}
    assert {"members.PartyMember", "members.Person", "orgs.Organisation", "core.ChangeLogEntry",
            "accounts.User", "accounts.RoleGrant", "members.MembershipEvent"} <= names  # fmt: skip
    assert all(loading._columns(m) is not None for m in LOADED)


@pytest.mark.parametrize("model", LOADED, ids=lambda m: m._meta.label)
def test_a_record_read_is_the_record_django_makes(world, monkeypatch, model):
    def read():
        return list(model._default_manager.order_by("pk")[:50])

    ours = _made(read())
    assert ours == _as_django(monkeypatch, read)
    if model in (PartyMember, Organisation, MembershipEvent):
        assert ours, "the named world has rows of this model"


def test_columns_not_read_are_read_on_access_as_django_leaves_them(world, monkeypatch):
    def only():
        return list(PartyMember.objects.only("card_number").order_by("pk"))

    def deferred():
        return list(PartyMember.objects.defer("card_number", "org").order_by("pk"))

    for read in (only, deferred):
        assert _made(read()) == _as_django(monkeypatch, read)
    member = PartyMember.objects.only("card_number").order_by("pk").first()
    assert "status" in member.get_deferred_fields()
    with CaptureQueriesContext(connection) as queries:
        status = member.status
    assert len(queries) == 1
    assert status == PartyMember.objects.get(pk=member.pk).status


def test_related_records_read_with_a_record_are_djangos(world, monkeypatch):
    def read():
        return list(
            MembershipEvent.objects.select_related("member__person", "org", "decision").order_by(
                "pk"
            )
        )

    ours = _made(read())
    assert ours == _as_django(monkeypatch, read)
    assert any(cache["org"] is not None for *_rest, cache in ours)


def test_a_record_read_saves_as_an_update(world):
    org = Organisation.objects.order_by("pk").first()
    before = Organisation.objects.count()
    org.name = org.name + " (mới)"
    with CaptureQueriesContext(connection) as queries:
        org.save(update_fields=["name"])
    assert Organisation.objects.count() == before
    assert any(q["sql"].lstrip().upper().startswith("UPDATE") for q in queries)
    assert Organisation.objects.get(pk=org.pk).name.endswith("(mới)")


def test_a_model_whose_init_is_listened_to_goes_through_django(world):
    heard = []

    def listener(sender, instance, **kwargs):
        heard.append(instance.pk)

    post_init.connect(listener, sender=Organisation)
    try:
        pks = list(Organisation.objects.order_by("pk").values_list("pk", flat=True)[:5])
        read = list(Organisation.objects.filter(pk__in=pks).order_by("pk"))
    finally:
        post_init.disconnect(listener, sender=Organisation)
    assert heard == [o.pk for o in read] == pks


def test_a_model_with_its_own_constructor_goes_through_django(world, monkeypatch):
    # Found by review: a constructor of the model's own would have been skipped.
    made = []

    def constructor(self, *args, **kwargs):
        made.append(args)
        Model.__init__(self, *args, **kwargs)

    monkeypatch.setattr(Organisation, "__init__", constructor, raising=False)
    monkeypatch.setattr(loading, "_COLUMNS", {})
    read = list(Organisation.objects.order_by("pk")[:3])
    assert len(made) == len(read) == 3


def test_the_rolls_loader_makes_djangos_records_and_listens_as_django_does(world, monkeypatch):
    """`RowLoaded.loader`, which the member list uses for its 153 records a page, makes the record
    `from_db` makes for the same columns — all of them or a few — and goes through Django's
    constructor while a receiver listens to the model's init."""
    from dangvu.members.models import Person

    for names in (
        [f.attname for f in Person._meta.concrete_fields],
        ["id", "full_name", "birth_date", "sort_key"],
    ):
        rows = list(Person.objects.order_by("pk").values_list(*names))

        def read(names=names, rows=rows):
            load = Person.loader("default", names)
            return [load(row) for row in rows]

        assert _made(read()) == _as_django(monkeypatch, read)
        assert _made(read()) == _made([Person.from_db("default", names, row) for row in rows])
    heard = []

    def listener(sender, instance, **kwargs):
        heard.append(instance.pk)

    post_init.connect(listener, sender=Person)
    try:
        load = Person.loader("default", ["id", "full_name"])
        made = [load(row) for row in Person.objects.order_by("pk").values_list("id", "full_name")]
    finally:
        post_init.disconnect(listener, sender=Person)
    assert heard == [p.pk for p in made] and made
