"""The ratings' import: members' and organisations' annual ratings, checked by the rules of
their year."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.utils.translation import gettext as _

from dangvu.accounts.models import Ability
from dangvu.accounts.scope import scope_for
from dangvu.core.dates import format_date
from dangvu.core.models import ChangeSet
from dangvu.core.text import search_key
from dangvu.evaluation.models import Rating
from dangvu.evaluation.services import (
    Decided,
    check_decided,
    competent_for,
    proposal_of_import,
    ratings_record_decided,
    review_facts,
    review_on,
)
from dangvu.exchange.importing.base import Importer, Problem, Row, _bad_cell
from dangvu.members.models import (
    PartyMember,
)
from dangvu.orgs.models import Organisation, Placement, valid_on
from dangvu.rules import evaluation as ev

# --- ratings ----------------------------------------------------------------------------------
# Where a rule's problem with a decided rating is reported (evaluation.services.RuleProblem.kind).
RULE_COLUMNS = {
    "member": "year",
    "competent": "deciding_org",
    "score": "score_general",
    "date": "decision_date",
    "level": "level",
    "late": "decision_date",
    "quota": "level",
}


class RatingImporter(Importer):
    """Members' ratings decided outside dangvu (earlier years, or another system), checked by the
    rules of their year through `evaluation.services.check_decided` — who is reviewed, the cases
    that force KHTNV, the 2025 score, the deadline and the HTXSNV quota of each deciding level —
    and written by `ratings_record_decided`. A row the rules refuse is kept only when the officer
    overrides it, with a reason the change log records. Older years' labels are mapped (§1.2)."""

    kind = "ratings"
    subject = "member"
    required_for_create = ("year", "level")

    def plan(self, rows: list[Row], *, commit: bool, changeset: ChangeSet | None = None) -> None:
        matched = self.members_by_keys(rows, one_row_each=False)
        self.identify_keyless(rows, matched)
        members = self.members({m for m in matched.values() if m})
        orgs = self.orgs_by_code({r.values.get("deciding_org") or "" for r in rows})
        manage = scope_for(self.actor, Ability.RATE)
        todo: list[tuple[Row, Any]] = []
        in_file: dict[tuple[int, int], int] = {}
        for row in rows:
            member = self.member_of_row(row, matched, members, manage)
            if member is None:
                continue
            if not self.rating_row_ok(
                row,
                member.pk,
                orgs,
                in_file,
                _("The same member's rating for the same year is in row %(row)s."),
            ):
                continue
            todo.append((row, member))
        self.decide(todo, orgs, commit=commit, changeset=changeset)

    def units(self, todo: list[tuple[Row, Any]], year: int) -> tuple[dict[int, Any], Any]:
        """Each subject's unit on the year's review day, and the facts the check needs."""

        if year < 2018:
            return {m.pk: m.org_id for _r, m in todo}, None
        facts = review_facts([m for _r, m in todo], year)
        return {m.pk: facts[m.pk].cell_id for _r, m in todo}, facts

    def decide(
        self,
        todo: list[tuple[Row, Any]],
        orgs: dict[str, Organisation],
        *,
        commit: bool,
        changeset: ChangeSet | None,
    ) -> None:
        """Rows of each year checked as one set of decided ratings, then settled and written."""

        manage = scope_for(self.actor, Ability.RATE)
        field_name = "member_id" if self.subject == ev.MEMBER else "org_id"
        by_year: dict[int, list[tuple[Row, Any]]] = defaultdict(list)
        for row, subject in todo:
            by_year[row.values["year"]].append((row, subject))
        existing = {
            (getattr(r, field_name), r.year): r
            for r in Rating.objects.filter(
                **{f"{field_name[:-3]}__in": [s.pk for _r, s in todo]}, year__in=list(by_year)
            ).select_related("unit", "decision")
        }
        written: dict[int, list[Any]] = defaultdict(list)
        rule_rows: set[int] = set()
        for year in sorted(by_year):
            listed = by_year[year]
            unit_of, facts = self.units(listed, year)
            units = Organisation.objects.in_bulk({u for u in unit_of.values() if u})
            items = []
            for row, subject in listed:
                unit = units.get(unit_of.get(subject.pk) or 0)
                if unit is None:
                    self.error(row, "year", self.no_unit(subject, year))
                    continue
                if not manage.covers(unit.path):
                    self.error(row, "year", self.unit_outside(year))
                    continue
                v = row.values
                old = existing.get((subject.pk, year))
                here = old is not None and old.source != Rating.Source.IMPORT
                if here:
                    self.error(
                        row,
                        "level",
                        _(
                            "This rating was decided in dangvu: the superior level re-classifies it."
                        ),
                    )
                items.append(
                    Decided(
                        key=row.number,
                        subject=subject,
                        level=v["level"],
                        unit=unit,
                        deciding_org=orgs.get(v.get("deciding_org") or ""),
                        proposal=proposal_of_import(v, subject),
                        decided_on=v.get("decision_date"),
                        decision_number=v.get("decision_number") or "",
                        rating=None if here else old,
                        written=not here,
                    )
                )
            if year >= 2018:
                problems = check_decided(year, items, facts=facts)
            else:  # the four levels' rules do not reach back; who decided still does
                problems = []
                for item in items:
                    item.deciding_org = item.deciding_org or competent_for(item, review_on(year))
            by_row: dict[int, list[Any]] = defaultdict(list)
            for problem in problems:
                by_row[problem.key].append(problem)
            rows_by_number = {row.number: row for row, _s in listed}
            for item in items:
                row = rows_by_number[item.key]
                found = by_row.get(item.key, [])
                if found and all(p.overridable for p in found):
                    rule_rows.add(row.number)
                if not item.written:  # refused above: its other problems too, at once
                    for p in found:
                        self.error(row, RULE_COLUMNS.get(p.kind, "level"), p.message)
                    continue
                if found and not self.kept(row, item, found):
                    continue
                if self.settle(row, item):
                    written[year].append(item)
        self.keep_rows_unused(rule_rows)
        if commit and not self.outcome.errors:
            assert changeset is not None
            for year, items in written.items():
                ratings_record_decided(
                    year=year, items=items, changeset=changeset, actor=self.actor
                )

    def keep_rows_unused(self, rule_rows: set[int]) -> None:
        """Rows named to keep that no rule refused, or that are refused for what no override sets
        aside: said, not silently ignored."""
        if isinstance(self.override_rows, str) or not self.override_reason.strip():
            return
        refused = {p.row for p in self.outcome.errors}
        for number in sorted(set(self.override_rows) - rule_rows):
            message = (
                _("Row %(row)s cannot be kept: its problems are not rules an override sets aside.")
                if number in refused
                else _("Row %(row)s was named to keep, but no rule of its year refuses it.")
            )
            self.outcome.warnings.append(Problem(number, "", "", message % {"row": number}))

    def no_unit(self, subject: Any, year: int) -> str:

        return _("Not a member on %(date)s.") % {"date": format_date(ev.review_day(year))}

    def unit_outside(self, year: int) -> str:

        return _(
            "On %(date)s this member's party cell lay outside your area: the rating is imported "
            "there."
        ) % {"date": format_date(ev.review_day(year))}

    def kept(self, row: Row, item: Any, problems: list[Any]) -> bool:
        """A row the rules refuse: kept, each problem shown as a warning, when the officer keeps
        it with a reason (or an earlier import kept the same rating, unchanged, with its reason);
        else its errors, marked as rules an override may set aside when all of them are."""
        reason = self.override_reason.strip()
        chosen = bool(reason) and (self.override_rows == "all" or row.number in self.override_rows)
        old = item.rating
        if not chosen and old is not None and old.override_reason and _same(old, item):
            reason, chosen = old.override_reason, True
        overridable = all(p.overridable for p in problems)
        for p in problems:
            column = RULE_COLUMNS.get(p.kind, "level")
            if chosen and overridable:
                self.warn(
                    row,
                    column,
                    _("Kept against the rules (%(reason)s): %(problem)s")
                    % {"reason": reason, "problem": p.message},
                )
            else:
                self.error(row, column, p.message, rule=overridable)
        if chosen and overridable:
            item.override = reason
            if any(p.kind == "late" for p in problems):
                item.late_reason = reason
            return True
        return False

    def rating_row_ok(
        self,
        row: Row,
        subject_id: int,
        orgs: dict[str, Organisation],
        in_file: dict[tuple[int, int], int],
        twice: str,
    ) -> bool:
        """The year and level given and read, the deciding organisation known, and no second row
        for the same subject and year; else the row's error."""
        v = row.values
        missing = [k for k in ("year", "level") if not v.get(k) and not _bad_cell(self, row, k)]
        for key in missing:
            self.error(row, key, _("Required."))
        if missing or row.bad & {"year", "level"}:
            return False
        if v.get("deciding_org") and v["deciding_org"] not in orgs:
            self.error(
                row,
                "deciding_org",
                _("No organisation has the code %(code)s.") % {"code": v["deciding_org"]},
            )
            return False
        pair = (subject_id, v["year"])
        if pair in in_file:
            self.error(row, "year", twice % {"row": in_file[pair]})
            return False
        in_file[pair] = row.number
        return True

    def settle(self, row: Row, item: Any) -> bool:
        """A checked row: unchanged, an update of an earlier import (every value compared), or a
        new rating; True when it is to be written."""
        label = f"{_subject_name(item.subject)} — {row.values['year']}"
        old = item.rating
        if old is not None:
            if _same(old, item) and old.override_reason == item.override:
                self.outcome.unchanged += 1
                self.outcome.rows.append(
                    {"row": row.number, "action": "unchanged", "label": label, "changes": {}}
                )
                return False
            self.outcome.updated += 1
            self.outcome.rows.append(
                {
                    "row": row.number,
                    "action": "update",
                    "label": label,
                    "changes": {
                        self.header(key): pair for key, pair in _differences(old, item).items()
                    },
                }
            )
            return True
        self.outcome.created += 1
        self.outcome.rows.append(
            {
                "row": row.number,
                "action": "create",
                "label": label,
                "changes": {self.header("level"): ["", item.level]},
            }
        )
        return True


