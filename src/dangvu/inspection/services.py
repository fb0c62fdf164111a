"""Writing inspection records (DOMAIN-2.md §1). Every door — the pages, the commands, the import
and the demo — goes through these functions, which judge with rules/inspection.py and write
through the discipline service when a case or a complaint changes discipline.

The change log entries name the case, never its object: their subject is the case itself and
their label its number (a name is data; the log is read by the organisation board, which may not
know of the case)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from dangvu.accounts.models import Ability
from dangvu.accounts.scope import scope_for
from dangvu.congress.models import Congress, Seat
from dangvu.core.actors import Actor
from dangvu.core.calendar import add_working_days, working_days_between
from dangvu.core.changes import log_entry, open_change_set
from dangvu.core.dates import format_date, today
from dangvu.core.errors import RuleError
from dangvu.core.models import ChangeSet, Decision
from dangvu.core.text import clean
from dangvu.discipline.models import DisciplineDecision
from dangvu.discipline.services import discipline_end, discipline_record
from dangvu.inspection.models import (
    Case,
    Complaint,
    Denunciation,
    Item,
    Named,
    Programme,
    StateNotice,
    Step,
)
from dangvu.members.events import derive_for
from dangvu.members.lifecycle import state_on
from dangvu.members.models import MembershipPeriod, PartyMember
from dangvu.orgs.models import Organisation, valid_on
from dangvu.rules import discipline as penalties
from dangvu.rules import inspection as rules
from dangvu.tree.selectors import placement_of


def _require_inspect(actor: Actor, path: str | None) -> None:
    """404 outside what the actor may see, 403 where it sees but does not inspect."""
    if not scope_for(actor, Ability.VIEW).covers(path):
        raise Http404
    if not scope_for(actor, Ability.INSPECT).covers(path):
        raise PermissionDenied


def _day(day: dt.date, field: str, *, not_before: dt.date | None = None, what: str = "") -> None:
    if day > today():
        raise RuleError(
            _("The date %(date)s is in the future.") % {"date": format_date(day)}, field=field
        )
    if not_before is not None and day < not_before:
        raise RuleError(
            _("%(what)s is dated %(date)s: this cannot be earlier.")
            % {"what": what, "date": format_date(not_before)},
            field=field,
        )


def _path_on(org: Organisation, day: dt.date) -> str:
    place = placement_of(org, day)
    return (place.path if place is not None else org.path) or ""


def _member_path_on(member: PartyMember, day: dt.date) -> str:
    """The path of the cell that held the member on the day (home cell), else the member's
    current place: a case is judged by the tree as it stood on its date."""
    period = (
        MembershipPeriod.objects.filter(valid_on(day), member=member, temporary=False)
        .select_related("org")
        .first()
    )
    if period is not None:
        return _path_on(period.org, day)
    return member.scope_path or ""


def _target(
    org: Organisation,
    object_org: Organisation | None,
    object_member: PartyMember | None,
    finance_office: bool = False,
    day: dt.date | None = None,
) -> rules.Target:
    if (object_org is None) == (object_member is None):
        raise RuleError(_("Say the organisation or the member concerned."), field="object")
    on = day or today()
    place = placement_of(org, on)
    kind = place.kind if place is not None else org.kind
    if object_member is not None:
        path = _member_path_on(object_member, on)
    else:
        assert object_org is not None
        path = _path_on(object_org, on)
    return rules.Target(_path_on(org, on), kind, path, object_member is not None, finance_office)


def _seated(member: PartyMember | None, day: dt.date) -> bool:
    """Whether the member sat in a party committee on the day (the congress area's seats)."""
    if member is None:
        return False
    return (
        Seat.objects.filter(member=member, since__lte=day)
        .filter(Q(until__isnull=True) | Q(until__gt=day))
        .exists()
    )


def _existed(org: Organisation, day: dt.date, field: str) -> None:
    """An organisation acts only on days it existed (a case dated before a commune was formed
    by the reform is refused, not backdated)."""
    if placement_of(org, day) is None:
        raise RuleError(
            _("%(name)s did not exist on %(date)s.") % {"name": org.name, "date": format_date(day)},
            field=field,
        )


def _opening(kind: str, body: str, target: rules.Target) -> None:
    problem = rules.opening_problem(kind, body, target)
    if problem:
        raise RuleError(problem, field="kind")


@transaction.atomic
def programme_record(
    *,
    org: Organisation,
    body: str,
    year: int,
    adopted_on: dt.date,
    actor: Actor,
    number: str = "",
    source: str = ChangeSet.Source.WEB,
) -> Programme:
    """The yearly programme of one inspecting body (DOMAIN-2.md §1.5)."""
    _require_inspect(actor, org.path)
    problem = rules.subject_problem(body, org.kind)
    if problem:
        raise RuleError(problem, field="body")
    _day(adopted_on, "adopted_on")
    if adopted_on.year not in (year - 1, year):
        raise RuleError(
            _("A programme for %(year)s is adopted at the end of the year before or during it.")
            % {"year": year},
            field="adopted_on",
        )
    if Programme.objects.filter(org=org, body=body, year=year).exists():
        raise RuleError(_("This body already has its programme for %(year)s.") % {"year": year})
    cs = open_change_set(actor=actor, source=source)
    programme = Programme.objects.create(
        org=org, body=body, year=year, number=clean(number), adopted_on=adopted_on, changeset=cs
    )
    log_entry(
        cs,
        action="inspection.programme",
        obj=programme,
        after={"body": body, "year": year, "adopted_on": adopted_on},
        scope_path=org.path,
    )
    return programme


@transaction.atomic
def item_record(
    *,
    programme: Programme,
    kind: str,
    content: str,
    month: int,
    actor: Actor,
    object_org: Organisation | None = None,
    object_member: PartyMember | None = None,
    committee_member: bool = False,
    higher_managed: bool = False,
    planned: bool = True,
    source: str = ChangeSet.Source.WEB,
) -> Item:
    """A planned item, or (planned=False) one added during the year; the same rule as a case:
    who may inspect whom."""
    _require_inspect(actor, programme.org.path)
    if not 1 <= month <= 12:
        raise RuleError(_("A month is 1 to 12."), field="month")
    _opening(
        kind,
        programme.body,
        _target(programme.org, object_org, object_member, day=programme.adopted_on),
    )
    if not clean(content):
        raise RuleError(_("Say what is inspected or supervised."), field="content")
    cs = open_change_set(actor=actor, source=source)
    item = Item.objects.create(
        programme=programme,
        kind=kind,
        object_org=object_org,
        object_member=object_member,
        committee_member=committee_member or _seated(object_member, programme.adopted_on),
        higher_managed=higher_managed,
        content=clean(content),
        month=month,
        planned=planned,
        changeset=cs,
    )
    log_entry(
        cs,
        action="inspection.item",
        obj=item,
        subject=programme,
        after={"kind": kind, "month": month, "planned": planned},
        scope_path=programme.org.path,
    )
    return item


def _log_case(cs: ChangeSet, case: Case, action: str, after: dict[str, Any]) -> None:
    log_entry(cs, action=action, obj=case, after=after, scope_path=case.org.path)


@transaction.atomic
def case_open(
    *,
    org: Organisation,
    body: str,
    kind: str,
    content: str,
    summary: str,
    decision: Decision,
    opened_on: dt.date,
    actor: Actor,
    object_org: Organisation | None = None,
    object_member: PartyMember | None = None,
    committee_member: bool = False,
    higher_managed: bool = False,
    finance_office: bool = False,
    item: Item | None = None,
    from_supervision: Case | None = None,
    plan: str = "",
    source: str = ChangeSet.Source.WEB,
) -> Case:
    """Open a case with its decision and plan (DOMAIN-2.md §1.6 step 1), under the regulation in
    force on its date. A supervision that found signs of violation becomes a case on signs of
    violation, linked (`from_supervision`)."""
    _require_inspect(actor, org.path)
    # A case opens with its decision: its date's problems are the decision date's.
    _day(opened_on, "decision_date", not_before=decision.date, what=_("The decision"))
    _existed(org, opened_on, "decision_date")
    target = _target(org, object_org, object_member, finance_office, day=opened_on)
    _opening(kind, body, target)
    if content not in rules.CONTENT_LABELS:
        raise RuleError(_("Choose what the case is about."), field="content")
    if not clean(summary):
        raise RuleError(_("Say what is inspected or supervised."), field="summary")
    if from_supervision is not None:
        if kind != rules.SIGNS:
            raise RuleError(
                _(
                    "A supervision that found signs of violation becomes an inspection on signs of violation."
                ),
                field="kind",
            )
        if from_supervision.kind not in rules.SUPERVISIONS or from_supervision.degree not in (
            rules.VIOLATING | {rules.SHORTCOMING}
        ):
            raise RuleError(
                _(
                    "Only a supervision concluded with signs of violation is passed to an inspection."
                ),
                field="from_supervision",
            )
    if from_supervision is not None and from_supervision.became.exists():
        raise RuleError(
            _("This supervision was already passed to an inspection."), field="from_supervision"
        )
    if item is not None and (item.kind != kind or item.programme.org_id != org.pk):
        raise RuleError(_("The programme item is of another kind or body."), field="item")
    cs = open_change_set(actor=actor, source=source)
    case = Case.objects.create(
        number=_next_number(Case, org, opened_on.year, "opened_on"),
        org=org,
        body=body,
        kind=kind,
        object_org=object_org,
        object_member=object_member,
        committee_member=committee_member or _seated(object_member, opened_on),
        higher_managed=higher_managed,
        finance_office=finance_office,
        content=content,
        summary=clean(summary),
        regulation=rules.regulation_on(opened_on).code,
        decision=decision,
        opened_on=opened_on,
        item=item,
        from_supervision=from_supervision,
        changeset=cs,
    )
    Step.objects.create(
        case=case, step=rules.DECISION, on=opened_on, note=clean(plan), changeset=cs
    )
    _log_case(
        cs,
        case,
        "inspection.case",
        {"kind": kind, "opened_on": opened_on, "regulation": case.regulation},
    )
    return case


def _next_number(model: Any, org: Organisation, year: int, field: str) -> int:
    """The record's number in its organisation's register of the year (05/2026): what people
    read and cite, instead of a database key."""
    return model.objects.filter(org=org, **{f"{field}__year": year}).count() + 1


def _done(case: Case) -> list[str]:
    return list(case.steps.values_list("step", flat=True))


@transaction.atomic
def step_record(
    *,
    case: Case,
    step: str,
    on: dt.date,
    actor: Actor,
    note: str = "",
    source: str = ChangeSet.Source.WEB,
) -> Step:
    """One step of the case, in order and on a date no earlier than the last (§1.6)."""
    _require_inspect(actor, case.org.path)
    if step == rules.CONCLUSION:
        raise RuleError(_("A case is concluded with its conclusion."), field="step")
    problem = rules.step_problem(case.kind, _done(case), step)
    if problem:
        raise RuleError(problem, field="step")
    last = case.steps.order_by("-on").values_list("on", flat=True).first()
    _day(on, "on", not_before=last, what=_("The previous step"))
    cs = open_change_set(actor=actor, source=source)
    recorded = Step.objects.create(case=case, step=step, on=on, note=clean(note), changeset=cs)
    _log_case(cs, case, "inspection.step", {"step": step, "on": on})
    return recorded


@transaction.atomic
def case_conclude(
    *,
    case: Case,
    on: dt.date,
    degree: str,
    conclusion: str,
    actor: Actor,
    discipline_form: str = "",
    source: str = ChangeSet.Source.WEB,
) -> Case:
    """The conclusion (§1.6 step 3): violation or not, its degree, and the discipline required."""
    _require_inspect(actor, case.org.path)
    problem = rules.step_problem(case.kind, _done(case), rules.CONCLUSION)
    if problem:
        raise RuleError(problem, field="degree")
    if degree not in rules.DEGREE_LABELS:
        raise RuleError(_("Choose the conclusion."), field="degree")
    if not clean(conclusion):
        raise RuleError(_("Write the conclusion."), field="conclusion")
    if degree in rules.DISCIPLINE_REQUIRED and case.kind in rules.SUPERVISIONS:
        raise RuleError(
            _(
                "A supervision does not conclude on discipline: pass it to an inspection on signs "
                "of violation."
            ),
            field="degree",
        )
    if degree in rules.DISCIPLINE_REQUIRED:
        subject = "organisation"
        if case.object_member is not None:
            status = state_on(derive_for(case.object_member), on)["status"]
            subject = "probationary" if status == "probationary" else "official"
        if discipline_form not in penalties.FORMS_BY_SUBJECT[subject]:
            raise RuleError(_("Say the form of discipline recommended."), field="discipline_form")
    elif discipline_form:
        raise RuleError(
            _("Discipline is recommended only for a violation that requires it."),
            field="discipline_form",
        )
    last = case.steps.order_by("-on").values_list("on", flat=True).first()
    _day(on, "on", not_before=last, what=_("The previous step"))
    cs = open_change_set(actor=actor, source=source)
    case.degree, case.concluded_on = degree, on
    case.conclusion, case.discipline_form = clean(conclusion), discipline_form
    case.save(update_fields=["degree", "concluded_on", "conclusion", "discipline_form"])
    Step.objects.create(case=case, step=rules.CONCLUSION, on=on, changeset=cs)
    _log_case(cs, case, "inspection.conclusion", {"degree": degree, "on": on})
    return case


@transaction.atomic
def case_discipline(
    *,
    case: Case,
    form: str,
    decision: Decision,
    announced_on: dt.date,
    deciding_body: str,
    actor: Actor,
    source: str = ChangeSet.Source.WEB,
) -> DisciplineDecision:
    """The discipline decision the conclusion leads to, recorded through the discipline service
    (an expulsion still ends the membership there), and linked to the case."""
    _require_inspect(actor, case.org.path)
    if case.degree not in rules.DISCIPLINE_REQUIRED:
        raise RuleError(_("The case did not conclude that discipline is required."), field="form")
    if case.discipline_id is not None:
        raise RuleError(_("The case already led to a discipline decision."), field="form")
    assert case.concluded_on is not None
    if announced_on < case.concluded_on or decision.date < case.concluded_on:
        raise RuleError(
            _("The conclusion is dated %(date)s: the discipline comes after it.")
            % {"date": format_date(case.concluded_on)},
            field="announced_on",
        )
    record = discipline_record(
        form=form,
        decision=decision,
        announced_on=announced_on,
        deciding_body=deciding_body,
        actor=actor,
        member=case.object_member,
        org=case.object_org,
        violation=case.conclusion,
        source=source,
    )
    case.discipline = record
    case.save(update_fields=["discipline"])
    cs = open_change_set(actor=actor, source=source)
    _log_case(cs, case, "inspection.conclusion", {"discipline": record.pk})
    return record


@transaction.atomic
def name_on_case(
    *,
    case: Case,
    user: Any,
    role: str,
    since: dt.date,
    actor: Actor,
    source: str = ChangeSet.Source.WEB,
) -> Named:
    """The inspecting body names its team and readers; nobody names themself."""
    _require_inspect(actor, case.org.path)
    if getattr(actor, "pk", None) == getattr(user, "pk", None):
        raise RuleError(_("Nobody grants themselves access."), field="user")
    if role not in Named.Role.values:
        raise RuleError(_("Choose the role on the case."), field="role")
    if case.named.filter(user=user, until__isnull=True).exists():
        raise RuleError(_("This person is already named on the case."), field="user")
    _day(since, "since", not_before=case.opened_on, what=str(case))
    cs = open_change_set(actor=actor, source=source)
    named = Named.objects.create(case=case, user=user, role=role, since=since, changeset=cs)
    _log_case(cs, case, "inspection.access", {"user": user.get_username(), "role": role})
    return named


@transaction.atomic
def name_end(
    *, named: Named, until: dt.date, actor: Actor, source: str = ChangeSet.Source.WEB
) -> Named:
    """A person named on a case stops seeing it from `until` (the team has finished, a reader no
    longer needs it)."""
    _require_inspect(actor, named.case.org.path)
    if named.until is not None:
        raise RuleError(_("This person no longer sees the case."), field="until")
    _day(until, "until", not_before=named.since, what=_("The naming"))
    cs = open_change_set(actor=actor, source=source)
    named.until = until
    named.save(update_fields=["until"])
    _log_case(
        cs, named.case, "inspection.access", {"user": named.user.get_username(), "until": until}
    )
    return named


def _next_congress(org: Organisation, after: dt.date) -> Congress | None:
    return Congress.objects.filter(org=org, opens_on__gt=after).order_by("opens_on").first()


@transaction.atomic
def denunciation_receive(
    *,
    org: Organisation,
    body: str,
    received_on: dt.date,
    content: str,
    category: str,
    petition: rules.Petition,
    actor: Actor,
    denouncer: str = "",
    denouncer_address: str = "",
    against_org: Organisation | None = None,
    against_member: PartyMember | None = None,
    central_cadre: bool = False,
    source: str = ChangeSet.Source.WEB,
) -> Denunciation:
    """A denunciation received by the competent body (§1.8): admissible or not, in the congress
    period or not (§1.7), and its deadline on the working-day calendar."""
    _require_inspect(actor, org.path)
    _day(received_on, "received_on")
    _existed(org, received_on, "received_on")
    target = _target(org, against_org, against_member, day=received_on)
    found = rules.denunciation_problem(body, target)
    if found:
        raise RuleError(found[1], field=found[0])
    if category not in rules.CONTENT_LABELS:
        raise RuleError(_("Choose what the denunciation is about."), field="category")
    if not clean(content):
        raise RuleError(_("Write what is denounced."), field="content")
    if petition.named and not clean(denouncer):
        raise RuleError(_("A named denunciation says who made it."), field="denouncer")
    admissible = rules.admissibility(petition)
    congress = _next_congress(org, received_on)
    # Only a denunciation to be resolved waits for the new committee; one not resolved is not.
    frozen = (
        admissible == rules.ADMISSIBLE
        and congress is not None
        and rules.passed_to_new_committee(
            received_on, congress.opens_on, target.subject_kind, working_days_between
        )
    )
    limit = rules.limit_on(
        rules.DENUNCIATION_LIMITS[rules.denunciation_level(target.subject_kind, central_cadre)],
        received_on,
    )
    due = None
    if admissible == rules.ADMISSIBLE and not frozen:
        due = rules.deadline(received_on, limit, 0, add_working_days)
    cs = open_change_set(actor=actor, source=source)
    record = Denunciation.objects.create(
        number=_next_number(Denunciation, org, received_on.year, "received_on"),
        org=org,
        body=body,
        received_on=received_on,
        denouncer=clean(denouncer) if petition.named else "",
        denouncer_address=clean(denouncer_address) if petition.named else "",
        against_org=against_org,
        against_member=against_member,
        central_cadre=central_cadre,
        content=clean(content),
        category=category,
        named=petition.named,
        concrete=petition.concrete,
        concluded_before=petition.concluded_before,
        new_facts=petition.new_facts,
        withdrawn=petition.withdrawn,
        coerced=petition.coerced,
        admissibility=admissible,
        congress_period=frozen,
        due_on=due,
        limit_confirmed=limit.confirmed,
        changeset=cs,
    )
    log_entry(
        cs,
        action="inspection.denunciation",
        obj=record,
        after={"received_on": received_on, "admissibility": admissible, "congress_period": frozen},
        scope_path=org.path,
    )
    return record


@transaction.atomic
def denunciation_extend(
    *, denunciation: Denunciation, days: int, actor: Actor, source: str = ChangeSet.Source.WEB
) -> Denunciation:
    _require_inspect(actor, denunciation.org.path)
    if denunciation.due_on is None or denunciation.resolved_on is not None:
        raise RuleError(_("Only a denunciation being resolved can be extended."), field="days")
    limit = rules.limit_on(
        rules.DENUNCIATION_LIMITS[
            rules.denunciation_level(denunciation.org.kind, denunciation.central_cadre)
        ],
        denunciation.received_on,
    )
    if days <= 0 or denunciation.extended_by + days > limit.extension:
        raise RuleError(
            _("The extension is at most %(days)s days in all.") % {"days": limit.extension},
            field="days",
        )
    cs = open_change_set(actor=actor, source=source)
    denunciation.extended_by += days
    denunciation.due_on = rules.deadline(
        denunciation.received_on, limit, denunciation.extended_by, add_working_days
    )
    denunciation.save(update_fields=["extended_by", "due_on"])
    log_entry(
        cs,
        action="inspection.denunciation",
        obj=denunciation,
        after={"extended_by": denunciation.extended_by, "due_on": denunciation.due_on},
        scope_path=denunciation.org.path,
    )
    return denunciation


FOUNDED = "founded"
PARTLY = "partly"
UNFOUNDED = "unfounded"
FOUNDED_LABELS = {
    FOUNDED: _("Founded"),
    PARTLY: _("Partly founded"),
    UNFOUNDED: _("Unfounded"),
}


@transaction.atomic
def denunciation_resolve(
    *,
    denunciation: Denunciation,
    founded: str,
    resolved_on: dt.date,
    actor: Actor,
    notified_on: dt.date | None = None,
    case: Case | None = None,
    source: str = ChangeSet.Source.WEB,
) -> Denunciation:
    """The outcome (founded or not) and the notice to the denouncer."""
    _require_inspect(actor, denunciation.org.path)
    if denunciation.admissibility != rules.ADMISSIBLE:
        raise RuleError(_("This denunciation is not resolved by this body."), field="founded")
    if denunciation.congress_period and denunciation.handed_over_on is None:
        raise RuleError(
            _("Received in the congress period: the new committee takes it first."),
            field="founded",
        )
    if denunciation.resolved_on is not None:
        raise RuleError(
            _("This denunciation was resolved on %(date)s.")
            % {"date": format_date(denunciation.resolved_on)},
            field="founded",
        )
    if founded not in FOUNDED_LABELS:
        raise RuleError(_("Choose the outcome."), field="founded")
    _day(
        resolved_on,
        "resolved_on",
        not_before=denunciation.handed_over_on or denunciation.received_on,
        what=_("The receipt"),
    )
    if notified_on is not None:
        _day(notified_on, "notified_on", not_before=resolved_on, what=_("The outcome"))
    cs = open_change_set(actor=actor, source=source)
    denunciation.founded, denunciation.resolved_on = founded, resolved_on
    denunciation.notified_on, denunciation.case = notified_on, case
    denunciation.save(update_fields=["founded", "resolved_on", "notified_on", "case"])
    log_entry(
        cs,
        action="inspection.denunciation_outcome",
        obj=denunciation,
        after={"founded": founded, "resolved_on": resolved_on, "notified_on": notified_on},
        scope_path=denunciation.org.path,
    )
    return denunciation


@transaction.atomic
def denunciation_hand_over(
    *, denunciation: Denunciation, on: dt.date, actor: Actor, source: str = ChangeSet.Source.WEB
) -> Denunciation:
    """The new committee takes a denunciation received in the congress period (HD 07-HD/UBKTTW):
    its time limit runs from that day."""
    _require_inspect(actor, denunciation.org.path)
    if not denunciation.congress_period or denunciation.handed_over_on is not None:
        raise RuleError(
            _("Only a denunciation waiting for the new committee is taken."), field="on"
        )
    congress = _next_congress(denunciation.org, denunciation.received_on)
    not_before = congress.opens_on if congress is not None else denunciation.received_on
    _day(on, "on", not_before=not_before, what=_("The congress"))
    place = placement_of(denunciation.org, on)
    limit = rules.limit_on(
        rules.DENUNCIATION_LIMITS[
            rules.denunciation_level(
                place.kind if place else denunciation.org.kind, denunciation.central_cadre
            )
        ],
        on,
    )
    cs = open_change_set(actor=actor, source=source)
    denunciation.handed_over_on = on
    denunciation.due_on = rules.deadline(on, limit, 0, add_working_days)
    denunciation.limit_confirmed = limit.confirmed
    denunciation.save(update_fields=["handed_over_on", "due_on", "limit_confirmed"])
    log_entry(
        cs,
        action="inspection.denunciation",
        obj=denunciation,
        after={"handed_over_on": on, "due_on": denunciation.due_on},
        scope_path=denunciation.org.path,
    )
    return denunciation


@transaction.atomic
def denunciation_notify(
    *, denunciation: Denunciation, on: dt.date, actor: Actor, source: str = ChangeSet.Source.WEB
) -> Denunciation:
    """The day the denouncer was told the outcome, when it was not known at the resolution."""
    _require_inspect(actor, denunciation.org.path)
    if denunciation.resolved_on is None or denunciation.notified_on is not None:
        raise RuleError(_("The denouncer is notified once, after the outcome."), field="on")
    _day(on, "on", not_before=denunciation.resolved_on, what=_("The outcome"))
    cs = open_change_set(actor=actor, source=source)
    denunciation.notified_on = on
    denunciation.save(update_fields=["notified_on"])
    log_entry(
        cs,
        action="inspection.denunciation_outcome",
        obj=denunciation,
        after={"notified_on": on},
        scope_path=denunciation.org.path,
    )
    return denunciation


def _deciding_level(record: DisciplineDecision) -> str:
    """The level that decided, when the caller does not say it: the deciding body is recorded as
    text, so the level is read from the subject's place (the organisation disciplined, or the
    member's cell)."""
    org = record.org if record.org is not None else getattr(record.member, "org", None)
    if org is None:
        return rules.LEVEL_GRASSROOTS
    place = placement_of(org, record.announced_on)
    return rules.complaint_level_of(place.kind if place is not None else org.kind)


@transaction.atomic
def complaint_file(
    *,
    discipline: DisciplineDecision,
    org: Organisation,
    level: str,
    received_decision_on: dt.date,
    filed_on: dt.date,
    content: str,
    actor: Actor,
    deciding_level: str | None = None,
    own_inspection: bool = False,
    source: str = ChangeSet.Source.WEB,
) -> Complaint:
    """A complaint against a discipline decision, filed in time (Điều lệ Đ39 k7) with a level
    competent for it (QĐ 22 Đ22): not before the decision was received, not after the month."""
    _require_inspect(actor, org.path)
    subject_path = (
        discipline.member.scope_path if discipline.member is not None else discipline.org.path  # type: ignore[union-attr]
    ) or ""
    if not subject_path.startswith(org.path or "-"):
        raise Http404
    own_level = rules.complaint_level_of(org.kind)
    if level != own_level and not (
        own_level == rules.LEVEL_PROVINCE and level in rules.CENTRAL_LEVELS
    ):
        raise RuleError(
            _(
                "%(name)s records complaints at its own level (%(level)s), or a central level's outcome as received."
            )
            % {"name": org.name, "level": rules.COMPLAINT_LEVEL_LABELS[own_level]},
            field="level",
        )
    if Complaint.objects.filter(discipline=discipline).filter(outcome="").exists():
        raise RuleError(
            _("A complaint against this decision is being resolved."), field="discipline"
        )
    if (
        Complaint.objects.filter(discipline=discipline)
        .exclude(outcome__in=("", rules.UPHELD))
        .exists()
    ):
        raise RuleError(
            _(
                "This decision was changed on a complaint: a further complaint concerns the decision that replaced it."
            ),
            field="discipline",
        )
    if (
        Complaint.objects.filter(discipline=discipline)
        .filter(level=rules.final_level(discipline.form))
        .exists()
    ):
        raise RuleError(
            _("The final level has resolved a complaint against this decision."), field="discipline"
        )
    deciding = deciding_level or _deciding_level(discipline)
    problem = rules.complaint_level_problem(discipline.form, deciding, level, own_inspection)
    if problem:
        raise RuleError(problem, field="level")
    _day(
        received_decision_on,
        "received_decision_on",
        not_before=discipline.announced_on,
        what=_("The decision"),
    )
    _day(
        filed_on, "filed_on", not_before=received_decision_on, what=_("The receipt of the decision")
    )
    last = rules.complaint_last_day(received_decision_on, add_working_days)
    if filed_on > last:
        raise RuleError(
            _(
                "The complaint is out of time: the last day was %(date)s (Party Charter, Article 39.7)."
            )
            % {"date": format_date(last)},
            field="filed_on",
        )
    if not clean(content):
        raise RuleError(_("Write what is complained of."), field="content")
    cs = open_change_set(actor=actor, source=source)
    complaint = Complaint.objects.create(
        number=_next_number(Complaint, org, filed_on.year, "filed_on"),
        discipline=discipline,
        org=org,
        level=level,
        deciding_level=deciding,
        received_decision_on=received_decision_on,
        filed_on=filed_on,
        last_day=last,
        content=clean(content),
        changeset=cs,
    )
    log_entry(
        cs,
        action="inspection.complaint",
        obj=complaint,
        after={"level": level, "filed_on": filed_on},
        scope_path=org.path,
    )
    return complaint


@transaction.atomic
def complaint_resolve(
    *,
    complaint: Complaint,
    outcome: str,
    resolved_on: dt.date,
    decision: Decision,
    deciding_body: str,
    actor: Actor,
    new_form: str = "",
    source: str = ChangeSet.Source.WEB,
) -> Complaint:
    """The outcome, applied to the discipline record through its service: upheld leaves it;
    annulled ends it (an expulsion annulled restores the membership); increased or reduced ends
    it and records the new form from the same day."""
    _require_inspect(actor, complaint.org.path)
    if complaint.outcome:
        raise RuleError(_("The complaint is already resolved."), field="outcome")
    old = complaint.discipline
    problem = rules.outcome_problem(outcome, old.form, new_form or None, old.member_id is not None)
    if problem:
        raise RuleError(problem, field="new_form")
    _day(resolved_on, "resolved_on", not_before=complaint.filed_on, what=_("The complaint"))
    _day(decision.date, "decision_date", not_before=complaint.filed_on, what=_("The complaint"))
    # The discipline record says which decision changed it, not that a complaint did: the
    # complaint is inspection work, the change log of discipline is read more widely.
    reason = str(decision)
    result = None
    if outcome != rules.UPHELD:
        discipline_end(
            old, on=resolved_on, decision=decision, actor=actor, reason=reason, source=source
        )
    if outcome in (rules.INCREASED, rules.REDUCED):
        result = discipline_record(
            form=new_form,
            decision=decision,
            announced_on=resolved_on,
            deciding_body=deciding_body,
            actor=actor,
            member=old.member,
            org=old.org,
            violation=old.violation,
            reason=reason,
            source=source,
        )
    cs = open_change_set(actor=actor, source=source)
    complaint.outcome, complaint.new_form = outcome, new_form
    complaint.resolved_on, complaint.decision, complaint.result = resolved_on, decision, result
    complaint.save(update_fields=["outcome", "new_form", "resolved_on", "decision", "result"])
    log_entry(
        cs,
        action="inspection.complaint_outcome",
        obj=complaint,
        after={"outcome": outcome, "new_form": new_form, "resolved_on": resolved_on},
        scope_path=complaint.org.path,
    )
    return complaint


# DOMAIN-2.md §1.5: the cell's programme from its template (Bình Định UBKT HD 01-HD/UBKTTU,
# republished for 2025): members inspected for compliance "from the end of the first quarter to
# the third" (committee members first), thematic supervision of named members (a province's local
# target: 30–50 % a year; the lower bound is taken), regular supervision of all, and the
# statistical report to the superior. The figures are parameters, not a central rule.
TEMPLATE_COMPLIANCE_MONTHS = (3, 6, 9)
TEMPLATE_SUPERVISED_PERCENT = 30
TEMPLATE_SUPERVISION_MONTHS = (4, 5, 7, 8, 10, 11)


def programme_from_template(
    *,
    programme: Programme,
    members: list[PartyMember],
    committee_ids: set[int],
    actor: Actor,
    source: str = ChangeSet.Source.WEB,
) -> list[Item]:
    """Fill a cell's new programme from the template: the items are ordinary planned items, each
    through `item_record` (the same rules), to be edited like any other."""
    if programme.body not in (rules.CELL, rules.CELL_COMMITTEE):
        raise RuleError(_("The template is the cell's."), field="from_template")
    ordered = sorted(members, key=lambda m: (m.pk not in committee_ids, m.person.sort_key))
    inspected = ordered[: len(TEMPLATE_COMPLIANCE_MONTHS)]
    rest = ordered[len(inspected) :]
    supervised = rest[: -(-len(ordered) * TEMPLATE_SUPERVISED_PERCENT // 100)]
    items = []
    for member, month in zip(inspected, TEMPLATE_COMPLIANCE_MONTHS, strict=False):
        items.append(
            item_record(
                programme=programme,
                kind=rules.COMPLIANCE,
                object_member=member,
                committee_member=member.pk in committee_ids,
                content=str(_("Performing the member's duties and the tasks the cell assigned")),
                month=month,
                actor=actor,
                source=source,
            )
        )
    for n, member in enumerate(supervised):
        items.append(
            item_record(
                programme=programme,
                kind=rules.SUPERVISION_THEMATIC,
                object_member=member,
                committee_member=member.pk in committee_ids,
                content=str(_("Setting an example; what members must not do")),
                month=TEMPLATE_SUPERVISION_MONTHS[n % len(TEMPLATE_SUPERVISION_MONTHS)],
                actor=actor,
                source=source,
            )
        )
    return items


@transaction.atomic
def state_notice_record(
    *,
    org: Organisation,
    member: PartyMember,
    sender: str,
    measure: str,
    decided_on: dt.date,
    received_on: dt.date,
    actor: Actor,
    source: str = ChangeSet.Source.WEB,
) -> StateNotice:
    """A state body's notice of a member's suspension or discipline, with the day it was due
    (QĐ 296 Điều 8 mục 5): the late ones stand out on the inspection desk."""
    _require_inspect(actor, org.path)
    if not (member.scope_path or "").startswith(org.path or "-"):
        raise Http404
    _day(decided_on, "decided_on")
    _day(received_on, "received_on", not_before=decided_on, what=_("The measure"))
    if not clean(sender) or not clean(measure):
        raise RuleError(_("Say who notified and what was decided."), field="sender")
    due = (
        add_working_days(decided_on, rules.STATE_NOTICE_DAYS)
        if rules.STATE_NOTICE_WORKING
        else decided_on + dt.timedelta(days=rules.STATE_NOTICE_DAYS)
    )
    cs = open_change_set(actor=actor, source=source)
    notice = StateNotice.objects.create(
        org=org,
        member=member,
        sender=clean(sender),
        measure=clean(measure),
        decided_on=decided_on,
        received_on=received_on,
        due_on=due,
        changeset=cs,
    )
    log_entry(
        cs,
        action="inspection.notice",
        obj=notice,
        after={"decided_on": decided_on, "received_on": received_on, "due_on": due},
        scope_path=org.path,
    )
    return notice
