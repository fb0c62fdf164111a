"""The organisations' import: new organisations and changes, parents before their children."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dangvu.core.changes import get_or_create_decision, open_change_set
from dangvu.core.models import ChangeSet, Decision
from dangvu.exchange.importing.base import Importer, Row, _bad_cell, _display, _Rollback
from dangvu.orgs.models import Organisation
from dangvu.tree import services as org_services


# --- organisations ----------------------------------------------------------------------------
class OrgImporter(Importer):
    kind = "orgs"
    required_for_create = ("code", "name", "kind", "established_on")

    def plan(self, rows: list[Row], *, commit: bool, changeset: ChangeSet | None = None) -> None:
        codes = {r.values.get("code") or "" for r in rows} | {
            r.values.get("parent") or "" for r in rows
        }
        orgs = self.orgs_by_code(codes)
        seen: dict[str, int] = {}
        for row in rows:
            code = row.values.get("code")
            if code and code in seen:
                self.error(
                    row,
                    "code",
                    _("%(value)s also appears in row %(row)s of the file.")
                    % {"value": code, "row": seen[code]},
                )
            elif code:
                seen[code] = row.number
            elif not _bad_cell(self, row, "code"):
                self.error(row, "code", _("Required."))
        # Parents first: a file may create an organisation and the cells under it.
        ordered = sorted(
            rows, key=lambda r: (_depth(r, {x.values.get("code"): x for x in rows}), r.number)
        )
        try:
            with transaction.atomic():
                cs = changeset or open_change_set(actor=self.actor, source=self.source)
                for row in ordered:
                    if row.values.get("code") and seen.get(row.values["code"]) == row.number:
                        self._apply(row, orgs, cs)
                if not commit or self.outcome.errors:
                    raise _Rollback
        except _Rollback:
            if commit:
                raise

    def _apply(self, row: Row, orgs: dict[str, Organisation], cs: ChangeSet) -> None:
        v = row.values
        existing = orgs.get(v["code"])
        parent = None
        if v.get("parent"):
            parent = orgs.get(v["parent"])
            if parent is None:
                self.unknown_org(row, "parent", v["parent"])
                return
        try:
            with transaction.atomic():
                if existing is None:
                    self._create(row, parent, orgs, cs)
                else:
                    self._update(row, existing, parent, cs)
        except ValidationError as exc:
            self.service_errors(row, exc)
        except PermissionDenied:
            self.error(
                row, "parent", _("You may not change organisations there: it is outside your area.")
            )

    def _decision(self, row: Row, on: dt.date) -> Decision | None:
        v = row.values
        if not (v.get("decision_number") or v.get("decision_issuer")):
            return None
        return get_or_create_decision(
            number=v.get("decision_number") or "", date=on, issuer=v.get("decision_issuer") or ""
        )

    def _create(
        self, row: Row, parent: Organisation | None, orgs: dict[str, Organisation], cs: ChangeSet
    ) -> None:
        v = row.values
        missing = [
            k for k in self.required_for_create if not v.get(k) and not _bad_cell(self, row, k)
        ]
        for key in missing:
            self.error(row, key, _("Required to add a new organisation."))
        if missing:
            return
        org = org_services.org_create(
            code=v["code"],
            name=v["name"],
            kind=v["kind"],
            parent=parent,
            established_on=v["established_on"],
            decision=self._decision(row, v["established_on"]),
            actor=self.actor,
            category=v.get("category") or "",
            changeset=cs,
        )
        orgs[org.code] = org
        self.outcome.created += 1
        self.outcome.rows.append(
            {
                "row": row.number,
                "action": "create",
                "label": f"{org.name} ({org.code})",
                "changes": {},
            }
        )

    def _update(
        self, row: Row, org: Organisation, parent: Organisation | None, cs: ChangeSet
    ) -> None:
        v = row.values
        label = f"{org.name} ({org.code})"
        for key, recorded in (
            ("parent", org.parent.code if org.parent else None),
            ("kind", org.kind),
            ("category", org.category or None),
            ("established_on", org.established_on),
        ):
            given = v.get(key)
            if given not in (None, "") and given != recorded:
                self.error(
                    row,
                    key,
                    _(
                        "The record says %(recorded)s. Moving, merging or changing the kind of an organisation is done by a restructuring plan."
                    )
                    % {"recorded": _display(recorded) or _("nothing")},
                )
        changes: dict[str, list[str]] = {}
        if v.get("name") and v["name"] != org.name:
            if not v.get("renamed_on"):
                self.error(
                    row,
                    "renamed_on",
                    _("The name differs from %(name)s: give the date the new name takes effect.")
                    % {"name": org.name},
                )
                return
            changes[self.header("name")] = [org.name, v["name"]]
            org_services.org_rename(
                org=org,
                name=v["name"],
                on=v["renamed_on"],
                decision=self._decision(row, v["renamed_on"]),
                actor=self.actor,
                changeset=cs,
            )
        if changes:
            self.outcome.updated += 1
            self.outcome.rows.append(
                {"row": row.number, "action": "update", "label": label, "changes": changes}
            )
        else:
            self.outcome.unchanged += 1
            self.outcome.rows.append(
                {"row": row.number, "action": "unchanged", "label": label, "changes": {}}
            )


def _depth(row: Row, by_code: dict[Any, Row]) -> int:
    depth, seen, current = 0, set(), row
    while current.values.get("parent") in by_code and current.values.get("parent") not in seen:
        seen.add(current.values["parent"])
        current = by_code[current.values["parent"]]
        depth += 1
    return depth
