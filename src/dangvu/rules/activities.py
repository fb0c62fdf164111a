"""Cell life and political education (DOMAIN-2.md §2, §3): the kinds of meeting, their length,
the roll and its counters, the votes, the five criteria of HD 12-HD/BTCTW (2018) and a province's
point scale, the reporters' quotas of HD 40-HD/BTGDVTW (2025).

Pure functions over plain values: the services (activities/services.py) and the figures
(activities/selectors.py) call them, so every way in judges a meeting the same way.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# §2.2 the kinds of meeting.
REGULAR = "regular"
THEMATIC = "thematic"
COMBINED = "combined"
GROUP_PILOT = "group"
EXTRAORDINARY = "extraordinary"
CONFERENCE = "conference"
MEETING_KINDS = (
    (REGULAR, _("Regular monthly meeting")),
    (THEMATIC, _("Thematic meeting")),
    (COMBINED, _("Regular and thematic meeting combined")),
    (GROUP_PILOT, _("Meeting by party groups (pilot)")),
    (EXTRAORDINARY, _("Extraordinary meeting")),
    (CONFERENCE, _("Cell conference")),
)
# The kinds that hold the month's regular meeting (Điều lệ Điều 24: once a month), and those that
# hold the quarter's thematic meeting (CT 50-CT/TW: at least once a quarter).
MONTHLY_KINDS = frozenset({REGULAR, COMBINED, GROUP_PILOT})
THEMATIC_KINDS = frozenset({THEMATIC, COMBINED})

# §2.5 (HD 12/2018 mục II, kept by HD 42/2025): at least 90 minutes, 120 when combined; for a cell
# with very few members the competent committee sets the time (the cell's `short_minutes`).
MIN_MINUTES = {REGULAR: 90, THEMATIC: 90, COMBINED: 120, GROUP_PILOT: 90}
# HD 03-HD/TW (2022, UNCONFIRMED): by party groups only in a cell of 50 members or more, at most
# three times a year.
GROUP_PILOT_MIN_MEMBERS = 50
GROUP_PILOT_MAX_A_YEAR = 3

# §2.7 the roll.
PRESENT = "present"
EXCUSED = "excused"  # absent with a reason
UNEXCUSED = "unexcused"  # absent without a reason
EXEMPTED = "exempted"  # exempted from work and party activity (§4.6), not expected
AWAY = "away"  # on temporary transfer elsewhere: counted at the host cell
ATTENDANCE = (
    (PRESENT, pgettext_lazy("attendance", "Present")),
    (EXCUSED, _("Absent with a reason")),
    (UNEXCUSED, _("Absent without a reason")),
    (EXEMPTED, _("Exempted from party activity")),
    (AWAY, _("On temporary transfer elsewhere")),
)
NOT_EXPECTED = frozenset({EXEMPTED, AWAY})

# HD 12 criterion 1: more than 85 % present; nobody absent without a reason; nobody absent with a
# reason more than 3 times in a row in the year.
PRESENT_SHARE_ABOVE = 85
EXCUSED_RUN_LIMIT = 3
# Điều lệ Điều 8 khoản 1 (DOMAIN.md §4.7): abandoning activity for three months in a year without
# good reason is a ground of removal; "ba tháng trong năm", not necessarily in a row (DOMAIN-2.md
# §2.5, a reading).
MONTHS_ABSENT_FOR_REMOVAL = 3


def meeting_minutes(start: dt.time, end: dt.time) -> int:
    """The meeting's length in whole minutes (a meeting does not run past midnight)."""
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


def duration_problem(kind: str, minutes: int, short_minutes: int | None = None) -> str | None:
    """Why the meeting is too short for its kind (§2.5), or None. `short_minutes`: the time the
    competent committee set for a cell with very few members."""
    if minutes <= 0:
        return str(_("The meeting must end after it starts."))
    least = MIN_MINUTES.get(kind)
    if least is None:
        return None
    if short_minutes is not None:
        least = min(least, short_minutes)
    if minutes < least:
        return str(
            _(
                "The meeting lasted %(minutes)s minutes; this kind of meeting lasts at least %(least)s."
            )
            % {"minutes": minutes, "least": least}
        )
    return None


@dataclass(frozen=True)
class Roll:
    """One line of a meeting's roll, as the rules read it."""

    member: int
    status: str
    official: bool = True
    suspended: bool = False
    attached: bool = False  # on temporary transfer here from another cell


def expected(roll: Iterable[Roll]) -> list[Roll]:
    """Who was expected at the meeting: not the exempted (unless they came) nor those away."""
    return [r for r in roll if r.status not in NOT_EXPECTED]


