"""The indicator registry (issue 8): every figure a form, a review or a dashboard prints.

An indicator has a code, a Vietnamese and an English label, a definition and a unit. Indicators
come in families that compute together (one aggregate query, or one pass over the few records of
a period); a family gives every value of a scope and, for one code, the records behind it. The
value of an indicator and its records come from the same condition, so the drill-down always
lists exactly what was counted.

A scope is an organisation's subtree and a period [start, end]: stock figures ("in the list")
are taken on `end` in the subtree as it stood then; flows (admissions, transfers, exits,
awards) are the events of the period in the organisations that were in the subtree on the day."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from functools import partial

from django.db.models import Count, Q

from dangvu.core.routers import read_reports
from dangvu.members.models import MembershipEvent, MembershipPeriod
from dangvu.orgs.models import Organisation, Placement, valid_on
from dangvu.reports.indicators.admitted import Admitted, grassroots_of_many, target_of
from dangvu.reports.indicators.awards import Awards
from dangvu.reports.indicators.base import (
    ADMISSION_PERIODS,
    ARRIVALS,
    ENTRY_KINDS,
    EXIT_KINDS,
    PERSON_COLUMNS,
    PERSON_FIELDS,
    REGISTRY_CODES,
    Family,
    Indicator,
    Scope,
    _person_breakdowns,
    age_band,
    cached,
    data_version,
    en,
    person_codes,
    vi,
)
from dangvu.reports.indicators.flows import (
    IN_TOTAL,
    OUT_TOTAL,
    Flow,
    Flows,
    _events_per_member,
    _home_on,
    _member_ids,
    chunked,
)
from dangvu.reports.indicators.orgs import ORG_COLUMNS, Orgs
from dangvu.reports.indicators.ratings import Ratings
from dangvu.reports.indicators.stock import MemberStock, Seniority

FAMILIES: list[Family] = [
    MemberStock(),
    Seniority(),
    Flows(),
    Admitted(),
    Orgs(),
    Ratings(),
    Awards(),
]

FAMILY = {f.key: f for f in FAMILIES}

REGISTRY: dict[str, Indicator] = {i.code: i for f in FAMILIES for i in f.indicators()}

REGISTRY_CODES.update(REGISTRY)


def is_sensitive(code: str) -> bool:
    """Whether the records behind a figure reveal a sensitive field of each person listed
    (accounts/privacy.py: religion, evaluation results, discipline): the figure is shown to
    anyone in scope, the names only with the permission and a stated purpose, logged."""
    return ".religio" in code or code.startswith("ratings.members.") or code == "flow.out.expulsion"


def record_kind(indicator: Indicator) -> str:
    if indicator.family == "flows":
        return Flows.record_kind(indicator.code)
    return indicator.record


def compute_all(
    scope: Scope, families: Iterable[str] | None = None, components: bool = False
) -> dict[str, float]:
    """Every indicator of the scope (or of the named families), by code; with `components`,
    also the parts that averages are made of (keys starting with "_"), to combine subtrees."""
    # The version and every family's figures read on one database (the replica, when there is
    # one; the primary for all of them if the replica fails on the way).
    return read_reports(lambda: _compute_all(scope, families, components))


def _compute_all(
    scope: Scope, families: Iterable[str] | None, components: bool
) -> dict[str, float]:
    wanted = set(families) if families is not None else None
    values: dict[str, float] = {}
    version = data_version()
    # The families of one call share the grouped pass over the list (MemberStock.grouped);
    # nothing is kept on the scope past this call (a later write must be seen).
    scope.__dict__["_sharing"] = True
    try:
        for family in FAMILIES:
            if wanted is None or family.key in wanted:
                values.update(
                    cached(f"{family.key}:{scope.key()}", partial(family.values, scope), version)
                )
    finally:
        scope.__dict__.pop("_sharing", None)
        scope.__dict__.pop("_grouped", None)
    if not components:
        return {k: v for k, v in values.items() if not k.startswith("_")}
    return values


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def members_some(scope: Scope, codes: tuple[str, ...]) -> dict[str, float]:
    """A few figures of the members family, cached like the rest."""
    return dict(
        cached(
            f"members-some:{_digest(','.join(codes))}:{scope.key()}",
            lambda: MemberStock().some(scope, codes),
        )
    )


def admitted_by_year(org: Organisation, first: int, end: dt.date) -> dict[int, int]:
    """The newly admitted of each year from `first` to `end` (the last year up to `end`), in
    one query: the same events as `admitted.total`, admissions and re-admissions into a cell
    under the root that day."""

    def count() -> dict[int, int]:
        scope = Scope(org, dt.date(first, 1, 1), end)
        found = dict.fromkeys(range(first, end.year + 1), 0)
        for on, org_id, member_id in MembershipEvent.objects.filter(
            voided_by__isnull=True,
            kind__in=("admission", "readmission"),
            on__gte=scope.start,
            on__lte=scope.end,
            org_id__in=scope.orgs_ever(),
        ).values_list("on", "org_id", "member_id"):
            if scope.inside(org_id, on, member_id):
                found[on.year] += 1
        return found

    return dict(cached(f"admitted-years:{org.pk}:{first}:{end.isoformat()}", count))


def exits_total(scope: Scope) -> int:
    return int(cached(f"exits:{scope.key()}", lambda: Flows().exits_total(scope)))


def member_levels(scope: Scope) -> dict[str, float]:
    return dict(cached(f"member-levels:{scope.key()}", lambda: Ratings().member_levels(scope)))


def members_at(org: Organisation, days: list[dt.date]) -> dict[dt.date, int]:
    """Members in the list on each of the days, in one pass (a conditional count per day)."""

    def count() -> dict[dt.date, int]:
        scope = Scope(org, min(days), max(days))
        present = [d for d in days if Placement.objects.filter(valid_on(d), org=org).exists()]
        if not present:
            return dict.fromkeys(days, 0)
        rows = MembershipPeriod.objects.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=min(present)),
            valid_from__lte=max(present),
            temporary=False,
        )
        result = rows.aggregate(
            **{
                f"d{n}": Count("id", filter=valid_on(d) & Q(org_id__in=scope.orgs_on(d)))
                for n, d in enumerate(present)
            }
        )
        out = dict.fromkeys(days, 0)
        out.update({d: int(result[f"d{n}"] or 0) for n, d in enumerate(present)})
        return out

    key = ",".join(d.isoformat() for d in days)
    return dict(
        cached(
            f"members-at:{org.pk}:{_digest(key)}",
            count,
        )
    )


def records_of(scope: Scope, code: str) -> list[int]:
    indicator = REGISTRY[code]
    return FAMILY[indicator.family].records(scope, code)


__all__ = [
    "ADMISSION_PERIODS",
    "ARRIVALS",
    "ENTRY_KINDS",
    "EXIT_KINDS",
    "FAMILIES",
    "FAMILY",
    "IN_TOTAL",
    "ORG_COLUMNS",
    "OUT_TOTAL",
    "PERSON_COLUMNS",
    "PERSON_FIELDS",
    "REGISTRY",
    "REGISTRY_CODES",
    "Admitted",
    "Awards",
    "Family",
    "Flow",
    "Flows",
    "Indicator",
    "MemberStock",
    "Orgs",
    "Ratings",
    "Scope",
    "Seniority",
    "_digest",
    "_events_per_member",
    "_home_on",
    "_member_ids",
    "_person_breakdowns",
    "admitted_by_year",
    "age_band",
    "cached",
    "chunked",
    "compute_all",
    "data_version",
    "en",
    "exits_total",
    "grassroots_of_many",
    "is_sensitive",
    "member_levels",
    "members_at",
    "members_some",
    "person_codes",
    "record_kind",
    "records_of",
    "target_of",
    "vi",
]
