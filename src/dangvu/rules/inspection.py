"""Inspection and supervision (công tác kiểm tra, giám sát; DOMAIN-2.md §1): the regulation in
force on a day, who may open which kind of case on whom, the steps of a case, the admissibility of
denunciations and the congress-period rule, the complaint against discipline (its time, its
competent and final levels, its outcomes), the inspection sector's reporting periods.

Pure functions over plain values: the services (inspection/services.py), the figures
(inspection/selectors.py), the import and the demo all call them, so every door judges alike.
Limits that DOMAIN-2.md marks UNCONFIRMED are dated parameters carrying `confirmed=False`; the
pages show them as such.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangvu.core.dates import add_months
from dangvu.rules import discipline as penalties
from dangvu.rules import organisation as kinds

# §0 and §1.10: the regulation in force on the case's date.


@dataclass(frozen=True)
class Regulation:
    code: str
    title: str
    since: dt.date


REGULATIONS = (
    Regulation("QĐ 30-QĐ/TW", "QĐ 30-QĐ/TW (26/7/2016)", dt.date(2016, 7, 26)),
    Regulation("QĐ 22-QĐ/TW", "QĐ 22-QĐ/TW (28/7/2021)", dt.date(2021, 7, 28)),
    Regulation(
        "QĐ 22-QĐ/TW, QĐ 262-QĐ/TW",
        "QĐ 22-QĐ/TW, sửa đổi bởi QĐ 262-QĐ/TW (3/2/2025)",
        dt.date(2025, 2, 3),
    ),
    Regulation("QĐ 296-QĐ/TW", "QĐ 296-QĐ/TW (30/5/2025)", dt.date(2025, 5, 30)),
)
# The statistical forms (§1.9): QĐ 357-QĐ/UBKTTW (22 forms) then QĐ 885-QĐ/UBKTTW (26 forms).
FORM_SETS = (
    Regulation("QĐ 357-QĐ/UBKTTW", "QĐ 357-QĐ/UBKTTW (04/11/2016)", dt.date(2016, 11, 4)),
    Regulation("QĐ 885-QĐ/UBKTTW", "QĐ 885-QĐ/UBKTTW (29/12/2022)", dt.date(2022, 12, 29)),
)


def _in_force(table: Sequence[Regulation], on: dt.date) -> Regulation:
    found = table[0]
    for regulation in table:
        if regulation.since <= on:
            found = regulation
    return found


def regulation_on(on: dt.date) -> Regulation:
    """The regulation a case dated `on` is conducted under (DOMAIN-2.md §0, §1.10)."""
    return _in_force(REGULATIONS, on)


def form_set_on(on: dt.date) -> Regulation:
    return _in_force(FORM_SETS, on)


# §1.3 the subjects: who inspects and supervises.
COMMITTEE = "committee"  # cấp ủy (đảng ủy)
STANDING = "standing"  # ban thường vụ
CELL = "cell"  # chi bộ
CELL_COMMITTEE = "cell_committee"  # chi ủy
SUB_COMMITTEE = "sub_committee"  # đảng ủy bộ phận
INSPECTION = "inspection"  # ủy ban kiểm tra
ADVISORY = "advisory"  # ban, văn phòng cấp ủy (advisory bodies)
SUBJECTS = (
    (COMMITTEE, _("Party committee")),
    (STANDING, _("Standing committee")),
    (CELL, _("Party cell")),
    (CELL_COMMITTEE, _("Cell committee")),
    (SUB_COMMITTEE, _("Sub-committee")),
    (INSPECTION, _("Inspection committee")),
    (ADVISORY, _("Advisory body of the committee")),
)
SUBJECT_LABELS = dict(SUBJECTS)

# The kinds of organisation with an inspection committee: from the grassroots committee up
# (QĐ 296 Điều 7; DOMAIN-2.md §1.3). A grassroots cell (chi bộ cơ sở) has none.
WITH_INSPECTION_COMMITTEE = frozenset(
    {
        kinds.GRASSROOTS_COMMITTEE,
        kinds.COMMUNE_SUPERIOR,
        kinds.DISTRICT,
        kinds.BLOCK,
        kinds.PROVINCIAL,
    }
)
_COMMITTEE_KINDS = WITH_INSPECTION_COMMITTEE
_CELL_KINDS = frozenset({kinds.CELL, kinds.GRASSROOTS_CELL})


def subject_problem(body: str, org_kind: str) -> str | None:
    """Why `body` cannot exist in an organisation of `org_kind` (None when it can)."""
    if body not in SUBJECT_LABELS:
        return str(_("Unknown inspecting body."))
    if body == INSPECTION and org_kind not in WITH_INSPECTION_COMMITTEE:
        return str(
            _(
                "Only a party organisation from the grassroots committee up has an inspection committee "
                "(QĐ 296-QĐ/TW, Article 7)."
            )
        )
    if body in (CELL, CELL_COMMITTEE) and org_kind not in _CELL_KINDS:
        return str(_("A cell or cell committee inspects only in a party cell."))
    if body == SUB_COMMITTEE and org_kind != kinds.SUB_COMMITTEE:
        return str(_("A sub-committee inspects only in a sub-committee."))
    if body in (COMMITTEE, STANDING, ADVISORY) and org_kind not in _COMMITTEE_KINDS:
        return str(
            _(
                "A party committee, its standing committee or advisory bodies exist from the grassroots committee up."
            )
        )
    return None


# §1.4 the kinds of case.
COMPLIANCE = "compliance"  # KT-CU, kiểm tra chấp hành
SIGNS = "signs"  # KT-DHVP, khi có dấu hiệu vi phạm
DUTY = "duty"  # KT-NVKT, việc thực hiện nhiệm vụ kiểm tra, giám sát, thi hành kỷ luật
FINANCE_BUDGET = "finance_budget"  # KT-TC: thu, chi ngân sách, sản xuất kinh doanh
FINANCE_DUES = "finance_dues"  # KT-TC: thu, nộp, quản lý, sử dụng đảng phí
ASSETS = "assets"  # KT-TS: kê khai tài sản, thu nhập
SUPERVISION_REGULAR = "supervision_regular"  # GS-TX
SUPERVISION_THEMATIC = "supervision_thematic"  # GS-CD
CASE_KINDS = (
    (COMPLIANCE, _("Inspection of compliance")),
    (SIGNS, _("Inspection on signs of violation")),
    (DUTY, _("Inspection of the inspection and discipline tasks of lower levels")),
    (FINANCE_BUDGET, _("Inspection of party finance (budget, production and business)")),
    (FINANCE_DUES, _("Inspection of party finance (dues)")),
    (ASSETS, _("Inspection of asset and income declarations")),
    (SUPERVISION_REGULAR, _("Regular supervision")),
    (SUPERVISION_THEMATIC, _("Thematic supervision")),
)
CASE_KIND_LABELS = dict(CASE_KINDS)
SUPERVISIONS = frozenset({SUPERVISION_REGULAR, SUPERVISION_THEMATIC})
FINANCE = frozenset({FINANCE_BUDGET, FINANCE_DUES})

# Who may open which kind (DOMAIN-2.md §1.4 table; QĐ 296 Đ5 1.3 đ for the advisory bodies).
MAY_OPEN: dict[str, frozenset[str]] = {
    COMPLIANCE: frozenset({COMMITTEE, STANDING, CELL, CELL_COMMITTEE, SUB_COMMITTEE, ADVISORY}),
    SIGNS: frozenset({COMMITTEE, STANDING, CELL, SUB_COMMITTEE, INSPECTION}),
    DUTY: frozenset({INSPECTION}),
    FINANCE_BUDGET: frozenset({INSPECTION}),
    FINANCE_DUES: frozenset({INSPECTION}),
    ASSETS: frozenset({INSPECTION}),
    SUPERVISION_REGULAR: frozenset(
        {COMMITTEE, STANDING, CELL, CELL_COMMITTEE, SUB_COMMITTEE, INSPECTION, ADVISORY}
    ),
    SUPERVISION_THEMATIC: frozenset(
        {COMMITTEE, STANDING, CELL, CELL_COMMITTEE, SUB_COMMITTEE, INSPECTION, ADVISORY}
    ),
}
# Kinds whose object is an organisation only, or a member only.
ORGANISATION_ONLY = frozenset({DUTY, FINANCE_BUDGET, FINANCE_DUES})
MEMBER_ONLY = frozenset({ASSETS})
# KT-TS: the inspection committee from the district level up (QĐ 262; DOMAIN-2.md §1.4).
ASSETS_FROM_KINDS = frozenset(
    {kinds.DISTRICT, kinds.COMMUNE_SUPERIOR, kinds.BLOCK, kinds.PROVINCIAL}
)


@dataclass(frozen=True)
class Target:
    """What a case is about, as the rule needs it: the subject's organisation (its path and
    kind), the object's organisation path (an organisation inspected, or the member's cell) and
    whether the object is a member."""

    subject_path: str
    subject_kind: str
    object_path: str
    is_member: bool
    # KT-TC: the object is the same level's finance office (văn phòng cấp ủy), which the
    # inspection committee may inspect although it is of its own level.
    finance_office: bool = False


def _below(path: str, ancestor: str) -> bool:
    return path.startswith(ancestor) and path != ancestor


def opening_problem(kind: str, body: str, target: Target) -> str | None:
    """Why `body` of the subject's organisation may not open a case of `kind` on the target
    (None when it may). DOMAIN-2.md §1.3–§1.4."""
    if kind not in CASE_KIND_LABELS:
        return str(_("Unknown kind of inspection."))
    problem = subject_problem(body, target.subject_kind)
    if problem:
        return problem
    if body not in MAY_OPEN[kind]:
        if body == ADVISORY and kind == SIGNS:
            return str(
                _(
                    "An advisory body of the committee may not inspect on signs of violation "
                    "(QĐ 296-QĐ/TW, Article 5, 1.3 đ)."
                )
            )
        return str(
            _("%(body)s does not conduct “%(kind)s” (QĐ 296-QĐ/TW).")
            % {"body": SUBJECT_LABELS[body], "kind": CASE_KIND_LABELS[kind]}
        )
    if kind in ORGANISATION_ONLY and target.is_member:
        return str(
            _("“%(kind)s” concerns a party organisation.") % {"kind": CASE_KIND_LABELS[kind]}
        )
    if kind in MEMBER_ONLY and not target.is_member:
        return str(_("“%(kind)s” concerns a party member.") % {"kind": CASE_KIND_LABELS[kind]})
    if kind == ASSETS and target.subject_kind not in ASSETS_FROM_KINDS:
        return str(
            _(
                "Asset declarations are inspected by inspection committees from the district level up (QĐ 262-QĐ/TW)."
            )
        )
    inside = target.object_path.startswith(target.subject_path)
    if not inside:
        return str(_("The object is outside the organisation that inspects."))
    if target.is_member:
        return None
    # An organisation as object: a lower level, never the subject's own organisation, except the
    # same level's finance office for KT-TC and a cell supervising itself is no case at all.
    if kind in FINANCE:
        if target.finance_office:
            return None
        if not _below(target.object_path, target.subject_path):
            return str(
                _(
                    "Party finance is inspected in lower-level organisations and the same level's finance "
                    "office, never in the committee of the same level (Party Charter, Article 32.6)."
                )
            )
        return None
    if not _below(target.object_path, target.subject_path):
        return str(
            _("An organisation inspects and supervises the organisations below it, not itself.")
        )
    return None


# §1.6 the steps of a case, in order; the supervision has its own short course.
DECISION = "decision"
NOTICE = "notice"
SELF_REPORT = "self_report"  # báo cáo tự kiểm tra, or the explanation (giải trình) on signs
VERIFICATION = "verification"
HEARING = "hearing"  # the meeting with the object
CONCLUSION = "conclusion"
REMEDY = "remedy"  # follow-up of the remedies
STEPS = (
    (DECISION, _("Decision and plan")),
    (NOTICE, _("Notice to the object")),
    (SELF_REPORT, _("Self-report or explanation of the object")),
    (VERIFICATION, pgettext_lazy("inspection", "Verification")),
    (HEARING, _("Meeting with the object")),
    (CONCLUSION, _("Conclusion")),
    (REMEDY, _("Remedies followed up")),
)
STEP_LABELS = dict(STEPS)
STEP_ORDER = [key for key, _label in STEPS]
# Steps a supervision need not go through (it observes; it concludes and may pass to KT-DHVP).
SUPERVISION_SKIPS = frozenset({SELF_REPORT, VERIFICATION, HEARING})
# The step after which the object has had its say: no conclusion before it (QĐ 296 Đ12 k1:
# the organisation hears the member before it concludes; a member who does not come when
# invited several times without good reason is considered all the same, Đ12 k2 2.1).
REQUIRED_BEFORE_CONCLUSION = (DECISION, NOTICE, HEARING)


def step_problem(kind: str, done: Sequence[str], step: str) -> str | None:
    """Why `step` cannot be recorded now on a case of `kind` that has done `done` (None if it
    can). Steps come in order; a step may be skipped only where DOMAIN-2.md §1.6 allows."""
    if step not in STEP_LABELS:
        return str(_("Unknown step."))
    if CONCLUSION in done and step != REMEDY:
        return str(_("The case is concluded."))
    if step in done and step != REMEDY:
        return str(_("This step is already recorded."))
    if step == DECISION:
        return None
    if DECISION not in done:
        return str(_("A case starts with its decision and plan."))
    if step == REMEDY and CONCLUSION not in done:
        return str(_("Remedies are followed up after the conclusion."))
    if step == CONCLUSION:
        needed = [s for s in REQUIRED_BEFORE_CONCLUSION if s not in done]
        if kind in SUPERVISIONS:
            needed = [s for s in needed if s not in SUPERVISION_SKIPS]
        if needed:
            return str(
                _("Before the conclusion: %(steps)s.")
                % {"steps": ", ".join(str(STEP_LABELS[s]) for s in needed)}
            )
    return None


# §1.8 / §1.10 the content taxonomy of the statistics (the 11 categories of KTDHVPDV).
CONTENTS = (
    ("democracy", _("Democratic centralism, working rules")),
    ("ethics", _("Ethics, lifestyle")),
    ("unity", _("Internal unity")),
    ("prohibitions", _("What members must not do")),
    ("population", _("Population and family planning")),
    ("corruption", _("Corruption, deliberate wrongdoing")),
    ("negligence", _("Lack of responsibility, lax leadership")),
    ("land", _("Land, resources, minerals")),
    ("finance", _("Finance, banking, investment, construction")),
    ("assets", _("Asset and income declaration")),
    ("other", _("Other")),
)
CONTENT_LABELS = dict(CONTENTS)

# The degree of a violation found (kết luận: có vi phạm; mức độ).
NONE = "none"
SHORTCOMING = "shortcoming"
NOT_SERIOUS = "not_serious"  # chưa đến mức phải thi hành kỷ luật
SERIOUS = "serious"  # đến mức phải xem xét thi hành kỷ luật
VERY_SERIOUS = "very_serious"
DEGREES = (
    (NONE, _("No violation")),
    (SHORTCOMING, _("Shortcomings")),
    (NOT_SERIOUS, _("Violation, not to the point of discipline")),
    (SERIOUS, _("Violation requiring discipline")),
    (VERY_SERIOUS, _("Very serious violation requiring discipline")),
)
DEGREE_LABELS = dict(DEGREES)
VIOLATING = frozenset({NOT_SERIOUS, SERIOUS, VERY_SERIOUS})
DISCIPLINE_REQUIRED = frozenset({SERIOUS, VERY_SERIOUS})


# §1.8 denunciations: admissibility.
ADMISSIBLE = "admissible"
ANONYMOUS = "anonymous"  # nặc danh, mạo danh, không rõ địa chỉ
REPEATED = "repeated"  # already concluded, repeated without new facts
NO_CONTENT = "no_content"  # named, without concrete content
WITHDRAWN = "withdrawn"  # withdrawn by the denouncer (not coerced)
ADMISSIBILITY = (
    (ADMISSIBLE, _("Resolved")),
    (ANONYMOUS, _("Not resolved: anonymous, impersonated or without an address")),
    (REPEATED, _("Not resolved: already concluded, repeated without new facts")),
    (NO_CONTENT, _("Not resolved: no concrete content")),
    (WITHDRAWN, _("Not resolved: withdrawn by the denouncer")),
)
ADMISSIBILITY_LABELS = dict(ADMISSIBILITY)


@dataclass(frozen=True)
class Petition:
    """A denunciation as received: is the denouncer named with an address, is the content concrete,
    was the matter concluded before and does it bring new facts, was it withdrawn (and coerced)."""

    named: bool
    concrete: bool
    concluded_before: bool = False
    new_facts: bool = False
    withdrawn: bool = False
    coerced: bool = False


def admissibility(p: Petition) -> str:
    """DOMAIN-2.md §1.8 (QĐ 296 Chương IV, as reported): not resolved when anonymous, repeated
    without new facts, named without concrete content, or withdrawn without coercion."""
    if not p.named:
        return ANONYMOUS
    if p.withdrawn and not p.coerced:
        return WITHDRAWN
    if p.concluded_before and not p.new_facts:
        return REPEATED
    if not p.concrete:
        return NO_CONTENT
    return ADMISSIBLE


def may_ground_signs_case(p: Petition) -> bool:
    """An anonymous petition is not resolved, but its concrete content may, with other
    information, ground an inspection on signs of violation (QĐ 296 Điều 19; §1.8)."""
    return not p.named and p.concrete


# §1.8: who resolves a denunciation — the inspection committee, the committee or its standing
# committee, or the cell for its members; not an advisory body (it has no power on signs of
# violation, §1.3). The one denounced lies in the organisation's subtree: an organisation below
# it, or a member.
RESOLVING = frozenset({INSPECTION, COMMITTEE, STANDING, CELL, SUB_COMMITTEE})


def denunciation_problem(body: str, target: Target) -> tuple[str, str] | None:
    """(the field, why) when `body` may not resolve a denunciation against the target."""
    problem = subject_problem(body, target.subject_kind)
    if problem:
        return "body", problem
    if body not in RESOLVING:
        return "body", str(
            _("%(body)s does not resolve denunciations (QĐ 296-QĐ/TW).")
            % {"body": SUBJECT_LABELS[body]}
        )
    if not target.object_path.startswith(target.subject_path):
        return "against", str(_("The one denounced is outside the organisation that resolves it."))
    if not target.is_member and target.object_path == target.subject_path:
        return "against", str(
            _("A denunciation against the committee itself goes to the level above it.")
        )
    return None


# §1.7 the congress-period rule (HD 07-HD/UBKTTW 2019): a denunciation received by the competent
# organisation fewer than 25 working days (grassroots) or 30 (higher levels) before the congress
# opens is not resolved by the outgoing committee: it passes to the new one.
FREEZE_WORKING_DAYS_GRASSROOTS = 25
FREEZE_WORKING_DAYS_HIGHER = 30
_GRASSROOTS_LEVEL = frozenset(
    {kinds.GRASSROOTS_COMMITTEE, kinds.GRASSROOTS_CELL, kinds.CELL, kinds.SUB_COMMITTEE}
)


def freeze_working_days(org_kind: str) -> int:
    if org_kind in _GRASSROOTS_LEVEL:
        return FREEZE_WORKING_DAYS_GRASSROOTS
    return FREEZE_WORKING_DAYS_HIGHER


def passed_to_new_committee(
    received_on: dt.date,
    opens_on: dt.date,
    org_kind: str,
    working_days_between: Callable[[dt.date, dt.date], int],
) -> bool:
    """Whether a denunciation received on `received_on` falls in the congress period: the working
    days after the receipt up to the eve of the opening are fewer than the level's limit."""
    if received_on >= opens_on:
        return False
    before = working_days_between(received_on, opens_on - dt.timedelta(days=1))
    return before < freeze_working_days(org_kind)


