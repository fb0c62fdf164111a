"""Writing dues (DOMAIN.md §7, §16.7): what a member's due is computed from, the exemptions and
reductions decided, the month's book assessed, payments (cash to the cell, or the portal's
statement) and remittances. The due of a member for a month is computed in one place, `due_of`,
from rules/dues.py; every way in — page, command, import, demo — goes through these functions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max, Q, Sum
from django.utils.translation import gettext as _

from dangvu.accounts.models import Ability
from dangvu.accounts.scope import can, require
from dangvu.activities import roll as rolls
from dangvu.activities.models import DuesBasis, DuesLine, DuesPayment, DuesRelief, Remittance
from dangvu.core import bulk
from dangvu.core.actors import Actor
from dangvu.core.changes import log_entry, log_values, open_change_set
from dangvu.core.dates import format_date, today
from dangvu.core.errors import RuleError
from dangvu.core.models import ChangeLogEntry, ChangeSet
from dangvu.members import lifecycle
from dangvu.members.models import Flag, FlagPeriod, PartyMember
from dangvu.members.selectors import gaps_in
from dangvu.orgs.models import Organisation
from dangvu.rules import congress as congress_rules
from dangvu.rules import dues as rules
from dangvu.rules import organisation as org_rules
from dangvu.tree.selectors import placement_of, subtree_placements

PREPAY_MONTHS = 12
LINE_FIELDS = ("regulation", "category", "standard", "amount", "reason", "percent", "deferred")


def month_label(month: dt.date) -> str:
    return f"{month.month:02d}/{month.year}"


def last_day(month: dt.date) -> dt.date:
    return rules.next_month(month) - dt.timedelta(days=1)


@dataclass
class Context:
    """What the dues of a set of members are computed from, read once for all of them."""

    # member -> [(since, category, amount, region)] in order
    bases: dict[int, list[tuple[dt.date, str, int, str]]]
    reliefs: dict[int, tuple[rules.Relief, ...]]
    # member -> (first admission, gaps, retirement date)
    members: dict[int, tuple[dt.date | None, list[tuple[dt.date, dt.date | None]], dt.date]]


def context_for(member_ids: Any) -> Context:
    """`member_ids`: a list, or a query of ids (a province's members: one subquery, not 20,000
    parameters)."""
    ids = member_ids if hasattr(member_ids, "query") else list(member_ids)
    bases: dict[int, list[tuple[dt.date, str, int, str]]] = {}
    for member_id, *row in (
        DuesBasis.objects.filter(member_id__in=ids)
        .order_by("since", "pk")
        .values_list("member_id", "since", "category", "amount", "region")
    ):
        bases.setdefault(member_id, []).append(tuple(row))  # type: ignore[arg-type]
    reliefs: dict[int, list[rules.Relief]] = {}
    for member_id, kind, percent, since, until in DuesRelief.objects.filter(
        member_id__in=ids
    ).values_list("member_id", "kind", "percent", "first", "last"):
        reliefs.setdefault(member_id, []).append(rules.Relief(kind, percent, since, until))
    retire: dict[tuple[str, dt.date], dt.date] = {}
    members: dict[int, tuple[dt.date | None, list[tuple[dt.date, dt.date | None]], dt.date]] = {}
    for pk, first, derived, sex, birth in PartyMember.objects.filter(pk__in=ids).values_list(
        "pk", "first_admission_date", "derived", "person__sex", "person__birth_date"
    ):
        if (sex, birth) not in retire:
            retire[(sex, birth)] = congress_rules.retirement_date(sex, birth)
        members[pk] = (first, gaps_in(derived), retire[(sex, birth)])
    return Context(bases, {k: tuple(v) for k, v in reliefs.items()}, members)


def due_of(member_id: int, month: dt.date, ctx: Context) -> tuple[rules.Due, str]:
    """The member's due for the month and the category it was computed from: the basis in force
    for the base month (the month before under 01-QĐ/TW), party age for the 50-year exemption
    (from the first admission, moved later by the gaps — lifecycle.party_age), the reliefs."""
    first, gaps, retires = ctx.members[member_id]
    base_month = rules.base_month(month)
    found = None
    for row in ctx.bases.get(member_id, []):
        if row[0] <= base_month:
            found = row
    basis = None
    if found is not None:
        basis = rules.Basis(found[1], found[2], found[3], retires <= month)
    counted_from = None
    if first is not None:
        counted_from = lifecycle.party_age(first, gaps, last_day(month)).counted_from
    due = rules.due_for(
        month, basis, counted_from=counted_from, reliefs=ctx.reliefs.get(member_id, ())
    )
    return due, found[1] if found else ""


def _line_values(member_id: int, month: dt.date, ctx: Context) -> dict[str, Any]:
    due, category = due_of(member_id, month, ctx)
    return {
        "regulation": due.regulation,
        "category": category,
        "standard": due.standard,
        "amount": due.amount,
        "reason": due.reason,
        "percent": due.percent,
        "deferred": due.deferred,
    }


def _cells_under(org: Organisation, day: dt.date) -> list[int]:
    return list(
        subtree_placements(org, day)
        .filter(org__kind__in=rolls.CELL_KINDS)
        .values_list("org_id", flat=True)
    )


def _log(cs: ChangeSet, action: str, obj: Any, path: str, after: dict[str, Any]) -> None:
    log_entry(cs, action=action, obj=obj, scope_path=path, after=after)


def check_basis(category: str, amount: int, region: str) -> None:
    """What a dues basis must hold (one rule for the page, the import and the demo)."""
    if category not in dict(rules.CATEGORIES):
        raise RuleError(_("Choose the member's category."), field="category")
    if category in rules.BASED and amount <= 0:
        raise RuleError(
            _("Enter the salary, benefit or pension the due is computed from."), field="amount"
        )
    if region not in dict(rules.REGIONS):
        raise RuleError(_("Choose the region of the minimum wage."), field="region")


def basis_record(
    *,
    member: PartyMember,
    since: dt.date,
    category: str,
    amount: int,
    region: str = "1",
    actor: Actor,
    source: str = ChangeSet.Source.WEB,
) -> DuesBasis:
    """What the member's due is computed from, from a month on. A salary, benefit or pension is
    needed for those categories; the amount is sensitive (the book shows the due, not the base)."""
    require_handler(actor, member)
    since = rules.month_start(since)
    check_basis(category, amount, region)
    with transaction.atomic():
        cs = open_change_set(actor=actor, source=source)
        basis, _created = DuesBasis.objects.update_or_create(
            member=member,
            since=since,
            defaults={
                "category": category,
                "amount": amount if category in rules.BASED else 0,
                "region": region,
                "changeset": cs,
            },
        )
        _log(
            cs,
            "dues.basis",
            basis,
            member.scope_path or "",
            {"since": since, "category": category},
        )
    return basis


def bases_record(
    *,
    rows: list[tuple[PartyMember, dt.date, str, int, str]],
    actor: Actor,
    source: str = ChangeSet.Source.IMPORT,
) -> int:
    """Many members' bases at once (a cell's salary list imported, the demo): each checked by
    `check_basis`, all written or none, the first refusal naming the member."""
    objs = []
    for number, (member, since, category, amount, region) in enumerate(rows, start=1):
        require(actor, Ability.MANAGE_MEMBERS, member.scope_path)
        try:
            check_basis(category, amount, region)
        except RuleError as exc:
            raise RuleError(
                _("Row %(n)s (%(name)s): %(problem)s")
                % {"n": number, "name": member.person.full_name, "problem": " ".join(exc.messages)}
            ) from exc
        objs.append(
            DuesBasis(
                member=member,
                since=rules.month_start(since),
                category=category,
                amount=amount if category in rules.BASED else 0,
                region=region,
            )
        )
    with transaction.atomic():
        cs = open_change_set(actor=actor, source=source)
        for obj in objs:
            obj.changeset = cs
        bulk.insert(objs)
        ChangeLogEntry.objects.bulk_create(
            ChangeLogEntry(
                **log_values(
                    cs,
                    action="dues.basis",
                    obj=obj.member,
                    scope_path=obj.member.scope_path or "",
                    after={"since": obj.since, "category": obj.category},
                )
            )
            for obj in objs
        )
    return len(objs)


def _check_deferral(member: PartyMember, first: dt.date, last: dt.date | None) -> None:
    """01-QĐ/TW (§7.2): paying late is allowed to a member temporarily exempted from activity,
    for the months of the exemption."""
    if last is None:
        raise RuleError(_("A deferral has its last month."), field="last")
    exempted = FlagPeriod.objects.filter(
        member=member,
        flag=Flag.TEMPORARILY_EXEMPTED,
        valid_from__lte=last_day(first),
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=first))
    period = exempted.order_by("-valid_from").first()
    if period is None:
        raise RuleError(
            _("Paying late is for a member temporarily exempted from party activity."),
            field="kind",
        )
    end = period.valid_to or period.until
    if end is not None and rules.month_start(end) < last:
        raise RuleError(
            _("A deferral lasts at most as long as the temporary exemption (until %(date)s).")
            % {"date": format_date(end)},
            field="last",
        )


def relief_record(
    *,
    member: PartyMember,
    kind: str,
    percent: int,
    first: dt.date,
    last: dt.date | None,
    decision: str,
    actor: Actor,
    source: str = ChangeSet.Source.WEB,
) -> DuesRelief:
    """An exemption, reduction (30/50/70 %, at most 12 months a decision) or deferral decided by the
    cell (01-QĐ/TW). The book's lines of this month and later that it covers, not paid yet, follow
    it; an ended month's line stays as it was written (the past does not move). A deferral is for
    a member temporarily exempted from activity, at most for the exemption's length (§7.2)."""
    require_handler(actor, member)
    first = rules.month_start(first)
    last = rules.month_start(last) if last else None
    if kind == rules.DEFERRAL:
        percent = 0
    elif kind not in dict(rules.RELIEF_GROUNDS):
        raise RuleError(_("Choose the ground of the exemption or reduction."), field="kind")
    problem = rules.relief_problem(rules.Relief(kind, percent, first, last))
    if problem:
        raise RuleError(problem, field="last" if "12" in problem else "kind")
    if not decision.strip():
        raise RuleError(_("Enter the cell's decision."), field="decision")
    if kind == rules.DEFERRAL:
        _check_deferral(member, first, last)
    with transaction.atomic():
        cs = open_change_set(actor=actor, source=source)
        relief = DuesRelief.objects.create(
            member=member,
            kind=kind,
            percent=percent,
            first=first,
            last=last,
            decision=decision.strip(),
            changeset=cs,
        )
        ctx = context_for([member.pk])
        open_lines = DuesLine.objects.filter(
            member=member, month__gte=max(first, rules.month_start(today())), paid=0
        )
        if last is not None:
            open_lines = open_lines.filter(month__lte=last)
        for line in open_lines:
            for key, value in _line_values(member.pk, line.month, ctx).items():
                setattr(line, key, value)
            line.save()
        _log(
            cs,
            "dues.relief",
            relief,
            member.scope_path or "",
            {"kind": kind, "percent": percent, "first": first, "last": last},
        )
    return relief


