"""Every read of member records, restricted to what the acting user may see (DESIGN.md principle 2)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.models import Count, Field, Model, Q, QuerySet
from django.http import Http404

from dangvu.accounts.guard import taken_out, write_scope
from dangvu.accounts.models import Ability
from dangvu.accounts.privacy import LEFT_STATUSES, SENSITIVE_FIELDS
from dangvu.accounts.scope import scope_for
from dangvu.core.dates import age_on, born_on_or_before_for_age, today
from dangvu.core.models import ChangeLogEntry
from dangvu.core.prepared import Prepared, first_or_none
from dangvu.core.text import search_key
from dangvu.members import attributes, search
from dangvu.members.models import (
    ACTIVE_STATUSES,
    MembershipEvent,
    MembershipPeriod,
    PartyMember,
    Person,
)
from dangvu.orgs.models import SEGMENT_WIDTH, Lineage, Organisation, subtree_range, valid_on
from dangvu.rules import reference as ref
from dangvu.tree.selectors import (
    formed_on,
    get_org,
    lineage_intervals,
    placement_of,
    subtree_org_ids,
    subtree_placements,
)

PAGE_SIZE = 50


def visible_members(user: Any, ability: str = Ability.VIEW) -> QuerySet[PartyMember]:
    return PartyMember.objects.filter(scope_for(user, ability).member_q())


def get_member(user: Any, pk: int, ability: str = Ability.VIEW) -> PartyMember:
    """The member if the user's scope covers the record (what `visible_members` holds), else
    404. Read by its key and then asked of the scope (`Scope.covers_member`): the same answer as
    filtering by the scope in the database, for a statement far cheaper to build (issue 28)."""
    member = first_or_none(_MEMBER(pk))
    if member is None or not scope_for(user, ability).covers_member(member):
        raise Http404
    return member


# The member page's reads (issue 28, point 2), each built once per process (core.prepared): the
# record, and by its key its events, placements and flags on a day, badges, corrections and the
# dated changes of its attributes. The caller has checked the record against the scope.
_MEMBER: Prepared[PartyMember] = Prepared(
    lambda pk: PartyMember.objects.select_related("person", "org").filter(pk=pk).order_by("pk")[:1],
    int,
)
_EVENTS: Prepared[MembershipEvent] = Prepared(
    lambda member_id: (
        MembershipEvent.objects.filter(member_id=member_id)
        .select_related("org", "decision")
        .order_by("on", "id")
    ),
    int,
)
_PERIODS_ON: Prepared[MembershipPeriod] = Prepared(
    lambda member_id, on: (
        MembershipPeriod.objects.filter(valid_on(on), member_id=member_id)
        .select_related("org")
        .order_by("valid_from", "id")
    ),
    int,
    dt.date,
)


def _flags_on(member_id: int, on: dt.date) -> QuerySet[Any]:
    from dangvu.members.models import FlagPeriod

    return (
        FlagPeriod.objects.filter(valid_on(on), member_id=member_id)
        .order_by("flag")
        .values_list("flag", flat=True)
    )


def _attribute_changes(person_id: int) -> QuerySet[Any]:
    from dangvu.members.models import AttributeChange

    return AttributeChange.objects.filter(person_id=person_id).order_by("-effective", "-id")


def _badges(member_id: int) -> QuerySet[Any]:
    # The awards app stands above this one: its model is reached through the relation.
    badges: Any = PartyMember._meta.get_field("badges").related_model
    return badges.objects.filter(member_id=member_id).order_by("tier")


def _corrections(member_id: int) -> QuerySet[Any]:
    from dangvu.members.models import Correction

    return (
        Correction.objects.filter(member_id=member_id)
        .select_related("voided", "replacement")
        .order_by("recorded_at", "id")
    )


_FLAGS_ON: Prepared[str] = Prepared(_flags_on, int, dt.date)
_ATTRIBUTE_CHANGES: Prepared[Any] = Prepared(_attribute_changes, int)
_BADGES: Prepared[Any] = Prepared(_badges, int)
_CORRECTIONS: Prepared[Any] = Prepared(_corrections, int)


def age_shown(member: PartyMember, birth: dt.date, on: dt.date) -> tuple[int, bool]:
    """The age shown beside a member's date of birth on `on`, and whether it is the age at death:
    a member who died is as old as on the day of death, not as the years since would make him."""
    from dangvu.members import lifecycle

    day = lifecycle.reckoned_to(on, died_on=lifecycle.death_day(member.status, member.status_since))
    return age_on(birth, day), day != on


def badges_of(member: PartyMember) -> list[Any]:
    """The member's party badges, by tier."""
    return _BADGES(member.pk)