def present_share(roll: Sequence[Roll]) -> tuple[int, int]:
    """(present, expected) — the numerator and denominator of the attendance rate."""
    rows = expected(roll)
    return sum(1 for r in rows if r.status == PRESENT), len(rows)


def vote_base(roll: Iterable[Roll]) -> int:
    """The denominator of a cell's vote (Điều lệ Điều 9 khoản 5; QĐ 24 tiết 9.3.2, kept by QĐ 294):
    the official members summoned, less those on temporary transfer elsewhere, the exempted who did
    not come (counted if present and voting) and the suspended (DOMAIN-2.md §2.5)."""
    base = 0
    for r in roll:
        if not r.official or r.suspended or r.attached or r.status == AWAY:
            continue
        if r.status == EXEMPTED:
            continue
        base += 1
    return base


def vote_passes(in_favour: int, base: int) -> bool:
    """More than half of the base (Điều lệ Điều 9 khoản 5)."""
    return base > 0 and 2 * in_favour > base


def longest_excused_run(statuses: Sequence[str]) -> int:
    """The longest run of meetings missed with a reason, in the order held (§2.5): a meeting at
    which the member was present (or absent without a reason) ends the run; meetings at which the
    member was not expected leave it as it was."""
    longest = run = 0
    for status in statuses:
        if status in NOT_EXPECTED:
            continue
        if status == EXCUSED:
            run += 1
            longest = max(longest, run)
        else:
            run = 0
    return longest


def months_absent(rows: Iterable[tuple[dt.date, str]]) -> list[int]:
    """The months of a year in which the member missed a meeting without a reason (§4.7, Điều lệ
    Điều 8 khoản 1): three of them make the ground "abandoned party activity"."""
    return sorted({day.month for day, status in rows if status == UNEXCUSED})


# HD 12/2018: the five criteria of a meeting "đạt chất lượng" (DOMAIN-2.md §2.6).
ATTENDANCE_CRITERION = "attendance"
CRITERIA = (
    (ATTENDANCE_CRITERION, _("Attendance")),
    ("preparation", _("Preparation")),
    ("conduct", _("Conduct of the meeting")),
    ("principles", _("Principles of party life")),
    ("results", _("Results of the resolutions carried out")),
)
JUDGED_CRITERIA = tuple(key for key, _label in CRITERIA if key != ATTENDANCE_CRITERION)


def attendance_problems(present: int, base: int, unexcused: int, long_runs: int) -> list[str]:
    """What keeps criterion 1 from being met: the share present, anyone absent without a reason,
    anyone absent with a reason more than three times in a row this year."""
    problems = []
    if base and 100 * present <= PRESENT_SHARE_ABOVE * base:
        problems.append(
            str(
                _("%(present)s of %(base)s present: not more than %(share)s %%.")
                % {"present": present, "base": base, "share": PRESENT_SHARE_ABOVE}
            )
        )
    if unexcused:
        problems.append(str(_("%(count)s absent without a reason.") % {"count": unexcused}))
    if long_runs:
        problems.append(
            str(
                _("%(count)s absent with a reason more than %(limit)s times in a row this year.")
                % {"count": long_runs, "limit": EXCUSED_RUN_LIMIT}
            )
        )
    return problems


@dataclass(frozen=True)
class Grade:
    key: str
    label: str
    least: int  # points at least
    good: bool  # counted among the meetings "đạt chất lượng tốt"


@dataclass(frozen=True)
class Scale:
    """A province's point scale for a meeting (DOMAIN-2.md §2.6): points per criterion and the
    grades by total. The provinces' own tables are UNCONFIRMED (their files were not readable);
    the shipped one is an example, and `DANGVU_MEETING_SCALE` names a replacement file."""

    name: str
    points: dict[str, int]
    grades: tuple[Grade, ...]
    source: str = ""
    unconfirmed: bool = True
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.points.values())

    def score(self, met: dict[str, bool]) -> int:
        return sum(p for key, p in self.points.items() if met.get(key))

    def grade(self, points: int) -> Grade:
        for grade in sorted(self.grades, key=lambda g: -g.least):
            if points >= grade.least:
                return grade
        return self.grades[-1]


SCALE_FILE = Path(__file__).with_name("meeting_scale.json")


def load_scale(path: str | Path | None = None) -> Scale:
    """The scale in `path` (JSON: name, source, points by criterion, grades with key, label, least
    and good), or the shipped example."""
    raw = json.loads(Path(path or SCALE_FILE).read_text(encoding="utf-8"))
    points = {key: int(raw["points"][key]) for key, _label in CRITERIA}
    grades = tuple(
        Grade(g["key"], g["label"], int(g["least"]), bool(g["good"])) for g in raw["grades"]
    )
    if not grades:
        raise ValueError("a scale needs at least one grade")
    return Scale(
        raw["name"], points, grades, raw.get("source", ""), bool(raw.get("unconfirmed", True))
    )


