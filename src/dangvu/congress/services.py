"""Writing congresses, elections and seats (DOMAIN.md §8, §16.3–§16.4; DOMAIN-2.md §5.1).

Every way in — the pages, the ballot sheet, the demo — calls these functions; each checks its
rule (rules/congress.py), writes all or nothing and logs the change. An election's result is
pending until the approval (chuẩn y) is recorded: only then do the elected take their seats, from
the day of the election.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from dangvu.accounts.models import Ability
from dangvu.accounts.scope import require
from dangvu.congress.models import Congress, CongressDocument, Election, Nominee, Seat, Term
from dangvu.core import bulk
from dangvu.core.actors import Actor
from dangvu.core.changes import log_entry, open_change_set
from dangvu.core.dates import format_date, today
from dangvu.core.errors import RuleError
from dangvu.core.models import ChangeLogEntry, ChangeSet, Decision
from dangvu.members.models import MembershipPeriod, PartyMember
from dangvu.orgs.models import Organisation, Placement, subtree_range, valid_on
from dangvu.rules import congress as rules
from dangvu.rules import organisation as org_rules
from dangvu.tree.selectors import placement_of

BODY_LABELS = dict(rules.BODIES)
CONTENT_KEYS = {k for k, _l in rules.CONTENTS}
DOCUMENT_KINDS = dict(rules.DOCUMENTS)
LEAVE_KEYS = {k for k, _l in rules.LEAVE_REASONS}


def _changeset(actor: Actor, changeset: ChangeSet | None, source: str) -> ChangeSet:
    return changeset or open_change_set(actor=actor, source=source)


def _not_future(day: dt.date, field: str) -> None:
    if day > today():
        raise RuleError(
            _("The date %(date)s is in the future.") % {"date": format_date(day)}, field=field
        )


def _existing(org: Organisation, day: dt.date, field: str) -> Placement:
    place = placement_of(org, day)
    if place is None:
        raise RuleError(
            _("%(org)s did not exist on %(date)s.") % {"org": org.name, "date": format_date(day)},
            field=field,
        )
    return place


def term_get(
    org: Organisation, first_year: int, last_year: int, actor: Actor, cs: ChangeSet
) -> Term:
    """The organisation's term starting in `first_year` (made on first use, and logged)."""
    require(actor, Ability.MANAGE_ORGS, org.path)
    if not (2000 <= first_year < last_year <= first_year + 5):
        raise RuleError(_("A term runs from one year to a later one, at most five."), field="term")
    term = Term.objects.filter(org=org, first_year=first_year).first()
    if term is None:
        overlapping = Term.objects.filter(
            org=org, first_year__lt=last_year, last_year__gt=first_year
        ).first()
        if overlapping is not None:
            raise RuleError(
                _("The term %(term)s of this organisation overlaps it.") % {"term": overlapping},
                field="term",
            )
        term = Term.objects.create(
            org=org, first_year=first_year, last_year=last_year, changeset=cs
        )
    elif term.last_year != last_year:
        raise RuleError(
            _("The term starting in %(year)s is %(term)s.") % {"year": first_year, "term": term},
            field="term",
        )
    return term


@dataclass(frozen=True)
class CongressInput:
    first_year: int
    last_year: int
    kind: str
    opens_on: dt.date
    closes_on: dt.date
    convened: int
    present: int
    preparatory_on: dt.date | None = None
    number: int | None = None
    appointed: bool = False
    contents: tuple[str, ...] = ()