def corrections_of(member: PartyMember) -> list[Any]:
    """The corrections of the member's record in the order they were recorded, with the events
    they void and put in place."""
    return _CORRECTIONS(member.pk)


@dataclass
class MemberFilters:
    q: str = ""
    status: str = "active"
    sex: str = ""
    age_band: str = ""
    ethnicity: str = ""
    minority: bool = False
    religion: str = ""
    general_education: str = ""
    theory_level: str = ""
    admission_year: int | None = None
    extra: dict[str, str] = field(default_factory=dict)
    # A digit search matches citizen IDs only when the user may see them and said why (the
    # page logs it); otherwise card numbers only.
    by_citizen_id: bool = False


def birth_range_for_band(band: str, on: dt.date) -> Q:
    """Members whose age in completed years on `on` falls in the form's age band."""
    for code, low, high in ref.AGE_BANDS:
        if code == band:
            condition = (
                Q(person__birth_date__lte=born_on_or_before_for_age(low, on)) if low else Q()
            )
            if high is not None:
                condition &= Q(person__birth_date__gt=born_on_or_before_for_age(high + 1, on))
            return condition
    return Q(pk__in=[])


# What a page of the roll shows (name, birth, sex, ethnicity, status, cell) and pages on: the
# rest of a person's record (about 40 columns) is neither read nor built for the list (issue 9).
ROLL_COLUMNS = (
    "status",
    "status_since",  # the age of a member who died is the age at death (`age_shown`)
    "org__name",
    "org__path",
    "person__full_name",
    "person__birth_date",
    "person__sex",
    "person__ethnicity",
    "person__sort_key",
)


def member_list(
    user: Any,
    org: Organisation,
    filters: MemberFilters,
    *,
    after: str = "",
    limit: int = PAGE_SIZE,
    columns: tuple[str, ...] = (),
) -> tuple[list[PartyMember], str]:
    """One page of the members in the organisation's current subtree, in Vietnamese name order.

    Keyset pagination on the ICU sort key: `after` is the last key of the previous page; the
    returned token is the key to ask for the next page with, or "" on the last page. `columns`
    (e.g. ROLL_COLUMNS) loads only those fields; any other is read on access, one query a row.
    """
    if org.kind in ROLL_KINDS and filters == MemberFilters(status=filters.status):
        return _cell_by_cell(user, org, filters.status, after, limit, columns)
    low, high = subtree_range(org.path)
    qs = visible_members(user).filter(org__path__gte=low, org__path__lt=high)
    if statuses := _statuses(filters.status):
        qs = qs.filter(status__in=statuses)
    # Searching or filtering by a sensitive field would reveal it: only with the permission.
    sensitive = scope_for(user, Ability.VIEW_SENSITIVE).covers(org.path)
    if filters.q:
        key = search_key(filters.q)
        if key.isdigit():
            by_id = (
                Q(person__citizen_id=key) if sensitive and filters.by_citizen_id else Q(pk__in=[])
            )
            qs = qs.filter(by_id | Q(card_number=key))
        else:
            # The LIKE decides; on PostgreSQL the province's trigrams find its rows (members.search).
            qs = search.holding(qs, org.path, key).filter(person__search_name__contains=key)
    if filters.sex:
        qs = qs.filter(person__sex=filters.sex)
    if filters.age_band:
        qs = qs.filter(birth_range_for_band(filters.age_band, today()))
    if filters.ethnicity:
        qs = qs.filter(person__ethnicity=filters.ethnicity)
    if filters.minority:
        qs = qs.exclude(person__ethnicity__in=NOT_MINORITY)
    if filters.religion and not sensitive:
        qs = qs.none()
    elif filters.religion == "any":
        qs = qs.exclude(person__religion="none")
    elif filters.religion:
        qs = qs.filter(person__religion=filters.religion)
    if filters.general_education:
        qs = qs.filter(person__general_education=filters.general_education)
    if filters.theory_level:
        qs = qs.filter(person__theory_level=filters.theory_level)
    if filters.admission_year:
        qs = qs.filter(admission_decision_date__year=filters.admission_year)
    qs = qs.select_related("person", "org")
    if columns:
        qs = qs.only(*columns)
    if after:
        qs = qs.filter(person__sort_key__gt=after)
    rows = list(qs.order_by("person__sort_key")[: limit + 1])
    token = rows[limit - 1].person.sort_key if len(rows) > limit else ""
    return rows[:limit], token


