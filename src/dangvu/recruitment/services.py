"""Writing the candidate's file: entering the person, recognition, the course, the dossier, the
verification, the votes, the decision (DOMAIN.md §4.1–§4.3, §4.10, §5; DOMAIN-2.md §6).

Every way in — the pages, the Union's list imported, the demo — calls these functions; each
checks its rule (rules/recruitment.py, and the lifecycle's own age rule), writes all or nothing
and logs the change. The admission itself is the lifecycle's one service (members.member_admit),
which then runs the ceremony, probation and recognition as for any member.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dangvu.accounts.models import Ability
from dangvu.accounts.scope import require, scope_for
from dangvu.core.actors import Actor
from dangvu.core.changes import log_entry, open_change_set
from dangvu.core.dates import age_on, format_date, today
from dangvu.core.errors import RuleError
from dangvu.core.models import ChangeLogEntry, ChangeSet, Decision
from dangvu.members.checks import admission_age_problem
from dangvu.members.events import cell_problem, check_cell
from dangvu.members.models import MembershipPeriod, PartyMember, Person
from dangvu.members.services import member_admit
from dangvu.members.services.persons import PersonInput, clean_person, person_values
from dangvu.orgs.models import Organisation, Placement, valid_on
from dangvu.recruitment.models import Candidate, Document, Verification
from dangvu.recruitment.selectors import DOCUMENT_KINDS, decision_due, missing
from dangvu.rules import recruitment as rules
from dangvu.tree.selectors import placement_of

KINDS = dict(rules.KINDS)
SOURCES = dict(rules.SOURCES)
RELATIONS = dict(rules.RELATIONS)


def _not_future(day: dt.date | None, field: str) -> None:
    if day is not None and day > today():
        raise RuleError(
            _("The date %(date)s is in the future.") % {"date": format_date(day)}, field=field
        )


def _log(cs: ChangeSet, action: str, candidate: Candidate, after: dict[str, Any]) -> None:
    log_entry(
        cs,
        action=action,
        obj=candidate,
        scope_path=candidate.cell.path,
        after={"name": candidate.person.full_name, **after},
    )


def _check_existing(existing: Person, citizen_id: str, actor: Actor) -> None:
    """The person of this citizen ID is a member, or has a file in progress, or had one that was
    closed: named only when it lies in the actor's scope."""
    member = PartyMember.objects.filter(person=existing).first()
    files = list(Candidate.objects.filter(person=existing).select_related("cell"))
    scope = scope_for(actor, Ability.VIEW)
    seen = (member is None or scope.covers_member(member)) and all(
        scope.covers(f.cell.path) for f in files
    )
    if not seen or (member is None and not files):
        # Elsewhere, or a person of another record (not a candidate's): the neutral message.
        raise RuleError(
            _("The citizen ID %(id)s is already recorded for another person.") % {"id": citizen_id},
            field="citizen_id",
        )
    if member is not None:
        raise RuleError(
            _("%(name)s (citizen ID %(id)s) is already a party member.")
            % {"name": existing.full_name, "id": citizen_id},
            field="citizen_id",
        )
    if any(f.status == Candidate.Status.OPEN for f in files):
        raise RuleError(
            _("%(name)s (citizen ID %(id)s) already has a file in progress.")
            % {"name": existing.full_name, "id": citizen_id},
            field="citizen_id",
        )


def _once(candidate: Candidate, field: str, label: str) -> None:
    """A step is recorded once: recording it again would change what a past period counted."""
    done = getattr(candidate, field)
    if done is not None:
        raise RuleError(
            _("%(step)s was already recorded (%(date)s).")
            % {"step": label, "date": format_date(done)},
            field=field,
        )


def _open(candidate: Candidate) -> None:
    if candidate.status != Candidate.Status.OPEN:
        raise RuleError(
            _("The file of %(name)s is closed (%(status)s).")
            % {"name": candidate.person.full_name, "status": candidate.get_status_display()},
            field="status",
        )


def grassroots_of(cell: Organisation, on: dt.date) -> Organisation:
    """The committee above the cell that votes on its proposals (the cell's superior that day)."""
    place = placement_of(cell, on)
    if place is None or place.parent is None:
        return cell
    return place.parent


