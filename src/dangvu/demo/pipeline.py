"""The demo's new-member development (issue 24): from March 2023 the Union and the other bodies
introduce outstanding people, about 2.5 for every admission; from 2024 every admission comes out of
a candidate's file, through the recruitment's services step by step — recognition, the awareness
course, the dossier, the verification, the cell's and the committee's votes, the proposal received,
the decision — so the demo obeys the rules users' data obeys. Files stall at each step, a few are
refused or withdrawn, and the reform of 1/7/2025 carries the open files of merged cells
(recruitment.services.carry_files). A generator of its own: the history before 2024 is the same
as without the pipeline."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from dangvu.core.calendar import add_working_days
from dangvu.core.dates import add_months, add_years, today
from dangvu.core.models import ChangeSet
from dangvu.members.models import PartyMember
from dangvu.members.selectors import members_on
from dangvu.orgs.models import Placement, valid_on
from dangvu.recruitment import services as rs
from dangvu.recruitment.models import Candidate
from dangvu.recruitment.selectors import introducers_needed
from dangvu.reports.services import target_set
from dangvu.rules import recruitment as rules
from dangvu.tree.selectors import children_on

INTRODUCTIONS_FROM = dt.date(2023, 3, 1)
ADMISSIONS_FROM = dt.date(2024, 1, 1)
PER_ADMISSION = 2.5  # candidates introduced for one admitted
TARGET_SHARE = 0.035  # of the members, a year (NQ 21-NQ/TW: 3–4 %)
PARENT_NAMES = ["Minh", "Hùng", "Dũng", "Thanh", "Hải", "Sơn", "Tâm", "Phúc", "Lộc", "Bình"]
SERIAL = 700_000  # the candidates' citizen IDs, apart from the members'

# The share of files that go on at each step (the rest stall there, as files do).
GOES_ON = {
    "recognise": 0.88,
    "certificate": 0.82,
    "dossier": 0.8,
    "verification": 0.86,
    "cell_vote": 0.97,  # the rest are voted down
}
BODIES = {
    "union": "Ban Chấp hành Đoàn {place}",
    "trade_union": "Ban Chấp hành Công đoàn cơ sở {place}",
    "residential": "Ban Công tác Mặt trận {place}",
    "enterprise": "Ban Chấp hành Công đoàn {place}",
    "school": "Ban Chấp hành Đoàn trường {place}",
    "armed_forces": "Ban Chấp hành Đoàn {place}",
}


class Pipeline:
    """Mixed into demo.history.History, whose plan, cells, members and month's change set it uses
    (declared here); it draws from a generator of its own."""

    builder: Any
    built: Any
    rng: random.Random
    scale: float
    changeset: ChangeSet | None
    members: dict[int, PartyMember]
    profile_of: dict[int, Any]
    _plan: Any
    cells: list[Any]
    cell_weights: list[float]
    _decision: Any
    plan_ceremony: Any

    def pipeline_init(self) -> None:
        # Seeded from the history's generator without drawing from it.
        self.prng = random.Random(f"pipeline-{self.builder.seed}")
        self.pserial = SERIAL
        self.candidates: dict[int, Candidate] = {}
        self.officials_month: tuple[int, int] | None = None
        self.officials_index: dict[int, list[PartyMember]] = {}

    def _common(self) -> dict[str, Any]:
        return {"actor": None, "changeset": self.changeset}

    def set_targets(self, on: dt.date) -> None:
        """The year's admission targets of each province and of its subordinates, set in January
        (and again for the new committees after the reform): 3.5 % of their members (NQ 21-NQ/TW:
        3–4 % a year, DOMAIN.md §5.2); a province's is the sum of its subordinates'."""
        roots = Placement.objects.filter(valid_on(on), parent__isnull=True).select_related("org")
        for root in roots:
            total = 0
            for child in children_on(root.org, on):
                members = members_on(child.org, on).count()
                if not members:
                    continue
                target = max(1, round(members * TARGET_SHARE))
                total += target
                target_set(
                    org=child.org,
                    year=on.year,
                    target=target,
                    actor=None,
                    source=ChangeSet.Source.SYSTEM,
                    reason="Dữ liệu mẫu: giao chỉ tiêu kết nạp đảng viên",
                )
            if total:
                target_set(
                    org=root.org,
                    year=on.year,
                    target=total,
                    actor=None,
                    source=ChangeSet.Source.SYSTEM,
                    reason="Dữ liệu mẫu: giao chỉ tiêu kết nạp đảng viên",
                )

    def plan_introductions(self, month: dt.date, end: dt.date) -> None:
        if month < INTRODUCTIONS_FROM:
            return
        expected = self._expected("admission") * PER_ADMISSION
        count = int(expected) + (1 if self.prng.random() < expected % 1 else 0)
        for _i in range(count):
            self._plan(self._pday(month, end), "introduction")

    def _expected(self, kind: str) -> float:
        from dangvu.demo.history import RATES

        return float(RATES[kind] * self.scale / 12)

    def _pday(self, month: dt.date, end: dt.date) -> dt.date:
        last = min(add_months(month, 1) - dt.timedelta(days=1), end)
        return month + dt.timedelta(days=self.prng.randint(0, max(0, (last - month).days)))

    def _later(self, on: dt.date, low: int, high: int, kind: str, cid: int) -> None:
        day = on + dt.timedelta(days=self.prng.randint(low, high))
        if day <= today():
            self._plan(day, kind, candidate=cid)

    def _officials(self, cell_id: int, on: dt.date) -> list[PartyMember]:
        """The cell's official members of two years' standing (a helper, the introducers), from
        an index made once a month."""
        month = (on.year, on.month)
        if self.officials_month != month:
            index: dict[int, list[PartyMember]] = {}
            for m in self.members.values():
                if m.status == "official" and m.official_date is not None and m.org_id:
                    index.setdefault(m.org_id, []).append(m)
            self.officials_index, self.officials_month = index, month
        return [
            m
            for m in self.officials_index.get(cell_id, [])
            if m.official_date is not None and m.official_date <= add_years(on, -2)
        ]

    def _file(self, cid: int) -> Candidate | None:
        """The file as the services left it (they change the instance they are given; the reform
        re-reads the open ones, `reload_files`)."""
        c = self.candidates.get(cid)
        return c if c is not None and c.status == Candidate.Status.OPEN else None

    def reload_files(self) -> None:
        """After the reform carried open files to other cells (recruitment.services.carry_files)."""
        open_ids = [pk for pk, c in self.candidates.items() if c.status == Candidate.Status.OPEN]
        for c in Candidate.objects.filter(pk__in=open_ids).select_related("person", "cell"):
            self.candidates[c.pk] = c

    # --- the steps ---------------------------------------------------------------------------
    def do_introduction(self, on: dt.date, **_: Any) -> bool:
        rng = self.prng
        cell, _profile = rng.choices(self.cells, weights=self.cell_weights, k=1)[0]
        profile = self.profile_of[cell.pk]
        saved, self.builder.rng = self.builder.rng, rng  # the person drawn from our generator
        try:
            person, _birth = self.builder._person(profile, self.pserial, recent=True)
        finally:
            self.builder.rng = saved
        age = int(rng.triangular(18.5, 45, 24))
        person.birth_date = add_years(on, -age) - dt.timedelta(days=rng.randint(1, 360))
        self.pserial += 1
        saved, self.builder.rng = self.builder.rng, rng
        try:
            person.citizen_id = self.builder._citizen_id(person, self.pserial)
        finally:
            self.builder.rng = saved
        if person.general_education in ("doc_viet", "tieu_hoc"):
            person.general_education = "thcs"
        young = age <= 30
        source = (
            "union"
            if young and rng.random() < 0.75
            else rng.choice(["residential", "enterprise", "trade_union", "school"])
        )
        place = cell.name.removeprefix("Chi bộ ")
        candidate = rs.candidate_enter(
            person=person,
            cell=cell,
            kind="union_member" if source == "union" else "person",
            source_kind=source,
            introduced_by=BODIES[source].format(place=place),
            introduced_number=f"{self.pserial % 1000}-NQ",
            introduced_on=on,
            source=ChangeSet.Source.SYSTEM,
            **self._common(),
        )
        self.candidates[candidate.pk] = candidate
        if rng.random() < GOES_ON["recognise"]:
            self._later(on, 15, 45, "recognise", candidate.pk)
        return True

    def do_recognise(self, on: dt.date, candidate: int, **_: Any) -> bool:
        c = self._file(candidate)
        if c is None:
            return False
        officials = self._officials(c.cell_id, on)
        helper = self.prng.choice(officials) if officials else None
        rs.candidate_recognise(
            candidate=c,
            on=on,
            by=self.built.superiors.get(c.cell_id, ("Đảng ủy cơ sở", ""))[0],
            helper=helper,
            **self._common(),
        )
        if self.prng.random() < GOES_ON["certificate"]:
            self._later(on, 30, 100, "certificate", candidate)
        return True

    def do_certificate(self, on: dt.date, candidate: int, **_: Any) -> bool:
        c = self._file(candidate)
        if c is None:
            return False
        issuer = (
            "Trung tâm Chính trị huyện"
            if on < dt.date(2025, 7, 1)
            else "Ban Tuyên giáo và Dân vận Tỉnh ủy"
        )
        rs.certificate_record(
            candidate=c,
            course=f"Lớp bồi dưỡng nhận thức về Đảng khóa {on.month}/{on.year}",
            issuer=issuer,
            number=f"{self.prng.randint(100, 999)}/GCN",
            issued_on=on,
            **self._common(),
        )
        if self.prng.random() < GOES_ON["dossier"]:
            self._later(on, 30, 90, "dossier", candidate)
        return True

    def do_dossier(self, on: dt.date, candidate: int, **_: Any) -> bool:
        c = self._file(candidate)
        if c is None:
            return False
        needed = introducers_needed(c, on)
        officials = self._officials(c.cell_id, on)
        if len(officials) < needed.members:
            return False  # the cell has not the members to introduce: the file waits
        kinds = ["application", "background", "mass_opinion", "residence_opinion"]
        if needed.body:
            kinds.append("org_resolution")
        for kind in kinds:
            rs.document_record(candidate=c, kind=kind, dated=on, **self._common())
        for member in self.prng.sample(officials, needed.members):
            rs.document_record(
                candidate=c,
                kind="introducer",
                dated=on,
                introducer=member,
                worked_since=add_years(on, -2),
                **self._common(),
            )
        rs.verification_record(
            candidate=c,
            relation="self",
            name=c.person.full_name,
            requested_on=on,
            **self._common(),
        )
        rs.verification_record(
            candidate=c,
            relation="father",
            name=f"{c.person.family_name} Văn {self.prng.choice(PARENT_NAMES)}",
            requested_on=on,
            **self._common(),
        )
        if self.prng.random() < GOES_ON["verification"]:
            self._later(on, 20, 60, "verification", candidate)
        return True

    def do_verification(self, on: dt.date, candidate: int, **_: Any) -> bool:
        c = self._file(candidate)
        if c is None:
            return False
        for v in c.verifications.all():
            rs.verification_record(
                candidate=c,
                verification=v,
                relation=v.relation,
                name=v.name,
                requested_on=v.requested_on,
                answered_on=on - dt.timedelta(days=5),
                report="Chấp hành tốt chủ trương, chính sách, pháp luật",
                concluded_on=on,
                conclusion="Lịch sử chính trị rõ ràng",
                **self._common(),
            )
        self._later(on, 10, 40, "cell_vote", candidate)
        return True

    def do_cell_vote(self, on: dt.date, candidate: int, **_: Any) -> bool:
        c = self._file(candidate)
        if c is None:
            return False
        voters = rs.official_members(c.cell, on)
        needed = rules.votes_needed(voters)
        passes = self.prng.random() < GOES_ON["cell_vote"]
        yes = self.prng.randint(needed, voters) if passes else max(0, needed - 1)
        rs.cell_vote(candidate=c, on=on, in_favour=yes, **self._common())
        if c.status == Candidate.Status.OPEN:
            self._later(on, 5, 20, "committee_vote", candidate)
        return True

    def do_committee_vote(self, on: dt.date, candidate: int, **_: Any) -> bool:
        c = self._file(candidate)
        if c is None:
            return False
        voters = self.prng.randint(7, 15)
        rs.committee_vote(
            candidate=c,
            on=on,
            voters=voters,
            in_favour=self.prng.randint(rules.votes_needed(voters), voters),
            **self._common(),
        )
        self._later(on, 2, 8, "sent_up", candidate)
        return True

    def do_sent_up(self, on: dt.date, candidate: int, **_: Any) -> bool:
        c = self._file(candidate)
        if c is None:
            return False
        rs.proposal_received(candidate=c, on=on, **self._common())
        roll = self.prng.random()
        if roll < 0.03:
            return True  # the decision is still awaited, overdue (a work-list item)
        working = self.prng.randint(10, 55) if roll < 0.95 else self.prng.randint(62, 75)
        decided = add_working_days(on, working)
        if decided <= today():
            self._plan(decided, "decision", candidate=candidate, late=working > 60)
        return True

    def do_decision(self, on: dt.date, candidate: int, late: bool = False, **_: Any) -> bool:
        c = self._file(candidate)
        if c is None:
            return False
        if self.prng.random() < 0.02:
            rs.candidate_close(
                candidate=c,
                status=Candidate.Status.REFUSED,
                on=on,
                reason="Cấp ủy có thẩm quyền chưa đồng ý kết nạp",
                **self._common(),
            )
            return True
        member = rs.candidate_admit(
            candidate=c,
            decision=self._decision(c.cell, on),
            late_reason="Chờ bổ sung kết quả thẩm tra lý lịch" if late else "",
            source=ChangeSet.Source.SYSTEM,
            **self._common(),
        )
        self.members[member.pk] = member
        self.admitted_from_file(member, on)
        return True

    def admitted_from_file(self, member: PartyMember, on: dt.date) -> None:
        """After the decision, the ceremony as for any admission (demo.history)."""
        self.plan_ceremony(member, on)

    def do_member_form(self, on: dt.date, candidate: int, **_: Any) -> bool:
        c = self.candidates.get(candidate)
        if c is None:
            return False
        rs.member_form_record(candidate=c, on=on, **self._common())
        return True
