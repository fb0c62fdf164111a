"""The demo's inspection and supervision (issue 27 point 9; DOMAIN-2.md §1), written through
inspection.services as a user's would be:

- every expulsion, and most warnings, removals from post and a third of the reprimands, are the
  end of a case on signs of violation opened by the inspection committee above the member's cell
  (the district until 6/2025, the commune after) about seven weeks before: decision and plan,
  notice, explanation, verification, the meeting, the conclusion, then the discipline decision
  through the case (the history's own discipline, unchanged);
- each January the inspection committees of the province and of the superior committees adopt
  their programme: the inspection of the inspection tasks of a grassroots committee, of its dues,
  a thematic supervision of a committee member; most items are carried out in their month and
  concluded the month after; a case opened on signs of violation is added to its committee's
  programme as an unplanned item;
- a few denunciations a year to the grassroots and superior inspection committees: resolved
  within their deadline (founded, partly, unfounded) and the denouncer notified; some anonymous,
  repeated or without content and not resolved; in 05–06/2025, before the grassroots congresses,
  some received within the 25 working days and passed to the new committee;
- two complaints against warnings: one upheld, one reduced to a reprimand.

A generator of its own: the other draws of the demo do not change.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from dangvu.congress.models import Congress
from dangvu.core.dates import add_months
from dangvu.core.models import ChangeSet, Decision
from dangvu.discipline.models import DisciplineDecision
from dangvu.inspection import services
from dangvu.inspection.models import Case, Complaint, Denunciation, Item, Programme
from dangvu.members.models import MembershipPeriod, PartyMember
from dangvu.orgs.models import SEGMENT_WIDTH, Organisation, Placement, valid_on
from dangvu.rules import discipline as penalties
from dangvu.rules import inspection as rules
from dangvu.rules import organisation as org_rules

SYSTEM = ChangeSet.Source.SYSTEM
SUPERIOR_KINDS = (org_rules.DISTRICT, org_rules.COMMUNE_SUPERIOR, org_rules.BLOCK)
# The share of each form of discipline that follows a case (an expulsion always does).
CASE_SHARE = {
    penalties.EXPULSION: 1.0,
    penalties.DISMISSAL: 0.9,
    penalties.WARNING: 0.8,
    penalties.REPRIMAND: 0.35,
}
CONTENT_WEIGHTS = (
    ("prohibitions", 5),
    ("ethics", 4),
    ("negligence", 3),
    ("land", 2),
    ("finance", 2),
    ("democracy", 1),
    ("unity", 1),
    ("corruption", 1),
    ("population", 1),
    ("other", 1),
)
DENUNCIATIONS_A_YEAR = 6
COMPLAINTS_FROM = 2023  # the first two reprimands or warnings from then are complained of


class Inspection:
    """Mixed into demo.history.History: `inspection_month(month, horizon)` runs the month;
    `case_before_discipline(...)` opens and concludes the case a discipline decision ends."""

    builder: Any
    members: dict[int, PartyMember]

    def inspection_init(self) -> None:
        self.irng = random.Random(f"inspection-{self.builder.seed}")
        self.inspection_serial = 0
        # (due day, what, case or record pk): steps of the programmes' cases and outcomes to come
        self.inspection_due: list[tuple[dt.date, str, int]] = []
        self.complained: set[int] = set()

    # --- helpers -----------------------------------------------------------------------------
    def _idecision(self, on: dt.date, org: Organisation, summary: str) -> Decision:
        self.inspection_serial += 1
        return Decision.objects.create(
            number=f"{self.inspection_serial}-QĐ/UBKT",
            date=on,
            issuer=f"Ủy ban Kiểm tra {org.name.replace('Đảng bộ ', 'Đảng ủy ')}",
            summary=summary,
        )

    @staticmethod
    def _superior_on(member: PartyMember, day: dt.date) -> Organisation | None:
        """The committee with an inspection committee above the member's cell as the tree stood
        on the day (the district before the reform, the commune after)."""
        period = MembershipPeriod.objects.filter(
            valid_on(day), member=member, temporary=False
        ).first()
        if period is None:
            return None
        place = Placement.objects.filter(valid_on(day), org_id=period.org_id).first()
        if place is None:
            return None
        path = place.path
        prefixes = [path[:n] for n in range(len(path) - SEGMENT_WIDTH, 0, -SEGMENT_WIDTH)]
        above = (
            Placement.objects.filter(
                valid_on(day), path__in=prefixes, kind__in=(*SUPERIOR_KINDS, org_rules.PROVINCIAL)
            )
            .select_related("org")
            .order_by("-path")
            .first()
        )
        return above.org if above is not None else None

    def _content(self) -> str:
        keys, weights = zip(*CONTENT_WEIGHTS, strict=True)
        return self.irng.choices(keys, weights=weights, k=1)[0]

    def _programme_of(self, org: Organisation, year: int) -> Programme | None:
        return Programme.objects.filter(org=org, body=rules.INSPECTION, year=year).first()

    # --- cases before discipline ---------------------------------------------------------------
    def case_before_discipline(
        self, member: PartyMember, decided: dt.date, form: str
    ) -> Case | None:
        """The case on signs of violation that leads to this discipline (when the form's share
        says so), concluded before the decision; None when the discipline stands alone."""
        if self.irng.random() >= CASE_SHARE.get(form, 0.0) or member.org is None:
            return None
        opened = decided - dt.timedelta(days=self.irng.randint(42, 60))
        subject = self._superior_on(member, opened)
        if subject is None:
            return None
        try:
            with transaction.atomic():  # all of the case, or none of it
                return self._signs_case(member, subject, opened, form)
        except ValidationError:
            return None

    def _signs_case(
        self, member: PartyMember, subject: Organisation, opened: dt.date, form: str
    ) -> Case:
        content = self._content()
        case = services.case_open(
            org=subject,
            body=rules.INSPECTION,
            kind=rules.SIGNS,
            content=content,
            summary=f"Dấu hiệu vi phạm: {rules.CONTENT_LABELS[content]} (dữ liệu mẫu)",
            plan="Đoàn kiểm tra làm việc trực tiếp với đảng viên và chi bộ (dữ liệu mẫu)",
            decision=self._idecision(opened, subject, "Kiểm tra khi có dấu hiệu vi phạm"),
            opened_on=opened,
            object_member=member,
            actor=None,
            source=SYSTEM,
        )
        programme = self._programme_of(subject, opened.year)
        if programme is not None:
            # Added to the programme, if the member was in the committee's area then.
            with contextlib.suppress(ValidationError):
                services.item_record(
                    programme=programme,
                    kind=rules.SIGNS,
                    object_member=member,
                    content=case.summary,
                    month=opened.month,
                    planned=False,
                    actor=None,
                    source=SYSTEM,
                )
        for step, days in (
            (rules.NOTICE, 3),
            (rules.SELF_REPORT, 10),
            (rules.VERIFICATION, 18),
            (rules.HEARING, 26),
        ):
            services.step_record(
                case=case, step=step, on=opened + dt.timedelta(days=days), actor=None, source=SYSTEM
            )
        degree = rules.VERY_SERIOUS if form == penalties.EXPULSION else rules.SERIOUS
        services.case_conclude(
            case=case,
            on=opened + dt.timedelta(days=32),
            degree=degree,
            conclusion="Đảng viên vi phạm đến mức phải xem xét, thi hành kỷ luật (dữ liệu mẫu)",
            discipline_form=form,
            actor=None,
            source=SYSTEM,
        )
        return case

    # --- the month ---------------------------------------------------------------------------
    def inspection_month(self, month: dt.date, horizon: dt.date) -> None:
        if month.month == 1:
            self.inspection_programmes(month.year, horizon)
        self.inspection_items(month, horizon)
        self.inspection_denunciations(month, horizon)
        if month.year >= COMPLAINTS_FROM and len(self.complained) < 2:
            self.inspection_complaint(month, horizon)
        due = sorted(d for d in self.inspection_due if d[0] <= horizon)
        self.inspection_due = [d for d in self.inspection_due if d[0] > horizon]
        for day, what, pk in due:
            getattr(self, f"_due_{what}")(day, pk)

    def _superiors_now(self, day: dt.date) -> list[Organisation]:
        ids = Placement.objects.filter(
            valid_on(day), kind__in=(*SUPERIOR_KINDS, org_rules.PROVINCIAL)
        ).values("org_id")
        return list(Organisation.objects.filter(pk__in=ids).order_by("path"))

    def _below(self, org: Organisation, kinds: tuple[str, ...], day: dt.date) -> list[Organisation]:
        ids = Placement.objects.filter(
            valid_on(day), kind__in=kinds, path__startswith=org.path
        ).values("org_id")
        return list(Organisation.objects.filter(pk__in=ids).exclude(pk=org.pk).order_by("path"))

    def inspection_programmes(self, year: int, horizon: dt.date) -> None:
        rng = self.irng
        adopted = dt.date(year, 1, rng.randint(5, 20))
        if adopted > horizon:
            return
        for org in self._superiors_now(adopted):
            programme = services.programme_record(
                org=org,
                body=rules.INSPECTION,
                year=year,
                number=f"{rng.randint(1, 9):02d}-CTr/UBKT",
                adopted_on=adopted,
                actor=None,
                source=SYSTEM,
            )
            lower = self._below(
                org, (org_rules.GRASSROOTS_COMMITTEE, org_rules.COMMUNE_SUPERIOR), adopted
            ) or self._below(org, (org_rules.CELL, org_rules.GRASSROOTS_CELL), adopted)
            if not lower:
                continue
            plan = [
                (rules.DUTY, "Việc thực hiện nhiệm vụ kiểm tra, giám sát và thi hành kỷ luật", 4),
                (rules.FINANCE_DUES, "Việc thu, nộp, quản lý và sử dụng đảng phí", 8),
            ]
            for kind, content, month in plan:
                self._item(
                    programme=programme,
                    kind=kind,
                    object_org=rng.choice(lower),
                    content=content,
                    month=month,
                    actor=None,
                    source=SYSTEM,
                )
            people = [
                m
                for m in self.members.values()
                if m.status == "official"
                and m.org is not None
                and (m.org.path or "").startswith(org.path or "-")
            ]
            if people:
                self._item(
                    programme=programme,
                    kind=rules.SUPERVISION_THEMATIC,
                    object_member=rng.choice(people),
                    committee_member=True,
                    content="Việc thực hiện quy định về những điều đảng viên không được làm",
                    month=6,
                    actor=None,
                    source=SYSTEM,
                )

    @staticmethod
    def _item(**kwargs: Any) -> None:
        """A programme's item; skipped when the rules refuse it (a member moved meanwhile)."""
        with contextlib.suppress(ValidationError):
            services.item_record(**kwargs)

    def inspection_items(self, month: dt.date, horizon: dt.date) -> None:
        """The planned items of the month carried out (most of them): opened in the month,
        concluded the month after."""
        rng = self.irng
        for item in Item.objects.filter(
            programme__year=month.year, month=month.month, planned=True, cases__isnull=True
        ).select_related("programme__org", "object_org", "object_member"):
            if rng.random() < 0.15:
                continue  # not carried out: the programme's progress shows it
            opened = month + dt.timedelta(days=rng.randint(2, 20))
            if opened + dt.timedelta(days=2) > horizon:
                continue  # the notice two days later would be in the future
            if not Placement.objects.filter(valid_on(opened), org=item.programme.org).exists():
                continue  # the committee ended with the reform before its item's month
            member = item.object_member
            if member is not None:
                member.refresh_from_db()
                if member.status not in ("official", "probationary"):
                    continue
            try:
                case = services.case_open(
                    org=item.programme.org,
                    body=item.programme.body,
                    kind=item.kind,
                    content="finance" if item.kind in rules.FINANCE else "democracy",
                    summary=item.content,
                    decision=self._idecision(opened, item.programme.org, item.content),
                    opened_on=opened,
                    object_org=item.object_org,
                    object_member=member,
                    committee_member=item.committee_member,
                    item=item,
                    actor=None,
                    source=SYSTEM,
                )
            except ValidationError:
                continue  # the object moved out of the committee's subtree (the reform)
            services.step_record(
                case=case,
                step=rules.NOTICE,
                on=opened + dt.timedelta(days=2),
                actor=None,
                source=SYSTEM,
            )
            self.inspection_due.append(
                (opened + dt.timedelta(days=rng.randint(25, 45)), "conclude", case.pk)
            )

    def _due_conclude(self, day: dt.date, pk: int) -> None:
        with contextlib.suppress(ValidationError), transaction.atomic():
            self._conclude(day, pk)

    def _conclude(self, day: dt.date, pk: int) -> None:
        case = Case.objects.select_related("org").get(pk=pk)
        rng = self.irng
        if case.kind not in rules.SUPERVISIONS:
            for step, back in ((rules.SELF_REPORT, 12), (rules.HEARING, 4)):
                services.step_record(
                    case=case,
                    step=step,
                    on=day - dt.timedelta(days=back),
                    actor=None,
                    source=SYSTEM,
                )
        degree = rng.choices(
            (rules.NONE, rules.SHORTCOMING, rules.NOT_SERIOUS), weights=(5, 4, 1), k=1
        )[0]
        services.case_conclude(
            case=case,
            on=day,
            degree=degree,
            conclusion=str(rules.DEGREE_LABELS[degree]) + " (dữ liệu mẫu)",
            actor=None,
            source=SYSTEM,
        )

    def inspection_denunciations(self, month: dt.date, horizon: dt.date) -> None:
        rng = self.irng
        expected = DENUNCIATIONS_A_YEAR * max(getattr(self, "scale", 1.0), 0.2) / 12
        count = int(expected) + (1 if rng.random() < expected - int(expected) else 0)
        congress_days: list[tuple[Organisation, dt.date]] = []
        if (month.year, month.month) in ((2025, 5), (2025, 6)):
            congress_days = [
                (c.org, c.opens_on)
                for c in Congress.objects.filter(
                    opens_on__year=2025,
                    opens_on__month=month.month,
                    org__kind=org_rules.GRASSROOTS_COMMITTEE,
                ).select_related("org")[:2]
            ]
        for org, opens in congress_days:
            self._denunciation(org, opens - dt.timedelta(days=rng.randint(8, 15)), horizon, 0)
        superiors = self._superiors_now(horizon)
        for _n in range(count):
            if not superiors:
                return
            org = rng.choice(superiors)
            received = month + dt.timedelta(days=rng.randint(0, 27))
            self._denunciation(org, received, horizon, rng.random())

    def _denunciation(
        self, org: Organisation, received: dt.date, horizon: dt.date, draw: float
    ) -> None:
        rng = self.irng
        if received > horizon:
            return
        people = [
            m
            for m in self.members.values()
            if m.status in ("official", "probationary")
            and m.org is not None
            and (m.org.path or "").startswith(org.path or "-")
        ]
        if not people:
            return
        if draw < 0.55:
            petition = rules.Petition(named=True, concrete=True)
        elif draw < 0.75:
            petition = rules.Petition(named=False, concrete=True)
        elif draw < 0.85:
            petition = rules.Petition(named=True, concrete=True, concluded_before=True)
        elif draw < 0.95:
            petition = rules.Petition(named=True, concrete=False)
        else:
            petition = rules.Petition(named=True, concrete=True, withdrawn=True)
        content = self._content()
        try:
            record = self._receive(org, received, petition, content, rng.choice(people))
        except ValidationError:
            return  # the member had moved out of the committee's area on that day
        if record.due_on is not None:
            resolved = received + dt.timedelta(days=rng.randint(30, 100))
            self.inspection_due.append((min(resolved, record.due_on), "resolve", record.pk))

    def _receive(
        self, org: Organisation, received: dt.date, petition: Any, content: str, member: Any
    ) -> Any:
        rng = self.irng
        return services.denunciation_receive(
            org=org,
            body=rules.INSPECTION,
            received_on=received,
            content=f"Tố cáo về {rules.CONTENT_LABELS[content].lower()} (dữ liệu mẫu)",
            category=content,
            petition=petition,
            denouncer=f"Công dân {rng.randint(100, 999)}" if petition.named else "",
            denouncer_address="Thôn, xã trong tỉnh (dữ liệu mẫu)" if petition.named else "",
            against_member=member,
            actor=None,
            source=SYSTEM,
        )

    def _due_resolve(self, day: dt.date, pk: int) -> None:
        with contextlib.suppress(ValidationError), transaction.atomic():
            self._resolve(day, pk)

    def _resolve(self, day: dt.date, pk: int) -> None:
        record = Denunciation.objects.select_related("org").get(pk=pk)
        founded = self.irng.choices(
            (services.FOUNDED, services.PARTLY, services.UNFOUNDED), weights=(2, 3, 5), k=1
        )[0]
        services.denunciation_resolve(
            denunciation=record,
            founded=founded,
            resolved_on=day,
            notified_on=day + dt.timedelta(days=3)
            if day + dt.timedelta(days=3) <= dt.date.today()
            else None,
            actor=None,
            source=SYSTEM,
        )

    def inspection_complaint(self, month: dt.date, horizon: dt.date) -> None:
        """A reprimand or warning of the two months before, complained of within the month to the
        province: the first is upheld, the second reduced (a warning) or annulled (a reprimand)."""
        from dangvu.demo.province import PROVINCE_CODE

        province = Organisation.objects.filter(code=PROVINCE_CODE).first()
        if province is None:
            return
        start = add_months(month, -2)
        record = (
            DisciplineDecision.objects.filter(
                form__in=(penalties.REPRIMAND, penalties.WARNING),
                member__org__path__startswith=province.path,
                announced_on__gte=start,
                announced_on__lt=month,
            )
            .exclude(pk__in=self.complained)
            .order_by("announced_on", "pk")
            .first()
        )
        if record is None:
            return
        received = record.announced_on + dt.timedelta(days=2)
        filed = received + dt.timedelta(days=12)
        if filed > horizon:
            return
        case = Case.objects.filter(discipline=record).select_related("org").first()
        deciding = (
            rules.complaint_level_of(case.org.kind) if case is not None else rules.LEVEL_GRASSROOTS
        )
        try:
            complaint = services.complaint_file(
                discipline=record,
                org=province,
                level=rules.LEVEL_PROVINCE,
                deciding_level=deciding,
                received_decision_on=received,
                filed_on=filed,
                content="Đề nghị xem xét lại hình thức kỷ luật (dữ liệu mẫu)",
                actor=None,
                source=SYSTEM,
            )
        except ValidationError:
            return
        self.complained.add(record.pk)
        self.inspection_due.append((filed + dt.timedelta(days=40), "complaint", complaint.pk))

    def _due_complaint(self, day: dt.date, pk: int) -> None:
        complaint = Complaint.objects.select_related("org", "discipline").get(pk=pk)
        first = not Complaint.objects.exclude(outcome="").exists()
        changed = (
            rules.REDUCED if complaint.discipline.form == penalties.WARNING else rules.ANNULLED
        )
        for outcome in (rules.UPHELD,) if first else (changed, rules.UPHELD):
            try:
                services.complaint_resolve(
                    complaint=complaint,
                    outcome=outcome,
                    new_form=penalties.REPRIMAND if outcome == rules.REDUCED else "",
                    resolved_on=day,
                    decision=self._idecision(day, complaint.org, "Giải quyết khiếu nại kỷ luật"),
                    deciding_body="Ban Thường vụ Tỉnh ủy",
                    actor=None,
                    source=SYSTEM,
                )
                return
            except ValidationError:
                continue  # the member left meanwhile: the decision is upheld
