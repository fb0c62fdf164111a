"""Per-organisation summaries: every indicator of a subtree over a period, stored, and read
instead of the raw rows while no later change could have moved one of its figures (issue 9).

A summary remembers the newest change-log entry when it was computed (its mark). Every write of
the records goes through a service that logs it (DESIGN.md principle 3), so what changed since is
the log after the mark. A change moves the figures of the provinces its records ever lay in (a
member's every cell, an organisation's every place, or the entry's scope), from the earliest day
it is dated: a membership event from its own day (a late entry for 2023 reopens 2023; an event
of today leaves the closed years alone), anything else (a person's details, a rating, a change of
the tree) from the beginning. A stale summary is never served: the reader recomputes it, and the
worker (`dangvu summaries refresh --watch`) recomputes the stale ones as changes arrive, so that
readers seldom wait.

The nation is the sum of its provinces, as the Central Organisation Commission compiles the
provincial committees' reports: counts add up; averages and shares are recomputed from the summed
parts (`combine`). A transfer between two provinces is one province's "transferred out" and the
other's "transferred in", as on their forms.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Max

from dangvu.core.models import ChangeLogEntry
from dangvu.core.routers import read_reports
from dangvu.members.models import MembershipEvent, MembershipPeriod
from dangvu.orgs.models import SEGMENT_WIDTH, Organisation, Placement
from dangvu.reports.indicators import Scope, compute_all
from dangvu.reports.models import Summary
from dangvu.rules import evaluation as ev

# Past this many changes since a summary, it is recomputed without reading them one by one.
MANY_CHANGES = 20_000
EVENT = "members.membershipevent"
MEMBER = "members.partymember"


def last_mark() -> int:
    return ChangeLogEntry.objects.aggregate(m=Max("id"))["m"] or 0


def public(figures: dict[str, Any]) -> dict[str, Any]:
    """The indicators, without the parts kept to combine summaries (keys starting with "_")."""
    return {k: v for k, v in figures.items() if not k.startswith("_")}


def roots_of(paths: Iterable[str]) -> set[str]:
    return {p[:SEGMENT_WIDTH] for p in paths if p}


class Changes:
    """What the change log holds after a mark: for each province touched (by the first segment
    of its path), the earliest day a changed record is dated (None: from the beginning)."""

    def __init__(self, since: int) -> None:
        self.since = since
        self.everywhere = False
        self.roots: dict[str, dt.date | None] = {}
        entries = ChangeLogEntry.objects.filter(id__gt=since)
        if entries[MANY_CHANGES : MANY_CHANGES + 1].exists():
            self.everywhere = True
            return
        members: dict[int, dt.date | None] = {}
        events: dict[int, int] = {}
        for object_type, object_id, subject_type, subject_id, path in entries.values_list(
            "object_type", "object_id", "subject_type", "subject_id", "scope_path"
        ):
            if subject_type == MEMBER:
                member = int(subject_id)
                if object_type == EVENT:
                    events[int(object_id)] = member
                    members.setdefault(member, dt.date.max)
                else:
                    members[member] = None
                self._touch(roots_of([path]), None if object_type != EVENT else dt.date.max)
            elif path:
                self._touch(roots_of([path]), None)
            else:
                self.everywhere = True
        for member, on in MembershipEvent.objects.filter(pk__in=list(events)).values_list(
            "member_id", "on"
        ):
            known = members.get(member)
            if known is not None:
                members[member] = min(known, on)
        cells: dict[int, set[int]] = defaultdict(set)
        for member, org in MembershipPeriod.objects.filter(member_id__in=list(members)).values_list(
            "member_id", "org_id"
        ):
            cells[org].add(member)
        for org, path in Placement.objects.filter(org_id__in=list(cells)).values_list(
            "org_id", "path"
        ):
            for member in cells[org]:
                self._touch(roots_of([path]), members[member])

    def _touch(self, roots: set[str], on: dt.date | None) -> None:
        for root in roots:
            if root in self.roots:
                known = self.roots[root]
                self.roots[root] = None if known is None or on is None else min(known, on)
            else:
                self.roots[root] = on

    def moves(self, paths: Iterable[str], end: dt.date) -> bool:
        """Whether a figure of a subtree that lay under these paths, up to `end`, may have
        moved."""
        if self.everywhere:
            return True
        for root in roots_of(paths):
            if root in self.roots:
                on = self.roots[root]
                if on is None or on <= end:
                    return True
        return False


def _paths(org: Organisation) -> list[str]:
    return list(Placement.objects.filter(org=org).values_list("path", flat=True)) or [org.path]


def is_stale(summary: Summary, changes: Changes | None = None) -> bool:
    changes = changes if changes is not None else Changes(summary.mark)
    return changes.moves(_paths(summary.org), summary.end)


def store(org: Organisation, start: dt.date, end: dt.date) -> Summary:
    """Compute the subtree's figures from the records and keep them. The mark is read where the
    figures are (the replica, when there is one), so a change the replica has not replayed yet is
    after the mark and reopens the summary."""
    began = time.perf_counter()
    mark, figures = read_reports(
        lambda: (last_mark(), compute_all(Scope(org, start, end), components=True))
    )
    summary, _created = Summary.objects.update_or_create(
        org=org,
        start=start,
        end=end,
        defaults={"figures": figures, "mark": mark, "seconds": time.perf_counter() - began},
    )
    return summary


def figures_of(org: Organisation, start: dt.date, end: dt.date) -> dict[str, Any]:
    """The subtree's figures with their parts: from its summary when nothing since could have
    moved them, else computed afresh (and kept)."""
    found = Summary.objects.filter(org=org, start=start, end=end).first()
    if found is not None and not is_stale(found):
        return found.figures
    return store(org, start, end).figures


def provinces(start: dt.date, end: dt.date) -> list[Organisation]:
    """The organisations at the top of the tree at some time in the period."""
    ids = (
        Placement.objects.filter(parent__isnull=True, valid_from__lte=end)
        .exclude(valid_to__lte=start)
        .values("org_id")
    )
    return list(Organisation.objects.filter(pk__in=ids).order_by("code"))


def combine(parts: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The figures of several disjoint subtrees together: counts summed, averages and shares
    recomputed from the summed parts."""
    total: dict[str, Any] = defaultdict(int)
    for figures in parts:
        for code, value in figures.items():
            total[code] += value
    done = dict(total)

    def ratio(part: float, whole: float, scale: int = 1) -> float:
        return round(part * scale / whole, 1) if whole else 0

    if "members.total" in done:
        done["members.age.average"] = ratio(done.get("_members.age.sum", 0), done["members.total"])
    if "admitted.total" in done:
        done["admitted.age.average"] = ratio(
            done.get("_admitted.age.sum", 0), done["admitted.total"]
        )
        done["admitted.target_pct"] = ratio(
            done["admitted.total"], done.get("admitted.target", 0), 100
        )
    for subject in ("members", "orgs"):
        if f"ratings.{subject}.rated" in done:
            good = done[f"ratings.{subject}.{ev.HTXSNV}"] + done[f"ratings.{subject}.{ev.HTTNV}"]
            done[f"ratings.{subject}.good_pct"] = ratio(good, done[f"ratings.{subject}.rated"], 100)
    return done


