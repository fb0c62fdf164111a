"""Writing cell life and political education: the year's plan, a meeting with its roll, minutes,
resolutions and quality; the documents to study, the sessions with their rolls, the essays, the
action programmes, the Hồ Chí Minh study, the reporters (DOMAIN-2.md §2, §3).

Every way in — the pages, the commands, the demo — calls these functions; each checks the rule in
rules/activities.py, writes all or nothing and logs the change. Dues are in activities/dues.py.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from dangvu.accounts.models import Ability
from dangvu.accounts.scope import require
from dangvu.activities import roll as rolls
from dangvu.activities.models import (
    ActionProgramme,
    Attendance,
    Commitment,
    Essay,
    Exemplar,
    HcmTopic,
    Meeting,
    MeetingPlan,
    MeetingResolution,
    PlannedTopic,
    Reporter,
    StudyAttendance,
    StudyDocument,
    StudySession,
)
from dangvu.core import bulk
from dangvu.core.actors import Actor
from dangvu.core.changes import log_entry, log_values, open_change_set
from dangvu.core.dates import format_date, today
from dangvu.core.errors import RuleError
from dangvu.core.models import ChangeLogEntry, ChangeSet
from dangvu.members.models import PartyMember
from dangvu.orgs.models import Organisation, Placement
from dangvu.rules import activities as rules
from dangvu.tree.selectors import covers, placement_of

KIND_LABELS = dict(rules.MEETING_KINDS)
STATUS_LABELS = dict(rules.ATTENDANCE)


def scale() -> rules.Scale:
    """The point scale in use: the province's file (DANGVU_MEETING_SCALE) or the example."""
    return _scale(getattr(settings, "DANGVU_MEETING_SCALE", None) or "")


@functools.lru_cache(maxsize=4)
def _scale(path: str) -> rules.Scale:
    return rules.load_scale(path or None)


def _not_future(day: dt.date | None, field_name: str) -> None:
    if day is not None and day > today():
        raise RuleError(
            _("The date %(date)s is in the future.") % {"date": format_date(day)}, field=field_name
        )


def _log(cs: ChangeSet, action: str, obj: Any, path: str, after: dict[str, Any]) -> None:
    log_entry(cs, action=action, obj=obj, scope_path=path, after=after)


def check_plan(
    org: Organisation,
    fixed_day: int | None,
    topics: list[tuple[int, str, str]],
    short_minutes: int | None,
    short_decision: str,
    reported_on: dt.date | None,
) -> None:
    """A cell's plan of the year: the fixed day, a thematic meeting each quarter (CT 50-CT/TW), a
    shorter time only with the committee's decision (HD 12)."""
    if org.kind not in rolls.CELL_KINDS:
        raise RuleError(_("Meetings and dues are recorded for a party cell."))
    if fixed_day is not None and not 1 <= fixed_day <= 28:
        raise RuleError(_("The fixed day is a day from 1 to 28."), field="fixed_day")
    if short_minutes is not None and not short_decision.strip():
        raise RuleError(
            _("A shorter meeting time needs the competent committee's decision."),
            field="short_decision",
        )
    quarters = {q for q, topic, _author in topics if topic.strip()}
    missing = [str(q) for q in (1, 2, 3, 4) if q not in quarters]
    if missing:
        raise RuleError(
            _("The plan has no thematic meeting in quarter %(quarters)s (at least one a quarter).")
            % {"quarters": ", ".join(missing)},
            field="topics",
        )
    _not_future(reported_on, "reported_on")


