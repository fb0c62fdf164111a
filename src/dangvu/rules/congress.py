"""Congresses, committees and elections (DOMAIN.md §8, §16.3–§16.4; DOMAIN-2.md §5.1).

Pure rules, each one function that the pages, the commands, the ballot-sheet import and the demo
all call:

- the directives' figures, as versioned data (`Directive`, `directive_for`): the deadlines by
  level, the age reference dates, the composition shares, the sizes of commune and ward
  committees; what DOMAIN.md marks UNCONFIRMED is marked so here and shown so on the pages;
- the retirement date under Bộ luật Lao động 2019 Điều 169 and NĐ 135/2020, and the months left
  on a reference date, for the age rules of a first-time or re-elected committee member;
- the count of a ballot (`count_ballots`) and the result of an election (`elect`): more than half
  of the convened official members or delegates minus the listed deductions — never half of the
  valid ballots (Điều lệ Điều 12 k3; QĐ 190-QĐ/TW Điều 30) — ranked when more pass than seats,
  a tie at the last seat left to the congress unless it chose a rule;
- the surplus of candidates (QĐ 190 Điều 14) and a nomination from the floor (> 30 %).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangvu.core.dates import add_months, age_on, format_date, months_between
from dangvu.rules import organisation as org_rules
from dangvu.rules.reference import KINH

# Not an ethnic minority: Kinh, and a foreign national (code 56), as members.selectors counts.
NOT_MINORITY = (KINH, "56")

# ---------------------------------------------------------------------------------------------
# Kinds, bodies, how a seat is taken and why it is left

MEMBER_CONGRESS = "members"  # đại hội đảng viên
DELEGATE_CONGRESS = "delegates"  # đại hội đại biểu
CONGRESS_KINDS = [
    (MEMBER_CONGRESS, gettext_lazy("All-member congress")),
    (DELEGATE_CONGRESS, gettext_lazy("Delegate congress")),
]

EXECUTIVE = "executive"
STANDING = "standing"
SECRETARY = "secretary"
DEPUTY = "deputy"
INSPECTION = "inspection"
INSPECTION_CHAIR = "inspection_chair"
DELEGATE = "delegate"  # a delegate to the superior congress
BODIES = [
    (EXECUTIVE, gettext_lazy("Executive committee")),
    (STANDING, gettext_lazy("Standing committee")),
    (SECRETARY, gettext_lazy("Secretary")),
    (DEPUTY, gettext_lazy("Deputy secretary")),
    (INSPECTION, gettext_lazy("Inspection committee")),
    (INSPECTION_CHAIR, gettext_lazy("Chair of the inspection committee")),
    (DELEGATE, gettext_lazy("Delegate to the superior congress")),
]
# What a cell elects (its chi ủy, secretary, deputy; delegates): no standing or inspection
# committee (Điều lệ Điều 24).
CELL_BODIES = frozenset({EXECUTIVE, SECRETARY, DEPUTY, DELEGATE})
# Posts held by a member of the executive committee (an inspection committee may have members
# outside it).
WITHIN_EXECUTIVE = frozenset({STANDING, SECRETARY, DEPUTY})

AT_CONGRESS = "congress"
AT_PLENUM = "plenum"
APPOINTED = "appointed"
BY_ELECTION = "by_election"
HOW = [
    (AT_CONGRESS, gettext_lazy("elected at the congress")),
    (AT_PLENUM, gettext_lazy("elected at a plenum")),
    (APPOINTED, gettext_lazy("appointed by the superior")),
    (BY_ELECTION, gettext_lazy("by-election")),
]

LEAVE_REASONS = [
    ("term_end", gettext_lazy("end of the term")),
    ("retired", gettext_lazy("retired")),
    ("transferred", gettext_lazy("transferred")),
    ("disciplined", gettext_lazy("discipline")),
    ("died", gettext_lazy("died")),
    ("resigned", gettext_lazy("resigned from the post")),
    ("restructured", gettext_lazy("restructuring")),
    ("other", gettext_lazy("other")),
]

# The contents of a congress (CT 35/2024, CT 45/2025): four; two for an organisation merged or
# newly established in 2025, whose committee and delegates are appointed (DOMAIN.md §8.1).
REVIEW = "review"
DRAFTS = "drafts"
ELECT_COMMITTEE = "committee"
ELECT_DELEGATES = "delegates"
CONTENTS = [
    (REVIEW, gettext_lazy("review of the term and the direction for the next")),
    (DRAFTS, gettext_lazy("comments on the superior's draft documents")),
    (ELECT_COMMITTEE, gettext_lazy("election of the committee")),
    (ELECT_DELEGATES, gettext_lazy("election of the delegates to the superior congress")),
]
ALL_CONTENTS = [REVIEW, DRAFTS, ELECT_COMMITTEE, ELECT_DELEGATES]
MERGED_CONTENTS = [REVIEW, DRAFTS]

DOCUMENTS = [
    ("political_report", gettext_lazy("Political report")),
    ("committee_review", gettext_lazy("Review of the committee's leadership")),
    ("resolution", gettext_lazy("Resolution of the congress")),
    ("minutes", gettext_lazy("Minutes")),
]

# ---------------------------------------------------------------------------------------------
# The levels a directive sets dates for

GRASSROOTS = "grassroots"
ABOVE_GRASSROOTS = "above_grassroots"  # cấp trên trực tiếp cơ sở (a district, a block)
COMMUNE = "commune"  # đảng bộ xã, phường, đặc khu (from 1/7/2025)
UNDER_CENTRE = "under_centre"  # trực thuộc Trung ương (the province)
LEVELS = {
    GRASSROOTS: gettext_lazy("grassroots"),
    ABOVE_GRASSROOTS: gettext_lazy("level directly above grassroots"),
    COMMUNE: gettext_lazy("commune, ward or special zone"),
    UNDER_CENTRE: gettext_lazy("directly under the Centre"),
}


def level_of(kind: str) -> str:
    """The directive's level of an organisation of this kind. A cell under a committee holds its
    congress in the grassroots round."""
    if kind == org_rules.PROVINCIAL:
        return UNDER_CENTRE
    if kind == org_rules.COMMUNE_SUPERIOR:
        return COMMUNE
    if kind in (org_rules.DISTRICT, org_rules.BLOCK):
        return ABOVE_GRASSROOTS
    return GRASSROOTS


@dataclass(frozen=True)
class Share:
    """A composition target: at least `minimum` of the executive committee (or about)."""

    minimum: Fraction
    about: bool = False  # "khoảng": a guide, met within one seat
    unconfirmed: bool = False


@dataclass(frozen=True)
class Directive:
    """A congress directive's figures (DOMAIN.md §8.1, §16.3), versioned like the rating rules."""

    code: str
    title: str
    issued: dt.date
    applies_from: dt.date  # congresses held from this day
    term: str  # "2025–2030"
    deadlines: Mapping[str, dt.date]
    deadlines_unconfirmed: bool
    # The day ages are counted on, by level; None: the congress's own day (not stated).
    reference_dates: Mapping[str, dt.date]
    women: Share | None
    woman_in_standing: bool
    young_under: int | None  # age
    young: Share | None
    young_levels: frozenset[str]
    renewal: Share | None
    science: Share | None
    reelection_months: int
    first_time_months: int
    first_time_unconfirmed: bool
    inspection_months: int
    provincial_deputy_months: int | None
    # Commune and ward committees directly under the province (CT 45): sizes.
    commune_executive: tuple[int, int] | None = None
    commune_standing: tuple[int, int] | None = None
    commune_deputies: int | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    def deadline(self, level: str) -> dt.date | None:
        return self.deadlines.get(level)

    def reference_date(self, level: str, congress_day: dt.date) -> dt.date:
        return self.reference_dates.get(level, congress_day)


