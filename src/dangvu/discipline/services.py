"""Recording discipline decisions; an expulsion drives the membership lifecycle (DOMAIN.md §6)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from dangvu.accounts.models import Ability
from dangvu.accounts.scope import require
from dangvu.core.actors import Actor
from dangvu.core.changes import log_entry, open_change_set
from dangvu.core.dates import format_date, today
from dangvu.core.errors import RuleError
from dangvu.core.models import ChangeSet, Decision
from dangvu.discipline.models import DisciplineDecision, Penalty
from dangvu.members.events import derive_for, event_record
from dangvu.members.lifecycle import STATUS_LABELS, state_on
from dangvu.members.models import EventKind, PartyMember
from dangvu.orgs.models import Organisation
from dangvu.rules import discipline as rules


def _member_status_on(member: PartyMember, day: dt.date) -> str:

    return str(state_on(derive_for(member), day)["status"])


@transaction.atomic
def discipline_record(
    *,
    form: str,
    decision: Decision,
    announced_on: dt.date,
    deciding_body: str,
    actor: Actor,
    member: PartyMember | None = None,
    org: Organisation | None = None,
    violation: str = "",
    duty_related: bool = False,
    reason: str = "",
    source: str = ChangeSet.Source.WEB,
) -> DisciplineDecision:
    if (member is None) == (org is None):
        raise RuleError(
            _("A discipline decision concerns one member or one organisation."), field="member"
        )
    if form not in Penalty.values:
        raise RuleError(_("Unknown form of discipline."), field="form")
    if announced_on > today():
        raise RuleError(
            _("The date %(date)s is in the future.") % {"date": format_date(announced_on)},
            field="announced_on",
        )
    if announced_on < decision.date:
        raise RuleError(
            _("A decision is announced on or after the day it is signed (%(date)s).")
            % {"date": format_date(decision.date)},
            field="announced_on",
        )
    if member is not None:
        require(actor, Ability.MANAGE_DISCIPLINE, member.scope_path)
        status = _member_status_on(member, announced_on)
        allowed = rules.FORMS_BY_SUBJECT.get(status, ())
        if form not in allowed:
            raise RuleError(
                _(
                    "A member who is %(status)s cannot be given “%(form)s” (Party Charter, Article 35; QĐ 69-QĐ/TW, "
                    "Article 7)."
                )
                % {"status": STATUS_LABELS.get(status, status), "form": Penalty(form).label},
                field="form",
            )
    else:
        assert org is not None
        require(actor, Ability.MANAGE_DISCIPLINE, org.path)
        if form not in rules.FORMS_BY_SUBJECT["organisation"]:
            raise RuleError(
                _("An organisation can be reprimanded, warned or dissolved."), field="form"
            )
    cs = open_change_set(actor=actor, reason=reason, source=source)
    record = DisciplineDecision.objects.create(
        member=member,
        org=org,
        form=form,
        deciding_body=deciding_body,
        decision=decision,
        announced_on=announced_on,
        effect_until=rules.effect_ends(form, announced_on),
        violation=violation,
        duty_related=duty_related,
        changeset=cs,
    )
    subject = member if member is not None else org
    assert subject is not None
    log_entry(
        cs,
        action="discipline.record",
        obj=record,
        subject=subject,
        after={
            "form": form,
            "announced_on": announced_on,
            "effect_until": record.effect_until,
            "decision": decision.as_dict(),
            "deciding_body": deciding_body,
        },
    )
    if form == rules.EXPULSION and member is not None:
        event_record(
            member=member,
            kind=EventKind.EXPULSION,
            on=announced_on,
            decision=decision,
            actor=actor,
            changeset=cs,
            check_scope=False,
            details={"discipline": record.pk},
        )
    return record


@transaction.atomic
def discipline_end(
    record: DisciplineDecision,
    *,
    on: dt.date,
    decision: Decision,
    actor: Actor,
    reason: str,
    source: str = ChangeSet.Source.WEB,
) -> DisciplineDecision:
    """A decision annulled or replaced by the competent body (a complaint resolved, DOMAIN-2.md
    §1.8) stops being in force on `on`; what it was before stays in the change log, and the days
    before `on` still answer as they did. An expulsion annulled restores the membership (DOMAIN.md
    §3.2: a restoration leaves no gap) in the cell the member was expelled from."""
    subject = record.member if record.member is not None else record.org
    assert subject is not None
    path = record.member.scope_path if record.member is not None else record.org.path  # type: ignore[union-attr]
    require(actor, Ability.MANAGE_DISCIPLINE, path)
    if on < record.announced_on:
        raise RuleError(
            _("The decision was announced on %(date)s: it cannot end before that.")
            % {"date": format_date(record.announced_on)},
            field="resolved_on",
        )
    if on > today():
        raise RuleError(
            _("The date %(date)s is in the future.") % {"date": format_date(on)},
            field="resolved_on",
        )
    cs = open_change_set(actor=actor, reason=reason, source=source)
    before = {"effect_until": record.effect_until}
    if record.effect_until is None or record.effect_until > on:
        record.effect_until = on
        record.save(update_fields=["effect_until"])
    log_entry(
        cs,
        action="discipline.end",
        obj=record,
        subject=subject,
        before=before,
        after={"effect_until": record.effect_until, "decision": decision.as_dict()},
        reason=reason,
    )
    if record.form == rules.EXPULSION and record.member is not None:
        member = record.member
        if _member_status_on(member, on) == "expelled":
            event_record(
                member=member,
                kind=EventKind.RESTORATION,
                on=on,
                org=member.org,
                decision=decision,
                actor=actor,
                changeset=cs,
                check_scope=False,
                details={"discipline": record.pk},
            )
    return record
