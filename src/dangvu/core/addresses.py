"""Addresses of pages, as `reverse` gives them, with each pattern reversed once (issue 28).

`reverse` looks the name up, checks each value against the pattern and quotes it: 30 µs an
address, and a member's page has a score of them (its menu, its actions, one for each event that
may follow). `address(name, *values)` reverses the pattern once per name, number of values, URL
configuration and script prefix, with marks in the values' places, and then puts the values in.
Only values that need no quoting and that the pattern was seen to take alike (its shortest and
longest numbers, and words) are put in so — integers, and codes of letters, digits, "_" and "-",
of at most 40 characters; any other, and any pattern that refuses a mark (a uuid), goes through
`reverse`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

_MARK = "907153842{}"  # digits: taken by int, str, slug and path converters alike
_LONGEST = 40  # a value put in without `reverse` is at most this long
_PLAIN = re.compile(rf"[A-Za-z0-9_-]{{1,{_LONGEST}}}")


@dataclass(frozen=True)
class _Pattern:
    parts: tuple[str, ...]  # the address around the values
    words: tuple[bool, ...]  # for each value, whether it may hold letters (not an int)


_PATTERNS: dict[tuple[str, int, object, str], _Pattern | None] = {}


def _takes(name: str, marks: list[str], i: int, samples: tuple[str, ...]) -> bool:
    """Whether the pattern takes each of `samples` as its value `i` (the others as marks)."""
    for sample in samples:
        try:
            reverse(name, args=[*marks[:i], sample, *marks[i + 1 :]])
        except NoReverseMatch:
            return False
    return True


def _pattern(name: str, count: int) -> _Pattern | None:
    """The address around the marks, or None when the values must go through `reverse`: a
    converter that refuses a mark (a uuid), a mark the pattern changed or repeats, or a value
    whose shortest and longest digits, or words, the pattern does not take alike."""
    marks = [_MARK.format(i) for i in range(count)]
    try:
        url = reverse(name, args=marks)
    except NoReverseMatch:
        return None
    if not marks:
        return _Pattern((url,), ())
    either = "|".join(marks)
    if re.findall(either, url) != marks:  # each mark once, in order, unchanged
        return None
    words = []
    for i in range(count):
        if not _takes(name, marks, i, ("0", "9" * _LONGEST)):
            return None  # not every number: the pattern decides
        words.append(_takes(name, marks, i, ("a", "aZ_-" * (_LONGEST // 4))))
    return _Pattern(tuple(re.split(either, url)), tuple(words))


def address(name: str, *values: int | str) -> str:
    """`reverse(name, args=values)`."""
    # A choice (`EventKind.DEATH`) is written as its value, as `reverse` writes it.
    values = tuple(str(v) if isinstance(v, str) and type(v) is not str else v for v in values)
    key = (name, len(values), get_urlconf(), get_script_prefix())
    if key not in _PATTERNS:
        _PATTERNS[key] = _pattern(name, len(values))
    pattern = _PATTERNS[key]
    if pattern is None or not all(
        (type(v) is int and 0 <= v < 10**_LONGEST)
        or (type(v) is str and _PLAIN.fullmatch(v) and (word or v.isdigit()))
        for v, word in zip(values, pattern.words, strict=True)
    ):
        return reverse(name, args=values)
    out = [pattern.parts[0]]
    for value, part in zip(values, pattern.parts[1:], strict=True):
        out += (str(value), part)
    return "".join(out)
