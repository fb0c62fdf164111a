"""The cell's proposals, a member's self-assessment, an organisation's proposal and the groups
of similar role: each checked against the rules of its year (DOMAIN.md §1)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from dangvu.accounts import notices
from dangvu.accounts.models import Ability, Notice
from dangvu.accounts.scope import require
from dangvu.core import bulk
from dangvu.core.actors import Actor, as_user
from dangvu.core.changes import log_entry, log_values, open_change_set
from dangvu.core.dates import today
from dangvu.core.errors import RuleError
from dangvu.core.models import ChangeLogEntry, ChangeSet
from dangvu.evaluation.models import PeerGroup, Rating
from dangvu.evaluation.services.common import (
    MemberFacts,
    Proposal,
    _d,
    _name,
    _snapshot,
    _still_open,
    grassroots_of,
    review_facts,
    review_on,
)
from dangvu.evaluation.services.quotas import org_caps
from dangvu.members.models import PartyMember, Person
from dangvu.orgs.models import Organisation
from dangvu.rules import evaluation as ev
from dangvu.tree.selectors import placement_of


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
def ratings_propose(
    *,
    cell: Organisation,
    year: int,
    proposals: Sequence[Proposal],
    actor: Actor,
    on: dt.date | None = None,
    source: str = ChangeSet.Source.WEB,
) -> list[Rating]:
    """The cell's proposal for its members, in one submission (§1.5: the cell meets, each member
    has assessed themself, the meeting proposes a level). Problems are keyed by member id."""
    require(actor, Ability.RATE, cell.path)
    day = _still_open(year)
    rules = ev.rules_for(year)
    on = on or today()
    members = [p.subject for p in proposals]
    facts = review_facts(members, year, day)  # type: ignore[arg-type]
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
    written = _write_proposals(proposals, year, rules, cell, changeset, actor, on, ev.MEMBER)
    deciding = grassroots_of(cell, day)
    if deciding is not None and source not in QUIET:
        _tell_deciding(deciding, year, cell, actor)
    return written


# Proposals written in bulk (an import, the demo) tell no one: the importer is who decides.
QUIET = (ChangeSet.Source.IMPORT, ChangeSet.Source.SYSTEM)


def _tell_deciding(deciding: Organisation, year: int, proposer: Organisation, actor: Actor) -> None:
    """Those who decide at `deciding` hear that a proposal waits for them (issue 23, point 8)."""
    notices.notify(
        notices.holders(Ability.RATE, deciding.path),
        kind=Notice.Kind.PROPOSAL,
        text=_("Rating proposal %(year)s of %(org)s waiting for a decision")
        % {"year": year, "org": proposer.name},
        url=reverse("evaluation:org", args=[deciding.code, year]),
        actor=actor,
    )


@transaction.atomic
def rating_self_assess(
    *,
    member: PartyMember,
    year: int,
    level: str,
    actor: Actor,
    score: ev.Score | None = None,
    on: dt.date | None = None,
    source: str = ChangeSet.Source.WEB,
) -> Rating:
    """Step 1 (§16.1 1.6): the member assesses themself — from their own account, or entered by
    the cell for them. The cell's proposal and the decision come after, and are checked."""
    own = getattr(actor, "member_id", None) == member.pk and member.pk is not None
    if not own:
        require(actor, Ability.RATE, member.scope_path)
    review = _still_open(year)
    rules = ev.rules_for(year)
    facts = review_facts([member], year, review)[member.pk]
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
def org_rating_propose(
    *,
    org: Organisation,
    year: int,
    proposal: Proposal,
    actor: Actor,
    on: dt.date | None = None,
    source: str = ChangeSet.Source.WEB,
) -> Rating:
    """An organisation's own assessment and proposal (§1.5: it rates itself; its superior, or its
    grassroots committee for a cell, decides). The collective's caps from discipline apply."""
    require(actor, Ability.RATE, org.path)
    review = _still_open(year)
    rules = ev.rules_for(year)
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
    if source not in QUIET:
        _tell_deciding(parent, year, org, actor)
    return rating


@transaction.atomic
def peer_group_create(
    *,
    year: int,
    deciding_org: Organisation,
    name: str,
    actor: Actor,
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
    actor: Actor,
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
    user = as_user(actor)
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
    bulk.insert(fresh, returning_pk=True)
    bulk.update(changed, PROPOSAL_FIELDS)
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