@transaction.atomic
def candidate_enter(
    *,
    person: PersonInput,
    cell: Organisation,
    kind: str,
    source_kind: str,
    introduced_by: str,
    introduced_on: dt.date,
    actor: Actor,
    introduced_number: str = "",
    education_exception: str = "",
    source: str = ChangeSet.Source.WEB,
    changeset: ChangeSet | None = None,
) -> Candidate:
    """Enter a person introduced by a body's resolution (DOMAIN-2.md §6.1) on the cell's list. A
    person already on record (the same citizen ID) is that record, not a second one."""
    require(actor, Ability.MANAGE_MEMBERS, cell.path)
    problems: dict[str, list[str]] = {}
    if kind not in KINDS:
        problems.setdefault("kind", []).append(_("Choose the kind of candidate."))
    if source_kind not in SOURCES:
        problems.setdefault("source", []).append(_("Choose where the candidate comes from."))
    if not introduced_by.strip():
        problems.setdefault("introduced_by", []).append(
            _("Name the body whose resolution introduces the person.")
        )
    if problems:
        raise ValidationError(problems)
    _not_future(introduced_on, "introduced_on")
    check_cell(cell, introduced_on)
    # A person already on record (the same citizen ID, once cleaned) is that record, if it lies
    # in the user's scope; a record elsewhere is not named (a name is data).
    cleaned = clean_person(person, check_unique=False)
    existing = (
        Person.objects.filter(citizen_id=cleaned["citizen_id"]).first()
        if cleaned["citizen_id"]
        else None
    )
    if existing is not None:
        _check_existing(existing, cleaned["citizen_id"], actor)
    cleaned = clean_person(person, exclude_person_id=existing.pk if existing else None)
    problem = rules.education_problem(cleaned["general_education"], education_exception)
    if problem:
        raise RuleError(problem, field="general_education")
    # §4.1: the age window is judged at the cell's vote (cell_vote), not at the introduction: a
    # Union member of 17 may be introduced and considered once 18; nobody younger than the Youth
    # Union's 16 is (Điều lệ Đoàn).
    birth = cleaned["birth_date"]
    if birth is not None and age_on(birth, introduced_on) < rules.INTRODUCED_FROM_AGE:
        raise RuleError(
            _("On %(date)s the person was %(age)s: a person is introduced from %(min)s.")
            % {
                "date": format_date(introduced_on),
                "age": age_on(birth, introduced_on) if introduced_on >= birth else 0,
                "min": rules.INTRODUCED_FROM_AGE,
            },
            field="introduced_on",
        )
    if existing is None and (
        Candidate.objects.filter(
            status=Candidate.Status.OPEN,
            cell=cell,
            person__full_name=cleaned["full_name"],
            person__birth_date=birth,
        ).exists()
    ):
        # Without a citizen ID, the same name and birth date in the same cell is the same person
        # (the list imported twice).
        raise RuleError(
            _("%(name)s, born %(date)s, already has a file in progress in this cell.")
            % {"name": cleaned["full_name"], "date": format_date(birth) if birth else ""},
            field="full_name",
        )
    if existing is not None and (
        existing.full_name != cleaned["full_name"] or existing.birth_date != birth
    ):
        # An earlier file's person, in scope: the ID names someone else than the one written.
        raise RuleError(
            _(
                "The citizen ID %(id)s is recorded for %(name)s, born %(date)s: check the ID, "
                "or the name and date of birth."
            )
            % {
                "id": cleaned["citizen_id"],
                "name": existing.full_name,
                "date": format_date(existing.birth_date),
            },
            field="citizen_id",
        )
    values = person_values(cleaned)
    cs = changeset or open_change_set(actor=actor, source=source)
    before: dict[str, Any] = {}
    if existing is not None:
        before = {field: getattr(existing, field) for field in values}
        for field, value in values.items():
            setattr(existing, field, value)
        existing.save()
        person_row = existing
    else:
        person_row = Person.objects.create(**values)
    candidate = Candidate.objects.create(
        person=person_row,
        cell=cell,
        kind=kind,
        source=source_kind,
        introduced_by=introduced_by.strip(),
        introduced_number=introduced_number.strip(),
        introduced_on=introduced_on,
        education_exception=education_exception,
        changeset=cs,
    )
    if existing is not None:  # the record of an earlier, closed file: what it said before
        log_entry(
            cs,
            action="person.update",
            obj=existing,
            subject=candidate,
            scope_path=cell.path,
            before=before,
            after=values,
        )
    _log(
        cs,
        "candidate.create",
        candidate,
        {
            "cell": cell.name,
            "kind": str(KINDS[kind]),
            "source": str(SOURCES[source_kind]),
            "introduced_by": candidate.introduced_by,
            "introduced_on": format_date(introduced_on),
        },
    )
    return candidate