def _differences(old: Any, item: Any) -> dict[str, list[str]]:
    """What an imported row changes in the stored rating, column by column, as shown."""

    score = item.proposal.score if item.proposal is not None else None

    def points(value: Any) -> str:
        return ev.format_score(value) if value is not None else ""

    pairs = {
        "level": (old.level, item.level),
        "score_general": (points(old.score_general), points(score.general if score else None)),
        "score_tasks": (points(old.score_tasks), points(score.tasks if score else None)),
        "decision_number": (old.decision.number if old.decision else "", item.decision_number),
        "decision_date": (format_date(old.decided_on), format_date(item.decided_on)),
        "deciding_org": (
            old.deciding_org.name if old.deciding_org else "",
            item.deciding_org.name if item.deciding_org else "",
        ),
    }
    return {k: [a, b] for k, (a, b) in pairs.items() if a != b}


def _same(old: Any, item: Any) -> bool:
    return not _differences(old, item)


def _subject_name(subject: Any) -> str:
    return subject.person.full_name if isinstance(subject, PartyMember) else subject.name


class OrgRatingImporter(RatingImporter):
    """Organisations' ratings decided outside dangvu, checked by the caps of their year
    (DOMAIN.md §1.3) and the quota of the level that decided them, as members' ratings are."""

    kind = "org_ratings"
    subject = "org"

    def plan(self, rows: list[Row], *, commit: bool, changeset: ChangeSet | None = None) -> None:
        orgs = self.orgs_by_code(
            {r.values.get("code") or "" for r in rows}
            | {r.values.get("deciding_org") or "" for r in rows}
        )
        manage = scope_for(self.actor, Ability.RATE)
        todo: list[tuple[Row, Any]] = []
        in_file: dict[tuple[int, int], int] = {}
        for row in rows:
            v = row.values
            if not v.get("code") or "code" in row.bad:
                if not _bad_cell(self, row, "code"):
                    self.error(row, "code", _("Required."))
                self.rating_row_ok(row, -row.number, orgs, in_file, "")  # the other cells' errors
                continue
            org = orgs.get(v["code"])
            if org is None or not manage.covers(org.path):
                self.unknown_org(row, "code", v["code"])
                continue
            if v.get("name") and search_key(v["name"]) != search_key(org.name):
                self.error(
                    row,
                    "name",
                    _("The organisation with this code is %(name)s.") % {"name": org.name},
                )
                continue
            if not self.rating_row_ok(
                row,
                org.pk,
                orgs,
                in_file,
                _("The same organisation's rating for the same year is in row %(row)s."),
            ):
                continue
            todo.append((row, org))
        self.decide(todo, orgs, commit=commit, changeset=changeset)

    def units(self, todo: list[tuple[Row, Any]], year: int) -> tuple[dict[int, Any], Any]:

        parents = dict(
            Placement.objects.filter(
                valid_on(review_on(year)), org_id__in=[o.pk for _r, o in todo]
            ).values_list("org_id", "parent_id")
        )
        return parents, None

    def unit_outside(self, year: int) -> str:
        return _("This organisation's rating is decided by a level above your area.")

    def no_unit(self, subject: Any, year: int) -> str:

        return _("%(org)s did not exist under a superior on %(date)s.") % {
            "org": subject.name,
            "date": format_date(review_on(year)),
        }