@dataclass(frozen=True)
class Limit:
    """A time limit: so many days (working or calendar), extendable by so many, since a date.
    `confirmed` is False where DOMAIN-2.md marks the figure UNCONFIRMED."""

    days: int
    extension: int
    working: bool
    since: dt.date
    confirmed: bool
    source: str


GRASSROOTS = "grassroots"
HIGHER = "higher"
CENTRAL = "central"  # cadres managed by the Central Committee (QĐ 164-QĐ/TW)
# §1.7: the grassroots figure is a provincial handbook's; the higher levels' is not found and
# takes the grassroots figure until a text is confirmed (inference); QĐ 164 is read.
DENUNCIATION_LIMITS: dict[str, tuple[Limit, ...]] = {
    GRASSROOTS: (
        Limit(90, 30, True, dt.date(2021, 7, 28), False, "Sổ tay UBKT Đảng ủy Khối Bình Thuận"),
    ),
    HIGHER: (Limit(90, 30, True, dt.date(2021, 7, 28), False, "(suy luận từ cấp cơ sở)"),),
    CENTRAL: (Limit(180, 60, False, dt.date(2024, 6, 6), True, "QĐ 164-QĐ/TW"),),
}


def denunciation_level(org_kind: str, central_cadre: bool = False) -> str:
    if central_cadre:
        return CENTRAL
    return GRASSROOTS if org_kind in _GRASSROOTS_LEVEL else HIGHER


