"""The demo's cell life, political study and dues (issue 26, point 7; DOMAIN-2.md §2, §3; DOMAIN.md
§7), written through activities.services and activities.dues as a user's would be — the bulk
doors (`meetings_record`, `bases_record`, `collect`) check every record with the same rules as the
pages.

- From 01/2024 every cell holds its monthly meeting, most on the day its plan fixes, some a few
  days later, a few not at all in a month (the late cells); the last month of each quarter's
  meeting is combined with the thematic one. About 95 % of those expected come; a handful of
  members miss three months without a reason in 2026 (the secretary's work list) and a few are
  absent with a reason four times in a row.
- From 07/2025 the members' dues: what each pays from (salary, pension, student, other) by
  occupation, a few salaries raised in 01/2026 (under 01-QĐ/TW the due of a month follows the
  salary of the month before, from 02/2026), reductions and exemptions from 03/2026, the 50-year
  exemption from 02/2026; most pay each month (in cash, from 02/2026 more through the portal),
  a few miss a month, and a few stop paying in 2026.
- In 2026 the study of the XIV Congress resolution: the province registers it, each commune and
  ward committee holds a session for its members and a make-up session, essays, action
  programmes; the year's topic of the Hồ Chí Minh study, exemplary models, the province's
  reporters.

A generator of its own: the other draws of the demo do not change.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from dangvu.activities import dues, services
from dangvu.activities import roll as rolls
from dangvu.activities.models import DuesBasis, StudyDocument
from dangvu.core.models import ChangeSet
from dangvu.members.models import FlagPeriod, PartyMember
from dangvu.orgs.models import Organisation, Placement, valid_on
from dangvu.rules import activities as rules
from dangvu.rules import dues as dues_rules
from dangvu.rules import organisation as org_rules

MEETINGS_FROM = dt.date(2024, 1, 1)
DUES_FROM = dt.date(2025, 7, 1)
STUDY_YEAR = 2026
FIXED_DAYS = (3, 3, 3, 5, 10, 15)
REASONS = ("Đi công tác", "Ốm", "Việc gia đình", "Đi học", "Trực cơ quan")
TOPICS = (
    "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    "Nâng cao chất lượng sinh hoạt chi bộ theo Chỉ thị 50-CT/TW",
    "Phòng, chống tham nhũng, lãng phí, tiêu cực",
    "Phát triển kinh tế - xã hội của địa phương",
)
SYSTEM = ChangeSet.Source.SYSTEM


class Activities:
    """Mixed into demo.history.History: `activities_month(month, horizon)` runs the month."""

    builder: Any
    cells: list[Any]
    members: dict[int, PartyMember]

    def activities_init(self) -> None:
        self.arng = random.Random(f"activities-{self.builder.seed}")
        self.meeting_history: dict[tuple[int, int], dict[int, list[str]]] = {}
        self.fixed_day: dict[int, int] = {}
        self.skippers: set[int] = set()  # members who miss 3+ months in 2026 without a reason
        self.excusers: set[int] = set()
        self.non_payers: set[int] = set()
        self.based: set[int] = set()
        self.studied: set[int] = set()  # the communes that held their session
        self.essayed: set[int] = set()  # the members who wrote their essay

    def activities_month(self, month: dt.date, horizon: dt.date) -> None:
        # The tests' demo starts later (tests/layers.py): three months before the reform suffice
        # to show the merged province answering for its predecessors.
        if month >= getattr(self.builder, "activities_from", MEETINGS_FROM) and horizon >= month:
            self.meetings_month(month, horizon)
        if month >= DUES_FROM:
            self.dues_month(month, horizon)
        if month.year == STUDY_YEAR and month.month in (2, 3, 4):
            self.study_month(month, horizon)

    # --- meetings ---------------------------------------------------------------------------
    def _cells_now(self, day: dt.date) -> list[Organisation]:
        alive = set(
            Placement.objects.filter(valid_on(day), kind__in=rolls.CELL_KINDS).values_list(
                "org_id", flat=True
            )
        )
        return [cell for cell, _p in self.cells if cell.pk in alive]

    def meetings_month(self, month: dt.date, horizon: dt.date) -> None:
        rng = self.arng
        cells = self._cells_now(horizon)
        if month.month == 1:
            self.plans(month.year, cells, horizon)
        if month == dt.date(2026, 1, 1):
            pool = sorted(m.pk for m in self.members.values() if m.status == "official")
            self.skippers = set(rng.sample(pool, min(len(pool) // 400 + 1, len(pool))))
            self.excusers = set(rng.sample(pool, min(len(pool) // 400 + 1, len(pool))))
        quarter_end = month.month % 3 == 0
        days = {}
        for cell in cells:
            if rng.random() < 0.02:
                continue  # no meeting this month: a late cell
            fixed = self.fixed_day.get(cell.pk, 3)
            day = month.replace(day=fixed)
            if rng.random() < 0.06:
                day += dt.timedelta(days=rng.randint(1, 8))
            if day <= horizon:
                days[cell.pk] = day
        found = rolls.rolls_for([(pk, day) for pk, day in days.items()])
        items = []
        by_pk = {c.pk: c for c in cells}
        for pk, day in days.items():
            lines = found[(pk, day)]
            if not lines:
                continue
            roll = {}
            for line in lines:
                status, reason = line.status, ""
                if status == rules.PRESENT:
                    draw = rng.random()
                    if (
                        line.member in self.skippers
                        and day.month in (2, 4, 5, 7)
                        and day.year == 2026
                    ):
                        status = rules.UNEXCUSED
                    elif (
                        line.member in self.excusers
                        and day.year == 2026
                        and day.month in (3, 4, 5, 6)
                    ) or draw < 0.045:
                        status, reason = rules.EXCUSED, rng.choice(REASONS)
                    elif draw < 0.05:
                        status = rules.UNEXCUSED
                roll[line.member] = (status, reason)
            present = [line for line in lines if roll[line.member][0] == rules.PRESENT]
            if len(present) < 2:
                roll.update(
                    {
                        line.member: (rules.PRESENT, "")
                        for line in lines[:2]
                        if line.status == rules.PRESENT
                    }
                )
                present = [line for line in lines if roll[line.member][0] == rules.PRESENT]
            if len(present) < 2:
                continue
            voters = sum(
                1 for line in present if line.official and not line.suspended and not line.attached
            )
            combined = quarter_end
            minutes = rng.randint(120, 150) if combined else rng.randint(90, 125)
            starts = dt.time(19, 30) if rng.random() < 0.6 else dt.time(14, 0)
            end_minutes = starts.hour * 60 + starts.minute + minutes
            items.append(
                (
                    by_pk[pk],
                    services.MeetingInput(
                        kind=rules.COMBINED if combined else rules.REGULAR,
                        held_on=day,
                        starts=starts,
                        ends=dt.time(end_minutes // 60, end_minutes % 60),
                        chair=present[0].member,
                        minute_taker=present[1].member,
                        roll=roll,
                        topic=TOPICS[(day.month // 3 - 1) % len(TOPICS)] if combined else "",
                        agenda="Đánh giá kết quả tháng; nhiệm vụ tháng tới",
                        documents_shared_on=day - dt.timedelta(days=rng.choice((1, 2, 3, 0))),
                        minutes="Chi bộ đánh giá kết quả lãnh đạo thực hiện nhiệm vụ trong tháng "
                        "và thống nhất nhiệm vụ tháng tới.",
                        conclusions="Chi bộ thống nhất các nhiệm vụ trọng tâm tháng tới.",
                        criteria={key: rng.random() < 0.92 for key in rules.JUDGED_CRITERIA},
                        resolutions=[(f"Nghị quyết chi bộ tháng {day:%m/%Y}", voters, 0, 0)]
                        if voters
                        else [],
                    ),
                )
            )
        if items:
            services.meetings_record(
                items=items, actor=None, source=SYSTEM, history=self.meeting_history
            )
        self.builder.progress(f"meetings {month:%m/%Y}", len(items))

    def plans(self, year: int, cells: list[Organisation], day: dt.date) -> None:
        rng = self.arng
        items = []
        for cell in cells:
            fixed = rng.choice(FIXED_DAYS)
            self.fixed_day[cell.pk] = fixed
            reported = dt.date(year, 1, rng.randint(5, 25))
            items.append(
                (
                    cell,
                    fixed,
                    [(q, TOPICS[(q - 1) % len(TOPICS)], "") for q in (1, 2, 3, 4)],
                    reported if reported <= day else None,
                )
            )
        services.plans_record(year=year, items=items, actor=None, source=SYSTEM)

    # --- dues --------------------------------------------------------------------------------
    def _root(self, day: dt.date) -> list[Organisation]:
        return list(
            Organisation.objects.filter(
                pk__in=Placement.objects.filter(valid_on(day), parent__isnull=True).values("org_id")
            )
        )

    def _basis_of(self, member: PartyMember, region: str) -> tuple[str, int, str]:
        rng = self.arng
        occupation = member.person.occupation
        if occupation == "retired":
            return dues_rules.PENSION, rng.randrange(3_500_000, 9_000_000, 1000), region
        if occupation in ("student", "pupil"):
            return dues_rules.STUDENT, 0, region
        if occupation in ("agriculture", "other", "village_worker"):
            return dues_rules.OTHER, 0, region
        return dues_rules.INSURED, rng.randrange(5_500_000, 18_000_000, 1000), region

    def dues_month(self, month: dt.date, horizon: dt.date) -> None:
        rng = self.arng
        active = [
            m
            for m in self.members.values()
            if m.status in ("official", "probationary") and m.org_id is not None
        ]
        new = [m for m in active if m.pk not in self.based]
        fresh: set[int] = set()
        if new:
            if not self.based:
                self.based = set(DuesBasis.objects.values_list("member_id", flat=True))
                new = [m for m in new if m.pk not in self.based]
            rows = []
            for m in new:
                region = "3" if "Phường" in (m.org.name if m.org else "") else "4"
                category, amount, region = self._basis_of(m, region)
                rows.append((m, month, category, amount, region))
            dues.bases_record(rows=rows, actor=None, source=SYSTEM)
            fresh = {m.pk for m in new}
            self.based |= fresh
        if month == dt.date(2026, 1, 1):
            raised = [
                m
                for m in active
                if m.pk not in fresh  # a basis from this month already: admitted this month
                and m.person.occupation
                not in ("retired", "student", "pupil", "agriculture", "other", "village_worker")
            ]
            chosen = rng.sample(raised, min(len(raised) // 20, len(raised)))
            dues.bases_record(
                rows=[
                    (m, month, dues_rules.INSURED, rng.randrange(7_000_000, 20_000_000, 1000), "4")
                    for m in chosen
                ],
                actor=None,
                source=SYSTEM,
            )
            pool = sorted(m.pk for m in active)
            self.non_payers = set(rng.sample(pool, min(len(pool) // 500 + 1, len(pool))))
        if month == dt.date(2026, 3, 1):
            self.reliefs(active, month)
        paid = {}
        last = min(dues.last_day(month), horizon)
        for m in active:
            if m.pk in self.non_payers and month.year == 2026 and month.month in (3, 5, 6, 8, 9):
                continue
            if rng.random() < 0.01:
                continue
            day = month + dt.timedelta(days=rng.randint(0, 24))
            if day > last:
                continue
            portal = month >= dues_rules.QD_01.effective and rng.random() < 0.45
            paid[m.pk] = (day, "portal" if portal else "cash")
        for root in self._root(last):
            dues.collect(org=root, month=month, paid=paid, actor=None, source=SYSTEM)
        self.builder.progress(f"dues {month:%m/%Y}", len(paid))

    def reliefs(self, active: list[PartyMember], month: dt.date) -> None:
        rng = self.arng
        chosen = rng.sample(active, min(14, len(active)))
        for i, m in enumerate(chosen):
            if i < 8:
                kind, percent = dues_rules.HARDSHIP, rng.choice((30, 50, 70))
                last: dt.date | None = dues_rules.add_months(month, 11)
            elif i < 12:
                kind, percent, last = dues_rules.POOR_HOUSEHOLD, 100, None
            else:
                kind, percent, last = (
                    dues_rules.SERIOUS_ILLNESS,
                    100,
                    dues_rules.add_months(month, 5),
                )
            dues.relief_record(
                member=m,
                kind=kind,
                percent=percent,
                first=month,
                last=last,
                decision=f"Nghị quyết chi bộ ngày {month:%d/%m/%Y}",
                actor=None,
                source=SYSTEM,
            )
        # Paying late: members temporarily exempted from activity, for the months of it (§7.2).
        away = [
            m
            for m in sorted(self.members.values(), key=lambda m: m.pk)
            if m.status in ("official", "probationary")
            and "temporarily_exempted" in (m.flags or [])
        ]
        for m in away[:3]:
            period = (
                FlagPeriod.objects.filter(
                    member=m, flag="temporarily_exempted", valid_to__isnull=True
                )
                .order_by("-valid_from")
                .first()
            )
            if period is None or period.until is None or period.until < month:
                continue
            dues.relief_record(
                member=m,
                kind=dues_rules.DEFERRAL,
                percent=0,
                first=month,
                last=min(dues_rules.month_start(period.until), dues_rules.add_months(month, 2)),
                decision=f"Nghị quyết chi bộ ngày {month:%d/%m/%Y}",
                actor=None,
                source=SYSTEM,
            )

    # --- political study ---------------------------------------------------------------------
    def study_month(self, month: dt.date, horizon: dt.date) -> None:
        rng = self.arng
        roots = self._root(horizon)
        if not roots:
            return
        root = roots[0]
        if month.month == 2:
            document = services.document_register(
                org=root,
                kind="resolution",
                number="Đại hội XIV",
                title="Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIV của Đảng",
                issuer="Đại hội đại biểu toàn quốc lần thứ XIV",
                level="central",
                issued_on=dt.date(2026, 1, 23),
                deadlines={"province": dt.date(2026, 3, 31), "commune": dt.date(2026, 4, 30)},
                actor=None,
                source=SYSTEM,
            )
            services.programme_record(
                document=document,
                org=root,
                adopted_on=min(dt.date(2026, 2, 26), horizon),
                number="01-CTr/TU",
                actor=None,
                source=SYSTEM,
            )
            services.topic_record(
                org=root,
                year=STUDY_YEAR,
                title="Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh về tự lực, "
                "tự cường và khát vọng phát triển đất nước",
                actor=None,
            )
            return
        registered = StudyDocument.objects.filter(org=root).order_by("-issued_on").first()
        if registered is None:
            return
        document = registered
        communes = list(
            Organisation.objects.filter(
                pk__in=Placement.objects.filter(
                    valid_on(horizon),
                    parent=root,
                    kind__in=(org_rules.COMMUNE_SUPERIOR, org_rules.GRASSROOTS_COMMITTEE),
                ).values("org_id")
            ).order_by("pk")
        )
        # Half the communes in March, the rest in April (a member transferred between them in the
        # meantime is rolled again, as in life, but writes one essay).
        left = [c for c in communes if c.pk not in self.studied]
        todo = left[: len(communes) // 2] if month.month == 3 else left
        self.studied |= {c.pk for c in todo}
        for commune in todo:
            members = list(
                PartyMember.objects.filter(
                    org__path__startswith=commune.path, status__in=("official", "probationary")
                ).values_list("pk", "flags")
            )
            if not members:
                continue
            roll = {}
            for pk, flags in members:
                if "exempted" in (flags or []) or "temporarily_exempted" in (flags or []):
                    roll[pk] = rules.EXEMPTED
                else:
                    draw = rng.random()
                    roll[pk] = (
                        rules.PRESENT
                        if draw < 0.94
                        else (rules.EXCUSED if draw < 0.985 else rules.UNEXCUSED)
                    )
            day = month.replace(day=rng.randint(5, 20))
            session = services.session_record(
                document=document,
                org=commune,
                level="commune",
                held_on=min(day, horizon),
                mode=rng.choice(("in_person", "mixed")),
                roll=roll,
                reporters="Báo cáo viên Tỉnh ủy",
                materials="Tài liệu học tập Nghị quyết Đại hội XIV",
                guests={"cadres": rng.randint(5, 30), "union": rng.randint(0, 20)},
                actor=None,
                source=SYSTEM,
            )
            absent = {pk: s for pk, s in roll.items() if s in (rules.EXCUSED, rules.UNEXCUSED)}
            makeup_day = min(day + dt.timedelta(days=14), horizon)
            if absent and makeup_day >= day:
                services.session_record(
                    document=document,
                    org=commune,
                    level="commune",
                    held_on=makeup_day,
                    mode="in_person",
                    roll={
                        pk: rules.PRESENT if rng.random() < 0.7 else s for pk, s in absent.items()
                    },
                    makeup_of=session,
                    actor=None,
                    source=SYSTEM,
                )
            if rng.random() < 0.9:
                services.programme_record(
                    document=document,
                    org=commune,
                    adopted_on=min(day + dt.timedelta(days=7), horizon),
                    number=f"{rng.randint(1, 30):02d}-CTr/ĐU",
                    actor=None,
                    source=SYSTEM,
                )
            essays = [
                (
                    pk,
                    min(day + dt.timedelta(days=10), horizon),
                    rng.choice(("excellent", "good", "good", "pass")),
                )
                for pk, s in roll.items()
                if s == rules.PRESENT and pk not in self.essayed and rng.random() < 0.85
            ]
            services.essays_record(document=document, rows=essays, actor=None, source=SYSTEM)
            self.essayed |= {pk for pk, _d, _g in essays}
        if month.month == 4:
            self.exemplars_and_reporters(root, horizon)

    def exemplars_and_reporters(self, root: Organisation, day: dt.date) -> None:
        rng = self.arng
        for i in range(8):
            services.exemplar_record(
                org=root,
                year=STUDY_YEAR,
                kind="collective" if i % 2 else "individual",
                name=f"Điển hình học tập và làm theo Bác số {i + 1}",
                field_name=rng.choice(("Giáo dục", "Y tế", "Nông nghiệp", "Quốc phòng")),
                commendation="Giấy khen của Ban Thường vụ Tỉnh ủy",
                actor=None,
            )
        officials = sorted(
            m.pk
            for m in self.members.values()
            if m.status == "official"
            and m.person.occupation in ("party_official", "state_official")
        )
        for number, pk in enumerate(rng.sample(officials, min(30, len(officials))), start=1):
            services.reporter_recognise(
                org=root,
                member=self.members[pk],
                level="province",
                card_number=f"{number:03d}/BCV-TU",
                recognised_on=day,
                province="Khánh Hòa",
                actor=None,
            )
