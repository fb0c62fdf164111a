"""Every change to persons and members: validated, scoped, one transaction, logged (STYLE.md 2–3, 7)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dangvu.accounts.models import Ability
from dangvu.accounts.scope import require, scope_for
from dangvu.core import bulk
from dangvu.core.changes import log_entry, log_values, open_change_set, snapshot, to_jsonable
from dangvu.core.dates import format_date, today
from dangvu.core.errors import RuleError
from dangvu.core.models import ChangeLogEntry, ChangeSet, Decision
from dangvu.core.text import clean, join_name, name_sort_key, search_key, split_full_name
from dangvu.members import events, lifecycle
from dangvu.members.models import (
    DATED_ATTRIBUTES,
    FIXED_COUNTED_ATTRIBUTES,
    AttributeChange,
    Correction,
    EventKind,
    MembershipEvent,
    MembershipPeriod,
    PartyMember,
    Person,
    attribute_label,
)
from dangvu.orgs.models import Organisation, Placement, valid_on
from dangvu.rules import citizen_id as cid
from dangvu.rules import reference as ref
from dangvu.tree import services as org_services

_NAME_CHARS = re.compile(r"^[^\W\d_]+(?:[ '’-][^\W\d_]+)*$")
_CARD = re.compile(r"^\d{8,12}$")
_DOSSIER = re.compile(r"^\d{6}[A-Z]{1,3}$")

PERSON_FIELDS = (
    "full_name",
    "sex",
    "birth_date",
    "ethnicity",
    "religion",
    "citizen_id",
    "hometown",
    "residence",
    "phone",
    "health",
    "family",
    "general_education",
    "professional_level",
    "academic_title",
    "theory_level",
    "occupation",
)
MEMBER_FIELDS = (
    "card_number",
    "dossier_number",
    "status",
    "org_id",
    "admission_decision_date",
    "ceremony_date",
    "official_date",
)

CHOICE_FIELDS: dict[str, list[tuple[str, Any]]] = {
    "sex": ref.SEXES,
    "ethnicity": ref.ETHNIC_GROUPS,
    "religion": ref.RELIGIONS,
    "general_education": ref.GENERAL_EDUCATION,
    "professional_level": ref.PROFESSIONAL_LEVELS,
    "academic_title": ref.ACADEMIC_TITLES,
    "theory_level": ref.THEORY_LEVELS,
    "occupation": ref.OCCUPATIONS,
}


@dataclass
class PersonInput:
    full_name: str
    sex: str
    birth_date: dt.date | None
    ethnicity: str = ref.KINH
    religion: str = "none"
    citizen_id: str | None = None
    hometown: str = ""
    residence: str = ""
    phone: str = ""
    health: str = ""
    family: str = ""
    general_education: str = "thpt"
    professional_level: str = "none"
    academic_title: str = "none"
    theory_level: str = "none"
    occupation: str = "other"
    card_number: str | None = None
    dossier_number: str | None = None

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> PersonInput:
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)


class _Errors:
    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.by_field.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if self.by_field:
            raise ValidationError(
                {
                    f: [ValidationError(m, code="invalid") for m in ms]
                    for f, ms in self.by_field.items()
                }
            )


def _clean_optional_code(value: str | None) -> str | None:
    text = clean(value).replace(" ", "").upper() if value else ""
    return text or None


def _clean_name(data: PersonInput, errors: _Errors) -> dict[str, str]:
    family, middle, given = split_full_name(data.full_name or "")
    full = join_name(family, middle, given)
    if not full:
        errors.add("full_name", _("The full name is required."))
    elif not family or not given:
        errors.add(
            "full_name", _("Write the full name: family name, middle name (if any) and given name.")
        )
    elif not _NAME_CHARS.match(full):
        errors.add(
            "full_name", _("A name may contain only letters, spaces, hyphens and apostrophes.")
        )
    return {"family_name": family, "middle_name": middle, "given_name": given, "full_name": full}


def _clean_birth(birth: dt.date | None, errors: _Errors) -> dt.date | None:
    if birth is None:
        errors.add("birth_date", _("The date of birth is required."))
    elif birth > today():
        errors.add(
            "birth_date",
            _("The date of birth %(date)s is in the future.") % {"date": format_date(birth)},
        )
    elif birth.year < 1900:
        errors.add(
            "birth_date",
            _("The date of birth %(date)s is before 1900.") % {"date": format_date(birth)},
        )
    return birth


def _citizen_id_messages(citizen: str) -> dict[str, str]:
    return {
        "format": _("The citizen ID must be exactly 12 digits."),
        "province": _(
            "The first three digits of the citizen ID (%(code)s) are not a province code."
        )
        % {"code": citizen[:3]},
        "century": _("The fourth digit of the citizen ID is not a valid sex and century digit."),
        "sex": _("The fourth digit of the citizen ID does not match the sex."),
        "birth_year": _(
            "The fourth to sixth digits of the citizen ID do not match the year of birth."
        ),
    }


def _taken(model: Any, field: str, value: str, exclude_member_id: int | None) -> bool:
    """Whether another record already holds this unique value."""
    clash = model.objects.filter(**{field: value})
    if exclude_member_id is not None:
        member_field = "membership__pk" if model is Person else "pk"
        clash = clash.exclude(**{member_field: exclude_member_id})
    return bool(clash.exists())


# Unique identifiers of a member record: field, pattern, format message, clash message.
_IDENTIFIERS: list[tuple[str, re.Pattern[str], str, str]] = [
    (
        "card_number",
        _CARD,
        gettext_noop("The party card number must be 8 to 12 digits."),
        gettext_noop("The party card number %(n)s is already recorded."),
    ),
    (
        "dossier_number",
        _DOSSIER,
        gettext_noop("The dossier number is 6 digits followed by 1 to 3 letters (e.g. 012345NT)."),
        gettext_noop("The dossier number %(n)s is already recorded."),
    ),
]


def clean_person(
    data: PersonInput, *, exclude_member_id: int | None = None, check_unique: bool = True
) -> dict[str, Any]:
    """Normalise and check a person's record; every problem is reported at once, per field."""
    errors = _Errors()
    out: dict[str, Any] = _clean_name(data, errors)
    for field, choices in CHOICE_FIELDS.items():
        value = getattr(data, field)
        if value not in ref.codes(choices):
            errors.add(field, _("“%(value)s” is not one of the allowed values.") % {"value": value})
        out[field] = value
    birth = out["birth_date"] = _clean_birth(data.birth_date, errors)

    citizen = out["citizen_id"] = _clean_optional_code(data.citizen_id)
    if citizen is not None:
        sex = data.sex if data.sex in ("M", "F") else None
        problems = cid.problems(citizen, sex=sex, birth_date=birth)
        messages = _citizen_id_messages(citizen) if problems else {}
        for problem in problems:
            errors.add("citizen_id", messages[problem])
        if (
            not problems
            and check_unique
            and _taken(Person, "citizen_id", citizen, exclude_member_id)
        ):
            errors.add(
                "citizen_id",
                _("The citizen ID %(id)s is already recorded for another person.")
                % {"id": citizen},
            )

    for field, pattern, bad_format, clash in _IDENTIFIERS:
        value = out[field] = _clean_optional_code(getattr(data, field))
        if value is None:
            continue
        if not pattern.match(value):
            errors.add(field, _(bad_format))
        elif check_unique and _taken(PartyMember, field, value, exclude_member_id):
            errors.add(field, _(clash) % {"n": value})

    for field in ("hometown", "residence", "health", "family"):
        out[field] = clean(getattr(data, field))
    phone = clean(data.phone).replace(" ", "").replace(".", "")
    if phone and not re.match(r"^\+?\d{8,15}$", phone):
        errors.add(
            "phone", _("The phone number may contain only digits (8 to 15), optionally after +.")
        )
    out["phone"] = phone
    errors.raise_if_any()
    return out