def limit_on(table: Sequence[Limit], on: dt.date) -> Limit:
    found = table[0]
    for limit in table:
        if limit.since <= on:
            found = limit
    return found


def deadline(
    start: dt.date,
    limit: Limit,
    extended_by: int,
    add_working_days: Callable[[dt.date, int], dt.date],
) -> dt.date:
    """The last day to resolve: `limit.days` from the start (the day the competent organisation
    received it, not counted), plus an extension of at most `limit.extension`."""
    days = limit.days + min(max(extended_by, 0), limit.extension)
    if limit.working:
        return add_working_days(start, days)
    return start + dt.timedelta(days=days)


# §1.7 / §1.8 complaints against discipline: filed within one month of receiving the decision
# (Điều lệ Điều 39 khoản 7). Whether "one month" is a calendar month or 30 working days is
# UNCONFIRMED: the unit is a parameter, the calendar month by default (the Charter's words).
COMPLAINT_MONTHS = 1
COMPLAINT_UNIT_MONTH = "month"
COMPLAINT_UNIT_WORKING_DAYS = "working_days"
COMPLAINT_UNIT = COMPLAINT_UNIT_MONTH
COMPLAINT_WORKING_DAYS = 30


def complaint_last_day(
    received_decision_on: dt.date,
    add_working_days: Callable[[dt.date, int], dt.date],
    unit: str = COMPLAINT_UNIT,
) -> dt.date:
    """The last day a complaint against a discipline decision may be filed."""
    if unit == COMPLAINT_UNIT_WORKING_DAYS:
        return add_working_days(received_decision_on, COMPLAINT_WORKING_DAYS)
    return add_months(received_decision_on, COMPLAINT_MONTHS)


