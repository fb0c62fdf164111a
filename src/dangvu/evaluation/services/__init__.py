"""Rating members and organisations: the cell proposes, the competent level decides, the superior
level may re-classify (DOMAIN.md §1.5, §16.1 1.6). Every rule of rules/evaluation.py is checked on
each step, every problem of a submission is reported at once, and nothing is half-written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _

from dangvu.accounts.models import Ability
from dangvu.accounts.scope import require
from dangvu.core import bulk
from dangvu.core.actors import Actor
from dangvu.core.changes import log_values
from dangvu.core.errors import RuleError
from dangvu.core.models import ChangeLogEntry, ChangeSet
from dangvu.evaluation.models import Rating
from dangvu.evaluation.services.common import (
    Decided,
    MemberFacts,
    Proposal,
    RuleProblem,
    _d,
    _future,
    _group_label,
    _name,
    _snapshot,
    _still_open,
    grassroots_of,
    review_facts,
    review_on,
)
from dangvu.evaluation.services.decided import (
    IMPORT_FIELDS,
    audit_ratings,
    check_decided,
    decided_of,
    ratings_record_decided,
)
from dangvu.evaluation.services.decisions import proposal_of_import, ratings_decide, reclassify
from dangvu.evaluation.services.proposals import (
    PROPOSAL_FIELDS,
    _facts_json,
    _forced,
    _level_problems,
    _load_persons,
    _load_subjects,
    _raise_all,
    _write_proposals,
    level_problems,
    not_reviewed,
    org_rating_propose,
    peer_group_create,
    rating_self_assess,
    ratings_propose,
)
from dangvu.evaluation.services.quotas import (
    _Competent,
    _competent,
    _proposal_of,
    _quota_of_decided,
    _quota_problem,
    competent_for,
    competent_org,
    org_caps,
    quota_counts,
)
from dangvu.evaluation.services.rounds import round_close, round_open


def ratings_revert_import(*, changeset: ChangeSet, actor: Actor, revert: ChangeSet) -> int:
    """Take back the ratings an import wrote (created ones removed, changed ones set back to
    every field they had, the reasons for keeping them included), unless a later change touched
    them (the caller's transaction; exchange.services.batch_revert)."""
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


__all__ = [
    "IMPORT_FIELDS",
    "PROPOSAL_FIELDS",
    "Decided",
    "MemberFacts",
    "Proposal",
    "RuleProblem",
    "_Competent",
    "_competent",
    "_d",
    "_facts_json",
    "_forced",
    "_future",
    "_group_label",
    "_level_problems",
    "_load_persons",
    "_load_subjects",
    "_name",
    "_proposal_of",
    "_quota_of_decided",
    "_quota_problem",
    "_raise_all",
    "_snapshot",
    "_still_open",
    "_write_proposals",
    "audit_ratings",
    "check_decided",
    "competent_for",
    "competent_org",
    "decided_of",
    "grassroots_of",
    "level_problems",
    "not_reviewed",
    "org_caps",
    "org_rating_propose",
    "peer_group_create",
    "proposal_of_import",
    "quota_counts",
    "rating_self_assess",
    "ratings_decide",
    "ratings_propose",
    "ratings_record_decided",
    "ratings_revert_import",
    "reclassify",
    "review_facts",
    "review_on",
    "round_close",
    "round_open",
]
