"""Comings and goings over a period: admissions, transfers in and out, exits — each counted by
the organisation it happened in, on the day."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from dangvu.members.models import MembershipEvent, MembershipPeriod
from dangvu.orgs.models import valid_on
from dangvu.reports.indicators.base import (
    ARRIVALS,
    ENTRY_KINDS,
    EXIT_KINDS,
    Family,
    Indicator,
    Scope,
)


@dataclass
class Flow:
    """The entries into and exits from the list in a scope, with the events behind them."""

    by_code: dict[str, list[int]] = field(default_factory=dict)
    start_members: set[int] = field(default_factory=set)
    end_members: set[int] = field(default_factory=set)


class Flows(Family):
    """Increase and decrease by reason (form 1) and the official and temporary transfers (form 7)."""

    key = "flows"
    record = "event"

    CODES: list[tuple[str, str, str, str]] = [
        ("flow.in.admitted", "Kết nạp", "Admitted", "kết nạp và kết nạp lại trong kỳ"),
        ("flow.in.readmitted", "Trong đó: kết nạp lại", "Of which re-admitted", "kết nạp lại"),
        (
            "flow.in.transfer_other_province",
            "Chuyển đến từ tỉnh khác (ngoài hệ thống)",
            "Transferred in from another province",
            "chuyển sinh hoạt chính thức đến, từ tổ chức không quản lý ở đây",
        ),
        (
            "flow.in.transfer_other_unit",
            "Chuyển đến từ đơn vị khác trong tỉnh",
            "Transferred in from another unit of the province",
            "chuyển sinh hoạt chính thức đến, từ tổ chức ngoài cây nhưng quản lý ở đây",
        ),
        ("flow.in.restored", "Phục hồi đảng tịch", "Membership restored", "phục hồi đảng tịch"),
        ("flow.out.death", "Từ trần", "Died", "từ trần"),
        ("flow.out.expulsion", "Khai trừ", "Expelled", "khai trừ"),
        ("flow.out.removal", "Xóa tên", "Removed from the list", "xóa tên"),
        (
            "flow.out.removal_probationary",
            "Trong đó: đảng viên dự bị",
            "Of which probationary members",
            "xóa tên khi đang là đảng viên dự bị",
        ),
        ("flow.out.resignation", "Xin ra khỏi Đảng", "Resigned", "xin ra khỏi Đảng"),
        (
            "flow.out.transfer_other_province",
            "Chuyển đi tỉnh khác (ngoài hệ thống)",
            "Transferred out to another province",
            "chuyển sinh hoạt chính thức đi tổ chức không quản lý ở đây",
        ),
        (
            "flow.out.transfer_other_unit",
            "Chuyển đi đơn vị khác trong tỉnh",
            "Transferred out to another unit of the province",
            "chuyển sinh hoạt chính thức đi tổ chức ngoài cây nhưng quản lý ở đây",
        ),
        (
            "flow.temporary.out",
            "Lượt chuyển sinh hoạt tạm thời đi",
            "Temporary transfers out",
            "lượt chuyển sinh hoạt tạm thời đi khỏi các tổ chức trong cây",
        ),
        (
            "flow.temporary.in",
            "Lượt chuyển sinh hoạt tạm thời đến",
            "Temporary transfers in",
            "lượt chuyển sinh hoạt tạm thời đến các tổ chức trong cây",
        ),
    ]

    def indicators(self) -> list[Indicator]:
        out = [
            Indicator(
                "flow.start",
                "Đảng viên trong danh sách đầu kỳ",
                "Members in the list at the start",
                "người",
                "đảng viên trong danh sách ngày trước ngày đầu kỳ",
                self.key,
                "member",
            ),
            Indicator(
                "flow.end",
                "Đảng viên trong danh sách cuối kỳ",
                "Members in the list at the end",
                "người",
                "đảng viên trong danh sách ngày cuối kỳ",
                self.key,
                "member",
            ),
            Indicator(
                "flow.in.total",
                "Tổng tăng",
                "Total increase",
                "người",
                "tổng các lý do tăng",
                self.key,
                "event",
            ),
            Indicator(
                "flow.out.total",
                "Tổng giảm",
                "Total decrease",
                "người",
                "tổng các lý do giảm",
                self.key,
                "event",
            ),
            Indicator(
                "flow.adjustment",
                "Chênh lệch do sắp xếp tổ chức hoặc đang chuyển sinh hoạt",
                "Difference from restructuring or transfers under way",
                "người",
                "cuối kỳ − (đầu kỳ + tăng − giảm): đảng viên vào hoặc ra khỏi cây không qua một "
                "quyết định tăng, giảm (tổ chức được sắp xếp lại, giấy giới thiệu chưa nộp)",
                self.key,
                "member",
            ),
        ]
        out += [self._ind(c, lv, le, "người", d) for c, lv, le, d in self.CODES]
        return out

    def listed_on(self, scope: Scope, day: dt.date) -> QuerySet[MembershipPeriod]:
        return MembershipPeriod.objects.filter(
            scope.held(), valid_on(day), temporary=False, org_id__in=scope.orgs_on(day)
        )

    def compute(
        self, scope: Scope, with_lists: bool = True, kinds: tuple[str, ...] | None = None
    ) -> Flow:
        """The events of each reason; with `with_lists`, also who was in the list at each end
        (the records of flow.start, flow.end and flow.adjustment); `kinds` narrows the events
        read (the exits alone, for a page that shows only them)."""
        flow = Flow(by_code={c: [] for c, *_ in self.CODES})
        eve = scope.start - dt.timedelta(days=1)
        if with_lists:
            flow.start_members = set(self.listed_on(scope, eve).values_list("member_id", flat=True))
            flow.end_members = set(
                self.listed_on(scope, scope.end).values_list("member_id", flat=True)
            )
        # Entries into an organisation that lay in the subtree; exits and temporary transfers
        # out of members who held a cell there in the period (not every exit of the nation).
        held = MembershipPeriod.objects.filter(
            temporary=False, org_id__in=scope.orgs_ever(), valid_from__lte=scope.end
        ).exclude(valid_to__lt=scope.start)
        found = MembershipEvent.objects.filter(
            voided_by__isnull=True,
            on__gte=scope.start,
            on__lte=scope.end,
            kind__in=(*ENTRY_KINDS, *EXIT_KINDS, "temp_transfer_out", "temp_transfer_in"),
        ).filter(
            Q(kind__in=ARRIVALS, org_id__in=scope.orgs_ever())
            | Q(kind__in=ARRIVALS, org__isnull=True)
            | (~Q(kind__in=ARRIVALS) & Q(member_id__in=held.values("member_id")))
        )
        if kinds is not None:
            found = found.filter(kind__in=kinds)
        events = list(
            found.values_list("id", "member_id", "kind", "on", "org_id").order_by("on", "id")
        )
        # Only exits and transfers need the cells held before; admissions do not. The ids are
        # read off the events (a few thousand for a province), not a second pass over them.
        movers = sorted({e[1] for e in events if e[2] not in ("admission", "readmission")})
        arrivals = sorted({e[1] for e in events if e[2] == "transfer_in"})
        periods: dict[int, list[tuple[dt.date, dt.date | None, int, str]]] = defaultdict(list)
        for chunk in chunked(movers):
            for m, vf, vt, o, status in MembershipPeriod.objects.filter(
                member_id__in=chunk, temporary=False, valid_from__lte=scope.end
            ).values_list("member_id", "valid_from", "valid_to", "org_id", "status"):
                periods[m].append((vf, vt, o, status))

        def home_before(member: int, day: dt.date) -> tuple[int, str] | None:
            """The home cell a period closed on `day` held (the cell left by an exit)."""
            for vf, vt, o, status in periods[member]:
                if vt == day and vf < day:
                    return o, status
            return None

        def last_home_before(member: int, day: dt.date) -> tuple[int, dt.date] | None:
            found = None
            for _vf, vt, o, _s in periods[member]:
                if vt is not None and vt <= day and (found is None or vt > found[1]):
                    found = (o, vt)
            return found

        # Which transfers out named a cell (the origin is kept here): one query for all.
        to_cell: set[tuple[int, dt.date]] = set()
        for chunk in chunked(arrivals):
            to_cell.update(
                MembershipEvent.objects.filter(
                    member_id__in=chunk,
                    kind="transfer_out",
                    org__isnull=False,
                    voided_by__isnull=True,
                    on__lte=scope.end,
                ).values_list("member_id", "on")
            )
        add = flow.by_code
        for event_id, member, kind, on, org_id in events:
            if kind in ("admission", "readmission"):
                if scope.inside(org_id, on, member):
                    add["flow.in.admitted"].append(event_id)
                    if kind == "readmission":
                        add["flow.in.readmitted"].append(event_id)
            elif kind == "restoration":
                if scope.inside(org_id, on, member):
                    add["flow.in.restored"].append(event_id)
            elif kind == "transfer_in":
                if not scope.inside(org_id, on, member):
                    continue
                origin = last_home_before(member, on)
                if origin is None:
                    add["flow.in.transfer_other_province"].append(event_id)
                elif not scope.inside(origin[0], origin[1] - dt.timedelta(days=1), member):
                    # Whether the origin is kept here: the transfer out named a cell.
                    add[
                        "flow.in.transfer_other_unit"
                        if (member, origin[1]) in to_cell
                        else "flow.in.transfer_other_province"
                    ].append(event_id)
            elif kind == "temp_transfer_in":
                if scope.inside(org_id, on, member):
                    add["flow.temporary.in"].append(event_id)
            elif kind == "temp_transfer_out":
                home = _home_on(periods[member], on)
                if home is not None and scope.inside(home, on, member):
                    add["flow.temporary.out"].append(event_id)
            else:  # an exit
                left = home_before(member, on)
                if left is None or not scope.inside(left[0], on - dt.timedelta(days=1), member):
                    continue
                if kind == "transfer_out":
                    if org_id is None:
                        add["flow.out.transfer_other_province"].append(event_id)
                    elif not scope.inside(org_id, on, member):
                        add["flow.out.transfer_other_unit"].append(event_id)
                    continue
                add[f"flow.out.{'removal' if kind == 'removal' else kind}"].append(event_id)
                if kind == "removal" and left[1] == "probationary":
                    add["flow.out.removal_probationary"].append(event_id)
        return flow

    def exits_total(self, scope: Scope) -> int:
        """flow.out.total, from the exit events alone."""
        flow = self.compute(scope, with_lists=False, kinds=EXIT_KINDS)
        return sum(len(flow.by_code[c]) for c in OUT_TOTAL)

    def values(self, scope: Scope) -> dict[str, float]:
        flow = self.compute(scope, with_lists=False)
        values: dict[str, float] = {code: len(ids) for code, ids in flow.by_code.items()}
        eve = scope.start - dt.timedelta(days=1)
        values["flow.start"] = self.listed_on(scope, eve).count()
        values["flow.end"] = self.listed_on(scope, scope.end).count()
        values["flow.in.total"] = sum(values[c] for c in IN_TOTAL)
        values["flow.out.total"] = sum(values[c] for c in OUT_TOTAL)
        values["flow.adjustment"] = (
            values["flow.end"]
            - values["flow.start"]
            - values["flow.in.total"]
            + values["flow.out.total"]
        )
        return values

    def records(self, scope: Scope, code: str) -> list[int]:
        flow = self.compute(scope)
        if code == "flow.start":
            return sorted(flow.start_members)
        if code == "flow.end":
            return sorted(flow.end_members)
        if code == "flow.in.total":
            return [i for c in IN_TOTAL for i in flow.by_code[c]]
        if code == "flow.out.total":
            return [i for c in OUT_TOTAL for i in flow.by_code[c]]
        if code == "flow.adjustment":
            return sorted(self.unexplained(flow))
        return flow.by_code[code]

    @staticmethod
    def unexplained(flow: Flow) -> dict[int, int]:
        """The members behind flow.adjustment, each with what their own balance misses: in the
        list at the end (1 or 0) less at the start, less their counted entries, plus their counted
        exits. A member moved in by a restructuring and out again by an exit in the same year is
        one of them (+1), though in neither list. The values add up to the figure."""
        entries = _events_per_member(i for c in IN_TOTAL for i in flow.by_code[c])
        exits = _events_per_member(i for c in OUT_TOTAL for i in flow.by_code[c])
        found = {}
        for member in flow.start_members | flow.end_members | set(entries) | set(exits):
            missing = (
                (member in flow.end_members)
                - (member in flow.start_members)
                - entries.get(member, 0)
                + exits.get(member, 0)
            )
            if missing:
                found[member] = missing
        return found

    @staticmethod
    def record_kind(code: str) -> str:
        return "member" if code in ("flow.start", "flow.end", "flow.adjustment") else "event"


IN_TOTAL = (
    "flow.in.admitted",
    "flow.in.transfer_other_province",
    "flow.in.transfer_other_unit",
    "flow.in.restored",
)

OUT_TOTAL = (
    "flow.out.death",
    "flow.out.expulsion",
    "flow.out.removal",
    "flow.out.resignation",
    "flow.out.transfer_other_province",
    "flow.out.transfer_other_unit",
)


def _events_per_member(event_ids: Iterable[int]) -> dict[int, int]:
    """How many of these events each member has."""
    return dict(Counter(_member_ids(event_ids)))


def _member_ids(event_ids: Iterable[int]) -> list[int]:
    ids = list(event_ids)
    found = []
    for chunk in chunked(ids):
        found += list(
            MembershipEvent.objects.filter(pk__in=chunk).values_list("member_id", flat=True)
        )
    return found


def chunked(ids: list[int], size: int = 10_000) -> Iterator[list[int]]:
    """Ids in lists short enough for one IN (...) on every database."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _home_on(periods: list[tuple[dt.date, dt.date | None, int, str]], day: dt.date) -> int | None:
    for vf, vt, o, _s in periods:
        if vf <= day and (vt is None or day < vt):
            return o
    return None
