"""The inspection sector's figures for an organisation and a period (issue 27 point 7; DOMAIN-2.md
§1.9).

Every record of the period becomes one or more *facts* — a case opened, concluded or leading to
discipline; a denunciation received or resolved; a complaint filed or resolved — with the
attributes the statistics break down by (kind, object, committee member, content, subject
level, conclusion, form of discipline, admissibility, outcome). A figure is the number of facts
matching a filter ("event=opened;kind=signs;who=member"), and the records behind it are those
facts' records: the figure and its list cannot disagree. An organisation answers for the
records of the organisations that counted as part of it on the day (its predecessors before it
was formed: tree.selectors.lineage_intervals).

The callers check the inspection role: these figures open confidential records."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from dangvu.core.dates import format_date
from dangvu.inspection import statforms
from dangvu.inspection.models import Case, Complaint, Denunciation
from dangvu.orgs.models import Organisation, Placement
from dangvu.rules import inspection as rules
from dangvu.tree.selectors import Periods, lineage_intervals

Fact = dict[str, str]


def parse_period(text: str) -> tuple[str, dt.date, dt.date]:
    """ "2025" (year), "q1/2025", "6m/2025", "9m/2025", "03/2025" (month) or "2020-2025" (term):
    the kind and the first and last days. ValueError otherwise."""
    value = text.strip().lower()
    if "-" in value:
        first, last = (int(p) for p in value.split("-", 1))
        if not 2000 <= first < last <= first + 5:
            raise ValueError(text)
        return rules.TERM, *rules.period_bounds(rules.TERM, first, last_year=last)
    if "/" in value:
        head, year_text = value.split("/", 1)
        year = int(year_text)
        if not 2000 <= year <= 2100:
            raise ValueError(text)
        named = {"q1": rules.Q1, "6m": rules.HALF, "9m": rules.NINE}
        if head in named:
            return named[head], *rules.period_bounds(named[head], year)
        month = int(head)
        if not 1 <= month <= 12:
            raise ValueError(text)
        return rules.MONTH, *rules.period_bounds(rules.MONTH, year, month)
    year = int(value)
    if not 2000 <= year <= 2100:
        raise ValueError(text)
    return rules.YEAR, *rules.period_bounds(rules.YEAR, year)


def _counts(periods: Periods, day: dt.date | None) -> bool:
    return day is not None and any(
        start <= day and (end is None or day < end) for start, end in periods
    )


@dataclass
class _Window:
    intervals: dict[int, Periods]
    first: dt.date
    last: dt.date

    def holds(self, org_id: int, day: dt.date | None) -> bool:
        return (
            day is not None
            and self.first <= day <= self.last
            and _counts(self.intervals.get(org_id, []), day)
        )


class _Kinds:
    """The kind of each organisation on a day, from its placements: a record counts at the level
    its organisation had on the record's date (a later reclassification moves no past figure)."""

    def __init__(self, org_ids: Any) -> None:
        self.spans: dict[int, list[tuple[dt.date, dt.date | None, str]]] = {}
        for org_id, start, end, kind in Placement.objects.filter(org_id__in=org_ids).values_list(
            "org_id", "valid_from", "valid_to", "kind"
        ):
            self.spans.setdefault(org_id, []).append((start, end, kind))
        self.current = dict(Organisation.objects.filter(pk__in=org_ids).values_list("pk", "kind"))

    def get(self, org_id: int, day: dt.date) -> str:
        for start, end, kind in self.spans.get(org_id, []):
            if start <= day and (end is None or day < end):
                return kind
        return self.current.get(org_id, "")


def _case_base(c: Case, kinds: _Kinds) -> Fact:
    return {
        "type": "case",
        "pk": str(c.pk),
        "kind": c.kind,
        "who": "member" if c.object_member_id else "org",
        "cm": "yes" if c.committee_member else "no",
        "content": c.content,
        "level": rules.subject_level(kinds.get(c.org_id, c.opened_on)),
        "body": c.body,
        "from_supervision": "yes" if c.from_supervision_id else "no",
        "planned": "yes" if c.item_id else "no",
    }


@dataclass
class _Records:
    """The inspection records dated within a span, of the organisations of a lineage: read once
    (by date, then kept by organisation in Python — a province's lineage is thousands of
    organisations, too many for an IN list), then turned into each window's facts."""

    cases: list[Case]
    denunciations: list[Denunciation]
    complaints: list[Complaint]

    @classmethod
    def read(cls, intervals: dict[int, Periods], first: dt.date, last: dt.date) -> _Records:
        span = (first, last)
        cases = Case.objects.filter(
            Q(opened_on__range=span)
            | Q(concluded_on__range=span)
            | Q(discipline__announced_on__range=span)
        ).select_related("discipline", "from_supervision")
        denunciations = Denunciation.objects.filter(
            Q(received_on__range=span) | Q(resolved_on__range=span)
        )
        complaints = Complaint.objects.filter(
            Q(filed_on__range=span) | Q(resolved_on__range=span)
        ).select_related("discipline")
        return cls(
            [c for c in cases if c.org_id in intervals],
            [d for d in denunciations if d.org_id in intervals],
            [c for c in complaints if c.org_id in intervals],
        )

    def org_ids(self) -> set[int]:
        ids = {c.org_id for c in self.cases} | {d.org_id for d in self.denunciations}
        ids |= {c.org_id for c in self.complaints}
        return ids | {c.from_supervision.org_id for c in self.cases if c.from_supervision}