def _person_values(cleaned: Mapping[str, Any]) -> dict[str, Any]:
    values = {k: v for k, v in cleaned.items() if k not in ("card_number", "dossier_number")}
    values["search_name"] = search_key(cleaned["full_name"])
    values["sort_key"] = name_sort_key(
        cleaned["family_name"], cleaned["middle_name"], cleaned["given_name"]
    )
    return values


@transaction.atomic
def member_admit(
    *,
    person: PersonInput,
    org: Organisation,
    decision: Decision,
    ceremony_date: dt.date | None,
    actor: Any,
    recognised: bool = False,
    reason: str = "",
    source: str = ChangeSet.Source.WEB,
    changeset: ChangeSet | None = None,
    admission_details: dict[str, Any] | None = None,
    ceremony_details: dict[str, Any] | None = None,
    recognition_decision: Decision | None = None,
    external_org: str = "",
) -> PartyMember:
    """Record a person admitted into a party cell by `decision` (DOMAIN.md §4.1–§4.3).

    With `recognised`, also record the recognition as official member on the day the 12 months
    of probation end: this is how members admitted before dangvu are entered.
    """
    require(actor, Ability.MANAGE_MEMBERS, org.path)
    cleaned = clean_person(person)
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
    common = {"member": member, "actor": actor, "changeset": cs, "check_scope": False}
    if external_org:
        # Admitted elsewhere (a member arriving from another province): the dossier's dates, then
        # a transfer in, recorded by the caller, places the member here.
        admission = {**(admission_details or {}), "external_org": external_org}
        events.record_event(
            kind=EventKind.ADMISSION, on=on, decision=decision, details=admission, **common
        )
    else:
        events.record_event(
            kind=EventKind.ADMISSION,
            on=on,
            org=org,
            decision=decision,
            details=dict(admission_details or {}),
            **common,
        )
    if ceremony_date is not None:
        events.record_event(
            kind=EventKind.CEREMONY,
            on=ceremony_date,
            details=dict(ceremony_details or {}),
            **common,
        )
    if official is not None:
        events.record_event(
            kind=EventKind.RECOGNITION,
            on=official,
            org=None if external_org else org,
            decision=recognition_decision or decision,
            **common,
        )
    _check_result(actor, member)
    return member


