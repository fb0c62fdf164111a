"""Rating members and organisations: the cell proposes, the competent level decides, the superior
level may re-classify (DOMAIN.md §1.5, §16.1 1.6). Every rule of rules/evaluation.py is checked on
each step, every problem of a submission is reported at once, and nothing is half-written."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from dangvu.accounts.models import Ability
from dangvu.accounts.scope import require
from dangvu.core import bulk
from dangvu.core.changes import get_or_create_decision, log_entry, log_values, open_change_set
from dangvu.core.dates import format_date, today
from dangvu.core.errors import RuleError
from dangvu.core.models import ChangeLogEntry, ChangeSet, Decision
from dangvu.discipline.models import DisciplineDecision
from dangvu.evaluation.models import PeerGroup, Rating, Round
from dangvu.members.models import FlagPeriod, MembershipPeriod, PartyMember, Person
from dangvu.members.selectors import members_on
from dangvu.orgs.models import SEGMENT_WIDTH, Organisation, Placement, valid_on
from dangvu.rules import evaluation as ev
from dangvu.rules.organisation import GRASSROOTS_KINDS, MEMBER_RATING_KINDS
from dangvu.tree.selectors import placement_of, subtree_org_ids, subtree_placements


@dataclass
class Proposal:
    """One subject's rating as the cell (or the organisation) proposes it."""

    subject: PartyMember | Organisation
    level: str
    self_level: str = ""
    score: ev.Score | None = None
    tasks_not_done_pct: float | None = None
    degradation: bool = False
    self_remedied: bool = False  # a discipline of the year was self-detected and remedied
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass
class MemberFacts:
    member: PartyMember
    status: str
    flags: set[str]
    cell_id: int | None
    joined_on: dt.date | None
    disciplines: list[ev.DisciplineFact]


def review_facts(members: Sequence[PartyMember], year: int) -> dict[int, MemberFacts]:
    """Each member's status, flags and cell on the review day, and the year's discipline: three
    queries for any number of members."""
    on = review_on(year)
    ids = [m.pk for m in members]
    periods = {
        p.member_id: p
        for p in MembershipPeriod.objects.filter(valid_on(on), member_id__in=ids, temporary=False)
    }
    flags: dict[int, set[str]] = defaultdict(set)
    for member_id, flag in FlagPeriod.objects.filter(valid_on(on), member_id__in=ids).values_list(
        "member_id", "flag"
    ):
        flags[member_id].add(flag)
    disciplines: dict[int, list[ev.DisciplineFact]] = defaultdict(list)
    for row in DisciplineDecision.objects.filter(member_id__in=ids, announced_on__year=year).values(
        "member_id", "form", "announced_on", "duty_related"
    ):
        disciplines[row["member_id"]].append(
            ev.DisciplineFact(row["form"], row["announced_on"], row["duty_related"])
        )
    out = {}
    for m in members:
        period = periods.get(m.pk)
        out[m.pk] = MemberFacts(
            member=m,
            status=period.status if period else "",
            flags=flags[m.pk],
            cell_id=period.org_id if period else None,
            # Joined: the ceremony (ngày vào Đảng) when held by the review day, else the decision.
            joined_on=m.ceremony_date
            if m.ceremony_date and m.ceremony_date <= on
            else m.admission_decision_date,
            disciplines=disciplines[m.pk],
        )
    return out


def grassroots_of(org: Organisation, on: dt.date) -> Organisation | None:
    """The grassroots organisation (đảng bộ cơ sở or chi bộ cơ sở) an organisation lies in; from
    1/7/2025 a commune committee for the village cells it holds directly."""
    place = placement_of(org, on)
    if place is None:
        return None
    segments = [place.path[i : i + 7] for i in range(0, len(place.path), 7)]
    paths = ["".join(segments[: n + 1]) for n in range(len(segments))]
    found = (
        Placement.objects.filter(valid_on(on), path__in=paths, kind__in=MEMBER_RATING_KINDS)
        .select_related("org")
        .order_by("-path")
        .first()
    )
    return found.org if found else None


def review_on(year: int) -> dt.date:
    """The day the year's facts are judged on: the round's review day, else 31/12 (HD 43 4.1)."""
    found = Round.objects.filter(year=year).values_list("review_on", flat=True).first()
    return found or ev.review_day(year)


def _still_open(year: int) -> None:
    closed = Round.objects.filter(year=year, closed_on__isnull=False).first()
    if closed is not None:
        raise RuleError(
            _(
                "The ratings of %(year)s were closed on %(date)s; the superior level may still re-classify."
            )
            % {"year": year, "date": format_date(closed.closed_on)},
            field="year",
        )


@transaction.atomic
def round_open(*, year: int, review_on: dt.date, actor: Any) -> Round:
    """Open (or move the review day of) the year's round; the review day lies in December of
    the year (HD 43 mục 4.1: the review ends before 31/12)."""
    require(actor, Ability.MANAGE_ORGS, "")
    rules = ev.rules_for(year)
    if not (dt.date(year, 11, 1) <= review_on <= dt.date(year, 12, 31)):
        raise RuleError(
            _("The review day of %(year)s lies between 01/11 and 31/12 of that year.")
            % {"year": year},
            field="review_on",
        )
    changeset = open_change_set(
        actor=actor, reason=_("Ratings of %(year)s opened") % {"year": year}
    )
    found, _new = Round.objects.update_or_create(
        year=year,
        defaults={"regulation": rules.code, "review_on": review_on, "changeset": changeset},
    )

    log_entry(
        changeset,
        action="rating.round",
        obj=found,
        after={"year": year, "review_on": review_on, "regulation": rules.code},
        scope_path="",
    )
    return found


@transaction.atomic
def round_close(*, year: int, on: dt.date, actor: Any) -> Round:
    require(actor, Ability.MANAGE_ORGS, "")
    found = Round.objects.filter(year=year).first()
    if found is None:
        raise RuleError(_("No round of %(year)s is open.") % {"year": year}, field="year")
    changeset = open_change_set(
        actor=actor, reason=_("Ratings of %(year)s closed") % {"year": year}
    )
    found.closed_on, found.changeset = on, changeset
    found.save(update_fields=["closed_on", "changeset"])

    log_entry(changeset, action="rating.round", obj=found, after={"closed_on": on}, scope_path="")
    return found


def _level_problems(
    rules: ev.EvaluationRules, year: int, p: Proposal, level: str, subject: str
) -> list[str]:
    """Why `level` cannot be given to this subject: forced KHTNV, and the 2025 score."""
    problems: list[str] = []
    if level not in ev.RANK:
        return [_("“%(value)s” is not a rating.") % {"value": level}]
    if rules.scored:
        if p.score is None:
            problems.append(_("From 2025 a rating needs its score (30 general + 70 task points)."))
        else:
            problems += ev.score_problems(p.score)
            if not problems:
                allowed, held = ev.level_from_score(rules, p.score, subject=subject)
                if ev.better(level, allowed):
                    problems.append(
                        _("A score of %(total)s allows %(allowed)s at best.")
                        % {"total": ev.format_score(p.score.total), "allowed": allowed}
                    )
                    problems += held
    return problems


