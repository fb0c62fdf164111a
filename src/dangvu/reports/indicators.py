"""The indicator registry (issue 8): every figure a form, a review or a dashboard prints.

An indicator has a code, a Vietnamese and an English label, a definition and a unit. Indicators
come in families that compute together (one aggregate query, or one pass over the few records of
a period); a family gives every value of a scope and, for one code, the records behind it. The
value of an indicator and its records come from the same condition, so the drill-down always
lists exactly what was counted.

A scope is an organisation's subtree and a period [start, end]: stock figures ("in the list")
are taken on `end` in the subtree as it stood then; flows (admissions, transfers, exits,
awards) are the events of the period in the organisations that were in the subtree on the day.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache, partial
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import translation

from dangvu.awards.models import BadgeAward, Commendation
from dangvu.core.dates import add_years, born_on_or_before_for_age
from dangvu.core.dates import age_on as completed_years  # age in completed years on a day
from dangvu.core.models import ChangeSet
from dangvu.core.routers import reports_replica
from dangvu.evaluation.models import Rating
from dangvu.evaluation.services import review_on
from dangvu.members import attributes, lifecycle
from dangvu.members.models import FlagPeriod, MembershipEvent, MembershipPeriod, PartyMember

# "Dân tộc thiểu số" is defined once, beside the member list's filter (FORMS.md §5).
from dangvu.members.selectors import NOT_MINORITY, gaps_of, split_shares
from dangvu.orgs.models import Category, Kind, Organisation, Placement, subtree_range, valid_on
from dangvu.rules import charter
from dangvu.rules import evaluation as ev
from dangvu.rules import organisation as org_rules
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

ENTRY_KINDS = ("admission", "readmission", "restoration", "transfer_in")
EXIT_KINDS = ("death", "expulsion", "removal", "resignation", "transfer_out")
ARRIVALS = (*ENTRY_KINDS, "temp_transfer_in")  # counted by the organisation arrived in


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


# ---------------------------------------------------------------------------------------------
# Families


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


class MemberStock(Family):
    """Members in the list on the scope's end day, and their structure (forms 3 and 4)."""

    key = "members"

    def conditions(self, on: dt.date) -> dict[str, Q]:
        found: dict[str, Q] = {
            "members.total": Q(),
            "members.official": Q(status="official"),
            "members.probationary": Q(status="probationary"),
        }
        for code, _lv, _le, _f, q in _person_breakdowns("members"):
            person_q = attributes.as_of(q, on, "member__person__")
            found[code] = person_q
            if code.startswith(("members.ethnicity.", "members.religion.")):
                found[f"{code}.women"] = person_q & Q(member__person__sex="F")
        for code, low, high in ref.AGE_BANDS:
            condition = (
                Q(member__person__birth_date__lte=born_on_or_before_for_age(low, on))
                if low
                else Q()
            )
            if high is not None:
                condition &= Q(
                    member__person__birth_date__gt=born_on_or_before_for_age(high + 1, on)
                )
            found[f"members.age.{code}"] = condition
        for code, _lv, _le, low_day, high_day in ADMISSION_PERIODS:
            condition = Q()
            if low_day:
                condition &= Q(member__first_admission_date__gte=low_day)
            if high_day:
                condition &= Q(member__first_admission_date__lt=high_day)
            found[f"members.admitted.{code}"] = condition
        return found

    SENIOR = ("members.admitted.", "members.seniority.", "members.exempted")

    def owns(self, code: str) -> bool:
        return not code.startswith(self.SENIOR)

    def indicators(self) -> list[Indicator]:
        return [i for i in self._declared() if self.owns(i.code)]

    def _declared(self) -> list[Indicator]:
        stock = "Đảng viên trong danh sách của các tổ chức trong cây vào ngày cuối kỳ"
        out = [
            self._ind("members.total", "Tổng số đảng viên", "Members in the list", "người", stock),
            self._ind(
                "members.official", "Đảng viên chính thức", "Official members", "người", stock
            ),
            self._ind(
                "members.probationary", "Đảng viên dự bị", "Probationary members", "người", stock
            ),
        ]
        for code, lv, le, _f, _q in _person_breakdowns("members"):
            out.append(self._ind(code, lv, le, "người", f"{stock}, theo lý lịch"))
            if code.startswith(("members.ethnicity.", "members.religion.")):
                out.append(self._ind(f"{code}.women", f"{lv}: nữ", f"{le}: women", "người", stock))
        for code, _low, _high in ref.AGE_BANDS:
            label = ref.AGE_BAND_LABELS[code]
            out.append(
                self._ind(
                    f"members.age.{code}",
                    f"Tuổi {vi(label)}",
                    f"Aged {en(label)}",
                    "người",
                    f"{stock}; tuổi tròn tính đến ngày cuối kỳ",
                )
            )
        out.append(
            self._ind(
                "members.age.average",
                "Tuổi bình quân",
                "Average age",
                "tuổi",
                f"{stock}; trung bình tuổi tròn",
            )
        )
        for code, lv, le, _a, _b in ADMISSION_PERIODS:
            out.append(
                self._ind(
                    f"members.admitted.{code}",
                    f"Vào Đảng {lv[0].lower()}{lv[1:]}",
                    f"Admitted {le[0].lower()}{le[1:]}",
                    "người",
                    f"{stock}; theo ngày quyết định kết nạp lần đầu",
                )
            )
        for tier in charter.BADGE_TIERS:
            out.append(
                self._ind(
                    f"members.seniority.{tier}",
                    f"Tuổi đảng từ {tier} năm",
                    f"Party age {tier} years or more",
                    "người",
                    f"{stock}; tuổi đảng (trừ thời gian gián đoạn) từ {tier} năm trở lên",
                )
            )
        out.append(
            self._ind(
                "members.exempted",
                "Được miễn công tác và sinh hoạt đảng",
                "Exempted from work and party activity",
                "người",
                stock,
            )
        )
        return out

    def base(self, scope: Scope) -> QuerySet[MembershipPeriod]:
        return MembershipPeriod.objects.filter(
            scope.held(), valid_on(scope.end), temporary=False, org_id__in=scope.orgs_on(scope.end)
        )

    def grouped(self, scope: Scope) -> list[tuple[Any, ...]]:
        """(status, *PERSON_COLUMNS, birth date, first admission date, n): the list on the end day
        in one grouped pass, shared by the members and seniority families of the same scope."""
        found = scope.__dict__.get("_grouped")
        if found is None or not scope.__dict__.get("_sharing"):
            columns = [f"member__person__{c}" for c in PERSON_COLUMNS]
            columns += ["member__person__birth_date", "member__first_admission_date"]
            found = list(
                self.base(scope)
                .values("status", *columns)
                .annotate(n=Count("id"))
                .values_list("status", *columns, "n")
            )
            found = self._as_held(scope, columns, found)
            scope.__dict__["_grouped"] = found
        return found

    def _as_held(
        self, scope: Scope, columns: list[str], grouped: list[tuple[Any, ...]]
    ) -> list[tuple[Any, ...]]:
        """The grouped rows with the persons whose attributes changed after the end day moved to
        the values they held on it (members/attributes.py): a few rows, not a second pass."""
        held = attributes.held_on(self.base(scope).values("member__person_id"), scope.end)
        if not held:
            return grouped
        counts: Counter[tuple[Any, ...]] = Counter({tuple(r[:-1]): r[-1] for r in grouped})
        width = len(PERSON_COLUMNS)
        rows = self.base(scope).filter(member__person_id__in=list(held))
        for *key, person in rows.values_list("status", *columns, "member__person_id"):
            counts[tuple(key)] -= 1
            values = held[person]
            key[1 : 1 + width] = [
                values.get(c, v) for c, v in zip(PERSON_COLUMNS, key[1 : 1 + width], strict=True)
            ]
            counts[tuple(key)] += 1
        return [(*key, n) for key, n in counts.items() if n]

    def values(self, scope: Scope) -> dict[str, float]:
        """One grouped query read off in Python; the records of a code come from `conditions`,
        the same definitions as SQL filters."""
        values: dict[str, float] = {i.code: 0 for i in self.indicators()}
        width = len(PERSON_COLUMNS)
        total = ages = 0
        for status, *rest, n in self.grouped(scope):
            values["members.total"] += n
            if status in ("official", "probationary"):
                values[f"members.{status}"] += n
            for code in person_codes("members", tuple(rest[:width])):
                values[code] += n
            age = completed_years(rest[width], scope.end)
            total += n
            ages += age * n
            values[f"members.age.{age_band(age)}"] += n
        values["members.age.average"] = round(ages / total, 1) if total else 0
        values["_members.age.sum"] = ages  # to combine subtrees (reports/summaries.py)
        return values

    def some(self, scope: Scope, codes: Iterable[str]) -> dict[str, float]:
        """A few of the family's counts in one pass (conditional counts over the same
        conditions as the records): for a page that needs five figures, not five hundred."""
        conditions = self.conditions(scope.end)
        wanted = [c for c in codes if c in conditions]
        result = self.base(scope).aggregate(
            **{
                f"c{n}": Count("id", filter=conditions[c]) if conditions[c] else Count("id")
                for n, c in enumerate(wanted)
            }
        )
        return {c: int(result[f"c{n}"] or 0) for n, c in enumerate(wanted)}

    def _seniority(self, scope: Scope) -> dict[int, list[int]]:

        found: dict[int, list[int]] = {tier: [] for tier in charter.BADGE_TIERS}
        oldest = add_years(scope.end, -charter.BADGE_TIERS[0])
        members = PartyMember.objects.filter(
            pk__in=self.base(scope).values("member_id"), first_admission_date__lte=oldest
        ).only("id", "first_admission_date", "derived")
        for m in members:
            assert m.first_admission_date is not None
            years = lifecycle.party_age(m.first_admission_date, gaps_of(m), scope.end).years
            for tier in charter.BADGE_TIERS:
                if years >= tier:
                    found[tier].append(m.pk)
        return found

    def _exempted(self, scope: Scope) -> list[int]:

        return list(
            FlagPeriod.objects.filter(
                valid_on(scope.end),
                flag="exempted",
                member_id__in=self.base(scope).values("member_id"),
            ).values_list("member_id", flat=True)
        )

    def records(self, scope: Scope, code: str) -> list[int]:
        if code.startswith("members.seniority."):
            return self._seniority(scope)[int(code.rsplit(".", 1)[1])]
        if code == "members.exempted":
            return self._exempted(scope)
        if code == "members.age.average":
            code = "members.total"
        condition = self.conditions(scope.end)[code]
        return list(self.base(scope).filter(condition).values_list("member_id", flat=True))