def _check_result(actor: Any, member: PartyMember) -> None:
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
        AttributeChange.objects.bulk_update(self.rewritten, ["after"], batch_size=1000)


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
    actor: Any,
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


def members_bulk_update(
    *,
    items: list[tuple[PartyMember, dict[str, Any]]],
    actor: Any,
    changeset: ChangeSet,
    effective: Mapping[int, dt.date | None] | None = None,
    history: bool = True,
) -> int:
    """Write changes already checked by `clean_person` (and `attribute_history`) to many records at
    once (an import), each logged with its before and after; a dated attribute changes from
    `effective[member id]` (default today). `history=False` only to set back an import being
    reverted, whose history rows are taken out. Inside the caller's transaction; returns how many."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("bulk updates are written inside the caller's transaction")
    scope = scope_for(actor, Ability.MANAGE_MEMBERS)
    entries = []
    changed: list[PartyMember] = []
    written = AttributeHistory()
    latest = latest_changes(m.person_id for m, _c in items) if history else {}
    for member, cleaned in items:
        if not scope.covers(member.scope_path):
            raise PermissionDenied
        before = member_snapshot(member)
        values_before = {f: getattr(member.person, f) for f in PERSON_FIELDS}
        _assign(member, cleaned)
        after = member_snapshot(member)
        if before == after:
            continue
        if history:
            day = (effective or {}).get(member.pk)
            attribute_history(
                member,
                values_before,
                {f: getattr(member.person, f) for f in PERSON_FIELDS},
                effective=day,
                correction=False,
                reason=changeset.reason,
                changeset=changeset,
                latest=latest,
                history=written,
            )
        changed.append(member)
        entries.append(
            log_entry(
                changeset,
                action="member.update",
                obj=member,
                before=before,
                after=after,
                save=False,
            )
        )
    person_fields = [*(f for f in PERSON_FIELDS), "family_name", "middle_name", "given_name"]
    person_fields += ["search_name", "sort_key"]
    Person.objects.bulk_update([m.person for m in changed], person_fields, batch_size=1000)
    PartyMember.objects.bulk_update(changed, ["card_number", "dossier_number"], batch_size=1000)
    written.save()
    ChangeLogEntry.objects.bulk_create(entries, batch_size=2000)
    return len(changed)


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


@dataclass
class AdmitRow:
    """One member to record in bulk: the person, the cell, the decision and the ceremony.

    `official_date`, when known from the dossier, records the recognition on that day (the
    lifecycle checks it is the end of the probation); `recognised` instead puts it on the day the
    probation ended, when that day has passed."""

    person: PersonInput
    org: Organisation
    decision: Decision
    ceremony_date: dt.date | None
    recognised: bool = False
    official_date: dt.date | None = None


@dataclass
class PreparedAdmission:
    row: AdmitRow
    cleaned: dict[str, Any]
    state: lifecycle.State


def _unique_clashes(field: str, values: list[str], model: Any) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(values), 500):
        chunk = values[start : start + 500]
        found.update(model.objects.filter(**{f"{field}__in": chunk}).values_list(field, flat=True))
    return found


def _row_order(item: tuple[str, list[str]]) -> tuple[int, str]:
    row, _sep, field = item[0].partition(":")
    return int(row), field


@transaction.atomic
def members_bulk_admit(*, rows: list[AdmitRow], actor: Any, changeset: ChangeSet) -> int:
    """Record many admitted members at once, all or none, with the checks of `member_admit`.

    Errors are collected for every row and raised together as {"N:field": [messages]}, N
    counting the rows from 1.
    """
    problems, prepared = check_bulk_admit(rows, actor)
    if problems:
        raise ValidationError(
            {
                k: [ValidationError(m) for m in ms]
                for k, ms in sorted(problems.items(), key=_row_order)
            }
        )
    return write_bulk_admit(prepared, changeset)


def check_bulk_admit(
    rows: list[AdmitRow], actor: Any
) -> tuple[dict[str, list[str]], list[PreparedAdmission]]:
    """Every check of `members_bulk_admit`, writing nothing: ({"N:field": messages}, prepared)."""
    scope = scope_for(actor, Ability.MANAGE_MEMBERS)
    problems: dict[str, list[str]] = {}
    prepared: list[PreparedAdmission] = []
    seen: dict[str, dict[str, int]] = {"citizen_id": {}, "card_number": {}, "dossier_number": {}}
    cell_problems: dict[tuple[int, dt.date], str | None] = {}
    placements: dict[int, list[Placement]] = {r.org.pk: [] for r in rows}
    for placement in Placement.objects.filter(org_id__in=list(placements)):
        placements[placement.org_id].append(placement)
    now = today()
    for index, row in enumerate(rows, start=1):

        def fail(field: str, message: str, index: int = index) -> None:
            problems.setdefault(f"{index}:{field}", []).append(message)

        try:
            cleaned = clean_person(row.person, check_unique=False)
        except ValidationError as exc:
            for field, message in iter_field_errors(exc):
                fail(field or "__all__", message)
            continue
        if not scope.covers(row.org.path):
            fail("org", _("You may not record members in %(org)s.") % {"org": row.org.code})
            continue
        on = row.decision.date
        cell_key = (row.org.pk, on)
        if cell_key not in cell_problems:
            cell_problems[cell_key] = events.cell_problem(row.org, on, placements[row.org.pk])
        if cell_problems[cell_key] is not None:
            fail("org", str(cell_problems[cell_key]))
        birth = cleaned["birth_date"]
        age_problem = events.admission_age_problem(birth, on, {}) if birth else None
        if age_problem is not None:
            fail(*age_problem)
        for key in seen:
            value = cleaned[key]
            if value is None:
                continue
            if value in seen[key]:
                fail(
                    key,
                    _("%(value)s appears twice in the batch (rows %(a)s and %(b)s).")
                    % {"value": value, "a": seen[key][value], "b": index},
                )
            seen[key][value] = index
        facts = [lifecycle.Fact("admission", on, row.org.pk)]
        if row.ceremony_date is not None:
            facts.append(lifecycle.Fact("ceremony", row.ceremony_date))
            official = lifecycle.official_date_for(row.ceremony_date)
            if row.recognised and official <= now and row.official_date is None:
                facts.append(lifecycle.Fact("recognition", official, row.org.pk))
        if row.official_date is not None:
            if row.official_date > now:
                fail(
                    "official_date",
                    _("The date %(date)s is in the future.")
                    % {"date": format_date(row.official_date)},
                )
                continue
            facts.append(lifecycle.Fact("recognition", row.official_date, row.org.pk))
        try:
            state = lifecycle.derive(facts)
        except lifecycle.LifecycleError as exc:
            fail(_failing_date(facts), str(exc))
            continue
        prepared.append(PreparedAdmission(row, cleaned, state))
    for key, model in (
        ("citizen_id", Person),
        ("card_number", PartyMember),
        ("dossier_number", PartyMember),
    ):
        for value in _unique_clashes(key, list(seen[key]), model):
            problems.setdefault(f"{seen[key][value]}:{key}", []).append(
                _("%(value)s is already recorded.") % {"value": value}
            )
    return problems, prepared


def _failing_date(facts: list[lifecycle.Fact]) -> str:
    """Which date of an admission's facts the lifecycle refused: the first prefix that fails."""
    fields = {"ceremony": "ceremony_date", "recognition": "official_date"}
    for end in range(1, len(facts)):
        try:
            lifecycle.derive(facts[: end + 1])
        except lifecycle.LifecycleError:
            return fields.get(facts[end].kind, "ceremony_date")
    return "ceremony_date"


