"""core.addresses: `address(name, *values)` is `reverse(name, args=values)` for every page of the
site and any values — the same address, or the same refusal."""

from __future__ import annotations

import itertools
import uuid

import pytest
from django.urls import NoReverseMatch, get_resolver, reverse

from dangvu.core.addresses import address
from dangvu.members.models import EventKind

pytestmark = [pytest.mark.once]

# Keys, codes as the site writes them, and values a converter refuses or that need quoting.
VALUES = [0, 7, 2**40, 10**45, -1, "17", "TU-KH", "official", "temp_transfer_in", "a b", "x/y",
          "Đồng", "", "a" * 50, EventKind.TEMP_TRANSFER_IN, True,
          uuid.UUID("1b11596c-8a3e-4f7e-9d7e-2f0c1a2b3c4d")]  # fmt: skip


def _names() -> list[tuple[str, int]]:
    """Every named page of the site, with its number of values."""
    found = set()

    def walk(resolver, namespace: str) -> None:
        for key, possibilities in resolver.reverse_dict.lists():
            if isinstance(key, str):
                for (_result, params), *_rest in (p[0] for p in possibilities):
                    found.add((f"{namespace}{key}", len(params)))
        for ns, (_prefix, inner) in resolver.namespace_dict.items():
            walk(inner, f"{namespace}{ns}:")

    walk(get_resolver(), "")
    return sorted(found)


def _outcome(call):
    try:
        return call()
    except NoReverseMatch:
        return NoReverseMatch


def test_the_site_has_pages_with_keys_and_codes():
    names = dict(_names())
    assert names["members:event"] == 2
    assert names["orgs:detail"] == 1
    assert names["home"] == 0
    assert names["exchange:batch"] == 1  # a uuid: the pattern refuses the marks


def test_an_address_with_a_uuid_is_what_reverse_gives():
    # Found by review: the uuid converter refuses the marks; the address is reverse's, not an
    # error.
    batch = uuid.uuid4()
    assert address("exchange:batch", batch) == reverse("exchange:batch", args=[batch])


@pytest.mark.parametrize(("name", "count"), _names())
def test_an_address_is_what_reverse_gives(name, count):
    for values in itertools.product(VALUES, repeat=count):
        expected = _outcome(lambda: reverse(name, args=values))  # noqa: B023
        # Twice: the first builds the pattern, the second uses it.
        assert _outcome(lambda: address(name, *values)) == expected, (name, values)  # noqa: B023
        assert _outcome(lambda: address(name, *values)) == expected, (name, values)  # noqa: B023


def test_a_choice_takes_the_short_way(monkeypatch):
    # The member page's next events are choices (EventKind): written as their value, without
    # reversing the pattern again.
    import dangvu.core.addresses as addresses

    address("members:event", 1, "death")
    monkeypatch.setattr(addresses, "reverse", None)
    assert address("members:event", 12, EventKind.DEATH) == "/dang-vien/12/su-kien/death/"