@transaction.atomic
def candidate_recognise(
    *,
    candidate: Candidate,
    on: dt.date,
    by: str,
    helper: PartyMember | None,
    actor: Actor,
    changeset: ChangeSet | None = None,
) -> Candidate:
    """The committee recognises the person as a candidate (đối tượng) and the cell assigns an
    official member to help (DOMAIN-2.md §6.1)."""
    require(actor, Ability.MANAGE_MEMBERS, candidate.cell.path)
    _open(candidate)
    _once(candidate, "recognised_on", _("The recognition as a candidate"))
    _not_future(on, "recognised_on")
    if on < candidate.introduced_on:
        raise RuleError(
            _("Recognised before being introduced (%(date)s).")
            % {"date": format_date(candidate.introduced_on)},
            field="recognised_on",
        )
    if helper is not None and (helper.official_date is None or helper.official_date > on):
        raise RuleError(
            _("%(name)s is not an official member: the helping member must be one.")
            % {"name": helper.person.full_name},
            field="helper",
        )
    candidate.recognised_on, candidate.recognised_by, candidate.helper = on, by.strip(), helper
    candidate.save()
    _log(
        changeset or open_change_set(actor=actor),
        "candidate.update",
        candidate,
        {
            "recognised_on": format_date(on),
            "recognised_by": candidate.recognised_by,
            "helper": helper.person.full_name if helper else "",
        },
    )
    return candidate


@transaction.atomic
def over_60_consent_record(
    *, candidate: Candidate, decision: Decision, actor: Actor, changeset: ChangeSet | None = None
) -> Candidate:
    """§4.1 (HD 01): a person over 60 at the cell's vote is admitted only with the provincial
    standing committee's written consent, given before the decision: recorded here, it lets the
    cell vote (members.checks.admission_age_problem)."""
    require(actor, Ability.MANAGE_MEMBERS, candidate.cell.path)
    _open(candidate)
    _not_future(decision.date, "decision_date")
    candidate.over_60_consent = decision
    candidate.save(update_fields=["over_60_consent"])
    _log(
        changeset or open_change_set(actor=actor),
        "candidate.update",
        candidate,
        {"over_60_consent": str(decision)},
    )
    return candidate


@transaction.atomic
def certificate_record(
    *,
    candidate: Candidate,
    course: str,
    issuer: str,
    number: str,
    issued_on: dt.date,
    actor: Actor,
    changeset: ChangeSet | None = None,
) -> Candidate:
    """The awareness course's certificate (DOMAIN-2.md §6.2): issued once; its validity is the
    parameter rules.CERTIFICATE_VALID_MONTHS (UNCONFIRMED)."""
    require(actor, Ability.MANAGE_MEMBERS, candidate.cell.path)
    _open(candidate)
    _not_future(issued_on, "certificate_on")
    if candidate.certificate_on is not None and issued_on <= candidate.certificate_on:
        # A new course after an expired certificate replaces it; an older one does not.
        raise RuleError(
            _("A certificate of %(date)s is already recorded; only a later course replaces it.")
            % {"date": format_date(candidate.certificate_on)},
            field="certificate_on",
        )
    if not issuer.strip():
        raise RuleError(_("Name who issued the certificate."), field="certificate_issuer")
    problem = rules.issuer_problem(issuer, issued_on)
    if problem:
        raise RuleError(problem, field="certificate_issuer")
    candidate.course, candidate.certificate_issuer = course.strip(), issuer.strip()
    candidate.certificate_number, candidate.certificate_on = number.strip(), issued_on
    candidate.save()
    _log(
        changeset or open_change_set(actor=actor),
        "candidate.update",
        candidate,
        {
            "course": candidate.course,
            "certificate_issuer": candidate.certificate_issuer,
            "certificate_number": candidate.certificate_number,
            "certificate_on": format_date(issued_on),
        },
    )
    return candidate


