"""Ratings decided outside the workflow — imported, built by the demo — recorded by the same
rules, and the audit of what is stored."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from dangvu.accounts.models import Ability
from dangvu.accounts.scope import require
from dangvu.core import bulk
from dangvu.core.actors import Actor, as_user
from dangvu.core.changes import get_or_create_decision, log_values
from dangvu.core.dates import format_date, today
from dangvu.core.models import ChangeLogEntry, ChangeSet
from dangvu.evaluation.models import Rating
from dangvu.evaluation.services.common import (
    Decided,
    MemberFacts,
    Proposal,
    RuleProblem,
    _future,
    _name,
    _snapshot,
    review_facts,
    review_on,
)
from dangvu.evaluation.services.proposals import (
    _facts_json,
    _load_subjects,
    level_problems,
    not_reviewed,
)
from dangvu.evaluation.services.quotas import (
    _Competent,
    _proposal_of,
    _quota_of_decided,
    competent_for,
    org_caps,
)
from dangvu.members.models import PartyMember
from dangvu.orgs.models import Organisation
from dangvu.rules import evaluation as ev


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
        facts = review_facts(members, year, day)
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


def ratings_record_decided(
    *,
    year: int,
    items: Sequence[Decided],
    changeset: ChangeSet,
    actor: Actor,
    action: str = "rating.import",
    source: str = "import",
) -> list[int]:
    """Write decided ratings that `check_decided` passed (or that the officer kept by an override
    with its reason): new ones inserted, earlier imported ones updated in every field the check
    read, each logged in full with the reason it was kept. The caller's transaction; returns the
    ratings' ids."""
    rules_code = ev.rules_for(year).code if year >= 2018 else "HD20"
    user = as_user(actor)
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
    bulk.update([r for r, _b in changed], IMPORT_FIELDS)
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