class Seniority(MemberStock):
    """The same members' time in the Party: admission periods, party age (gaps deducted) and
    exemption (form 3); apart because it reads each long-standing member's history."""

    key = "seniority"

    def owns(self, code: str) -> bool:
        return code.startswith(self.SENIOR)

    def values(self, scope: Scope) -> dict[str, float]:
        values: dict[str, float] = {i.code: 0 for i in self.indicators()}
        for *_rest, first, n in self.grouped(scope):
            for code, _v, _e, low, high in ADMISSION_PERIODS:
                if (
                    first is not None
                    and (low is None or first >= low)
                    and (high is None or first < high)
                ):
                    values[f"members.admitted.{code}"] += n
        seniority = self._seniority(scope)
        for tier in charter.BADGE_TIERS:
            values[f"members.seniority.{tier}"] = len(seniority[tier])
        values["members.exempted"] = len(self._exempted(scope))
        return values


@dataclass
class Flow:
    """The entries into and exits from the list in a scope, with the events behind them."""

    by_code: dict[str, list[int]] = field(default_factory=dict)
    start_members: set[int] = field(default_factory=set)
    end_members: set[int] = field(default_factory=set)


class Flows(Family):
    """Increase and decrease by reason (form 1) and the official and temporary transfers (form 7)."""

    key = "flows"
    record = "event"

    CODES: list[tuple[str, str, str, str]] = [
        ("flow.in.admitted", "Kết nạp", "Admitted", "kết nạp và kết nạp lại trong kỳ"),
        ("flow.in.readmitted", "Trong đó: kết nạp lại", "Of which re-admitted", "kết nạp lại"),
        (
            "flow.in.transfer_other_province",
            "Chuyển đến từ tỉnh khác (ngoài hệ thống)",
            "Transferred in from another province",
            "chuyển sinh hoạt chính thức đến, từ tổ chức không quản lý ở đây",
        ),
        (
            "flow.in.transfer_other_unit",
            "Chuyển đến từ đơn vị khác trong tỉnh",
            "Transferred in from another unit of the province",
            "chuyển sinh hoạt chính thức đến, từ tổ chức ngoài cây nhưng quản lý ở đây",
        ),
        ("flow.in.restored", "Phục hồi đảng tịch", "Membership restored", "phục hồi đảng tịch"),
        ("flow.out.death", "Từ trần", "Died", "từ trần"),
        ("flow.out.expulsion", "Khai trừ", "Expelled", "khai trừ"),
        ("flow.out.removal", "Xóa tên", "Removed from the list", "xóa tên"),
        (
            "flow.out.removal_probationary",
            "Trong đó: đảng viên dự bị",
            "Of which probationary members",
            "xóa tên khi đang là đảng viên dự bị",
        ),
        ("flow.out.resignation", "Xin ra khỏi Đảng", "Resigned", "xin ra khỏi Đảng"),
        (
            "flow.out.transfer_other_province",
            "Chuyển đi tỉnh khác (ngoài hệ thống)",
            "Transferred out to another province",
            "chuyển sinh hoạt chính thức đi tổ chức không quản lý ở đây",
        ),
        (
            "flow.out.transfer_other_unit",
            "Chuyển đi đơn vị khác trong tỉnh",
            "Transferred out to another unit of the province",
            "chuyển sinh hoạt chính thức đi tổ chức ngoài cây nhưng quản lý ở đây",
        ),
        (
            "flow.temporary.out",
            "Lượt chuyển sinh hoạt tạm thời đi",
            "Temporary transfers out",
            "lượt chuyển sinh hoạt tạm thời đi khỏi các tổ chức trong cây",
        ),
        (
            "flow.temporary.in",
            "Lượt chuyển sinh hoạt tạm thời đến",
            "Temporary transfers in",
            "lượt chuyển sinh hoạt tạm thời đến các tổ chức trong cây",
        ),
    ]

    def indicators(self) -> list[Indicator]:
        out = [
            Indicator(
                "flow.start",
                "Đảng viên trong danh sách đầu kỳ",
                "Members in the list at the start",
                "người",
                "đảng viên trong danh sách ngày trước ngày đầu kỳ",
                self.key,
                "member",
            ),
            Indicator(
                "flow.end",
                "Đảng viên trong danh sách cuối kỳ",
                "Members in the list at the end",
                "người",
                "đảng viên trong danh sách ngày cuối kỳ",
                self.key,
                "member",
            ),
            Indicator(
                "flow.in.total",
                "Tổng tăng",
                "Total increase",
                "người",
                "tổng các lý do tăng",
                self.key,
                "event",
            ),
            Indicator(
                "flow.out.total",
                "Tổng giảm",
                "Total decrease",
                "người",
                "tổng các lý do giảm",
                self.key,
                "event",
            ),
            Indicator(
                "flow.adjustment",
                "Chênh lệch do sắp xếp tổ chức hoặc đang chuyển sinh hoạt",
                "Difference from restructuring or transfers under way",
                "người",
                "cuối kỳ − (đầu kỳ + tăng − giảm): đảng viên vào hoặc ra khỏi cây không qua một "
                "quyết định tăng, giảm (tổ chức được sắp xếp lại, giấy giới thiệu chưa nộp)",
                self.key,
                "member",
            ),
        ]
        out += [self._ind(c, lv, le, "người", d) for c, lv, le, d in self.CODES]
        return out

    def listed_on(self, scope: Scope, day: dt.date) -> QuerySet[MembershipPeriod]:
        return MembershipPeriod.objects.filter(
            scope.held(), valid_on(day), temporary=False, org_id__in=scope.orgs_on(day)
        )

    def compute(
        self, scope: Scope, with_lists: bool = True, kinds: tuple[str, ...] | None = None
    ) -> Flow:
        """The events of each reason; with `with_lists`, also who was in the list at each end
        (the records of flow.start, flow.end and flow.adjustment); `kinds` narrows the events
        read (the exits alone, for a page that shows only them)."""
        flow = Flow(by_code={c: [] for c, *_ in self.CODES})
        eve = scope.start - dt.timedelta(days=1)
        if with_lists:
            flow.start_members = set(self.listed_on(scope, eve).values_list("member_id", flat=True))
            flow.end_members = set(
                self.listed_on(scope, scope.end).values_list("member_id", flat=True)
            )
        # Entries into an organisation that lay in the subtree; exits and temporary transfers
        # out of members who held a cell there in the period (not every exit of the nation).
        held = MembershipPeriod.objects.filter(
            temporary=False, org_id__in=scope.orgs_ever(), valid_from__lte=scope.end
        ).exclude(valid_to__lt=scope.start)
        found = MembershipEvent.objects.filter(
            voided_by__isnull=True,
            on__gte=scope.start,
            on__lte=scope.end,
            kind__in=(*ENTRY_KINDS, *EXIT_KINDS, "temp_transfer_out", "temp_transfer_in"),
        ).filter(
            Q(kind__in=ARRIVALS, org_id__in=scope.orgs_ever())
            | Q(kind__in=ARRIVALS, org__isnull=True)
            | (~Q(kind__in=ARRIVALS) & Q(member_id__in=held.values("member_id")))
        )
        if kinds is not None:
            found = found.filter(kind__in=kinds)
        events = list(
            found.values_list("id", "member_id", "kind", "on", "org_id").order_by("on", "id")
        )
        # Only exits and transfers need the cells held before; admissions do not. The ids are
        # read off the events (a few thousand for a province), not a second pass over them.
        movers = sorted({e[1] for e in events if e[2] not in ("admission", "readmission")})
        arrivals = sorted({e[1] for e in events if e[2] == "transfer_in"})
        periods: dict[int, list[tuple[dt.date, dt.date | None, int, str]]] = defaultdict(list)
        for chunk in chunked(movers):
            for m, vf, vt, o, status in MembershipPeriod.objects.filter(
                member_id__in=chunk, temporary=False, valid_from__lte=scope.end
            ).values_list("member_id", "valid_from", "valid_to", "org_id", "status"):
                periods[m].append((vf, vt, o, status))

        def home_before(member: int, day: dt.date) -> tuple[int, str] | None:
            """The home cell a period closed on `day` held (the cell left by an exit)."""
            for vf, vt, o, status in periods[member]:
                if vt == day and vf < day:
                    return o, status
            return None

        def last_home_before(member: int, day: dt.date) -> tuple[int, dt.date] | None:
            found = None
            for _vf, vt, o, _s in periods[member]:
                if vt is not None and vt <= day and (found is None or vt > found[1]):
                    found = (o, vt)
            return found

        # Which transfers out named a cell (the origin is kept here): one query for all.
        to_cell: set[tuple[int, dt.date]] = set()
        for chunk in chunked(arrivals):
            to_cell.update(
                MembershipEvent.objects.filter(
                    member_id__in=chunk,
                    kind="transfer_out",
                    org__isnull=False,
                    voided_by__isnull=True,
                    on__lte=scope.end,
                ).values_list("member_id", "on")
            )
        add = flow.by_code
        for event_id, member, kind, on, org_id in events:
            if kind in ("admission", "readmission"):
                if scope.inside(org_id, on, member):
                    add["flow.in.admitted"].append(event_id)
                    if kind == "readmission":
                        add["flow.in.readmitted"].append(event_id)
            elif kind == "restoration":
                if scope.inside(org_id, on, member):
                    add["flow.in.restored"].append(event_id)
            elif kind == "transfer_in":
                if not scope.inside(org_id, on, member):
                    continue
                origin = last_home_before(member, on)
                if origin is None:
                    add["flow.in.transfer_other_province"].append(event_id)
                elif not scope.inside(origin[0], origin[1] - dt.timedelta(days=1), member):
                    # Whether the origin is kept here: the transfer out named a cell.
                    add[
                        "flow.in.transfer_other_unit"
                        if (member, origin[1]) in to_cell
                        else "flow.in.transfer_other_province"
                    ].append(event_id)
            elif kind == "temp_transfer_in":
                if scope.inside(org_id, on, member):
                    add["flow.temporary.in"].append(event_id)
            elif kind == "temp_transfer_out":
                home = _home_on(periods[member], on)
                if home is not None and scope.inside(home, on, member):
                    add["flow.temporary.out"].append(event_id)
            else:  # an exit
                left = home_before(member, on)
                if left is None or not scope.inside(left[0], on - dt.timedelta(days=1), member):
                    continue
                if kind == "transfer_out":
                    if org_id is None:
                        add["flow.out.transfer_other_province"].append(event_id)
                    elif not scope.inside(org_id, on, member):
                        add["flow.out.transfer_other_unit"].append(event_id)
                    continue
                add[f"flow.out.{'removal' if kind == 'removal' else kind}"].append(event_id)
                if kind == "removal" and left[1] == "probationary":
                    add["flow.out.removal_probationary"].append(event_id)
        return flow

    def exits_total(self, scope: Scope) -> int:
        """flow.out.total, from the exit events alone."""
        flow = self.compute(scope, with_lists=False, kinds=EXIT_KINDS)
        return sum(len(flow.by_code[c]) for c in OUT_TOTAL)

    def values(self, scope: Scope) -> dict[str, float]:
        flow = self.compute(scope, with_lists=False)
        values: dict[str, float] = {code: len(ids) for code, ids in flow.by_code.items()}
        eve = scope.start - dt.timedelta(days=1)
        values["flow.start"] = self.listed_on(scope, eve).count()
        values["flow.end"] = self.listed_on(scope, scope.end).count()
        values["flow.in.total"] = sum(values[c] for c in IN_TOTAL)
        values["flow.out.total"] = sum(values[c] for c in OUT_TOTAL)
        values["flow.adjustment"] = (
            values["flow.end"]
            - values["flow.start"]
            - values["flow.in.total"]
            + values["flow.out.total"]
        )
        return values

    def records(self, scope: Scope, code: str) -> list[int]:
        flow = self.compute(scope)
        if code == "flow.start":
            return sorted(flow.start_members)
        if code == "flow.end":
            return sorted(flow.end_members)
        if code == "flow.in.total":
            return [i for c in IN_TOTAL for i in flow.by_code[c]]
        if code == "flow.out.total":
            return [i for c in OUT_TOTAL for i in flow.by_code[c]]
        if code == "flow.adjustment":
            return sorted(self.unexplained(flow))
        return flow.by_code[code]

    @staticmethod
    def unexplained(flow: Flow) -> dict[int, int]:
        """The members behind flow.adjustment, each with what their own balance misses: in the
        list at the end (1 or 0) less at the start, less their counted entries, plus their counted
        exits. A member moved in by a restructuring and out again by an exit in the same year is
        one of them (+1), though in neither list. The values add up to the figure."""
        entries = _events_per_member(i for c in IN_TOTAL for i in flow.by_code[c])
        exits = _events_per_member(i for c in OUT_TOTAL for i in flow.by_code[c])
        found = {}
        for member in flow.start_members | flow.end_members | set(entries) | set(exits):
            missing = (
                (member in flow.end_members)
                - (member in flow.start_members)
                - entries.get(member, 0)
                + exits.get(member, 0)
            )
            if missing:
                found[member] = missing
        return found

    @staticmethod
    def record_kind(code: str) -> str:
        return "member" if code in ("flow.start", "flow.end", "flow.adjustment") else "event"