def national(start: dt.date, end: dt.date) -> dict[str, Any]:
    """Every indicator of the nation over the period, from the provinces' summaries."""
    changes_at = Summary.objects.filter(start=start, end=end).values_list("mark", flat=True)
    oldest = min(changes_at, default=None)
    changes = Changes(oldest) if oldest is not None else None
    found = {s.org_id: s for s in Summary.objects.filter(start=start, end=end)}
    parts = []
    for province in provinces(start, end):
        summary = found.get(province.pk)
        if summary is None or changes is None or _moved(summary, changes):
            summary = store(province, start, end)
        parts.append(summary.figures)
    return public(combine(parts))


def _moved(summary: Summary, changes: Changes) -> bool:
    """`changes` were read from the oldest mark of several summaries: a province's is moved only
    by what came after its own mark."""
    if summary.mark == changes.since:
        return is_stale(summary, changes)
    return is_stale(summary)


def national_raw(start: dt.date, end: dt.date) -> dict[str, Any]:
    """The same figures computed from the records, province by province (to check the
    summaries, and to measure what they save)."""
    return public(
        combine(compute_all(Scope(p, start, end), components=True) for p in provinces(start, end))
    )


def refresh(stale_only: bool = True) -> list[tuple[str, str, str, float]]:
    """Recompute the stored summaries a change may have moved (all of them with
    `stale_only=False`); what the worker runs as changes arrive."""
    done: list[tuple[str, str, str, float]] = []
    summaries = list(Summary.objects.select_related("org").order_by("mark"))
    if not summaries:
        return done
    changes = Changes(summaries[0].mark)
    for summary in summaries:
        if stale_only and not _moved(summary, changes):
            continue
        fresh = store(summary.org, summary.start, summary.end)
        done.append((summary.org.code, str(summary.start), str(summary.end), fresh.seconds))
    return done