def _case_facts(w: _Window, kinds: _Kinds, cases: list[Case]) -> list[Fact]:
    out: list[Fact] = []
    for c in cases:
        base = _case_base(c, kinds)
        if w.holds(c.org_id, c.opened_on):
            out.append({**base, "event": "opened"})
            if c.from_supervision is not None:  # the supervision passed to this inspection
                out.append({**_case_base(c.from_supervision, kinds), "event": "passed"})
        if w.holds(c.org_id, c.concluded_on):
            out.append(
                {
                    **base,
                    "event": "concluded",
                    "degree": c.degree,
                    "violating": "yes" if c.degree in rules.VIOLATING else "no",
                    "required": "yes" if c.degree in rules.DISCIPLINE_REQUIRED else "no",
                }
            )
        d = c.discipline
        if d is not None and w.holds(c.org_id, d.announced_on):
            out.append({**base, "event": "disciplined", "form": d.form})
    return out


def _petition_facts(w: _Window, kinds: _Kinds, records: _Records) -> list[Fact]:
    out: list[Fact] = []
    for d in records.denunciations:
        base = {
            "type": "denunciation",
            "pk": str(d.pk),
            "who": "member" if d.against_member_id else "org",
            "content": d.category,
            "level": rules.subject_level(kinds.get(d.org_id, d.received_on)),
            "admissibility": d.admissibility,
            "congress": "yes" if d.congress_period else "no",
        }
        if w.holds(d.org_id, d.received_on):
            out.append({**base, "event": "received"})
        if w.holds(d.org_id, d.resolved_on):
            out.append({**base, "event": "resolved", "founded": d.founded})
    for c in records.complaints:
        base = {
            "type": "complaint",
            "pk": str(c.pk),
            "who": "member" if c.discipline.member_id else "org",
            "form": c.discipline.form,
            "level": rules.subject_level(kinds.get(c.org_id, c.filed_on)),
        }
        if w.holds(c.org_id, c.filed_on):
            out.append({**base, "event": "filed"})
        if w.holds(c.org_id, c.resolved_on):
            out.append({**base, "event": "resolved", "outcome": c.outcome})
    return out


def facts_many(org: Organisation, windows: list[tuple[dt.date, dt.date]]) -> list[list[Fact]]:
    """The facts of each window (a period and the same period last year), from one reading of
    the lineage and the records."""
    intervals = lineage_intervals(org)
    records = _Records.read(intervals, min(w[0] for w in windows), max(w[1] for w in windows))
    kinds = _Kinds(records.org_ids())
    out = []
    for first, last in windows:
        window = _Window(intervals, first, last)
        out.append(
            _case_facts(window, kinds, records.cases) + _petition_facts(window, kinds, records)
        )
    return out


def facts(org: Organisation, first: dt.date, last: dt.date) -> list[Fact]:
    return facts_many(org, [(first, last)])[0]


def _parse(spec: str) -> list[tuple[str, set[str]]]:
    conditions = []
    for part in spec.split(";"):
        if not part.strip():
            continue
        key, _sep, values = part.partition("=")
        conditions.append((key.strip(), set(values.split("|"))))
    return conditions


def matching(found: list[Fact], spec: str) -> list[Fact]:
    conditions = _parse(spec)
    return [f for f in found if all(f.get(k) in values for k, values in conditions)]


def count(found: list[Fact], spec: str) -> int:
    return len({(f["type"], f["pk"]) for f in matching(found, spec)})


def statistics(org: Organisation, first: dt.date, last: dt.date) -> dict[str, Any]:
    """Flat figures of the period and of the same period last year (the command's JSON): the
    events by kind and object, conclusions, discipline by form, denunciations and complaints."""

    def flat(found: list[Fact], a: dt.date, b: dt.date) -> dict[str, Any]:
        v: Counter[str] = Counter()
        for f in found:
            event, who = f["event"], f.get("who", "")
            if event == "passed":
                continue
            if f["type"] == "case":
                v[f"{event}.{f['kind']}.{who}"] += 1
                if event == "opened":
                    v[f"opened.{who}"] += 1
                    if f["cm"] == "yes" and who == "member":
                        v[f"opened.{f['kind']}.committee_member"] += 1
                    if f["from_supervision"] == "yes":
                        v["supervision_to_signs"] += 1
                elif event == "concluded":
                    if f["violating"] == "yes":
                        v[f"violating.{f['kind']}.{who}"] += 1
                        v[f"violating.{who}"] += 1
                    if f["required"] == "yes":
                        v[f"discipline_required.{who}"] += 1
                else:
                    v[f"disciplined.{who}"] += 1
                    v[f"disciplined.{who}.{f['form']}"] += 1
            elif f["type"] == "denunciation":
                if event == "received":
                    v["denunciations.received"] += 1
                    v[f"denunciations.{f['admissibility']}"] += 1
                    if f["congress"] == "yes":
                        v["denunciations.congress_period"] += 1
                else:
                    v["denunciations.resolved"] += 1
                    v[f"denunciations.{f['founded']}"] += 1
            elif event == "filed":
                v["complaints.received"] += 1
            else:
                v["complaints.resolved"] += 1
                v[f"complaints.{f['outcome']}"] += 1
        return {"from": a.isoformat(), "to": b.isoformat(), **dict(v)}

    before = rules.same_period_last_year(first, last)
    now, then = facts_many(org, [(first, last), before])
    return {"period": flat(now, first, last), "last_year": flat(then, *before)}