IN_TOTAL = (
    "flow.in.admitted",
    "flow.in.transfer_other_province",
    "flow.in.transfer_other_unit",
    "flow.in.restored",
)
OUT_TOTAL = (
    "flow.out.death",
    "flow.out.expulsion",
    "flow.out.removal",
    "flow.out.resignation",
    "flow.out.transfer_other_province",
    "flow.out.transfer_other_unit",
)


def _events_per_member(event_ids: Iterable[int]) -> dict[int, int]:
    """How many of these events each member has."""
    return dict(Counter(_member_ids(event_ids)))


def _member_ids(event_ids: Iterable[int]) -> list[int]:
    ids = list(event_ids)
    found = []
    for chunk in chunked(ids):
        found += list(
            MembershipEvent.objects.filter(pk__in=chunk).values_list("member_id", flat=True)
        )
    return found


def chunked(ids: list[int], size: int = 10_000) -> Iterator[list[int]]:
    """Ids in lists short enough for one IN (...) on every database."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _home_on(periods: list[tuple[dt.date, dt.date | None, int, str]], day: dt.date) -> int | None:
    for vf, vt, o, _s in periods:
        if vf <= day and (vt is None or day < vt):
            return o
    return None


class Admitted(Family):
    """The newly admitted of the period and their structure (forms 2 and 2B), against the target."""

    key = "admitted"
    record = "event"

    def indicators(self) -> list[Indicator]:
        d = "kết nạp và kết nạp lại trong kỳ vào các tổ chức trong cây"
        out = [
            self._ind(
                "admitted.total", "Tổng số đảng viên mới kết nạp", "Newly admitted", "người", d
            ),
            self._ind("admitted.readmitted", "Kết nạp lại", "Re-admitted", "người", d),
        ]
        for code, lv, le, _f, _q in _person_breakdowns("admitted"):
            out.append(self._ind(code, lv, le, "người", f"{d}, theo lý lịch"))
            if code.startswith(("admitted.ethnicity.", "admitted.religion.")):
                out.append(self._ind(f"{code}.women", f"{lv}: nữ", f"{le}: women", "người", d))
        for code, _low, _high in ref.AGE_BANDS:
            label = ref.AGE_BAND_LABELS[code]
            out.append(
                self._ind(
                    f"admitted.age.{code}",
                    f"Tuổi {vi(label)}",
                    f"Aged {en(label)}",
                    "người",
                    f"{d}; tuổi tròn vào ngày kết nạp",
                )
            )
        out.append(
            self._ind(
                "admitted.age.average",
                "Tuổi bình quân khi kết nạp",
                "Average age at admission",
                "tuổi",
                d,
            )
        )
        out.append(
            self._ind(
                "admitted.target",
                "Chỉ tiêu kết nạp trong năm",
                "Admission target of the year",
                "người",
                "chỉ tiêu do cấp ủy giao cho tổ chức (nhập hoặc nhập từ tệp) cho năm cuối kỳ",
            )
        )
        out.append(
            self._ind(
                "admitted.target_pct",
                "Tỷ lệ kết nạp so với chỉ tiêu",
                "Admissions against the target",
                "%",
                "số mới kết nạp × 100 / chỉ tiêu",
            )
        )
        out.append(
            Indicator(
                "admitted.grassroots_admitting",
                "Tổ chức cơ sở đảng có kết nạp đảng viên",
                "Grassroots organisations that admitted members",
                "tổ chức",
                "tổ chức cơ sở đảng có ít nhất một đảng viên mới kết nạp trong kỳ",
                self.key,
                "org",
            )
        )
        return out

    def rows(self, scope: Scope) -> list[tuple[Any, ...]]:
        """(event, kind, day, cell, birth date, *person attributes) of each admission of the
        period into an organisation that lay in the subtree on the day."""
        columns = [f"member__person__{c}" for c in PERSON_COLUMNS]
        rows = MembershipEvent.objects.filter(
            voided_by__isnull=True,
            kind__in=("admission", "readmission"),
            on__gte=scope.start,
            on__lte=scope.end,
            org_id__in=scope.orgs_ever(),
        ).values_list(
            "id",
            "kind",
            "on",
            "org_id",
            "member__person__birth_date",
            *columns,
            "member__person_id",
            "member_id",
        )
        inside = [r[:-1] for r in rows if scope.inside(r[3], r[2], r[-1])]
        # Each admitted person as they were on the day of their admission.
        held = attributes.restate(inside, PERSON_COLUMNS, first=5, person=-1, day=2)
        return [r[:-1] for r in held]

    def compute(
        self, scope: Scope, rows: list[tuple[Any, ...]] | None = None
    ) -> dict[str, list[int]]:
        found: dict[str, list[int]] = defaultdict(list)
        for event_id, kind, on, _org, born, *attrs in self.rows(scope) if rows is None else rows:
            found["admitted.total"].append(event_id)
            if kind == "readmission":
                found["admitted.readmitted"].append(event_id)
            for code in person_codes("admitted", tuple(attrs)):
                found[code].append(event_id)
            found[f"admitted.age.{age_band(completed_years(born, on))}"].append(event_id)
        return found

    def admitting(self, scope: Scope, rows: list[tuple[Any, ...]] | None = None) -> list[int]:
        """The grassroots organisations (as placed on the day) that admitted in the period."""
        pairs = {(r[3], r[2]) for r in (self.rows(scope) if rows is None else rows)}
        return sorted({g for g in grassroots_of_many(pairs).values() if g is not None})

    def values(self, scope: Scope) -> dict[str, float]:
        rows = self.rows(scope)
        found = self.compute(scope, rows)
        values: dict[str, float] = {
            i.code: len(found.get(i.code, []))
            for i in self.indicators()
            if i.code not in ("admitted.age.average", "admitted.target", "admitted.target_pct")
        }
        ages = [completed_years(r[4], r[2]) for r in rows]
        values["admitted.age.average"] = round(sum(ages) / len(ages), 1) if ages else 0
        values["_admitted.age.sum"] = sum(ages)
        values["admitted.grassroots_admitting"] = len(self.admitting(scope, rows))
        target = target_of(scope.org, scope.end.year)
        values["admitted.target"] = target or 0
        values["admitted.target_pct"] = (
            round(values["admitted.total"] * 100 / target, 1) if target else 0
        )
        return values

    def records(self, scope: Scope, code: str) -> list[int]:
        if code == "admitted.grassroots_admitting":
            return self.admitting(scope)
        if code in ("admitted.age.average", "admitted.target", "admitted.target_pct"):
            code = "admitted.total"
        return self.compute(scope).get(code, [])


def grassroots_of_many(pairs: set[tuple[int, dt.date]]) -> dict[tuple[int, dt.date], int | None]:
    """For each (organisation, day), the grassroots organisation it lay in then (itself, or the
    nearest above of a kind that rates members), in two queries."""
    width = 7
    placements: dict[int, list[Placement]] = defaultdict(list)
    for p in Placement.objects.filter(org_id__in={o for o, _d in pairs}):
        placements[p.org_id].append(p)
    paths_on: dict[tuple[int, dt.date], str] = {}
    for org_id, day in pairs:
        for p in placements[org_id]:
            if p.valid_from <= day and (p.valid_to is None or day < p.valid_to):
                paths_on[(org_id, day)] = p.path
    prefixes = {
        path[:end] for path in paths_on.values() for end in range(width, len(path) + 1, width)
    }
    bases: dict[str, list[Placement]] = defaultdict(list)
    for p in Placement.objects.filter(path__in=prefixes, kind__in=org_rules.MEMBER_RATING_KINDS):
        bases[p.path].append(p)
    found: dict[tuple[int, dt.date], int | None] = {}
    for (org_id, day), path in paths_on.items():
        found[(org_id, day)] = None
        for end in range(len(path), 0, -width):
            hit = [
                b.org_id
                for b in bases.get(path[:end], ())
                if b.valid_from <= day and (b.valid_to is None or day < b.valid_to)
            ]
            if hit:
                found[(org_id, day)] = hit[0]
                break
    return found


def target_of(org: Organisation, year: int) -> int | None:
    from dangvu.reports.models import AdmissionTarget

    return (
        AdmissionTarget.objects.filter(org=org, year=year).values_list("target", flat=True).first()
    )


# Form 5's columns: how an organisation of the subtree counts under its base unit's category.
ORG_COLUMNS: list[tuple[str, str, str]] = [
    ("grassroots", "Tổng số tổ chức cơ sở đảng", "Grassroots organisations"),
    ("committee", "Đảng bộ cơ sở", "Grassroots committees"),
    ("cell", "Chi bộ cơ sở", "Grassroots cells"),
    ("sub_committee", "Đảng bộ bộ phận", "Sub-committees"),
    ("cell_under", "Chi bộ trực thuộc", "Cells under a committee"),
    ("members", "Đảng viên", "Members"),
]


class Orgs(Family):
    """Party organisations and members by the base unit's category on the end day (form 5)."""

    key = "orgs"
    record = "org"

    def indicators(self) -> list[Indicator]:

        out = []
        categories = [*Category.choices, ("", "Chưa phân loại")]
        for category, label in [*categories, ("all", "Tổng số")]:
            for column, lv, le in ORG_COLUMNS:
                total = category == "all"
                out.append(
                    Indicator(
                        f"orgs.{category or 'none'}.{column}",
                        (lv if lv.startswith("Tổng số") else f"Tổng số {lv.lower()}")
                        if total
                        else f"{vi(label)}: {lv.lower()}",
                        le if total else f"{en(label)}: {le.lower()}",
                        "người" if column == "members" else "tổ chức",
                        "tổ chức trong cây vào ngày cuối kỳ, theo loại hình của tổ chức cơ sở "
                        "đảng chứa nó",
                        self.key,
                        "member" if column == "members" else "org",
                    )
                )
        return out

    def compute(self, scope: Scope) -> dict[str, list[int]]:
        on = scope.end
        ids = scope.org_ids_on(on)
        placements = list(
            Placement.objects.filter(valid_on(on), org_id__in=ids).values_list(
                "org_id", "path", "kind", "category"
            )
        )
        by_path = {path: (org_id, kind, category) for org_id, path, kind, category in placements}
        base_of: dict[int, tuple[int, str] | None] = {}
        width = 7
        for org_id, path, _kind, _category in placements:
            base = None
            for end in range(len(path), 0, -width):
                found = by_path.get(path[:end])
                if found and found[1] in org_rules.MEMBER_RATING_KINDS:
                    base = (found[0], found[2] or "none")
                    break
            base_of[org_id] = base
        out: dict[str, list[int]] = defaultdict(list)
        holds_cells = {
            base[0] for org_id, base in base_of.items() if base is not None and base[0] != org_id
        }
        for org_id, _path, kind, _category in placements:
            base = base_of[org_id]
            if base is None:
                continue
            cat = base[1]
            column = None
            if kind == org_rules.GRASSROOTS_COMMITTEE or (
                kind == org_rules.COMMUNE_SUPERIOR and org_id in holds_cells
            ):
                column = "committee"
            elif kind == org_rules.GRASSROOTS_CELL:
                column = "cell"
            elif kind == org_rules.SUB_COMMITTEE:
                column = "sub_committee"
            elif kind == org_rules.CELL:
                column = "cell_under"
            if column is None:
                continue
            for c in (cat, "all"):
                out[f"orgs.{c}.{column}"].append(org_id)
                if column in ("committee", "cell"):
                    out[f"orgs.{c}.grassroots"].append(org_id)
        for member_id, org_id in MembershipPeriod.objects.filter(
            valid_on(on), temporary=False, org_id__in=ids
        ).values_list("member_id", "org_id"):
            base = base_of.get(org_id)
            if base is None:
                continue
            out[f"orgs.{base[1]}.members"].append(member_id)
            out["orgs.all.members"].append(member_id)
        return out

    def values(self, scope: Scope) -> dict[str, float]:
        found = self.compute(scope)
        return {i.code: len(found.get(i.code, [])) for i in self.indicators()}

    def records(self, scope: Scope, code: str) -> list[int]:
        return self.compute(scope).get(code, [])


