"""The recruitment pages: an organisation's candidates (the cell secretary's list, the
committee's and the board's), entering a candidate, the candidate's file with its next step, and
the Union's handover list imported."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from dangvu.accounts.models import Ability, AccessRecord
from dangvu.accounts.privacy import record_access
from dangvu.accounts.scope import can
from dangvu.core.calendar import Calendar
from dangvu.core.changes import get_or_create_decision
from dangvu.core.dates import today
from dangvu.core.forms import add_service_errors, submit
from dangvu.members.models import PartyMember
from dangvu.members.services import PersonInput
from dangvu.recruitment import forms, selectors, services
from dangvu.recruitment.models import Candidate
from dangvu.tree.selectors import get_org

PAGE = 50


def org_page(request: HttpRequest, code: str) -> HttpResponse:
    """The candidates of the organisation's cells: open files first — those whose decision is
    overdue, then by deadline, then by name — with what each lacks and its next step, a page of
    them at a time; closed files below."""
    org = get_org(request.user, code)
    day = today()
    candidates = selectors.candidates_of(request.user, org)
    calendar = Calendar()
    far = day.replace(year=day.year + 50)
    # Ordered over values, not records (a province has thousands of open files): the deadlines
    # of those gone up, from `decision_due`'s rule; then the page's files read.
    open_files = candidates.filter(status=Candidate.Status.OPEN)
    keys = []
    for pk, sent_up, extension in open_files.order_by("person__sort_key").values_list(
        "pk", "sent_up_on", "extension_days"
    ):
        due = (
            selectors.decision_due(
                Candidate(sent_up_on=sent_up, extension_days=extension), calendar
            )
            if sent_up
            else None
        )
        keys.append((not (due is not None and due < day), due or far, pk))
    keys.sort(key=lambda t: (t[0], t[1]))
    page = Paginator([pk for _o, _d, pk in keys], PAGE).get_page(request.GET.get("trang-mo"))
    found = open_files.prefetch_related("documents", "verifications").in_bulk(list(page))
    rows: list[dict[str, Any]] = []
    for c in (found[pk] for pk in page):
        lacking = selectors.missing(c, day) if c.cell_vote_on is None else []
        step = selectors.next_step(c, day, lacking, calendar)
        rows.append(
            {
                "candidate": c,
                "stage_label": selectors.STAGE_LABELS[selectors.stage(c)],
                "missing": lacking,
                "step": step,
                "overdue": step.due is not None and step.due < day,
            }
        )
    closed = candidates.exclude(status=Candidate.Status.OPEN).order_by("-status_on")
    return render(
        request,
        "recruitment/org.html",
        {
            "org": org,
            "rows": rows,
            "open_page": page,
            "closed": Paginator(closed, PAGE).get_page(request.GET.get("trang")),
            "may_enter": can(request.user, Ability.MANAGE_MEMBERS, org.path),
            "day": day,
        },
    )


def enter(request: HttpRequest, code: str) -> HttpResponse:
    org = get_org(request.user, code, Ability.MANAGE_MEMBERS)
    form = forms.CandidateForm(request.POST or None)

    def act(d: dict[str, Any]) -> Candidate:
        return services.candidate_enter(
            person=PersonInput.from_mapping(d),
            cell=org,
            kind=d["kind"],
            source_kind=d["source_kind"],
            introduced_by=d["introduced_by"],
            introduced_number=d["introduced_number"],
            introduced_on=d["introduced_on"],
            education_exception=d["education_exception"],
            actor=request.user,
        )

    done = submit(
        request,
        form,
        act,
        _("The candidate was entered."),
        lambda c: reverse("recruitment:file", args=[c.pk]),
    )
    return done or render(
        request,
        "recruitment/form.html",
        {"form": form, "org": org, "title": _("Enter an outstanding person")},
    )


def _candidate(request: HttpRequest, pk: int) -> Candidate:
    found = selectors.visible_candidates(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _members(candidate: Candidate) -> Any:
    """The cell's official members, for the helper and the introducers."""
    return (
        PartyMember.objects.filter(org=candidate.cell, status="official")
        .select_related("person")
        .order_by("person__sort_key")
    )