def _forced(rules: ev.EvaluationRules, year: int, facts: MemberFacts, p: Proposal) -> list[str]:
    disciplines = [
        ev.DisciplineFact(f.form, f.announced_on, f.duty_related, p.self_remedied)
        for f in facts.disciplines
    ]
    return ev.forced_khtnv(
        rules,
        year=year,
        disciplines=disciplines,
        tasks_not_done_pct=p.tasks_not_done_pct,
        degradation=p.degradation,
    )


def not_reviewed(
    rules: ev.EvaluationRules, year: int, facts: MemberFacts, on: dt.date | None = None
) -> str | None:
    """Why a member is not reviewed this year (§1.1, §16.1 1.5), judged on the round's day (`on`
    when the caller has it already: loops over many members ask for it once)."""
    return ev.not_reviewed_reason(
        rules,
        year=year,
        flags=facts.flags,
        status=facts.status,
        joined_on=facts.joined_on,
        on=on or review_on(year),
    )


def level_problems(
    rules: ev.EvaluationRules,
    year: int,
    p: Proposal,
    level: str,
    *,
    member_facts: MemberFacts | None = None,
    org: Organisation | None = None,
    org_cap: tuple[str, str] | bool | None = False,
) -> list[str]:
    """Every reason `level` cannot be given: the 2025 score, then the cases that force KHTNV (a
    member) or the collective's caps (an organisation; `org_cap` when the caller has it from
    `org_caps` already). The one check of every way a rating enters: the workflow's steps, the
    re-classification, the ratings import and the demo (through `check_decided`)."""
    subject = ev.MEMBER if org is None else ev.ORG
    found = _level_problems(rules, year, p, level, subject)
    if level in ev.RANK and level != ev.KHTNV:
        if member_facts is not None:
            found += _forced(rules, year, member_facts, p)
        elif org is not None:
            cap = org_caps(rules, year, [org])[org.pk] if org_cap is False else org_cap
            if cap is not None and ev.better(level, cap[0]):  # type: ignore[index]
                found.append(cap[1])  # type: ignore[index]
    return found


def _raise_all(problems: dict[str, list[str]]) -> None:
    if problems:
        raise ValidationError({k: [ValidationError(m) for m in ms] for k, ms in problems.items()})


def _facts_json(p: Proposal) -> dict[str, Any]:
    data = dict(p.facts)
    if p.score is not None:
        data.update(
            exceeded_pct=p.score.exceeded_pct,
            all_tasks_done=p.score.all_tasks_done,
            behind_pct=p.score.behind_pct,
            shortcomings_remedied=p.score.shortcomings_remedied,
        )
    if p.tasks_not_done_pct is not None:
        data["tasks_not_done_pct"] = p.tasks_not_done_pct
    if p.degradation:
        data["degradation"] = True
    if p.self_remedied:
        data["self_remedied"] = True
    return data


@transaction.atomic
def propose_member_ratings(
    *,
    cell: Organisation,
    year: int,
    proposals: Sequence[Proposal],
    actor: Any,
    on: dt.date | None = None,
    source: str = ChangeSet.Source.WEB,
) -> list[Rating]:
    """The cell's proposal for its members, in one submission (§1.5: the cell meets, each member
    has assessed themself, the meeting proposes a level). Problems are keyed by member id."""
    require(actor, Ability.RATE, cell.path)
    _still_open(year)
    rules = ev.rules_for(year)
    on = on or today()
    members = [p.subject for p in proposals]
    facts = review_facts(members, year)  # type: ignore[arg-type]
    day = review_on(year)
    problems: dict[str, list[str]] = {}
    for p in proposals:
        member = p.subject
        assert isinstance(member, PartyMember)
        f = facts[member.pk]
        key = str(member.pk)
        if f.cell_id != cell.pk:
            problems.setdefault(key, []).append(
                _("%(name)s was not a member of %(cell)s on %(date)s.")
                % {"name": member.person.full_name, "cell": cell.name, "date": _d(year)}
            )
            continue
        why = not_reviewed(rules, year, f, day)
        if why:
            problems.setdefault(key, []).append(why)
            continue
        found = level_problems(rules, year, p, p.level, member_facts=f)
        if p.self_level and p.self_level not in ev.RANK:
            found.append(_("“%(value)s” is not a rating.") % {"value": p.self_level})
        if found:
            problems.setdefault(key, []).extend(found)
    _raise_all(problems)
    changeset = open_change_set(
        actor=actor,
        reason=_("Ratings %(year)s proposed by %(cell)s") % {"year": year, "cell": cell.name},
        source=source,
    )
    return _write_proposals(proposals, year, rules, cell, changeset, actor, on, ev.MEMBER)


@transaction.atomic
def self_assess(
    *,
    member: PartyMember,
    year: int,
    level: str,
    actor: Any,
    score: ev.Score | None = None,
    on: dt.date | None = None,
    source: str = ChangeSet.Source.WEB,
) -> Rating:
    """Step 1 (§16.1 1.6): the member assesses themself — from their own account, or entered by
    the cell for them. The cell's proposal and the decision come after, and are checked."""
    own = getattr(actor, "member_id", None) == member.pk and member.pk is not None
    if not own:
        require(actor, Ability.RATE, member.scope_path)
    _still_open(year)
    rules = ev.rules_for(year)
    facts = review_facts([member], year)[member.pk]
    why = not_reviewed(rules, year, facts)
    problems = [why] if why else []
    if level not in ev.RANK:
        problems.append(_("“%(value)s” is not a rating.") % {"value": level})
    if facts.cell_id is None:
        problems.append(_("Not a member on %(date)s.") % {"date": _d(year)})
    if score is not None:
        problems += ev.score_problems(score)
    _raise_all({str(member.pk): problems} if problems else {})
    rating = Rating.objects.filter(member=member, year=year).first()
    if rating is not None and rating.level:
        raise RuleError(
            _(
                "%(name)s's rating for %(year)s is decided already; the superior level may re-classify it."
            )
            % {"name": member.person.full_name, "year": year},
            field="level",
        )
    changeset = open_change_set(
        actor=actor,
        reason=_("Self-assessment %(year)s") % {"year": year},
        source=source,
    )
    before = _snapshot(rating) if rating else None
    if rating is None:
        assert facts.cell_id is not None  # checked above
        rating = Rating(
            year=year,
            subject=ev.MEMBER,
            member=member,
            unit_id=facts.cell_id,
            regulation=rules.code,
        )
    rating.self_level = level
    rating.self_on = on or today()
    rating.changeset = changeset
    if score is not None and rating.score_general is None:
        # As written, to the tenth the score rules accept (score_problems, checked above).
        rating.facts = {
            **(rating.facts or {}),
            "self_score": [str(score.general), str(score.tasks)],
        }
    rating.save()
    bulk.insert_values(
        ChangeLogEntry,
        [
            log_values(
                changeset,
                action="rating.self",
                obj=rating,
                subject=member,
                before=before,
                after=_snapshot(rating),
                scope_path=member.scope_path or "",
            )
        ],
    )
    return rating