def _month_lines(org: Organisation, month: dt.date) -> tuple[list[DuesLine], list[DuesLine], int]:
    """The month's lines for the cells under `org`: (new, recomputed, kept) — see `assess`."""
    day = min(last_day(month), today())
    cells = _cells_under(org, day)
    payers = rolls.payers_on(cells, day)
    here = rolls.members_in(cells, day)
    current = month >= rules.month_start(today())
    lines = DuesLine.objects.filter(month=month, member_id__in=here)
    if current:
        existing = {line.member_id: line for line in lines.filter(paid=0)}
        taken = set(lines.exclude(paid=0).values_list("member_id", flat=True))
    else:
        existing, taken = {}, set(lines.values_list("member_id", flat=True))
    ctx = context_for(here)
    new, updated = [], []
    for member_id, cell in payers.items():
        if member_id in taken:
            continue
        values = _line_values(member_id, month, ctx)
        line = existing.get(member_id)
        if line is None:
            new.append(DuesLine(member_id=member_id, month=month, org_id=cell, **values))
        else:
            for key, value in values.items():
                setattr(line, key, value)
            line.org_id = cell
            updated.append(line)
    return new, updated, len(taken)


def _check_month(month: dt.date) -> dt.date:
    month = rules.month_start(month)
    if month > rules.month_start(today()):
        raise RuleError(_("A month is assessed once it has begun; pay ahead instead."))
    return month


