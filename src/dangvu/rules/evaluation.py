"""The annual quality rating of members and organisations, versioned by year (DOMAIN.md §1, §16.1, §16.2).

Pure rules: who is reviewed, which cases force "Không hoàn thành nhiệm vụ", the caps on a
collective from discipline, the HTXSNV quota, and (from 2025) the 100-point score bands. The
services in evaluation/ feed them facts from the records; each refusal is a sentence a cell
secretary can act on.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangvu.core.dates import add_months, format_date
from dangvu.core.text import search_key
from dangvu.rules import discipline as d

HTXSNV, HTTNV, HTNV, KHTNV = "HTXSNV", "HTTNV", "HTNV", "KHTNV"
LEVELS = (HTXSNV, HTTNV, HTNV, KHTNV)  # best first (DOMAIN.md §1.2)
RANK = {level: index for index, level in enumerate(LEVELS)}
LEVEL_LABELS = {
    HTXSNV: gettext_lazy("Excellently completed duties"),
    HTTNV: gettext_lazy("Well completed duties"),
    HTNV: gettext_lazy("Completed duties"),
    KHTNV: gettext_lazy("Did not complete duties"),
}
# The Vietnamese names, as written on the forms (used to read files; never translated).
LEVEL_NAMES_VI = {
    HTXSNV: "Hoàn thành xuất sắc nhiệm vụ",
    HTTNV: "Hoàn thành tốt nhiệm vụ",
    HTNV: "Hoàn thành nhiệm vụ",
    KHTNV: "Không hoàn thành nhiệm vụ",
}

MEMBER, ORG = "member", "org"


def better(a: str, b: str) -> bool:
    """Whether level `a` is better than level `b`."""
    return RANK[a] < RANK[b]


@dataclass(frozen=True)
class EvaluationRules:
    code: str
    first_year: int
    last_year: int | None
    citation: str
    # §1.1, §16.1 1.5: who is not reviewed.
    suspended_not_reviewed: bool = True
    new_member_months: int | None = None  # admitted less than this many months before review
    # §1.3: a member disciplined in the year is KHTNV (HD 16, HD 21, QĐ 124) …
    any_discipline_khtnv: bool = True
    # … unless the violation was self-detected and remedied (QĐ 124; QĐ 366 leaves it to the level).
    self_remedied_exception: bool = False
    # QĐ 366 (§16.1 1.3): only duty-related discipline from this form up forces KHTNV.
    duty_discipline_from: str | None = None
    # QĐ 366 (§16.1 1.3): more than this share of the year's tasks not done forces KHTNV.
    tasks_not_done_over_pct: int | None = None
    # Collectives: a leadership member disciplined from this form up caps the collective at KHTNV.
    leader_discipline_khtnv_from: str | None = d.WARNING
    leader_discipline_duty_only: bool = False
    # QĐ 124: more than this share of subordinate organisations disciplined → KHTNV.
    subordinates_disciplined_over_pct: int | None = None
    # QĐ 124, QĐ 366: HTXSNV needs no subordinate organisation nor leadership member disciplined.
    htxsnv_needs_no_discipline: bool = False
    # §1.3, §16.1 1.1: HTXSNV ≤ quota % of those rated HTTNV, per grassroots organisation (HD 21)
    # or per group of similar role chosen by the deciding level (QĐ 124, QĐ 366).
    quota_pct: int = 20
    quota_raised_pct: int | None = None  # QĐ 366: up to 25 % for outstanding units
    quota_per: str = "grassroots"
    # QĐ 366 (§16.1 1.2): the 100-point score, 30 general + 70 task results.
    scored: bool = False
    bands: tuple[tuple[int, str], ...] = ()
    htxsnv_min_exceeded_pct: int | None = None  # share of tasks done beyond what was asked
    htnv_max_behind_pct: int | None = None  # collectives: tasks behind schedule
    # §16.1 1.6 (HD 43 mục 4.1): the year's ratings are decided by this day of the year (month,
    # day; `decision_deadline`). Units whose year does not close in December have until 15/01 of
    # the next year: no unit records that yet, so their late decision states it as its reason.
    # None where no deadline was found in the guidance of the time (§1.4: UNCONFIRMED).
    decide_before: tuple[int, int] | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)


HD16 = EvaluationRules(
    code="HD16",
    first_year=2018,
    last_year=2018,
    citation="Quy định 132-QĐ/TW (08/3/2018), Hướng dẫn 16-HD/BTCTW (24/9/2018)",
    suspended_not_reviewed=False,
)
HD21 = EvaluationRules(
    code="HD21",
    first_year=2019,
    last_year=2022,
    citation="Hướng dẫn 21-HD/BTCTW (18/10/2019)",
)
QD124 = EvaluationRules(
    code="QD124",
    first_year=2023,
    last_year=2024,
    citation="Quy định 124-QĐ/TW (04/10/2023), Hướng dẫn 25-HD/BTCTW (10/11/2023)",
    new_member_months=6,
    self_remedied_exception=True,
    leader_discipline_khtnv_from=d.REPRIMAND,
    subordinates_disciplined_over_pct=20,
    htxsnv_needs_no_discipline=True,
    quota_per="group",
    htxsnv_min_exceeded_pct=50,
    notes=(
        "The 20 % cap is confirmed for collectives; for members its wording is UNCONFIRMED "
        "(DOMAIN.md §16.2) and the same cap is applied.",
    ),
)
QD366 = EvaluationRules(
    code="QD366",
    first_year=2025,
    last_year=None,
    citation="Quy định 366-QĐ/TW (30/8/2025), Hướng dẫn 43-HD/BTCTW (31/10/2025)",
    new_member_months=6,
    any_discipline_khtnv=False,
    self_remedied_exception=True,
    duty_discipline_from=d.REPRIMAND,
    tasks_not_done_over_pct=50,
    leader_discipline_khtnv_from=d.REPRIMAND,
    leader_discipline_duty_only=True,
    htxsnv_needs_no_discipline=True,
    quota_raised_pct=25,
    quota_per="group",
    scored=True,
    bands=((90, HTXSNV), (70, HTTNV), (50, HTNV), (0, KHTNV)),
    htxsnv_min_exceeded_pct=30,
    htnv_max_behind_pct=20,
    decide_before=(12, 31),
)
VERSIONS = (HD16, HD21, QD124, QD366)


class NotRated(Exception):
    """A year before the four levels (2018): ratings are imported with their old labels mapped."""


def rules_for(year: int) -> EvaluationRules:
    for rules in VERSIONS:
        if rules.first_year <= year and (rules.last_year is None or year <= rules.last_year):
            return rules
    raise NotRated(
        _("Ratings before 2018 used other levels: import them with their labels, they are mapped.")
    )


def review_day(year: int) -> dt.date:
    """The review closes before 31/12 (HD 43 mục 4.1): the day facts are judged on."""
    return dt.date(year, 12, 31)


def decision_deadline(rules: EvaluationRules, year: int) -> dt.date | None:
    """The last day a decision of the year's ratings is on time, or None where the guidance of
    the time set no deadline found (DOMAIN.md §1.4). HD 43 mục 4.1 (§16.1 1.6): the review
    "kết thúc trước ngày 31/12 hằng năm". Read together with the review day of the same sentence
    (`review_day`: the facts of 31/12), the year's ratings close with the year: 31/12 is the last
    day on time — one reading for both, so that a decision on the review day is not late."""
    if rules.decide_before is None:
        return None
    month, day = rules.decide_before
    return dt.date(year, month, day)


def early_problem(year: int, decided_on: dt.date | None) -> str | None:
    """A decision of the year's ratings dated before the review at the end of the year (HD 43
    mục 4.1: "tiến hành vào dịp cuối năm"; the round's review day lies from 1/11): refused."""
    first = dt.date(year, 11, 1)
    if decided_on is None or decided_on >= first:
        return None
    return _(
        "Decided on %(date)s: the ratings of %(year)s are decided at the year's end, from "
        "%(first)s."
    ) % {"date": format_date(decided_on), "year": year, "first": format_date(first)}


