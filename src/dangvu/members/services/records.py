"""A member's record: admitted, edited (attributes kept over time, corrections said as such), a
card issued."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from dangvu.accounts.models import Ability
from dangvu.accounts.scope import require, scope_for
from dangvu.core import bulk
from dangvu.core.actors import Actor
from dangvu.core.changes import log_entry, open_change_set, snapshot, to_jsonable
from dangvu.core.dates import format_date, today
from dangvu.core.errors import RuleError
from dangvu.core.models import ChangeLogEntry, ChangeSet, Decision
from dangvu.members import events, lifecycle, search
from dangvu.members.models import (
    DATED_ATTRIBUTES,
    FIXED_COUNTED_ATTRIBUTES,
    AttributeChange,
    Correction,
    EventKind,
    MembershipPeriod,
    PartyMember,
    Person,
    attribute_label,
)
from dangvu.members.services.persons import (
    _CARD,
    PERSON_FIELDS,
    PersonInput,
    _clean_optional_code,
    _Errors,
    _person_values,
    _taken,
    clean_person,
)
from dangvu.orgs.models import Organisation, valid_on
from dangvu.tree import services as org_services


@transaction.atomic
def member_admit(
    *,
    person: PersonInput,
    org: Organisation,
    decision: Decision,
    ceremony_date: dt.date | None,
    actor: Actor,
    recognised: bool = False,
    reason: str = "",
    source: str = ChangeSet.Source.WEB,
    changeset: ChangeSet | None = None,
    admission_details: dict[str, Any] | None = None,
    ceremony_details: dict[str, Any] | None = None,
    recognition_decision: Decision | None = None,
    external_org: str = "",
    existing: Person | None = None,
) -> PartyMember:
    """Record a person admitted into a party cell by `decision` (DOMAIN.md §4.1–§4.3).

    With `recognised`, also record the recognition as official member on the day the 12 months
    of probation end: this is how members admitted before dangvu are entered. With `existing`, the
    person already on record (a candidate, recruitment/) becomes the member: entered once, their
    record updated from `person`, their history kept.
    """
    require(actor, Ability.MANAGE_MEMBERS, org.path)
    if existing is not None and PartyMember.objects.filter(person=existing).exists():
        raise RuleError(
            _("%(name)s is already recorded as a party member.") % {"name": existing.full_name},
            field="full_name",
        )
    cleaned = clean_person(person, exclude_person_id=existing.pk if existing else None)
    on = decision.date
    errors = _Errors()
    if on > today():
        errors.add(
            "decision_date",
            _("The admission decision date %(date)s is in the future.") % {"date": format_date(on)},
        )
    birth = cleaned["birth_date"]
    age_problem = (
        events.admission_age_problem(birth, on, admission_details or {}) if birth else None
    )
    if age_problem is not None:
        errors.add(*age_problem)
    if ceremony_date is not None and ceremony_date > today():
        errors.add(
            "ceremony_date",
            _("The ceremony date %(date)s is in the future.")
            % {"date": format_date(ceremony_date)},
        )
    errors.raise_if_any()
    if not external_org:
        events.check_cell(org, on)
    official = (
        lifecycle.official_date_for(ceremony_date) if (recognised and ceremony_date) else None
    )
    if recognised and (official is None or official > today()):
        raise RuleError(
            _("A member recognised as official needs a ceremony at least 12 months ago."),
            field="ceremony_date",
        )
    values = _person_values(cleaned)
    if existing is not None:
        person_row = existing
        for field, value in values.items():
            setattr(person_row, field, value)
        person_row.save()
        search.refresh(persons=[person_row.pk])
    else:
        person_row = Person.objects.create(**values)
    member = PartyMember.objects.create(
        person=person_row,
        card_number=cleaned["card_number"],
        dossier_number=cleaned["dossier_number"],
        status="probationary",
    )
    cs = changeset or open_change_set(actor=actor, reason=reason, source=source)
    log_entry(
        cs,
        action="member.create",
        obj=member,
        scope_path=org.path,
        after={
            **snapshot(person_row, PERSON_FIELDS),
            "card_number": member.card_number,
            "dossier_number": member.dossier_number,
        },
    )
    common: dict[str, Any] = {
        "member": member,
        "actor": actor,
        "changeset": cs,
        "check_scope": False,
    }
    if external_org:
        # Admitted elsewhere (a member arriving from another province): the dossier's dates, then
        # a transfer in, recorded by the caller, places the member here.
        admission = {**(admission_details or {}), "external_org": external_org}
        events.event_record(
            kind=EventKind.ADMISSION, on=on, decision=decision, details=admission, **common
        )
    else:
        events.event_record(
            kind=EventKind.ADMISSION,
            on=on,
            org=org,
            decision=decision,
            details=dict(admission_details or {}),
            **common,
        )
    if ceremony_date is not None:
        events.event_record(
            kind=EventKind.CEREMONY,
            on=ceremony_date,
            details=dict(ceremony_details or {}),
            **common,
        )
    if official is not None:
        events.event_record(
            kind=EventKind.RECOGNITION,
            on=official,
            org=None if external_org else org,
            decision=recognition_decision or decision,
            **common,
        )
    _check_result(actor, member)
    return member


def _check_result(actor: Actor, member: PartyMember) -> None:
    """STYLE.md practice 7: what was written must lie inside the actor's scope, or nothing is."""
    member.refresh_from_db(fields=["org"])
    path = member.scope_path
    if not scope_for(actor, Ability.MANAGE_MEMBERS).covers(path):
        raise PermissionDenied