@transaction.atomic
def congress_record(
    *,
    org: Organisation,
    data: CongressInput,
    actor: Actor,
    source: str = ChangeSet.Source.WEB,
    changeset: ChangeSet | None = None,
) -> Congress:
    """Record an organisation's congress opening a term (DOMAIN.md §8.1–§8.2)."""
    require(actor, Ability.MANAGE_ORGS, org.path)
    problems: dict[str, list[str]] = {}
    if data.kind not in dict(rules.CONGRESS_KINDS):
        problems.setdefault("kind", []).append(_("Choose the kind of congress."))
    if data.closes_on < data.opens_on:
        problems.setdefault("closes_on", []).append(_("The congress closes after it opens."))
    if data.preparatory_on and data.preparatory_on > data.opens_on:
        problems.setdefault("preparatory_on", []).append(
            _("The preparatory session comes before the congress opens.")
        )
    if data.present > data.convened:
        problems.setdefault("present", []).append(
            _("More present (%(present)s) than convened (%(convened)s).")
            % {"present": data.present, "convened": data.convened}
        )
    if data.convened <= 0:
        problems.setdefault("convened", []).append(_("Give the number convened."))
    contents = list(data.contents) or (
        rules.MERGED_CONTENTS if data.appointed else rules.ALL_CONTENTS
    )
    if set(contents) - CONTENT_KEYS:
        problems.setdefault("contents", []).append(_("Choose the contents from the list."))
    elif data.appointed and set(contents) & {rules.ELECT_COMMITTEE, rules.ELECT_DELEGATES}:
        # CT 45: a merged organisation's committee and delegates are appointed, not elected.
        problems.setdefault("contents", []).append(
            _("A committee appointed by the superior is not elected at the congress (CT 45).")
        )
    if problems:
        raise ValidationError(problems)
    _not_future(data.closes_on, "closes_on")
    _existing(org, data.opens_on, "opens_on")
    if not data.opens_on.year - 1 <= data.first_year <= data.opens_on.year + 1:
        raise RuleError(
            _("A congress held in %(year)s opens a term starting in %(low)s to %(high)s.")
            % {
                "year": data.opens_on.year,
                "low": data.opens_on.year - 1,
                "high": data.opens_on.year + 1,
            },
            field="first_year",
        )
    cs = _changeset(actor, changeset, source)
    term = term_get(org, data.first_year, data.last_year, actor, cs)
    if Congress.objects.filter(term=term).exists():
        raise RuleError(
            _("The congress of the term %(term)s is already recorded.") % {"term": term},
            field="term",
        )
    congress = Congress.objects.create(
        term=term,
        org=org,
        number=data.number,
        kind=data.kind,
        preparatory_on=data.preparatory_on,
        opens_on=data.opens_on,
        closes_on=data.closes_on,
        contents=contents,
        appointed=data.appointed,
        convened=data.convened,
        present=data.present,
        directive=rules.directive_for(data.opens_on).code,
        changeset=cs,
    )
    log_entry(
        cs,
        action="congress.create",
        obj=congress,
        scope_path=org.path,
        after={
            "org": org.name,
            "term": str(term),
            "opens_on": format_date(data.opens_on),
            "kind": data.kind,
            "appointed": data.appointed,
        },
    )
    return congress


@transaction.atomic
def document_record(
    *,
    congress: Congress,
    kind: str,
    dated: dt.date,
    title: str,
    actor: Actor,
    number: str = "",
    content: bytes | None = None,
    filename: str = "",
    source: str = ChangeSet.Source.WEB,
) -> CongressDocument:
    """Attach a congress document: the political report, the review of the committee, the
    resolution (DOMAIN.md §8.1)."""
    require(actor, Ability.MANAGE_ORGS, congress.org.path)
    if kind not in DOCUMENT_KINDS:
        raise RuleError(_("Choose the kind of document."), field="kind")
    if not title.strip():
        raise RuleError(_("Write the document's title."), field="title")
    _not_future(dated, "dated")
    if content is not None and len(content) > 20 * 1024 * 1024:
        raise RuleError(_("The file is larger than 20 MB."), field="content")
    doc = CongressDocument.objects.create(
        congress=congress,
        kind=kind,
        number=number.strip(),
        dated=dated,
        title=title.strip(),
        content=content,
        filename=filename[:200],
    )
    cs = open_change_set(actor=actor, source=source)
    log_entry(
        cs,
        action="congress.document",
        obj=congress,
        scope_path=congress.org.path,
        after={
            "document": str(DOCUMENT_KINDS[kind]),
            "title": doc.title,
            "dated": format_date(dated),
        },
    )
    return doc


def _eligible(place: Placement, day: dt.date, member_ids: Sequence[int]) -> list[int]:
    """Of `member_ids`, those who are not official members of the organisation (its placement on
    the day) then: a candidate is a party member of the organisation holding the election, and a
    probationary member may not stand (Điều lệ Điều 5)."""
    low, high = subtree_range(place.path)
    found = set(
        MembershipPeriod.objects.filter(
            valid_on(day),
            temporary=False,
            status="official",
            member_id__in=member_ids,
            org_id__in=Placement.objects.filter(valid_on(day), path__gte=low, path__lt=high).values(
                "org_id"
            ),
        ).values_list("member_id", flat=True)
    )
    return [m for m in member_ids if m not in found]


@dataclass(frozen=True)
class NomineeInput:
    member: PartyMember
    from_floor: bool = False
    floor_support: int | None = None
    science: bool = False


def _within_executive(
    org: Organisation,
    term: Term,
    body: str,
    members: Sequence[PartyMember],
    day: dt.date,
    field: str,
) -> None:
    """The standing committee, the secretary and the deputies come from the executive committee
    of the term: seated on the day, or elected in a round awaiting approval. A cell with no
    executive committee (fewer than nine official members) elects its secretary and deputy
    directly (Điều lệ Điều 24). One rule for an election and for an appointment."""
    if body not in rules.WITHIN_EXECUTIVE:
        return
    executive = set(
        Seat.objects.filter(
            Q(until__isnull=True) | Q(until__gt=day),
            org=org,
            term=term,
            body=rules.EXECUTIVE,
            since__lte=day,
        ).values_list("member_id", flat=True)
    ) | set(
        Nominee.objects.exclude(election__status=Election.Status.VOID)
        .filter(
            election__term=term,
            election__body=rules.EXECUTIVE,
            election__held_on__lte=day,
            outcome="elected",
        )
        .values_list("member_id", flat=True)
    )
    if not executive and body != rules.STANDING and org.kind in org_rules.MEMBER_HOLDING_KINDS:
        return
    names = [m.person.full_name for m in members if m.pk not in executive]
    if names:
        raise RuleError(
            _("Not a member of the executive committee of this term: %(names)s.")
            % {"names": ", ".join(names)},
            field=field,
        )