@transaction.atomic
def propose_org_rating(
    *,
    org: Organisation,
    year: int,
    proposal: Proposal,
    actor: Any,
    on: dt.date | None = None,
    source: str = ChangeSet.Source.WEB,
) -> Rating:
    """An organisation's own assessment and proposal (§1.5: it rates itself; its superior, or its
    grassroots committee for a cell, decides). The collective's caps from discipline apply."""
    require(actor, Ability.RATE, org.path)
    _still_open(year)
    rules = ev.rules_for(year)
    review = review_on(year)
    place = placement_of(org, review)
    if place is None or place.parent_id is None:
        raise RuleError(
            _("%(org)s did not exist under a superior on %(date)s.")
            % {"org": org.name, "date": _d(year)},
            field="org",
        )
    problems = level_problems(rules, year, proposal, proposal.level, org=org)
    _raise_all({str(org.pk): problems} if problems else {})
    changeset = open_change_set(
        actor=actor,
        reason=_("Rating %(year)s proposed by %(org)s") % {"year": year, "org": org.name},
        source=source,
    )
    proposal.subject = org
    parent = Organisation.objects.get(pk=place.parent_id)
    [rating] = _write_proposals(
        [proposal], year, rules, parent, changeset, actor, on or today(), ev.ORG
    )
    return rating


@transaction.atomic
def peer_group_create(
    *,
    year: int,
    deciding_org: Organisation,
    name: str,
    actor: Any,
    raised: bool = False,
    raise_reason: str = "",
) -> PeerGroup:
    """A group of similar role within which the deciding level applies the quota (QĐ 124, QĐ 366);
    raising it to 25 % needs QĐ 366 and a reason (§16.1 1.1)."""
    require(actor, Ability.RATE, deciding_org.path)
    rules = ev.rules_for(year)
    if not name.strip():
        raise RuleError(_("Name the group."), field="name")
    if raised and rules.quota_raised_pct is None:
        raise RuleError(
            _("Before 2025 the quota cannot be raised (%(rules)s).") % {"rules": rules.citation},
            field="raised",
        )
    if raised and not raise_reason.strip():
        raise RuleError(
            _("Say what outstanding results justify raising the quota to 25%."),
            field="raise_reason",
        )
    changeset = open_change_set(
        actor=actor, reason=raise_reason or _("Group of similar role"), source=ChangeSet.Source.WEB
    )
    group = PeerGroup.objects.create(
        year=year,
        deciding_org=deciding_org,
        name=name.strip(),
        raised=raised,
        raise_reason=raise_reason.strip(),
        changeset=changeset,
    )

    log_entry(
        changeset,
        action="rating.group",
        obj=group,
        subject=deciding_org,
        after={"year": year, "name": group.name, "raised": raised},
        scope_path=deciding_org.path,
    )
    return group


def _write_proposals(
    proposals: Sequence[Proposal],
    year: int,
    rules: ev.EvaluationRules,
    unit: Organisation,
    changeset: ChangeSet,
    actor: Any,
    on: dt.date,
    subject: str,
) -> list[Rating]:
    field_name = "member" if subject == ev.MEMBER else "org"
    existing = {
        getattr(r, f"{field_name}_id"): r
        for r in Rating.objects.filter(
            **{f"{field_name}_id__in": [p.subject.pk for p in proposals]}, year=year
        )
    }
    user = actor if getattr(actor, "pk", None) else None
    _load_persons([p.subject for p in proposals])
    written: list[Rating] = []
    fresh: list[Rating] = []
    changed: list[Rating] = []
    befores: list[dict[str, Any] | None] = []
    for p in proposals:
        rating = existing.get(p.subject.pk)
        if rating is not None and rating.level:
            raise RuleError(
                _(
                    "%(name)s's rating for %(year)s is decided already; the superior level may re-classify it."
                )
                % {"name": _name(p.subject), "year": year},
                field="level",
            )
        before = _snapshot(rating) if rating else None
        if rating is None:
            rating = Rating(year=year, subject=subject, unit=unit, regulation=rules.code)
            setattr(rating, field_name, p.subject)
        rating.self_level = p.self_level or rating.self_level
        rating.self_on = on if p.self_level else rating.self_on
        rating.proposed_level = p.level
        rating.proposed_on = on
        rating.proposed_by = user
        rating.unit = unit
        rating.regulation = rules.code
        rating.changeset = changeset
        if p.score is not None:
            rating.score_general = p.score.general  # checked exactly as stored
            rating.score_tasks = p.score.tasks
        rating.facts = _facts_json(p)
        (changed if rating.pk else fresh).append(rating)
        written.append(rating)
        befores.append(before)
    # One INSERT for the new ratings and one UPDATE for the proposals made again (issue 9).
    Rating.objects.bulk_create(fresh, batch_size=1000)
    Rating.objects.bulk_update(changed, PROPOSAL_FIELDS, batch_size=1000)
    entries = [
        log_values(
            changeset,
            action="rating.propose",
            obj=rating,
            subject=p.subject,
            before=before,
            after=_snapshot(rating),
            scope_path=unit.path,
        )
        for p, rating, before in zip(proposals, written, befores, strict=True)
    ]
    bulk.insert_values(ChangeLogEntry, entries)
    return written


PROPOSAL_FIELDS = [
    "self_level",
    "self_on",
    "proposed_level",
    "proposed_on",
    "proposed_by",
    "unit",
    "regulation",
    "changeset",
    "score_general",
    "score_tasks",
    "facts",
]


def _load_persons(subjects: Sequence[Any]) -> None:
    """The persons of the members among `subjects` in one query (their names go into the
    change log and the messages), instead of one query each."""
    missing = [
        s for s in subjects if isinstance(s, PartyMember) and not PartyMember.person.is_cached(s)
    ]
    if missing:
        persons = Person.objects.in_bulk([m.person_id for m in missing])
        for member in missing:
            member.person = persons[member.person_id]


def _load_subjects(ratings: Sequence[Rating]) -> None:
    """The members (with their persons), organisations and units of the ratings, in three
    queries."""
    members = PartyMember.objects.select_related("person").in_bulk(
        [r.member_id for r in ratings if r.member_id and not Rating.member.is_cached(r)]
    )
    orgs = Organisation.objects.in_bulk(
        {r.org_id for r in ratings if r.org_id} | {r.unit_id for r in ratings}
    )
    for rating in ratings:
        if rating.member_id and not Rating.member.is_cached(rating):
            rating.member = members[rating.member_id]
        if rating.org_id and not Rating.org.is_cached(rating):
            rating.org = orgs[rating.org_id]
        if not Rating.unit.is_cached(rating):
            rating.unit = orgs[rating.unit_id]
    _load_persons([r.member for r in ratings if r.member_id])


