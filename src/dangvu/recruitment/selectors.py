"""Reading the candidates' files: what a file lacks, its next step and its deadline, the lists
of a cell or a committee, and the funnel of a period (DOMAIN-2.md §6.6)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangvu.accounts.guard import taken_out, write_scope
from dangvu.accounts.models import Ability
from dangvu.accounts.scope import scope_for
from dangvu.core.cached import cached
from dangvu.core.calendar import Calendar, add_working_days
from dangvu.core.dates import add_months, age_on, format_date
from dangvu.core.models import ChangeLogEntry
from dangvu.members.models import EventKind, MembershipEvent, MembershipPeriod
from dangvu.members.selectors import NOT_MINORITY, members_on
from dangvu.orgs.models import Organisation, subtree_range
from dangvu.recruitment.models import Candidate, Document
from dangvu.rules import recruitment as rules
from dangvu.tree.selectors import subtree_org_ids

DOCUMENT_KINDS = dict(rules.DOCUMENTS)


def visible_candidates(user: Any) -> QuerySet[Candidate]:
    """The candidates of the cells in the user's scope (the same scope as the members)."""
    scope = scope_for(user, Ability.VIEW)
    return Candidate.objects.select_related("person", "cell").filter(scope.q("cell__path"))


def candidates_of(user: Any, org: Organisation) -> QuerySet[Candidate]:
    """The candidates whose cell lies in the organisation's subtree (as the tree stands now)."""
    low, high = subtree_range(org.path)
    return visible_candidates(user).filter(cell__path__gte=low, cell__path__lt=high)


def decision_due(candidate: Candidate, calendar: Calendar | None = None) -> dt.date | None:
    """The competent committee decides within 60 working days of receiving the proposal, plus the
    extension granted (at most 30; DOMAIN-2.md §6.5). `calendar`: a year's days off read once,
    for a list of files."""
    if candidate.sent_up_on is None:
        return None
    days = rules.DECISION_WORKING_DAYS + candidate.extension_days
    if calendar is not None:
        return calendar.add_working_days(candidate.sent_up_on, days)
    return add_working_days(candidate.sent_up_on, days)


def introducers_needed(candidate: Candidate, on: dt.date) -> rules.Introduction:
    """Who must introduce this applicant (DOMAIN-2.md §6.3): a Union member of Union age is
    introduced by the Union and one member; otherwise by two members."""
    return rules.introduction_for(
        age_years=age_on(candidate.person.birth_date, on),
        union_in_unit=candidate.kind == "union_member",
        trade_union_in_unit=candidate.source == "trade_union",
    )


