"""The demo province's ratings for 2019–2025, its five-year commendations and its party badges.

Consistent with the rules, not a copy of them: every year the members reviewed under that year's
regulation are rated by their grassroots organisation (those disciplined in the year KHTNV, the
HTXSNV quota kept per organisation), organisations by their direct superior; the distribution is
that of published results (DOMAIN.md §1.7: about 90 % HTTNV or better, under 1 % KHTNV), and a
member rated HTXSNV is likely to be rated so again, so that five-year streaks exist. From 2025 each
rating carries a score within its band. Written in bulk (core.bulk), each row logged.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import transaction

from dangvu.awards.models import BadgeAward, Commendation
from dangvu.awards.services import five_year_candidates
from dangvu.core import bulk
from dangvu.core.changes import get_or_create_decision, log_values, open_change_set
from dangvu.core.dates import add_years
from dangvu.core.models import ChangeLogEntry, ChangeSet
from dangvu.discipline.models import DisciplineDecision
from dangvu.evaluation.models import PeerGroup, Rating
from dangvu.evaluation.services import (
    Decided,
    Proposal,
    check_decided,
    not_reviewed,
    org_caps,
    review_facts,
)
from dangvu.members.lifecycle import death_day, party_age_start
from dangvu.members.models import MembershipPeriod, PartyMember
from dangvu.members.selectors import gaps_of
from dangvu.orgs.models import Organisation, Placement, valid_on
from dangvu.rules import awards as award_rules
from dangvu.rules import evaluation as ev
from dangvu.rules.charter import BADGE_TIERS
from dangvu.rules.organisation import GRASSROOTS_KINDS, MEMBER_RATING_KINDS

FIRST_YEAR = 2019
SEGMENT = 7
CHUNK = 5000


def _grassroots_for(paths: dict[str, int], path: str) -> int | None:
    for end in range(len(path), 0, -SEGMENT):
        found = paths.get(path[:end])
        if found is not None:
            return found
    return None


class DemoRatings:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.until = dt.date(FIRST_YEAR, 1, 1)
        self.rated: set[int] = set()
        self.previous: dict[tuple[str, int], str] = {}  # (subject, id) → last year's level
        self.counts: dict[str, int] = defaultdict(int)

    def advance(self, until: dt.date) -> None:
        """The years whose review day has come by `until` and are not yet rated, then the badges
        of every award day up to `until` not yet given."""
        self.until = until
        years = [
            y
            for y in range(FIRST_YEAR, until.year + 1)
            if ev.review_day(y) <= until and y not in self.rated
        ]
        for year in years:
            self.rated.add(year)
            with transaction.atomic():
                self.changeset = open_change_set(
                    actor=None,
                    reason=f"Dữ liệu mẫu: xếp loại chất lượng năm {year}",
                    source=ChangeSet.Source.SYSTEM,
                )
                self.rate_year(year)
            if year == 2023:
                with transaction.atomic():
                    self.commend(2019, 2023)
        with transaction.atomic():
            self.badges()

    # --- ratings ---------------------------------------------------------------------------
    def rate_year(self, year: int) -> None:
        on = ev.review_day(year)
        rules = ev.rules_for(year)
        places = list(Placement.objects.filter(valid_on(on)).select_related("org"))
        by_id = {p.org_id: p for p in places}
        self.paths = {p.org_id: p.path for p in places}
        grassroots = {p.path: p.org_id for p in places if p.kind in MEMBER_RATING_KINDS}
        periods = list(
            MembershipPeriod.objects.filter(valid_on(on), temporary=False).values_list(
                "member_id", "org_id"
            )
        )
        members = {m.pk: m for m in PartyMember.objects.filter(pk__in=[p[0] for p in periods])}
        facts: dict[int, Any] = {}
        ordered = sorted(members.values(), key=lambda m: m.pk)
        for start in range(0, len(ordered), CHUNK):
            facts.update(review_facts(ordered[start : start + CHUNK], year))
        by_grassroots: dict[int, list[int]] = defaultdict(list)
        for member_id, cell_id in sorted(periods):
            cell = by_id.get(cell_id)
            root = _grassroots_for(grassroots, cell.path) if cell else None
            if root is None:
                continue
            f = facts[member_id]
            if not_reviewed(rules, year, f, on):
                continue
            by_grassroots[root].append(member_id)
        rows: list[dict[str, Any]] = []
        for root_id in sorted(by_grassroots):
            root = by_id[root_id].org
            decision = get_or_create_decision(
                number=f"{300 + root_id % 600}-QĐ/ĐU",
                date=dt.date(year, 12, 22),
                issuer=f"Ban Thường vụ Đảng ủy {root.name.removeprefix('Đảng bộ ')}",
            )
            group = self._group(year, root, "Đảng viên") if rules.quota_per == "group" else None
            ids = by_grassroots[root_id]
            levels = self._levels(
                rules,
                year,
                [("member", i) for i in ids],
                best={
                    i: ev.KHTNV
                    for i in ids
                    if ev.forced_khtnv(rules, year=year, disciplines=facts[i].disciplines)
                },
                stay=0.75,
                fresh=0.1,
            )
            for member_id in ids:
                level = levels[("member", member_id)]
                rows.append(
                    self._row(
                        year,
                        rules,
                        level,
                        member_id=member_id,
                        unit_id=facts[member_id].cell_id,
                        deciding=root,
                        decision_id=decision.pk,
                        group_id=group.pk if group else None,
                    )
                )
        rows += self._org_rows(year, rules, places, by_id, grassroots)
        self._check(year, rows, members, by_id, facts)
        self._write(rows)

    def _check(
        self,
        year: int,
        rows: list[dict[str, Any]],
        members: dict[int, PartyMember],
        by_id: dict[int, Placement],
        facts: dict[int, Any],
    ) -> None:
        """The year's ratings go through the services' checks before they are written, as an
        import's do (evaluation.services.check_decided): a refusal is a fault of the demo."""
        deciding = {p.org_id: p.org for p in by_id.values()}
        items = []
        for n, row in enumerate(rows):
            subject = members[row["member_id"]] if row["member_id"] else deciding[row["org_id"]]
            score = None
            if row.get("score_general") is not None:
                score = ev.Score(
                    row["score_general"],
                    row["score_tasks"],
                    exceeded_pct=row["facts"]["exceeded_pct"],
                    all_tasks_done=row["facts"]["all_tasks_done"],
                )
            items.append(
                Decided(
                    key=n,
                    subject=subject,
                    level=row["level"],
                    unit=deciding[row["unit_id"]],
                    deciding_org=deciding[row["deciding_org_id"]],
                    proposal=Proposal(subject=subject, level=row["level"], score=score),
                    decided_on=row["decided_on"],
                    group_id=row["group_id"],
                )
            )
        refused = check_decided(year, items, facts=facts)
        if refused:
            shown = "; ".join(f"{rows[p.key]['level']}: {p.message}" for p in refused[:5])
            raise RuntimeError(f"the demo's ratings of {year} break the rules: {shown}")

    def _org_rows(
        self,
        year: int,
        rules: ev.EvaluationRules,
        places: list[Placement],
        by_id: dict[int, Placement],
        grassroots: dict[str, int],
    ) -> list[dict[str, Any]]:
        """Grassroots organisations rated by their direct superior; cells under a committee by
        their grassroots committee."""
        deciders: dict[int, list[int]] = defaultdict(list)
        for p in sorted(places, key=lambda p: p.org_id):
            if p.parent_id is None or p.org.code.startswith("TU-"):
                continue
            if p.kind in GRASSROOTS_KINDS:
                deciders[p.parent_id].append(p.org_id)
            elif p.kind == "cell":
                root = _grassroots_for(grassroots, p.path[:-SEGMENT])
                if root is not None:
                    deciders[root].append(p.org_id)
        rows = []
        for decider_id in sorted(deciders):
            decider = by_id[decider_id].org
            ids = deciders[decider_id]
            decision = get_or_create_decision(
                number=f"{900 + decider_id % 90}-QĐ/{'ĐU' if by_id[decider_id].kind in GRASSROOTS_KINDS else 'TU'}",
                date=dt.date(year, 12, 28),
                issuer=f"Ban Thường vụ {decider.name.replace('Đảng bộ', 'Đảng ủy', 1)}",
            )
            group = (
                self._group(year, decider, "Tổ chức đảng") if rules.quota_per == "group" else None
            )
            # The collective's caps from discipline (§1.3), by the services' own rule.
            caps = org_caps(rules, year, [by_id[i].org for i in ids])
            levels = self._levels(
                rules,
                year,
                [("org", i) for i in ids],
                best={i: cap[0] for i, cap in caps.items() if cap is not None},
                stay=0.8,
                fresh=0.12,
            )
            for org_id in ids:
                rows.append(
                    self._row(
                        year,
                        rules,
                        levels[("org", org_id)],
                        org_id=org_id,
                        unit_id=by_id[org_id].parent_id,
                        deciding=decider,
                        decision_id=decision.pk,
                        group_id=group.pk if group else None,
                    )
                )
        return rows

    def _group(self, year: int, org: Organisation, name: str) -> PeerGroup:
        group, _new = PeerGroup.objects.get_or_create(
            year=year, deciding_org=org, name=name, defaults={"changeset": self.changeset}
        )
        return group

    def _levels(
        self,
        rules: ev.EvaluationRules,
        year: int,
        keys: list[tuple[str, int]],
        *,
        best: dict[int, str],
        stay: float,
        fresh: float,
    ) -> dict[tuple[str, int], str]:
        """Levels for one deciding level's subjects, none better than its `best` allowed, with
        the HTXSNV quota kept."""
        rng = self.rng
        levels: dict[tuple[str, int], str] = {}
        hopefuls: list[tuple[int, tuple[str, int]]] = []
        for key in keys:
            if best.get(key[1]) == ev.KHTNV:
                levels[key] = ev.KHTNV
                continue
            draw = rng.random()
            if draw < 0.006:
                levels[key] = ev.KHTNV
            elif draw < 0.09:
                levels[key] = ev.HTNV
            else:
                levels[key] = ev.HTTNV
                before = self.previous.get(key)
                chance = stay if before == ev.HTXSNV else fresh
                if rng.random() < chance and key[1] not in best:
                    hopefuls.append((0 if before == ev.HTXSNV else 1, key))
        hopefuls.sort()
        good = sum(1 for v in levels.values() if v == ev.HTTNV)
        taken = 0
        for _rank, key in hopefuls:
            if taken + 1 <= ev.quota(rules, good - taken - 1):
                levels[key] = ev.HTXSNV
                taken += 1
        for key, level in levels.items():
            self.previous[key] = level
        return levels

    def _row(
        self,
        year: int,
        rules: ev.EvaluationRules,
        level: str,
        *,
        unit_id: int | None,
        deciding: Organisation,
        decision_id: int,
        group_id: int | None,
        member_id: int | None = None,
        org_id: int | None = None,
    ) -> dict[str, Any]:
        rng = self.rng
        row: dict[str, Any] = {
            "year": year,
            "subject": "member" if member_id else "org",
            "member_id": member_id,
            "org_id": org_id,
            "unit_id": unit_id,
            "regulation": rules.code,
            "self_level": level if rng.random() < 0.8 else ev.LEVELS[max(0, ev.RANK[level] - 1)],
            "self_on": dt.date(year, 12, 10),
            "proposed_level": level,
            "proposed_on": dt.date(year, 12, 15),
            "level": level,
            "decided_on": dt.date(year, 12, 22),
            "deciding_org_id": deciding.pk,
            "decision_id": decision_id,
            "group_id": group_id,
            "changeset_id": self.changeset.pk,
            "facts": {},
        }
        if rules.scored:
            low, high = {
                ev.HTXSNV: (90, 99),
                ev.HTTNV: (70, 89),
                ev.HTNV: (50, 69),
                ev.KHTNV: (35, 49),
            }[level]
            total = rng.randint(low, high)
            # 30 general + 70 task points at most (§16.1 1.4): each part within its range.
            general = round(total * 0.3 + rng.uniform(-1.5, 1.5))
            general = min(ev.GENERAL_MAX, max(total - ev.TASKS_MAX, 0, general))
            row["score_general"] = Decimal(general)
            row["score_tasks"] = Decimal(total - general)
            row["facts"] = {
                "exceeded_pct": rng.randint(30, 60) if level == ev.HTXSNV else rng.randint(0, 25),
                "all_tasks_done": level != ev.KHTNV,
            }
        self.counts[level] += 1
        return row

    def _write(self, rows: list[dict[str, Any]]) -> None:
        keys = bulk.insert_values(Rating, rows, returning_pk=True)
        entries = []
        for key, row in zip(keys, rows, strict=True):
            rating = Rating(pk=key, **{k: v for k, v in row.items() if k != "changeset_id"})
            entries.append(
                {
                    **log_values(
                        self.changeset,
                        action="rating.decide",
                        obj=rating,
                        after={"year": row["year"], "level": row["level"]},
                        scope_path=self.paths.get(row["unit_id"], ""),  # no query per row
                    ),
                    "object_label": f"{row['year']} {row['level']}",
                    "subject_type": "members.partymember"
                    if row["member_id"]
                    else "orgs.organisation",
                    "subject_id": str(row["member_id"] or row["org_id"]),
                }
            )
        bulk.insert_values(ChangeLogEntry, entries)

    # --- commendations ---------------------------------------------------------------------
    def commend(self, first: int, last: int) -> None:
        from dangvu.demo.province import PROVINCE_CODE

        province = Organisation.objects.get(code=PROVINCE_CODE)
        changeset = open_change_set(
            actor=None,
            reason=f"Dữ liệu mẫu: khen thưởng 5 năm liền {first}–{last}",
            source=ChangeSet.Source.SYSTEM,
        )
        decision = get_or_create_decision(
            number="1250-QĐ/TU", date=dt.date(last + 1, 1, 18), issuer="Ban Thường vụ Tỉnh ủy"
        )
        found = five_year_candidates(province, first, last, actor=None)
        multiple = award_rules.COMMENDATION_MULTIPLES[("bang_khen", "org_five_years")]
        base = award_rules.base_salary_on(decision.date)
        rows = [
            {
                "member_id": m["id"],
                "org_id": None,
                "multiple": None,
                "base_salary": None,
                "amount": None,
            }
            for m in found["members"]
        ] + [
            {
                "member_id": None,
                "org_id": o["id"],
                "multiple": multiple,
                "base_salary": base,
                "amount": award_rules.cash_amount(multiple, decision.date),
            }
            for o in found["organisations"]
        ]
        for row in rows:
            row.update(
                kind=Commendation.Kind.HONOUR,
                basis=Commendation.Basis.FIVE_YEARS,
                first_year=first,
                last_year=last,
                giver_id=province.pk,
                decision_id=decision.pk,
                changeset_id=changeset.pk,
            )
        bulk.insert_values(Commendation, rows)
        self.counts["commendations"] = len(rows)

    # --- badges ----------------------------------------------------------------------------
    def badges(self) -> None:
        """Each member's badges on the award day after each tier is reached, from 2005, with the
        waits after discipline (the rules decide each one)."""

        changeset = open_change_set(
            actor=None, reason="Dữ liệu mẫu: Huy hiệu Đảng", source=ChangeSet.Source.SYSTEM
        )
        disciplines: dict[int, list[tuple[str, dt.date]]] = defaultdict(list)
        for member_id, form, day in DisciplineDecision.objects.filter(
            member__isnull=False
        ).values_list("member_id", "form", "announced_on"):
            disciplines[member_id].append((form, day))
        days = [
            dt.date(y, m, d)
            for y in range(2005, self.until.year + 1)
            for m, d in award_rules.AWARD_DAYS
            if dt.date(y, m, d) <= self.until
        ]
        given: dict[int, list[int]] = defaultdict(list)  # by an earlier `advance`
        for member_id, tier in BadgeAward.objects.values_list("member_id", "tier"):
            given[member_id].append(tier)
        rows = []
        for member in PartyMember.objects.filter(
            status__in=("official", "deceased"), first_admission_date__isnull=False
        ).order_by("pk"):
            gaps = gaps_of(member)
            received: list[int] = list(given[member.pk])
            died = death_day(member.status, member.status_since)
            admitted = member.first_admission_date
            assert admitted is not None  # filtered above
            for tier in BADGE_TIERS:
                if tier in received:
                    continue
                # A gap only delays a tier: none is reached before its years from the admission.
                earliest = add_years(admitted, tier)
                if earliest > self.until:
                    break
                for day in days[bisect.bisect_left(days, earliest) :]:
                    if died is not None and day > died + dt.timedelta(days=730):
                        break
                    due, _why = award_rules.badge_due(
                        # As badge_check reckons it: the gaps up to the day, or to the death.
                        counted_from=party_age_start(admitted, gaps, day, died_on=died),
                        on=day,
                        received=received,
                        died_on=died if died is not None and died <= day else None,
                        disciplines=[d for d in disciplines[member.pk] if d[1] <= day],
                    )
                    if due is None:
                        continue  # not reached yet, or waiting after a discipline: the next day
                    if due.tier == tier:
                        multiple = award_rules.BADGE_CASH_MULTIPLES.get(tier)
                        rows.append(
                            {
                                "member_id": member.pk,
                                "tier": tier,
                                "awarded_on": day,
                                "early": due.early,
                                "posthumous": due.posthumous,
                                "multiple": multiple,
                                "amount": award_rules.cash_amount(multiple, day),
                                "changeset_id": changeset.pk,
                            }
                        )
                        received.append(tier)
                    break  # awarded, or passed over for a higher tier
        bulk.insert_values(BadgeAward, rows)
        self.counts["badges"] += len(rows)
