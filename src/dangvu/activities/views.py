"""The pages of cell life, political education and dues: the secretary's month (the meeting with
its roll on one screen, the minutes, who has not paid), the committee's coverage of its cells and
its dues summary, the member's own page, the documents studied with their figures."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from dangvu.accounts import purpose as asked_why
from dangvu.accounts.models import Ability, AccessRecord
from dangvu.accounts.privacy import record_access
from dangvu.accounts.scope import can
from dangvu.activities import dues, forms, selectors, services, statement
from dangvu.activities import roll as rolls
from dangvu.activities.models import (
    Commitment,
    DuesBasis,
    DuesPayment,
    DuesRelief,
    Exemplar,
    HcmTopic,
    Meeting,
    MeetingPlan,
    Remittance,
    Reporter,
    StudyDocument,
    StudySession,
)
from dangvu.core.dates import today
from dangvu.core.forms import add_service_errors, submit
from dangvu.members.models import PartyMember
from dangvu.members.selectors import get_member
from dangvu.orgs.models import SEGMENT_WIDTH, Organisation
from dangvu.rules import activities as rules
from dangvu.rules import dues as dues_rules
from dangvu.rules import organisation as org_rules
from dangvu.tree.selectors import get_org

STATUS_LABELS = dict(rules.ATTENDANCE)
REASONS = {
    "fifty_years": _("50 years of party age"),
    dues_rules.DEFERRAL: _("Deferral (paid later)"),
    **{k: str(v) for k, v in dues_rules.RELIEF_GROUNDS},
}


def _month_asked(request: HttpRequest, default: dt.date) -> dt.date:
    return selectors.month_asked(request.GET.get("thang"), default)


def _this_month() -> dt.date:
    return today().replace(day=1)


def org_page(request: HttpRequest, code: str) -> HttpResponse:
    """A cell: the secretary's month. A committee: the coverage of its cells for a period."""
    org = get_org(request.user, code)
    if org.kind in rolls.CELL_KINDS:
        return _cell_month(request, org)
    period = request.GET.get("ky", "")
    first, last = selectors.period_asked(period, today())
    if period:
        try:
            selectors.parse_period(period)
        except ValueError:
            messages.error(
                request,
                _("The period %(period)s is not understood: write 2026-Q1, 2026-03 or 2026.")
                % {"period": period},
            )
            period = ""
    found = selectors.coverage(org, first, last)
    return render(
        request,
        "activities/coverage.html",
        {
            "org": org,
            "coverage": found,
            "period": f"{first.year}-Q{(first.month - 1) // 3 + 1}"
            if (last.month - first.month) == 2 and first.month % 3 == 1
            else period,
            "months": selectors.month_range(first, last),
        },
    )


def _cell_month(request: HttpRequest, org: Any) -> HttpResponse:
    month = _month_asked(request, _this_month())
    end = dues.last_day(month)
    meetings = list(
        Meeting.objects.filter(org=org, held_on__gte=month, held_on__lte=end).order_by("held_on")
    )
    may_write = can(request.user, Ability.MANAGE_MEMBERS, org.path)
    book = selectors.book(org, month) if may_write else []
    unpaid = [line for line in book if line["amount"] > line["paid"] and not line["deferred"]]
    plan = MeetingPlan.objects.filter(org=org, year=month.year).first()
    return render(
        request,
        "activities/cell.html",
        {
            "org": org,
            "month": month,
            "previous": dues_rules.previous_month(month),
            "next": dues_rules.next_month(month) if month < _this_month() else None,
            "meetings": meetings,
            "may_write": may_write,
            "book": book,
            "unpaid": unpaid,
            "assessed": bool(book),
            "plan": plan,
            "reasons": REASONS,
        },
    )


def _people(org: Any, day: dt.date) -> list[rolls.Line]:
    return rolls.roll_for(org, day)