# The levels that resolve complaints (QĐ 22 Điều 22, as reported in DOMAIN-2.md §1.8), lowest
# first. The central ones are outside any province's tree: their outcome is recorded as received.
LEVEL_GRASSROOTS = "grassroots"  # UBKT, BTV or committee of the grassroots committee
LEVEL_COMMUNE = "commune_superior"  # of the commune-level superior (from 1/7/2025)
LEVEL_DISTRICT = "district"  # of the district level (until 30/6/2025)
LEVEL_PROVINCE = "provincial"
LEVEL_UBKTTW = "ubkttw"
LEVEL_SECRETARIAT = "secretariat"  # Ban Bí thư
LEVEL_CENTRAL_COMMITTEE = "central_committee"
LEVEL_CELL = "cell"  # a cell (or sub-committee) within a grassroots committee
COMPLAINT_LEVELS = (
    (LEVEL_CELL, _("Party cell")),
    (LEVEL_GRASSROOTS, _("Grassroots committee")),
    (LEVEL_DISTRICT, _("District level (until 30/6/2025)")),
    (LEVEL_COMMUNE, _("Commune-level superior committee")),
    (LEVEL_PROVINCE, _("Provincial level")),
    (LEVEL_UBKTTW, _("Central Inspection Commission")),
    (LEVEL_SECRETARIAT, _("Secretariat")),
    (LEVEL_CENTRAL_COMMITTEE, _("Central Committee")),
)
COMPLAINT_LEVEL_LABELS = dict(COMPLAINT_LEVELS)
# Outside any province's tree: their outcomes are recorded by the province as received.
CENTRAL_LEVELS = frozenset({"ubkttw", "secretariat", "central_committee"})
_RANK = {key: n for n, (key, _label) in enumerate(COMPLAINT_LEVELS)}
_LEVEL_OF_KIND = {
    kinds.GRASSROOTS_COMMITTEE: LEVEL_GRASSROOTS,
    kinds.GRASSROOTS_CELL: LEVEL_GRASSROOTS,
    kinds.CELL: LEVEL_CELL,
    kinds.SUB_COMMITTEE: LEVEL_CELL,
    kinds.DISTRICT: LEVEL_DISTRICT,
    kinds.COMMUNE_SUPERIOR: LEVEL_COMMUNE,
    kinds.BLOCK: LEVEL_COMMUNE,
    kinds.PROVINCIAL: LEVEL_PROVINCE,
}