def plan_record(
    *,
    org: Organisation,
    year: int,
    fixed_day: int | None,
    topics: list[tuple[int, str, str]],
    short_minutes: int | None = None,
    short_decision: str = "",
    reported_on: dt.date | None = None,
    actor: Actor,
    source: str = ChangeSet.Source.WEB,
) -> MeetingPlan:
    """The year's plan of a cell (check_plan), written or replaced — this year's or a later one:
    a past year's plan judged its meetings on time or late, and stays (the past does not move)."""
    require(actor, Ability.MANAGE_MEMBERS, org.path)
    if year < today().year and MeetingPlan.objects.filter(org=org, year=year).exists():
        raise RuleError(_("The plan of a past year is kept as it was."), field="fixed_day")
    check_plan(org, fixed_day, topics, short_minutes, short_decision, reported_on)
    with transaction.atomic():
        cs = open_change_set(actor=actor, source=source)
        plan, _created = MeetingPlan.objects.update_or_create(
            org=org,
            year=year,
            defaults={
                "fixed_day": fixed_day,
                "short_minutes": short_minutes,
                "short_decision": short_decision.strip(),
                "reported_on": reported_on,
                "changeset": cs,
            },
        )
        plan.topics.all().delete()
        PlannedTopic.objects.bulk_create(
            PlannedTopic(plan=plan, quarter=q, topic=t.strip(), author=a.strip())
            for q, t, a in topics
            if t.strip()
        )
        _log(cs, "meeting.plan", plan, org.path, {"year": year, "fixed_day": fixed_day})
    return plan


def plans_record(
    *,
    year: int,
    items: list[tuple[Organisation, int | None, list[tuple[int, str, str]], dt.date | None]],
    actor: Actor,
    source: str = ChangeSet.Source.IMPORT,
) -> int:
    """The plans of many cells for a year at once (a committee's list, the demo): (cell, fixed
    day, topics, reported on), each checked by `check_plan`; cells that have one keep it."""
    taken = set(
        MeetingPlan.objects.filter(year=year, org__in=[o for o, *_r in items]).values_list(
            "org_id", flat=True
        )
    )
    plans = []
    for org, fixed_day, topics, reported_on in items:
        require(actor, Ability.MANAGE_MEMBERS, org.path)
        if org.pk in taken:
            continue
        try:
            check_plan(org, fixed_day, topics, None, "", reported_on)
        except RuleError as exc:
            raise RuleError(f"{org.name}: {' '.join(exc.messages)}") from exc
        plans.append(
            (MeetingPlan(org=org, year=year, fixed_day=fixed_day, reported_on=reported_on), topics)
        )
    with transaction.atomic():
        cs = open_change_set(actor=actor, source=source)
        for plan, _t in plans:
            plan.changeset = cs
        bulk.insert([p for p, _t in plans], returning_pk=True)
        bulk.insert(
            [
                PlannedTopic(plan=plan, quarter=q, topic=t.strip(), author=a.strip())
                for plan, topics in plans
                for q, t, a in topics
                if t.strip()
            ]
        )
        bulk.insert_values(
            ChangeLogEntry,
            [
                log_values(
                    cs,
                    action="meeting.plan",
                    obj=plan,
                    scope_path=plan.org.path,
                    after={"year": year, "fixed_day": plan.fixed_day},
                )
                for plan, _t in plans
            ],
        )
    return len(plans)


@dataclass
class MeetingInput:
    kind: str
    held_on: dt.date
    starts: dt.time
    ends: dt.time
    chair: int
    minute_taker: int
    # {member: (status, reason)}: every member of the roll
    roll: dict[int, tuple[str, str]]
    topic: str = ""
    superior_attendee: str = ""
    agenda: str = ""
    documents_shared_on: dt.date | None = None
    minutes: str = ""
    conclusions: str = ""
    # HD 12 criteria 2–5 as judged: {"preparation": True, …}
    criteria: dict[str, bool] = field(default_factory=dict)
    # (text, in favour, against, abstaining)
    resolutions: list[tuple[str, int, int, int]] = field(default_factory=list)


def excused_runs(org_id: int, year: int, before: dt.date | None = None) -> dict[int, list[str]]:
    """Each member's statuses at the cell's meetings of the year, in the order held (up to
    `before`, not included)."""
    rows = Attendance.objects.filter(meeting__org_id=org_id, meeting__held_on__year=year).order_by(
        "meeting__held_on", "meeting_id"
    )
    if before is not None:
        rows = rows.filter(meeting__held_on__lt=before)
    found: dict[int, list[str]] = {}
    for member_id, status in rows.values_list("member_id", "status"):
        found.setdefault(member_id, []).append(status)
    return found


