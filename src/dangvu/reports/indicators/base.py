"""What every family of indicators shares: an indicator, a scope (a subtree over a period), the
family's interface, the breakdowns by a person's attributes, and the cache of computed values."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import translation

from dangvu.core.cached import cached, data_version  # noqa: F401  (the figures' cache)
from dangvu.core.dates import add_years
from dangvu.members import kinds as member_kinds
from dangvu.members.selectors import NOT_MINORITY, split_shares
from dangvu.orgs.models import Organisation, Placement, subtree_range, valid_on
from dangvu.rules import reference as ref
from dangvu.tree.selectors import covers, formed_on, lineage_intervals

REGISTRY_CODES: set[str] = set()  # filled once the families are declared (below)

# Form 3's admission periods (FORMS.md §3.1), by the first admission decision.
ADMISSION_PERIODS: list[tuple[str, str, str, dt.date | None, dt.date | None]] = [
    ("before_1945", "Trước 19/8/1945", "Before 19/8/1945", None, dt.date(1945, 8, 19)),
    (
        "1945_1954",
        "Từ 19/8/1945 đến 20/7/1954",
        "19/8/1945 to 20/7/1954",
        dt.date(1945, 8, 19),
        dt.date(1954, 7, 21),
    ),
    (
        "1954_1975",
        "Từ 21/7/1954 đến 30/4/1975",
        "21/7/1954 to 30/4/1975",
        dt.date(1954, 7, 21),
        dt.date(1975, 5, 1),
    ),
    ("since_1975", "Từ 01/5/1975 đến nay", "1/5/1975 to now", dt.date(1975, 5, 1), None),
]

ENTRY_KINDS = member_kinds.of_flow("entry")  # (members.kinds: one entry per kind)

EXIT_KINDS = member_kinds.of_flow("exit")

ARRIVALS = member_kinds.arrivals()  # counted by the organisation arrived in


def vi(label: Any) -> str:
    with translation.override("vi"):
        return str(label)


def en(label: Any) -> str:
    with translation.override("en"):
        return str(label)


@dataclass(frozen=True)
class Indicator:
    code: str
    label_vi: str
    label_en: str
    unit: str  # người, tổ chức, lượt, %, tuổi
    definition: str
    family: str
    record: str  # what the records behind it are: member, event, org, rating, commendation, badge

    def label(self) -> str:
        return self.label_vi if translation.get_language() != "en" else self.label_en


@dataclass
class Scope:
    """An organisation's subtree over [start, end]; stock figures are on `end`."""

    org: Organisation
    start: dt.date
    end: dt.date

    @classmethod
    def year(cls, org: Organisation, year: int) -> Scope:
        return cls(org, dt.date(year, 1, 1), dt.date(year, 12, 31))

    @classmethod
    def as_of(cls, org: Organisation, on: dt.date) -> Scope:
        return cls(org, dt.date(on.year, 1, 1), on)

    def previous(self) -> Scope:
        """The same period a year earlier ("cùng kỳ năm trước")."""
        return Scope(self.org, add_years(self.start, -1), add_years(self.end, -1))

    @cached_property
    def intervals(self) -> dict[int, list[tuple[dt.date, dt.date | None]]]:
        """For each organisation, when it counted as part of the root: the organisation over
        time (`tree.selectors.lineage_intervals`), its predecessors before it was formed."""
        return cached(f"lineage:{self.org.pk}", lambda: lineage_intervals(self.org))

    @cached_property
    def formed(self) -> dt.date | None:
        return formed_on(self.org)

    @cached_property
    def shares(self) -> dict[int, frozenset[int]]:
        """Split predecessors and the members each handed on to the root
        (`members.selectors.split_shares`): only they count for the root from it."""
        return cached(f"shares:{self.org.pk}", lambda: split_shares(self.org))

    def inside(self, org_id: int | None, day: dt.date, member: int | None = None) -> bool:
        """Whether what organisation `org_id` held on the day counted for the root; with
        `member`, whether that member did (a split predecessor counts member by member)."""
        if org_id is None:
            return False
        if member is not None and org_id in self.shares and member not in self.shares[org_id]:
            return False
        return covers(self.intervals.get(org_id, []), day)

    def held(self, org: str = "org_id") -> Q:
        """The condition on membership periods (or any row with `org_id` — or the field `org` —
        and `member_id`) that leaves out the members a split predecessor handed on to others."""
        found = Q()
        for org_id, members in self.shares.items():
            found &= ~Q(**{org: org_id}) | Q(member_id__in=sorted(members))
        return found

    def org_ids_on(self, day: dt.date) -> list[int]:
        return [o for o in self.intervals if self.inside(o, day)]

    def orgs_on(self, day: dt.date) -> QuerySet[Placement, Any] | list[int]:
        """The same organisations as `org_ids_on` (for `…__in=`): a subquery over the subtree (no
        list of ids to send) while the root stood in the tree; before it was formed, the ids of
        those that became it."""
        root = (
            Placement.objects.filter(valid_on(day), org=self.org)
            .values_list("path", flat=True)
            .first()
        )
        if root is None:
            if self.formed is not None and day < self.formed:
                # The ids themselves, not a subquery over them: PostgreSQL hashes a list, while a
                # subquery under a poor row estimate became a nested loop (4 s for the ratings).
                return self.org_ids_on(day)
            return Placement.objects.none().values("org_id")
        low, high = subtree_range(root)
        return Placement.objects.filter(valid_on(day), path__gte=low, path__lt=high).values(
            "org_id"
        )

    def orgs_ever(self) -> QuerySet[Placement, Any]:
        """Every organisation that counted as part of the root at some time, as a subquery."""
        paths = Q(pk__in=[])
        for root in Placement.objects.filter(org=self.org).values_list("path", flat=True):
            low, high = subtree_range(root)
            paths |= Q(path__gte=low, path__lt=high)
        formed = self.formed
        before = [
            o
            for o, periods in self.intervals.items()
            if formed is not None and any(a < formed for a, _b in periods)
        ]
        return Placement.objects.filter(paths | Q(org_id__in=before)).values("org_id")

    def key(self) -> str:
        return f"{self.org.code}:{self.start.isoformat()}:{self.end.isoformat()}"


