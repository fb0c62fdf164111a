"""Vietnamese text: NFC normalisation, name splitting, accent-free search keys, ICU collation keys."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import icu

_SPACES = re.compile(r"\s+")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff\u00ad"), None)


def clean(value: str | None) -> str:
    """NFC, no zero-width characters, single spaces, no leading or trailing space."""
    if value is None:
        return ""
    if (  # already clean (most cells): only checks made in C
        type(value) is str
        and value.isprintable()
        and "  " not in value
        and value[:1] != " "
        and value[-1:] != " "
        and unicodedata.is_normalized("NFC", value)
    ):
        return value
    return _clean(value)


# The caches below keep a few thousand values: an import cleans the same few hundred names,
# places and labels many times, and a citizen ID or an address once. Each cache of 65,536 held
# 15 MB for the life of the process after one import of 150,000 rows (issue 28, point 5).
_CACHED = 1 << 12


@lru_cache(maxsize=_CACHED)
def _clean(value: str) -> str:
    text = unicodedata.normalize("NFC", value).translate(_ZERO_WIDTH)
    return _SPACES.sub(" ", text).strip()


def clean_name(value: str | None) -> str:
    """A person's or organisation's name: `clean`, then each word with a capital initial."""
    return _clean_name(value or "")


@lru_cache(maxsize=_CACHED)
def _clean_name(value: str) -> str:
    text = clean(value)
    return " ".join(_capitalise(word) for word in text.split(" ")) if text else ""


def _capitalise(word: str) -> str:
    if not word:
        return word
    # Keep words already written with inner capitals or apostrophes (H'Mông, Ê Đê) as they are.
    if any(ch.isupper() for ch in word[1:]) and word[0].isupper():
        return word
    return word[0].upper() + word[1:].lower()


def split_full_name(full_name: str) -> tuple[str, str, str]:
    """(family, middle, given) of a Vietnamese full name: first word, inner words, last word."""
    words = clean_name(full_name).split(" ")
    words = [w for w in words if w]
    if not words:
        return "", "", ""
    if len(words) == 1:
        return "", "", words[0]
    return words[0], " ".join(words[1:-1]), words[-1]


def join_name(family: str, middle: str, given: str) -> str:
    return " ".join(
        part for part in (clean_name(family), clean_name(middle), clean_name(given)) if part
    )


def search_key(value: str | None) -> str:
    """Lower case, no diacritics, đ as d: "Nguyễn Văn An" → "nguyen van an"."""
    return _search_key(value or "")


@lru_cache(maxsize=_CACHED)
def _search_key(value: str) -> str:
    text = clean(value).lower().replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", stripped)


@lru_cache(maxsize=1)
def vi_collator() -> icu.Collator:
    return icu.Collator.createInstance(icu.Locale("vi"))


def collation_compare(a: str | None, b: str | None) -> int:
    """The `vi_icu` collation function registered on SQLite connections."""
    return int(vi_collator().compare(a or "", b or ""))


def vi_sort_key(value: str | None) -> bytes:
    """A key that orders text the Vietnamese way ("Cà Ná" before "Cam Thịnh Đông", "Đông Hải"
    after "Dương" and before "Văn Hải")."""
    return bytes(vi_collator().getSortKey(value or ""))


def name_sort_key(family: str, middle: str, given: str) -> str:
    """Hex ICU sort key ordering names the Vietnamese way: given name, then family, then middle.

    Concatenated per-part keys keep the part order because ICU keys end with the lowest bytes.
    """
    return "".join(_part_key(part) for part in (given, family, middle))


@lru_cache(maxsize=_CACHED * 4)  # the words of names: a few thousand
def _part_key(part: str) -> str:
    return bytes(vi_collator().getSortKey(clean(part))).hex()
