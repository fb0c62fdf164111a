"""Cell life, political education and dues (DOMAIN-2.md §2, §3; DOMAIN.md §7, §16.7): the cells'
meeting plans and meetings with their rolls and resolutions, the documents studied with their
sessions, rolls, essays and action programmes, the Hồ Chí Minh study, the reporters, and each
member's dues month by month (the cell's book). Only activities/services.py and
activities/dues.py write these tables."""

from __future__ import annotations

import functools

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from dangvu.core.labels import choice
from dangvu.core.models import ChangeSet
from dangvu.members.models import PartyMember
from dangvu.orgs.models import Organisation
from dangvu.rules import activities as rules
from dangvu.rules import dues as dues_rules


class MeetingPlan(models.Model):
    """A cell's plan for a year: its fixed monthly day (many provinces set one), the time the
    competent committee allows a very small cell, and the thematic meetings of the year (HD 12:
    adopted by the cell and reported to the superior)."""

    org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    fixed_day = models.PositiveSmallIntegerField(_("fixed day of the month"), null=True, blank=True)
    short_minutes = models.PositiveSmallIntegerField(
        _("shorter meeting time allowed (minutes)"), null=True, blank=True
    )
    short_decision = models.CharField(_("decision allowing it"), max_length=200, blank=True)
    reported_on = models.DateField(_("reported to the superior on"), null=True, blank=True)
    changeset = models.ForeignKey(ChangeSet, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="one_plan_a_year")]

    def __str__(self) -> str:
        return f"{self.org.name} {self.year}"


class PlannedTopic(models.Model):
    plan = models.ForeignKey(MeetingPlan, on_delete=models.CASCADE, related_name="topics")
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    topic = models.CharField(_("topic"), max_length=300)
    author = models.CharField(_("drafted by"), max_length=200, blank=True)

    class Meta:
        ordering = ["quarter", "pk"]

    def __str__(self) -> str:
        return self.topic


@functools.lru_cache(maxsize=64)
def _kind_label(kind: str, language: str | None) -> str:
    """The kind's name in the language (read once: the change log names every meeting)."""
    return str(dict(rules.MEETING_KINDS).get(kind, kind))


class Meeting(models.Model):
    org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=rules.MEETING_KINDS)
    held_on = models.DateField(_("held on"))
    starts = models.TimeField(_("starts at"))
    ends = models.TimeField(_("ends at"))
    topic = models.CharField(_("topic"), max_length=300, blank=True)
    chair = models.ForeignKey(
        PartyMember, on_delete=models.PROTECT, related_name="+", verbose_name=_("chair")
    )
    minute_taker = models.ForeignKey(
        PartyMember, on_delete=models.PROTECT, related_name="+", verbose_name=_("minute-taker")
    )
    superior_attendee = models.CharField(
        _("attending for the superior"), max_length=200, blank=True
    )
    agenda = models.TextField(_("agenda"), blank=True)
    documents_shared_on = models.DateField(_("documents sent to members on"), null=True, blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    conclusions = models.TextField(_("conclusions"), blank=True)
    # HD 12's criteria 2–5 as judged (criterion 1 is computed from the roll), the points of the
    # scale in use and its grade.
    criteria = models.JSONField(default=dict, blank=True)
    points = models.PositiveSmallIntegerField(null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=32, blank=True)
    good = models.BooleanField(default=False)
    present = models.PositiveIntegerField(default=0)
    expected = models.PositiveIntegerField(default=0)
    changeset = models.ForeignKey(ChangeSet, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["held_on", "pk"]
        indexes = [
            models.Index(fields=["org", "held_on"], name="meeting_org_day"),
            models.Index(fields=["held_on"], name="meeting_day"),
        ]

    def __str__(self) -> str:
        return f"{_kind_label(self.kind, get_language())} {self.held_on:%d/%m/%Y}"


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="roll")
    member = models.ForeignKey(PartyMember, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("attendance"), max_length=16, choices=rules.ATTENDANCE)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    official = models.BooleanField(default=True)
    suspended = models.BooleanField(default=False)
    attached = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="one_roll_line")]
        indexes = [models.Index(fields=["member", "meeting"], name="attendance_member")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.status}"