def complaint_level_of(org_kind: str) -> str:
    return _LEVEL_OF_KIND.get(org_kind, LEVEL_PROVINCE)


def final_level(form: str) -> str:
    """The last level of complaint for a decision taken at provincial level or below: the Central
    Inspection Commission for reprimand, warning and removal from post; the Secretariat for
    expulsion (and dissolution of an organisation) (QĐ 22 Điều 22; DOMAIN-2.md §1.8)."""
    if form in (penalties.EXPULSION, penalties.DISSOLUTION):
        return LEVEL_SECRETARIAT
    return LEVEL_UBKTTW


def complaint_level_problem(
    form: str, deciding_level: str, level: str, own_inspection: bool = False
) -> str | None:
    """Why `level` may not resolve a complaint against a decision of `form` taken at
    `deciding_level`: a complaint goes to a level above the one that decided (the committee or
    standing committee of the same level for a decision of its own inspection committee), never
    beyond the final level; the Central Inspection Commission does not resolve expulsions, which
    go to the Secretariat."""
    if level not in _RANK:
        return str(_("Unknown level."))
    final = final_level(form)
    if _RANK[level] > _RANK[final]:
        return str(
            _("The final level for “%(form)s” is %(level)s.")
            % {"form": penalties.form_label(form), "level": COMPLAINT_LEVEL_LABELS[final]}
        )
    if level == LEVEL_UBKTTW and final == LEVEL_SECRETARIAT:
        return str(
            _(
                "A complaint against an expulsion goes to the Secretariat, not to the Central Inspection Commission."
            )
        )
    if level == deciding_level and own_inspection:
        return None
    if _RANK[level] <= _RANK[deciding_level]:
        return str(_("A complaint is resolved by a level above the one that decided."))
    return None