WRITE_CHUNK = 5000  # admissions built and inserted at a time: memory stays flat on big imports


def write_bulk_admit(items: list[PreparedAdmission], changeset: ChangeSet) -> int:
    """Write admissions checked by `check_bulk_admit` (inside the caller's transaction);
    returns how many were written."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("bulk admissions are written inside the caller's transaction")
    for start in range(0, len(items), WRITE_CHUNK):
        _write_admissions(items[start : start + WRITE_CHUNK], changeset)
    return len(items)


def _write_admissions(items: list[PreparedAdmission], changeset: ChangeSet) -> None:
    prepared = [(i.row, i.cleaned, i.state) for i in items]
    fresh = {id(r.decision): r.decision for r, _c, _s in prepared if r.decision.pk is None}
    bulk.insert(list(fresh.values()), returning_pk=True)
    persons = bulk.insert(
        [Person(**_person_values(c)) for _r, c, _s in prepared], returning_pk=True
    )
    members = bulk.insert(
        [
            PartyMember(
                person=p,
                card_number=c["card_number"],
                dossier_number=c["dossier_number"],
                status=s.status,
                status_since=s.status_since,
                org_id=s.org_id,
                temp_org_id=None,
                first_admission_date=s.first_admission_date,
                admission_decision_date=s.admission_decision_date,
                ceremony_date=s.ceremony_date,
                official_date=s.official_date,
                flags=s.flag_list,
                derived=events.state_to_json(s),
            )
            for p, (_r, c, s) in zip(persons, prepared, strict=True)
        ],
        returning_pk=True,
    )
    # Events, periods and log entries go in as column values: no model instance per row.
    event_rows: list[dict[str, Any]] = []
    periods: list[dict[str, Any]] = []
    entries: list[dict[str, Any]] = []
    for member, (row, cleaned, state) in zip(members, prepared, strict=True):

        def event(
            kind: str,
            on: dt.date,
            org: Organisation | None = None,
            decision: Decision | None = None,
            details: dict[str, Any] | None = None,
            member: PartyMember = member,
        ) -> dict[str, Any]:
            return {
                "member_id": member.pk,
                "kind": kind,
                "on": on,
                "org_id": org.pk if org is not None else None,
                "decision_id": decision.pk if decision is not None else None,
                "details": details or {},
                "changeset_id": changeset.pk,
            }

        event_rows.append(event(EventKind.ADMISSION, row.decision.date, row.org, row.decision))
        if row.ceremony_date is not None:
            event_rows.append(event(EventKind.CEREMONY, row.ceremony_date))
        if state.official_date is not None:
            # Entered from the dossier: the recognition decision itself is not on file.
            event_rows.append(
                event(
                    EventKind.RECOGNITION, state.official_date, row.org, None, {"source": "dossier"}
                )
            )
        periods.extend(events.period_values(member.pk, state))
        entries.append(
            log_values(
                changeset,
                action="member.create",
                obj=member,
                scope_path=row.org.path,
                after={
                    **{k: cleaned.get(k) for k in PERSON_FIELDS},
                    "card_number": cleaned["card_number"],
                    "org": row.org.code,
                    "admission": row.decision.date,
                    "ceremony": row.ceremony_date,
                },
            )
        )
    bulk.insert_values(MembershipEvent, event_rows)
    bulk.insert_values(MembershipPeriod, periods)
    bulk.insert_values(ChangeLogEntry, entries)
    for person in persons:  # person ↔ membership caches form a cycle: free them now
        person._state.fields_cache.clear()


@transaction.atomic
def member_issue_card(
    *,
    member: PartyMember,
    number: str,
    actor: Any,
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


@transaction.atomic
def members_revert_import(*, changeset: ChangeSet, actor: Any, revert: ChangeSet) -> int:
    """Undo an import of members or events recorded as `changeset`, as long as nothing recorded
    later touches the same records: members it created are taken out (their record stays in the
    change log), corrections it made are set back, events it recorded are taken out and the
    members rebuilt. Returns the number of records set back."""
    from django.db.models import ProtectedError

    from dangvu.members.models import FlagPeriod

    entries = list(ChangeLogEntry.objects.filter(changeset=changeset).order_by("id"))
    subjects = {e.subject_id for e in entries if e.subject_type == "members.partymember"}
    later = _later_changes(changeset, "members.partymember", subjects)
    if later:
        raise RuleError(
            _(
                "Records of this import were changed afterwards (%(names)s): it can no longer be reverted."
            )
            % {"names": ", ".join(later)}
        )
    created = {int(e.object_id) for e in entries if e.action == "member.create"}
    updated = [e for e in entries if e.action == "member.update"]
    scope = scope_for(actor, Ability.MANAGE_MEMBERS)
    members = {
        m.pk: m
        for m in PartyMember.objects.filter(pk__in=[int(s) for s in subjects]).select_related(
            "person", "org"
        )
    }
    for member in members.values():
        if not scope.covers(member.scope_path):
            raise PermissionDenied
    logs = []
    MembershipEvent.objects.filter(changeset=changeset).delete()
    for pk in sorted(subjects, key=int):
        member = members[int(pk)]
        if member.pk in created:
            logs.append(
                log_entry(
                    revert,
                    action="member.delete",
                    obj=member,
                    before=member_snapshot(member),
                    save=False,
                )
            )
    try:
        MembershipPeriod.objects.filter(member_id__in=created).delete()
        FlagPeriod.objects.filter(member_id__in=created).delete()
        person_ids = [members[pk].person_id for pk in created]
        PartyMember.objects.filter(pk__in=created).delete()
        Person.objects.filter(pk__in=person_ids).delete()
    except ProtectedError as exc:
        raise RuleError(
            _("Records recorded later depend on this import: it can no longer be reverted.")
        ) from exc
    restore = []
    for entry in updated:
        member = members[int(entry.object_id)]
        before = dict(entry.before or {})
        if before.get("birth_date"):
            before["birth_date"] = dt.date.fromisoformat(before["birth_date"])
        restore.append((member, clean_person(PersonInput.from_mapping(before), check_unique=False)))
    # The history the import wrote goes with it: the records are set back as they were.
    AttributeChange.objects.filter(changeset=changeset).delete()
    Correction.objects.filter(changeset=changeset, voided__isnull=True).delete()
    members_bulk_update(items=restore, actor=actor, changeset=revert, history=False)
    for pk in subjects:
        if int(pk) not in created:
            events.rebuild(members[int(pk)])
    ChangeLogEntry.objects.bulk_create(logs, batch_size=2000)
    return len(subjects)