CT35_2019 = Directive(
    code="35-CT/TW (2019)",
    title="Chỉ thị 35-CT/TW ngày 30/5/2019",
    issued=dt.date(2019, 5, 30),
    applies_from=dt.date(2019, 6, 1),
    term="2020–2025",
    # The 2020 calendar (grassroots by 30/6/2020, then the levels above, the provinces by
    # 31/10/2020): DOMAIN.md gives the results, not the directive's sentence. UNCONFIRMED.
    deadlines={
        GRASSROOTS: dt.date(2020, 6, 30),
        ABOVE_GRASSROOTS: dt.date(2020, 8, 31),
        COMMUNE: dt.date(2020, 8, 31),
        UNDER_CENTRE: dt.date(2020, 10, 31),
    },
    deadlines_unconfirmed=True,
    reference_dates={},
    # Women ≥ 15 %: inferred from the results reported against the directive (§16.3).
    women=Share(Fraction(15, 100), unconfirmed=True),
    woman_in_standing=True,
    young_under=40,
    young=Share(Fraction(10, 100)),
    # "cấp tỉnh, cấp huyện" (DOMAIN.md §8.1): the province and the district (level above cơ sở).
    young_levels=frozenset({UNDER_CENTRE, ABOVE_GRASSROOTS}),
    renewal=None,  # UNCONFIRMED for 2019 (§16.3): not judged
    science=None,
    reelection_months=30,
    first_time_months=60,
    first_time_unconfirmed=True,
    inspection_months=24,
    provincial_deputy_months=None,
)