def late_problem(rules: EvaluationRules, year: int, decided_on: dt.date | None) -> str | None:
    """Why a decision dated `decided_on` is late for the year's deadline, or None."""
    deadline = decision_deadline(rules, year)
    if deadline is None or decided_on is None or decided_on <= deadline:
        return None
    return _(
        "Decided on %(date)s, after the deadline of %(year)s (%(deadline)s at the latest, "
        "%(rules)s): a late decision is recorded only with its reason."
    ) % {
        "date": format_date(decided_on),
        "year": year,
        "deadline": format_date(deadline),
        "rules": rules.citation,
    }


# --- who is reviewed ------------------------------------------------------------------------------
def not_reviewed_reason(
    rules: EvaluationRules,
    *,
    year: int,
    flags: Iterable[str],
    status: str,
    joined_on: dt.date | None,
    on: dt.date | None = None,
) -> str | None:
    """Why a member is not reviewed this year, or None (§1.1; §16.1 1.5)."""
    on = on or review_day(year)
    flags = set(flags)
    if status not in ("probationary", "official"):
        return _("Not a member on %(date)s.") % {"date": format_date(on)}
    if "exempted" in flags:
        return _("Exempted from work and party activity: not reviewed (%(rules)s).") % {
            "rules": rules.citation
        }
    if rules.suspended_not_reviewed and "suspended" in flags:
        return _("Suspended from party activity: not reviewed (%(rules)s).") % {
            "rules": rules.citation
        }
    if rules.new_member_months and joined_on is not None:
        enough = add_months(joined_on, rules.new_member_months)
        if enough > on:
            return _(
                "Admitted on %(joined)s, less than %(months)s months before the review of "
                "%(date)s: not reviewed (%(rules)s)."
            ) % {
                "joined": format_date(joined_on),
                "months": rules.new_member_months,
                "date": format_date(on),
                "rules": rules.citation,
            }
    return None