@transaction.atomic
def decide_ratings(
    *,
    deciding_org: Organisation,
    year: int,
    levels: Sequence[tuple[Rating, str]],
    decision: Decision | None,
    actor: Any,
    group: PeerGroup | None = None,
    on: dt.date | None = None,
    late_reason: str = "",
    source: str = ChangeSet.Source.WEB,
) -> list[Rating]:
    """The competent level's decision (§1.5): members by their grassroots organisation; a cell
    under a committee by that committee; a grassroots organisation by its direct superior. The
    HTXSNV quota is checked over everything this level decided in the year, within the group. A
    decision after the year's deadline (§16.1 1.6) is recorded only with its reason."""
    require(actor, Ability.RATE, deciding_org.path)
    _still_open(year)
    rules = ev.rules_for(year)
    on = on or today()
    review = review_on(year)
    problems: dict[str, list[str]] = {}
    if on > today():
        problems["decided_on"] = [_future(on)]
    early = ev.early_problem(year, on) if year >= 2018 else None
    if early:
        problems["decided_on"] = [early]
    late = ev.late_problem(rules, year, on)
    late_reason = late_reason.strip() if late else ""
    if late and not late_reason:
        problems["late_reason"] = [late]
    _load_subjects([r for r, _l in levels])
    facts = review_facts([r.member for r, _l in levels if r.member_id], year)  # type: ignore[misc]
    competent_of: dict[tuple[int | None, int | None], Organisation | None] = {}
    for rating, level in levels:
        key = str(rating.pk)
        if rating.year != year:
            problems.setdefault(key, []).append(_("This rating is of another year."))
            continue
        if not rating.proposed_level:
            problems.setdefault(key, []).append(
                _("%(name)s has no proposal yet: the cell proposes first.")
                % {"name": _name(rating.subject_record)}
            )
            continue
        # Members of one cell share the organisation that decides (one lookup per cell).
        who = (rating.unit_id, None) if rating.member_id else (None, rating.org_id)
        if who not in competent_of:
            competent_of[who] = competent_org(rating, review)
        competent = competent_of[who]
        if competent is None or competent.pk != deciding_org.pk:
            problems.setdefault(key, []).append(
                _("%(name)s's rating is decided by %(org)s.")
                % {
                    "name": _name(rating.subject_record),
                    "org": competent.name if competent else "—",
                }
            )
            continue
        found = level_problems(
            rules,
            year,
            _proposal_of(rating, level),
            level,
            member_facts=facts.get(rating.member_id) if rating.member_id else None,
            org=rating.org,
        )
        if found:
            problems.setdefault(key, []).extend(found)
    if not problems:
        problem = _quota_problem(rules, year, deciding_org, levels, group)
        if problem:
            problems["quota"] = [problem]
    _raise_all(problems)
    reason = _("Ratings %(year)s decided by %(org)s") % {"year": year, "org": deciding_org.name}
    if late_reason:
        reason += " — " + _("decided late: %(reason)s") % {"reason": late_reason}
    changeset = open_change_set(actor=actor, reason=reason, source=source)
    user = actor if getattr(actor, "pk", None) else None
    entries = []
    for rating, level in levels:
        before = _snapshot(rating)
        rating.level = level
        rating.decided_on = on
        rating.decided_by = user
        rating.deciding_org = deciding_org
        rating.decision = decision
        rating.group = group
        rating.late_reason = late_reason
        rating.changeset = changeset
        entries.append(
            log_values(
                changeset,
                action="rating.decide",
                obj=rating,
                subject=rating.subject_record,
                before=before,
                after=_snapshot(rating),
                scope_path=rating.unit.path,
            )
        )
    # The decision is the same for every rating but its level: one UPDATE per level.
    by_level: dict[str, list[int]] = defaultdict(list)
    for rating, level in levels:
        by_level[level].append(rating.pk)
    for level, ids in by_level.items():
        Rating.objects.filter(pk__in=ids).update(
            level=level,
            decided_on=on,
            decided_by=user,
            deciding_org=deciding_org,
            decision=decision,
            group=group,
            late_reason=late_reason,
            changeset=changeset,
        )
    bulk.insert_values(ChangeLogEntry, entries)
    return [r for r, _l in levels]


def _imported(v: dict[str, Any], subject: Any = None) -> Proposal:
    """A rating decided elsewhere, as a proposal to check: its score when the file gives one, the
    conditions beyond the score taken as met (the file does not record them)."""
    score = None
    if v.get("score_general") is not None and v.get("score_tasks") is not None:
        score = ev.Score(v["score_general"], v["score_tasks"], exceeded_pct=100)
    return Proposal(subject=subject, level=v["level"], score=score)


# --- ratings decided outside the workflow: imports, the demo, and the audit of what is stored ----
@dataclass
class Decided:
    """A rating as decided elsewhere (an import of earlier years, another system) or written by
    the demo, checked by the same rules as the workflow's decision (`check_decided`)."""

    key: Any  # the caller's name for it in problems: a row number, a rating id
    subject: PartyMember | Organisation
    level: str
    unit: Organisation  # a member's cell on the review day; an organisation's parent then
    deciding_org: Organisation | None = None  # the competent level when not given
    proposal: Proposal | None = None  # the score and the facts, when known
    decided_on: dt.date | None = None
    group_id: int | None = None
    override: str = ""  # the officer's reason for keeping what the rules of the year refuse
    late_reason: str = ""  # the reason a decision after the year's deadline is recorded
    decision_number: str = ""
    rating: Rating | None = None  # the stored rating it replaces (its level leaves the quota)
    written: bool = True  # False: refused by the caller, so it counts in no quota

    @property
    def subject_kind(self) -> str:
        return ev.MEMBER if isinstance(self.subject, PartyMember) else ev.ORG


@dataclass(frozen=True)
class RuleProblem:
    key: Any
    # "member": not a member or not reviewed; "competent": decided by another level; "score": a
    # score out of range; "date": dated in the future (none of these may be overridden); "level";
    # "late";
    # "quota" (an officer may keep these with a reason).
    kind: str
    message: str

    @property
    def overridable(self) -> bool:
        return self.kind in ("level", "late", "quota")