CT45_2025 = Directive(
    code="45-CT/TW",
    title="Chỉ thị 45-CT/TW ngày 14/4/2025",
    issued=dt.date(2025, 4, 14),
    applies_from=dt.date(2025, 4, 14),
    term="2025–2030",
    deadlines={
        GRASSROOTS: dt.date(2025, 6, 30),
        ABOVE_GRASSROOTS: dt.date(2025, 8, 31),
        COMMUNE: dt.date(2025, 8, 31),
        UNDER_CENTRE: dt.date(2025, 10, 31),
    },
    deadlines_unconfirmed=False,
    # §16.3: grassroots 4/2025; level above grassroots 6/2025; commune, ward, special zone
    # 7/2025; directly under the Centre 9/2025 (the first day of the month).
    reference_dates={
        GRASSROOTS: dt.date(2025, 4, 1),
        ABOVE_GRASSROOTS: dt.date(2025, 6, 1),
        COMMUNE: dt.date(2025, 7, 1),
        UNDER_CENTRE: dt.date(2025, 9, 1),
    },
    women=Share(Fraction(15, 100)),
    woman_in_standing=True,
    young_under=42,
    young=Share(Fraction(10, 100)),
    # "dưới 42 tuổi đối với cấp tỉnh, cấp xã" (§16.3).
    young_levels=frozenset({UNDER_CENTRE, COMMUNE}),
    renewal=Share(Fraction(1, 3)),
    science=Share(Fraction(5, 100), about=True),
    reelection_months=48,
    first_time_months=60,
    first_time_unconfirmed=False,
    inspection_months=42,
    provincial_deputy_months=42,
    commune_executive=(27, 33),
    commune_standing=(9, 11),
    commune_deputies=2,
)