def assess(
    *, org: Organisation, month: dt.date, actor: Actor, source: str = ChangeSet.Source.WEB
) -> dict[str, int]:
    """The month's book for every cell under `org`: a line for each member who pays to a cell under
    it on the month's last day (or today, for the current month) — the host cell while on
    temporary transfer. A line already written for an ended month stays as it was (the past does
    not move); a line of this month or a later one that is not paid yet is computed again."""
    require(actor, Ability.MANAGE_MEMBERS, org.path)
    month = _check_month(month)
    new, updated, kept = _month_lines(org, month)
    with transaction.atomic():
        cs = open_change_set(actor=actor, source=source)
        bulk.insert(new)
        if updated:
            bulk.update(updated, [*LINE_FIELDS, "org"])
        log_entry(
            cs,
            action="dues.month",
            obj=org,
            scope_path=org.path,
            after={"month": month_label(month), "new": len(new), "updated": len(updated)},
        )
    return {"new": len(new), "updated": len(updated), "kept": kept}


def collect(
    *,
    org: Organisation,
    month: dt.date,
    paid: dict[int, tuple[dt.date, str]],
    actor: Actor,
    source: str = ChangeSet.Source.IMPORT,
) -> dict[str, int]:
    """The month's book written (as `assess`) and the dues of the members in `paid` ({member: (the
    day, cash or portal)}) paid in full for the month, each with its payment and receipt — the
    collection of a month entered at once (a cell's list, the demo). A member whose line is
    already paid, or who owes nothing, is left as it is."""
    require(actor, Ability.MANAGE_MEMBERS, org.path)
    month = _check_month(month)
    new, updated, _kept = _month_lines(org, month)
    lines = {line.member_id: line for line in [*new, *updated]}
    lines.update(
        {
            line.member_id: line
            for line in DuesLine.objects.filter(month=month, member_id__in=set(paid) - set(lines))
        }
    )
    for day, _channel in paid.values():
        if day > today():
            raise RuleError(
                _("The date %(date)s is in the future.") % {"date": format_date(day)},
                field="paid_on",
            )
    receipts: dict[tuple[int, int], int] = {}
    payments, touched = [], []
    for member_id, (day, channel) in sorted(paid.items(), key=lambda item: item[1][0]):
        line = lines.get(member_id)
        if line is None or line.amount == 0 or line.paid >= line.amount:
            continue
        owed = line.amount - line.paid
        line.paid, line.paid_on, line.channel = line.amount, day, channel
        if line.pk is not None:
            touched.append(line)
        key = (line.org_id, day.year)
        if key not in receipts:
            receipts[key] = DuesPayment.objects.filter(
                org_id=line.org_id, paid_on__year=day.year, channel="cash"
            ).count()
        if channel == "cash":
            receipts[key] += 1
        payments.append(
            {
                "member_id": member_id,
                "org_id": line.org_id,
                "paid_on": day,
                "amount": owed,
                "first": month,
                "last": month,
                "channel": channel,
                "receipt": f"{receipts[key]}/{day.year}"
                if channel == "cash"
                else f"DVC-{day:%Y%m}-{member_id}",
                "voluntary": 0,
            }
        )
    with transaction.atomic():
        cs = open_change_set(actor=actor, source=source)
        bulk.insert(new)
        if updated or touched:
            bulk.update([*updated, *touched], [*LINE_FIELDS, "org", "paid", "paid_on", "channel"])
        for payment in payments:
            payment["changeset_id"] = cs.pk
        bulk.insert_values(DuesPayment, payments)
        log_entry(
            cs,
            action="dues.payment",
            obj=org,
            scope_path=org.path,
            after={"month": month_label(month), "payments": len(payments)},
        )
    return {"lines": len(new), "payments": len(payments)}