# --- cases that force "Không hoàn thành nhiệm vụ" ---------------------------------------------------
@dataclass(frozen=True)
class DisciplineFact:
    form: str
    announced_on: dt.date
    duty_related: bool = False
    self_remedied: bool = False  # self-detected and remedied, as the deciding level recorded


def forced_khtnv(
    rules: EvaluationRules,
    *,
    year: int,
    disciplines: Iterable[DisciplineFact],
    tasks_not_done_pct: float | None = None,
    degradation: bool = False,
) -> list[str]:
    """The reasons a member can be rated nothing but KHTNV this year (§1.3; §16.1 1.3)."""
    reasons = []
    for fact in disciplines:
        if fact.announced_on.year != year:
            continue
        if rules.any_discipline_khtnv and not (
            rules.self_remedied_exception and fact.self_remedied
        ):
            reasons.append(
                _("Disciplined in the year (%(form)s, %(date)s): %(rules)s rates the member KHTNV.")
                % {
                    "form": d.form_label(fact.form),
                    "date": format_date(fact.announced_on),
                    "rules": rules.citation,
                }
            )
        elif (
            rules.duty_discipline_from
            and fact.duty_related
            and d.at_least(fact.form, rules.duty_discipline_from)
            and not fact.self_remedied
        ):
            reasons.append(
                _(
                    "Disciplined in the year for a duty-related violation (%(form)s, %(date)s): "
                    "%(rules)s rates the member KHTNV."
                )
                % {
                    "form": d.form_label(fact.form),
                    "date": format_date(fact.announced_on),
                    "rules": rules.citation,
                }
            )
    if (
        rules.tasks_not_done_over_pct is not None
        and tasks_not_done_pct is not None
        and tasks_not_done_pct > rules.tasks_not_done_over_pct
    ):
        reasons.append(
            _("More than %(pct)s%% of the year's tasks were not done (%(done)s%%): KHTNV.")
            % {"pct": rules.tasks_not_done_over_pct, "done": _pct(tasks_not_done_pct)}
        )
    if degradation:
        reasons.append(
            _("The competent level concluded signs of degradation: KHTNV (%(rules)s).")
            % {"rules": rules.citation}
        )
    return reasons