# CT 35-CT/TW of 14/6/2024 was replaced by CT 45 before the 2025 round began in earnest; its
# figures are UNCONFIRMED (§16.3) and are not assumed: a congress held under it (a grassroots
# congress of early 2025) is judged by CT 45's figures and calendar, every share marked
# unconfirmed.
CT35_2024 = replace(
    CT45_2025,
    code="35-CT/TW (2024)",
    title="Chỉ thị 35-CT/TW ngày 14/6/2024 (áp dụng các chỉ tiêu của Chỉ thị 45-CT/TW)",
    issued=dt.date(2024, 6, 14),
    applies_from=dt.date(2024, 6, 14),
    deadlines_unconfirmed=True,
    women=Share(Fraction(15, 100), unconfirmed=True),
    young=Share(Fraction(10, 100), unconfirmed=True),
    renewal=Share(Fraction(1, 3), unconfirmed=True),
    science=Share(Fraction(5, 100), about=True, unconfirmed=True),
    first_time_unconfirmed=True,
)
DIRECTIVES: tuple[Directive, ...] = (CT35_2019, CT35_2024, CT45_2025)


# Before CT 35/2019 (the 2015–2020 round, CT 36-CT/TW of 2014, and earlier): no figures are
# kept here — a congress of those years is recorded and shown, not judged.
NO_DIRECTIVE = Directive(
    code="",
    title="",
    issued=dt.date(1930, 2, 3),
    applies_from=dt.date(1930, 2, 3),
    term="",
    deadlines={},
    deadlines_unconfirmed=False,
    reference_dates={},
    women=None,
    woman_in_standing=False,
    young_under=None,
    young=None,
    young_levels=frozenset(),
    renewal=None,
    science=None,
    reelection_months=0,
    first_time_months=0,
    first_time_unconfirmed=False,
    inspection_months=0,
    provincial_deputy_months=None,
)


def directive_by_code(code: str) -> Directive | None:
    return next((d for d in DIRECTIVES if d.code == code), None)


def directive_for(day: dt.date) -> Directive:
    """The directive in force for a congress held on `day` (NO_DIRECTIVE before CT 35/2019)."""
    found = NO_DIRECTIVE
    for directive in DIRECTIVES:
        if directive.applies_from <= day:
            found = directive
    return found


def commune_executive_max(predecessors: int) -> int:
    """CT 45: at most 27 for a commune or ward formed from two or not merged, 33 from three or
    more (DOMAIN.md §8.1)."""
    return 33 if predecessors >= 3 else 27


# ---------------------------------------------------------------------------------------------
# Retirement and months left


def retirement_age_months(sex: str, year: int) -> int:
    """The retirement age, in months, of a worker in normal conditions retiring in `year` (Bộ luật
    Lao động 2019 Điều 169 k2; NĐ 135/2020/NĐ-CP, cited in DOMAIN-2.md §5.2): men 60 years 3
    months in 2021, three months more each year to 62 in 2028; women 55 years 4 months in 2021,
    four months more each year to 60 in 2035. Before 2021: 60 and 55."""
    if sex == "F":
        return min(60 * 12, 55 * 12 + 4 * max(year - 2020, 0))
    return min(62 * 12, 60 * 12 + 3 * max(year - 2020, 0))


def retirement_date(sex: str, birth: dt.date) -> dt.date:
    """The day the person reaches the retirement age of the year they reach it in (the table of
    NĐ 135/2020 Phụ lục I: a man born in 10/1961 retires at 60 years 6 months, in 4/2022)."""
    year = birth.year + 55
    while True:
        reached = add_months(birth, retirement_age_months(sex, year))
        if reached.year <= year:
            return reached
        year += 1


def months_left(sex: str, birth: dt.date, on: dt.date) -> int:
    """Whole months from `on` to retirement (0 once reached)."""
    return months_between(on, retirement_date(sex, birth))


@dataclass(frozen=True)
class Seated:
    """A committee member as the composition rules see them: from the member's records on the
    congress day."""

    key: int
    name: str
    sex: str
    birth: dt.date
    ethnicity: str
    first_time: bool
    science: bool = False
    posts: frozenset[str] = frozenset()