@dataclass
class FormCell:
    value: int
    spec: str


@dataclass
class FormTable:
    form: statforms.StatForm
    rows: list[tuple[statforms.Line, list[FormCell]]]


def form_tables(org: Organisation, first: dt.date, last: dt.date) -> list[FormTable]:
    """Every form of statforms.FORMS filled for the period, with the same period last year in the
    last column of each row."""
    now, before = facts_many(org, [(first, last), rules.same_period_last_year(first, last)])
    tables = []
    for form in statforms.FORMS:
        # Narrowed form by form, then line by line: each fact is tested against a cell's
        # column only among the facts of its form and line.
        now_form, before_form = matching(now, form.base), matching(before, form.base)
        rows: list[tuple[statforms.Line, list[FormCell]]] = []
        for line in form.lines:
            if line.spec is None:
                rows.append((line, []))
                continue
            now_line = matching(now_form, line.spec)
            cells = []
            for column in form.columns:
                spec = f"{form.base};{line.spec};{column.spec}"
                cells.append(FormCell(count(now_line, column.spec), spec))
            total = f"{form.base};{line.spec};{form.columns[0].spec}"
            cells.append(
                FormCell(
                    count(matching(before_form, line.spec), form.columns[0].spec),
                    total + ";last_year=yes",
                )
            )
            rows.append((line, cells))
        tables.append(FormTable(form, rows))
    return tables


def records_of(org: Organisation, first: dt.date, last: dt.date, spec: str) -> list[dict[str, Any]]:
    """The records behind a figure: the same filter over the same facts."""
    previous = spec.endswith(";last_year=yes")
    if previous:
        spec = spec.removesuffix(";last_year=yes")
        first, last = rules.same_period_last_year(first, last)
    found = matching(facts(org, first, last), spec)
    seen: set[tuple[str, str]] = set()
    rows: list[dict[str, Any]] = []
    ids: dict[str, list[int]] = {"case": [], "denunciation": [], "complaint": []}
    for f in found:
        key = (f["type"], f["pk"])
        if key not in seen:
            seen.add(key)
            ids[f["type"]].append(int(f["pk"]))
    for c in Case.objects.filter(pk__in=ids["case"]).select_related(
        "object_org", "object_member__person", "org"
    ):
        who = c.object_member.person.full_name if c.object_member else c.object_org.name  # type: ignore[union-attr]
        rows.append(
            {
                "type": "case",
                "pk": c.pk,
                "label": str(c),
                "what": str(rules.CASE_KIND_LABELS[c.kind]),
                "who": who,
                "on": format_date(c.opened_on),
                "org": c.org.name,
            }
        )
    for d in Denunciation.objects.filter(pk__in=ids["denunciation"]).select_related(
        "against_org", "against_member__person", "org"
    ):
        who = d.against_member.person.full_name if d.against_member else d.against_org.name  # type: ignore[union-attr]
        rows.append(
            {
                "type": "denunciation",
                "pk": d.pk,
                "label": str(d),
                "what": str(rules.ADMISSIBILITY_LABELS[d.admissibility]),
                "who": who,
                "on": format_date(d.received_on),
                "org": d.org.name,
            }
        )
    for k in Complaint.objects.filter(pk__in=ids["complaint"]).select_related(
        "discipline__member__person", "discipline__org", "org"
    ):
        subject = k.discipline
        who = subject.member.person.full_name if subject.member else subject.org.name  # type: ignore[union-attr]
        rows.append(
            {
                "type": "complaint",
                "pk": k.pk,
                "label": str(k),
                "what": subject.get_form_display(),
                "who": who,
                "on": format_date(k.filed_on),
                "org": k.org.name,
            }
        )
    return rows


def label_of(spec: str) -> str:
    """A figure's name for the records page: the form, the line and the column it sits in."""
    for form in statforms.FORMS:
        for line in form.lines:
            for column in form.columns:
                if spec.removesuffix(";last_year=yes") == f"{form.base};{line.spec};{column.spec}":
                    return f"{form.title} — {line.label} — {column.label}"
    return _("Records behind the figure")