def _check_body(org: Organisation, body: str, seats: int, field: str) -> None:
    """A cell elects its chi ủy, secretary, deputy and delegates (no standing or inspection
    committee); a secretary or a chair is one person."""
    if body not in BODY_LABELS:
        raise RuleError(_("Choose what is elected."), field="body")
    if org.kind in org_rules.MEMBER_HOLDING_KINDS and body not in rules.CELL_BODIES:
        raise RuleError(
            _("A party cell has no %(body)s.") % {"body": str(BODY_LABELS[body]).lower()},
            field="body",
        )
    if body in (rules.SECRETARY, rules.INSPECTION_CHAIR) and seats != 1:
        raise RuleError(_("One person holds this post."), field=field)


def _check_list(
    *,
    org: Organisation,
    term: Term,
    body: str,
    held_on: dt.date,
    seats: int,
    base_kind: str,
    convened: int,
    present: int,
    nominees: Sequence[NomineeInput],
    deductions: Mapping[str, int] | None,
    congress: Congress | None,
    how: str,
    round: int,
    tie_rule: str,
) -> Placement:
    """The rules of a round's list (QĐ 190 Điều 14) and of its base (Điều 30)."""
    if term.org_id != org.pk:
        raise RuleError(_("The term is another organisation's."), field="term")
    _check_body(org, body, seats, "seats")
    if how not in dict(rules.HOW) or how == rules.APPOINTED:
        raise RuleError(_("Choose how the election is held."), field="how")
    if how == rules.AT_CONGRESS and congress is None:
        raise RuleError(
            _("Record the congress first, or choose a plenum or a by-election."), field="how"
        )
    if how == rules.AT_CONGRESS and body == rules.STANDING:
        raise RuleError(
            _("The standing committee is elected by the executive committee, at its plenum."),
            field="how",
        )
    if (
        congress is not None
        and round == 1
        and (
            Election.objects.exclude(status=Election.Status.VOID)
            .filter(congress=congress, body=body, round=1)
            .exists()
        )
    ):
        raise RuleError(
            _(
                "A first round for this post is already recorded at this congress: a further "
                "round, or withdraw the first if it was entered in error."
            ),
            field="round",
        )
    if congress is not None and (congress.term_id != term.pk):
        raise RuleError(_("The congress is of another term."), field="congress")
    if congress is not None and congress.appointed and body in (rules.EXECUTIVE, rules.DELEGATE):
        raise RuleError(
            _("A committee appointed by the superior is not elected at the congress (CT 45)."),
            field="body",
        )
    if tie_rule not in dict(rules.TIE_RULES):
        raise RuleError(_("Choose a rule for a tie, or none."), field="tie_rule")
    _not_future(held_on, "held_on")
    place = _existing(org, held_on, "held_on")
    if present > convened:
        raise RuleError(
            _("More present (%(present)s) than convened (%(convened)s).")
            % {"present": present, "convened": convened},
            field="present",
        )
    try:
        rules.base_of(base_kind, convened, deductions or {})
    except ValueError:
        raise RuleError(
            _("The deductions leave nobody to count against, or do not apply to this congress."),
            field="deductions",
        ) from None
    ids = [n.member.pk for n in nominees]
    if len(set(ids)) != len(ids):
        raise RuleError(_("A candidate is listed twice."), field="nominees")
    if round == 1:
        problem = rules.surplus_problem(
            seats,
            len(nominees),
            required=how != rules.BY_ELECTION and body in rules.SURPLUS_REQUIRED,
            capped=body in rules.LIST_BODIES,
        )
    else:  # a further round: as many as the seats left, or more
        problem = None if len(nominees) >= seats > 0 else _("Too few candidates for the seats.")
        first = (
            Election.objects.exclude(status=Election.Status.VOID)
            .filter(term=term, body=body, round=1, held_on__lte=held_on)
            .order_by("-held_on", "-pk")
            .first()
        )
        if first is None:
            problem = _("Record the first round before a further one.")
        else:
            filled = (
                Nominee.objects.exclude(election__status=Election.Status.VOID)
                .filter(
                    election__term=term,
                    election__body=body,
                    election__held_on__gte=first.held_on,
                    election__held_on__lte=held_on,
                    outcome="elected",
                )
                .count()
            )
            if seats > first.seats - filled:
                problem = _(
                    "%(seats)s seats in this round, but %(open)s of the %(total)s are still open."
                ) % {"seats": seats, "open": first.seats - filled, "total": first.seats}
    if problem:
        raise RuleError(problem, field="nominees")
    if congress is not None and not (congress.opens_on <= held_on <= congress.closes_on):
        raise RuleError(
            _("The congress sat from %(start)s to %(end)s: the vote is held then.")
            % {"start": format_date(congress.opens_on), "end": format_date(congress.closes_on)},
            field="held_on",
        )
    for n in nominees:
        if n.from_floor and (n.floor_support or 0) > present:
            raise RuleError(
                _("More agreeing to a nomination (%(support)s) than present (%(present)s).")
                % {"support": n.floor_support, "present": present},
                field="nominees",
            )
        if n.from_floor and not rules.floor_admitted(n.floor_support or 0, present):
            raise RuleError(
                _(
                    "%(name)s, nominated from the floor, had %(support)s of %(present)s present: "
                    "more than 30 %% must agree (QĐ 190 Điều 14)."
                )
                % {
                    "name": n.member.person.full_name,
                    "support": n.floor_support or 0,
                    "present": present,
                },
                field="nominees",
            )
    outside = _eligible(place, held_on, ids)
    if outside:
        names = [n.member.person.full_name for n in nominees if n.member.pk in outside]
        raise RuleError(
            _("Not an official member of this organisation on %(date)s: %(names)s.")
            % {"date": format_date(held_on), "names": ", ".join(names)},
            field="nominees",
        )
    _within_executive(org, term, body, [n.member for n in nominees], held_on, "nominees")
    return place