def age_problem(
    person: Seated,
    directive: Directive,
    level: str,
    reference: dt.date,
    *,
    inspection: bool = False,
) -> str | None:
    """What the directive's age rule says of this member on its reference date (DOMAIN.md §8.1,
    §16.3; DOMAIN-2.md §5.1): a first-time member has a full term left, a re-elected one 48
    months (42 for a provincial deputy secretary and for the inspection committee, CT 45)."""
    left = months_left(person.sex, person.birth, reference)
    if person.first_time:
        needed = directive.first_time_months
    elif inspection:
        needed = directive.inspection_months
    elif level == UNDER_CENTRE and DEPUTY in person.posts and directive.provincial_deputy_months:
        needed = directive.provincial_deputy_months
    else:
        needed = directive.reelection_months
    if left >= needed:
        return None
    return _("%(left)s months of working time left on %(date)s; %(needed)s needed (%(who)s).") % {
        "left": left,
        "date": format_date(reference),
        "needed": needed,
        "who": _("first time in the committee") if person.first_time else _("re-elected"),
    }


# ---------------------------------------------------------------------------------------------
# Composition


@dataclass
class Figure:
    """One line of the composition table: a count over the executive committee, its share, the
    target and whether it is met; `people` are the members it counts (opened on the page)."""

    key: str
    label: str
    count: int
    total: int
    target: str = ""
    met: bool | None = None  # None: no target, or one for the congress to judge
    unconfirmed: bool = False
    people: list[int] = field(default_factory=list)

    @property
    def share(self) -> Fraction:
        return Fraction(self.count, self.total) if self.total else Fraction(0)


def _at_least(count: int, total: int, share: Share) -> bool:
    if share.about:  # "about 5 %": the share of the committee rounded to whole people (20 → 1)
        return count >= int(share.minimum * total + Fraction(1, 2))
    return total > 0 and Fraction(count, total) >= share.minimum


def _pct(share: Fraction) -> str:
    value = float(share * 100)
    return f"{value:.0f} %" if value == int(value) else f"{value:.1f} %".replace(".", ",")