def missing(candidate: Candidate, on: dt.date) -> list[str]:
    """What the file lacks for the cell to consider it on `on`, each in a sentence: the
    recognition, the certificate (and whether it is still valid), the dossier's papers (none older
    than 12 months), the introducers, the verification of everyone to verify."""
    out: list[str] = []
    if candidate.recognised_on is None or candidate.recognised_on > on:
        out.append(_("recognition as a candidate by the committee"))
    if candidate.helper_id is None:
        out.append(_("a helping member"))
    if candidate.certificate_on is None or candidate.certificate_on > on:
        out.append(_("the certificate of the awareness course"))
    else:
        expires = rules.certificate_expires(candidate.certificate_on)
        if expires is not None and expires < on:
            out.append(
                _("a new awareness course: the certificate of %(date)s expired on %(end)s")
                % {
                    "date": format_date(candidate.certificate_on),
                    "end": format_date(expires),
                }
            )
    # Of each kind, the papers dated by that day; a stale one counts only once redone (a newer
    # paper of the kind that is not stale).
    have: Counter[str] = Counter()
    stale_of: dict[str, Document] = {}
    for doc in candidate.documents.all():
        if doc.dated > on:
            continue
        if doc.kind in rules.STALE_KINDS and rules.stale(doc.dated, on):
            stale_of.setdefault(doc.kind, doc)
            continue
        have[doc.kind] += 1
    needed = introducers_needed(candidate, on)
    wanted = {"application": 1, "background": 1, "introducer": needed.members}
    if needed.body:
        wanted["org_resolution"] = 1
    wanted["mass_opinion"] = 1
    wanted["residence_opinion"] = 1
    for kind, count in wanted.items():
        if have[kind] >= count:
            continue
        label = DOCUMENT_KINDS[kind]
        if kind in stale_of:
            out.append(
                _("%(doc)s to redo: dated %(date)s, more than 12 months before %(on)s")
                % {
                    "doc": label,
                    "date": format_date(stale_of[kind].dated),
                    "on": format_date(on),
                }
            )
        elif count > 1:
            out.append(
                _("%(doc)s (%(have)s of %(n)s)") % {"doc": label, "have": have[kind], "n": count}
            )
        else:
            out.append(str(label))
    verifications = list(candidate.verifications.all())
    relations = {v.relation for v in verifications}
    if "self" not in relations:
        out.append(_("the verification of the applicant's background"))
    # DOMAIN-2.md §6.4: the parents (or whoever raised the applicant) are verified too; the spouse
    # and the children of age when there are any (the file lists them).
    if not relations & {"father", "mother", "carer"}:
        out.append(_("the verification of the parents (or of whoever raised the applicant)"))
    to_verify = set(
        rules.relations_to_verify(
            [(str(v.pk), v.party_member, v.fully_declared) for v in verifications]
        )
    )
    for v in verifications:
        if str(v.pk) in to_verify and (v.concluded_on is None or v.concluded_on > on):
            out.append(
                _("the conclusion of the verification of %(name)s (%(relation)s)")
                % {"name": v.name, "relation": v.get_relation_display()}
            )
    return out


@dataclass
class Step:
    key: str
    label: str
    due: dt.date | None = None


def next_step(
    candidate: Candidate,
    on: dt.date,
    lacking: list[str] | None = None,
    calendar: Calendar | None = None,
) -> Step:
    """The file's next step, as the button the secretary or the committee presses (`lacking`:
    what `missing` said of the file, when the caller has it already)."""
    if candidate.status != Candidate.Status.OPEN:
        return Step("closed", candidate.get_status_display())
    if candidate.recognised_on is None:
        return Step("recognise", _("Recognise as a candidate"))
    if candidate.certificate_on is None:
        return Step("certificate", _("Record the course certificate"))
    if candidate.cell_vote_on is None:
        if missing(candidate, on) if lacking is None else lacking:
            return Step("dossier", _("Complete the file"))
        return Step("cell_vote", _("Record the cell's vote"))
    if candidate.committee_vote_on is None:
        return Step("committee_vote", _("Record the committee's vote"))
    if candidate.sent_up_on is None:
        return Step("sent_up", _("Record the proposal received above"))
    return Step("decide", _("Record the admission decision"), decision_due(candidate, calendar))


STAGE_LABELS = {
    "introduced": gettext_lazy("Introduced"),
    "recognised": gettext_lazy("Recognised as a candidate"),
    "certified": gettext_lazy("Course certified"),
    "cell_resolved": gettext_lazy("The cell proposed the admission"),
    "committee_resolved": gettext_lazy("The committee voted"),
    "awaiting_decision": gettext_lazy("Awaiting the decision"),
    "admitted": gettext_lazy("Admitted"),
    "refused": gettext_lazy("Not admitted"),
    "withdrawn": gettext_lazy("Withdrawn"),
}

# The steps a file page records, in the paper's order.
STEP_LABELS = [
    ("recognise", gettext_lazy("Recognition")),
    ("certificate", gettext_lazy("Certificate")),
    ("document", gettext_lazy("A paper of the dossier")),
    ("verification", gettext_lazy("Verification")),
    ("cell_vote", gettext_lazy("Cell's vote")),
    ("committee_vote", gettext_lazy("Committee's vote")),
    ("sent_up", gettext_lazy("Proposal received")),
    ("decide", gettext_lazy("Decision")),
    ("consent", gettext_lazy("Consent for a person over 60")),
    ("close", gettext_lazy("Close the file")),
    ("member_form", gettext_lazy("Member form")),
]