def _actions(request: HttpRequest, c: Candidate) -> dict[str, tuple[Any, Callable[..., Any]]]:
    """Each step: its form and the service it runs."""
    user = request.user

    def decision_of(d: dict[str, Any]) -> Any:
        return get_or_create_decision(
            number=d["decision_number"], date=d["decision_date"], issuer=d["decision_issuer"]
        )

    return {
        "recognise": (
            lambda data: forms.RecogniseForm(data, members=_members(c)),
            lambda d: services.candidate_recognise(
                candidate=c,
                on=d["recognised_on"],
                by=d["recognised_by"],
                helper=d["helper"],
                actor=user,
            ),
        ),
        "consent": (
            forms.ConsentForm,
            lambda d: services.over_60_consent_record(
                candidate=c, decision=decision_of(d), actor=user
            ),
        ),
        "certificate": (
            forms.CertificateForm,
            lambda d: services.certificate_record(
                candidate=c,
                course=d["course"],
                issuer=d["certificate_issuer"],
                number=d["certificate_number"],
                issued_on=d["certificate_on"],
                actor=user,
            ),
        ),
        "document": (
            lambda data: forms.DocumentForm(data, members=_members(c)),
            lambda d: services.document_record(
                candidate=c,
                kind=d["kind"],
                dated=d["dated"],
                note=d["note"],
                introducer=d["introducer"],
                worked_since=d["worked_since"],
                replacement=d["replacement"],
                actor=user,
            ),
        ),
        "verification": (
            forms.VerificationForm,
            lambda d: services.verification_record(candidate=c, actor=user, **d),
        ),
        "cell_vote": (
            forms.CellVoteForm,
            lambda d: services.cell_vote(
                candidate=c, on=d["cell_vote_on"], in_favour=d["cell_in_favour"], actor=user
            ),
        ),
        "committee_vote": (
            forms.CommitteeVoteForm,
            lambda d: services.committee_vote(
                candidate=c,
                on=d["committee_vote_on"],
                voters=d["committee_voters"],
                in_favour=d["committee_in_favour"],
                actor=user,
            ),
        ),
        "sent_up": (
            forms.SentUpForm,
            lambda d: services.proposal_received(
                candidate=c,
                on=d["sent_up_on"],
                extension_days=d["extension_days"] or 0,
                extension_reason=d["extension_reason"],
                actor=user,
            ),
        ),
        "decide": (
            forms.AdmitForm,
            lambda d: services.candidate_admit(
                candidate=c, decision=decision_of(d), late_reason=d["late_reason"], actor=user
            ),
        ),
        "close": (
            forms.CloseForm,
            lambda d: services.candidate_close(
                candidate=c,
                status=d["status"],
                on=d["status_on"],
                reason=d["status_reason"],
                actor=user,
            ),
        ),
        "member_form": (
            forms.MemberFormForm,
            lambda d: services.member_form_record(candidate=c, on=d["member_form_on"], actor=user),
        ),
    }


def file_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The candidate's file: who, where it stands, what it lacks, the papers, the verification,
    the votes; the next step's form open, the others a click away."""
    c = _candidate(request, pk)
    day = today()
    may_act = can(request.user, Ability.MANAGE_MEMBERS, c.cell.path)
    actions = _actions(request, c)
    step = selectors.next_step(c, day)
    chosen = request.POST.get("action") or request.GET.get("buoc") or step.key
    if chosen == "dossier":
        chosen = "document"
    bound: dict[str, django_forms.Form] = {}
    if request.method == "POST":
        if not may_act or chosen not in actions:
            raise Http404
        make, act = actions[chosen]
        form = make(request.POST)
        bound[chosen] = form
        if form.is_valid():
            try:
                with transaction.atomic():
                    act(form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Recorded."))
                return redirect(reverse("recruitment:file", args=[c.pk]))
    shown = {key: bound.get(key) or make(None) for key, (make, _act) in actions.items()}
    c.refresh_from_db()
    sensitive = can(request.user, Ability.VIEW_SENSITIVE, c.cell.path)
    grassroots = services.grassroots_of(c.cell, day)
    # The committee's steps are offered to whoever may take them (the service checks it too).
    committee_steps = {"committee_vote", "sent_up", "decide"}
    may_committee = can(request.user, Ability.MANAGE_MEMBERS, grassroots.path)
    step_labels = [
        (key, label)
        for key, label in selectors.STEP_LABELS
        if may_committee or key not in committee_steps
    ]
    if chosen in committee_steps and not may_committee:
        chosen = ""
    verifications = list(c.verifications.all())
    if sensitive and any(v.conclusion for v in verifications):
        # The verification's conclusions are political background: their reading is logged.
        record_access(
            request,
            request.user,
            action=AccessRecord.Action.VIEW_SENSITIVE,
            purpose=AccessRecord.Purpose.ADMISSION,
            object_type="recruitment.candidate",
            ids=[c.pk],
            org_path=c.cell.path,
            fields=["verification"],
            summary=c.person.full_name,
        )
    return render(
        request,
        "recruitment/file.html",
        {
            "c": c,
            "step": step,
            "overdue": step.due is not None and step.due < day,
            "stage_label": selectors.STAGE_LABELS[selectors.stage(c)],
            "step_labels": step_labels,
            "may_committee": may_committee,
            "committee_keys": committee_steps,
            "missing": selectors.missing(c, day) if c.status == Candidate.Status.OPEN else [],
            "documents": list(c.documents.select_related("introducer__person")),
            "verifications": verifications,
            "forms": shown,
            "chosen": chosen,
            "may_act": may_act,
            "sensitive": sensitive,
            "needed": selectors.introducers_needed(c, day),
            "grassroots": grassroots,
        },
    )