class MeetingResolution(models.Model):
    """A conclusion or resolution voted at the meeting (Điều lệ Điều 9 khoản 5)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="resolutions")
    text = models.TextField(_("resolution"))
    in_favour = models.PositiveSmallIntegerField(_("in favour"))
    against = models.PositiveSmallIntegerField(_("against"), default=0)
    abstain = models.PositiveSmallIntegerField(_("abstaining"), default=0)
    base = models.PositiveSmallIntegerField()
    passed = models.BooleanField()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text[:80]


# Political education (DOMAIN-2.md §3).


class StudyDocument(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=rules.DOCUMENT_KINDS)
    number = models.CharField(_("number"), max_length=64)
    title = models.CharField(_("title"), max_length=400)
    issuer = models.CharField(_("issued by"), max_length=200)
    level = models.CharField(_("level"), max_length=16, choices=rules.ISSUER_LEVELS)
    issued_on = models.DateField(_("issued on"))
    # The study's deadline per level, e.g. {"province": "2026-04-30", "commune": "2026-06-30"}.
    deadlines = models.JSONField(default=dict, blank=True)
    # The organisation that entered it: a committee's own document is seen in its subtree.
    org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    changeset = models.ForeignKey(ChangeSet, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-issued_on", "pk"]

    def __str__(self) -> str:
        return f"{choice(self, 'kind')} {self.number}"


class StudySession(models.Model):
    document = models.ForeignKey(StudyDocument, on_delete=models.PROTECT, related_name="sessions")
    org = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organiser")
    )
    level = models.CharField(_("level"), max_length=16, choices=rules.ISSUER_LEVELS)
    held_on = models.DateField(_("held on"))
    mode = models.CharField(_("mode"), max_length=16, choices=rules.STUDY_MODES)
    reporters = models.CharField(_("reporters"), max_length=400, blank=True)
    materials = models.CharField(_("materials"), max_length=400, blank=True)
    makeup_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="makeups"
    )
    guests = models.JSONField(default=dict, blank=True)  # non-members by category
    changeset = models.ForeignKey(ChangeSet, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["held_on", "pk"]
        indexes = [models.Index(fields=["document", "org"], name="session_doc_org")]

    def __str__(self) -> str:
        return f"{self.document} {self.held_on:%d/%m/%Y}"


class StudyAttendance(models.Model):
    session = models.ForeignKey(StudySession, on_delete=models.CASCADE, related_name="roll")
    member = models.ForeignKey(PartyMember, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("attendance"), max_length=16, choices=rules.STUDY_ATTENDANCE)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "member"], name="one_study_roll_line")
        ]
        indexes = [models.Index(fields=["member"], name="study_member")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.status}"


class Essay(models.Model):
    document = models.ForeignKey(StudyDocument, on_delete=models.PROTECT, related_name="essays")
    member = models.ForeignKey(PartyMember, on_delete=models.PROTECT, related_name="+")
    submitted_on = models.DateField(_("submitted on"))
    grade = models.CharField(_("grade"), max_length=16, choices=rules.ESSAY_GRADES, blank=True)
    changeset = models.ForeignKey(ChangeSet, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["document", "member"], name="one_essay")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.document_id}"


class ActionProgramme(models.Model):
    document = models.ForeignKey(StudyDocument, on_delete=models.PROTECT, related_name="programmes")
    org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    adopted_on = models.DateField(_("adopted on"))
    number = models.CharField(_("number"), max_length=64, blank=True)
    changeset = models.ForeignKey(ChangeSet, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["document", "org"], name="one_programme")]

    def __str__(self) -> str:
        return f"{self.org_id} {self.document_id}"


class HcmTopic(models.Model):
    """The year's topic of the Hồ Chí Minh study (KL 01-KL/TW) set by a committee."""

    org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("topic"), max_length=400)
    changeset = models.ForeignKey(ChangeSet, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="one_topic_a_year")]

    def __str__(self) -> str:
        return self.title