def judge(
    roll: list[rules.Roll],
    history: dict[int, list[str]],
    criteria: dict[str, bool],
    shared_in_time: bool = True,
) -> dict[str, Any]:
    """The meeting's quality (HD 12, DOMAIN-2.md §2.6): criterion 1 from the roll and the year's
    earlier meetings, 2–5 as judged, scored on the scale in use."""
    present, base = rules.present_share(roll)
    unexcused = sum(1 for r in roll if r.status == rules.UNEXCUSED)
    long_runs = sum(
        1
        for r in roll
        if rules.longest_excused_run([*history.get(r.member, []), r.status])
        > rules.EXCUSED_RUN_LIMIT
    )
    problems = rules.attendance_problems(present, base, unexcused, long_runs)
    met = {key: bool(criteria.get(key)) for key in rules.JUDGED_CRITERIA}
    met[rules.ATTENDANCE_CRITERION] = not problems
    if not shared_in_time:
        met["preparation"] = False  # HD 42/2025: the documents at least a day before
    used = scale()
    points = used.score(met)
    grade = used.grade(points)
    return {
        "present": present,
        "expected": base,
        "problems": problems,
        "met": met,
        "points": points,
        "grade": grade,
    }


@dataclass
class Known:
    """What a meeting is checked against, read before: the roll of the day, the cell's plan of the
    year, the regular meeting already recorded that month, the pilot meetings of the year."""

    lines: list[rolls.Line]
    plan: MeetingPlan | None
    earlier: dt.date | None
    pilots: int
    existed: bool = True  # the cell was in the tree that day


def _known(org: Organisation, day: dt.date) -> Known:
    month = day.replace(day=1)
    earlier = (
        Meeting.objects.filter(
            org=org,
            kind__in=rules.MONTHLY_KINDS,
            held_on__gte=month,
            held_on__lt=(month + dt.timedelta(days=32)).replace(day=1),
        )
        .values_list("held_on", flat=True)
        .first()
    )
    return Known(
        rolls.roll_for(org, day),
        MeetingPlan.objects.filter(org=org, year=day.year).first(),
        earlier,
        Meeting.objects.filter(org=org, kind=rules.GROUP_PILOT, held_on__year=day.year).count(),
        placement_of(org, day) is not None,
    )