def quarter_of(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


def quarters_without_thematic(
    kinds_by_day: Iterable[tuple[dt.date, str]], year: int, until: dt.date
) -> list[int]:
    """The ended quarters of `year` (up to `until`) with no thematic meeting (CT 50: at least one a
    quarter)."""
    held = {quarter_of(day) for day, kind in kinds_by_day if kind in THEMATIC_KINDS}
    ended = [q for q in (1, 2, 3, 4) if dt.date(year, 3 * q, 1) < until.replace(day=1)]
    return [q for q in ended if q not in held]


# §3.2 the documents to study, and how a session is held.
DOCUMENT_KINDS = (
    ("resolution", _("Resolution")),
    ("directive", _("Directive")),
    ("conclusion", _("Conclusion")),
    ("regulation", _("Regulation")),
    ("other", _("Other document")),
)
ISSUER_LEVELS = (
    ("central", _("Central")),
    ("province", _("Province")),
    ("commune", _("Commune or ward")),
    ("grassroots", _("Grassroots")),
)
STUDY_MODES = (
    ("in_person", _("In person")),
    ("online", _("Online connection point")),
    ("mixed", _("In person and online")),
)
STUDY_ATTENDANCE = (
    (PRESENT, pgettext_lazy("attendance", "Present")),
    (EXCUSED, _("Absent with a reason")),
    (UNEXCUSED, _("Absent without a reason")),
    (EXEMPTED, _("Exempted from party activity")),
)
# Non-members at a session, by category (DOMAIN-2.md §3.5).
GUEST_CATEGORIES = (
    ("cadres", _("Cadres and civil servants who are not members")),
    ("union", _("Youth Union and association members")),
    ("others", _("Others")),
)
ESSAY_GRADES = (
    ("excellent", _("Excellent")),
    ("good", _("Good")),
    ("pass", _("Pass")),
    ("fail", _("Not passed")),
)
EXEMPLAR_KINDS = (("collective", _("Collective")), ("individual", _("Individual")))

# §3.3 HD 40-HD/BTGDVTW (27/11/2025): reporters a committee may recognise. The per-commune table of
# the appendix is kept for the provinces DOMAIN-2.md quotes; others are UNCONFIRMED.
REPORTER_LEVELS = (
    ("central", _("Central reporter")),
    ("province", _("Provincial reporter")),
    ("commune", _("Commune reporter")),
)
PROVINCE_REPORTERS = 50
PROVINCE_REPORTERS_LARGE = 60
LARGE_PROVINCES = frozenset({"Hà Nội", "Hồ Chí Minh", "Thanh Hóa", "Nghệ An"})
CENTRAL_NOMINATIONS = 5
CENTRAL_NOMINATIONS_LARGE = 7
COMMUNE_REPORTERS = {
    "Cao Bằng": 5,
    "Lai Châu": 6,
    "Điện Biên": 7,
    "Hà Nội": 7,
    "Tuyên Quang": 4,
    "Thanh Hóa": 5,
}


def province_key(name: str) -> str:
    """The province's own name: "Đảng bộ Thành phố Hồ Chí Minh" → "Hồ Chí Minh"."""
    for prefix in ("Đảng bộ ", "đảng bộ "):
        name = name.removeprefix(prefix)
    for prefix in ("Thành phố ", "thành phố ", "Tỉnh ", "tỉnh ", "TP "):
        name = name.removeprefix(prefix)
    return name.strip()


# Which committee recognises reporters of which level (HD 40): the province its own (and its
# nominations to the Centre), the commune or ward its own.
REPORTER_LEVEL_OF = {"provincial": ("province", "central"), "commune_superior": ("commune",)}


def reporter_quota(level: str, province: str) -> int | None:
    """How many reporters of `level` a province may have (HD 40): a commune's quota from the
    appendix (None where the table is not known here)."""
    province = province_key(province)
    large = province in LARGE_PROVINCES
    if level == "province":
        return PROVINCE_REPORTERS_LARGE if large else PROVINCE_REPORTERS
    if level == "central":
        return CENTRAL_NOMINATIONS_LARGE if large else CENTRAL_NOMINATIONS
    return COMMUNE_REPORTERS.get(province)


def rate(numerator: int, denominator: int) -> float | None:
    """A share in per cent, to one decimal, as the provinces print it (35,599/35,900 = 99.2)."""
    if not denominator:
        return None
    return round(100 * numerator / denominator, 1)