def meeting_new(request: HttpRequest, code: str) -> HttpResponse:
    """The month's meeting on one screen: when and who chaired, the roll (everyone present unless
    marked), the minutes, a resolution with its votes, the criteria of HD 12."""
    org = get_org(request.user, code, Ability.MANAGE_MEMBERS)
    if org.kind not in rolls.CELL_KINDS:
        raise Http404
    day = today()
    asked = request.POST.get("held_on") or request.GET.get("ngay")
    if asked:
        try:
            day = dt.datetime.strptime(asked, "%d/%m/%Y").date()
        except ValueError:
            day = today()
    lines = _people(org, min(day, today()))
    people = [(line.member, line.name) for line in lines]
    plan = MeetingPlan.objects.filter(org=org, year=day.year).first()
    initial: dict[str, Any] = {"held_on": day, "starts": dt.time(19, 30), "ends": dt.time(21, 0)}
    if plan and plan.fixed_day and day.month == today().month and request.method != "POST":
        fixed = day.replace(day=plan.fixed_day)
        initial["held_on"] = fixed if fixed <= today() else day
    form = forms.MeetingForm(request.POST or None, initial=initial, people=people)
    roll_rows = []
    for line in lines:
        status = request.POST.get(f"st_{line.member}", line.status)
        roll_rows.append(
            {
                "line": line,
                "status": status,
                "reason": request.POST.get(f"ly_{line.member}", ""),
                "choices": [
                    (key, label)
                    for key, label in rules.ATTENDANCE
                    if key not in rules.NOT_EXPECTED or key == line.status
                ],
            }
        )

    def act(d: dict[str, Any]) -> Meeting:
        roll = {
            line.member: (
                request.POST.get(f"st_{line.member}", line.status),
                request.POST.get(f"ly_{line.member}", ""),
            )
            for line in lines
        }
        resolutions = []
        if d.get("resolution"):
            resolutions.append(
                (
                    d["resolution"],
                    d.get("in_favour") or 0,
                    d.get("against") or 0,
                    d.get("abstain") or 0,
                )
            )
        return services.meeting_record(
            org=org,
            data=services.MeetingInput(
                kind=d["kind"],
                held_on=d["held_on"],
                starts=d["starts"],
                ends=d["ends"],
                chair=d["chair"],
                minute_taker=d["minute_taker"],
                roll=roll,
                topic=d["topic"],
                superior_attendee=d["superior_attendee"],
                agenda=d["agenda"],
                documents_shared_on=d["documents_shared_on"],
                minutes=d["minutes"],
                conclusions=d["conclusions"],
                criteria={k: d[k] for k in rules.JUDGED_CRITERIA},
                resolutions=resolutions,
            ),
            actor=request.user,
        )

    if request.method == "POST" and request.POST.get("held_on") and not request.POST.get("kind"):
        form = forms.MeetingForm(initial={**initial, "held_on": day}, people=people)
    response = submit(
        request,
        form,
        act,
        _("The meeting is recorded."),
        lambda m: reverse("activities:meeting", args=[m.pk]),
    )
    if response:
        return response
    return render(
        request,
        "activities/meeting_form.html",
        {"org": org, "form": form, "roll": roll_rows, "day": day, "plan": plan},
    )