def composition(
    executive: Sequence[Seated],
    standing: Sequence[Seated],
    *,
    directive: Directive,
    level: str,
    kind: str,
    congress_day: dt.date,
    merged: bool,
    predecessors: int = 1,
    deputies: int | None = None,
    locality_minority: Fraction | None = None,
    inspection: Sequence[Seated] = (),
) -> list[Figure]:
    """The committee's composition against the directive in force on the congress day; with
    `inspection` (its members, `first_time` in the inspection committee), their age rule too."""
    total = len(executive)
    reference = directive.reference_date(level, congress_day)
    figures: list[Figure] = []

    def add(
        key: str, label: str, people: Iterable[Seated], of: int | None = None, **kw: object
    ) -> Figure:
        """A figure over the executive committee (or `of`: the standing committee's size)."""
        chosen = [p.key for p in people]
        whole = total if of is None else of
        figure = Figure(key, label, len(chosen), whole, people=chosen, **kw)  # type: ignore[arg-type]
        figures.append(figure)
        return figure

    figures.append(Figure("size", _("Members of the executive committee"), total, total))
    women = [p for p in executive if p.sex == "F"]
    if directive.women:
        add(
            "women",
            _("Women"),
            women,
            target=_("at least %(share)s") % {"share": _pct(directive.women.minimum)},
            met=_at_least(len(women), total, directive.women),
            unconfirmed=directive.women.unconfirmed,
        )
    if directive.woman_in_standing and standing:
        in_standing = [p for p in standing if p.sex == "F"]
        add(
            "woman_standing",
            _("Women in the standing committee"),
            in_standing,
            of=len(standing),
            target=_("at least one"),
            met=bool(in_standing),
        )
    if directive.young and directive.young_under:
        young = [p for p in executive if age_on(p.birth, reference) < directive.young_under]
        applies = level in directive.young_levels
        add(
            "young",
            _("Young members (under %(age)s on %(date)s)")
            % {"age": directive.young_under, "date": format_date(reference)},
            young,
            target=_("at least %(share)s") % {"share": _pct(directive.young.minimum)}
            if applies
            else "",
            met=_at_least(len(young), total, directive.young) if applies else None,
        )
    minority = [p for p in executive if p.ethnicity and p.ethnicity not in NOT_MINORITY]
    add(
        "minority",
        _("Ethnic minority members"),
        minority,
        target=_("appropriate to the locality (its members: %(share)s)")
        % {"share": _pct(locality_minority)}
        if locality_minority is not None
        else _("appropriate to the locality"),
        met=None,
    )
    if directive.science:
        science = [p for p in executive if p.science]
        add(
            "science",
            _("Science and technology qualifications"),
            science,
            target=_("about %(share)s") % {"share": _pct(directive.science.minimum)},
            met=_at_least(len(science), total, directive.science),
        )
    first = [p for p in executive if p.first_time]
    if directive.renewal and not merged:
        add(
            "renewal",
            _("New members (renewal)"),
            first,
            target=_("at least %(share)s") % {"share": "1/3"},
            met=_at_least(len(first), total, directive.renewal),
        )
    else:
        add("renewal", _("New members (renewal)"), first)
    older = [
        p
        for p in executive
        if directive.reelection_months and age_problem(p, directive, level, reference)
    ]
    if directive.reelection_months:
        add(
            "age",
            _("Members short of the working time the directive asks (on %(date)s)")
            % {"date": format_date(reference)},
            older,
            target=_("none"),
            met=not older,
            unconfirmed=directive.first_time_unconfirmed,
        )
    if inspection and directive.inspection_months:
        short = [
            p for p in inspection if age_problem(p, directive, level, reference, inspection=True)
        ]
        figures.append(
            Figure(
                "inspection_age",
                _("Inspection committee members short of the working time asked (on %(date)s)")
                % {"date": format_date(reference)},
                len(short),
                len(inspection),
                target=_("none"),
                met=not short,
                unconfirmed=directive.first_time_unconfirmed,
                people=[p.key for p in short],
            )
        )
    if kind == org_rules.COMMUNE_SUPERIOR and directive.commune_executive:
        low, _high = directive.commune_executive
        high = commune_executive_max(predecessors)
        figures[0].target = _("%(low)s to %(high)s") % {"low": low, "high": high}
        figures[0].met = low <= total <= high
        if directive.commune_standing:
            low, high = directive.commune_standing
            add(
                "standing_size",
                _("Members of the standing committee"),
                standing,
                of=len(standing),
                target=_("%(low)s to %(high)s") % {"low": low, "high": high},
                met=low <= len(standing) <= high,
            )
        if directive.commune_deputies is not None and deputies is not None:
            figures.append(
                Figure(
                    "deputies",
                    _("Deputy secretaries"),
                    deputies,
                    deputies,
                    target=str(directive.commune_deputies),
                    met=deputies == directive.commune_deputies,
                )
            )
    return figures


def composition_met(figures: Sequence[Figure]) -> bool:
    return all(f.met is not False for f in figures)


# ---------------------------------------------------------------------------------------------
# The election


# Deductions from the convened (DOMAIN.md §8.4; QĐ 190 Điều 30): member congress, then delegate.
MEMBER_DEDUCTIONS = [
    ("temporary_elsewhere", gettext_lazy("on temporary activity in another organisation")),
    ("exempt_absent", gettext_lazy("exempted from activity and absent")),
    ("suspended", gettext_lazy("suspended from party activity")),
    ("prosecuted", gettext_lazy("prosecuted, indicted or detained")),
    ("absent_with_reason", gettext_lazy("absent for the whole congress with a reason accepted")),
]
DELEGATE_DEDUCTIONS = [
    ("convening_absent", gettext_lazy("convening committee members absent")),
    ("absent_no_alternate", gettext_lazy("delegates absent for the whole congress, no alternate")),
]