def stage(candidate: Candidate) -> str:
    """Where the file stands, for the funnel and the lists."""
    if candidate.status != Candidate.Status.OPEN:
        return candidate.status
    for field, name in (
        ("sent_up_on", "awaiting_decision"),
        ("committee_vote_on", "committee_resolved"),
        ("cell_vote_on", "cell_resolved"),
        ("certificate_on", "certified"),
        ("recognised_on", "recognised"),
    ):
        if getattr(candidate, field) is not None:
            return name
    return "introduced"


BREAKDOWNS = ["women", "ethnic_minority", "religious", "youth", "enterprise", "students"]


def _units(org: Organisation, start: dt.date, end: dt.date) -> set[int]:
    """The organisation over the period: its subtree at the start and at the end (through its
    predecessors for a day before it was formed, tree.selectors); kept per state of the records
    (a merged province's lineage is read once)."""

    def compute() -> set[int]:
        return set(subtree_org_ids(org, start).values_list("org_id", flat=True)) | set(
            subtree_org_ids(org, end).values_list("org_id", flat=True)
        )

    return set(cached(f"recruitment-units:{org.pk}:{start.isoformat()}:{end.isoformat()}", compute))


def _in_subtree(
    member_days: list[tuple[int, dt.date]], units: set[int]
) -> list[tuple[int, dt.date]]:
    """Of (member, day), those whose cell on that day (the period of record covering it, or the
    last one before it) is one of `units`."""
    if not member_days:
        return []
    periods: dict[int, list[tuple[dt.date, dt.date | None, int]]] = {}
    for member_id, start, end, org_id in MembershipPeriod.objects.filter(
        member_id__in={m for m, _d in member_days}, temporary=False
    ).values_list("member_id", "valid_from", "valid_to", "org_id"):
        periods.setdefault(member_id, []).append((start, end, org_id))
    out = []
    for member_id, day in member_days:
        # The period covering the day; for a member in transit that day (a transfer letter not
        # yet presented), the last cell before it.
        held = [
            (start, end, org_id)
            for start, end, org_id in periods.get(member_id, [])
            if start <= day
        ]
        covering = [p for p in held if p[1] is None or day < p[1]]
        last = covering or sorted(held, key=lambda p: p[1] or day)[-1:]
        if last and last[0][2] in units:
            out.append((member_id, day))
    return out


def _cell_then(units: set[int], day: Any) -> Q:
    """The file's cell on `day` (a date or a field) among `units`: the cell a restructuring carried
    it from, before the day it was carried (services.carry_files); its cell otherwise."""
    return (Q(carried_on__isnull=True) | Q(carried_on__lte=day)) & Q(cell_id__in=units) | Q(
        carried_on__gt=day, carried_from_id__in=units
    )


