"""Reading congresses, committees and their composition (DOMAIN.md §8; DOMAIN-2.md §5.1).

The composition of a committee is computed from the members' records on the congress day (sex,
birth date, ethnicity) and from the seats (who sat in the committee of the previous term, who was
declared a science and technology cadre), against the directive in force that day
(rules.congress.composition). The board of a round gathers it for every subordinate."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

from django.db.models import Count, Q, QuerySet

from dangvu.accounts.guard import taken_out, write_scope
from dangvu.congress.models import Congress, Election, Seat, Term
from dangvu.core.models import ChangeLogEntry
from dangvu.members.models import MembershipPeriod, PartyMember
from dangvu.members.selectors import NOT_MINORITY, members_on
from dangvu.orgs.models import (
    SEGMENT_WIDTH,
    Lineage,
    Organisation,
    subtree_range,
    valid_on,
)
from dangvu.rules import congress as rules
from dangvu.rules import organisation as org_rules
from dangvu.tree.selectors import (
    names_on,
    placement_of,
    subtree_org_ids,
    subtree_placements,
)

BODY_ORDER = [k for k, _l in rules.BODIES]
# The organisations that hold congresses and have a committee on the board (a cell under a
# committee holds its own congress, shown on its page).
BOARD_KINDS = (
    org_rules.PROVINCIAL,
    org_rules.DISTRICT,
    org_rules.COMMUNE_SUPERIOR,
    org_rules.BLOCK,
    org_rules.GRASSROOTS_COMMITTEE,
    org_rules.GRASSROOTS_CELL,
)


def terms_of(org: Organisation) -> list[Term]:
    return list(Term.objects.filter(org=org).select_related("congress").order_by("-first_year"))


def seats_on(org: Organisation, day: dt.date) -> QuerySet[Seat]:
    return (
        Seat.objects.filter(org=org, since__lte=day)
        .filter(Q(until__isnull=True) | Q(until__gt=day))
        .select_related("member__person", "decision", "term")
        .order_by("body", "since", "member__person__sort_key")
    )


def committee_on(org: Organisation, day: dt.date) -> dict[str, list[Seat]]:
    """Who held each post on the day."""
    found: dict[str, list[Seat]] = {b: [] for b in BODY_ORDER}
    for seat in seats_on(org, day):
        found[seat.body].append(seat)
    return found


def predecessor_ids(org: Organisation) -> list[int]:
    """The organisation and those it was formed from (merged, split: the restructuring's
    lineage): whose committee of the previous term makes a member "re-elected"."""
    ids = set(Lineage.objects.filter(successor=org).values_list("predecessor_id", flat=True))
    return sorted(ids | {org.pk})


def judged(congress: Congress | None, first_seat: dt.date | None) -> tuple[dt.date | None, bool]:
    """The day a term's committee is judged on and whether it was appointed (a merged
    organisation, CT 45): the congress's closing day when the congress elected it; the day of
    the appointment (the term's first executive seat) when the superior appointed it. One rule
    for the term's page, the board and the documents."""
    if congress is not None and not congress.appointed:
        return congress.closes_on, False
    if congress is not None:
        return first_seat or congress.closes_on, True
    return first_seat, first_seat is not None


def directive_of(congress: Congress | None, day: dt.date) -> rules.Directive:
    """The directive the congress was held under (recorded with it), else the one in force."""
    found = rules.directive_by_code(congress.directive) if congress is not None else None
    return found or rules.directive_for(day)


def congress_day(term: Term) -> dt.date | None:
    congress = term.congress if _has_congress(term) else None
    first = (
        Seat.objects.filter(term=term, body=rules.EXECUTIVE)
        .order_by("since")
        .values_list("since", flat=True)
        .first()
    )
    return judged(congress, first)[0]


def _has_congress(term: Term) -> bool:
    try:
        term.congress  # noqa: B018
    except Congress.DoesNotExist:
        return False
    return True


@dataclass
class Composition:
    org: Organisation
    term: Term
    day: dt.date
    directive: rules.Directive
    level: str
    merged: bool
    figures: list[rules.Figure]
    people: dict[int, rules.Seated] = field(default_factory=dict)
    # Members of the inspection committee only: first time in it, or not.
    inspection_first: dict[int, bool] = field(default_factory=dict)

    @property
    def met(self) -> bool | None:
        """None when no directive judges it (a congress before CT 35/2019)."""
        if not self.directive.code:
            return None
        return rules.composition_met(self.figures)


@dataclass(frozen=True)
class SeatRow:
    """A seat as the composition reads it: values, not records (a province's board reads
    thousands)."""

    term_id: int
    member_id: int
    body: str
    since: dt.date
    until: dt.date | None
    how: str
    science: bool
    name: str
    sex: str
    birth: dt.date
    ethnicity: str


SEAT_FIELDS = (
    "term_id",
    "member_id",
    "body",
    "since",
    "until",
    "how",
    "science",
    "member__person__full_name",
    "member__person__sex",
    "member__person__birth_date",
    "member__person__ethnicity",
)


def seat_rows(seats: QuerySet[Seat]) -> list[SeatRow]:
    return [SeatRow(*values) for values in seats.values_list(*SEAT_FIELDS)]


def _seated_facts(
    seats: list[SeatRow], earlier: set[int]
) -> tuple[list[rules.Seated], list[rules.Seated], int, dict[int, rules.Seated]]:
    posts: dict[int, set[str]] = defaultdict(set)
    science: dict[int, bool] = defaultdict(bool)
    for s in seats:
        posts[s.member_id].add(s.body)
        science[s.member_id] |= s.science
    people: dict[int, rules.Seated] = {}
    for s in seats:
        people[s.member_id] = rules.Seated(
            key=s.member_id,
            name=s.name,
            sex=s.sex,
            birth=s.birth,
            ethnicity=s.ethnicity,
            first_time=s.member_id not in earlier,
            science=science[s.member_id],
            posts=frozenset(posts[s.member_id]),
        )
    executive = [people[m] for m in sorted(people) if rules.EXECUTIVE in posts[m]]
    standing = [people[m] for m in sorted(people) if rules.STANDING in posts[m]]
    deputies = sum(1 for m in people if rules.DEPUTY in posts[m])
    return executive, standing, deputies, people


def locality_minority(org: Organisation, day: dt.date) -> Fraction | None:
    """The share of ethnic minority members in the organisation on the day (the nearest figure
    the records hold to "the locality's ethnic structure")."""
    counts = members_on(org, day).aggregate(
        total=Count("id"),
        minority=Count("id", filter=~Q(member__person__ethnicity__in=NOT_MINORITY)),
    )
    return Fraction(counts["minority"], counts["total"]) if counts["total"] else None


def _earlier(org_ids: list[int], first_year: int) -> tuple[set[int], set[int]]:
    """Who sat in the executive committee, and in the inspection committee, of these
    organisations in an earlier term."""
    executive: set[int] = set()
    inspection: set[int] = set()
    for member_id, body in Seat.objects.filter(
        org_id__in=org_ids,
        body__in=(rules.EXECUTIVE, rules.INSPECTION),
        term__first_year__lt=first_year,
    ).values_list("member_id", "body"):
        (executive if body == rules.EXECUTIVE else inspection).add(member_id)
    return executive, inspection


def composition_of(org: Organisation, term: Term, *, locality: bool = True) -> Composition | None:
    day = congress_day(term)
    if day is None:
        return None
    congress = term.congress if _has_congress(term) else None
    seats = seat_rows(
        Seat.objects.filter(term=term, since__lte=day).filter(
            Q(until__isnull=True) | Q(until__gt=day)
        )
    )
    if not any(s.body == rules.EXECUTIVE for s in seats):
        return None  # nobody elected or appointed yet: nothing to judge
    earlier, earlier_inspection = _earlier(predecessor_ids(org), term.first_year)
    return _composition(
        org,
        term,
        day,
        seats,
        earlier,
        locality_minority(org, day) if locality else None,
        earlier_inspection=earlier_inspection,
        directive=directive_of(congress, day),
        appointed=judged(congress, day)[1],
    )


def _composition(
    org: Organisation,
    term: Term,
    day: dt.date,
    seats: list[SeatRow],
    earlier: set[int],
    minority: Fraction | None,
    kind: str | None = None,
    appointed: bool | None = None,
    predecessors: int | None = None,
    earlier_inspection: set[int] | None = None,
    directive: rules.Directive | None = None,
) -> Composition:
    directive = directive or rules.directive_for(day)
    place_kind = kind or (placement_of(org, day).kind if placement_of(org, day) else org.kind)  # type: ignore[union-attr]
    level = rules.level_of(place_kind)
    if appointed is None:
        appointed = any(s.how == rules.APPOINTED for s in seats if s.body == rules.EXECUTIVE)
    if predecessors is None:
        predecessors = Lineage.objects.filter(successor=org).count() or 1
    executive, standing, deputies, people = _seated_facts(seats, earlier)
    inspection = [
        replace(p, first_time=p.key not in (earlier_inspection or set()))
        for p in people.values()
        if rules.INSPECTION in p.posts
    ]
    figures = rules.composition(
        executive,
        standing,
        directive=directive,
        level=level,
        kind=place_kind,
        congress_day=day,
        merged=appointed,
        predecessors=predecessors,
        deputies=deputies,
        locality_minority=minority,
        inspection=inspection,
    )
    return Composition(
        org,
        term,
        day,
        directive,
        level,
        appointed,
        figures,
        people,
        {p.key: p.first_time for p in inspection},
    )


def term_by_label(org: Organisation, label: str) -> Term | None:
    """ "2025-2030" or "2025–2030"."""
    parts = label.replace("–", "-").split("-")
    if len(parts) != 2 or not all(p.strip().isdigit() for p in parts):
        return None
    return Term.objects.filter(org=org, first_year=int(parts[0]), last_year=int(parts[1])).first()


# ---------------------------------------------------------------------------------------------
# The board of a round


ROUNDS = {2020: rules.CT35_2019, 2025: rules.CT45_2025}


@dataclass
class BoardRow:
    org_id: int
    name: str
    kind: str
    level: str
    deadline: dt.date | None
    congress: Congress | None
    status: str
    composition: Composition | None
    path: str
    code: str = ""
    term: Term | None = None
    until: dt.date | None = None  # dissolved during the round (the row names the day)


def board(org: Organisation, year: int, on: dt.date) -> dict[str, Any]:
    """Every organisation of the subtree that holds a congress in the round of `year`: when it
    held it against the directive's deadline, and whether its committee's composition meets the
    directive; then the directive's own review — the figures over all of them."""
    directive = ROUNDS[year]
    last_deadline = max(directive.deadlines.values())
    # The organisations as they stood on the round's last deadline (the 2025 round spans the
    # reform: those formed after a grassroots deadline answer for the levels above).
    stood = min(last_deadline, on)
    places = list(subtree_placements(org, stood).filter(kind__in=BOARD_KINDS).select_related("org"))
    # Those dissolved during the round (grassroots congresses held before a merger) are counted
    # on their own deadline.
    early = min(directive.deadlines.values())
    if early < stood:
        seen = {p.org_id for p in places}
        for p in subtree_placements(org, early).filter(kind__in=BOARD_KINDS).select_related("org"):
            if p.org_id not in seen and rules.level_of(p.kind) == rules.GRASSROOTS:
                places.append(p)
                seen.add(p.org_id)
    ids = [p.org_id for p in places]
    names = names_on(ids, stood)
    terms = {
        t.org_id: t
        for t in Term.objects.filter(org_id__in=ids, first_year=year).select_related("congress")
    }
    seats_by_term: dict[int, list[SeatRow]] = defaultdict(list)
    for s in seat_rows(Seat.objects.filter(term_id__in=[t.pk for t in terms.values()])):
        seats_by_term[s.term_id].append(s)
    earlier_by_org: dict[int, set[int]] = defaultdict(set)
    inspection_by_org: dict[int, set[int]] = defaultdict(set)
    lineage = defaultdict(set)
    for pred, succ in Lineage.objects.filter(successor_id__in=ids).values_list(
        "predecessor_id", "successor_id"
    ):
        lineage[succ].add(pred)
    related = set(ids) | {p for s in lineage.values() for p in s}
    for org_id, member_id, body in Seat.objects.filter(
        org_id__in=related,
        body__in=(rules.EXECUTIVE, rules.INSPECTION),
        term__first_year__lt=year,
    ).values_list("org_id", "member_id", "body"):
        (earlier_by_org if body == rules.EXECUTIVE else inspection_by_org)[org_id].add(member_id)
    rows: list[BoardRow] = []
    for p in places:
        level = rules.level_of(p.kind)
        term = terms.get(p.org_id)
        congress = term.congress if term is not None and _has_congress(term) else None
        held = congress.closes_on if congress is not None else None
        deadline = (
            directive_of(congress, held or stood).deadline(level)
            if congress
            else (directive.deadline(level))
        )
        status = rules.deadline_status(held, deadline, on)
        composition = None
        seats = seats_by_term.get(term.pk, []) if term is not None else []
        executive = [s for s in seats if s.body == rules.EXECUTIVE]
        current: list[SeatRow] = []
        day, appointed = judged(congress, min((s.since for s in executive), default=None))
        if term is not None and executive and day is not None:
            current = [s for s in seats if s.since <= day and (s.until is None or s.until > day)]
        # Nobody seated on the day: nothing to judge (as composition_of).
        if term is not None and day is not None and any(s.body == rules.EXECUTIVE for s in current):
            earlier = set(earlier_by_org[p.org_id])
            inspected = set(inspection_by_org[p.org_id])
            for pred in lineage[p.org_id]:
                earlier |= earlier_by_org[pred]
                inspected |= inspection_by_org[pred]
            composition = _composition(
                p.org,
                term,
                day,
                current,
                earlier,
                None,
                kind=p.kind,
                appointed=appointed,
                predecessors=len(lineage[p.org_id]) or 1,
                earlier_inspection=inspected,
                directive=directive_of(congress, day),
            )
        rows.append(
            BoardRow(
                p.org_id,
                names.get(p.org_id, p.org.name),
                p.kind,
                level,
                deadline,
                congress,
                status,
                composition,
                p.path,
                p.org.code,
                term,
                p.valid_to - dt.timedelta(days=1) if p.valid_to and p.valid_to <= on else None,
            )
        )
    rows.sort(key=lambda r: r.path)
    return {"directive": directive, "rows": rows, "review": review(rows, directive)}


def review(rows: list[BoardRow], directive: rules.Directive) -> dict[str, Any]:
    """The directive's review as figures over the subordinates (a province's "tổng kết Chỉ thị")."""
    held = [r for r in rows if r.congress is not None]
    on_time = [r for r in held if r.status == "held"]
    compositions = [r.composition for r in rows if r.composition is not None]
    people = {
        (c.org.pk, p.key)
        for c in compositions
        for p in c.people.values()
        if rules.EXECUTIVE in p.posts
    }
    total = len(people)

    def count(key: str) -> int:
        return sum(next((f.count for f in c.figures if f.key == key), 0) for c in compositions)

    committees = sum(next((f.count for f in c.figures if f.key == "size"), 0) for c in compositions)
    ages = [
        (c.day - p.birth).days / 365.25
        for c in compositions
        for p in c.people.values()
        if rules.EXECUTIVE in p.posts
    ]
    return {
        "organisations": len(rows),
        "held": len(held),
        "on_time": len(on_time),
        "late": sum(1 for r in rows if r.status in ("late", "overdue")),
        "appointed": sum(1 for c in compositions if c.merged),
        "committees": len(compositions),
        "met": sum(1 for c in compositions if c.met is True),
        "members": committees,
        "women": count("women"),
        "young": count("young"),
        "minority": count("minority"),
        "renewal": count("renewal"),
        "science": count("science"),
        "average_age": round(sum(ages) / len(ages), 1) if ages else None,
        "distinct": total,
    }


def left_behind(seats: list[Seat], day: dt.date) -> list[tuple[Seat, dt.date]]:
    """Of these open seats, those whose holder is no longer a member of the seat's organisation
    on the day (transferred, died, expelled, removed), with the day they left it: the post is
    to be recorded as left, with the reason. One rule for the page, the work list, the demo."""
    if not seats:
        return []
    periods: dict[int, list[tuple[dt.date, dt.date | None, str]]] = defaultdict(list)
    for member_id, start, end, path in MembershipPeriod.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=min(s.since for s in seats)),
        temporary=False,
        member_id__in={s.member_id for s in seats},
    ).values_list("member_id", "valid_from", "valid_to", "org__path"):
        periods[member_id].append((start, end, path))
    found = []
    for seat in seats:
        low, high = subtree_range(seat.org.path)
        inside = [p for p in periods[seat.member_id] if low <= p[2] < high and p[0] <= day]
        if any(p[1] is None or p[1] > day for p in inside):
            continue
        left = max((p[1] for p in inside if p[1] is not None), default=seat.since)
        found.append((seat, max(left, seat.since)))
    return found