class Commitment(models.Model):
    member = models.ForeignKey(PartyMember, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    text = models.TextField(_("commitment"))
    registered_on = models.DateField(_("registered on"))
    changeset = models.ForeignKey(ChangeSet, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="one_commitment_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.year}"


class Exemplar(models.Model):
    """An exemplary collective or person of the Hồ Chí Minh study, recognised at a level."""

    org = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("recognised by")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=16, choices=rules.EXEMPLAR_KINDS)
    name = models.CharField(_("name"), max_length=200)
    field = models.CharField(_("field"), max_length=200, blank=True)
    commendation = models.CharField(_("commendation"), max_length=200, blank=True)
    changeset = models.ForeignKey(ChangeSet, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return self.name


class Reporter(models.Model):
    """A reporter (báo cáo viên) recognised by a committee, with the card (HD 40)."""

    member = models.ForeignKey(PartyMember, on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("recognised by")
    )
    level = models.CharField(_("level"), max_length=16, choices=rules.REPORTER_LEVELS)
    card_number = models.CharField(_("card number"), max_length=32)
    recognised_on = models.DateField(_("recognised on"))
    until = models.DateField(_("until"), null=True, blank=True)
    changeset = models.ForeignKey(ChangeSet, on_delete=models.PROTECT, related_name="+")

    # Dues (DOMAIN.md §7, §16.7).

    def __str__(self) -> str:
        return f"{self.member_id} {self.card_number}"


class DuesBasis(models.Model):
    """What a member's due is computed from, from a month on: the category and the amount
    declared (the insured salary, the benefit or the pension) — sensitive personal data."""

    member = models.ForeignKey(PartyMember, on_delete=models.PROTECT, related_name="+")
    since = models.DateField(_("from the month"))
    category = models.CharField(_("category"), max_length=16, choices=dues_rules.CATEGORIES)
    amount = models.PositiveBigIntegerField(_("amount declared (đồng)"), default=0)
    region = models.CharField(_("region"), max_length=1, choices=dues_rules.REGIONS, default="1")
    changeset = models.ForeignKey(ChangeSet, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["since", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["member", "since"], name="one_basis_a_month")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.category} {self.since:%m/%Y}"


class DuesRelief(models.Model):
    """An exemption, reduction or deferral decided for a member (01-QĐ/TW)."""

    member = models.ForeignKey(PartyMember, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("ground"), max_length=20)
    percent = models.PositiveSmallIntegerField(_("reduction (%)"))
    first = models.DateField(_("from the month"))
    last = models.DateField(_("to the month"), null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=200)
    changeset = models.ForeignKey(ChangeSet, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["first", "pk"]

    def __str__(self) -> str:
        return f"{self.member_id} {self.kind} {self.first:%m/%Y}"


class DuesLine(models.Model):
    """A line of the cell's book (sổ thu nộp đảng phí): a member's due for a month, as the rules
    made it, and what was paid for it."""

    member = models.ForeignKey(PartyMember, on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"))
    org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    regulation = models.CharField(max_length=16)
    category = models.CharField(max_length=16, blank=True)
    standard = models.PositiveIntegerField(default=0)
    amount = models.PositiveIntegerField(_("due"), default=0)
    reason = models.CharField(max_length=20, blank=True)
    percent = models.PositiveSmallIntegerField(default=0)
    deferred = models.BooleanField(default=False)
    paid = models.PositiveIntegerField(_("paid"), default=0)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    channel = models.CharField(_("paid through"), max_length=8, blank=True)

    class Meta:
        ordering = ["month", "pk"]
        constraints = [models.UniqueConstraint(fields=["member", "month"], name="one_dues_line")]
        indexes = [
            models.Index(fields=["org", "month"], name="dues_org_month"),
            models.Index(fields=["month", "org"], name="dues_month_org"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.month:%m/%Y} {self.paid}/{self.amount}"


CHANNELS = (("cash", _("Cash to the cell")), ("portal", _("National public service portal")))


class DuesPayment(models.Model):
    """One payment, for one or more months (a prepayment covers the months ahead); its receipt."""

    member = models.ForeignKey(PartyMember, on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    paid_on = models.DateField(_("paid on"))
    amount = models.PositiveIntegerField(_("amount (đồng)"))
    first = models.DateField(_("from the month"))
    last = models.DateField(_("to the month"))
    channel = models.CharField(_("paid through"), max_length=8, choices=CHANNELS)
    receipt = models.CharField(_("receipt or transaction number"), max_length=64)
    voluntary = models.PositiveIntegerField(default=0)  # paid above the dues, of the member's will
    changeset = models.ForeignKey(ChangeSet, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["paid_on", "pk"]
        indexes = [models.Index(fields=["org", "paid_on"], name="payment_org_day")]
        constraints = [
            # A portal transaction is recorded once (a statement imported twice pays nothing twice).
            models.UniqueConstraint(
                fields=["receipt"],
                condition=models.Q(channel="portal"),
                name="one_portal_transaction",
            )
        ]

    def __str__(self) -> str:
        return f"{self.receipt} {self.amount}"


class Remittance(models.Model):
    """Dues sent up a level for a month (the shares kept are dated configuration, UNCONFIRMED)."""

    org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    to_org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"))
    amount = models.PositiveBigIntegerField(_("amount (đồng)"))
    sent_on = models.DateField(_("sent on"))
    changeset = models.ForeignKey(ChangeSet, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["org", "month"], name="one_remittance_a_month")
        ]

    def __str__(self) -> str:
        return f"{self.org_id} {self.month:%m/%Y} {self.amount}"