class Ratings(Family):
    """The quality ratings of the end day's year (form 6), of members and organisations."""

    key = "ratings"
    record = "rating"

    def indicators(self) -> list[Indicator]:
        out = []
        d = "xếp loại đã quyết định của năm cuối kỳ, theo tổ chức vào ngày kiểm điểm"
        for subject, lv, le in (
            ("members", "Đảng viên", "Members"),
            ("orgs", "Tổ chức đảng", "Organisations"),
        ):
            out.append(
                self._ind(
                    f"ratings.{subject}.rated",
                    f"{lv} được xếp loại",
                    f"{le} rated",
                    "người" if subject == "members" else "tổ chức",
                    d,
                )
            )
            for level in ev.LEVELS:
                out.append(
                    self._ind(
                        f"ratings.{subject}.{level}",
                        f"{lv}: {ev.LEVEL_NAMES_VI[level].lower()}",
                        f"{le}: {en(ev.LEVEL_LABELS[level]).lower()}",
                        "người" if subject == "members" else "tổ chức",
                        d,
                    )
                )
            out.append(
                self._ind(
                    f"ratings.{subject}.good_pct",
                    f"{lv}: tỷ lệ hoàn thành tốt nhiệm vụ trở lên",
                    f"{le}: share rated HTTNV or better",
                    "%",
                    f"{d}; (HTXSNV + HTTNV) × 100 / số được xếp loại (mục tiêu 90 %, NQ 21-NQ/TW)",
                )
            )
        for kind in (
            org_rules.GRASSROOTS_COMMITTEE,
            org_rules.GRASSROOTS_CELL,
            org_rules.CELL,
            org_rules.SUB_COMMITTEE,
        ):
            label = dict(Kind.choices)[kind]
            for level in ev.LEVELS:
                out.append(
                    self._ind(
                        f"ratings.orgs.{kind}.{level}",
                        f"{vi(label)}: {ev.LEVEL_NAMES_VI[level].lower()}",
                        f"{en(label)}: {level}",
                        "tổ chức",
                        d,
                    )
                )
        out.append(
            Indicator(
                "ratings.members.unrated",
                "Đảng viên trong danh sách chưa có xếp loại",
                "Members in the list not rated",
                "người",
                "đảng viên trong danh sách vào ngày kiểm điểm chưa có xếp loại đã quyết định "
                "(gồm người không kiểm điểm: miễn sinh hoạt, đình chỉ, mới kết nạp)",
                self.key,
                "member",
            )
        )
        return out

    def _day(self, scope: Scope) -> dt.date:

        on = review_on(scope.end.year)
        if on > scope.end and scope.end.month == 12 and scope.end.day == 31:
            on = scope.end
        return on

    def _rows(self, scope: Scope, on: dt.date) -> Any:

        return Rating.objects.filter(
            scope.held("unit_id"), year=scope.end.year, unit_id__in=scope.orgs_on(on)
        ).exclude(level="")

    def _kinds(self, scope: Scope, on: dt.date) -> dict[int, str]:
        return dict(
            Placement.objects.filter(valid_on(on), org_id__in=scope.orgs_on(on)).values_list(
                "org_id", "kind"
            )
        )

    def _listed(self, scope: Scope, on: dt.date) -> QuerySet[MembershipPeriod]:
        return MembershipPeriod.objects.filter(
            scope.held(), valid_on(on), temporary=False, org_id__in=scope.orgs_on(on)
        )

    def compute(self, scope: Scope) -> dict[str, list[int]]:
        on = self._day(scope)
        kinds = self._kinds(scope, on)
        found: dict[str, list[int]] = defaultdict(list)
        rated_members: set[int] = set()
        for rating_id, subject, level, org_id, member_id in self._rows(scope, on).values_list(
            "id", "subject", "level", "org_id", "member_id"
        ):
            if subject == ev.MEMBER:
                found["ratings.members.rated"].append(rating_id)
                found[f"ratings.members.{level}"].append(rating_id)
                rated_members.add(member_id)
            else:
                found["ratings.orgs.rated"].append(rating_id)
                found[f"ratings.orgs.{level}"].append(rating_id)
                kind = kinds.get(org_id)
                if kind:
                    found[f"ratings.orgs.{kind}.{level}"].append(rating_id)
        found["ratings.members.unrated"] = sorted(
            set(self._listed(scope, on).values_list("member_id", flat=True)) - rated_members
        )
        return found

    def member_levels(self, scope: Scope) -> dict[str, float]:
        """ratings.members.rated, the four levels and good_pct alone (one grouped query)."""
        on = self._day(scope)
        values: dict[str, float] = {f"ratings.members.{lv}": 0 for lv in ev.LEVELS}
        values["ratings.members.rated"] = 0
        grouped = (
            self._rows(scope, on)
            .filter(subject=ev.MEMBER)
            .values("level")
            .annotate(n=Count("id"))
            .values_list("level", "n")
        )
        for level, n in grouped:
            values[f"ratings.members.{level}"] += n
            values["ratings.members.rated"] += n
        rated = values["ratings.members.rated"]
        good = values[f"ratings.members.{ev.HTXSNV}"] + values[f"ratings.members.{ev.HTTNV}"]
        values["ratings.members.good_pct"] = round(good * 100 / rated, 1) if rated else 0
        return values

    def values(self, scope: Scope) -> dict[str, float]:
        """Counted in the database (grouped by subject, level and the organisation rated); the
        records of a code come from `compute`, the same filters row by row."""
        on = self._day(scope)
        kinds = self._kinds(scope, on)
        values: dict[str, float] = {i.code: 0 for i in self.indicators()}
        rows = self._rows(scope, on)
        grouped = rows.values("subject", "level", "org_id").annotate(n=Count("id"))
        for subject, level, org_id, n in grouped.values_list("subject", "level", "org_id", "n"):
            who = "members" if subject == ev.MEMBER else "orgs"
            values[f"ratings.{who}.rated"] += n
            values[f"ratings.{who}.{level}"] += n
            kind = kinds.get(org_id) if org_id else None
            if kind and f"ratings.orgs.{kind}.{level}" in values:
                values[f"ratings.orgs.{kind}.{level}"] += n
        listed = self._listed(scope, on).values("member_id")
        unrated = listed.exclude(
            member_id__in=rows.filter(member__isnull=False).values("member_id")
        )
        values["ratings.members.unrated"] = unrated.distinct().count()
        for subject in ("members", "orgs"):
            rated = values[f"ratings.{subject}.rated"]
            good = (
                values[f"ratings.{subject}.{ev.HTXSNV}"] + values[f"ratings.{subject}.{ev.HTTNV}"]
            )
            values[f"ratings.{subject}.good_pct"] = round(good * 100 / rated, 1) if rated else 0
        return values

    def records(self, scope: Scope, code: str) -> list[int]:
        if code.endswith("good_pct"):
            found = self.compute(scope)
            subject = code.split(".")[1]
            return found.get(f"ratings.{subject}.{ev.HTXSNV}", []) + found.get(
                f"ratings.{subject}.{ev.HTTNV}", []
            )
        return self.compute(scope).get(code, [])


