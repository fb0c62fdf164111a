"""Search by a part of a name at national scale (issue 28, point 1), on PostgreSQL:

    DANGVU_DATABASE_URL=postgres://… python bench/search.py

1,000 random searches, each by the officer of a random province in that province: full names
drawn from the records (as scale.py's load sends), the start of a name, a word or two from inside
one, a fragment from the middle of a word, two letters. For each:
- the members dangvu finds are compared with those the LIKE alone finds (the same query without
  members.search's condition): the number matching in the province (the one set lies inside the
  other, so equal numbers are the same members) and the first page's names, in order;
- the database's time for the query as member_list sends it, by the trigram index of the whole
  country over the persons (members migration 0006, created for the run and dropped after) and
  by the province's trigrams (0008): each query sent again right after the comparison sent it
  (the shared buffers warm, as a server's are; BENCH_SEARCH_REPEATS times, the best kept — once
  by default: three times made the check an hour of `make bench`), p50 and p95 over the
  queries, by kind.

Builds the national dataset (bench/national.py, BENCH_NATIONAL_MEMBERS) when the database has no
members. scale.py runs `run()` in its part (b). Prints JSON.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import secrets
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvu.settings")
sys.path.insert(0, str(Path(__file__).parent))

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

QUERIES = int(os.environ.get("BENCH_SEARCH_QUERIES", "1000"))
REPEATS = int(os.environ.get("BENCH_SEARCH_REPEATS", "1"))
OLD_INDEX = (
    "CREATE INDEX IF NOT EXISTS person_search_trgm ON members_person "
    "USING gin (search_name gin_trgm_ops)"
)


def draw(names: list[str], rng: random.Random) -> tuple[str, str]:
    """A query as an officer types one: (kind, text)."""
    name = rng.choice(names)
    words = name.split()
    kind = rng.choice(["full name", "name start", "words inside", "inside a word", "two letters"])
    if kind == "full name":
        return kind, name
    if kind == "name start":
        return kind, " ".join(words[: rng.randint(1, max(1, len(words) - 1))])
    if kind == "words inside":
        i = rng.randrange(len(words))
        return kind, " ".join(words[i : i + rng.randint(1, 2)])
    word = max(words, key=len)
    if kind == "inside a word" and len(word) >= 4:
        i = rng.randint(1, len(word) - 3)
        return kind, word[i : i + 3]
    i = rng.randrange(max(1, len(word) - 1))
    return "two letters", word[i : i + 2]


def officers() -> dict[str, Any]:
    from dangvu.accounts.models import Role, User
    from dangvu.accounts.services import role_grant
    from dangvu.orgs.models import Organisation

    tag = secrets.token_hex(3)
    out = {}
    for org in Organisation.objects.filter(parent__isnull=True, dissolved_on__isnull=True):
        user = User.objects.create_user(username=f"bench-search-{tag}-{org.code}", password=None)
        role_grant(
            user=user, org=org, role=Role.ORG_OFFICER, valid_from=dt.date(2000, 1, 1), actor=None
        )
        out[org.path] = (user, org)
    return out


def run(queries: int = QUERIES, seed: int = 28) -> dict[str, Any]:
    from dangvu.core.text import search_key
    from dangvu.members import search
    from dangvu.members.selectors import MemberFilters, member_list, visible_members
    from dangvu.orgs.models import subtree_range

    rng = random.Random(seed)
    with connection.cursor() as cursor:
        cursor.execute("SELECT full_name FROM members_person TABLESAMPLE SYSTEM (0.1) LIMIT 5000")
        names = [r[0] for r in cursor.fetchall()]
    by_province = officers()
    paths = sorted(by_province)
    asked = [(rng.choice(paths), *draw(names, rng)) for _ in range(queries)]

    def answer(path: str, text: str, narrowed: bool) -> tuple[tuple[int, list[str]], str]:
        """How many members match in the province, the first page's names in order (members of
        one name tie: their order among themselves is not defined), the page's query."""
        user, org = by_province[path]
        keep = search.holding
        if not narrowed:
            search.holding = lambda qs, _path, _key: qs  # the LIKE alone
        try:
            with CaptureQueriesContext(connection) as seen:
                rows, _token = member_list(user, org, MemberFilters(q=text), limit=50)
            low, high = subtree_range(org.path)
            key = search_key(text)
            matching = visible_members(user).filter(
                org__path__gte=low, org__path__lt=high, person__search_name__contains=key
            )
            # The narrowed set lies inside the LIKE's (one more condition): equal counts, same set.
            count = search.holding(matching, org.path, key).count()
        finally:
            search.holding = keep
        sql = next(q["sql"] for q in seen.captured_queries if "LIKE" in q["sql"])
        return (count, [m.person.sort_key for m in rows]), sql

    def timed(sql: str) -> float:
        best = float("inf")
        with connection.cursor() as cursor:
            for _ in range(REPEATS):
                began = time.perf_counter()
                cursor.execute(sql)
                cursor.fetchall()
                best = min(best, time.perf_counter() - began)
        return best * 1000

    # The LIKE alone, by the country's index (as before 0008).
    with connection.cursor() as cursor:
        began = time.perf_counter()
        cursor.execute(OLD_INDEX)
        cursor.execute("ANALYZE members_person")
        old_index_s = time.perf_counter() - began
    before = []
    try:
        for path, _kind, text in asked:
            ids, sql = answer(path, text, narrowed=False)
            before.append((ids, timed(sql)))
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX IF EXISTS person_search_trgm")
    after = []
    for path, _kind, text in asked:
        ids, sql = answer(path, text, narrowed=True)
        after.append((ids, timed(sql)))
    differ = [
        {"province": p, "kind": k, "text": t}
        for (p, k, t), (a, _x), (b, _y) in zip(asked, before, after, strict=True)
        if a != b
    ]

    def spread(ms: list[float]) -> dict[str, float]:
        ms = sorted(ms)
        return {
            "p50": ms[len(ms) // 2],
            "p95": ms[min(len(ms) - 1, int(len(ms) * 0.95))],
            "n": len(ms),
        }

    kinds = sorted({k for _p, k, _t in asked})
    by_kind = {
        kind: {
            "before_ms": spread(
                [b[1] for (_p, k, _t), b in zip(asked, before, strict=True) if k == kind]
            ),
            "now_ms": spread(
                [a[1] for (_p, k, _t), a in zip(asked, after, strict=True) if k == kind]
            ),
        }
        for kind in kinds
    }
    return {
        "queries": queries,
        "same_answers": queries - len(differ),
        "differ": differ[:10],
        "found_some": sum(1 for (count, _page), _t in after if count),
        "matches_p50": sorted(count for (count, _page), _t in after)[queries // 2],
        "before_ms": spread([t for _ids, t in before]),
        "now_ms": spread([t for _ids, t in after]),
        "by_kind": by_kind,
        "country_index_built_s": round(old_index_s, 1),
    }


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("bench/search.py measures PostgreSQL (DANGVU_DATABASE_URL).")
    from django.core.management import call_command

    from dangvu.members.models import PartyMember

    call_command("migrate", verbosity=0)
    if not PartyMember.objects.exists():
        import national

        national.build(int(os.environ.get("BENCH_NATIONAL_MEMBERS", "5960000")))
    members = PartyMember.objects.count()
    print(json.dumps({"members": members, **run()}, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