def deduction_keys(kind: str) -> list[str]:
    return [k for k, _l in (MEMBER_DEDUCTIONS if kind == MEMBER_CONGRESS else DELEGATE_DEDUCTIONS)]


def base_of(kind: str, convened: int, deductions: Mapping[str, int]) -> int:
    """The number the majority is measured against: the convened official members (or delegates)
    minus the listed deductions (QĐ 190 Điều 30; DOMAIN.md §8.4). Another key is refused."""
    allowed = set(deduction_keys(kind))
    unknown = set(deductions) - allowed
    if unknown:
        raise ValueError(f"deductions {sorted(unknown)} do not apply to a {kind} congress")
    if any(v < 0 for v in deductions.values()):
        raise ValueError("a deduction is never negative")
    base = convened - sum(deductions.values())
    if base <= 0:
        raise ValueError("nobody left to count against")
    return base


def votes_needed(base: int) -> int:
    """More than half of `base` (quá một nửa): 11 → 6, 10 → 6, 9 → 5."""
    return base // 2 + 1


def passes(votes: int, base: int) -> bool:
    return 2 * votes > base


AGREE = "agree"
DISAGREE = "disagree"
BOTH = "both"
NEITHER = "neither"
MARKS = (AGREE, DISAGREE, BOTH, NEITHER)


@dataclass
class Tally:
    ballots: int = 0  # collected
    valid: int = 0
    invalid: int = 0
    votes: dict[str, int] = field(default_factory=dict)


def count_ballots(
    candidates: Sequence[str], seats: int, ballots: Iterable[Mapping[str, str] | None]
) -> Tally:
    """Count the collected ballots (QĐ 190 Điều 15, Điều 30): a ballot not issued by the counting
    committee (None) or agreeing to more people than there are seats is invalid; on a valid one, a
    candidate marked both agree and disagree, or neither, gets no vote — the ballot stays valid."""
    tally = Tally(votes={c: 0 for c in candidates})
    for ballot in ballots:
        tally.ballots += 1
        if ballot is None:
            tally.invalid += 1
            continue
        unknown = set(ballot) - set(candidates)
        if unknown or any(m not in MARKS for m in ballot.values()):
            tally.invalid += 1
            continue
        agreed = [c for c in candidates if ballot.get(c, NEITHER) == AGREE]
        if len(agreed) > seats:
            tally.invalid += 1
            continue
        tally.valid += 1
        for c in agreed:
            tally.votes[c] += 1
    return tally


@dataclass
class Outcome:
    """The result of one round: who is elected (in rank order), who passed the majority but is
    outside the seats, who failed it, and the candidates tied for the last seats when the congress
    has chosen no rule for a tie — then those seats stay open for the congress to decide."""

    base: int
    needed: int
    seats: int
    elected: list[str]
    passed_not_elected: list[str]
    failed: list[str]
    tied: list[str]
    seats_left: int


TIE_RULES = [
    ("", gettext_lazy("no rule: the congress decides")),
    ("revote", gettext_lazy("a further round among those tied")),
    ("older", gettext_lazy("the older candidate (the State election law's rule)")),
]