@transaction.atomic
def election_open(
    *,
    org: Organisation,
    term: Term,
    body: str,
    held_on: dt.date,
    seats: int,
    base_kind: str,
    convened: int,
    present: int,
    nominees: Sequence[NomineeInput],
    actor: Actor,
    deductions: Mapping[str, int] | None = None,
    congress: Congress | None = None,
    how: str = rules.AT_CONGRESS,
    round: int = 1,
    tie_rule: str = "",
    source: str = ChangeSet.Source.WEB,
    changeset: ChangeSet | None = None,
) -> Election:
    """List the candidates of one round (QĐ 190 Điều 14): the convening committee's list with its
    surplus, those nominated from the floor who had more than 30 % of those present."""
    require(actor, Ability.MANAGE_ORGS, org.path)
    _check_list(
        org=org,
        term=term,
        body=body,
        held_on=held_on,
        seats=seats,
        base_kind=base_kind,
        convened=convened,
        present=present,
        nominees=nominees,
        deductions=deductions,
        congress=congress,
        how=how,
        round=round,
        tie_rule=tie_rule,
    )
    cs = _changeset(actor, changeset, source)
    election = Election.objects.create(
        org=org,
        term=term,
        congress=congress,
        how=how,
        body=body,
        held_on=held_on,
        round=round,
        seats=seats,
        base_kind=base_kind,
        convened=convened,
        deductions={k: int(v) for k, v in (deductions or {}).items() if v},
        present=present,
        tie_rule=tie_rule,
        changeset=cs,
    )
    Nominee.objects.bulk_create(
        [
            Nominee(
                election=election,
                member=n.member,
                listed=Nominee.Listed.FLOOR if n.from_floor else Nominee.Listed.COMMITTEE,
                floor_support=n.floor_support,
                science=n.science,
            )
            for n in nominees
        ]
    )
    log_entry(
        cs,
        action="election.create",
        obj=election,
        scope_path=org.path,
        after={
            "org": org.name,
            "body": str(BODY_LABELS[body]),
            "held_on": format_date(held_on),
            "seats": seats,
            "candidates": [n.member.person.full_name for n in nominees],
        },
    )
    return election


def _open_round(election: Election) -> None:
    if election.status != Election.Status.OPEN:
        raise RuleError(_("This round is already counted."), field="votes")