def check_decided(
    year: int, items: Sequence[Decided], *, facts: dict[int, MemberFacts] | None = None
) -> list[RuleProblem]:
    """Every rule of the year a set of decided ratings breaks: who is reviewed, who decides, the
    forced KHTNV, the collective's caps, the score (required from 2025) and its bands, the
    deadline, and the HTXSNV quota of each deciding level and group, counted with what it decided
    already. The import, the demo and the audit of stored ratings go through here; the workflow's
    steps call the same rules one by one."""
    rules = ev.rules_for(year)
    day = review_on(year)
    members = [i.subject for i in items if isinstance(i.subject, PartyMember)]
    if facts is None:
        facts = review_facts(members, year)
    orgs = [i.subject for i in items if isinstance(i.subject, Organisation)]
    caps = org_caps(rules, year, orgs) if orgs else {}
    competent = _Competent(day, items)
    found: list[RuleProblem] = []
    counted: list[Decided] = []
    now = today()
    for item in items:
        p = item.proposal or Proposal(subject=item.subject, level=item.level)
        # A score out of its range or finer than a tenth, a decision dated in the future: facts
        # that cannot be true, which no override keeps.
        hard = [
            RuleProblem(item.key, "score", m)
            for m in (ev.score_problems(p.score) if p.score is not None else [])
        ]
        if item.decided_on is not None and item.decided_on > now:
            hard.append(RuleProblem(item.key, "date", _future(item.decided_on)))
        early = ev.early_problem(year, item.decided_on)
        if early:
            hard.append(RuleProblem(item.key, "date", early))
        if hard:
            found += hard
            continue
        if isinstance(item.subject, PartyMember):
            f = facts.get(item.subject.pk)
            why = not_reviewed(rules, year, f, day) if f is not None and f.cell_id else None
            if f is None or f.cell_id is None:
                why = _("Not a member on %(date)s.") % {"date": format_date(day)}
            if why:
                found.append(RuleProblem(item.key, "member", why))
                continue
            problems = level_problems(rules, year, p, item.level, member_facts=f)
        else:
            problems = level_problems(
                rules, year, p, item.level, org=item.subject, org_cap=caps.get(item.subject.pk)
            )
        deciding = competent.of(item)
        if item.deciding_org is None:
            item.deciding_org = deciding
        elif deciding is not None and item.deciding_org.pk != deciding.pk:
            found.append(
                RuleProblem(
                    item.key,
                    "competent",
                    _("%(name)s's rating is decided by %(org)s.")
                    % {"name": _name(item.subject), "org": deciding.name},
                )
            )
            continue
        found += [RuleProblem(item.key, "level", m) for m in problems]
        late = ev.late_problem(rules, year, item.decided_on)
        if late and not item.late_reason.strip():
            found.append(RuleProblem(item.key, "late", late))
        if item.written:
            counted.append(item)
    return found + _quota_of_decided(rules, year, counted)


class _Competent:
    """Who decides a rating (DOMAIN.md §1.5): a member's grassroots organisation; a grassroots
    organisation's direct superior; a cell under a committee, that committee. For any number of
    ratings at once: the placements of the day read in a few queries, not two a rating."""

    def __init__(self, on: dt.date, items: Sequence[Decided]) -> None:
        ids = {i.unit.pk for i in items} | {
            i.subject.pk for i in items if isinstance(i.subject, Organisation)
        }
        self.places: dict[int, tuple[str, str, int | None]] = {}
        listed = sorted(ids)
        for start in range(0, len(listed), 500):
            for org_id, path, kind, parent_id in Placement.objects.filter(
                valid_on(on), org_id__in=listed[start : start + 500]
            ).values_list("org_id", "path", "kind", "parent_id"):
                self.places[org_id] = (path, kind, parent_id)
        prefixes = sorted(
            {
                path[:end]
                for path, _k, _p in self.places.values()
                for end in range(SEGMENT_WIDTH, len(path) + 1, SEGMENT_WIDTH)
            }
        )
        self.rating: dict[str, int] = {}
        for start in range(0, len(prefixes), 500):
            self.rating.update(
                Placement.objects.filter(
                    valid_on(on),
                    path__in=prefixes[start : start + 500],
                    kind__in=MEMBER_RATING_KINDS,
                ).values_list("path", "org_id")
            )
        wanted = set(self.rating.values()) | {p for _a, _k, p in self.places.values() if p}
        self.orgs = Organisation.objects.in_bulk(list(wanted))

    def _grassroots(self, path: str) -> int | None:
        for end in range(len(path), 0, -SEGMENT_WIDTH):
            found = self.rating.get(path[:end])
            if found is not None:
                return found
        return None

    def of(self, item: Decided) -> Organisation | None:
        if isinstance(item.subject, PartyMember):
            place = self.places.get(item.unit.pk)
            found = self._grassroots(place[0]) if place else None
            return self.orgs.get(found) if found else None
        place = self.places.get(item.subject.pk)
        if place is None or place[2] is None:
            return None
        path, kind, parent_id = place
        parent = self.orgs.get(parent_id)
        if kind in GRASSROOTS_KINDS:
            return parent
        found = self._grassroots(path[:-SEGMENT_WIDTH])
        return self.orgs.get(found) if found else parent


def _competent(subject: Any, unit: Organisation, on: dt.date) -> Organisation | None:
    """Who decides one rating: `_Competent`, the one rule, for a single subject."""
    item = Decided(key=None, subject=subject, level="", unit=unit)
    return _Competent(on, [item]).of(item)


def _quota_of_decided(
    rules: ev.EvaluationRules, year: int, items: Sequence[Decided]
) -> list[RuleProblem]:
    """The quota of each deciding level and group the items fall in, counted with what is stored
    (the ratings they replace taken out). A breach is reported on each HTXSNV of the items in that
    group (on each item when none is HTXSNV): keeping the set needs each of them kept."""
    groups: dict[tuple[int, str, int | None], list[Decided]] = defaultdict(list)
    for item in items:
        if item.deciding_org is None:
            continue
        group = item.group_id if rules.quota_per == "group" else None
        groups[item.deciding_org.pk, item.subject_kind, group].append(item)
    group_ids = [g for _d, _s, g in groups if g is not None]
    named = {g.pk: g for g in PeerGroup.objects.filter(pk__in=group_ids)}
    # What each deciding level holds already, in one query for all of them.
    stored: dict[tuple[int, str, int | None], dict[str, int]] = defaultdict(
        lambda: defaultdict(int)
    )
    deciding_ids = sorted({d for d, _s, _g in groups})
    for start in range(0, len(deciding_ids), 500):
        for deciding_id, subject, group_id, level, n in (
            Rating.objects.filter(year=year, deciding_org_id__in=deciding_ids[start : start + 500])
            .values_list("deciding_org_id", "subject", "group_id", "level")
            .annotate(n=Count("id"))
            .order_by()
        ):
            key = (deciding_id, subject, group_id if rules.quota_per == "group" else None)
            stored[key][level] += n
    found = []
    for (deciding_id, subject, group_id), listed in groups.items():
        counts = defaultdict(int, stored[deciding_id, subject, group_id])
        for i in listed:
            old = i.rating
            if (
                old is not None
                and old.level
                and old.deciding_org_id == deciding_id
                and (rules.quota_per != "group" or old.group_id == group_id)
            ):
                counts[old.level] -= 1  # replaced: its stored level leaves the count
            counts[i.level] += 1
        peer = named.get(group_id) if group_id is not None else None
        problem = ev.quota_problem(
            rules,
            htxsnv=counts[ev.HTXSNV],
            httnv=counts[ev.HTTNV],
            raised=bool(peer and peer.raised),
            group=_group_label(peer, listed[0].deciding_org),  # type: ignore[arg-type]
        )
        if problem:
            best = [i for i in listed if i.level == ev.HTXSNV] or list(listed)
            found += [RuleProblem(i.key, "quota", problem) for i in best]
    return found