@transaction.atomic
def document_record(
    *,
    candidate: Candidate,
    kind: str,
    dated: dt.date,
    actor: Actor,
    note: str = "",
    introducer: PartyMember | None = None,
    worked_since: dt.date | None = None,
    replacement: bool = False,
    changeset: ChangeSet | None = None,
) -> Document:
    """One paper of the dossier (§4.10a). An introduction names its member, who must be official
    and have worked with the applicant 12 months, unless assigned as a replacement (QĐ 24 3.2)."""
    require(actor, Ability.MANAGE_MEMBERS, candidate.cell.path)
    _open(candidate)
    if kind not in DOCUMENT_KINDS:
        raise RuleError(_("Choose the document."), field="kind")
    _not_future(dated, "dated")
    if kind == "introducer":
        if introducer is None:
            raise RuleError(_("Choose the introducing member."), field="introducer")
        problem = rules.introducer_problem(
            worked_since=worked_since,
            on=dated,
            replacement=replacement,
            official_since=introducer.official_date,
        )
        if problem:
            raise RuleError(problem, field="introducer")
        if candidate.documents.filter(kind="introducer", introducer=introducer).exists():
            raise RuleError(
                _("%(name)s has already introduced this person.")
                % {"name": introducer.person.full_name},
                field="introducer",
            )
    document = Document.objects.create(
        candidate=candidate,
        kind=kind,
        dated=dated,
        note=note.strip(),
        introducer=introducer if kind == "introducer" else None,
        worked_since=worked_since if kind == "introducer" else None,
        replacement=replacement and kind == "introducer",
    )
    _log(
        changeset or open_change_set(actor=actor),
        "candidate.document",
        candidate,
        {
            "document": str(DOCUMENT_KINDS[kind]),
            "dated": format_date(dated),
            "introducer": introducer.person.full_name if introducer else "",
        },
    )
    return document


@transaction.atomic
def verification_record(
    *,
    candidate: Candidate,
    relation: str,
    name: str,
    actor: Actor,
    party_member: bool = False,
    fully_declared: bool = False,
    requested_on: dt.date | None = None,
    answered_on: dt.date | None = None,
    report: str = "",
    concluded_on: dt.date | None = None,
    conclusion: str = "",
    verification: Verification | None = None,
    changeset: ChangeSet | None = None,
) -> Verification:
    """The verification of one person (DOMAIN-2.md §6.4): request, answer, report, conclusion.
    Recorded as it goes; `verification` updates the one already begun."""
    require(actor, Ability.MANAGE_MEMBERS, candidate.cell.path)
    _open(candidate)
    if relation not in RELATIONS:
        raise RuleError(_("Choose whose background is verified."), field="relation")
    if not name.strip():
        raise RuleError(_("Write the full name of the person verified."), field="name")
    for field, day in (
        ("requested_on", requested_on),
        ("answered_on", answered_on),
        ("concluded_on", concluded_on),
    ):
        _not_future(day, field)
    if answered_on and requested_on is None:
        raise RuleError(_("Write the day the request was sent."), field="requested_on")
    if answered_on and requested_on and answered_on < requested_on:
        raise RuleError(_("An answer comes after the request."), field="answered_on")
    if concluded_on and not conclusion.strip():
        raise RuleError(_("Write the conclusion."), field="conclusion")
    # The same person's verification, begun earlier, is completed, not repeated.
    row = (
        verification
        or candidate.verifications.filter(relation=relation, name=name.strip()).first()
        or Verification(candidate=candidate)
    )
    for field, value in {
        "relation": relation,
        "name": name.strip(),
        "party_member": party_member,
        "fully_declared": fully_declared,
        "requested_on": requested_on,
        "answered_on": answered_on,
        "report": report.strip(),
        "concluded_on": concluded_on,
        "conclusion": conclusion.strip(),
    }.items():
        setattr(row, field, value)
    row.save()
    _log(
        changeset or open_change_set(actor=actor),
        "candidate.verification",
        candidate,
        {
            "relation": str(RELATIONS[relation]),
            "person": row.name,
            "concluded_on": format_date(concluded_on) if concluded_on else "",
            "conclusion": row.conclusion,
        },
    )
    return row


def official_members(cell: Organisation, on: dt.date) -> int:
    """The cell's official members on a day, who vote on the admission (§4.1)."""
    return MembershipPeriod.objects.filter(
        valid_on(on), org=cell, temporary=False, status="official"
    ).count()