def check_count(
    rows: Sequence[tuple[str, int, str]],
    votes: Mapping[int, int],
    *,
    ballots_issued: int,
    ballots_collected: int,
    invalid: int,
    present: int,
    seats: int,
) -> tuple[int, dict[str, int]]:
    """The count's own consistency (the minutes): ballots collected ≤ issued ≤ present, invalid ≤
    collected, each candidate's votes ≤ the valid ballots, all of them ≤ valid × seats. `rows`:
    (the form's field, the member, the name). The votes by member, as the rule counts them."""
    problems: dict[str, list[str]] = {}
    if ballots_collected > ballots_issued:
        problems.setdefault("ballots_collected", []).append(
            _("More ballots collected than issued.")
        )
    if ballots_issued > present:
        problems.setdefault("ballots_issued", []).append(
            _("More ballots issued (%(issued)s) than people present (%(present)s).")
            % {"issued": ballots_issued, "present": present}
        )
    if invalid > ballots_collected:
        problems.setdefault("invalid", []).append(_("More invalid ballots than collected."))
        raise ValidationError(problems)
    valid = ballots_collected - invalid
    counted: dict[str, int] = {}
    for field, member_id, name in rows:
        v = votes.get(member_id)
        if v is None:
            problems.setdefault(field, []).append(_("Give the votes of %(name)s.") % {"name": name})
            continue
        if v < 0 or v > valid:
            problems.setdefault(field, []).append(
                _("%(name)s: %(votes)s votes, but %(valid)s valid ballots.")
                % {"name": name, "votes": v, "valid": valid}
            )
        counted[str(member_id)] = v
    if sum(counted.values()) > valid * seats:
        problems.setdefault("votes", []).append(
            _(
                "%(sum)s votes in all, but %(valid)s valid ballots for %(seats)s seats carry at "
                "most %(most)s."
            )
            % {"sum": sum(counted.values()), "valid": valid, "seats": seats, "most": valid * seats}
        )
    if problems:
        raise ValidationError(problems)
    return valid, counted


def _result(
    nominees: Sequence[Nominee], counted: Mapping[str, int], seats: int, base: int, tie_rule: str
) -> rules.Outcome:
    """The rule's outcome (rules.congress.elect), written on the nominees: votes, rank, result."""
    births = {str(n.member_id): n.member.person.birth_date for n in nominees}
    outcome = rules.elect(counted, seats, base, tie_rule=tie_rule, births=births)
    # Equal votes, equal rank (1, 2, 2, 4): the order is the votes'.
    rank = {key: 1 + sum(1 for v in counted.values() if v > counted[key]) for key in counted}
    for n in nominees:
        key = str(n.member_id)
        n.votes, n.rank = counted[key], rank[key]
        n.outcome = (
            "elected"
            if key in outcome.elected
            else "tied"
            if key in outcome.tied
            else "passed"
            if key in outcome.passed_not_elected
            else "failed"
        )
    return outcome


@transaction.atomic
def election_count(
    *,
    election: Election,
    votes: Mapping[int, int],  # member id -> votes
    ballots_issued: int,
    ballots_collected: int,
    invalid: int,
    actor: Actor,
    source: str = ChangeSet.Source.WEB,
    changeset: ChangeSet | None = None,
) -> rules.Outcome:
    """Record the count (biên bản kiểm phiếu): the ballots, the votes of each candidate, and the
    result under QĐ 190 Điều 30 — pending the approval."""
    require(actor, Ability.MANAGE_ORGS, election.org.path)
    _open_round(election)
    nominees = list(election.nominees.select_related("member__person"))
    valid, counted = check_count(
        [(f"votes_{n.pk}", n.member_id, n.member.person.full_name) for n in nominees],
        votes,
        ballots_issued=ballots_issued,
        ballots_collected=ballots_collected,
        invalid=invalid,
        present=election.present,
        seats=election.seats,
    )
    base = rules.base_of(election.base_kind, election.convened, election.deductions)
    outcome = _result(nominees, counted, election.seats, base, election.tie_rule)
    bulk.update(nominees, ["votes", "rank", "outcome"])
    election.ballots_issued, election.ballots_collected = ballots_issued, ballots_collected
    election.valid, election.invalid = valid, invalid
    election.status = Election.Status.COUNTED
    election.save()
    cs = _changeset(actor, changeset, source)
    log_entry(
        cs,
        action="election.count",
        obj=election,
        scope_path=election.org.path,
        after={
            "body": str(BODY_LABELS[election.body]),
            "base": base,
            "needed": outcome.needed,
            "elected": [n.member.person.full_name for n in nominees if n.outcome == "elected"],
            "tied": [n.member.person.full_name for n in nominees if n.outcome == "tied"],
        },
    )
    return outcome


def _close_previous(
    org: Organisation,
    term: Term,
    body: str,
    on: dt.date,
    cs: ChangeSet,
    *,
    single: bool = False,
) -> None:
    """The committee of the previous term leaves when the new one is elected or appointed (end
    of the term) — with the executive committee, every post of that term (standing committee,
    secretary, deputies, inspection committee); a secretary (or a chair) leaves the post when
    another is elected to it in the term (replaced: "other"). Each departure is logged."""
    bodies = (
        [b for b, _l in rules.BODIES if b != rules.DELEGATE] if body == rules.EXECUTIVE else [body]
    )
    held = Seat.objects.filter(org=org, body__in=bodies, until__isnull=True, since__lte=on)
    if not single:
        held = held.filter(term__first_year__lt=term.first_year)
    seats = list(held.select_related("member__person", "term"))
    for seat in seats:
        seat.until = on
        seat.left_reason = "term_end" if seat.term.first_year < term.first_year else "other"
    _end_seats(cs, seats)