def elect(
    votes: Mapping[str, int],
    seats: int,
    base: int,
    *,
    tie_rule: str = "",
    births: Mapping[str, dt.date] | None = None,
) -> Outcome:
    """Who is elected in this round (DOMAIN.md §8.4, §16.4): more than half of `base`, the most
    votes first when more pass than there are seats. Ties at the last seat: the Party's rule is
    UNCONFIRMED, so by default none of those tied is elected and the seats stay open for the
    congress; "revote" says the same and asks for a round among them; "older" takes the State
    law's rule, only when the congress chose it."""
    if seats < 0:
        raise ValueError("seats")
    needed = votes_needed(base)
    ordered = sorted(votes, key=lambda c: (-votes[c], c))
    passed = [c for c in ordered if passes(votes[c], base)]
    failed = [c for c in ordered if not passes(votes[c], base)]
    if len(passed) <= seats:
        return Outcome(base, needed, seats, passed, [], failed, [], seats - len(passed))
    cut = votes[passed[seats - 1]] if seats else None
    above = [c for c in passed if cut is not None and votes[c] > cut]
    at_cut = [c for c in passed if cut is not None and votes[c] == cut]
    below = [c for c in passed if cut is None or votes[c] < cut]
    free = seats - len(above)
    if len(at_cut) <= free:
        return Outcome(
            base, needed, seats, above + at_cut, below, failed, [], seats - len(above) - len(at_cut)
        )
    if tie_rule == "older" and births:
        by_age = sorted(at_cut, key=lambda c: (births[c], c))
        # Still tied on the day of birth: the congress decides.
        if len(by_age) > free and free > 0 and births[by_age[free - 1]] == births[by_age[free]]:
            return Outcome(base, needed, seats, above, below, failed, at_cut, free)
        chosen = by_age[:free]
        return Outcome(
            base,
            needed,
            seats,
            above + chosen,
            [c for c in at_cut if c not in chosen] + below,
            failed,
            [],
            0,
        )
    return Outcome(base, needed, seats, above, below, failed, at_cut, free)


# The bodies elected from a list (QĐ 190 Điều 14: số dư ≤ 30 %); a secretary, a deputy and a chair
# are single posts, their lists not capped. The committee's and the standing committee's list
# must exceed the seats (DOMAIN.md §8.4).
LIST_BODIES = frozenset({EXECUTIVE, STANDING, INSPECTION, DELEGATE})
SURPLUS_REQUIRED = frozenset({EXECUTIVE, STANDING})


def surplus_problem(seats: int, listed: int, *, required: bool, capped: bool = True) -> str | None:
    """QĐ 190 Điều 14 (DOMAIN.md §8.4): a committee's (or standing committee's) list exceeds the
    seats (`required`), by at most 30 % of them (`capped`: a list, not a single post); a committee
    of 3–5 takes a surplus of one (local answer). For one or two seats 30 % admits no surplus
    (0,3 and 0,6 of a candidate): the list may equal the seats, and one more is refused."""
    surplus = listed - seats
    if seats <= 0:
        return _("Give the number to elect.")
    if surplus < 0 or (required and surplus == 0 and seats >= 3):
        return _("%(listed)s candidates for %(seats)s seats: the list must be longer.") % {
            "listed": listed,
            "seats": seats,
        }
    if not capped:
        return None
    if 3 <= seats <= 5:
        return (
            _("A committee of 3 to 5 takes a surplus of at most one candidate.")
            if surplus > 1
            else None
        )
    if Fraction(surplus, seats) > Fraction(30, 100):
        return _("A surplus of %(surplus)s on %(seats)s seats is over 30 %% (QĐ 190 Điều 14).") % {
            "surplus": surplus,
            "seats": seats,
        }
    return None


def surplus_note(seats: int, listed: int) -> str:
    """The convening committee's list is expected to carry 10–15 % more (a note, not a refusal)."""
    if seats <= 5:
        return ""
    share = Fraction(listed - seats, seats)
    if Fraction(10, 100) <= share <= Fraction(15, 100):
        return ""
    return _(
        "The convening committee's list carries %(share)s more than the seats; 10–15 %% is expected."
    ) % {"share": _pct(share)}


def floor_admitted(support: int, present: int) -> bool:
    """A nomination from the floor enters the list with more than 30 % of those present agreeing
    (QĐ 190 Điều 14)."""
    return present > 0 and Fraction(support, present) > Fraction(30, 100)


def deadline_status(held: dt.date | None, deadline: dt.date | None, on: dt.date) -> str:
    """held / late / due / overdue."""
    if held is not None:
        return "late" if deadline is not None and held > deadline else "held"
    if deadline is not None and on > deadline:
        return "overdue"
    return "due"