@transaction.atomic
def cell_vote(
    *,
    candidate: Candidate,
    on: dt.date,
    in_favour: int,
    actor: Actor,
    changeset: ChangeSet | None = None,
) -> Candidate:
    """The cell considers the complete file and votes (§4.1): with at least two thirds of its
    official members in favour it proposes the admission; otherwise the file is closed. The file
    must be complete on that day: nothing missing, nothing stale, the applicant of age."""
    require(actor, Ability.MANAGE_MEMBERS, candidate.cell.path)
    _open(candidate)
    _once(candidate, "cell_vote_on", _("The cell's vote"))
    _not_future(on, "cell_vote_on")
    check_cell(candidate.cell, on)
    lacking = missing(candidate, on)
    if lacking:
        raise RuleError(
            _("The file is not complete: %(lacking)s.") % {"lacking": "; ".join(lacking)},
            field="cell_vote_on",
        )
    details = {
        "vote_date": on,
        "over_60_authorisation": bool(candidate.over_60_consent_id),
    }
    problem = admission_age_problem(candidate.person.birth_date, on, details)
    if problem is not None:
        raise RuleError(problem[1], field="cell_vote_on")
    voters = official_members(candidate.cell, on)
    if in_favour < 0 or in_favour > voters:
        raise RuleError(
            _("The cell had %(n)s official members on %(date)s: at most %(n)s can vote in favour.")
            % {"n": voters, "date": format_date(on)},
            field="cell_in_favour",
        )
    candidate.cell_vote_on, candidate.cell_voters, candidate.cell_in_favour = on, voters, in_favour
    passed = rules.passes(in_favour, voters)
    if not passed:
        candidate.status, candidate.status_on = Candidate.Status.REFUSED, on
        candidate.status_reason = _(
            "%(yes)s of %(n)s official members in favour; %(need)s were needed (two thirds)."
        ) % {"yes": in_favour, "n": voters, "need": rules.votes_needed(voters)}
    candidate.save()
    _log(
        changeset or open_change_set(actor=actor),
        "candidate.vote",
        candidate,
        {
            "body": candidate.cell.name,
            "on": format_date(on),
            "in_favour": in_favour,
            "voters": voters,
            "passed": passed,
        },
    )
    return candidate


@transaction.atomic
def committee_vote(
    *,
    candidate: Candidate,
    on: dt.date,
    voters: int,
    in_favour: int,
    actor: Actor,
    changeset: ChangeSet | None = None,
) -> Candidate:
    """The grassroots committee votes on the cell's proposal (HD 01 3.6c): with two thirds of its
    members a resolution proposes the admission; below it, the full result is sent up, and the
    competent committee decides either way. The proposal is then received above."""
    committee = grassroots_of(candidate.cell, on)
    require(actor, Ability.MANAGE_MEMBERS, committee.path)
    _open(candidate)
    _once(candidate, "committee_vote_on", _("The committee's vote"))
    _not_future(on, "committee_vote_on")
    if candidate.cell_vote_on is None:
        raise RuleError(_("The cell has not voted yet."), field="committee_vote_on")
    if on < candidate.cell_vote_on:
        raise RuleError(
            _("The committee votes after the cell (%(date)s).")
            % {"date": format_date(candidate.cell_vote_on)},
            field="committee_vote_on",
        )
    if voters <= 0 or in_favour < 0 or in_favour > voters:
        raise RuleError(
            _("Write the committee's members and how many voted in favour (at most all of them)."),
            field="committee_in_favour",
        )
    candidate.committee_vote_on = on
    candidate.committee_voters, candidate.committee_in_favour = voters, in_favour
    candidate.save()
    _log(
        changeset or open_change_set(actor=actor),
        "candidate.vote",
        candidate,
        {
            "body": committee.name,
            "on": format_date(on),
            "in_favour": in_favour,
            "voters": voters,
            "passed": rules.passes(in_favour, voters),
        },
    )
    return candidate


