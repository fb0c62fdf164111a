"""The demo's congresses and committees (issue 25, point 8; DOMAIN.md §8; DOMAIN-2.md §5.1),
written through congress.services as a user's would be.

- 2020 (CT 35/2019): the grassroots organisations of Ninh Thuận in May and June (a few late, in
  July), the district and block committees in August (one late, in September) — each electing its
  delegates to the provincial congress —, the province in October;
- 2022–2023: by-elections where an executive member had left;
- 2025 (CT 45): the grassroots organisations in May and June, before the reform; after it, the
  new commune and ward committees in August and the merged province in October, their
  committees appointed by the superior (congresses with two contents), as the reform did;
- throughout: a committee member who left the organisation leaves the seat, with the reason, at
  the next congress step (the latest ones stay for the work list).

Chi bộ under a committee (their half-term congresses) are not simulated. Committees are chosen to
meet CT 45's composition mostly (women, young, working time left), and a few miss it. A generator
of its own: the other draws of the demo do not change.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from typing import Any

from django.db.models import Q

from dangvu.congress import services as cs
from dangvu.congress.models import Seat, Term
from dangvu.congress.selectors import left_behind
from dangvu.core.dates import age_on
from dangvu.core.models import ChangeSet, Decision
from dangvu.members.models import MembershipPeriod, PartyMember
from dangvu.orgs.models import Lineage, Organisation, Placement, subtree_range, valid_on
from dangvu.rules import congress as rules
from dangvu.rules import organisation as org_rules

GRASSROOTS = (org_rules.GRASSROOTS_COMMITTEE, org_rules.GRASSROOTS_CELL)
ABOVE = (org_rules.DISTRICT, org_rules.BLOCK, org_rules.COMMUNE_SUPERIOR)
LEAVE_BY_STATUS = {
    "deceased": "died",
    "transferred_out": "transferred",
    "expelled": "disciplined",
    "removed": "other",
    "resigned": "other",
}


class Congresses:
    """Mixed into demo.history.History: `congress_month(month, horizon)` runs the steps due."""

    builder: Any
    changeset: ChangeSet | None

    def congresses_init(self) -> None:
        self.crng = random.Random(f"congress-{self.builder.seed}")
        self.decision_serial = 0
        self.late: set[int] = set()

    # --- helpers -----------------------------------------------------------------------------
    def _cdecision(self, on: dt.date, issuer: str, summary: str) -> Decision:
        self.decision_serial += 1
        return Decision.objects.create(
            number=f"{self.decision_serial}-QĐ/ĐH", date=on, issuer=issuer, summary=summary
        )

    def _ccommon(self) -> dict[str, Any]:
        return {"actor": None, "changeset": self.changeset, "source": ChangeSet.Source.SYSTEM}

    def _official_pool(
        self, place: Placement, on: dt.date, *, leaders: bool = False
    ) -> list[PartyMember]:
        """The official members of the subtree on the day; for a district, a province or a
        merged commune (`leaders`), those sitting in the executive committees below it, where
        such committees are chosen from (and a province's 20,000 members are not all read)."""
        low, high = subtree_range(place.path)
        ids = Placement.objects.filter(valid_on(on), path__gte=low, path__lt=high).values("org_id")
        members = PartyMember.objects.filter(
            pk__in=MembershipPeriod.objects.filter(
                valid_on(on), temporary=False, status="official", org_id__in=ids
            ).values("member_id")
        )
        if leaders:
            sitting = Seat.objects.filter(
                Q(until__isnull=True) | Q(until__gt=on),
                body=rules.EXECUTIVE,
                since__lte=on,
                org__path__gte=low,
                org__path__lt=high,
            ).values("member_id")
            chosen = list(members.filter(pk__in=sitting).select_related("person"))
            if len(chosen) >= 80:
                return sorted(chosen, key=lambda m: m.pk)
        return sorted(members.select_related("person"), key=lambda m: m.pk)

    def _member_count(self, place: Placement, on: dt.date) -> int:
        low, high = subtree_range(place.path)
        ids = Placement.objects.filter(valid_on(on), path__gte=low, path__lt=high).values("org_id")
        return MembershipPeriod.objects.filter(
            valid_on(on), temporary=False, status="official", org_id__in=ids
        ).count()

    def _places(self, kinds: tuple[str, ...], on: dt.date, under: str) -> list[Placement]:
        root = Organisation.objects.get(code=under)
        top = Placement.objects.filter(valid_on(on), org=root).first()
        if top is None:
            return []
        low, high = subtree_range(top.path)
        return list(
            Placement.objects.filter(valid_on(on), path__gte=low, path__lt=high, kind__in=kinds)
            .select_related("org", "parent")
            .order_by("path")
        )

    def _day(self, month: dt.date, horizon: dt.date, first: int = 1, last: int = 28) -> dt.date:
        day = month.replace(day=self.crng.randint(first, last))
        return min(day, horizon)

    def _choose(
        self,
        pool: list[PartyMember],
        seats: int,
        on: dt.date,
        earlier: set[int],
        *,
        miss: bool,
        young_under: int,
    ) -> list[PartyMember]:
        """`seats` members: about two thirds of the previous committee still with 48 months of
        working time, women and young members enough for the directive — unless `miss`, when the
        committee leans on older men."""
        rng = self.crng
        ref = on
        fit_old = [
            m
            for m in pool
            if m.pk in earlier and rules.months_left(m.person.sex, m.person.birth_date, ref) >= 48
        ]
        fresh = [
            m
            for m in pool
            if m.pk not in earlier
            and rules.months_left(m.person.sex, m.person.birth_date, ref) >= 66
        ]
        rng.shuffle(fit_old)
        rng.shuffle(fresh)
        chosen: list[PartyMember] = []
        if not miss:
            women = [m for m in fresh if m.person.sex == "F"]
            young = [m for m in fresh if age_on(m.person.birth_date, ref) < young_under]
            want_women = math.ceil(0.2 * seats)
            want_young = max(1, math.ceil(0.12 * seats)) if seats >= 5 else 0
            chosen += women[:want_women]
            chosen += [m for m in young if m not in chosen][:want_young]
        else:
            short = [
                m
                for m in pool
                if 0 < rules.months_left(m.person.sex, m.person.birth_date, ref) < 40
                and m.person.sex == "M"
            ]
            men = [m for m in fresh + fit_old if m.person.sex == "M"]
            chosen += short[:1] + [m for m in men if m not in short[:1]][: max(1, seats // 2)]
        keep = [m for m in fit_old if m not in chosen][: max(0, (2 * seats) // 3 - len(chosen))]
        chosen += keep
        rest = [m for m in fresh + fit_old if m not in chosen]
        chosen += rest[: seats - len(chosen)]
        if len(chosen) < seats:  # a small organisation: whoever there is
            chosen += [m for m in pool if m not in chosen][: seats - len(chosen)]
        return chosen[:seats]

    @staticmethod
    def _standing_order(
        winners: list[PartyMember], standing_n: int, miss: bool
    ) -> list[PartyMember]:
        """The standing committee first: a woman or two (none when the committee misses the
        directive), the others in the order they were chosen."""
        women = [m for m in winners if m.person.sex == "F"][
            : 0 if miss else max(1, standing_n // 5)
        ]
        return women + [m for m in winners if m not in women]

    @staticmethod
    def _leaders(group: list[PartyMember], on: dt.date) -> list[PartyMember]:
        """The group ordered so that its last is the secretary and those before it the deputies:
        the oldest of those with a full term of working time left lead."""
        fit = sorted(
            (m for m in group if rules.months_left(m.person.sex, m.person.birth_date, on) >= 60),
            key=lambda m: m.person.birth_date,
        )
        rest = [m for m in group if m not in fit]
        return rest + list(reversed(fit))

    def _votes(
        self,
        winners: list[PartyMember],
        losers: list[PartyMember],
        seats: int,
        base: int,
        valid: int,
    ) -> dict[int, int]:
        rng = self.crng
        needed = rules.votes_needed(base)
        votes: dict[int, int] = {}
        for m in winners:
            votes[m.pk] = rng.randint(min(needed + 1, valid), valid) if valid >= needed else valid
        for m in losers:
            votes[m.pk] = rng.randint(max(0, needed // 2), max(0, needed - 1))
        cap = valid * seats
        while sum(votes.values()) > cap:
            top = max(votes, key=lambda k: votes[k])
            votes[top] -= 1
        return votes

    def _elect(
        self,
        *,
        org: Organisation,
        term: Term,
        congress: Any,
        body: str,
        on: dt.date,
        winners: list[PartyMember],
        surplus: list[PartyMember],
        kind: str,
        convened: int,
        absent: int,
        how: str,
        approval: Decision,
        science: set[int] | None = None,
    ) -> None:
        deduction = "absent_with_reason" if kind == rules.MEMBER_CONGRESS else "absent_no_alternate"
        present = convened - absent
        invalid = self.crng.randint(0, 2) if present > 20 else 0
        valid = present - invalid
        base = convened - absent
        cs.election_record(
            org=org,
            term=term,
            body=body,
            held_on=on,
            seats=len(winners),
            base_kind=kind,
            convened=convened,
            present=present,
            deductions={deduction: absent} if absent else {},
            nominees=[
                cs.NomineeInput(member=m, science=m.pk in (science or set()))
                for m in winners + surplus
            ],
            votes=self._votes(winners, surplus, len(winners), base, valid),
            ballots_issued=present,
            ballots_collected=present,
            invalid=invalid,
            approval=approval,
            congress=congress if how == rules.AT_CONGRESS else None,
            how=how,
            **self._ccommon(),
        )

    # --- the steps ---------------------------------------------------------------------------
    def congress_month(self, month: dt.date, horizon: dt.date) -> None:
        from dangvu.demo.province import MERGED_CODE, PROVINCE_CODE

        key = (month.year, month.month)
        if key in ((2020, 5), (2020, 6), (2025, 5), (2025, 6)):
            self.leave_seats(month)
            self.grassroots_round(month, horizon, PROVINCE_CODE)
        elif key in ((2020, 7),):
            self.grassroots_round(month, horizon, PROVINCE_CODE, late=True)
        elif key in ((2020, 8), (2020, 9)):
            self.leave_seats(month)
            self.above_round(month, horizon, PROVINCE_CODE, late=key == (2020, 9))
        elif key == (2020, 10):
            self.province_congress(month, horizon, PROVINCE_CODE)
        elif key in ((2022, 6), (2023, 6)):
            self.leave_seats(month)
            self.by_elections(month, horizon, PROVINCE_CODE)
        elif key == (2025, 7):
            self.appointed_round(month, horizon, MERGED_CODE)
        elif key == (2025, 8):
            self.leave_seats(month)
            self.appointed_congresses(month, horizon, (org_rules.COMMUNE_SUPERIOR,), MERGED_CODE)
        elif key == (2025, 9):
            self.merged_province(month, horizon, MERGED_CODE)
        elif key == (2025, 10):
            self.appointed_congresses(month, horizon, (org_rules.PROVINCIAL,), MERGED_CODE)
        elif month.month == 1 and month.year > 2020:
            self.leave_seats(month)

    def leave_seats(self, month: dt.date) -> None:
        """Seats of members who left the organisation more than two months ago."""
        before = month - dt.timedelta(days=60)
        seats = list(Seat.objects.filter(until__isnull=True).select_related("org", "member"))
        for seat, left in left_behind(seats, month):
            if left <= before:
                reason = LEAVE_BY_STATUS.get(seat.member.status, "transferred")
                cs.seat_leave(seat=seat, on=left, reason=reason, **self._ccommon())

    def _committee(
        self,
        place: Placement,
        on: dt.date,
        year: int,
        *,
        kind: str,
        convened: int,
        absent: int,
        sizes: tuple[int, int, int, int],
        pool: list[PartyMember],
        approval_issuer: str,
        number: int,
        miss: bool,
        late_day: dt.date | None = None,
    ) -> None:
        """A congress that elects its committee, then the plenum's posts."""
        org = place.org
        executive_n, standing_n, deputies_n, inspection_n = sizes
        directive = rules.directive_for(on)
        earlier = set(
            Seat.objects.filter(
                org=org, body=rules.EXECUTIVE, term__first_year__lt=year
            ).values_list("member_id", flat=True)
        )
        congress = cs.congress_record(
            org=org,
            data=cs.CongressInput(
                first_year=year,
                last_year=year + 5,
                kind=kind,
                opens_on=on,
                closes_on=on + dt.timedelta(days=1 if kind == rules.DELEGATE_CONGRESS else 0),
                convened=convened,
                present=convened - absent,
                preparatory_on=on - dt.timedelta(days=1)
                if kind == rules.DELEGATE_CONGRESS
                else None,
                number=number,
                # A grassroots congress elects its committee; the delegates to the level above
                # are elected at the districts' congresses only, in the demo.
                contents=tuple(rules.ALL_CONTENTS)
                if kind == rules.DELEGATE_CONGRESS
                else (rules.REVIEW, rules.DRAFTS, rules.ELECT_COMMITTEE),
            ),
            **self._ccommon(),
        )
        approval = self._cdecision(
            congress.closes_on + dt.timedelta(days=self.crng.randint(7, 20)),
            approval_issuer,
            f"Chuẩn y kết quả bầu cử {org.name} nhiệm kỳ {year}–{year + 5}",
        )
        term = congress.term
        reference = directive.reference_date(rules.level_of(place.kind), on)
        young = directive.young_under or 40
        if executive_n == 0:  # a small grassroots cell: the congress elects its secretary
            chosen = self._choose(pool, 2, reference, earlier, miss=miss, young_under=young)
            if len(chosen) < 2:
                return
            self._elect(
                org=org,
                term=term,
                congress=congress,
                body=rules.SECRETARY,
                on=congress.closes_on,
                winners=chosen[:1],
                surplus=[],
                kind=kind,
                convened=convened,
                absent=absent,
                how=rules.AT_CONGRESS,
                approval=approval,
            )
            return
        surplus_n = 1 if executive_n <= 5 else max(1, round(executive_n * 0.12))
        chosen = self._choose(
            pool, executive_n + surplus_n, reference, earlier, miss=miss, young_under=young
        )
        if len(chosen) < executive_n + surplus_n:
            return
        winners, surplus = chosen[:executive_n], chosen[executive_n:]
        science = (
            {m.pk for m in winners[: max(1, round(executive_n * 0.06))]}
            if executive_n >= 9
            else set()
        )
        self._elect(
            org=org,
            term=term,
            congress=congress,
            body=rules.EXECUTIVE,
            on=congress.closes_on,
            winners=winners,
            surplus=surplus,
            kind=kind,
            convened=convened,
            absent=absent,
            how=rules.AT_CONGRESS,
            approval=approval,
            science=science,
        )
        # The first plenum: the committee's members vote (a committee conference).
        n = len(winners)
        plenum = {"kind": rules.MEMBER_CONGRESS, "convened": n, "absent": 0, "how": rules.AT_PLENUM}
        women_first = self._standing_order(winners, standing_n, miss)
        if standing_n:
            standing = women_first[:standing_n]
            extra = 1 if standing_n <= 9 else round(standing_n * 0.12)
            self._elect(
                org=org,
                term=term,
                congress=congress,
                body=rules.STANDING,
                on=congress.closes_on,
                winners=standing,
                surplus=women_first[standing_n : standing_n + extra],
                approval=approval,
                **plenum,
            )
            leaders = self._leaders(standing, on)
        else:
            leaders = self._leaders(winners, on)
        self._elect(
            org=org,
            term=term,
            congress=congress,
            body=rules.SECRETARY,
            on=congress.closes_on,
            winners=leaders[-1:],
            surplus=[],
            approval=approval,
            **plenum,
        )
        if deputies_n:
            self._elect(
                org=org,
                term=term,
                congress=congress,
                body=rules.DEPUTY,
                on=congress.closes_on,
                winners=leaders[-1 - deputies_n : -1],
                surplus=[],
                approval=approval,
                **plenum,
            )
        if inspection_n:
            others = [m for m in pool if m not in winners][: inspection_n - 1]
            board = [winners[0], *others]
            self._elect(
                org=org,
                term=term,
                congress=congress,
                body=rules.INSPECTION,
                on=congress.closes_on,
                winners=board,
                surplus=[],
                approval=approval,
                **plenum,
            )
            self._elect(
                org=org,
                term=term,
                congress=congress,
                body=rules.INSPECTION_CHAIR,
                on=congress.closes_on,
                winners=[winners[0]],
                surplus=[],
                approval=approval,
                **plenum,
            )

    def grassroots_round(
        self, month: dt.date, horizon: dt.date, under: str, late: bool = False
    ) -> None:
        year = 2020 if month.year == 2020 else 2025
        places = self._places(GRASSROOTS, month, under)
        done = set(
            Term.objects.filter(first_year=year, org_id__in=[p.org_id for p in places]).values_list(
                "org_id", flat=True
            )
        )
        todo = [p for p in places if p.org_id not in done]
        if late:
            todo = [p for p in todo if p.org_id in self.late]
        elif month.month == 5:
            todo = todo[: len(todo) // 2]
        else:  # June: the rest, but a few slip to July (2020 only)
            if year == 2020:
                slipping = {p.org_id for p in todo if self.crng.random() < 0.03}
                self.late |= slipping
                todo = [p for p in todo if p.org_id not in slipping]
        for place in todo:
            on = self._day(month, horizon, 3, 27)
            pool = self._official_pool(place, on)
            if len(pool) < 3:
                continue
            absent = min(len(pool) - 3, self.crng.randint(0, max(1, len(pool) // 25)))
            if place.kind == org_rules.GRASSROOTS_CELL:
                sizes = (3, 0, 1, 0) if len(pool) >= 9 else (0, 0, 0, 0)
            else:
                executive = max(5, min(15, round(len(pool) / 9) | 1))
                sizes = (executive, 3 if executive >= 9 else 0, 1, 3 if executive >= 9 else 0)
            issuer = "Ban Thường vụ " + (
                place.parent.name.replace("Đảng bộ ", "Huyện ủy ", 1)
                if place.parent is not None
                else "cấp ủy cấp trên"
            )
            self._committee(
                place,
                on,
                year,
                kind=rules.MEMBER_CONGRESS,
                convened=len(pool),
                absent=absent,
                sizes=sizes,
                pool=pool,
                approval_issuer=issuer,
                number=(5 if year == 2020 else 6),
                miss=self.crng.random() < 0.06,
            )

    def above_round(self, month: dt.date, horizon: dt.date, under: str, late: bool) -> None:
        places = self._places((org_rules.DISTRICT, org_rules.BLOCK), month, under)
        done = set(Term.objects.filter(first_year=2020).values_list("org_id", flat=True))
        todo = [p for p in places if p.org_id not in done]
        if not late:
            todo = todo[:-1]  # one holds its congress in September, late
        for place in todo:
            on = self._day(month, horizon, 5, 25)
            pool = self._official_pool(place, on, leaders=True)
            members = self._member_count(place, on)
            if members < 40:
                continue
            delegates = max(100, min(250, members // 8))
            executive = 25 if members < 2500 else 33
            self._committee(
                place,
                on,
                2020,
                kind=rules.DELEGATE_CONGRESS,
                convened=delegates,
                absent=self.crng.randint(0, 3),
                sizes=(executive, 9, 2, 7),
                pool=pool,
                approval_issuer="Ban Thường vụ Tỉnh ủy Ninh Thuận",
                number=12,
                miss=self.crng.random() < 0.1,
            )
            # Point 5: the delegates to the provincial congress, elected by the same engine.
            term = Term.objects.get(org=place.org, first_year=2020)
            allotment = max(10, round(members / 70))
            chosen = self._choose(
                pool, allotment + max(1, allotment // 10), on, set(), miss=False, young_under=40
            )
            self._elect(
                org=place.org,
                term=term,
                congress=term.congress,
                body=rules.DELEGATE,
                on=term.congress.closes_on,
                winners=chosen[:allotment],
                surplus=chosen[allotment:],
                kind=rules.DELEGATE_CONGRESS,
                convened=delegates,
                absent=0,
                how=rules.AT_CONGRESS,
                approval=self._cdecision(
                    term.congress.closes_on + dt.timedelta(days=10),
                    "Ban Thường vụ Tỉnh ủy Ninh Thuận",
                    "Chuẩn y đoàn đại biểu (dữ liệu mẫu)",
                ),
            )

    def province_congress(self, month: dt.date, horizon: dt.date, code: str) -> None:
        places = self._places((org_rules.PROVINCIAL,), month, code)
        if not places:
            return
        place = places[0]
        on = self._day(month, horizon, 14, 16)
        delegates = Seat.objects.filter(body=rules.DELEGATE, term__first_year=2020).count() or 300
        self._committee(
            place,
            on,
            2020,
            kind=rules.DELEGATE_CONGRESS,
            convened=delegates,
            absent=self.crng.randint(0, 3),
            sizes=(49, 15, 3, 11),
            pool=self._official_pool(place, on, leaders=True),
            approval_issuer="Bộ Chính trị",
            number=14,
            miss=False,
        )

    def by_elections(self, month: dt.date, horizon: dt.date, under: str) -> None:
        """An executive member who left, replaced at a plenum (bầu bổ sung) in a few committees."""
        left = list(
            Seat.objects.filter(
                body=rules.EXECUTIVE, until__isnull=False, term__first_year=2020, until__lt=month
            )
            .exclude(left_reason="term_end")
            .select_related("org", "term")
            .order_by("pk")
        )
        self.crng.shuffle(left)
        done: set[int] = set()
        for seat in left[:8]:
            if seat.org_id in done:
                continue
            place = Placement.objects.filter(valid_on(month), org=seat.org).first()
            if place is None:
                continue
            on = self._day(month, horizon, 5, 25)
            holding = set(
                Seat.objects.filter(org=seat.org, until__isnull=True).values_list(
                    "member_id", flat=True
                )
            )
            pool = [m for m in self._official_pool(place, on) if m.pk not in holding]
            chosen = self._choose(pool, 1, on, set(), miss=False, young_under=40)
            if not chosen:
                continue
            members = Seat.objects.filter(
                org=seat.org, body=rules.EXECUTIVE, until__isnull=True
            ).count()
            self._elect(
                org=seat.org,
                term=seat.term,
                congress=None,
                body=rules.EXECUTIVE,
                on=on,
                winners=chosen[:1],
                surplus=[],
                kind=rules.MEMBER_CONGRESS,
                convened=members,
                absent=0,
                how=rules.BY_ELECTION,
                approval=self._cdecision(
                    on + dt.timedelta(days=12),
                    "Ban Thường vụ Huyện ủy",
                    "Chuẩn y kết quả bầu bổ sung cấp ủy viên (dữ liệu mẫu)",
                ),
            )
            done.add(seat.org_id)

    def _appoint(
        self,
        place: Placement,
        on: dt.date,
        sizes: tuple[int, int, int, int],
        issuer: str,
        miss: bool,
    ) -> None:
        """A merged organisation (CT 45): its committee appointed by the superior, then a
        congress with two contents."""
        org = place.org
        executive_n, standing_n, deputies_n, inspection_n = sizes
        pool = self._official_pool(place, on, leaders=True)
        if len(pool) < executive_n + inspection_n:
            return
        earlier_orgs = list(
            Lineage.objects.filter(successor=org).values_list("predecessor_id", flat=True)
        )
        earlier = set(
            Seat.objects.filter(org_id__in=earlier_orgs, body=rules.EXECUTIVE).values_list(
                "member_id", flat=True
            )
        )
        directive = rules.CT45_2025
        reference = directive.reference_date(rules.level_of(place.kind), on)
        winners = self._choose(pool, executive_n, reference, earlier, miss=miss, young_under=42)
        decision = self._cdecision(
            on, issuer, f"Chỉ định Ban Chấp hành {org.name} nhiệm kỳ 2025–2030"
        )
        cset = self.changeset
        assert cset is not None
        term = cs.term_get(org, 2025, 2030, None, cset)
        science = [m.pk for m in winners[: max(1, round(executive_n * 0.06))]]
        cs.committee_appoint(
            org=org,
            term=term,
            body=rules.EXECUTIVE,
            members=winners,
            decision=decision,
            science=science,
            **self._ccommon(),
        )
        standing = self._leaders(self._standing_order(winners, standing_n, miss)[:standing_n], on)
        cs.committee_appoint(
            org=org,
            term=term,
            body=rules.STANDING,
            members=standing,
            decision=decision,
            **self._ccommon(),
        )
        cs.committee_appoint(
            org=org,
            term=term,
            body=rules.SECRETARY,
            members=standing[-1:],
            decision=decision,
            **self._ccommon(),
        )
        cs.committee_appoint(
            org=org,
            term=term,
            body=rules.DEPUTY,
            members=standing[-1 - deputies_n : -1],
            decision=decision,
            **self._ccommon(),
        )
        others = [m for m in pool if m not in winners][: inspection_n - 1]
        cs.committee_appoint(
            org=org,
            term=term,
            body=rules.INSPECTION,
            members=[winners[0], *others],
            decision=decision,
            **self._ccommon(),
        )
        cs.committee_appoint(
            org=org,
            term=term,
            body=rules.INSPECTION_CHAIR,
            members=[winners[0]],
            decision=decision,
            **self._ccommon(),
        )

    def appointed_congresses(
        self, month: dt.date, horizon: dt.date, kinds: tuple[str, ...], under: str
    ) -> None:
        """The merged organisations' congresses with two contents (CT 45), after the appointment."""
        for place in self._places(kinds, month, under):
            if not Term.objects.filter(org=place.org, first_year=2025).exists():
                continue
            if Term.objects.filter(org=place.org, first_year=2025, congress__isnull=False).exists():
                continue
            day = self._day(month, horizon, 5, 27)
            convened = max(100, min(300, self._member_count(place, day) // 5))
            cs.congress_record(
                org=place.org,
                data=cs.CongressInput(
                    first_year=2025,
                    last_year=2030,
                    kind=rules.DELEGATE_CONGRESS,
                    opens_on=day,
                    closes_on=min(day + dt.timedelta(days=1), horizon),
                    preparatory_on=day - dt.timedelta(days=1),
                    convened=convened,
                    present=convened - self.crng.randint(0, 3),
                    number=1,
                    appointed=True,
                ),
                **self._ccommon(),
            )

    def appointed_round(self, month: dt.date, horizon: dt.date, under: str) -> None:
        places = self._places((org_rules.COMMUNE_SUPERIOR,), month, under)
        for i, place in enumerate(places):
            predecessors = Lineage.objects.filter(successor=place.org).count()
            executive = rules.commune_executive_max(predecessors) if predecessors >= 3 else 27
            self._appoint(
                place,
                self._day(month, horizon, 3, 20),
                (executive, 9 + i % 3, 2, 7),
                "Ban Thường vụ Tỉnh ủy Khánh Hòa",
                miss=i % 9 == 4,
            )

    def merged_province(self, month: dt.date, horizon: dt.date, code: str) -> None:
        places = self._places((org_rules.PROVINCIAL,), month, code)
        if places:
            self._appoint(
                places[0],
                self._day(month, horizon, 3, 8),
                (55, 17, 3, 13),
                "Bộ Chính trị",
                miss=False,
            )