def funnel(org: Organisation, start: dt.date, end: dt.date) -> dict[str, Any]:
    """The pipeline of a period as provinces report it (DOMAIN-2.md §6.6): the candidates'
    steps dated in the period, the lifecycle's events of the period (admissions, ceremonies,
    recognitions, probationers struck off) of the members in the subtree that day, the
    probationers at the end, and the admissions' breakdowns."""
    units = _units(org, start, end)
    counts: dict[str, int] = {}
    for key, field in (
        ("introduced", "introduced_on"),
        ("recognised", "recognised_on"),
        ("certified", "certificate_on"),
    ):
        counts[key] = (
            Candidate.objects.filter(**{f"{field}__range": (start, end)})
            .filter(_cell_then(units, F(field)))
            .count()
        )
    counts["verifying"] = (
        Candidate.objects.filter(_cell_then(units, end), verifications__requested_on__lte=end)
        .filter(Q(status=Candidate.Status.OPEN) | Q(status_on__gt=end))
        .exclude(cell_vote_on__lte=end)
        .distinct()
        .count()
    )
    counts["cell_resolutions"] = sum(
        1
        for voters, yes in Candidate.objects.filter(cell_vote_on__range=(start, end))
        .filter(_cell_then(units, F("cell_vote_on")))
        .values_list("cell_voters", "cell_in_favour")
        if rules.passes(yes or 0, voters or 0)
    )
    # The events of the members who were in the subtree in or near the period (a year back: a
    # transfer letter not yet presented), not the whole country's.
    near = MembershipPeriod.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=start - dt.timedelta(days=366)),
        org_id__in=units,
        valid_from__lte=end,
    ).values("member_id")
    events = MembershipEvent.objects.filter(voided_by__isnull=True, on__range=(start, end))
    own = events.filter(member_id__in=near)
    admissions = list(
        events.filter(
            kind__in=(EventKind.ADMISSION, EventKind.READMISSION), org_id__in=units
        ).values_list(
            "member_id",
            "on",
            "member__person__sex",
            "member__person__ethnicity",
            "member__person__religion",
            "member__person__birth_date",
            "member__person__occupation",
        )
    )
    counts["decisions"] = len(admissions)
    # The ceremonies, recognitions and probationers struck off, read in one query and placed in
    # one pass; a probationer struck off was in the subtree the day before the removal.
    placed: list[tuple[str, int, dt.date]] = []
    for kind, member_id, day, details in own.filter(
        kind__in=(EventKind.CEREMONY, EventKind.RECOGNITION, EventKind.REMOVAL)
    ).values_list("kind", "member_id", "on", "details"):
        if kind == EventKind.REMOVAL:
            if (details or {}).get("ground") != "probation_unqualified":
                continue
            day -= dt.timedelta(days=1)
        placed.append((kind, member_id, day))
    inside = set(_in_subtree([(m, d) for _k, m, d in placed], units))
    tally = Counter(k for k, m, d in placed if (m, d) in inside)
    counts["ceremonies"] = tally[EventKind.CEREMONY]
    counts["recognised_official"] = tally[EventKind.RECOGNITION]
    counts["struck_off"] = tally[EventKind.REMOVAL]
    counts["probationers"] = members_on(org, end).filter(status="probationary").count()
    breakdown = dict.fromkeys(BREAKDOWNS, 0)
    for _m, day, sex, ethnicity, religion, birth, occupation in admissions:
        breakdown["women"] += sex == "F"
        breakdown["ethnic_minority"] += ethnicity not in NOT_MINORITY
        breakdown["religious"] += religion != "none"
        breakdown["youth"] += age_on(birth, day) <= rules.UNION_AGE_MAX_YEARS
        breakdown["enterprise"] += occupation.startswith("enterprise")
        breakdown["students"] += occupation in ("student", "pupil")
    return {"counts": counts, "breakdown": breakdown, "start": start, "end": end}


def period_range(text: str) -> tuple[dt.date, dt.date]:
    """A reporting period as provinces write it: 2026 (the year), 2026-Q1 … Q4, 2026-H1 / H2,
    2026-9M (nine months), 2026-03 (a month). ValueError otherwise."""
    text = text.strip().upper()
    year_text, _sep, part = text.partition("-")
    year = int(year_text)
    if not 1930 <= year <= 2200:
        raise ValueError(text)
    first = dt.date(year, 1, 1)
    if not part:
        months = (1, 12)
    elif part in ("Q1", "Q2", "Q3", "Q4"):
        q = int(part[1])
        months = (3 * q - 2, 3 * q)
    elif part in ("H1", "H2"):
        months = (1, 6) if part == "H1" else (7, 12)
    elif part == "9M":
        months = (1, 9)
    elif part.isdigit() and 1 <= int(part) <= 12:
        months = (int(part), int(part))
    else:
        raise ValueError(text)
    start = first.replace(month=months[0])
    end = add_months(first.replace(month=months[1]), 1) - dt.timedelta(days=1)
    return start, end


def written_candidates(user: Any, ids: set[str], entries: list[ChangeLogEntry]) -> set[str]:
    """The write guard's read-back (accounts.guard): the files among `ids` the user may change."""
    scope = write_scope(user)
    found = Candidate.objects.filter(scope.q("cell__path"), pk__in=[int(i) for i in ids])
    return {str(pk) for pk in found.values_list("pk", flat=True)} | taken_out(scope, entries)