def seats_to_close(org: Organisation, day: dt.date) -> list[Seat]:
    """The organisation's open seats whose holder has left it."""
    seats = list(
        Seat.objects.filter(org=org, until__isnull=True).select_related("org", "member__person")
    )
    return [seat for seat, _left in left_behind(seats, day)]


def written_congress(user: Any, ids: set[str], entries: list[ChangeLogEntry]) -> set[str]:
    scope = write_scope(user)
    found = Congress.objects.filter(scope.q("org__path"), pk__in=[int(i) for i in ids])
    return {str(pk) for pk in found.values_list("pk", flat=True)} | taken_out(scope, entries)


def written_elections(user: Any, ids: set[str], entries: list[ChangeLogEntry]) -> set[str]:
    scope = write_scope(user)
    found = Election.objects.filter(scope.q("org__path"), pk__in=[int(i) for i in ids])
    return {str(pk) for pk in found.values_list("pk", flat=True)} | taken_out(scope, entries)


def written_seats(user: Any, ids: set[str], entries: list[ChangeLogEntry]) -> set[str]:
    """A seat is written by the organisation's officers, or appointed by its superior's (the
    parent's path is the organisation's path less its last segment)."""
    scope = write_scope(user)
    ok = set()
    for pk, path in Seat.objects.filter(pk__in=[int(i) for i in ids]).values_list(
        "pk", "org__path"
    ):
        if scope.covers(path) or scope.covers(path[:-SEGMENT_WIDTH] or path):
            ok.add(str(pk))
    return ok | taken_out(scope, entries)


def members_for_pick(org: Organisation, day: dt.date) -> QuerySet[PartyMember]:
    """The official members of the organisation on the day: who may stand or be appointed."""
    return PartyMember.objects.filter(
        pk__in=MembershipPeriod.objects.filter(
            valid_on(day), temporary=False, status="official", org_id__in=subtree_org_ids(org, day)
        ).values("member_id")
    ).select_related("person")