class Awards(Family):
    """Commendations decided and badges awarded in the period (form 7)."""

    key = "awards"
    record = "commendation"

    def indicators(self) -> list[Indicator]:

        out = []
        for kind, label in Commendation.Kind.choices:
            for subject, lv, le in (
                ("orgs", "tổ chức đảng", "organisations"),
                ("members", "đảng viên", "members"),
            ):
                out.append(
                    self._ind(
                        f"awards.{subject}.{kind}",
                        f"{vi(label).split(' (')[0]} cho {lv}",
                        f"{en(label).split(' (')[0]} to {le}",
                        "lượt",
                        "khen thưởng có quyết định ký trong kỳ, của tổ chức hoặc đảng viên trong cây",
                    )
                )
        for tier in charter.BADGE_TIERS:
            out.append(
                Indicator(
                    f"awards.badges.{tier}",
                    f"Huy hiệu {tier} năm tuổi Đảng",
                    f"{tier}-year party badges",
                    "người",
                    "huy hiệu Đảng trao trong kỳ cho đảng viên trong cây vào ngày trao",
                    self.key,
                    "badge",
                )
            )
        out.append(
            Indicator(
                "awards.badges.total",
                "Tổng số huy hiệu Đảng",
                "Party badges",
                "người",
                "huy hiệu Đảng trao trong kỳ",
                self.key,
                "badge",
            )
        )
        return out

    def compute(self, scope: Scope) -> dict[str, list[int]]:

        found: dict[str, list[int]] = defaultdict(list)
        comms = list(
            Commendation.objects.filter(
                decision__date__gte=scope.start, decision__date__lte=scope.end
            ).values_list("id", "kind", "member_id", "org_id", "decision__date")
        )
        badges = list(
            BadgeAward.objects.filter(
                awarded_on__gte=scope.start, awarded_on__lte=scope.end
            ).values_list("id", "tier", "member_id", "awarded_on")
        )
        member_ids = {c[2] for c in comms if c[2]} | {b[2] for b in badges}
        periods: dict[int, list[tuple[dt.date, dt.date | None, int, str]]] = defaultdict(list)
        for m, vf, vt, o, s in MembershipPeriod.objects.filter(
            member_id__in=member_ids, temporary=False
        ).values_list("member_id", "valid_from", "valid_to", "org_id", "status"):
            periods[m].append((vf, vt, o, s))

        def member_inside(member: int, day: dt.date) -> bool:
            home = _home_on(periods[member], day)
            if home is None:  # a posthumous badge, or after leaving: the last cell held
                last = [
                    (vt, o) for _vf, vt, o, _s in periods[member] if vt is not None and vt <= day
                ]
                if not last:
                    return False
                vt, home = max(last)
                day = vt - dt.timedelta(days=1)
            return scope.inside(home, day, member)

        for cid, kind, member, org, day in comms:
            if member and member_inside(member, day):
                found[f"awards.members.{kind}"].append(cid)
            elif org and scope.inside(org, day):
                found[f"awards.orgs.{kind}"].append(cid)
        for bid, tier, member, day in badges:
            if member_inside(member, day):
                found[f"awards.badges.{tier}"].append(bid)
                found["awards.badges.total"].append(bid)
        return found

    def values(self, scope: Scope) -> dict[str, float]:
        found = self.compute(scope)
        return {i.code: len(found.get(i.code, [])) for i in self.indicators()}

    def records(self, scope: Scope, code: str) -> list[int]:
        return self.compute(scope).get(code, [])