def age_band(age: int) -> str:
    for code, low, high in ref.AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return code
    return ref.AGE_BANDS[-1][0]


class Family:
    key = ""
    record = "member"

    def indicators(self) -> list[Indicator]:
        raise NotImplementedError

    def values(self, scope: Scope) -> dict[str, float]:
        raise NotImplementedError

    def records(self, scope: Scope, code: str) -> list[int]:
        raise NotImplementedError

    def _ind(
        self, code: str, label_vi: str, label_en: str, unit: str, definition: str
    ) -> Indicator:
        return Indicator(code, label_vi, label_en, unit, definition, self.key, self.record)


def _person_breakdowns(prefix: str) -> list[tuple[str, str, str, str, Q]]:
    """(code, label vi, label en, field, condition on the person) for every breakdown of a
    person that forms 2, 3 and 4 ask: sex, ethnicity, religion, education, levels, occupation."""
    rows: list[tuple[str, str, str, str, Q]] = [
        ("women", "Nữ", "Women", "sex", Q(sex="F")),
        (
            "ethnic_minority",
            "Dân tộc thiểu số",
            "Ethnic minorities",
            "ethnicity",
            ~Q(ethnicity__in=NOT_MINORITY),
        ),
        ("religious", "Người có đạo", "Followers of a religion", "religion", ~Q(religion="none")),
    ]
    for code, name in ref.ETHNIC_GROUPS:
        rows.append((f"ethnicity.{code}", name, name, "ethnicity", Q(ethnicity=code)))
    for code, label in ref.RELIGIONS:
        if code != "none":
            rows.append((f"religion.{code}", vi(label), en(label), "religion", Q(religion=code)))
    for code, label in ref.GENERAL_EDUCATION:
        rows.append(
            (f"education.{code}", vi(label), en(label), "education", Q(general_education=code))
        )
    for code, label in ref.PROFESSIONAL_LEVELS:
        if code != "none":
            rows.append(
                (
                    f"professional.{code}",
                    vi(label),
                    en(label),
                    "professional",
                    Q(professional_level=code),
                )
            )
    for code, label in ref.ACADEMIC_TITLES:
        if code != "none":
            rows.append((f"title.{code}", vi(label), en(label), "title", Q(academic_title=code)))
    for code, label in ref.THEORY_LEVELS:
        if code != "none":
            rows.append((f"theory.{code}", vi(label), en(label), "theory", Q(theory_level=code)))
    for code, label in ref.OCCUPATIONS:
        rows.append((f"occupation.{code}", vi(label), en(label), "occupation", Q(occupation=code)))
    return [(f"{prefix}.{code}", lv, le, f, q) for code, lv, le, f, q in rows]


PERSON_FIELDS = (
    ("ethnicity", "ethnicity"),
    ("religion", "religion"),
    ("education", "general_education"),
    ("professional", "professional_level"),
    ("title", "academic_title"),
    ("theory", "theory_level"),
    ("occupation", "occupation"),
)

PERSON_COLUMNS = ("sex", *[f for _s, f in PERSON_FIELDS])


@lru_cache(maxsize=65536)
def person_codes(prefix: str, attrs: tuple[str, ...]) -> tuple[str, ...]:
    """The breakdown codes a person with these attributes (in PERSON_COLUMNS order) counts in:
    the same conditions as `_person_breakdowns`, read off the values (grouped rows)."""
    sex, *rest = attrs
    values = dict(zip([f for _s, f in PERSON_FIELDS], rest, strict=True))
    codes = []
    if sex == "F":
        codes.append(f"{prefix}.women")
    if values["ethnicity"] not in NOT_MINORITY:
        codes.append(f"{prefix}.ethnic_minority")
    if values["religion"] != "none":
        codes.append(f"{prefix}.religious")
    for short, column in PERSON_FIELDS:
        code = f"{prefix}.{short}.{values[column]}"
        codes.append(code)
        if short in ("ethnicity", "religion") and sex == "F":
            codes.append(f"{code}.women")
    return tuple(c for c in codes if c in REGISTRY_CODES)
