"""Who decides a rating (DOMAIN.md §1.5) and the quota of HTXSNV it is counted in."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db.models import Count, Q

from dangvu.discipline.models import DisciplineDecision
from dangvu.evaluation.models import PeerGroup, Rating
from dangvu.evaluation.services.common import (
    Decided,
    Proposal,
    RuleProblem,
    _group_label,
    review_on,
)
from dangvu.members.models import PartyMember
from dangvu.orgs.models import SEGMENT_WIDTH, Organisation, Placement, valid_on
from dangvu.rules import evaluation as ev
from dangvu.rules.organisation import GRASSROOTS_KINDS, MEMBER_RATING_KINDS


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
