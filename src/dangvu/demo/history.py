"""The demo province's history since 2019, entered through the lifecycle services so that it obeys
every rule users' data obeys: about 800 admissions a year, recognitions, transfers, exemptions,
deaths, removals, discipline and a few expulsions (DOMAIN.md §4, §6; Ninh Thuận's orders of
magnitude, DOMAIN.md §11).

Events are generated month by month and applied in date order. A generated event that the rules
refuse is skipped and counted (`History.refused`): the generator proposes, the services dispose.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from dangvu.core.calendar import add_working_days
from dangvu.core.changes import open_change_set
from dangvu.core.dates import add_months, add_years, age_on
from dangvu.core.models import ChangeSet, Decision
from dangvu.demo import data
from dangvu.demo.activities import Activities
from dangvu.demo.congresses import Congresses
from dangvu.demo.inspection import Inspection
from dangvu.demo.pipeline import ADMISSIONS_FROM, Pipeline
from dangvu.discipline.services import discipline_record
from dangvu.inspection.services import case_discipline
from dangvu.members.events import event_record
from dangvu.members.lifecycle import official_date_for
from dangvu.members.models import PartyMember
from dangvu.members.services import member_admit, member_issue_card
from dangvu.orgs.models import Organisation, Placement, valid_on
from dangvu.recruitment.models import Candidate
from dangvu.restructuring.services import plan_apply

if TYPE_CHECKING:
    from dangvu.demo.province import Built, CellProfile, DemoBuilder

# Events a year at scale 1 (a province of about 21,000 members).
RATES = {
    "admission": 800,
    "death": 90,
    "transfer": 260,
    "transfer_away": 110,
    "transfer_from_elsewhere": 100,
    "temp_transfer": 40,
    "exemption": 120,
    "temp_exemption": 20,
    "suspension": 5,
    "removal": 22,
    "reprimand": 30,
    "warning": 10,
    "dismissal": 2,
    "expulsion": 4,
    "resignation": 3,
    "readmission": 1,
    "restoration": 0.5,
}
OTHER_PROVINCES = [
    "Đảng bộ tỉnh Khánh Hòa",
    "Đảng bộ tỉnh Bình Thuận",
    "Đảng bộ tỉnh Lâm Đồng",
    "Đảng bộ Thành phố Hồ Chí Minh",
    "Đảng bộ tỉnh Đắk Lắk",
]


@dataclass(order=True)
class Planned:
    on: dt.date
    order: int
    kind: str = field(compare=False)
    args: dict[str, Any] = field(compare=False, default_factory=dict)


class History(Pipeline, Congresses, Activities, Inspection):
    def __init__(self, builder: DemoBuilder, built: Built) -> None:
        self.builder = builder
        self.built = built
        self.rng = random.Random(builder.rng.random())
        # Events a year follow the size: fewer in a province of some of its districts only.
        kept = builder.districts if builder.districts is not None else len(data.DISTRICTS)
        self.scale = builder.scale * min(kept, len(data.DISTRICTS)) / len(data.DISTRICTS)
        self.cells = built.cells
        self.cell_weights = [p.size for _c, p in built.cells]
        self.profile_of = {c.pk: p for c, p in built.cells}
        self.members: dict[int, PartyMember] = {
            m.pk: m for m in PartyMember.objects.select_related("person", "org").order_by("pk")
        }
        self.refused: Counter[str] = Counter()
        self.applied: Counter[str] = Counter()
        self.pending: list[
            Planned
        ] = []  # follow-ups: ceremonies, recognitions, presentations, ends
        self.sequence = 0
        self.reformed = False
        self.month_pool: list[PartyMember] = []
        self.changeset: ChangeSet | None = None
        self.pipeline_init()
        self.congresses_init()
        self.activities_init()
        self.inspection_init()

    # --- helpers -----------------------------------------------------------------------------
    def _count(self, kind: str, months: int = 1) -> int:
        expected = RATES[kind] * self.scale * months / 12
        whole = int(expected)
        return whole + (1 if self.rng.random() < expected - whole else 0)

    def _day_in(self, month: dt.date, end: dt.date) -> dt.date:
        last = min(add_months(month, 1) - dt.timedelta(days=1), end)
        return month + dt.timedelta(days=self.rng.randint(0, max(0, (last - month).days)))

    def _plan(self, on: dt.date, kind: str, **args: Any) -> None:
        self.sequence += 1
        self.pending.append(Planned(on, self.sequence, kind, args))

    def _decision(self, cell: Organisation, on: dt.date) -> Decision:
        return self.builder._decision(cell, self.built.superiors[cell.pk], on)

    @staticmethod
    def _eligible(m: PartyMember) -> bool:
        return (
            m.status in ("probationary", "official")
            and not m.flags
            and m.org_id is not None
            and not (m.derived or {}).get("outside")
        )

    def _active(self, predicate: Any = None) -> PartyMember | None:
        """A random member in the list, free of flags, meeting the predicate (sampled, not scanned)."""
        pool = self.month_pool
        for _try in range(200):
            if not pool:
                return None
            m = self.rng.choice(pool)
            if self._eligible(m) and (predicate is None or predicate(m)):
                return m
        return None

    def _pick(self, member: PartyMember | list[PartyMember] | None) -> PartyMember | None:
        if isinstance(member, list):
            return self.rng.choice(member) if member else None
        return member

    def _cell(self, exclude: int | None = None) -> Organisation:
        while True:
            cell, _p = self.rng.choices(self.cells, weights=self.cell_weights, k=1)[0]
            if cell.pk != exclude:
                return cell

    # --- the run -----------------------------------------------------------------------------
    def run(self, start: dt.date, end: dt.date) -> None:
        from dangvu.demo.reform import REFORM_ON

        month = start.replace(day=1)
        while month <= end:
            if month == REFORM_ON and self.builder.reform and not self.reformed:
                self.apply_reform()
            self.month_pool = [m for m in self.members.values() if self._eligible(m)]
            with transaction.atomic():
                self.changeset = open_change_set(
                    actor=None,
                    reason=f"Dữ liệu mẫu: diễn biến tháng {month:%m/%Y}",
                    source=ChangeSet.Source.SYSTEM,
                )
                self._generate(month, end)
                horizon = min(add_months(month, 1) - dt.timedelta(days=1), end)
                # Follow-ups that fall due within the month (a transfer letter presented a week
                # after it was issued) are recorded within it too: recorded a month later, they
                # would change the figures of a month already closed.
                while due := sorted(p for p in self.pending if p.on <= horizon):
                    self.pending = [p for p in self.pending if p.on > horizon]
                    for planned in due:
                        self._apply(planned)
                self.congress_month(month, horizon)
                self.activities_month(month, horizon)
                self.inspection_month(month, horizon)
            self.builder.progress(f"history {month:%m/%Y}", sum(self.applied.values()))
            month = add_months(month, 1)

    def apply_reform(self) -> None:
        """The reform of 1/7/2025 as a plan, then the cells and members as they stand after it."""
        from dangvu.demo.province import MERGED_CODE, NEIGHBOUR_CODE, PROVINCE_CODE
        from dangvu.demo.reform import REFORM_ON, reform_plan

        with transaction.atomic():
            self.plan = reform_plan(MERGED_CODE, [PROVINCE_CODE, NEIGHBOUR_CODE])
            plan_apply(plan=self.plan, actor=None)
        self.reformed = True
        from dangvu.demo.province import analyse

        analyse()
        self.refresh_after_reform()
        self.set_targets(REFORM_ON)  # the new committees' targets for the rest of the year

    def refresh_after_reform(self) -> None:
        today = dt.date.today()
        alive = {
            p.org_id: p
            for p in Placement.objects.filter(valid_on(today), kind__in=("cell", "grassroots_cell"))
            .select_related("org")
            .order_by("org_id")
        }
        kept = [(c, p) for c, p in self.cells if c.pk in alive]
        known = {c.pk for c, _p in kept}
        from dangvu.demo.province import CellProfile

        for org_id, placement in alive.items():
            if org_id not in known:  # the merged offices, militia and police cells
                kind = "commune_office" if placement.org.code.endswith("-CQ") else "commune_armed"
                kept.append(
                    (
                        placement.org,
                        CellProfile(kind, "BLOCK", 8.0, placement.org.name.split(" ", 3)[-1]),
                    )
                )
        self.cells = kept
        self.cell_weights = [p.size for _c, p in kept]
        self.profile_of = {c.pk: p for c, p in kept}
        for cell, _p in kept:
            cell.refresh_from_db()
            superior = cell.parent
            while superior is not None and superior.kind not in (
                "commune_superior",
                "block",
                "provincial",
            ):
                superior = superior.parent
            if superior is not None:
                short = superior.name.removeprefix("Đảng bộ ")
                self.built.superiors[cell.pk] = (f"Ban Thường vụ Đảng ủy {short}", "ĐU")
        # In primary-key order: the random choices must not depend on the database's row order.
        self.members = {
            m.pk: m for m in PartyMember.objects.select_related("person", "org").order_by("pk")
        }
        self.reload_files()

    def _generate(self, month: dt.date, end: dt.date) -> None:
        if month.month == 1:  # a year of events later: fresh statistics for the planner
            from dangvu.demo.province import analyse

            analyse()
        rng = self.rng
        # From 2024 admissions come out of the candidates' files (demo.pipeline); the draws stay
        # the same, so that the other events do not change.
        admissions = self._count("admission")
        if month < ADMISSIONS_FROM:
            for _i in range(admissions):
                self._plan(self._day_in(month, end), "admission")
        for kind in (
            "death",
            "transfer",
            "transfer_away",
            "transfer_from_elsewhere",
            "temp_transfer",
            "exemption",
            "temp_exemption",
            "suspension",
            "removal",
            "reprimand",
            "warning",
            "dismissal",
            "expulsion",
            "resignation",
            "readmission",
            "restoration",
        ):
            for _i in range(self._count(kind)):
                self._plan(self._day_in(month, end), kind, seed=rng.random())
        self.plan_introductions(month, end)
        if month >= ADMISSIONS_FROM and month.month == 1:
            self.set_targets(month)

    def _apply(self, planned: Planned) -> None:
        handler = getattr(self, f"do_{planned.kind}")
        known = len(self.builder._decisions)  # in order of creation
        try:
            with transaction.atomic():
                done = handler(planned.on, **planned.args)
        except ValidationError:
            # The decisions written for the refused event went with its savepoint: forget them, or
            # a later event would name a decision that is not there (PostgreSQL refuses the month
            # at COMMIT; SQLite hands the same id to the next decision and hides it).
            for key in list(self.builder._decisions)[known:]:
                del self.builder._decisions[key]
            self.refused[planned.kind] += 1
            return
        if done is not False:
            self.applied[planned.kind] += 1

    def _event(self, member: PartyMember, kind: str, on: dt.date, **kwargs: Any) -> None:
        event_record(
            member=member,
            kind=kind,
            on=on,
            actor=None,
            changeset=self.changeset,
            source=ChangeSet.Source.SYSTEM,
            **kwargs,
        )

    # --- the events --------------------------------------------------------------------------
    def do_admission(self, on: dt.date, **_: Any) -> None:
        rng = self.rng
        cell = self._cell()
        profile: CellProfile = self.profile_of[cell.pk]
        self.builder.serial += 1
        person, _birth = self.builder._person(profile, self.builder.serial, recent=True)
        age = rng.randint(19, 42)
        person.birth_date = add_years(on, -age) - dt.timedelta(days=rng.randint(1, 360))
        person.citizen_id = self.builder._citizen_id(person, self.builder.serial)
        member = member_admit(
            person=person,
            org=cell,
            decision=self._decision(cell, on),
            ceremony_date=None,
            actor=None,
            changeset=self.changeset,
            source=ChangeSet.Source.SYSTEM,
        )
        self.members[member.pk] = member
        self.plan_ceremony(member, on, rng)

    def plan_ceremony(
        self, member: PartyMember, on: dt.date, rng: random.Random | None = None
    ) -> None:
        rng = rng or self.prng
        roll = rng.random()
        if roll < 0.96:
            ceremony = add_working_days(on, rng.randint(5, 28))
            self._plan(ceremony, "ceremony", member=member.pk)
        elif roll < 0.99:
            self._plan(
                add_working_days(on, rng.randint(32, 45)), "ceremony", member=member.pk, late=True
            )
        # else: the ceremony is still awaited (a work-list item)

    def do_ceremony(self, on: dt.date, member: int, late: bool = False, **_: Any) -> None:
        m = self.members[member]
        details = {"exception": "Ban Thường vụ cấp ủy cấp trên đồng ý tổ chức muộn"} if late else {}
        self._event(m, "ceremony", on, details=details)
        candidacy = Candidate.objects.filter(member=m).values_list("pk", flat=True).first()
        if candidacy is not None and self.prng.random() < 0.9:  # the member form, mostly on time
            self._plan(
                add_working_days(on, self.prng.randint(8, 40)), "member_form", candidate=candidacy
            )
        official = official_date_for(on)
        roll = self.rng.random()
        if roll < 0.97:
            self._plan(official, "recognition", member=member)
        elif roll < 0.99:
            self._plan(add_working_days(official, 10), "unqualified", member=member)

    def do_recognition(self, on: dt.date, member: int, **_: Any) -> bool:
        m = self.members[member]
        decided = add_working_days(on, self.rng.randint(3, 25))
        if decided > dt.date.today() or m.status != "probationary" or m.org is None:
            return False
        self._event(m, "recognition", on, org=m.org, decision=self._decision(m.org, decided))
        if m.card_number is None:
            self.builder.next_card += self.rng.randint(1, 40)
            member_issue_card(
                member=m,
                number=str(self.builder.next_card),
                actor=None,
                changeset=self.changeset,
                source=ChangeSet.Source.SYSTEM,
            )
        return True

    def do_unqualified(self, on: dt.date, member: int, **_: Any) -> bool:
        m = self.members[member]
        if m.status != "probationary" or m.org is None:
            return False
        self._event(
            m,
            "removal",
            on,
            decision=self._decision(m.org, on),
            details={"ground": "probation_unqualified"},
        )
        return True

    def do_death(self, on: dt.date, **_: Any) -> bool:
        m = self._active(lambda m: age_on(m.person.birth_date, on) >= 70) or self._active()
        if m is None:
            return False
        self._event(m, "death", on)
        return True

    def do_transfer(self, on: dt.date, **_: Any) -> bool:
        m = self._active()
        if m is None or m.org is None:
            return False
        target = self._cell(exclude=m.org_id)
        self._event(m, "transfer_out", on, org=target, decision=self._decision(m.org, on))
        late = self.rng.random() < 0.03
        presented = add_working_days(
            on, self.rng.randint(33, 45) if late else self.rng.randint(2, 25)
        )
        self._plan(presented, "presentation", member=m.pk, late=late)
        return True

    def do_presentation(self, on: dt.date, member: int, late: bool = False, **_: Any) -> bool:
        m = self.members[member]
        if not (m.derived or {}).get("transit"):
            return False
        details = {"explanation": "Đảng viên ốm, có giấy xác nhận"} if late else {}
        self._event(m, "transfer_in", on, org=m.org, details=details)
        return True

    def do_transfer_away(self, on: dt.date, **_: Any) -> bool:
        m = self._active()
        if m is None or m.org is None:
            return False
        self._event(
            m,
            "transfer_out",
            on,
            decision=self._decision(m.org, on),
            details={"external_to": self.rng.choice(OTHER_PROVINCES)},
        )
        return True

    def do_transfer_from_elsewhere(self, on: dt.date, **_: Any) -> bool:
        """A member admitted elsewhere arrives: the dossier's dates, then the transfer in."""
        rng = self.rng
        cell = self._cell()
        profile = self.profile_of[cell.pk]
        self.builder.serial += 1
        person, _b = self.builder._person(profile, self.builder.serial, recent=True)
        person.birth_date = add_years(on, -rng.randint(24, 55)) - dt.timedelta(
            days=rng.randint(1, 360)
        )
        person.citizen_id = self.builder._citizen_id(person, self.builder.serial, elsewhere=True)
        admitted = add_years(
            person.birth_date, rng.randint(19, min(40, age_on(person.birth_date, on) - 2))
        )
        ceremony = admitted + dt.timedelta(days=rng.randint(7, 30))
        source = rng.choice(OTHER_PROVINCES)
        decision = Decision.objects.create(
            number=f"{rng.randint(100, 999)}-QĐ/HU",
            date=admitted,
            issuer=f"Ban Thường vụ Huyện ủy ({source})",
        )
        member = member_admit(
            person=person,
            org=cell,
            decision=decision,
            ceremony_date=ceremony,
            recognised=True,
            actor=None,
            changeset=self.changeset,
            source=ChangeSet.Source.SYSTEM,
            external_org=f"Chi bộ cơ sở, {source}",
        )
        self._event(member, "transfer_in", on, org=cell, details={"external_from": source})
        self.members[member.pk] = member
        return True

    def do_temp_transfer(self, on: dt.date, **_: Any) -> bool:
        m = self._active()
        if m is None or m.org is None:
            return False
        host = self._cell(exclude=m.org_id)
        until = add_months(on, self.rng.randint(4, 10))
        self._event(
            m,
            "temp_transfer_out",
            on,
            org=host,
            decision=self._decision(m.org, on),
            details={"until": until},
        )
        self._plan(
            add_working_days(on, self.rng.randint(2, 20)),
            "temp_presentation",
            member=m.pk,
            host=host.pk,
        )
        self._plan(until, "temp_end", member=m.pk)
        return True

    def do_temp_presentation(self, on: dt.date, member: int, host: int, **_: Any) -> bool:
        m = self.members[member]
        if not (m.derived or {}).get("temp_transit") or m.temp_org_id is not None:
            return False
        self._event(m, "temp_transfer_in", on, org=Organisation.objects.get(pk=host))
        return True

    def do_temp_end(self, on: dt.date, member: int, **_: Any) -> bool:
        m = self.members[member]
        if not (m.derived or {}).get("temp_transit"):
            return False
        self._event(m, "temp_transfer_end", on)
        return True

    def do_exemption(self, on: dt.date, **_: Any) -> bool:
        m = self._active(lambda m: age_on(m.person.birth_date, on) >= 70)
        if m is None or m.org is None:
            return False
        self._event(
            m, "exemption", on, decision=self._decision(m.org, on), details={"ground": "age"}
        )
        return True

    def do_temp_exemption(self, on: dt.date, **_: Any) -> bool:
        m = self._active(lambda m: age_on(m.person.birth_date, on) < 60)
        if m is None or m.org is None:
            return False
        until = add_months(on, self.rng.randint(3, 11))
        self._event(
            m, "temp_exemption", on, decision=self._decision(m.org, on), details={"until": until}
        )
        self._plan(until, "flag_end", member=m.pk, end_kind="temp_exemption_end")
        return True

    def do_suspension(self, on: dt.date, **_: Any) -> bool:
        m = self._active()
        if m is None or m.org is None:
            return False
        self._event(m, "suspension", on, decision=self._decision(m.org, on))
        self._plan(
            add_months(on, self.rng.randint(3, 6)),
            "flag_end",
            member=m.pk,
            end_kind="suspension_end",
        )
        return True

    def do_flag_end(self, on: dt.date, member: int, end_kind: str, **_: Any) -> bool:
        m = self.members[member]
        flag = {"temp_exemption_end": "temporarily_exempted", "suspension_end": "suspended"}[
            end_kind
        ]
        if flag not in (m.flags or []) or m.org is None:
            return False
        self._event(m, end_kind, on, decision=self._decision(m.org, on))
        return True

    def do_removal(self, on: dt.date, **_: Any) -> bool:
        m = self._active(lambda m: m.status == "official")
        if m is None or m.org is None:
            return False
        ground = self.rng.choice(
            ["abandoned_activity", "no_progress", "two_years_violation", "card_returned"]
        )
        self._event(
            m, "removal", on, decision=self._decision(m.org, on), details={"ground": ground}
        )
        return True

    def _discipline(self, on: dt.date, form: str) -> bool:
        status = "official" if form in ("cach_chuc", "khai_tru") else None
        m = self._active(lambda m: status is None or m.status == status)
        if m is None or m.org is None:
            return False
        decided = on - dt.timedelta(days=self.rng.randint(3, 12))
        deciding_body = self.built.superiors[m.org.pk][0].replace(
            "Ban Thường vụ", "Ủy ban Kiểm tra"
        )
        # Most decisions end a case on signs of violation (demo/inspection.py, its own draws).
        case = self.case_before_discipline(m, decided, form)
        if case is not None:
            case_discipline(
                case=case,
                form=form,
                decision=self._decision(m.org, decided),
                announced_on=on,
                deciding_body=deciding_body,
                actor=None,
                source=ChangeSet.Source.SYSTEM,
            )
            return True
        discipline_record(
            member=m,
            form=form,
            decision=self._decision(m.org, decided),
            announced_on=on,
            deciding_body=deciding_body,
            violation="Vi phạm quy định về những điều đảng viên không được làm (dữ liệu mẫu)",
            actor=None,
            source=ChangeSet.Source.SYSTEM,
        )
        return True

    def do_reprimand(self, on: dt.date, **_: Any) -> bool:
        return self._discipline(on, "khien_trach")

    def do_warning(self, on: dt.date, **_: Any) -> bool:
        return self._discipline(on, "canh_cao")

    def do_dismissal(self, on: dt.date, **_: Any) -> bool:
        return self._discipline(on, "cach_chuc")

    def do_expulsion(self, on: dt.date, **_: Any) -> bool:
        return self._discipline(on, "khai_tru")

    def do_resignation(self, on: dt.date, **_: Any) -> bool:
        m = self._active(lambda m: m.status == "official")
        if m is None or m.org is None:
            return False
        self._event(m, "resignation", on, decision=self._decision(m.org, on))
        return True

    def do_readmission(self, on: dt.date, **_: Any) -> bool:
        pool = [
            m
            for m in self.members.values()
            if m.status == "removed"
            and (m.derived or {}).get("exit_cause")
            in ("removal:no_progress", "removal:two_years_violation")
            and not (m.derived or {}).get("readmitted")
            and age_on(m.person.birth_date, on) < 58
        ]
        m = self._pick(pool)
        if m is None:
            return False
        cell = self._cell()
        self._event(m, "readmission", on, org=cell, decision=self._decision(cell, on))
        self._plan(add_working_days(on, self.rng.randint(5, 20)), "ceremony", member=m.pk)
        return True

    def do_restoration(self, on: dt.date, **_: Any) -> bool:
        pool = [
            m
            for m in self.members.values()
            if m.status in ("removed", "expelled")
            and (m.derived or {}).get("exit_cause") != "removal:probation_unqualified"
        ]
        m = self._pick(pool)
        if m is None:
            return False
        cell = self._cell()
        self._event(
            m,
            "restoration",
            on,
            org=cell,
            decision=self._decision(cell, on),
            details={"explanation": "Quyết định xóa tên bị hủy sau khi xem xét khiếu nại"},
        )
        return True