def _end_seats(cs: ChangeSet, seats: list[Seat]) -> None:
    """Seats whose `until` and `left_reason` were set: written and logged in two statements (a
    new committee ends a whole term's posts; a restructuring, a whole committee's)."""
    if not seats:
        return
    ending: dict[tuple[dt.date | None, str], list[int]] = {}
    for seat in seats:  # a few distinct days and reasons: one UPDATE each, not a CASE per seat
        ending.setdefault((seat.until, seat.left_reason), []).append(seat.pk)
    for (until, reason), ids in ending.items():
        Seat.objects.filter(pk__in=ids).update(until=until, left_reason=reason)
    ChangeLogEntry.objects.bulk_create([_log_leave(cs, seat, save=False) for seat in seats])


def _refuse_holding(
    org: Organisation, term: Term, body: str, members: Sequence[PartyMember]
) -> None:
    """Someone who holds the post already (a form sent twice) is refused, before anything ends."""
    holding = set(
        Seat.objects.filter(
            org=org, body=body, term=term, until__isnull=True, member__in=members
        ).values_list("member_id", flat=True)
    )
    for member in members:
        if member.pk in holding:
            raise RuleError(
                _("%(name)s already holds this post.") % {"name": member.person.full_name},
                field="members",
            )


def _take_seats(
    election: Election, elected: Sequence[Nominee], decision: Decision, cs: ChangeSet
) -> list[Seat]:
    """The elected take their posts from the day of the vote (once approved)."""
    _refuse_holding(election.org, election.term, election.body, [n.member for n in elected])
    if election.how != rules.BY_ELECTION or _single(election.body):
        _close_previous(
            election.org,
            election.term,
            election.body,
            election.held_on,
            cs,
            single=_single(election.body),
        )
    return _seats(
        org=election.org,
        term=election.term,
        body=election.body,
        members=[n.member for n in elected],
        since=election.held_on,
        how=election.how,
        decision=decision,
        cs=cs,
        election=election,
        science=frozenset(n.member_id for n in elected if n.science),
    )


def _seats(
    *,
    org: Organisation,
    term: Term,
    body: str,
    members: Sequence[PartyMember],
    since: dt.date,
    how: str,
    decision: Decision | None,
    cs: ChangeSet,
    election: Election | None = None,
    science: frozenset[int] = frozenset(),
) -> list[Seat]:
    """The posts taken (`_refuse_holding` has refused anyone holding the post already). A term
    entered after a later one (from old minutes) ends where the later term's post begins: two
    committees are never current at once."""
    later = (
        Seat.objects.filter(org=org, body=body, term__first_year__gt=term.first_year)
        .order_by("since")
        .values_list("since", flat=True)
        .first()
    )
    until = later if later is not None and later > since else None
    return Seat.objects.bulk_create(
        [
            Seat(
                org=org,
                term=term,
                body=body,
                member=member,
                since=since,
                how=how,
                election=election,
                decision=decision,
                science=member.pk in science,
                until=until,
                left_reason="term_end" if until else "",
                changeset=cs,
            )
            for member in members
        ]
    )


def _single(body: str) -> bool:
    return body in (rules.SECRETARY, rules.INSPECTION_CHAIR)


@transaction.atomic
def election_approve(
    *,
    election: Election,
    decision: Decision,
    actor: Actor,
    source: str = ChangeSet.Source.WEB,
    changeset: ChangeSet | None = None,
) -> list[Seat]:
    """The superior's approval (chuẩn y) of the result, recorded by the organisation's officers
    who received the decision (an appointment, by contrast, is the superior's own act and is
    entered by its officers: committee_appoint): the elected take their seats from the day of
    the election; the previous term's holders of the post leave it then."""
    require(actor, Ability.MANAGE_ORGS, election.org.path)
    if election.status != Election.Status.COUNTED:
        raise RuleError(_("Record the count before its approval."), field="status")
    if decision.date < election.held_on:
        raise RuleError(
            _("The approval comes after the election (%(date)s).")
            % {"date": format_date(election.held_on)},
            field="decision_date",
        )
    _not_future(decision.date, "decision_date")
    cs = _changeset(actor, changeset, source)
    elected = list(election.nominees.filter(outcome="elected").select_related("member__person"))
    seats = _take_seats(election, elected, decision, cs)
    election.approval = decision
    election.status = Election.Status.APPROVED
    election.save(update_fields=["approval", "status"])
    log_entry(
        cs,
        action="election.approve",
        obj=election,
        scope_path=election.org.path,
        after={"decision": str(decision), "seated": [n.member.person.full_name for n in elected]},
    )
    return seats