@transaction.atomic
def proposal_received(
    *,
    candidate: Candidate,
    on: dt.date,
    actor: Actor,
    extension_days: int = 0,
    extension_reason: str = "",
    changeset: ChangeSet | None = None,
) -> Candidate:
    """The day the competent committee received the proposal (the 60 working days run from it),
    and any extension, at most 30 working days, with its reason."""
    committee = grassroots_of(candidate.cell, on)
    require(actor, Ability.MANAGE_MEMBERS, committee.path)
    _open(candidate)
    if candidate.sent_up_on is not None and on != candidate.sent_up_on:
        _once(candidate, "sent_up_on", _("The day the proposal was received"))
    if extension_days:
        # The extension is the competent committee's, above the grassroots committee.
        require(actor, Ability.MANAGE_MEMBERS, grassroots_of(committee, on).path)
    _not_future(on, "sent_up_on")
    if candidate.committee_vote_on is None or on < candidate.committee_vote_on:
        raise RuleError(
            _("The proposal is received after the grassroots committee's vote."),
            field="sent_up_on",
        )
    if not 0 <= extension_days <= rules.DECISION_EXTENSION_MAX_WORKING_DAYS:
        raise RuleError(
            _("An extension is at most %(n)s working days.")
            % {"n": rules.DECISION_EXTENSION_MAX_WORKING_DAYS},
            field="extension_days",
        )
    if extension_days and not extension_reason.strip():
        raise RuleError(_("Write the reason for the extension."), field="extension_reason")
    candidate.sent_up_on = on
    candidate.extension_days, candidate.extension_reason = extension_days, extension_reason.strip()
    candidate.save()
    due = decision_due(candidate)
    _log(
        changeset or open_change_set(actor=actor),
        "candidate.update",
        candidate,
        {
            "sent_up_on": format_date(on),
            "decision_due": format_date(due) if due else "",
            "extension_days": extension_days,
        },
    )
    return candidate


@transaction.atomic
def candidate_admit(
    *,
    candidate: Candidate,
    decision: Decision,
    actor: Actor,
    late_reason: str = "",
    source: str = ChangeSet.Source.WEB,
    changeset: ChangeSet | None = None,
) -> PartyMember:
    """The competent committee's decision: the lifecycle's admission service records the person
    (the same record) as a probationary member of the cell; the ceremony, probation and
    recognition then follow as for any member. A decision after the deadline states why."""
    # The competent committee's decision: not the cell's to record.
    require(actor, Ability.MANAGE_MEMBERS, grassroots_of(candidate.cell, decision.date).path)
    _open(candidate)
    if candidate.cell_vote_on is None or not rules.passes(
        candidate.cell_in_favour or 0, candidate.cell_voters or 0
    ):
        raise RuleError(_("The cell has not proposed the admission."), field="decision")
    if candidate.sent_up_on is None:
        raise RuleError(_("Record first the day the proposal was received."), field="sent_up_on")
    due = decision_due(candidate)
    if decision.date < candidate.sent_up_on:
        raise RuleError(
            _("The decision comes after the proposal was received (%(date)s).")
            % {"date": format_date(candidate.sent_up_on)},
            field="decision_date",
        )
    if due is not None and decision.date > due and not late_reason.strip():
        raise RuleError(
            _(
                "The decision was due by %(due)s (60 working days after the proposal, with "
                "%(ext)s days' extension; QĐ 29-QĐ/TW 4.3.1): write why it is late."
            )
            % {"due": format_date(due), "ext": candidate.extension_days},
            field="late_reason",
        )
    person = candidate.person
    data = PersonInput(
        **{
            f.name: getattr(person, f.name)
            for f in dataclasses.fields(PersonInput)
            if hasattr(person, f.name)
        }
    )
    member = member_admit(
        person=data,
        org=candidate.cell,
        decision=decision,
        ceremony_date=None,
        actor=actor,
        source=source,
        existing=person,
        reason=late_reason,
        changeset=changeset,
        admission_details={
            "vote_date": candidate.cell_vote_on,
            "over_60_authorisation": bool(candidate.over_60_consent_id),
        },
    )
    candidate.member = member
    candidate.status, candidate.status_on = Candidate.Status.ADMITTED, decision.date
    candidate.status_reason = late_reason.strip()
    candidate.save()
    _log(
        changeset or open_change_set(actor=actor),
        "candidate.admit",
        candidate,
        {"decision": str(decision), "late_reason": candidate.status_reason},
    )
    return member