def collective_cap(
    rules: EvaluationRules,
    *,
    year: int,
    leader_disciplines: Iterable[DisciplineFact],
    subordinates: int,
    subordinates_disciplined: int,
) -> tuple[str, str] | None:
    """The best level a collective may get from its leadership's and subordinates' discipline in
    the year, with the reason; None when there is no cap (§1.3 b–c; §16.1 1.2–1.3)."""
    in_year = [f for f in leader_disciplines if f.announced_on.year == year]
    lowest = rules.leader_discipline_khtnv_from
    for fact in in_year:
        if lowest is None or not d.at_least(fact.form, lowest):
            continue
        if rules.leader_discipline_duty_only and not fact.duty_related:
            continue
        if rules.self_remedied_exception and fact.self_remedied:
            continue
        return KHTNV, _(
            "A member of the leadership was disciplined in the year (%(form)s, %(date)s): the "
            "collective is rated KHTNV (%(rules)s)."
        ) % {
            "form": d.form_label(fact.form),
            "date": format_date(fact.announced_on),
            "rules": rules.citation,
        }
    over = rules.subordinates_disciplined_over_pct
    if over is not None and subordinates and subordinates_disciplined * 100 > over * subordinates:
        return KHTNV, _(
            "%(n)s of %(total)s subordinate organisations were disciplined in the year, more than "
            "%(pct)s%%: the collective is rated KHTNV (%(rules)s)."
        ) % {
            "n": subordinates_disciplined,
            "total": subordinates,
            "pct": over,
            "rules": rules.citation,
        }
    if rules.htxsnv_needs_no_discipline and (in_year or subordinates_disciplined):
        return HTTNV, _(
            "A subordinate organisation or a member of the leadership was disciplined in the year: "
            "the collective cannot be rated HTXSNV (%(rules)s)."
        ) % {"rules": rules.citation}
    return None


# --- the 2025 score ------------------------------------------------------------------------------
GENERAL_MAX, TASKS_MAX = 30, 70
# The precision scores are written and stored at: tenths of a point. The frameworks of QĐ 366
# (§16.1 1.4) give each criterion whole or half points; no finer figure is asked for, so a score
# with more decimals is refused rather than rounded (a rounded 89,96 would cross the 90 band).
SCORE_PLACES = 1
_STEP = Decimal(1).scaleb(-SCORE_PLACES)


class ScoreError(ValueError):
    """A score that cannot be read: the message names the text."""


_WRITTEN = re.compile(r"-?\d+(?:[.,]\d+)?")


def score_value(value: object) -> Decimal:
    """A score as the exact decimal it was written: "89,5" and "89.5" alike; a number from a
    spreadsheet by its shortest decimal form to 15 significant digits (89.95 is 89,95, and a
    formula's 0.1 + 0.2 is 0,3). Digits with one decimal separator only: no exponent, no
    thousands separator, no NaN or infinity."""
    if isinstance(value, Decimal):
        found = value
    elif isinstance(value, bool):
        raise ScoreError(_("“%(value)s” is not a number.") % {"value": value})
    elif isinstance(value, int):
        found = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ScoreError(_("“%(value)s” is not a number.") % {"value": value})
        found = Decimal(format(value, ".15g"))
    else:
        written = str(value).strip()
        if not _WRITTEN.fullmatch(written):
            raise ScoreError(_("“%(value)s” is not a number.") % {"value": value})
        found = Decimal(written.replace(",", "."))
    if not found.is_finite():
        raise ScoreError(_("“%(value)s” is not a number.") % {"value": value})
    return found + 0 if found.is_zero() else found  # -0 is 0


def format_score(value: Decimal) -> str:
    """A score as officers write it: a decimal comma, no trailing zeros (89,5; 90)."""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


@dataclass(frozen=True)
class Score:
    general: Decimal  # 0–30
    tasks: Decimal  # 0–70
    exceeded_pct: float | None = None  # share of tasks done beyond what was asked
    all_tasks_done: bool = True  # 100 % of tasks done on time, with quality
    behind_pct: float | None = None  # collectives: tasks behind schedule
    shortcomings_remedied: bool = True  # 100 % of earlier shortcomings remedied

    def __post_init__(self) -> None:
        object.__setattr__(self, "general", score_value(self.general))
        object.__setattr__(self, "tasks", score_value(self.tasks))

    @property
    def total(self) -> Decimal:
        return self.general + self.tasks


def score_problems(score: Score) -> list[str]:
    """Each part within its range and written to a tenth of a point at most (the number checked
    is the number stored); the share of tasks exceeded a percentage."""
    problems = []
    if score.exceeded_pct is not None and not 0 <= score.exceeded_pct <= 100:
        problems.append(
            _("The share of tasks done beyond what was asked is a percentage from 0 to 100.")
        )
    for part, maximum, message in (
        (score.general, GENERAL_MAX, _("General criteria are scored from 0 to %(max)s points.")),
        (score.tasks, TASKS_MAX, _("Task results are scored from 0 to %(max)s points.")),
    ):
        if not 0 <= part <= maximum:
            problems.append(message % {"max": maximum})
        elif part != part.quantize(_STEP):
            problems.append(
                _("%(value)s points: scores are written to a tenth of a point at most.")
                % {"value": format_score(part)}
            )
    return problems