@dataclass
class AttributeHistory:
    """What an edit of a record writes beside it, so that figures for earlier days do not move
    (issue 19, point 4): dated changes, corrections, and the changes whose new value a
    correction rewrites."""

    changes: list[AttributeChange] = dataclasses.field(default_factory=list)
    corrections: list[Correction] = dataclasses.field(default_factory=list)
    rewritten: list[AttributeChange] = dataclasses.field(default_factory=list)

    def save(self) -> None:
        AttributeChange.objects.bulk_create(self.changes, batch_size=1000)
        Correction.objects.bulk_create(self.corrections, batch_size=1000)
        bulk.update(self.rewritten, ["after"])


def latest_changes(person_ids: Iterable[int]) -> dict[tuple[int, str], AttributeChange]:
    """Each person's newest dated change of each attribute."""
    found: dict[tuple[int, str], AttributeChange] = {}
    ids = sorted(set(person_ids))
    for start in range(0, len(ids), 900):
        for change in AttributeChange.objects.filter(person_id__in=ids[start : start + 900]):
            key = (change.person_id, change.field)
            if key not in found or change.effective > found[key].effective:
                found[key] = change
    return found


def attribute_history(
    member: PartyMember,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    *,
    effective: dt.date | None,
    correction: bool,
    reason: str,
    changeset: ChangeSet | None,
    latest: Mapping[tuple[int, str], AttributeChange],
    history: AttributeHistory,
) -> None:
    """The one rule for an edit of the attributes that figures count, for every door (the record's
    page, the import, the API). A dated attribute (occupation, schooling, levels, religion) changes
    from `effective` (default today) and keeps its value before; unless `correction` says the value
    was wrong from the start, when it is rewritten since its last change and listed as a
    correction. Sex, date of birth and ethnicity do not change in a life: an edit is a correction.
    Raises RuleError naming the field `effective` when the date cannot hold."""
    person = member.person
    if correction and effective is not None:
        raise RuleError(
            _(
                "A correction has no effective date: the value was wrong from the start. Leave the "
                "date empty, or untick the correction for a change from that day."
            ),
            field="effective",
        )
    day = effective or today()
    born = min(
        d for d in (before.get("birth_date"), after.get("birth_date"), person.birth_date) if d
    )
    if isinstance(born, str):
        born = dt.date.fromisoformat(born)
    for name in DATED_ATTRIBUTES:
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        last = latest.get((person.pk, name))
        if correction:
            history.corrections.append(
                _correction(
                    member, name, old, new, last.effective if last else born, reason, changeset
                )
            )
            if last is not None:
                last.after = new or ""
                history.rewritten.append(last)
            continue
        if day > today():
            raise RuleError(
                _("A change takes effect on a day that has come: %(day)s is later than today.")
                % {"day": format_date(day)},
                field="effective",
            )
        if day <= born:
            raise RuleError(
                _("The change cannot take effect before the person's date of birth."),
                field="effective",
            )
        if last is not None and day <= last.effective:
            raise RuleError(
                _(
                    "%(attribute)s last changed on %(day)s: a change takes effect after it. If the "
                    "value was wrong from the start, record a correction on the member's page."
                )
                % {
                    "attribute": capfirst(attribute_label(name)),
                    "day": format_date(last.effective),
                },
                field="effective",
            )
        history.changes.append(
            AttributeChange(
                person=person,
                field=name,
                effective=day,
                before=old or "",
                after=new or "",
                changeset=changeset,
            )
        )
    for name in FIXED_COUNTED_ATTRIBUTES:
        old, new = to_jsonable(before.get(name)), to_jsonable(after.get(name))
        if old != new:
            history.corrections.append(_correction(member, name, old, new, born, reason, changeset))


def _correction(
    member: PartyMember,
    name: str,
    old: Any,
    new: Any,
    since: dt.date,
    reason: str,
    changeset: ChangeSet | None,
) -> Correction:
    return Correction(
        member=member,
        field=name,
        value_before=old or "",
        value_after=new or "",
        affects_from=since,
        reason=reason,
        changeset=changeset,
    )


