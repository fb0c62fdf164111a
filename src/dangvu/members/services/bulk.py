"""Many members at once, for the import: admissions prepared, checked and written in chunks, edits,
and an import taken back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dangvu.accounts.models import Ability
from dangvu.accounts.scope import scope_for
from dangvu.core import bulk
from dangvu.core.actors import Actor
from dangvu.core.changes import log_entry, record_values
from dangvu.core.dates import format_date, today
from dangvu.core.errors import RuleError
from dangvu.core.models import ChangeLogEntry, ChangeSet, Decision
from dangvu.members import events, lifecycle, search
from dangvu.members.models import (
    AttributeChange,
    Correction,
    EventKind,
    MembershipEvent,
    MembershipPeriod,
    PartyMember,
    Person,
)
from dangvu.members.services.persons import PERSON_FIELDS, PersonInput, _person_values, clean_person
from dangvu.members.services.records import (
    AttributeHistory,
    _assign,
    _later_changes,
    attribute_history,
    iter_field_errors,
    latest_changes,
    member_snapshot,
)
from dangvu.orgs.models import Organisation, Placement


def members_bulk_update(
    *,
    items: list[tuple[PartyMember, dict[str, Any]]],
    actor: Actor,
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
    renamed: list[int] = []
    written = AttributeHistory()
    latest = latest_changes(m.person_id for m, _c in items) if history else {}
    for member, cleaned in items:
        if not scope.covers(member.scope_path):
            raise PermissionDenied
        before = member_snapshot(member)
        values_before = {f: getattr(member.person, f) for f in PERSON_FIELDS}
        name_before = member.person.search_name
        _assign(member, cleaned)
        after = member_snapshot(member)
        if before == after:
            continue
        if member.person.search_name != name_before:
            renamed.append(member.person_id)
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
    bulk.update([m.person for m in changed], person_fields)
    bulk.update(changed, ["card_number", "dossier_number"])
    search.refresh(persons=renamed)
    written.save()
    ChangeLogEntry.objects.bulk_create(entries, batch_size=2000)
    return len(changed)


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
    for start in range(0, len(values), step := bulk.lookup_size()):
        chunk = values[start : start + step]
        found.update(model.objects.filter(**{f"{field}__in": chunk}).values_list(field, flat=True))
    return found


def _row_order(item: tuple[str, list[str]]) -> tuple[int, str]:
    row, _sep, field = item[0].partition(":")
    return int(row), field


@transaction.atomic
def members_bulk_admit(*, rows: list[AdmitRow], actor: Actor, changeset: ChangeSet) -> int:
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
    rows: list[AdmitRow],
    actor: Actor,
    *,
    seen: dict[str, dict[str, int]] | None = None,
    start: int = 0,
) -> tuple[dict[str, list[str]], list[PreparedAdmission]]:
    """Every check of `members_bulk_admit`, writing nothing: ({"N:field": messages}, prepared).

    A batch checked in parts (a big import, a chunk at a time) passes the same `seen` to each
    part and `start`, the rows before it: N then counts from the batch's first row, a number
    repeated in an earlier part is found, and only this part's numbers are looked up."""
    scope = scope_for(actor, Ability.MANAGE_MEMBERS)
    problems: dict[str, list[str]] = {}
    prepared: list[PreparedAdmission] = []
    if seen is None:
        seen = {}
    for key in ("citizen_id", "card_number", "dossier_number"):
        seen.setdefault(key, {})
    fresh: dict[str, list[str]] = {key: [] for key in seen}
    cell_problems: dict[tuple[int, dt.date], str | None] = {}
    placements: dict[int, list[Placement]] = {r.org.pk: [] for r in rows}
    for placement in Placement.objects.filter(org_id__in=list(placements)):
        placements[placement.org_id].append(placement)
    now = today()
    for index, row in enumerate(rows, start=start + 1):

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
            else:
                fresh[key].append(value)
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
        for value in _unique_clashes(key, fresh[key], model):
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
    """Persons, memberships, events, periods and log entries go in as column values: no model
    instance per row (two a row cost a tenth of a big import's time)."""
    fresh = {id(i.row.decision): i.row.decision for i in items if i.row.decision.pk is None}
    bulk.insert(list(fresh.values()), returning_pk=True)
    persons = [_person_values(i.cleaned) for i in items]
    person_keys = bulk.insert_values(Person, persons, returning_pk=True)
    member_keys = bulk.insert_values(
        PartyMember,
        [
            {
                "person_id": person_key,
                "card_number": i.cleaned["card_number"],
                "dossier_number": i.cleaned["dossier_number"],
                "status": i.state.status,
                "status_since": i.state.status_since,
                "org_id": i.state.org_id,
                "temp_org_id": None,
                "first_admission_date": i.state.first_admission_date,
                "admission_decision_date": i.state.admission_decision_date,
                "ceremony_date": i.state.ceremony_date,
                "official_date": i.state.official_date,
                "flags": i.state.flag_list,
                "derived": events.state_to_json(i.state),
                "search_grams": search.name_grams(
                    i.row.org.path if i.state.org_id == i.row.org.pk else None,
                    person["search_name"],
                ),
            }
            for person_key, person, i in zip(person_keys, persons, items, strict=True)
        ],
        returning_pk=True,
    )
    event_rows: list[dict[str, Any]] = []
    periods: list[dict[str, Any]] = []
    entries: list[dict[str, Any]] = []
    kind = PartyMember._meta.label_lower
    for member_key, person, item in zip(member_keys, persons, items, strict=True):
        row, cleaned, state = item.row, item.cleaned, item.state

        def event(
            kind: str,
            on: dt.date,
            org: Organisation | None = None,
            decision: Decision | None = None,
            details: dict[str, Any] | None = None,
            member_key: int = member_key,
        ) -> dict[str, Any]:
            return {
                "member_id": member_key,
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
        periods.extend(events.period_values(member_key, state))
        entries.append(
            record_values(
                changeset,
                action="member.create",
                kind=kind,
                key=member_key,
                label=person["full_name"],  # what a member's record is called (its __str__)
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


@transaction.atomic
def members_revert_import(*, changeset: ChangeSet, actor: Actor, revert: ChangeSet) -> int:
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