def level_from_score(
    rules: EvaluationRules, score: Score, *, subject: str
) -> tuple[str, list[str]]:
    """The best level the score allows (§16.1 1.2) and why it is not higher."""
    total = score.total
    level = next(lv for floor_, lv in rules.bands if total >= floor_)
    held: list[str] = []
    if level == HTXSNV:
        if not score.all_tasks_done:
            held.append(_("HTXSNV needs every task done on time and with quality."))
        if (
            rules.htxsnv_min_exceeded_pct is not None
            and (score.exceeded_pct or 0) < rules.htxsnv_min_exceeded_pct
        ):
            held.append(
                _("HTXSNV needs at least %(pct)s%% of the tasks done beyond what was asked.")
                % {"pct": rules.htxsnv_min_exceeded_pct}
            )
        if not score.shortcomings_remedied:
            held.append(_("HTXSNV needs every shortcoming noted earlier remedied."))
        if held:
            level = HTTNV
    if level == HTTNV and not score.all_tasks_done:
        held.append(_("HTTNV needs every task done on time and with quality."))
        level = HTNV
    if (
        level == HTNV
        and subject == ORG
        and rules.htnv_max_behind_pct is not None
        and (score.behind_pct or 0) > rules.htnv_max_behind_pct
    ):
        held.append(
            _("HTNV needs no more than %(pct)s%% of the tasks behind schedule.")
            % {"pct": rules.htnv_max_behind_pct}
        )
        level = KHTNV
    return level, held


def band_of(rules: EvaluationRules, total: Decimal) -> str:
    return next(lv for floor_, lv in rules.bands if total >= floor_)


# --- the HTXSNV quota ----------------------------------------------------------------------------
def quota(rules: EvaluationRules, httnv: int, *, raised: bool = False) -> int:
    """How many may be rated HTXSNV in a group with `httnv` rated HTTNV: not more than 20 % of
    them (25 % when the competent level raises it under QĐ 366). Read literally: the base is the
    number rated HTTNV, those rated HTXSNV not included (DOMAIN.md §1.3, §16.1 1.1)."""
    pct = rules.quota_raised_pct if raised and rules.quota_raised_pct else rules.quota_pct
    return math.floor(httnv * pct / 100 + 1e-9)


def quota_problem(
    rules: EvaluationRules, *, htxsnv: int, httnv: int, raised: bool, group: str
) -> str | None:
    allowed = quota(rules, httnv, raised=raised)
    if htxsnv <= allowed:
        return None
    pct = rules.quota_raised_pct if raised and rules.quota_raised_pct else rules.quota_pct
    return _(
        "%(n)s rated HTXSNV in %(group)s, more than %(pct)s%% of the %(base)s rated HTTNV "
        "(at most %(allowed)s; %(rules)s)."
    ) % {
        "n": htxsnv,
        "group": group,
        "pct": pct,
        "base": httnv,
        "allowed": allowed,
        "rules": rules.citation,
    }


# --- labels of older years -------------------------------------------------------------------------
# HD 20-HD/BTCTW (2008) and the four levels' own names (DOMAIN.md §1.2), accent-free.
_MEMBER_LABELS = {
    "du tu cach, hoan thanh xuat sac nhiem vu": HTXSNV,
    "du tu cach, hoan thanh tot nhiem vu": HTTNV,
    "du tu cach, hoan thanh nhiem vu": HTNV,
    "vi pham tu cach hoac khong hoan thanh nhiem vu": KHTNV,
    "vi pham tu cach": KHTNV,
}
_ORG_LABELS = {
    "trong sach, vung manh tieu bieu": HTXSNV,
    "trong sach vung manh tieu bieu": HTXSNV,
    "trong sach, vung manh": HTXSNV,
    "trong sach vung manh": HTXSNV,
    "yeu kem": KHTNV,
}


def parse_level(text: str, subject: str = MEMBER) -> str | None:
    """A rating written as a code (HTXSNV …), as its name, or with an older year's label."""
    key = search_key(text).strip(" .")
    if key.upper() in RANK:
        return key.upper()
    for code, name in LEVEL_NAMES_VI.items():
        if key == search_key(name):
            return code
    return (_MEMBER_LABELS if subject == MEMBER else _ORG_LABELS).get(key)


def _pct(value: float) -> str:
    return f"{value:g}"