def competent_for(item: Decided, on: dt.date) -> Organisation | None:
    """Who decides a rating of `item`'s subject (DOMAIN.md §1.5)."""
    return _competent(item.subject, item.unit, on)


IMPORT_FIELDS = [
    "level",
    "proposed_level",
    "score_general",
    "score_tasks",
    "decided_on",
    "deciding_org",
    "decision",
    "group",
    "late_reason",
    "override_reason",
    "facts",
    "changeset",
]


def record_decided(
    *,
    year: int,
    items: Sequence[Decided],
    changeset: ChangeSet,
    actor: Any,
    action: str = "rating.import",
    source: str = "import",
) -> list[int]:
    """Write decided ratings that `check_decided` passed (or that the officer kept by an override
    with its reason): new ones inserted, earlier imported ones updated in every field the check
    read, each logged in full with the reason it was kept. The caller's transaction; returns the
    ratings' ids."""
    rules_code = ev.rules_for(year).code if year >= 2018 else "HD20"
    user = actor if getattr(actor, "pk", None) else None
    for item in items:
        require(actor, Ability.RATE, item.unit.path)
    on = review_on(year)
    entries = []
    fresh: list[Rating] = []
    changed: list[tuple[Rating, dict[str, Any]]] = []
    for i in items:
        deciding = i.deciding_org or competent_for(i, on)
        decision = None
        if i.decision_number and i.decided_on and deciding is not None:
            decision = get_or_create_decision(
                number=i.decision_number, date=i.decided_on, issuer=deciding.name
            )
        score = i.proposal.score if i.proposal is not None else None
        rating = i.rating or Rating(
            year=year,
            subject=i.subject_kind,
            member=i.subject if isinstance(i.subject, PartyMember) else None,
            org=i.subject if isinstance(i.subject, Organisation) else None,
            unit=i.unit,
            regulation=rules_code,
            source=source,
            decided_by=user,
        )
        before = _snapshot(rating) if rating.pk else None
        rating.level = rating.proposed_level = i.level
        rating.score_general = score.general if score else None
        rating.score_tasks = score.tasks if score else None
        rating.decided_on = i.decided_on
        rating.deciding_org = deciding
        rating.decision = decision
        rating.group_id = i.group_id
        rating.late_reason = i.late_reason.strip()
        rating.override_reason = i.override.strip()
        rating.facts = _facts_json(i.proposal) if i.proposal is not None else {}
        rating.changeset = changeset
        if rating.pk:
            changed.append((rating, before or {}))
        else:
            fresh.append(rating)
    Rating.objects.bulk_create(fresh, batch_size=1000)
    Rating.objects.bulk_update([r for r, _b in changed], IMPORT_FIELDS, batch_size=1000)
    by_rating = [(r, None) for r in fresh] + changed
    for rating, before in by_rating:
        entries.append(
            log_values(
                changeset,
                action=action,
                obj=rating,
                subject=rating.subject_record,
                before=before,
                after=_snapshot(rating),
                reason=rating.override_reason or rating.late_reason,
                scope_path=rating.unit.path,
            )
        )
    bulk.insert_values(ChangeLogEntry, entries)
    return [r.pk for r, _b in by_rating]


def decided_of(ratings: Sequence[Rating]) -> list[Decided]:
    """Stored decided ratings as `Decided` items, to check them again (`audit_ratings`)."""
    _load_subjects(ratings)
    deciding = Organisation.objects.in_bulk(
        {r.deciding_org_id for r in ratings if r.deciding_org_id}
    )
    return [
        Decided(
            key=r.pk,
            subject=r.subject_record,
            level=r.level,
            unit=r.unit,
            deciding_org=deciding.get(r.deciding_org_id) if r.deciding_org_id else None,
            proposal=_proposal_of(r, r.level),
            decided_on=r.decided_on,
            group_id=r.group_id,
            override=r.override_reason,
            late_reason=r.late_reason,
            rating=r,
        )
        for r in ratings
    ]


def audit_ratings(year: int) -> list[RuleProblem]:
    """The decided ratings of a year that the rules of that year refuse, found again from the
    records: those kept by an officer's override are left out (their reason is on record)."""
    ratings = list(Rating.objects.filter(year=year).exclude(level="").order_by("pk"))
    items = decided_of(ratings)
    kept = {i.key for i in items if i.override}
    return [p for p in check_decided(year, items) if p.key not in kept]


def competent_org(rating: Rating, on: dt.date) -> Organisation | None:
    """Who decides this rating (DOMAIN.md §1.5)."""
    return _competent(rating.subject_record, rating.unit, on)


def _proposal_of(rating: Rating, level: str) -> Proposal:
    facts = rating.facts or {}
    score = None
    if rating.score_general is not None and rating.score_tasks is not None:
        score = ev.Score(
            rating.score_general,
            rating.score_tasks,
            exceeded_pct=facts.get("exceeded_pct"),
            all_tasks_done=facts.get("all_tasks_done", True),
            behind_pct=facts.get("behind_pct"),
            shortcomings_remedied=facts.get("shortcomings_remedied", True),
        )
    return Proposal(
        subject=rating.subject_record,
        level=level,
        score=score,
        tasks_not_done_pct=facts.get("tasks_not_done_pct"),
        degradation=bool(facts.get("degradation")),
        self_remedied=bool(facts.get("self_remedied")),
    )


def org_caps(
    rules: ev.EvaluationRules, year: int, orgs: Sequence[Organisation]
) -> dict[int, tuple[str, str] | None]:
    """Each collective's cap (§1.3), in three queries for any number of organisations: its own
    discipline in the year stands for its leadership's until committee membership is recorded;
    its subordinates' discipline counts."""
    review = review_on(year)
    ids = [o.pk for o in orgs]
    own: dict[int, list[ev.DisciplineFact]] = defaultdict(list)
    for org_id, form, on, duty in DisciplineDecision.objects.filter(
        org_id__in=ids, announced_on__year=year
    ).values_list("org_id", "form", "announced_on", "duty_related"):
        own[org_id].append(ev.DisciplineFact(form, on, duty))
    children: dict[int, list[int]] = defaultdict(list)
    for parent_id, child_id in Placement.objects.filter(
        valid_on(review), parent_id__in=ids
    ).values_list("parent_id", "org_id"):
        children[parent_id].append(child_id)
    disciplined = set(
        DisciplineDecision.objects.filter(
            org_id__in=[c for cs in children.values() for c in cs], announced_on__year=year
        ).values_list("org_id", flat=True)
    )
    return {
        org_id: ev.collective_cap(
            rules,
            year=year,
            leader_disciplines=own[org_id],
            subordinates=len(children[org_id]),
            subordinates_disciplined=sum(1 for c in children[org_id] if c in disciplined),
        )
        for org_id in ids
    }