def meeting_page(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = (
        Meeting.objects.select_related("org", "chair__person", "minute_taker__person")
        .filter(pk=pk)
        .first()
    )
    if meeting is None:
        raise Http404
    org = get_org(request.user, meeting.org.code)
    roll = list(
        meeting.roll.select_related("member__person").order_by(
            "attached", "member__person__sort_key"
        )
    )
    criteria = [(label, meeting.criteria.get(key)) for key, label in rules.CRITERIA]
    return render(
        request,
        "activities/meeting.html",
        {
            "org": org,
            "meeting": meeting,
            "roll": roll,
            "resolutions": list(meeting.resolutions.all()),
            "criteria": criteria,
            "minutes_long": rules.meeting_minutes(meeting.starts, meeting.ends),
            "rate": rules.rate(meeting.present, meeting.expected),
            "scale": services.scale(),
        },
    )


def plan_page(request: HttpRequest, code: str, year: int) -> HttpResponse:
    org = get_org(request.user, code, Ability.MANAGE_MEMBERS)
    plan = MeetingPlan.objects.filter(org=org, year=year).first()
    initial: dict[str, Any] = {}
    if plan:
        initial = {
            "fixed_day": plan.fixed_day,
            "short_minutes": plan.short_minutes,
            "short_decision": plan.short_decision,
            "reported_on": plan.reported_on,
        }
        for topic in plan.topics.all():
            initial.setdefault(f"q{topic.quarter}", topic.topic)
    form = forms.PlanForm(request.POST or None, initial=initial)

    def act(d: dict[str, Any]) -> Any:
        return services.plan_record(
            org=org,
            year=year,
            fixed_day=d["fixed_day"],
            topics=[(q, d[f"q{q}"] or "", "") for q in (1, 2, 3, 4)],
            short_minutes=d["short_minutes"],
            short_decision=d["short_decision"],
            reported_on=d["reported_on"],
            actor=request.user,
        )

    response = submit(
        request,
        form,
        act,
        _("The plan is saved."),
        lambda _p: reverse("activities:org", args=[code]),
    )
    if response:
        return response
    return render(
        request,
        "activities/form.html",
        {"org": org, "form": form, "title": _("Meeting plan %(year)s") % {"year": year}},
    )


def dues_page(request: HttpRequest, code: str) -> HttpResponse:
    """A cell's book of the month, or a committee's summary of its cells; assessing the month."""
    org = get_org(request.user, code)
    month = _month_asked(request, _this_month())
    may_write = can(request.user, Ability.MANAGE_MEMBERS, org.path)
    statement_form = forms.StatementForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and may_write and request.FILES.get("file"):
        if statement_form.is_valid():
            upload = statement_form.cleaned_data["file"]
            try:
                count = statement.import_statement(
                    org=org, content=upload.read(), filename=upload.name, actor=request.user
                )
            except statement.StatementError as exc:
                for problem in exc.problems[:50]:
                    messages.error(request, problem)
            else:
                messages.success(
                    request, _("%(count)s payments of the statement recorded.") % {"count": count}
                )
        return redirect(
            reverse("activities:dues", args=[code]) + f"?thang={dues.month_label(month)}"
        )
    if request.method == "POST" and may_write and request.POST.get("form") == "remit":
        try:
            with transaction.atomic():
                sent = dues.remit(org=org, month=month, sent_on=today(), actor=request.user)
            messages.success(
                request,
                _("%(amount)s đồng sent up for %(month)s.")
                % {
                    "amount": f"{sent.amount:,}".replace(",", "."),
                    "month": dues.month_label(month),
                },
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect(
            reverse("activities:dues", args=[code]) + f"?thang={dues.month_label(month)}"
        )
    if request.method == "POST" and may_write:
        try:
            with transaction.atomic():
                done = dues.assess(org=org, month=month, actor=request.user)
            messages.success(
                request,
                _("The book of %(month)s: %(new)s lines written, %(updated)s computed again.")
                % {"month": dues.month_label(month), **done},
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect(
            reverse("activities:dues", args=[code]) + f"?thang={dues.month_label(month)}"
        )
    context: dict[str, Any] = {
        "org": org,
        "month": month,
        "may_write": may_write,
        "previous": dues_rules.previous_month(month),
        "next": dues_rules.next_month(month) if month < _this_month() else None,
        "regulation": dues_rules.regulation_for(month),
        "reasons": REASONS,
        "statement_form": statement_form,
        "remitted": Remittance.objects.filter(org=org, month=month)
        .select_related("to_org")
        .first(),
        "received": list(
            Remittance.objects.filter(to_org=org, month=month)
            .select_related("org")
            .order_by("org__name")
        ),
    }
    if org.kind in rolls.CELL_KINDS:
        if not may_write:
            raise Http404
        lines = selectors.book(org, month)
        context.update(
            {
                "lines": lines,
                "due": sum(line["amount"] for line in lines),
                "paid": sum(line["paid"] for line in lines),
            }
        )
        return render(request, "activities/book.html", context)
    context["summary"] = selectors.dues_summary(org, month)
    return render(request, "activities/dues_summary.html", context)


def _dues_member(request: HttpRequest, pk: int) -> PartyMember:
    """The member whose dues the user keeps: of the user's cells, or on temporary transfer to one
    of them (the member pays where they attend); else 404, saying nothing of the member."""
    member = PartyMember.objects.select_related("person", "org").filter(pk=pk).first()
    if member is None or not dues.may_handle(request.user, member):
        raise Http404
    return member


def payment_new(request: HttpRequest, pk: int) -> HttpResponse:
    member = _dues_member(request, pk)
    month = _month_asked(request, _this_month())
    ctx = dues.context_for([member.pk])
    due, _category = dues.due_of(member.pk, month, ctx)
    form = forms.PaymentForm(
        request.POST or None,
        initial={
            "paid_on": today(),
            "first": month,
            "amount": due.amount or None,
            "channel": "cash",
        },
    )

    def act(d: dict[str, Any]) -> DuesPayment:
        return dues.pay(
            member=member,
            paid_on=d["paid_on"],
            amount=d["amount"],
            first=d["first"],
            last=d["last"],
            channel=d["channel"],
            receipt=d["receipt"],
            actor=request.user,
        )

    response = submit(
        request,
        form,
        act,
        _("The payment is recorded."),
        lambda p: reverse("activities:receipt", args=[p.pk]),
    )
    if response:
        return response
    return render(
        request,
        "activities/form.html",
        {
            "org": member.org,
            "form": form,
            "title": _("Dues paid by %(name)s") % {"name": member.person.full_name},
            "note": _("Due for %(month)s: %(amount)s đồng")
            % {"month": dues.month_label(month), "amount": f"{due.amount:,}".replace(",", ".")},
        },
    )


def receipt_page(request: HttpRequest, pk: int) -> HttpResponse:
    payment = DuesPayment.objects.select_related("member__person", "org").filter(pk=pk).first()
    if payment is None:
        raise Http404
    own = getattr(request.user, "member_id", None) == payment.member_id
    if not (
        own
        or can(request.user, Ability.MANAGE_MEMBERS, payment.org.path)
        or dues.may_handle(request.user, payment.member)
    ):
        raise Http404
    return render(request, "activities/receipt.html", {"payment": payment, "org": payment.org})


def member_dues(request: HttpRequest, pk: int) -> HttpResponse:
    """What a member's dues are computed from (the amount is sensitive: shown with the permission),
    the exemptions and reductions decided, the year's book; the forms that record them."""
    member = _dues_member(request, pk)
    basis_form = forms.BasisForm(
        request.POST if request.POST.get("form") == "basis" else None,
        initial={"since": _this_month(), "region": "1"},
        prefix="basis",
    )
    relief_form = forms.ReliefForm(
        request.POST if request.POST.get("form") == "relief" else None,
        initial={"first": _this_month()},
        prefix="relief",
    )
    if request.method == "POST":
        form = basis_form if request.POST.get("form") == "basis" else relief_form
        if form.is_valid():
            d = form.cleaned_data
            try:
                with transaction.atomic():
                    if form is basis_form:
                        dues.basis_record(
                            member=member,
                            since=d["since"],
                            category=d["category"],
                            amount=d["amount"] or 0,
                            region=d["region"],
                            actor=request.user,
                        )
                    else:
                        dues.relief_record(
                            member=member,
                            kind=d["kind"],
                            percent=d["percent"],
                            first=d["first"],
                            last=d["last"],
                            decision=d["decision"],
                            actor=request.user,
                        )
                messages.success(request, _("Saved."))
                return redirect("activities:member_dues", pk)
            except ValidationError as exc:
                add_service_errors(form, exc)
    # The amount declared (a salary, a pension) is sensitive (accounts.privacy): a user with the
    # permission says why, and the reading is logged; others see the category and the dues only.
    purpose = asked_why.stated(request)
    may_reveal = can(request.user, Ability.VIEW_SENSITIVE, member.scope_path)
    sensitive = may_reveal and purpose.is_bound and purpose.is_valid()
    if sensitive:
        record_access(
            request,
            request.user,
            action=AccessRecord.Action.VIEW_SENSITIVE,
            purpose=purpose.cleaned_data["purpose"],
            purpose_note=purpose.cleaned_data["purpose_note"],
            object_type="members.partymember",
            ids=[member.pk],
            org_path=member.scope_path or "",
            fields=["dues_basis"],
            summary=member.person.full_name,
        )
    year = today().year
    return render(
        request,
        "activities/member_dues.html",
        {
            "member": member,
            "org": member.org,
            "bases": list(DuesBasis.objects.filter(member=member).order_by("-since")),
            "reliefs": list(DuesRelief.objects.filter(member=member).order_by("-first")),
            "payments": list(
                DuesPayment.objects.filter(
                    member=member, paid_on__year__gte=today().year - 1
                ).order_by("-paid_on", "-pk")[:24]
            ),
            "year": selectors.member_year(member.pk, year),
            "sensitive": sensitive,
            "may_reveal": may_reveal and not sensitive,
            "purpose_form": purpose,
            "basis_form": basis_form,
            "relief_form": relief_form,
            "reasons": REASONS,
            "categories": dict(dues_rules.CATEGORIES),
        },
    )


def me(request: HttpRequest) -> HttpResponse:
    """The member's own page: this year's meetings and attendance, the dues, the documents to
    study (read on a phone)."""
    member_id = getattr(request.user, "member_id", None)
    if not member_id:
        raise Http404
    member = get_member(request.user, member_id)
    year = today().year
    found = selectors.member_year(member.pk, year)
    sessions = list(
        StudySession.objects.filter(roll__member_id=member.pk)
        .select_related("document")
        .order_by("-held_on")[:20]
    )
    return render(
        request,
        "activities/me.html",
        {
            "member": member,
            "year": year,
            "found": found,
            "status_labels": STATUS_LABELS,
            "sessions": sessions,
            "reasons": REASONS,
        },
    )


def _province_name(org: Any) -> str:
    """The name of the province the organisation lies in (HD 40's quotas are by province)."""
    top = Organisation.objects.filter(path=org.path[:SEGMENT_WIDTH]).first() or org
    return top.name


def _study_forms(request: HttpRequest, org: Any, year: int) -> tuple[dict[str, Any], Any]:
    """The forms of the study page that the user may use, bound to the one posted; and the
    response when the posted one was saved."""
    may_org = can(request.user, Ability.MANAGE_ORGS, org.path)
    may_members = can(request.user, Ability.MANAGE_MEMBERS, org.path)
    posted = request.POST.get("form") if request.method == "POST" else None
    people = [
        (m.pk, m.person.full_name)
        for m in PartyMember.objects.filter(
            org__path__startswith=org.path, status__in=("official", "probationary")
        )
        .select_related("person")
        .order_by("person__sort_key")[:500]
    ]

    def bound(name: str, cls: Any, **kwargs: Any) -> Any:
        return cls(request.POST if posted == name else None, prefix=name, **kwargs)

    found: dict[str, Any] = {}
    if may_org:
        found["document"] = bound("document", forms.DocumentForm)
        found["topic"] = bound("topic", forms.TopicForm)
        found["exemplar"] = bound("exemplar", forms.ExemplarForm)
        found["reporter"] = bound(
            "reporter", forms.ReporterForm, people=people, initial={"recognised_on": today()}
        )
    if may_members and getattr(settings, "DANGVU_HCM_COMMITMENTS", True):
        found["commitment"] = bound(
            "commitment", forms.CommitmentForm, people=people, initial={"registered_on": today()}
        )
    form = found.get(posted or "")
    if form is None or not form.is_valid():
        return found, None
    d = form.cleaned_data
    try:
        with transaction.atomic():
            if posted == "document":
                document = services.document_register(
                    org=org,
                    kind=d["kind"],
                    number=d["number"],
                    title=d["title"],
                    issuer=d["issuer"],
                    level=d["level"],
                    issued_on=d["issued_on"],
                    deadlines={
                        key: d[f"deadline_{key}"]
                        for key in ("province", "commune", "grassroots")
                        if d.get(f"deadline_{key}")
                    },
                    actor=request.user,
                )
                messages.success(request, _("The document is registered."))
                return found, redirect(
                    reverse("activities:document", args=[document.pk]) + f"?don-vi={org.code}"
                )
            if posted == "topic":
                services.topic_record(org=org, year=year, title=d["title"], actor=request.user)
            elif posted == "exemplar":
                services.exemplar_record(
                    org=org,
                    year=year,
                    kind=d["kind"],
                    name=d["name"],
                    field_name=d["field_name"],
                    commendation=d["commendation"],
                    actor=request.user,
                )
            elif posted == "reporter":
                services.reporter_recognise(
                    org=org,
                    member=get_member(request.user, d["member"]),
                    level=d["level"],
                    card_number=d["card_number"],
                    recognised_on=d["recognised_on"],
                    province=_province_name(org),
                    actor=request.user,
                )
            elif posted == "commitment":
                services.commitment_record(
                    member=get_member(request.user, d["member"]),
                    year=year,
                    text=d["text"],
                    registered_on=d["registered_on"],
                    actor=request.user,
                )
    except ValidationError as exc:
        add_service_errors(form, exc)
        return found, None
    messages.success(request, _("Saved."))
    return found, redirect("activities:study", org.code)


def study_list(request: HttpRequest, code: str) -> HttpResponse:
    """The documents to study, the year's Hồ Chí Minh study (topic, commitments, exemplars) and
    the committee's reporters, with the forms that record them."""
    org = get_org(request.user, code)
    year = today().year
    found, response = _study_forms(request, org, year)
    if response:
        return response
    paths = _ancestor_paths(org.path)
    return render(
        request,
        "activities/study_list.html",
        {
            "org": org,
            "documents": list(
                StudyDocument.objects.filter(org__path__in=paths).order_by("-issued_on")
            ),
            "forms": found,
            "form": found.get("document"),
            "topic": HcmTopic.objects.filter(org__path__in=paths, year=year)
            .order_by("-org__path")
            .first(),
            "exemplars": list(Exemplar.objects.filter(org=org).order_by("-year", "name")[:50]),
            "reporters": list(
                Reporter.objects.filter(org=org, until__isnull=True).select_related(
                    "member__person"
                )
            ),
            "commitments": Commitment.objects.filter(
                year=year, member__org__path__startswith=org.path
            ).count(),
            "year": year,
        },
    )


def _ancestor_paths(path: str) -> list[str]:
    return [path[:n] for n in range(SEGMENT_WIDTH, len(path) + 1, SEGMENT_WIDTH)]


def _document_for(pk: int, org: Any) -> StudyDocument:
    """The document, if it was registered by the organisation or a committee above it (or below
    it, for the committee looking at its subordinates' own); else 404."""
    document = StudyDocument.objects.filter(pk=pk).select_related("org").first()
    if document is None or (
        document.org.path not in _ancestor_paths(org.path)
        and not document.org.path.startswith(org.path)
    ):
        raise Http404
    return document


def document_page(request: HttpRequest, pk: int) -> HttpResponse:
    found = StudyDocument.objects.filter(pk=pk).select_related("org").first()
    if found is None:
        raise Http404
    org = get_org(request.user, request.GET.get("don-vi") or found.org.code)
    document = _document_for(pk, org)
    may_write = can(request.user, Ability.MANAGE_MEMBERS, org.path)
    essay_form = None
    # Essays are entered by the cell or the grassroots and commune committees, whose members fit a
    # list (named with their year of birth: two people may share a name); not for a province.
    if may_write and org.kind not in (org_rules.PROVINCIAL, org_rules.DISTRICT, org_rules.BLOCK):
        people = [
            (m.pk, f"{m.person.full_name} ({m.person.birth_date.year})")
            for m in PartyMember.objects.filter(
                org__path__startswith=org.path, status__in=("official", "probationary")
            )
            .select_related("person")
            .order_by("person__sort_key")
        ]
        essay_form = forms.EssayForm(
            request.POST or None, people=people, initial={"submitted_on": today()}
        )

        def act(d: dict[str, Any]) -> Any:
            return services.essay_record(
                document=document,
                member=get_member(request.user, d["member"], Ability.MANAGE_MEMBERS),
                submitted_on=d["submitted_on"],
                grade=d["grade"],
                actor=request.user,
            )

        response = submit(
            request,
            essay_form,
            act,
            _("Saved."),
            lambda _e: reverse("activities:document", args=[pk]) + f"?don-vi={org.code}",
        )
        if response:
            return response
    sessions = list(
        StudySession.objects.filter(document=document, org__path__startswith=org.path)
        .select_related("org")
        .order_by("-held_on")[:200]
    )
    return render(
        request,
        "activities/document.html",
        {
            "org": org,
            "document": document,
            "figures": selectors.study_figures(document, org),
            "sessions": sessions,
            "may_write": may_write,
            "may_adopt": can(request.user, Ability.MANAGE_ORGS, org.path)
            and org.kind != org_rules.CELL,
            "levels": dict(rules.ISSUER_LEVELS),
            "essay_form": essay_form,
        },
    )


def session_new(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """A study session held by the organisation, with the roll of its members that day."""
    org = get_org(request.user, code, Ability.MANAGE_MEMBERS)
    document = _document_for(pk, org)
    # A make-up session (?bu=<session>) rolls those who missed that session.
    makeup_of = None
    if request.GET.get("bu", "").isdigit():
        makeup_of = StudySession.objects.filter(
            pk=int(request.GET["bu"]), document=document, org=org
        ).first()
        if makeup_of is None:
            raise Http404
    form = forms.SessionForm(
        request.POST or None,
        initial={"held_on": today(), "level": "grassroots", "mode": "in_person"},
    )
    found = PartyMember.objects.filter(
        org__path__startswith=org.path, status__in=("official", "probationary")
    )
    if makeup_of is not None:
        found = PartyMember.objects.filter(
            pk__in=makeup_of.roll.filter(status__in=(rules.EXCUSED, rules.UNEXCUSED)).values(
                "member_id"
            )
        )
    members = list(found.select_related("person").order_by("person__sort_key"))

    def act(d: dict[str, Any]) -> StudySession:
        roll = {m.pk: request.POST.get(f"st_{m.pk}", rules.PRESENT) for m in members}
        return services.session_record(
            document=document,
            org=org,
            level=d["level"],
            held_on=d["held_on"],
            mode=d["mode"],
            roll=roll,
            reporters=d["reporters"],
            materials=d["materials"],
            guests={k: d[k] for k in ("cadres", "union", "others")},
            makeup_of=makeup_of,
            actor=request.user,
        )

    response = submit(
        request,
        form,
        act,
        _("The session is recorded."),
        lambda _s: reverse("activities:document", args=[pk]) + f"?don-vi={code}",
    )
    if response:
        return response
    return render(
        request,
        "activities/session_form.html",
        {
            "org": org,
            "document": document,
            "form": form,
            "members": members,
            "choices": rules.STUDY_ATTENDANCE,
            "makeup_of": makeup_of,
        },
    )


def programme_new(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    org = get_org(request.user, code, Ability.MANAGE_ORGS)
    document = _document_for(pk, org)
    form = forms.ProgrammeForm(request.POST or None, initial={"adopted_on": today()})

    def act(d: dict[str, Any]) -> Any:
        return services.programme_record(
            document=document,
            org=org,
            adopted_on=d["adopted_on"],
            number=d["number"],
            actor=request.user,
        )

    response = submit(
        request,
        form,
        act,
        _("The action programme is recorded."),
        lambda _p: reverse("activities:document", args=[pk]) + f"?don-vi={code}",
    )
    if response:
        return response
    return render(
        request,
        "activities/form.html",
        {"org": org, "form": form, "title": _("Action programme: %(doc)s") % {"doc": document}},
    )
