"""The members' import: new records and changes to known ones, found by citizen ID, card or
dossier number."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from dangvu.accounts.models import Ability
from dangvu.accounts.scope import scope_for
from dangvu.core.bulk import lookup_size
from dangvu.core.dates import format_date, today
from dangvu.core.errors import RuleError
from dangvu.core.models import ChangeSet, Decision
from dangvu.core.sheets import file_date
from dangvu.exchange.importing.base import (
    FIELD_COLUMNS,
    Importer,
    KeyRows,
    Row,
    Spill,
    _bad_cell,
    _display,
    _similarity,
)
from dangvu.members import services as member_services
from dangvu.members.models import (
    DATED_ATTRIBUTES,
    PartyMember,
)
from dangvu.orgs.models import Organisation

# --- members ----------------------------------------------------------------------------------
LIFECYCLE = {
    "org": "org",
    "admission_date": "admission_decision_date",
    "ceremony_date": "ceremony_date",
    "official_date": "official_date",
}

CREATE_REQUIRED = ("full_name", "sex", "birth_date", "org", "admission_date")

# What the checks of the whole file read of each row, before its rows come back in chunks: the
# identifiers, the name, birth date and home town that identify a row without them, the cell.
KEY_COLUMNS = (
    "citizen_id",
    "card_number",
    "dossier_number",
    "full_name",
    "birth_date",
    "hometown",
    "org",
)


class MemberImporter(Importer):
    kind = "members"
    required_for_create = CREATE_REQUIRED

    def rows_to_plan(self) -> Spill:
        return self.read_spilled(KEY_COLUMNS)

    def plan(self, rows: Spill, *, commit: bool, changeset: ChangeSet | None = None) -> None:
        """The whole file's checks on its keys first, then the rows a chunk at a time: each
        chunk checked, and written at once on a commit while no row has an error (a later
        error undoes the whole file: the commit is one transaction)."""
        total = len(rows)
        self.progress("check", 0, total)
        matched = self.members_by_keys(rows.keys)
        self.identify_keyless(rows.keys, matched)
        self._one_row_a_member(rows.keys, matched)
        orgs = self.orgs_by_code(
            {r.values.get("org") or "" for r in rows.keys}, seen_with=Ability.VIEW
        )
        rows.keys = KeyRows(())  # the rows' own values come back with their chunks
        manage = scope_for(self.actor, Ability.MANAGE_MEMBERS)
        # A change without its own date takes effect on the day the file was saved, or today;
        # the preview says which (issue 19, point 4).
        self.saved_on = file_date(self.content, self.filename)
        self.outcome.effective = self.saved_on or today()
        twins: dict[str, int] = {}
        # Decisions without a number are shared by the file's rows by date and issuer; those with
        # one are found on file, where an earlier chunk's commit has put them.
        unnumbered: dict[tuple[str, dt.date, str], Decision] = {}
        seen: dict[str, dict[str, int]] = {}
        creates_total = prepared_total = done = 0
        failed = False
        for chunk in rows.chunks():
            members = self.members(
                {matched[r.number] for r in chunk if matched.get(r.number) is not None}
            )
            self.latest = member_services.latest_changes(m.person_id for m in members.values())
            creates: list[tuple[Row, member_services.AdmitRow]] = []
            updates: list[tuple[Row, PartyMember, dict[str, Any]]] = []
            decisions: dict[tuple[str, dt.date, str], Decision] = {}
            for row in chunk:
                done += 1
                if done % 2000 == 0:
                    self.progress("check", done, total)
                if row.number in self.refused:
                    continue
                member = members.get(matched.get(row.number, 0))
                if member is not None:
                    self._plan_update(row, member, manage, updates)
                elif row.number not in matched:
                    item = self._plan_create(row, orgs, decisions, unnumbered)
                    if item is not None:
                        creates.append((row, item))
                        self._twin(row, item, twins)
            self._known_decisions(decisions, creates)
            problems, prepared = member_services.check_bulk_admit(
                [a for _r, a in creates], self.actor, seen=seen, start=creates_total
            )
            for where, messages in problems.items():
                position, _sep, name = where.partition(":")
                row = creates[int(position) - creates_total - 1][0]
                for message in messages:
                    self.error(row, FIELD_COLUMNS.get(name, name), message)
            failed = failed or bool(problems)
            creates_total += len(creates)
            prepared_total += len(prepared)
            for row, admit in creates:
                self.outcome.rows.append(
                    {
                        "row": row.number,
                        "action": "create",
                        "label": admit.person.full_name,
                        "changes": {},
                    }
                )
            if commit and not self.outcome.errors:
                assert changeset is not None
                self.progress("write", done, total)
                member_services.write_bulk_admit(prepared, changeset)
                member_services.members_bulk_update(
                    items=[(m, c) for _r, m, c in updates],
                    actor=self.actor,
                    changeset=changeset,
                    effective={m.pk: self._effective(r) for r, m, _c in updates},
                )
        self.outcome.created = creates_total if failed else prepared_total
        self.progress("check", total, total)

    def _one_row_a_member(self, rows: Iterable[Row], matched: dict[int, int]) -> None:
        """Two rows naming one member by different identifiers: which of them holds? Neither is
        taken for the other; the later row is refused (outside the user's area, as any row there
        is: no name, and the attempt in the access log)."""
        first: dict[int, int] = {}
        again: list[tuple[Row, int]] = []
        for row in rows:
            member = matched.get(row.number)
            if member is None or row.number in self.refused:
                continue
            if member in first:
                again.append((row, member))
            else:
                first[member] = row.number
        if not again:
            return
        manage = scope_for(self.actor, Ability.MANAGE_MEMBERS)
        known = self.members({m for _r, m in again})
        for row, member in again:
            self.refused.add(row.number)
            column = next(
                (k for k in ("citizen_id", "card_number", "dossier_number") if row.values.get(k)),
                "full_name",
            )
            if not manage.covers(known[member].scope_path):
                self.error(
                    row,
                    column,
                    _(
                        "The identifiers of this row lie outside your area: the row is not imported."
                    ),
                )
                self.outside.append((row.number, member))
                continue
            self.error(
                row,
                column,
                _(
                    "This row names the same member as row %(row)s: put the member's changes "
                    "in one row."
                )
                % {"row": first[member]},
            )

    def _twin(
        self,
        row: Row,
        item: member_services.AdmitRow,
        twins: dict[str, int],
    ) -> None:
        name, birth, town = _similarity(
            item.person.full_name, item.person.birth_date, item.person.hometown
        )
        # One string a row, not a tuple of three: a file of 150,000 rows keeps them all.
        key = f"{name}\x1f{birth.toordinal()}\x1f{town}"
        if key in twins:
            self.warn(
                row,
                "full_name",
                _(
                    "Same name, date of birth and home town as row %(row)s: check that they are two people."
                )
                % {"row": twins[key]},
            )
        twins.setdefault(key, row.number)

    def _known_decisions(
        self,
        decisions: dict[tuple[str, dt.date, str], Decision],
        creates: list[tuple[Row, member_services.AdmitRow]],
    ) -> None:
        """A decision on file already (or written by an earlier chunk): the rows share it."""
        numbers = sorted({n for n, _d, _i in decisions if n})
        for start in range(0, len(numbers), step := lookup_size()):
            for known in Decision.objects.filter(number__in=numbers[start : start + step]):
                said = (known.number, known.date, known.issuer)
                if said in decisions:
                    fresh = decisions[said]
                    for _r, admit in creates:
                        if admit.decision is fresh:
                            admit.decision = known
                    decisions[said] = known

    def _effective(self, row: Row) -> dt.date:
        return row.values.get("effective_date") or self.outcome.effective or today()

    def _person_input(self, row: Row, base: dict[str, Any]) -> member_services.PersonInput:
        data = dict(base)
        for key in (*member_services.PERSON_FIELDS, "card_number", "dossier_number"):
            if row.values.get(key) not in (None, ""):
                data[key] = row.values[key]
        return member_services.PersonInput.from_mapping(data)

    def _plan_update(
        self,
        row: Row,
        member: PartyMember,
        manage: Any,
        updates: list[tuple[Row, PartyMember, dict[str, Any]]],
    ) -> None:
        label = member.person.full_name
        if not manage.covers(member.scope_path):
            # No name: the attempt goes to the access log instead.
            self.error(
                row,
                "citizen_id" if row.values.get("citizen_id") else "card_number",
                _("The identifiers of this row lie outside your area: the row is not imported."),
            )
            self.outside.append((row.number, member.pk))
            return
        if not self.may_write_sensitive(row, member.scope_path):
            return
        for key, attribute in LIFECYCLE.items():
            given = row.values.get(key)
            if given in (None, ""):
                continue
            recorded = getattr(member, attribute)
            recorded = recorded.code if isinstance(recorded, Organisation) else recorded
            if given != recorded:
                self.error(
                    row,
                    key,
                    _(
                        "The record says %(recorded)s. The party cell and the key dates change "
                        "through events (a transfer, a correction), not through the member's record."
                    )
                    % {"recorded": _display(recorded) or _("nothing")},
                )
        base = {f: getattr(member.person, f) for f in member_services.PERSON_FIELDS}
        base.update(card_number=member.card_number, dossier_number=member.dossier_number)
        try:
            cleaned = member_services.clean_person(
                self._person_input(row, base), exclude_member_id=member.pk, check_unique=False
            )
        except ValidationError as exc:
            self.service_errors(row, exc)
            return
        before = member_services.member_snapshot(member)
        after = member_services.updated_snapshot(member, cleaned)
        changes = {
            self.header(k): [_display(before[k], k), _display(after[k], k)]
            for k in after
            if before.get(k) != after[k]
        }
        try:  # the one rule of dated changes, checked here to name the row (nothing is written)
            member_services.attribute_history(
                member,
                {f: getattr(member.person, f) for f in member_services.PERSON_FIELDS},
                cleaned,
                effective=self._effective(row),
                correction=False,
                reason="",
                changeset=None,
                latest=self.latest,
                history=member_services.AttributeHistory(),
            )
        except RuleError as exc:
            own = row.values.get("effective_date")
            self.error(
                row,
                "effective_date",
                str(exc.messages[0]),
                value=format_date(own)
                if own
                else (
                    _("%(day)s (the day the file was saved)")
                    if self.saved_on
                    else _("%(day)s (today)")
                )
                % {"day": format_date(self._effective(row))},
            )
            return
        if any(before.get(k) != after.get(k) for k in DATED_ATTRIBUTES):
            changes[self.header("effective_date")] = ["", format_date(self._effective(row))]
        if changes:
            self.outcome.updated += 1
            updates.append((row, member, cleaned))
            self.outcome.rows.append(
                {"row": row.number, "action": "update", "label": label, "changes": changes}
            )
        else:
            self.outcome.unchanged += 1
            self.outcome.rows.append(
                {"row": row.number, "action": "unchanged", "label": label, "changes": {}}
            )

    def _plan_create(
        self,
        row: Row,
        orgs: dict[str, Organisation],
        decisions: dict[tuple[str, dt.date, str], Decision],
        unnumbered: dict[tuple[str, dt.date, str], Decision],
    ) -> member_services.AdmitRow | None:
        v = row.values
        missing = [
            k for k in CREATE_REQUIRED if v.get(k) in (None, "") and not _bad_cell(self, row, k)
        ]
        for key in missing:
            self.error(
                row, key, _("Required to add a new member (no record has this row's identifiers).")
            )
        org = orgs.get(v["org"]) if v.get("org") else None
        if v.get("org") and org is None:
            self.unknown_org(row, "org", v["org"])
        if missing or row.bad or org is None:
            return None
        if not self.may_write_sensitive(row, org.path):
            return None
        on = v["admission_date"]
        number, issuer = v.get("admission_number") or "", v.get("admission_issuer") or ""
        said = (number, on, issuer)
        shared = decisions if number else unnumbered
        if said not in shared:
            shared[said] = Decision(number=number, date=on, issuer=issuer)
        base = {"full_name": "", "sex": "", "birth_date": None}
        return member_services.AdmitRow(
            person=self._person_input(row, base),
            org=org,
            decision=shared[said],
            ceremony_date=v.get("ceremony_date"),
            official_date=v.get("official_date"),
        )