def is_final(form: str, level: str) -> bool:
    return level == final_level(form)


# The outcomes of a complaint (giữ nguyên / thay đổi: tăng, giảm, xóa).
UPHELD = "upheld"
INCREASED = "increased"
REDUCED = "reduced"
ANNULLED = "annulled"
COMPLAINT_OUTCOMES = (
    (UPHELD, _("Upheld")),
    (INCREASED, _("Increased")),
    (REDUCED, pgettext_lazy("complaint", "Reduced")),
    (ANNULLED, _("Annulled")),
)
COMPLAINT_OUTCOME_LABELS = dict(COMPLAINT_OUTCOMES)
_ORDER = (penalties.REPRIMAND, penalties.WARNING, penalties.DISMISSAL, penalties.EXPULSION)


def outcome_problem(
    outcome: str, old_form: str, new_form: str | None, is_member: bool = True
) -> str | None:
    """Whether the new form agrees with the outcome: increased means heavier, reduced lighter,
    upheld and annulled leave no new form; on the member's scale or the organisation's."""
    if outcome not in COMPLAINT_OUTCOME_LABELS:
        return str(_("Unknown outcome."))
    if outcome in (UPHELD, ANNULLED):
        return None if new_form in (None, "") else str(_("Upheld or annulled leaves no new form."))
    if not new_form:
        return str(_("Say the new form of discipline."))
    order = (
        _ORDER
        if old_form in _ORDER
        else (penalties.REPRIMAND, penalties.WARNING, penalties.DISSOLUTION)
    )
    if new_form not in order:
        return str(_("This form of discipline does not apply here."))
    heavier = order.index(new_form) > order.index(old_form)
    if outcome == INCREASED and not heavier:
        return str(
            _("An increase needs a heavier form than %(form)s.")
            % {"form": penalties.form_label(old_form)}
        )
    if outcome == REDUCED and (heavier or new_form == old_form):
        return str(
            _("A reduction needs a lighter form than %(form)s.")
            % {"form": penalties.form_label(old_form)}
        )
    return None