def may_handle(actor: Actor, member: PartyMember) -> bool:
    """Whether the actor keeps the member's dues: the secretary or officers of the member's own
    cell, or of the host cell while the member is on temporary transfer there (the member pays
    where they attend)."""
    paths = [member.scope_path]
    if member.temp_org_id:
        paths.append(
            Organisation.objects.filter(pk=member.temp_org_id)
            .values_list("path", flat=True)
            .first()
        )
    return any(path and can(actor, Ability.MANAGE_MEMBERS, path) for path in paths)


def require_handler(actor: Actor, member: PartyMember) -> None:
    if not may_handle(actor, member):
        require(actor, Ability.MANAGE_MEMBERS, member.scope_path)  # 404 or 403, as everywhere


def _payer_cell(member: PartyMember, day: dt.date) -> int | None:
    cell = member.temp_org_id or member.org_id
    found = rolls.payers_on([c for c in (member.org_id, member.temp_org_id) if c], day)
    return found.get(member.pk, cell)


def next_receipt(org: Organisation, year: int) -> str:
    """The cell's next receipt number of the year: "12/2026"."""
    taken = DuesPayment.objects.filter(org=org, paid_on__year=year, channel="cash").count()
    return f"{taken + 1}/{year}"


def pay(
    *,
    member: PartyMember,
    paid_on: dt.date,
    amount: int,
    first: dt.date,
    last: dt.date | None = None,
    channel: str = "cash",
    receipt: str = "",
    actor: Actor,
    source: str = ChangeSet.Source.WEB,
) -> DuesPayment:
    """A payment for the months [first, last]: each month's line is assessed if it is not yet,
    then paid in full in order; what is paid above the dues is the member's voluntary higher
    payment (01-QĐ/TW), kept on the last month. Paying ahead covers at most 12 months."""
    require(actor, Ability.MANAGE_MEMBERS, member.scope_path)
    first = rules.month_start(first)
    last = rules.month_start(last or first)
    if paid_on > today():
        raise RuleError(
            _("The date %(date)s is in the future.") % {"date": format_date(paid_on)},
            field="paid_on",
        )
    if last < first:
        raise RuleError(_("The last month is before the first."), field="last")
    if rules.add_months(rules.month_start(paid_on), PREPAY_MONTHS) < last:
        raise RuleError(_("Dues are paid ahead for at most 12 months."), field="last")
    if amount <= 0:
        raise RuleError(_("Enter the amount paid."), field="amount")
    receipt = receipt.strip()
    if channel == "portal":
        if not receipt:
            raise RuleError(_("Enter the portal's transaction number."), field="receipt")
        if DuesPayment.objects.filter(channel="portal", receipt=receipt).exists():
            raise RuleError(
                _("The portal's transaction %(number)s is already recorded.") % {"number": receipt},
                field="receipt",
            )
    cell_id = _payer_cell(member, min(paid_on, today()))
    if cell_id is None:
        raise RuleError(
            _("%(name)s is not a member of a cell.") % {"name": member.person.full_name}
        )
    months = []
    month = first
    while month <= last:
        months.append(month)
        month = rules.next_month(month)
    lines = {line.month: line for line in DuesLine.objects.filter(member=member, month__in=months)}
    ctx = context_for([member.pk])
    owed = 0
    owing = []
    for month in months:
        line = lines.get(month)
        if line is None:
            line = DuesLine(
                member=member, month=month, org_id=cell_id, **_line_values(member.pk, month, ctx)
            )
            lines[month] = line
        owed += max(line.amount - line.paid, 0)
        if line.amount > line.paid:
            owing.append(month)
    if owed == 0:
        raise RuleError(
            _("The dues of %(months)s are paid already (or nothing is due).")
            % {"months": ", ".join(month_label(m) for m in months)},
            field="first",
        )
    if amount < owed:
        raise RuleError(
            _("The dues of %(months)s come to %(owed)s đồng; %(amount)s đồng does not cover them.")
            % {
                "months": ", ".join(month_label(m) for m in owing),
                "owed": f"{owed:,}".replace(",", "."),
                "amount": f"{amount:,}".replace(",", "."),
            },
            field="amount",
        )
    with transaction.atomic():
        cs = open_change_set(actor=actor, source=source)
        org = Organisation.objects.get(pk=cell_id)
        payment = DuesPayment.objects.create(
            member=member,
            org=org,
            paid_on=paid_on,
            amount=amount,
            first=first,
            last=last,
            channel=channel,
            receipt=receipt or next_receipt(org, paid_on.year),
            voluntary=amount - owed,
            changeset=cs,
        )
        left = amount
        for month in months:
            line = lines[month]
            share = max(line.amount - line.paid, 0)
            if month == months[-1]:
                share = left
            line.paid += share
            left -= share
            line.paid_on = paid_on
            line.channel = channel
            line.save()
        _log(
            cs,
            "dues.payment",
            payment,
            org.path,
            {
                "name": member.person.full_name,
                "months": [month_label(m) for m in months],
                "amount": amount,
            },
        )
    return payment


