"""The lifecycle events' import: each row one event, recorded by the lifecycle's one service."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dangvu.accounts.models import Ability
from dangvu.accounts.scope import scope_for
from dangvu.core.changes import get_or_create_decision, open_change_set
from dangvu.core.dates import format_date
from dangvu.core.models import ChangeSet
from dangvu.exchange.columns import EVENT_DETAIL_KEYS
from dangvu.exchange.importing.base import Importer, Row, _bad_cell, _Rollback
from dangvu.members import events as member_events
from dangvu.members.models import (
    EventKind,
    MembershipEvent,
    PartyMember,
)
from dangvu.orgs.models import Organisation


# --- events ------------------------------------------------------------------------------------
class EventImporter(Importer):
    kind = "events"
    required_for_create = ("kind", "on")

    def plan(self, rows: list[Row], *, commit: bool, changeset: ChangeSet | None = None) -> None:
        matched = self.members_by_keys(rows, one_row_each=False)
        self.identify_keyless(rows, matched)
        members = self.members({m for m in matched.values() if m})
        orgs = self.orgs_by_code({r.values.get("org") or "" for r in rows})
        manage = scope_for(self.actor, Ability.MANAGE_MEMBERS)
        recorded = set(
            MembershipEvent.objects.filter(
                member_id__in=list(members), voided_by__isnull=True
            ).values_list("member_id", "kind", "on")
        )
        todo: list[tuple[Row, PartyMember]] = []
        in_file: dict[tuple[int, str, dt.date], int] = {}
        for row in rows:
            member = self.member_of_row(row, matched, members, manage)
            if member is None:
                continue
            for key in ("kind", "on"):
                if not row.values.get(key) and not _bad_cell(self, row, key):
                    self.error(row, key, _("Required."))
            if not row.values.get("kind") or not row.values.get("on"):
                continue
            fact = (member.pk, row.values["kind"], row.values["on"])
            if fact in in_file:
                self.error(
                    row,
                    "kind",
                    _("The same event of the same member on the same day is in row %(row)s.")
                    % {"row": in_file[fact]},
                )
                continue
            in_file[fact] = row.number
            if fact in recorded:
                self.outcome.unchanged += 1
                self.outcome.rows.append(
                    {
                        "row": row.number,
                        "action": "unchanged",
                        "label": _event_label(member, row),
                        "changes": {},
                    }
                )
                continue
            todo.append((row, member))
        todo.sort(key=lambda item: (item[0].values["on"], item[0].number))
        try:
            with transaction.atomic():
                cs = changeset or open_change_set(actor=self.actor, source=self.source)
                for index, (row, member) in enumerate(todo, start=1):
                    self._record(row, member, orgs, cs)
                    if index % 200 == 0:
                        self.progress("check", index, len(todo))
                if not commit or self.outcome.errors:
                    raise _Rollback
        except _Rollback:
            if commit:
                raise

    def _record(
        self, row: Row, member: PartyMember, orgs: dict[str, Organisation], cs: ChangeSet
    ) -> None:
        v = row.values
        kind = v["kind"]
        org = None
        if v.get("org"):
            org = orgs.get(v["org"])
            if org is None:
                self.error(
                    row, "org", _("No organisation has the code %(code)s.") % {"code": v["org"]}
                )
                return
        elif kind == EventKind.TRANSFER_IN:
            org = member.org
        details = {k: v[k] for k in EVENT_DETAIL_KEYS if v.get(k) not in (None, "")}
        try:
            with transaction.atomic():
                decision = None
                if v.get("decision_number") or v.get("decision_issuer") or v.get("decision_date"):
                    decision = get_or_create_decision(
                        number=v.get("decision_number") or "",
                        date=v.get("decision_date") or v["on"],
                        issuer=v.get("decision_issuer") or "",
                    )
                member_events.event_record(
                    member=member,
                    kind=kind,
                    on=v["on"],
                    org=org,
                    decision=decision,
                    details=details,
                    actor=self.actor,
                    reason=v.get("note") or "",
                    changeset=cs,
                )
        except ValidationError as exc:
            member.refresh_from_db()
            self.service_errors(row, exc)
            return
        except PermissionDenied:
            member.refresh_from_db()
            self.error(
                row,
                "org",
                _("You may not record this event: the organisation is outside your area."),
            )
            return
        self.outcome.created += 1
        self.outcome.rows.append(
            {
                "row": row.number,
                "action": "create",
                "label": _event_label(member, row),
                "changes": {},
            }
        )


def _event_label(member: PartyMember, row: Row) -> str:
    return f"{member.person.full_name} — {EventKind(row.values['kind']).label} {format_date(row.values['on'])}"