def check_meeting(org: Organisation, data: MeetingInput, known: Known) -> None:
    """Every rule a meeting record meets (DOMAIN-2.md §2.2, §2.5), on what was read before: one
    function for the page, the command, the import and the demo."""
    if org.kind not in rolls.CELL_KINDS:
        raise RuleError(_("Meetings and dues are recorded for a party cell."))
    if not known.existed:
        raise RuleError(
            _("%(org)s did not exist on %(date)s.")
            % {"org": org.name, "date": format_date(data.held_on)},
            field="held_on",
        )
    _not_future(data.held_on, "held_on")
    if data.kind not in KIND_LABELS:
        raise RuleError(_("Choose the kind of meeting."), field="kind")
    if data.kind in rules.THEMATIC_KINDS and not data.topic.strip():
        raise RuleError(_("A thematic meeting has its topic."), field="topic")
    problem = rules.duration_problem(
        data.kind,
        rules.meeting_minutes(data.starts, data.ends),
        known.plan.short_minutes if known.plan else None,
    )
    if problem:
        raise RuleError(problem, field="ends")
    if data.documents_shared_on is not None and data.documents_shared_on > data.held_on:
        raise RuleError(
            _("The documents are sent to the members before the meeting."),
            field="documents_shared_on",
        )
    if data.kind in rules.MONTHLY_KINDS and known.earlier is not None:
        raise RuleError(
            _("This month's regular meeting was recorded on %(date)s.")
            % {"date": format_date(known.earlier)},
            field="held_on",
        )
    lines = known.lines
    if data.kind == rules.GROUP_PILOT:
        if len(lines) < rules.GROUP_PILOT_MIN_MEMBERS:
            raise RuleError(
                _("Meetings by party groups are for a cell of %(count)s members or more.")
                % {"count": rules.GROUP_PILOT_MIN_MEMBERS},
                field="kind",
            )
        if known.pilots >= rules.GROUP_PILOT_MAX_A_YEAR:
            raise RuleError(
                _("Meetings by party groups are held at most %(count)s times a year.")
                % {"count": rules.GROUP_PILOT_MAX_A_YEAR},
                field="kind",
            )
    if not lines:
        raise RuleError(_("The cell had no members on that day."), field="held_on")
    names = {line.member: line.name for line in lines}
    missing = [line.name for line in lines if line.member not in data.roll]
    if missing:
        raise RuleError(
            _("The roll has no line for: %(names)s.") % {"names": ", ".join(missing)},
            field="roll",
        )
    if any(m not in names for m in data.roll):
        raise RuleError(_("The roll names someone who is not a member of the cell that day."))
    for line in lines:
        status, reason = data.roll[line.member]
        if status not in STATUS_LABELS:
            raise RuleError(_("Choose the attendance of %(name)s.") % {"name": line.name})
        if status == rules.AWAY and line.status != rules.AWAY:
            raise RuleError(
                _("%(name)s was not on temporary transfer elsewhere that day.")
                % {"name": line.name},
                field="roll",
            )
        if status == rules.EXEMPTED and line.status != rules.EXEMPTED:
            raise RuleError(
                _("%(name)s was not exempted from party activity that day.") % {"name": line.name},
                field="roll",
            )
        if status == rules.EXCUSED and not reason.strip():
            raise RuleError(
                _("Give the reason %(name)s was absent.") % {"name": line.name}, field="roll"
            )
    for who, field_name in ((data.chair, "chair"), (data.minute_taker, "minute_taker")):
        if who not in names or data.roll[who][0] != rules.PRESENT:
            raise RuleError(
                _("The chair and the minute-taker are members of the cell present at the meeting."),
                field=field_name,
            )
    roll = [line.as_roll(data.roll[line.member][0]) for line in lines]
    voters = sum(
        1
        for r in roll
        if r.official and r.status == rules.PRESENT and not r.suspended and not r.attached
    )
    for number, (text, yes, no, abstain) in enumerate(data.resolutions, start=1):
        if text.strip() and yes + no + abstain > voters:
            raise RuleError(
                _("Resolution %(n)s: %(votes)s votes, but %(voters)s official members present.")
                % {"n": number, "votes": yes + no + abstain, "voters": voters},
                field="resolutions",
            )