def remit_amount(org: Organisation, month: dt.date) -> int:
    """What the organisation sends up for the month, by the shares of rules.dues.retention: a cell
    its collection less the cell's share (a grassroots cell also keeps the grassroots share of the
    rest); a grassroots committee what it received less its share; a sub-committee passes all on;
    a committee above grassroots keeps the superior's share."""
    shares = rules.retention(month)
    if org.kind in rolls.CELL_KINDS:
        collected = DuesLine.objects.filter(org=org, month=month).aggregate(s=Sum("paid"))["s"] or 0
        rest = collected - collected * shares["cell"] // 100
        if org.kind == org_rules.GRASSROOTS_CELL:
            rest -= rest * shares["grassroots"] // 100
        return rest
    received = (
        Remittance.objects.filter(to_org=org, month=month).aggregate(s=Sum("amount"))["s"] or 0
    )
    if org.kind == org_rules.SUB_COMMITTEE:
        return int(received)
    share = (
        shares["grassroots"] if org.kind == org_rules.GRASSROOTS_COMMITTEE else shares["superior"]
    )
    return int(received - received * share // 100)


def remit(*, org: Organisation, month: dt.date, sent_on: dt.date, actor: Actor) -> Remittance:
    """What the organisation sends up for the month: a cell its collection less its share, a
    committee what it received from its cells less its share (rules.dues.split, UNCONFIRMED)."""
    require(actor, Ability.MANAGE_MEMBERS, org.path)
    month = rules.month_start(month)
    if sent_on > today():
        raise RuleError(
            _("The date %(date)s is in the future.") % {"date": format_date(sent_on)},
            field="sent_on",
        )
    place = placement_of(org, min(last_day(month), today()))
    if place is None or place.parent is None:
        raise RuleError(_("The organisation has no superior that month."))
    if Remittance.objects.filter(org=org, month=month).exists():
        raise RuleError(_("This month's remittance is already recorded."))
    amount = remit_amount(org, month)
    with transaction.atomic():
        cs = open_change_set(actor=actor)
        remittance = Remittance.objects.create(
            org=org, to_org=place.parent, month=month, amount=amount, sent_on=sent_on, changeset=cs
        )
        _log(
            cs,
            "dues.remittance",
            remittance,
            org.path,
            {"month": month_label(month), "amount": amount},
        )
    return remittance


def latest_assessed(org_ids: list[int]) -> dt.date | None:
    return DuesLine.objects.filter(org_id__in=org_ids).aggregate(m=Max("month"))["m"]