@transaction.atomic
def election_record(
    *,
    org: Organisation,
    term: Term,
    body: str,
    held_on: dt.date,
    seats: int,
    base_kind: str,
    convened: int,
    present: int,
    nominees: Sequence[NomineeInput],
    votes: Mapping[int, int],
    ballots_issued: int,
    ballots_collected: int,
    invalid: int,
    actor: Actor,
    approval: Decision | None = None,
    deductions: Mapping[str, int] | None = None,
    congress: Congress | None = None,
    how: str = rules.AT_CONGRESS,
    round: int = 1,
    tie_rule: str = "",
    source: str = ChangeSet.Source.WEB,
    changeset: ChangeSet | None = None,
) -> Election:
    """A finished round entered at once from its minutes (a congress held before the records were
    kept here, a ballot sheet, the demo): the same rules as `election_open`, `election_count` and
    `election_approve` one after the other, in one change."""
    require(actor, Ability.MANAGE_ORGS, org.path)
    _check_list(
        org=org,
        term=term,
        body=body,
        held_on=held_on,
        seats=seats,
        base_kind=base_kind,
        convened=convened,
        present=present,
        nominees=nominees,
        deductions=deductions,
        congress=congress,
        how=how,
        round=round,
        tie_rule=tie_rule,
    )
    valid, counted = check_count(
        [(f"votes_{n.member.pk}", n.member.pk, n.member.person.full_name) for n in nominees],
        votes,
        ballots_issued=ballots_issued,
        ballots_collected=ballots_collected,
        invalid=invalid,
        present=present,
        seats=seats,
    )
    if approval is not None:
        if approval.date < held_on:
            raise RuleError(
                _("The approval comes after the election (%(date)s).")
                % {"date": format_date(held_on)},
                field="decision_date",
            )
        _not_future(approval.date, "decision_date")
    cs = _changeset(actor, changeset, source)
    clean = {k: int(v) for k, v in (deductions or {}).items() if v}
    election = Election.objects.create(
        org=org,
        term=term,
        congress=congress,
        how=how,
        body=body,
        held_on=held_on,
        round=round,
        seats=seats,
        base_kind=base_kind,
        convened=convened,
        deductions=clean,
        present=present,
        tie_rule=tie_rule,
        ballots_issued=ballots_issued,
        ballots_collected=ballots_collected,
        valid=valid,
        invalid=invalid,
        status=Election.Status.APPROVED if approval else Election.Status.COUNTED,
        approval=approval,
        changeset=cs,
    )
    rows = [
        Nominee(
            election=election,
            member=n.member,
            listed=Nominee.Listed.FLOOR if n.from_floor else Nominee.Listed.COMMITTEE,
            floor_support=n.floor_support,
            science=n.science,
        )
        for n in nominees
    ]
    outcome = _result(rows, counted, seats, rules.base_of(base_kind, convened, clean), tie_rule)
    Nominee.objects.bulk_create(rows)
    elected = [n for n in rows if n.outcome == "elected"]
    if approval is not None:
        _take_seats(election, elected, approval, cs)
    log_entry(
        cs,
        action="election.record",
        obj=election,
        scope_path=org.path,
        after={
            "org": org.name,
            "body": str(BODY_LABELS[body]),
            "held_on": format_date(held_on),
            "seats": seats,
            "needed": outcome.needed,
            "elected": [n.member.person.full_name for n in elected],
            "tied": [n.member.person.full_name for n in rows if n.outcome == "tied"],
            "approval": str(approval) if approval else "",
        },
    )
    return election


@transaction.atomic
def election_void(
    *,
    election: Election,
    reason: str,
    actor: Actor,
    source: str = ChangeSet.Source.WEB,
) -> Election:
    """A round entered in error (the wrong list, a mistyped count) withdrawn before its approval,
    with the reason: kept, shown as withdrawn, counted nowhere. An approved result stands; who
    leaves a post is recorded as such (seat_leave)."""
    require(actor, Ability.MANAGE_ORGS, election.org.path)
    if election.status == Election.Status.APPROVED:
        raise RuleError(
            _("The result was approved: record instead who leaves a post, and why."),
            field="reason",
        )
    if election.status == Election.Status.VOID:
        raise RuleError(_("This round was already withdrawn."), field="reason")
    if not reason.strip():
        raise RuleError(_("Write the reason."), field="reason")
    election.status, election.void_reason = Election.Status.VOID, reason.strip()[:300]
    election.save(update_fields=["status", "void_reason"])
    log_entry(
        open_change_set(actor=actor, source=source),
        action="election.void",
        obj=election,
        scope_path=election.org.path,
        after={"body": str(BODY_LABELS[election.body]), "reason": election.void_reason},
    )
    return election