FAMILIES: list[Family] = [
    MemberStock(),
    Seniority(),
    Flows(),
    Admitted(),
    Orgs(),
    Ratings(),
    Awards(),
]
FAMILY = {f.key: f for f in FAMILIES}
REGISTRY: dict[str, Indicator] = {i.code: i for f in FAMILIES for i in f.indicators()}
REGISTRY_CODES.update(REGISTRY)


def is_sensitive(code: str) -> bool:
    """Whether the records behind a figure reveal a sensitive field of each person listed
    (accounts/privacy.py: religion, evaluation results, discipline): the figure is shown to
    anyone in scope, the names only with the permission and a stated purpose, logged."""
    return ".religio" in code or code.startswith("ratings.members.") or code == "flow.out.expulsion"


def record_kind(indicator: Indicator) -> str:
    if indicator.family == "flows":
        return Flows.record_kind(indicator.code)
    return indicator.record


def data_version() -> str:
    """Changes with every write to the records: every service write opens a change set
    (DESIGN.md principle 3), so the newest change set names the state the figures are of."""

    last = ChangeSet.objects.order_by("-created_at").values_list("id", flat=True).first()
    return str(last or "empty")


def cached(key: str, compute: Callable[[], Any], version: str | None = None) -> Any:
    """A figure computed once per state of the records (DANGVU_FIGURE_CACHE, on by default):
    a page viewed again shows the same figures without computing them again, and any write
    makes the next view compute afresh."""
    from django.conf import settings
    from django.core.cache import cache

    if not getattr(settings, "DANGVU_FIGURE_CACHE", True):
        with reports_replica():
            return compute()
    full = f"dangvu:figures:{version or data_version()}:{key}"
    found = cache.get(full)
    if found is None:
        with reports_replica():  # from the read replica, when there is one
            found = compute()
        cache.set(full, found, 6 * 3600)
    return found