def _write(
    cs: ChangeSet,
    items: list[tuple[Organisation, MeetingInput, Known]],
    history: dict[tuple[int, int], dict[int, list[str]]],
) -> list[Meeting]:
    """Write checked meetings with their rolls, resolutions and quality, and a log entry each.
    `history[(cell, year)]`: each member's statuses at the cell's earlier meetings of the year,
    extended here as the meetings are written."""
    meetings, extra = [], []
    for org, data, known in items:
        roll = [line.as_roll(data.roll[line.member][0]) for line in known.lines]
        earlier = history.setdefault((org.pk, data.held_on.year), {})
        quality = judge(
            roll,
            earlier,
            data.criteria,
            data.documents_shared_on is not None and data.documents_shared_on < data.held_on,
        )
        for r in roll:
            earlier.setdefault(r.member, []).append(r.status)
        meetings.append(
            Meeting(
                org=org,
                kind=data.kind,
                held_on=data.held_on,
                starts=data.starts,
                ends=data.ends,
                topic=data.topic.strip(),
                chair_id=data.chair,
                minute_taker_id=data.minute_taker,
                superior_attendee=data.superior_attendee.strip(),
                agenda=data.agenda.strip(),
                documents_shared_on=data.documents_shared_on,
                minutes=data.minutes.strip(),
                conclusions=data.conclusions.strip(),
                criteria=quality["met"],
                points=quality["points"],
                grade=quality["grade"].label,
                good=quality["grade"].good,
                present=quality["present"],
                expected=quality["expected"],
                changeset=cs,
            )
        )
        extra.append((rules.vote_base(roll), quality))
    bulk.insert(meetings, returning_pk=True)
    attendance, resolutions, entries = [], [], []
    for meeting, (org, data, known), (base, quality) in zip(meetings, items, extra, strict=True):
        attendance += [
            {
                "meeting_id": meeting.pk,
                "member_id": line.member,
                "status": data.roll[line.member][0],
                "reason": data.roll[line.member][1].strip(),
                "official": line.official,
                "suspended": line.suspended,
                "attached": line.attached,
            }
            for line in known.lines
        ]
        resolutions += [
            {
                "meeting_id": meeting.pk,
                "text": text.strip(),
                "in_favour": yes,
                "against": no,
                "abstain": abstain,
                "base": base,
                "passed": rules.vote_passes(yes, base),
            }
            for text, yes, no, abstain in data.resolutions
            if text.strip()
        ]
        entries.append(
            log_values(
                cs,
                action="meeting.create",
                obj=meeting,
                scope_path=org.path,
                after={
                    "kind": data.kind,
                    "held_on": data.held_on,
                    "present": quality["present"],
                    "expected": quality["expected"],
                    "grade": quality["grade"].label,
                },
            )
        )
    bulk.insert_values(Attendance, attendance)
    bulk.insert_values(MeetingResolution, resolutions)
    bulk.insert_values(ChangeLogEntry, entries)
    return meetings


def meeting_record(
    *,
    org: Organisation,
    data: MeetingInput,
    actor: Actor,
    source: str = ChangeSet.Source.WEB,
) -> Meeting:
    """A meeting held, with its roll, minutes, resolutions and quality, checked (DOMAIN-2.md §2)."""
    require(actor, Ability.MANAGE_MEMBERS, org.path)
    known = _known(org, data.held_on)
    check_meeting(org, data, known)
    history = {(org.pk, data.held_on.year): excused_runs(org.pk, data.held_on.year, data.held_on)}
    with transaction.atomic():
        cs = open_change_set(actor=actor, source=source)
        return _write(cs, [(org, data, known)], history)[0]