# §1.9 the inspection sector's reporting periods.
MONTH = "month"
Q1 = "q1"
HALF = "6m"
NINE = "9m"
YEAR = "year"
TERM = "term"
PERIODS = (
    (MONTH, _("Month")),
    (Q1, _("First quarter")),
    (HALF, _("Six months")),
    (NINE, _("Nine months")),
    (YEAR, _("Year")),
    (TERM, _("Term")),
)
PERIOD_LABELS = dict(PERIODS)
_LAST_MONTH = {Q1: 3, HALF: 6, NINE: 9, YEAR: 12}


def period_bounds(
    kind: str, year: int, month: int = 1, last_year: int | None = None
) -> tuple[dt.date, dt.date]:
    """The first and last day of a reporting period (calendar months; the sector's cut-off days
    are UNCONFIRMED, DOMAIN-2.md §1.9). A term runs from 1 January of `year` to 31 December of
    `last_year`."""
    if kind == MONTH:
        first = dt.date(year, month, 1)
        return first, add_months(first, 1) - dt.timedelta(days=1)
    if kind == TERM:
        return dt.date(year, 1, 1), dt.date(last_year or year, 12, 31)
    last = _LAST_MONTH[kind]
    return dt.date(year, 1, 1), add_months(dt.date(year, last, 1), 1) - dt.timedelta(days=1)