def compute_all(
    scope: Scope, families: Iterable[str] | None = None, components: bool = False
) -> dict[str, float]:
    """Every indicator of the scope (or of the named families), by code; with `components`,
    also the parts that averages are made of (keys starting with "_"), to combine subtrees."""
    wanted = set(families) if families is not None else None
    values: dict[str, float] = {}
    version = data_version()
    # The families of one call share the grouped pass over the list (MemberStock.grouped);
    # nothing is kept on the scope past this call (a later write must be seen).
    scope.__dict__["_sharing"] = True
    try:
        for family in FAMILIES:
            if wanted is None or family.key in wanted:
                values.update(
                    cached(f"{family.key}:{scope.key()}", partial(family.values, scope), version)
                )
    finally:
        scope.__dict__.pop("_sharing", None)
        scope.__dict__.pop("_grouped", None)
    if not components:
        return {k: v for k, v in values.items() if not k.startswith("_")}
    return values


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def members_some(scope: Scope, codes: tuple[str, ...]) -> dict[str, float]:
    """A few figures of the members family, cached like the rest."""
    return dict(
        cached(
            f"members-some:{_digest(','.join(codes))}:{scope.key()}",
            lambda: MemberStock().some(scope, codes),
        )
    )


def admitted_by_year(org: Organisation, first: int, end: dt.date) -> dict[int, int]:
    """The newly admitted of each year from `first` to `end` (the last year up to `end`), in
    one query: the same events as `admitted.total`, admissions and re-admissions into a cell
    under the root that day."""

    def count() -> dict[int, int]:
        scope = Scope(org, dt.date(first, 1, 1), end)
        found = dict.fromkeys(range(first, end.year + 1), 0)
        for on, org_id, member_id in MembershipEvent.objects.filter(
            voided_by__isnull=True,
            kind__in=("admission", "readmission"),
            on__gte=scope.start,
            on__lte=scope.end,
            org_id__in=scope.orgs_ever(),
        ).values_list("on", "org_id", "member_id"):
            if scope.inside(org_id, on, member_id):
                found[on.year] += 1
        return found

    return dict(cached(f"admitted-years:{org.pk}:{first}:{end.isoformat()}", count))