def quota_counts(
    rules: ev.EvaluationRules,
    year: int,
    deciding_org_id: int,
    subject: str,
    group_id: int | None,
    *,
    leaving: Sequence[str] = (),
    coming: Sequence[str] = (),
) -> dict[str, int]:
    """The levels one deciding level gave in the year, as the quota counts them (HD 21: over
    everything it decides; QĐ 124 and QĐ 366: within the group), with the stored levels of the
    ratings being replaced taken out (`leaving`) and the new ones put in (`coming`)."""
    scope = Q(year=year, deciding_org_id=deciding_org_id, subject=subject)
    if rules.quota_per == "group":
        scope &= Q(group_id=group_id)
    counts: dict[str, int] = defaultdict(int)
    for level, n in (
        Rating.objects.filter(scope).values_list("level").annotate(n=Count("id")).order_by()
    ):
        counts[level] += n
    for level in leaving:
        counts[level] -= 1
    for level in coming:
        counts[level] += 1
    return counts


def _quota_problem(
    rules: ev.EvaluationRules,
    year: int,
    deciding_org: Organisation,
    levels: Sequence[tuple[Rating, str]],
    group: PeerGroup | None,
) -> str | None:
    """HTXSNV ≤ 20 % (25 % when raised) of HTTNV, per subject kind: HD 21 over everything the
    grassroots organisation decides; QĐ 124 and QĐ 366 within the group the level chose."""
    for subject in (ev.MEMBER, ev.ORG):
        now = [(r, level) for r, level in levels if r.subject == subject]
        if not now:
            continue
        # A rating decided again leaves its stored level (and group) for the new one.
        counts = quota_counts(
            rules,
            year,
            deciding_org.pk,
            subject,
            group.pk if group else None,
            leaving=[
                r.level
                for r, _l in now
                if r.level
                and r.deciding_org_id == deciding_org.pk
                and (rules.quota_per != "group" or r.group_id == (group.pk if group else None))
            ],
            coming=[level for _r, level in now],
        )
        name = _group_label(group if rules.quota_per == "group" else None, deciding_org)
        problem = ev.quota_problem(
            rules,
            htxsnv=counts[ev.HTXSNV],
            httnv=counts[ev.HTTNV],
            raised=bool(group and group.raised),
            group=name,
        )
        if problem:
            return problem
    return None


@transaction.atomic
def reclassify(
    *,
    rating: Rating,
    level: str,
    reason: str,
    actor: Any,
    by: Organisation,
    on: dt.date | None = None,
    score: ev.Score | None = None,
    source: str = ChangeSet.Source.WEB,
) -> Rating:
    """The superior level cancels a rating and re-classifies it, with the reason (QĐ 124 Điều 13;
    QĐ 366 Điều 13). From 2025 it may score the rating again: the new score is checked and kept."""
    if not rating.level or rating.deciding_org is None:
        raise RuleError(_("Only a decided rating can be re-classified."), field="level")
    place = placement_of(rating.deciding_org, review_on(rating.year))
    superior_paths = place.path if place else ""
    own = placement_of(by, review_on(rating.year))
    if own is None or not superior_paths.startswith(own.path) or own.path == superior_paths:
        raise RuleError(
            _("Only a level above %(org)s may re-classify its ratings.")
            % {"org": rating.deciding_org.name},
            field="level",
        )
    require(actor, Ability.RATE, by.path)
    if not reason.strip():
        raise RuleError(_("Give the reason for re-classifying."), field="reason")
    rules = ev.rules_for(rating.year)
    proposal = _proposal_of(rating, level)
    if score is not None:
        proposal.score = score
    problems = level_problems(
        rules,
        rating.year,
        proposal,
        level,
        member_facts=review_facts([rating.member], rating.year)[rating.member_id]  # type: ignore[list-item]
        if rating.member_id
        else None,
        org=rating.org,
    )
    # A level raised to HTXSNV counts in the quota of the level that decided it (QĐ 124 Điều 13:
    # the superior re-classifies within the same rules). Lowering a rating is never held back by
    # the quota: a KHTNV found later must be recordable, and the quota's excess, if any, is then
    # for the same superior to correct.
    if rating.deciding_org is not None and level == ev.HTXSNV and rating.level != ev.HTXSNV:
        quota = _quota_problem(
            rules, rating.year, rating.deciding_org, [(rating, level)], rating.group
        )
        if quota:
            problems.append(quota)
    if problems:
        raise RuleError(" ".join(problems), field="level")
    changeset = open_change_set(actor=actor, reason=reason, source=source)
    before = _snapshot(rating)
    rating.reclassified_from = rating.level
    rating.level = level
    rating.reclassified_reason = reason.strip()
    rating.reclassified_on = on or today()
    rating.reclassified_by_org = by
    if score is not None:
        rating.score_general, rating.score_tasks = score.general, score.tasks
        rating.facts = {**(rating.facts or {}), **_facts_json(proposal)}
    rating.changeset = changeset
    rating.save()
    bulk.insert_values(
        ChangeLogEntry,
        [
            log_values(
                changeset,
                action="rating.reclassify",
                obj=rating,
                subject=rating.subject_record,
                before=before,
                after=_snapshot(rating),
                reason=reason,
                scope_path=rating.unit.path,
            )
        ],
    )
    return rating


def _snapshot(rating: Rating) -> dict[str, Any]:
    return {
        "year": rating.year,
        "self_level": rating.self_level,
        "proposed_level": rating.proposed_level,
        "level": rating.level,
        "score_general": str(rating.score_general) if rating.score_general is not None else None,
        "score_tasks": str(rating.score_tasks) if rating.score_tasks is not None else None,
        "deciding_org": rating.deciding_org_id,
        "decided_on": rating.decided_on,
        "decision": rating.decision_id,
        "group": rating.group_id,
        "reclassified_from": rating.reclassified_from,
        "late_reason": rating.late_reason or None,
        "override_reason": rating.override_reason or None,
    }


def _future(on: dt.date) -> str:
    return _("Dated %(date)s, after today: a decision cannot be dated in the future.") % {
        "date": format_date(on)
    }


def _group_label(group: PeerGroup | None, deciding: Organisation) -> str:
    """Where the quota is counted, as its message names it: the group of similar role the level
    set up (QĐ 124, QĐ 366), or the organisation that decides (HD 21)."""
    if group is None:
        return deciding.name
    return _("the group “%(group)s” of %(org)s") % {"group": group.name, "org": deciding.name}


def _name(subject: Any) -> str:
    return subject.person.full_name if isinstance(subject, PartyMember) else subject.name


def _d(year: int) -> str:
    return format_date(review_on(year))