@transaction.atomic
def member_update(
    *,
    member: PartyMember,
    person: PersonInput,
    actor: Actor,
    reason: str = "",
    source: str = ChangeSet.Source.WEB,
    effective: dt.date | None = None,
    correction: bool = False,
) -> PartyMember:
    """Change, complete or correct the attributes of a member's record (not the lifecycle: that is
    events). An attribute that figures count changes from `effective` (default today), or, with
    `correction`, was wrong from the start (`attribute_history`). Every edit says why: the reason
    goes into the change log with the before and after."""
    require(actor, Ability.MANAGE_MEMBERS, member.scope_path)
    if not reason.strip():
        raise RuleError(_("A change of the record needs its reason."), field="reason")
    cleaned = clean_person(person, exclude_member_id=member.pk)
    before = member_snapshot(member)
    values_before = {f: getattr(member.person, f) for f in PERSON_FIELDS}
    name_before = member.person.search_name
    _assign(member, cleaned)
    after = member_snapshot(member)
    if before == after:
        return member
    cs = open_change_set(actor=actor, reason=reason, source=source)
    history = AttributeHistory()
    attribute_history(
        member,
        values_before,
        {f: getattr(member.person, f) for f in PERSON_FIELDS},
        effective=effective,
        correction=correction,
        reason=reason,
        changeset=cs,
        latest=latest_changes([member.person_id]),
        history=history,
    )
    member.person.save()
    member.save(update_fields=["card_number", "dossier_number"])
    if member.person.search_name != name_before:
        search.refresh(persons=[member.person_id])
    history.save()
    # The change log says in words from when the change counts, or that it is a correction.
    said = reason
    if history.changes:
        said += " " + _("(takes effect from %(day)s)") % {"day": format_date(effective or today())}
    if history.corrections:
        said += " " + _("(correction: the old value was wrong)")
    log_entry(cs, action="member.update", obj=member, before=before, after=after, reason=said)
    return member


def member_snapshot(member: PartyMember) -> dict[str, Any]:
    """The attributes of a member's record as the change log and the import compare them."""
    return {
        **snapshot(member.person, PERSON_FIELDS),
        "card_number": member.card_number,
        "dossier_number": member.dossier_number,
    }


def _assign(member: PartyMember, cleaned: Mapping[str, Any]) -> None:
    for key, value in _person_values(cleaned).items():
        setattr(member.person, key, value)
    member.card_number = cleaned["card_number"]
    member.dossier_number = cleaned["dossier_number"]


def updated_snapshot(member: PartyMember, cleaned: Mapping[str, Any]) -> dict[str, Any]:
    """What `member_snapshot` would give once `cleaned` is written (nothing is changed)."""
    after = {k: to_jsonable(cleaned.get(k)) for k in PERSON_FIELDS}
    after["card_number"], after["dossier_number"] = (
        cleaned["card_number"],
        cleaned["dossier_number"],
    )
    return after


def member_count_on(org: Organisation, on: dt.date) -> int:
    return MembershipPeriod.objects.filter(valid_on(on), org=org, temporary=False).count()


def register_dissolve_check() -> None:
    def members_block_dissolution(org: Organisation, on: dt.date) -> list[str]:
        periods = MembershipPeriod.objects.filter(valid_on(on), org=org, temporary=False)
        count = periods.count()
        first = list(periods.values_list("member_id", flat=True)[:5])
        names = sorted(
            Person.objects.filter(membership__pk__in=first).values_list("full_name", flat=True)
        )
        if count:
            message = _(
                "%(count)s members are still in %(org)s on that date (%(names)s); transfer them first."
            )
            return [message % {"count": count, "org": org.name, "names": ", ".join(names)}]
        return []

    if members_block_dissolution.__name__ not in {c.__name__ for c in org_services.dissolve_checks}:
        org_services.dissolve_checks.append(members_block_dissolution)


def iter_field_errors(error: ValidationError) -> Iterable[tuple[str | None, str]]:
    if hasattr(error, "error_dict"):
        for field, errs in error.error_dict.items():
            for e in errs:
                yield field, " ".join(e.messages)
    else:
        for message in error.messages:
            yield None, message


@transaction.atomic
def member_issue_card(
    *,
    member: PartyMember,
    number: str,
    actor: Actor,
    changeset: ChangeSet | None = None,
    source: str = ChangeSet.Source.WEB,
) -> PartyMember:
    """Record the party card issued to an official member (DOMAIN.md §4.9), logged like any change."""
    require(actor, Ability.MANAGE_MEMBERS, member.scope_path)
    if member.status != "official":
        raise RuleError(_("Party cards are issued to official members only."), field="card_number")
    card = _clean_optional_code(number)
    if card is None or not _CARD.match(card):
        raise RuleError(_("The party card number must be 8 to 12 digits."), field="card_number")
    if _taken(PartyMember, "card_number", card, member.pk):
        raise RuleError(
            _("The party card number %(n)s is already recorded.") % {"n": card}, field="card_number"
        )
    before = {"card_number": member.card_number}
    member.card_number = card
    member.save(update_fields=["card_number"])
    cs = changeset or open_change_set(actor=actor, source=source)
    log_entry(cs, action="member.card", obj=member, before=before, after={"card_number": card})
    return member


def _later_changes(changeset: ChangeSet, subject_type: str, ids: set[str]) -> list[str]:
    """Labels of records changed again after `changeset`: what a revert would overwrite."""
    later = (
        ChangeLogEntry.objects.filter(
            subject_type=subject_type, subject_id__in=sorted(ids), at__gte=changeset.created_at
        )
        .exclude(changeset=changeset)
        .values_list("object_label", flat=True)
    )
    return sorted(set(later))[:10]