def exits_total(scope: Scope) -> int:
    return int(cached(f"exits:{scope.key()}", lambda: Flows().exits_total(scope)))


def member_levels(scope: Scope) -> dict[str, float]:
    return dict(cached(f"member-levels:{scope.key()}", lambda: Ratings().member_levels(scope)))


def members_at(org: Organisation, days: list[dt.date]) -> dict[dt.date, int]:
    """Members in the list on each of the days, in one pass (a conditional count per day)."""

    def count() -> dict[dt.date, int]:
        scope = Scope(org, min(days), max(days))
        present = [d for d in days if Placement.objects.filter(valid_on(d), org=org).exists()]
        if not present:
            return dict.fromkeys(days, 0)
        rows = MembershipPeriod.objects.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=min(present)),
            valid_from__lte=max(present),
            temporary=False,
        )
        result = rows.aggregate(
            **{
                f"d{n}": Count("id", filter=valid_on(d) & Q(org_id__in=scope.orgs_on(d)))
                for n, d in enumerate(present)
            }
        )
        out = dict.fromkeys(days, 0)
        out.update({d: int(result[f"d{n}"] or 0) for n, d in enumerate(present)})
        return out

    key = ",".join(d.isoformat() for d in days)
    return dict(
        cached(
            f"members-at:{org.pk}:{_digest(key)}",
            count,
        )
    )


def records_of(scope: Scope, code: str) -> list[int]:
    indicator = REGISTRY[code]
    return FAMILY[indicator.family].records(scope, code)