@transaction.atomic
def candidate_close(
    *,
    candidate: Candidate,
    status: str,
    on: dt.date,
    reason: str,
    actor: Actor,
    changeset: ChangeSet | None = None,
) -> Candidate:
    """Close a file without admission: not admitted by the competent committee, or withdrawn."""
    require(actor, Ability.MANAGE_MEMBERS, candidate.cell.path)
    if candidate.committee_vote_on is not None:  # gone up: the committee's to close
        require(actor, Ability.MANAGE_MEMBERS, grassroots_of(candidate.cell, on).path)
    _open(candidate)
    _not_future(on, "status_on")
    if on < candidate.introduced_on:
        raise RuleError(
            _("The file cannot end before the person was introduced (%(date)s).")
            % {"date": format_date(candidate.introduced_on)},
            field="status_on",
        )
    if status not in (Candidate.Status.REFUSED, Candidate.Status.WITHDRAWN):
        raise RuleError(_("Choose how the file ends."), field="status")
    if not reason.strip():
        raise RuleError(_("Write the reason."), field="status_reason")
    candidate.status, candidate.status_on, candidate.status_reason = status, on, reason.strip()
    candidate.save()
    _log(
        changeset or open_change_set(actor=actor),
        "candidate.close",
        candidate,
        {"status": candidate.get_status_display(), "on": format_date(on), "reason": reason},
    )
    return candidate


@transaction.atomic
def member_form_record(
    *, candidate: Candidate, on: dt.date, actor: Actor, changeset: ChangeSet | None = None
) -> Candidate:
    """The new member's form (lý lịch đảng viên) completed (30 working days after the ceremony,
    HD 12-HD/BTCTW 2022, UNCONFIRMED)."""
    require(actor, Ability.MANAGE_MEMBERS, candidate.cell.path)
    _not_future(on, "member_form_on")
    if candidate.member is None:
        raise RuleError(_("Only an admitted member fills the member form."), field="member_form_on")
    candidate.member_form_on = on
    candidate.save()
    _log(
        changeset or open_change_set(actor=actor),
        "candidate.update",
        candidate,
        {"member_form_on": format_date(on)},
    )
    return candidate


def carry_files(
    dissolved: list[tuple[Organisation, list[Organisation]]], on: dt.date, changeset: ChangeSet
) -> None:
    """A restructuring dissolves cells into successors (tree.services.succession_handlers): the
    files in progress of each go to its first successor that is a cell, each logged; the file keeps
    its dates, votes and papers (the 2025 reform crossing open files)."""
    successors = {source.pk: (source, after) for source, after in dissolved}
    open_files = list(
        Candidate.objects.filter(cell_id__in=successors, status=Candidate.Status.OPEN)
        .select_related("person")
        .order_by("pk")
    )
    # The successors' placements in one read: each is checked as a cell on the day (cell_problem).
    placements: dict[int, list[Placement]] = {}
    for placement in Placement.objects.filter(
        org__in={s.pk for c in open_files for s in successors[c.cell_id][1]}
    ):
        placements.setdefault(placement.org_id, []).append(placement)
    moves: dict[int, tuple[Organisation, Organisation, list[Candidate]]] = {}
    for candidate in open_files:
        if candidate.cell_id not in moves:
            source, after = successors[candidate.cell_id]
            target = next(
                (s for s in after if cell_problem(s, on, placements.get(s.pk, [])) is None), None
            )
            if target is None:
                raise RuleError(
                    _(
                        "%(org)s has files of candidates in progress and no party cell to carry "
                        "them to."
                    )
                    % {"org": source.name}
                )
            moves[candidate.cell_id] = (source, target, [])
        moves[candidate.cell_id][2].append(candidate)
    entries = []
    for source, target, files in moves.values():
        Candidate.objects.filter(pk__in=[c.pk for c in files]).update(
            cell=target, carried_from=source, carried_on=on
        )
        for candidate in files:  # written together above; each logged, in one statement
            candidate.carried_from, candidate.carried_on, candidate.cell = source, on, target
            entries.append(
                log_entry(
                    changeset,
                    action="candidate.update",
                    obj=candidate,
                    scope_path=target.path,
                    after={
                        "name": candidate.person.full_name,
                        "cell": target.name,
                        "from": source.name,
                        "on": format_date(on),
                    },
                    save=False,
                )
            )
    ChangeLogEntry.objects.bulk_create(entries)
