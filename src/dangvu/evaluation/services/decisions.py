"""The competent level's decision on the proposals, and the superior's re-classification, within
the quota of the level that decided."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from dangvu.accounts.models import Ability
from dangvu.accounts.scope import require
from dangvu.core import bulk
from dangvu.core.actors import Actor, as_user
from dangvu.core.changes import log_values, open_change_set
from dangvu.core.dates import today
from dangvu.core.errors import RuleError
from dangvu.core.models import ChangeLogEntry, ChangeSet, Decision
from dangvu.evaluation.models import PeerGroup, Rating
from dangvu.evaluation.services.common import (
    Proposal,
    _future,
    _name,
    _snapshot,
    _still_open,
    review_facts,
    review_on,
)
from dangvu.evaluation.services.proposals import (
    _facts_json,
    _load_subjects,
    _raise_all,
    level_problems,
)
from dangvu.evaluation.services.quotas import _proposal_of, _quota_problem, competent_org
from dangvu.orgs.models import Organisation
from dangvu.rules import evaluation as ev
from dangvu.tree.selectors import placement_of


@transaction.atomic
def ratings_decide(
    *,
    deciding_org: Organisation,
    year: int,
    levels: Sequence[tuple[Rating, str]],
    decision: Decision | None,
    actor: Actor,
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
    review = _still_open(year)
    rules = ev.rules_for(year)
    on = on or today()
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
    facts = review_facts([r.member for r, _l in levels if r.member_id], year, review)  # type: ignore[misc]
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
    user = as_user(actor)
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


def proposal_of_import(v: dict[str, Any], subject: Any = None) -> Proposal:
    """A rating decided elsewhere, as a proposal to check: its score when the file gives one, the
    conditions beyond the score taken as met (the file does not record them)."""
    score = None
    if v.get("score_general") is not None and v.get("score_tasks") is not None:
        score = ev.Score(v["score_general"], v["score_tasks"], exceeded_pct=100)
    return Proposal(subject=subject, level=v["level"], score=score)


@transaction.atomic
def reclassify(
    *,
    rating: Rating,
    level: str,
    reason: str,
    actor: Actor,
    by: Organisation,
    on: dt.date | None = None,
    score: ev.Score | None = None,
    source: str = ChangeSet.Source.WEB,
) -> Rating:
    """The superior level cancels a rating and re-classifies it, with the reason (QĐ 124 Điều 13;
    QĐ 366 Điều 13). From 2025 it may score the rating again: the new score is checked and kept."""
    if not rating.level or rating.deciding_org is None:
        raise RuleError(_("Only a decided rating can be re-classified."), field="level")
    review = review_on(rating.year)
    place = placement_of(rating.deciding_org, review)
    superior_paths = place.path if place else ""
    own = placement_of(by, review)
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
        member_facts=review_facts([rating.member], rating.year, review)[rating.member_id]  # type: ignore[list-item]
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