# --- progress and results ------------------------------------------------------------------------
def members_in_subtree(org: Organisation, on: dt.date) -> QuerySet[MembershipPeriod]:
    """The home periods of a day in the organisation over time: the members' one rule."""

    return members_on(org, on)


def progress(org: Organisation, year: int) -> dict[str, Any]:
    """Who is to be rated in the subtree, who is rated, who is not yet, and who is not reviewed."""
    rules = ev.rules_for(year)
    on = review_on(year)
    periods = list(members_in_subtree(org, on).select_related("member__person", "org"))
    facts = review_facts([p.member for p in periods], year)
    rated = dict(
        Rating.objects.filter(member_id__in=[p.member_id for p in periods], year=year).values_list(
            "member_id", "level"
        )
    )
    to_rate, excluded, pending = 0, [], []
    for p in periods:
        f = facts[p.member_id]
        why = not_reviewed(rules, year, f, on)
        if why:
            excluded.append((p.member, why))
            continue
        to_rate += 1
        if not rated.get(p.member_id):
            pending.append(p.member)
    deadline = ev.decision_deadline(rules, year)
    return {
        "to_rate": to_rate,
        "rated": to_rate - len(pending),
        "pending": pending,
        "not_reviewed": excluded,
        "deadline": deadline,
        # After the deadline (§16.1 1.6) whatever is not decided is overdue.
        "overdue": deadline is not None and today() > deadline,
        "late": late_decisions(org, year),
    }


def late_decisions(org: Organisation, year: int) -> list[Rating]:
    """Ratings of the subtree decided after the year's deadline, each with its stated reason: its
    members' (by the cell they were rated in) and its organisations'."""
    units = subtree_org_ids(org, review_on(year))
    return list(
        Rating.objects.filter(Q(unit_id__in=units) | Q(org_id__in=units), year=year)
        .exclude(late_reason="")
        .select_related("member__person", "org")
        .order_by("decided_on", "pk")
    )


def distribution(org: Organisation, year: int, subject: str = ev.MEMBER) -> dict[str, Any]:
    """Ratings decided in the subtree by level, and the share rated HTTNV or above against the
    90 % target of Nghị quyết 21-NQ/TW (DOMAIN.md §1.6)."""
    on = review_on(year)
    counts = dict.fromkeys(ev.LEVELS, 0)
    # The organisation over time: before it was formed, what became it (tree.selectors).
    units = subtree_org_ids(org, on)
    for level in (
        Rating.objects.filter(year=year, subject=subject, unit_id__in=units)
        .exclude(level="")
        .values_list("level", flat=True)
    ):
        counts[level] += 1
    total = sum(counts.values())
    good = counts[ev.HTXSNV] + counts[ev.HTTNV]
    return {
        "counts": counts,
        "total": total,
        "good_or_better_pct": round(100 * good / total, 2) if total else None,
        "target_pct": 90,
        "meets_target": (100 * good >= 90 * total) if total else None,
    }


def org_distribution(org: Organisation, year: int) -> list[dict[str, Any]]:
    """Organisations' ratings in the subtree by kind and base-unit category (as placed on the
    review day), each with its counts and its share rated HTTNV or better (DOMAIN.md §1.6)."""
    on = review_on(year)
    placed = {p.org_id: (p.kind, p.category) for p in subtree_placements(org, on)}
    groups: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: dict.fromkeys(ev.LEVELS, 0))
    for org_id, level in (
        Rating.objects.filter(year=year, subject=ev.ORG, org_id__in=list(placed))
        .exclude(level="")
        .values_list("org_id", "level")
    ):
        groups[placed[org_id]][level] += 1
    out = []
    for (kind, category), counts in sorted(groups.items()):
        total = sum(counts.values())
        good = counts[ev.HTXSNV] + counts[ev.HTTNV]
        out.append(
            {
                "kind": kind,
                "category": category,
                "counts": counts,
                "total": total,
                "good_or_better_pct": round(100 * good / total, 2) if total else None,
            }
        )
    return out


def orgs_not_rated(org: Organisation, year: int) -> list[Organisation]:
    """Organisations of the subtree (below it) with no decided rating for the year."""
    on = review_on(year)
    placed = dict(subtree_placements(org, on).values_list("org_id", "parent_id"))
    # Below the organisation: before it was formed, below what became it.
    below = [o for o, parent in placed.items() if o != org.pk and parent in placed]
    rated = Rating.objects.filter(year=year, subject=ev.ORG).exclude(level="").values("org_id")
    return list(Organisation.objects.filter(pk__in=below).exclude(pk__in=rated).order_by("code"))


def ratings_revert_import(*, changeset: ChangeSet, actor: Any, revert: ChangeSet) -> int:
    """Take back the ratings an import wrote (created ones removed, changed ones set back to
    every field they had, the reasons for keeping them included), unless a later change touched
    them (the caller's transaction; exchange.services.revert_batch)."""
    entries = list(ChangeLogEntry.objects.filter(changeset=changeset, action="rating.import"))
    ids = [int(e.object_id) for e in entries]
    # Changed since: an entry of these ratings after the import's own (an earlier import of the
    # same ratings is what the revert goes back to).
    later = (
        ChangeLogEntry.objects.filter(
            object_type="evaluation.rating",
            object_id__in=[str(i) for i in ids],
            pk__gt=max((e.pk for e in entries), default=0),
        )
        .exclude(changeset=changeset)
        .exists()
    )
    if later:
        raise RuleError(
            _("A rating of this import was changed since: the import cannot be reverted."),
            field="reason",
        )
    ratings = {r.pk: r for r in Rating.objects.filter(pk__in=ids).select_related("unit")}
    log = []
    for entry in entries:
        rating = ratings[int(entry.object_id)]
        require(actor, Ability.RATE, rating.unit.path)
        if entry.before is None:
            log.append(
                log_values(
                    revert,
                    action="rating.delete",
                    obj=rating,
                    before=entry.after,
                    scope_path=rating.unit.path,
                )
            )
            rating.delete()
            continue
        was = entry.before
        now = _snapshot(rating)
        rating.level = was["level"]
        rating.proposed_level = was.get("proposed_level") or was["level"]
        for name in ("score_general", "score_tasks"):
            if name in was:
                setattr(rating, name, Decimal(was[name]) if was[name] is not None else None)
        if "decided_on" in was:
            rating.decided_on = (
                dt.date.fromisoformat(was["decided_on"]) if was["decided_on"] else None
            )
        for name in ("deciding_org", "decision", "group"):
            if name in was:
                setattr(rating, f"{name}_id", was[name])
        rating.late_reason = was.get("late_reason") or ""
        rating.override_reason = was.get("override_reason") or ""
        rating.changeset = revert
        rating.save()
        log.append(
            log_values(
                revert,
                action="rating.import",
                obj=rating,
                before=now,
                after=_snapshot(rating),
                scope_path=rating.unit.path,
            )
        )
    bulk.insert_values(ChangeLogEntry, log)
    return len(entries)