@transaction.atomic
def committee_appoint(
    *,
    org: Organisation,
    term: Term | tuple[int, int],
    body: str,
    members: Sequence[PartyMember],
    decision: Decision,
    actor: Actor,
    science: Sequence[int] = (),
    source: str = ChangeSet.Source.WEB,
    changeset: ChangeSet | None = None,
) -> list[Seat]:
    """A committee or post appointed by the superior (chỉ định): the merged organisations of 2025
    (CT 45), or a post filled between congresses. The appointment is decided by the superior, so
    the actor needs the superior's scope."""
    place = placement_of(org, decision.date)
    if place is None:
        raise RuleError(
            _("%(org)s did not exist on %(date)s.")
            % {"org": org.name, "date": format_date(decision.date)},
            field="decision_date",
        )
    require(actor, Ability.MANAGE_ORGS, place.parent.path if place.parent else org.path)
    if body not in BODY_LABELS:
        raise RuleError(_("Choose the post."), field="body")
    if isinstance(term, tuple):  # (first year, last year): the term, made on first use
        changeset = _changeset(actor, changeset, source)
        term = term_get(org, term[0], term[1], actor, changeset)
    if term.org_id != org.pk:
        raise RuleError(_("The term is another organisation's."), field="term")
    if not members:
        raise RuleError(_("Choose who is appointed."), field="members")
    _check_body(org, body, len(members), "members")
    _not_future(decision.date, "decision_date")
    outside = _eligible(place, decision.date, [m.pk for m in members])
    if outside:
        names = [m.person.full_name for m in members if m.pk in outside]
        raise RuleError(
            _("Not an official member of this organisation on %(date)s: %(names)s.")
            % {"date": format_date(decision.date), "names": ", ".join(names)},
            field="members",
        )
    _within_executive(org, term, body, members, decision.date, "members")
    _refuse_holding(org, term, body, members)
    cs = _changeset(actor, changeset, source)
    _close_previous(org, term, body, decision.date, cs, single=_single(body))
    seats = _seats(
        org=org,
        term=term,
        body=body,
        members=members,
        since=decision.date,
        how=rules.APPOINTED,
        decision=decision,
        cs=cs,
        science=frozenset(science),
    )
    log_entry(
        cs,
        action="seat.appoint",
        obj=seats[0],
        scope_path=org.path,
        after={
            "org": org.name,
            "body": str(BODY_LABELS[body]),
            "decision": str(decision),
            "members": [m.person.full_name for m in members],
        },
    )
    return seats


@transaction.atomic
def seat_leave(
    *,
    seat: Seat,
    on: dt.date,
    reason: str,
    actor: Actor,
    source: str = ChangeSet.Source.WEB,
    changeset: ChangeSet | None = None,
) -> Seat:
    """A member leaves the post (retired, transferred, disciplined, died, resigned …): the seat
    ends that day with the reason; the figures before it stay."""
    require(actor, Ability.MANAGE_ORGS, seat.org.path)
    if reason not in LEAVE_KEYS:
        raise RuleError(_("Choose why the member leaves."), field="reason")
    if seat.until is not None:
        raise RuleError(
            _("%(name)s left this post on %(date)s.")
            % {"name": seat.member.person.full_name, "date": format_date(seat.until)},
            field="on",
        )
    _not_future(on, "on")
    if on < seat.since:
        raise RuleError(
            _("The post was taken on %(date)s.") % {"date": format_date(seat.since)}, field="on"
        )
    cs = _changeset(actor, changeset, source)
    leaving = [seat]
    if seat.body == rules.EXECUTIVE:
        # Out of the executive committee, out of the posts held within it (DOMAIN-2.md §5.1).
        leaving += list(
            Seat.objects.filter(
                org=seat.org,
                member=seat.member,
                body__in=rules.WITHIN_EXECUTIVE,
                until__isnull=True,
                since__lte=on,
            ).select_related("member__person")
        )
    for gone in leaving:
        gone.until, gone.left_reason = on, reason
        gone.save(update_fields=["until", "left_reason"])
        _log_leave(cs, gone)
    return seat


def _log_leave(cs: ChangeSet, seat: Seat, *, save: bool = True) -> ChangeLogEntry:
    return log_entry(
        cs,
        save=save,
        action="seat.leave",
        obj=seat,
        scope_path=seat.org.path,
        after={
            "name": seat.member.person.full_name,
            "body": str(BODY_LABELS[seat.body]),
            "until": format_date(seat.until),
            "reason": str(dict(rules.LEAVE_REASONS)[seat.left_reason]),
        },
    )


def close_seats(
    dissolved: list[tuple[Organisation, list[Organisation]]], on: dt.date, changeset: Any
) -> None:
    """A restructuring dissolves organisations (tree.services.succession_handlers): their
    committees' seats end that day; the successors' committees are appointed (CT 45)."""
    orgs = {org.pk: org for org, _successors in dissolved}
    seats = list(
        Seat.objects.filter(org_id__in=orgs, until__isnull=True).select_related("member__person")
    )
    for seat in seats:
        seat.org = orgs[seat.org_id]  # logged with its path: not read again for each seat
        seat.until, seat.left_reason = max(on, seat.since), "restructured"
    _end_seats(changeset, seats)