def meetings_record(
    *,
    items: list[tuple[Organisation, MeetingInput]],
    actor: Actor,
    source: str = ChangeSet.Source.IMPORT,
    history: dict[tuple[int, int], dict[int, list[str]]] | None = None,
) -> list[Meeting]:
    """Many meetings at once — a year's meeting books imported, the demo's months — each checked
    by `check_meeting` as the page checks one, all written or none (the first refusal names the
    cell and the day). `history` carries the year's earlier rolls between calls; without it they
    are read. Meetings of one cell come in the order held, one regular meeting a month."""
    for org, _data in items:
        require(actor, Ability.MANAGE_MEMBERS, org.path)
    rolls_found = rolls.rolls_for([(org.pk, data.held_on) for org, data in items])
    orgs = {org.pk for org, _d in items}
    days = [data.held_on for _o, data in items]
    plans = {
        (p.org_id, p.year): p
        for p in MeetingPlan.objects.filter(
            org_id__in=orgs, year__gte=min(days).year, year__lte=max(days).year
        )
    }
    first_month = min(days).replace(day=1)
    after = (max(days).replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    held: dict[tuple[int, dt.date], dt.date] = {
        (org_id, day.replace(day=1)): day
        for org_id, day in Meeting.objects.filter(
            org_id__in=orgs,
            kind__in=rules.MONTHLY_KINDS,
            held_on__gte=first_month,
            held_on__lt=after,
        ).values_list("org_id", "held_on")
    }
    pilots: dict[tuple[int, int], int] = {}
    for org_id, day in Meeting.objects.filter(
        org_id__in=orgs,
        kind=rules.GROUP_PILOT,
        held_on__year__gte=min(days).year,
        held_on__year__lte=max(days).year,
    ).values_list("org_id", "held_on"):
        pilots[(org_id, day.year)] = pilots.get((org_id, day.year), 0) + 1
    placed = Placement.objects.filter(org_id__in=orgs).values_list(
        "org_id", "valid_from", "valid_to"
    )
    periods: dict[int, list[tuple[dt.date, dt.date | None]]] = {}
    for org_id, since, until in placed:
        periods.setdefault(org_id, []).append((since, until))
    checked = []
    for org, data in items:
        known = Known(
            rolls_found[(org.pk, data.held_on)],
            plans.get((org.pk, data.held_on.year)),
            held.get((org.pk, data.held_on.replace(day=1))),
            pilots.get((org.pk, data.held_on.year), 0),
            covers(periods.get(org.pk, []), data.held_on),
        )
        try:
            check_meeting(org, data, known)
        except RuleError as exc:
            raise RuleError(
                _("%(org)s, %(date)s: %(problem)s")
                % {
                    "org": org.name,
                    "date": format_date(data.held_on),
                    "problem": " ".join(exc.messages),
                }
            ) from exc
        if data.kind in rules.MONTHLY_KINDS:
            held[(org.pk, data.held_on.replace(day=1))] = data.held_on
        if data.kind == rules.GROUP_PILOT:
            pilots[(org.pk, data.held_on.year)] = known.pilots + 1
        checked.append((org, data, known))
    if history is None:
        history = {}
        for org, data, _k in checked:
            key = (org.pk, data.held_on.year)
            if key not in history:
                history[key] = excused_runs(org.pk, data.held_on.year, min(days))
    with transaction.atomic():
        cs = open_change_set(actor=actor, source=source)
        return _write(cs, checked, history)


# Political education (DOMAIN-2.md §3).


def document_register(
    *,
    org: Organisation,
    kind: str,
    number: str,
    title: str,
    issuer: str,
    level: str,
    issued_on: dt.date,
    deadlines: dict[str, dt.date],
    actor: Actor,
    source: str = ChangeSet.Source.WEB,
) -> StudyDocument:
    require(actor, Ability.MANAGE_ORGS, org.path)
    _not_future(issued_on, "issued_on")
    for level_key, day in deadlines.items():
        if day < issued_on:
            raise RuleError(
                _("A deadline falls before the document was issued."), field=f"deadline_{level_key}"
            )
    with transaction.atomic():
        cs = open_change_set(actor=actor, source=source)
        document = StudyDocument.objects.create(
            org=org,
            kind=kind,
            number=number.strip(),
            title=title.strip(),
            issuer=issuer.strip(),
            level=level,
            issued_on=issued_on,
            deadlines={k: v.isoformat() for k, v in deadlines.items()},
            changeset=cs,
        )
        _log(cs, "study.document", document, org.path, {"number": number, "title": title})
    return document


def session_record(
    *,
    document: StudyDocument,
    org: Organisation,
    level: str,
    held_on: dt.date,
    mode: str,
    roll: dict[int, str],
    reporters: str = "",
    materials: str = "",
    guests: dict[str, int] | None = None,
    makeup_of: StudySession | None = None,
    actor: Actor,
    source: str = ChangeSet.Source.WEB,
) -> StudySession:
    """A study session of the document organised by `org`, with the roll of its members (from the
    organisation's cells, as on the day) and the non-members by category. A make-up session rolls
    those who missed the first."""
    require(actor, Ability.MANAGE_MEMBERS, org.path)
    _not_future(held_on, "held_on")
    if held_on < document.issued_on:
        raise RuleError(_("A session comes after the document was issued."), field="held_on")
    if makeup_of is not None and (
        makeup_of.document_id != document.pk or makeup_of.held_on > held_on
    ):
        raise RuleError(_("A make-up session follows a session of the same document."))
    statuses = dict(rules.STUDY_ATTENDANCE)
    if any(status not in statuses for status in roll.values()):
        raise RuleError(_("Choose the attendance of every member on the roll."), field="roll")
    members = set(
        PartyMember.objects.filter(pk__in=roll, org__path__startswith=org.path).values_list(
            "pk", flat=True
        )
    )
    if set(roll) - members:
        raise RuleError(_("The roll names someone who is not a member of the organisation."))
    counts = {k: int(v) for k, v in (guests or {}).items() if int(v)}
    if any(v < 0 for v in counts.values()):
        raise RuleError(_("A count of participants is not negative."), field="guests")
    with transaction.atomic():
        cs = open_change_set(actor=actor, source=source)
        session = StudySession.objects.create(
            document=document,
            org=org,
            level=level,
            held_on=held_on,
            mode=mode,
            reporters=reporters.strip(),
            materials=materials.strip(),
            guests=counts,
            makeup_of=makeup_of,
            changeset=cs,
        )
        StudyAttendance.objects.bulk_create(
            StudyAttendance(session=session, member_id=m, status=s) for m, s in roll.items()
        )
        _log(
            cs,
            "study.session",
            session,
            org.path,
            {"document": str(document), "held_on": held_on, "roll": len(roll)},
        )
    return session


def essay_record(
    *,
    document: StudyDocument,
    member: PartyMember,
    submitted_on: dt.date,
    grade: str,
    actor: Actor,
) -> Essay:
    require(actor, Ability.MANAGE_MEMBERS, member.scope_path)
    _not_future(submitted_on, "submitted_on")
    if submitted_on < document.issued_on:
        raise RuleError(_("An essay comes after the document was issued."), field="submitted_on")
    if grade and grade not in dict(rules.ESSAY_GRADES):
        raise RuleError(_("Choose the essay's grade."), field="grade")
    with transaction.atomic():
        cs = open_change_set(actor=actor)
        essay, _created = Essay.objects.update_or_create(
            document=document,
            member=member,
            defaults={"submitted_on": submitted_on, "grade": grade, "changeset": cs},
        )
        _log(cs, "study.essay", essay, member.scope_path or "", {"grade": grade})
    return essay


def essays_record(
    *,
    document: StudyDocument,
    rows: list[tuple[int, dt.date, str]],
    actor: Actor,
    source: str = ChangeSet.Source.IMPORT,
) -> int:
    """Many members' essays at once (a session's essays entered together): (member, submitted on,
    grade), each checked as `essay_record` checks one."""
    grades = dict(rules.ESSAY_GRADES)
    members = {
        m.pk: m
        for m in PartyMember.objects.filter(pk__in=[r[0] for r in rows]).select_related("org")
    }
    objs = []
    for member_id, submitted_on, grade in rows:
        member = members.get(member_id)
        if member is None:
            raise RuleError(_("The roll names someone who is not a member of the organisation."))
        require(actor, Ability.MANAGE_MEMBERS, member.scope_path)
        _not_future(submitted_on, "submitted_on")
        if submitted_on < document.issued_on:
            raise RuleError(
                _("An essay comes after the document was issued."), field="submitted_on"
            )
        if grade and grade not in grades:
            raise RuleError(_("Choose the essay's grade."), field="grade")
        objs.append(
            Essay(document=document, member_id=member_id, submitted_on=submitted_on, grade=grade)
        )
    with transaction.atomic():
        cs = open_change_set(actor=actor, source=source)
        for obj in objs:
            obj.changeset = cs
        bulk.insert(objs)
        log_entry(
            cs,
            action="study.essay",
            obj=document,
            scope_path=document.org.path,
            after={"essays": len(objs)},
        )
    return len(objs)


def programme_record(
    *,
    document: StudyDocument,
    org: Organisation,
    adopted_on: dt.date,
    number: str,
    actor: Actor,
    source: str = ChangeSet.Source.WEB,
) -> ActionProgramme:
    require(actor, Ability.MANAGE_ORGS, org.path)
    _not_future(adopted_on, "adopted_on")
    if adopted_on < document.issued_on:
        raise RuleError(
            _("An action programme comes after the document was issued."), field="adopted_on"
        )
    if ActionProgramme.objects.filter(document=document, org=org).exists():
        raise RuleError(_("The organisation's action programme is already recorded."))
    with transaction.atomic():
        cs = open_change_set(actor=actor, source=source)
        programme = ActionProgramme.objects.create(
            document=document, org=org, adopted_on=adopted_on, number=number.strip(), changeset=cs
        )
        _log(cs, "study.programme", programme, org.path, {"document": str(document)})
    return programme


def topic_record(*, org: Organisation, year: int, title: str, actor: Actor) -> HcmTopic:
    require(actor, Ability.MANAGE_ORGS, org.path)
    with transaction.atomic():
        cs = open_change_set(actor=actor)
        topic, _created = HcmTopic.objects.update_or_create(
            org=org, year=year, defaults={"title": title.strip(), "changeset": cs}
        )
        _log(cs, "study.topic", topic, org.path, {"year": year, "title": title})
    return topic


def commitment_record(
    *, member: PartyMember, year: int, text: str, registered_on: dt.date, actor: Actor
) -> Commitment:
    """A member's commitment of the year (optional: DANGVU_HCM_COMMITMENTS)."""
    if not getattr(settings, "DANGVU_HCM_COMMITMENTS", True):
        raise RuleError(_("This province does not register members' commitments."))
    require(actor, Ability.MANAGE_MEMBERS, member.scope_path)
    _not_future(registered_on, "registered_on")
    if not text.strip():
        raise RuleError(_("Write the commitment."), field="text")
    with transaction.atomic():
        cs = open_change_set(actor=actor)
        commitment, _created = Commitment.objects.update_or_create(
            member=member,
            year=year,
            defaults={"text": text.strip(), "registered_on": registered_on, "changeset": cs},
        )
        _log(cs, "study.commitment", commitment, member.scope_path or "", {"year": year})
    return commitment


def exemplar_record(
    *,
    org: Organisation,
    year: int,
    kind: str,
    name: str,
    field_name: str,
    commendation: str,
    actor: Actor,
) -> Exemplar:
    require(actor, Ability.MANAGE_ORGS, org.path)
    with transaction.atomic():
        cs = open_change_set(actor=actor)
        exemplar = Exemplar.objects.create(
            org=org,
            year=year,
            kind=kind,
            name=name.strip(),
            field=field_name.strip(),
            commendation=commendation.strip(),
            changeset=cs,
        )
        _log(cs, "study.exemplar", exemplar, org.path, {"year": year, "name": name})
    return exemplar


def reporter_recognise(
    *,
    org: Organisation,
    member: PartyMember,
    level: str,
    card_number: str,
    recognised_on: dt.date,
    province: str,
    actor: Actor,
) -> Reporter:
    """A reporter recognised by the committee, within the quota of HD 40 for the level."""
    require(actor, Ability.MANAGE_ORGS, org.path)
    _not_future(recognised_on, "recognised_on")
    if level not in rules.REPORTER_LEVEL_OF.get(org.kind, ()):
        raise RuleError(
            _("This committee does not recognise reporters of this level (HD 40)."), field="level"
        )
    quota = rules.reporter_quota(level, province)
    current = Reporter.objects.filter(org=org, level=level, until__isnull=True).count()
    if quota is not None and current >= quota:
        raise RuleError(
            _("The committee already has %(count)s reporters of this level, its quota (HD 40).")
            % {"count": current},
            field="level",
        )
    with transaction.atomic():
        cs = open_change_set(actor=actor)
        reporter = Reporter.objects.create(
            org=org,
            member=member,
            level=level,
            card_number=card_number.strip(),
            recognised_on=recognised_on,
            changeset=cs,
        )
        _log(cs, "study.reporter", reporter, org.path, {"name": member.person.full_name})
    return reporter