def _statuses(status: str) -> tuple[str, ...]:
    """The statuses a list's status filter keeps: "active" the two of the list, "left" every
    way of leaving (together: which one is discipline), "" all."""
    if status == "active":
        return tuple(ACTIVE_STATUSES)
    if status == "left":
        return tuple(sorted(LEFT_STATUSES))
    return (status,) if status else ()


# The whole roll of a province, a district, a commune or a block, unfiltered, is read cell by cell
# (names in order within each cell, as the paper registers are kept): each page is the next few
# cells' rows by the organisation path index, instead of walking every name in the country for
# the 1 in 34 that lie in the province (issue 9: 3 ms instead of 30–80 ms at national scale).
ROLL_KINDS = ("provincial", "district", "commune_superior", "block")


def _cell_by_cell(
    user: Any, org: Organisation, status: str, after: str, limit: int, columns: tuple[str, ...]
) -> tuple[list[PartyMember], str]:
    """Keyset on (cell path, name key); the token is the path's length, the path, the key.

    The organisations with members after the token's are taken a few at a time, as many as the
    rest of the page should need at the members per cell seen so far, and their members read by
    organisation id. Asked instead for "every member of the organisations after this path in the
    province, ordered", PostgreSQL estimates one organisation where there are hundreds and sorts
    their tens of thousands of members for a page of 51 (210 ms, measured in issue 9).

    The statements are written here, not built by the ORM: building and compiling its three
    nested querysets took half of the list page's time (issue 28). The user's scope is in them
    (`Scope.member_sql`), and the rows become the same model instances, through the database's
    own converters."""
    path = key = ""
    if after[:2].isdigit():
        width = int(after[:2])
        path, key = after[2 : 2 + width], after[2 + width :]
        if not path.isdigit() or len(path) % SEGMENT_WIDTH or not path.startswith(org.path):
            path = key = ""
    low, high = subtree_range(org.path)
    scope = scope_for(user)
    statuses = _statuses(status)

    def shown(o: str, m: str) -> tuple[str, list[Any]]:
        """The members `m` the page may show, `o` their organisation: in the subtree, in the
        status asked, and in what the user may see."""
        where = [f"{o}.path >= %s", f"{o}.path < %s"]
        values: list[Any] = [low, high]
        if statuses:
            where.append(f"{m}.status IN ({', '.join(['%s'] * len(statuses))})")
            values += statuses
        seen, seen_values = scope.member_sql(f"{o}.path", f"{m}.id", org.path)
        if seen:
            where.append(seen)
            values += seen_values
        return " AND ".join(where), values

    models: tuple[type[Model], ...] = (PartyMember, Person, Organisation)
    tables = {model: model._meta.db_table for model in models}
    fields = _roll_fields(columns)
    select = ", ".join(
        f"{alias}.{f.column}"
        for alias, model in zip("mpo", models, strict=True)
        for f in fields[model]
    )
    condition, params = shown("o", "m")
    rows_sql = (
        f"SELECT {select} FROM {tables[PartyMember]} m "  # noqa: S608 (names from the models)
        f"JOIN {tables[Person]} p ON p.id = m.person_id "
        f"JOIN {tables[Organisation]} o ON o.id = m.org_id WHERE {condition}"
    )
    # The next organisations (`c`) after a path holding a member the page may show (`cm`).
    in_cell, cell_params = shown("c", "cm")
    cells_sql = {
        op: f"SELECT c.id FROM {tables[Organisation]} c WHERE c.path {op} %s AND c.path < %s "  # noqa: S608
        f"AND EXISTS (SELECT 1 FROM {tables[PartyMember]} cm WHERE cm.org_id = c.id AND "
        f"{in_cell}) ORDER BY c.path LIMIT %s"
        for op in (">=", ">")
    }
    order = " ORDER BY o.path, p.sort_key LIMIT %s"
    path_at = (
        len(fields[PartyMember])
        + len(fields[Person])
        + [f.attname for f in fields[Organisation]].index("path")
    )
    org_id_at = [f.attname for f in fields[PartyMember]].index("org_id")
    db = router.db_for_read(PartyMember) or DEFAULT_DB_ALIAS  # the replica, reading reports
    # Not prepared (core.planned): a plan kept for any path and key could be the one PostgreSQL
    # estimates wrongly for a late key or a large subtree (above); these are planned each time.
    with connections[db].cursor() as cursor:

        def read(statement: str, values: list[Any]) -> list[tuple[Any, ...]]:
            cursor.execute(statement, values)
            return cursor.fetchall()

        found: list[tuple[Any, ...]] = []
        if path:
            # The rest of the token's cell. `lower(sort_key) > key` (the keys are lowercase hex:
            # the same rows) keeps PostgreSQL from reading the country's name index from the key
            # on: for a key late in the alphabet it estimated one row where there were 50,000
            # (650 ms; by the cell, 3 ms).
            found = read(
                f"{rows_sql} AND o.path = %s AND lower(p.sort_key) > %s{order}",
                [*params, path, key, limit + 1],
            )
        from_path, op = (path, ">") if path else (low, ">=")
        cells_read = rows_read = 0
        while len(found) <= limit:
            wanted = limit + 1 - len(found)
            per_cell = max(rows_read // cells_read, 1) if cells_read else 100
            batch = min(-(-wanted // per_cell), 64)
            # The next `batch` organisations with members, as a subquery: one statement a batch.
            rows = read(
                f"{rows_sql} AND m.org_id IN ({cells_sql[op]}){order}",
                [*params, from_path, high, *cell_params, batch, wanted],
            )
            if not rows:
                break
            found += rows
            # Fewer rows than wanted: every member of the batch came, its last cell's last.
            cells_read += len({row[org_id_at] for row in rows})
            rows_read += len(rows)
            from_path, op = rows[-1][path_at], ">"
    members = _roll_members(found[:limit], fields, db)
    token = ""
    if len(found) > limit:
        last = members[limit - 1]
        assert last.org is not None
        token = f"{len(last.org.path):02d}{last.org.path}{last.person.sort_key}"
    return members, token


def _roll_fields(columns: tuple[str, ...]) -> dict[type[Model], list[Field[Any, Any]]]:
    """The fields the roll reads of each model, in the models' order (`Model.from_db` wants
    them so): `columns` as `QuerySet.only` takes them ("status", "person__full_name"), every
    field when none is named; the keys, the member's links and the token's path and name key
    always."""
    wanted: dict[type[Model], set[str]] = {
        PartyMember: {"id", "person_id", "org_id"},
        Person: {"id", "sort_key"},
        Organisation: {"id", "path"},
    }
    related: dict[str, type[Model]] = {"person": Person, "org": Organisation}
    for column in columns:
        head, _sep, rest = column.partition("__")
        if rest:
            wanted[related[head]].add(rest)
        else:
            wanted[PartyMember].add(column)
    return {
        model: [
            f
            for f in model._meta.concrete_fields
            if not columns or f.attname in names or f.name in names
        ]
        for model, names in wanted.items()
    }


def _roll_members(
    rows: list[tuple[Any, ...]], fields: dict[type[Model], list[Field[Any, Any]]], db: str
) -> list[PartyMember]:
    """The rows as members with their person and organisation, as `select_related` makes them:
    each value through the database's converters (dates, booleans, JSON)."""
    columns = [
        f.get_col(model._meta.db_table)
        for model, model_fields in fields.items()
        for f in model_fields
    ]
    compiler = PartyMember.objects.none().query.get_compiler(db)
    converters = compiler.get_converters(columns)
    if converters:
        rows = list(compiler.apply_converters(rows, converters))
    names = {model: [f.attname for f in model_fields] for model, model_fields in fields.items()}
    person_field = PartyMember._meta.get_field("person")
    org_field = PartyMember._meta.get_field("org")
    widths = [len(names[PartyMember]), len(names[Person])]
    member_of, person_of, org_of = (
        model.loader(db, names[model]) for model in (PartyMember, Person, Organisation)
    )
    person_cache, org_cache = person_field.cache_name, org_field.cache_name
    out = []
    for row in rows:
        member = member_of(row[: widths[0]])
        # Field.set_cached_value, written out: the member's person and cell read with it.
        member._state.fields_cache[person_cache] = person_of(row[widths[0] : widths[0] + widths[1]])
        member._state.fields_cache[org_cache] = org_of(row[widths[0] + widths[1] :])
        out.append(member)
    return out


# "Dân tộc thiểu số": every group but Kinh; naturalised foreigners are not an ethnic minority
# (FORMS.md §5 "Ethnicity": the definition is an app's choice, UNCONFIRMED, kept here in one place).
NOT_MINORITY = (ref.KINH, "56")


def split_shares(org: Organisation) -> dict[int, frozenset[int]]:
    """Member by member, what a split predecessor gave organisation X: for each organisation that
    leads into X but was split by a restructuring between X and others, the members it handed on
    that day to something that leads into X. Before X was formed, only they count for X from it
    (a split predecessor contributes only what went to X); those that went elsewhere, and those
    that left it before the split, count for the others or for none."""

    first = formed_on(org)
    if first is None:
        return {}
    leading = lineage_intervals(org)
    splits: dict[int, set[int]] = defaultdict(set)
    days: dict[int, dt.date] = {}
    for before, after, on in Lineage.objects.filter(
        predecessor_id__in=list(leading), relation=Lineage.Relation.SPLIT_INTO, on__lte=first
    ).values_list("predecessor_id", "successor_id", "on"):
        splits[before].add(after)
        days[before] = on
    shares: dict[int, frozenset[int]] = {}
    for before, successors in splits.items():
        if successors <= set(leading):
            continue  # wholly into X
        handed = MembershipEvent.objects.filter(
            kind="reassignment", on=days[before], voided_by__isnull=True, org_id__in=list(leading)
        ).values_list("member_id", "details")
        shares[before] = frozenset(m for m, d in handed if (d or {}).get("from") == before)
    return shares


def members_on(org: Organisation, on: dt.date) -> QuerySet[MembershipPeriod]:
    """Membership periods valid on `on` in the organisation over time (tree.selectors): its
    subtree as it stood then; before it was formed, what became it, member by member from a
    split predecessor (`split_shares`)."""
    periods = MembershipPeriod.objects.filter(
        valid_on(on), temporary=False, org_id__in=subtree_org_ids(org, on)
    )
    if placement_of(org, on) is None:
        for org_id, members in split_shares(org).items():
            periods = periods.exclude(Q(org_id=org_id) & ~Q(member_id__in=sorted(members)))
    return periods


def stats(org: Organisation, on: dt.date) -> dict[str, int]:
    """The basic indicators of a subtree on a date, in one aggregate query (sum of CASE)."""
    periods = members_on(org, on)
    aggregates: dict[str, Any] = {
        "members.total": Count("id"),
        "members.official": Count("id", filter=Q(status="official")),
        "members.probationary": Count("id", filter=Q(status="probationary")),
        "members.women": Count("id", filter=Q(member__person__sex="F")),
        "members.ethnic_minority": Count(
            "id", filter=~Q(member__person__ethnicity__in=NOT_MINORITY)
        ),
        # Religion changes in a life: the one held on the day (members/attributes.py).
        "members.religious": Count(
            "id", filter=attributes.as_of(~Q(religion="none"), on, "member__person__")
        ),
    }
    for code, low, high in ref.AGE_BANDS:
        condition = (
            Q(member__person__birth_date__lte=born_on_or_before_for_age(low, on)) if low else Q()
        )
        if high is not None:
            condition &= Q(member__person__birth_date__gt=born_on_or_before_for_age(high + 1, on))
        aggregates[f"members.age.{code}"] = (
            Count("id", filter=condition) if condition else Count("id")
        )
    result = periods.aggregate(**{k.replace(".", "__"): v for k, v in aggregates.items()})
    return {k: int(result[k.replace(".", "__")] or 0) for k in aggregates}


def subtree_member_counts(root: Organisation, on: dt.date) -> dict[int, int]:
    """For each organisation in the subtree on `on`, its members including those below it."""
    placements = list(subtree_placements(root, on).values_list("org_id", "path"))
    direct = dict(
        MembershipPeriod.objects.filter(
            valid_on(on), temporary=False, org_id__in=[org_id for org_id, _p in placements]
        )
        .values_list("org_id")
        .annotate(n=Count("id"))
        .values_list("org_id", "n")
    )
    by_path = {path: org_id for org_id, path in placements}
    totals: dict[int, int] = defaultdict(int)
    width = 7
    for org_id, path in placements:
        count = direct.get(org_id, 0)
        if not count:
            continue
        for end in range(width, len(path) + 1, width):
            ancestor = by_path.get(path[:end])
            if ancestor is not None:
                totals[ancestor] += count
    return dict(totals)


def org_names(ids: Iterable[int]) -> dict[int, str]:
    """Organisations' names by key, for the keys a member's own events keep (a move by
    restructuring names the cell left): one statement for a page."""
    wanted = set(ids)
    if not wanted:
        return {}
    return dict(Organisation.objects.filter(pk__in=wanted).values_list("id", "name"))


def events_of(member: PartyMember) -> list[Any]:
    return _EVENTS(member.pk)


def stats_for(user: Any, code: str, on: dt.date) -> tuple[Organisation, dict[str, int]]:
    """The indicators of an organisation the user may see (404 otherwise)."""

    org = get_org(user, code)
    return org, stats(org, on)


def export_rows(user: Any, org: Organisation, filters: MemberFilters) -> list[PartyMember]:
    """Every member of the list (no paging) for export; the same door as the page."""
    rows: list[PartyMember] = []
    token = ""
    while True:
        page, token = member_list(user, org, filters, after=token, limit=2000)
        rows.extend(page)
        if not token:
            return rows


# --- answers for any date (DOMAIN.md §3.2, §4) --------------------------------------------------
def _iso(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def gaps_in(derived: dict[str, Any] | None) -> list[tuple[dt.date, dt.date | None]]:
    """The gaps in party age (§3.2) kept in a member's derived fields."""
    return [(dt.date.fromisoformat(a), _iso(b)) for a, b in (derived or {}).get("gaps", [])]


def gaps_of(member: PartyMember) -> list[tuple[dt.date, dt.date | None]]:
    return gaps_in(member.derived)


def status_on(member: PartyMember, on: dt.date) -> str:
    status = ""
    for since, value in (member.derived or {}).get("timeline", []):
        if dt.date.fromisoformat(since) <= on:
            status = value
    return status


def _membership_on(
    member: PartyMember, on: dt.date, facts: list[Any] | None = None
) -> dict[str, dt.date | None]:
    """The dates of the membership in force on a day — before a re-admission, those of the
    earlier membership — from the member's events up to that day (DOMAIN.md §4.8)."""
    from dangvu.members import lifecycle
    from dangvu.members.events import facts_of

    if facts is None:
        facts = facts_of(member)
    try:
        if not facts:
            raise lifecycle.LifecycleError("no events")
        state = lifecycle.derive([f for f in facts if f.on <= on])
    except lifecycle.LifecycleError:  # no events, or inconsistent: the stored dates, as of the day
        state = lifecycle.State(
            admission_decision_date=member.admission_decision_date,
            ceremony_date=member.ceremony_date,
            official_date=member.official_date,
        )

    def until(day: dt.date | None) -> dt.date | None:
        return day if day is not None and day <= on else None

    return {
        "admission_decision_date": until(state.admission_decision_date),
        "ceremony_date": until(state.ceremony_date),
        "official_date": until(state.official_date),
    }


def member_on(
    member: PartyMember, on: dt.date, *, dated: bool = True, facts: list[Any] | None = None
) -> dict[str, Any]:
    """A member's status, flags, party cells and party age on a day, from the stored derived state
    (`facts`: the member's, when the caller has read them: `events.facts_from`)."""
    from dangvu.members import lifecycle

    periods = _PERIODS_ON(member.pk, on)
    home = next((p for p in periods if not p.temporary), None)
    temp = next((p for p in periods if p.temporary), None)
    flags = sorted(_FLAGS_ON(member.pk, on))
    if temp is not None:
        flags.append("on_temporary_transfer")
    status = status_on(member, on)
    if home is None and status in ACTIVE_STATUSES and (member.derived or {}).get("transit"):
        flags.append("in_transit")
    answer: dict[str, Any] = {
        "status": status or None,
        "flags": flags,
        "org": home.org.code if home else None,
        "temp_org": temp.org.code if temp else None,
        # The dates of the membership in force that day (its events replayed): `member show`;
        # a list of members shows none of them and skips the replay.
        **(_membership_on(member, on, facts) if dated else {}),
        "first_admission_date": member.first_admission_date
        if member.first_admission_date and member.first_admission_date <= on
        else None,
        "party_age": None,
        "next_badge": None,
    }
    first = member.first_admission_date
    # A member who died keeps the party age of the day of death (`lifecycle.reckoned_to`).
    died = lifecycle.death_day(status, member.status_since)
    if first is not None and first <= on and status and (status != "deceased" or died):
        gaps = gaps_of(member)
        answer["party_age"] = lifecycle.party_age(
            first, gaps, lifecycle.reckoned_to(on, died_on=died)
        ).as_dict()
        if status in ACTIVE_STATUSES or status == "transferred_out":
            badge = lifecycle.next_badge(first, gaps, on)
            answer["next_badge"] = {"tier": badge[0], "date": badge[1]} if badge else None
    return answer


def members_on_list(
    org: Organisation, on: dt.date, status: str = ""
) -> list[tuple[PartyMember, str]]:
    """(member, status on the day) of the organisation's subtree as it stood on the day.

    In the list (official, probationary): the home periods of that day. Another status: those who
    had it on that day and whose last party cell lay in the subtree.
    """
    if status in ("", *ACTIVE_STATUSES):
        periods = members_on(org, on).select_related("member__person", "org")
        if status:
            periods = periods.filter(status=status)
        rows = [(p.member, p.status) for p in periods]
    else:
        org_ids = subtree_org_ids(org, on)
        last = MembershipPeriod.objects.filter(
            temporary=False, valid_to__lte=on, org_id__in=org_ids
        ).select_related("member__person")
        seen: dict[int, PartyMember] = {p.member_id: p.member for p in last}
        rows = [(m, s) for m in seen.values() if (s := status_on(m, on)) == status]
    rows.sort(key=lambda r: r[0].person.sort_key)
    return rows


def corrections_for(org: Organisation, on: dt.date) -> list[Any]:
    """Corrections that changed answers for the day in this subtree: those of the members counted
    then, or kept here now, concerning a day on or before it."""
    from dangvu.members.events import corrections_affecting

    low, high = subtree_range(org.path)
    counted = members_on(org, on).values("member_id")
    here = PartyMember.objects.filter(org__path__gte=low, org__path__lt=high).values("pk")
    ids = set(counted.values_list("member_id", flat=True)) | set(here.values_list("pk", flat=True))
    return corrections_affecting(list(ids), on)


def attribute_rows(person: Any, reveal: bool) -> list[dict[str, Any]]:
    """The dated history of a person's attributes for the member's page, newest first; a
    sensitive attribute (religion) only when the reader revealed the sensitive fields."""
    from dangvu.members.models import attribute_label, value_label

    rows = []
    for change in _ATTRIBUTE_CHANGES(person.pk):
        if change.field in SENSITIVE_FIELDS and not reveal:
            continue
        rows.append(
            {
                "attribute": attribute_label(change.field),
                "effective": change.effective,
                "before": value_label(change.field, change.before),
                "after": value_label(change.field, change.after),
            }
        )
    return rows


def written_members(user: Any, ids: set[str], entries: list[ChangeLogEntry]) -> set[str]:
    """The write guard's read-back (accounts.guard): the members among `ids` the user may change."""
    scope = write_scope(user)
    found = PartyMember.objects.filter(scope.member_q(), pk__in=[int(i) for i in ids])
    return {str(pk) for pk in found.values_list("pk", flat=True)} | taken_out(scope, entries)


def sensitive_filters(filters: MemberFilters) -> list[str]:
    """The sensitive fields a list's filters read (accounts.privacy): religion, discipline (which
    way a member left tells of an expulsion), the citizen ID. One rule for the list and its
    export: with the permission the user says why first and the read is logged; without it the
    filter is not applied (`without_sensitive_filters`)."""
    return [
        name
        for name, used in (
            ("religion", bool(filters.religion)),
            ("discipline", filters.status in LEFT_STATUSES),
            ("citizen_id", filters.by_citizen_id),
        )
        if used
    ]


def without_sensitive_filters(filters: MemberFilters) -> MemberFilters:
    """The filters a user without the sensitive permission gets: no religion, the ways of leaving
    together, numbers matched among card numbers only."""
    status = "left" if filters.status in LEFT_STATUSES else filters.status
    return replace(filters, religion="", status=status, by_citizen_id=False)


def org_page_roll(user: Any, org: Organisation, day: dt.date) -> dict[str, Any]:
    """What the organisation page shows of its members (registered with tree.extensions): the
    first rows of its roll, and the counts the Charter's notes on its structure read."""
    figures = stats(org, day)
    preview, more = member_list(user, org, MemberFilters(), limit=20, columns=ROLL_COLUMNS)
    return {
        "preview": preview,
        "more_members": bool(more),
        "official": figures["members.official"],
        "total": figures["members.total"],
    }