def same_period_last_year(first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    def back(day: dt.date) -> dt.date:
        try:
            return day.replace(year=day.year - 1)
        except ValueError:  # 29 February
            return day.replace(year=day.year - 1, day=28)

    return back(first), back(last)


# §1.1 QĐ 296 Điều 8 mục 5: a state body, the Front or a mass organisation that suspends or
# disciplines a cadre who is a member notifies the managing party organisation within 5 days.
# Issue 27 counts it on the working-day calendar; the text says "5 ngày" without the unit, which
# is UNCONFIRMED: working days by default, a parameter.
STATE_NOTICE_DAYS = 5
STATE_NOTICE_WORKING = True


# The levels the statistics break subjects down by (DOMAIN-2.md §1.9: UBKTTW, tỉnh, huyện, đảng
# ủy cơ sở, chi bộ; after 1/7/2025 the commune-level superior in place of the district).
SUBJECT_LEVELS = (
    (LEVEL_PROVINCE, _("Provincial level")),
    (LEVEL_DISTRICT, _("District level (until 30/6/2025)")),
    (LEVEL_COMMUNE, _("Commune-level superior committee")),
    (LEVEL_GRASSROOTS, _("Grassroots committee")),
    (LEVEL_CELL, _("Party cell")),
)
_SUBJECT_LEVEL_OF_KIND = {
    kinds.PROVINCIAL: LEVEL_PROVINCE,
    kinds.DISTRICT: LEVEL_DISTRICT,
    kinds.COMMUNE_SUPERIOR: LEVEL_COMMUNE,
    kinds.BLOCK: LEVEL_COMMUNE,
    kinds.GRASSROOTS_COMMITTEE: LEVEL_GRASSROOTS,
    kinds.SUB_COMMITTEE: LEVEL_CELL,
    kinds.GRASSROOTS_CELL: LEVEL_CELL,
    kinds.CELL: LEVEL_CELL,
}


def subject_level(org_kind: str) -> str:
    return _SUBJECT_LEVEL_OF_KIND.get(org_kind, LEVEL_PROVINCE)
