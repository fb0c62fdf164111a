"""The inspection pages (issue 27): an organisation's inspection desk (its inspection committee,
programmes, cases, denunciations, complaints, what is late), a case from decision to discipline,
a denunciation, a complaint, the figures of a period with the records behind each.

Every page answers 404 unless the user holds the inspection role over the organisation (or is
named on the case); every read is written to the access log (purpose: inspection)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from dangvu.accounts.models import Ability, AccessRecord, RoleGrant
from dangvu.accounts.privacy import record_access
from dangvu.accounts.scope import scope_for
from dangvu.congress.selectors import committee_on
from dangvu.core.changes import get_or_create_decision
from dangvu.core.dates import format_date, today
from dangvu.core.forms import day_asked, submit
from dangvu.discipline.models import DisciplineDecision, Penalty
from dangvu.inspection import access, forms, selectors, services, statforms, worklists
from dangvu.inspection.models import Case, Complaint, Denunciation, Item, Programme, StateNotice
from dangvu.members.models import PartyMember
from dangvu.orgs.models import Organisation, valid_on
from dangvu.orgs.pickers import matches
from dangvu.rules import congress as congress_rules
from dangvu.rules import discipline as penalties
from dangvu.rules import inspection as rules
from dangvu.rules import organisation as org_rules
from dangvu.tree.selectors import get_org, placement_of


def _log(request: HttpRequest, object_type: str, ids: list[Any], path: str, summary: str) -> None:
    record_access(
        request,
        request.user,
        action=AccessRecord.Action.INSPECTION_READ,
        purpose=AccessRecord.Purpose.INSPECTION,
        object_type=object_type,
        ids=ids,
        org_path=path,
        summary=summary,
    )


def _inspected_org(request: HttpRequest, code: str) -> Organisation:
    """The organisation whose inspection work the user does: 404 otherwise, the same answer as
    for an organisation that does not exist."""
    org = get_org(request.user, code)
    if not access.may_inspect(request.user, org.path):
        raise Http404
    return org


def index(request: HttpRequest) -> HttpResponse:
    """The inspection desk of the first organisation the user inspects today (the predecessors a
    grant also covers come after the organisations that exist)."""
    scope = scope_for(request.user, Ability.INSPECT)
    roots = Organisation.objects.filter(path__in=scope.paths) if scope.paths else []
    ordered = sorted(roots, key=lambda o: (o.dissolved_on is not None, o.path))
    if not ordered:
        raise Http404
    return redirect("inspection:org", code=ordered[0].code)


def _people(org: Organisation) -> list[tuple[int, str]]:
    """The members of the organisation's subtree, named with their year of birth (two people may
    share a name): for a cell or a commune; a province picks the cell first (?doi-tuong=)."""
    if org.kind in (org_rules.PROVINCIAL, org_rules.DISTRICT, org_rules.BLOCK):
        return []
    return [
        (m.pk, f"{m.person.full_name} ({m.person.birth_date.year})")
        for m in PartyMember.objects.filter(
            org__path__startswith=org.path, status__in=("official", "probationary")
        )
        .select_related("person")
        .order_by("person__sort_key")
    ]


def _key(value: str | None) -> int | None:
    """A record's number from a query parameter: ASCII digits of a sane length, else None."""
    return int(value) if value and re.fullmatch(r"[0-9]{1,12}", value) else None


def _year_asked(request: HttpRequest, day: dt.date) -> int:
    text = (request.GET.get("nam") or "").strip()
    if not text:
        return day.year
    if re.fullmatch(r"[0-9]{4}", text) and 1930 <= int(text) <= day.year + 1:
        return int(text)
    messages.error(
        request,
        _("The year %(year)s is not understood: showing %(now)s.")
        % {"year": text[:12], "now": day.year},
    )
    return day.year


def _object_org(request: HttpRequest, org: Organisation) -> Organisation:
    """The organisation the object is chosen in (?doi-tuong=): its name (or a unique part of it)
    or its code, below `org`; `org` itself when none is asked. A name not found, or found more
    than once, says so and keeps `org`."""
    asked = (request.GET.get("doi-tuong") or "").strip()
    if not asked or asked in (org.name, org.code):
        return org
    below = Organisation.objects.filter(
        path__startswith=org.path or "-", dissolved_on__isnull=True
    ).exclude(pk=org.pk)
    found = list(below.filter(code=asked)[:1]) or matches(below, asked)[:2]
    if len(found) == 1:
        return found[0]
    if not found:
        messages.error(
            request,
            _("No organisation below %(org)s is called “%(name)s”.")
            % {"org": org.name, "name": asked[:80]},
        )
    else:
        several = matches(below, asked)
        messages.error(
            request,
            _("Several organisations below %(org)s match “%(name)s”: %(names)s. Type one of them.")
            % {"org": org.name, "name": asked[:80], "names": "; ".join(o.name for o in several)},
        )
    return org


def _object(value: str, within: Organisation) -> tuple[Organisation | None, PartyMember | None]:
    if value == forms.ORG_ITSELF:
        return within, None
    member = PartyMember.objects.filter(pk=int(value), org__path__startswith=within.path).first()
    if member is None:
        raise Http404
    return None, member


def _form_page(
    request: HttpRequest,
    org: Organisation,
    form: Any,
    act: Any,
    done: str,
    url: Any,
    title: str,
    within: Organisation | None = None,
) -> HttpResponse:
    """A page with one form whose valid post runs one service (a new case, denunciation,
    complaint, notice or programme); `within`: the object is picked in that organisation."""
    response = submit(request, form, act, done, url)
    return response or render(
        request,
        "inspection/form.html",
        {
            "org": org,
            "form": form,
            "title": title,
            "within": within,
            "pick_object": within is not None,
        },
    )


def org_page(request: HttpRequest, code: str) -> HttpResponse:
    org = _inspected_org(request, code)
    day = today()
    year = _year_asked(request, day)
    on = day_asked(request)  # the inspection committee as it stood on a day (?ngay=dd/mm/yyyy)
    seats = committee_on(org, on)
    inspection_committee, seen = [], set()
    for seat in seats.get(congress_rules.INSPECTION_CHAIR, []) + seats.get(
        congress_rules.INSPECTION, []
    ):  # the chair sits in the committee too: listed once, as the chair
        if seat.member_id not in seen:
            seen.add(seat.member_id)
            inspection_committee.append(seat)
    cases = list(
        access.cases_for(request.user)
        .filter(org=org, opened_on__year=year)
        .select_related("object_org", "object_member__person")
        .order_by("-opened_on")
    )
    denunciations = list(
        access.denunciations_for(request.user).filter(org=org).order_by("-received_on")[:50]
    )
    complaints = list(
        access.complaints_for(request.user).filter(org=org).order_by("-filed_on")[:50]
    )
    programmes = list(Programme.objects.filter(org=org, year=year))
    notices = list(
        StateNotice.objects.filter(org=org, received_on__year=year)
        .select_related("member__person")
        .order_by("-received_on")
    )
    late = worklists.late_items(org, day)
    _log(request, "inspection.case", [c.pk for c in cases], org.path or "", org.name)
    _log(
        request, "inspection.denunciation", [d.pk for d in denunciations], org.path or "", org.name
    )
    _log(request, "inspection.complaint", [c.pk for c in complaints], org.path or "", org.name)
    return render(
        request,
        "inspection/org.html",
        {
            "org": org,
            "year": year,
            "inspection_committee": inspection_committee,
            "on": on,
            "has_committee": org.kind in rules.WITH_INSPECTION_COMMITTEE,
            "cases": cases,
            "denunciations": denunciations,
            "complaints": complaints,
            "programmes": programmes,
            "notices": notices,
            "bodies": [b for b, _l in rules.SUBJECTS if rules.subject_problem(b, org.kind) is None],
            "late": late,
            "regulation": rules.regulation_on(day),
        },
    )


def programme_new(request: HttpRequest, code: str, year: int) -> HttpResponse:
    org = _inspected_org(request, code)
    if not 1930 <= year <= today().year + 1:
        raise Http404
    form = forms.ProgrammeForm(request.POST or None, initial={"adopted_on": today()})
    form.fields["body"].choices = [  # type: ignore[attr-defined]
        (b, label) for b, label in rules.SUBJECTS if rules.subject_problem(b, org.kind) is None
    ]

    def act(d: dict[str, Any]) -> Any:
        programme = services.programme_record(
            org=org,
            body=d["body"],
            year=year,
            number=d["number"],
            adopted_on=d["adopted_on"],
            actor=request.user,
        )
        if d["from_template"]:
            members = list(
                PartyMember.objects.filter(
                    org=org, status__in=("official", "probationary")
                ).select_related("person")
            )
            committee = {
                s.member_id
                for body, seats in committee_on(org, d["adopted_on"]).items()
                for s in seats
            }
            services.programme_from_template(
                programme=programme, members=members, committee_ids=committee, actor=request.user
            )
        return programme

    return _form_page(
        request,
        org,
        form,
        act,
        _("The programme was recorded."),
        lambda p: reverse("inspection:programme", args=[p.pk]),
        _("Inspection and supervision programme %(year)s") % {"year": year},
    )


def programme_page(request: HttpRequest, pk: int) -> HttpResponse:
    programme = Programme.objects.filter(pk=pk).select_related("org").first()
    if programme is None or not access.may_inspect(request.user, programme.org.path):
        raise Http404
    org = programme.org
    within = _object_org(request, org)
    form = forms.ItemForm(
        request.POST or None,
        people=_people(within),
        org_label=within.name,
        initial={"planned": not programme.items.exists(), "month": today().month},
    )

    def act(d: dict[str, Any]) -> Any:
        object_org, object_member = _object(d["object"], within)
        return services.item_record(
            programme=programme,
            kind=d["kind"],
            content=d["content"],
            month=d["month"],
            object_org=object_org,
            object_member=object_member,
            committee_member=d["committee_member"],
            higher_managed=d["higher_managed"],
            planned=d["planned"],
            actor=request.user,
        )

    done = submit(
        request,
        form,
        act,
        _("The item was added."),
        lambda i: reverse("inspection:programme", args=[pk]),
    )
    if done:
        return done
    items = list(
        programme.items.select_related("object_org", "object_member__person")
        .prefetch_related("cases")
        .order_by("month", "pk")
    )
    rows: list[dict[str, Any]] = [{"item": i, "cases": list(i.cases.all())} for i in items]
    planned = [r for r in rows if r["item"].planned]
    _log(request, "inspection.programme", [programme.pk], org.path or "", str(programme))
    return render(
        request,
        "inspection/programme.html",
        {
            "org": org,
            "programme": programme,
            "rows": rows,
            "planned_total": len(planned),
            "planned_done": sum(1 for r in planned if r["cases"]),
            "added_total": len(rows) - len(planned),
            "form": form,
            "within": within,
            "month": today().month if today().year == programme.year else 12,
        },
    )


def case_new(request: HttpRequest, code: str) -> HttpResponse:
    org = _inspected_org(request, code)
    within = _object_org(request, org)
    item = None
    item_key, source_key = _key(request.GET.get("muc")), _key(request.GET.get("tu-giam-sat"))
    if item_key is not None:
        item = (
            Item.objects.filter(pk=item_key, programme__org=org).select_related("programme").first()
        )
    source = None
    if source_key is not None:
        source = access.cases_for(request.user).filter(pk=source_key, org=org).first()
    initial: dict[str, Any] = {
        "opened_on": today(),
        "decision_date": today(),
        "body": rules.INSPECTION,
    }
    if item is not None:
        initial.update(kind=item.kind, summary=item.content, body=item.programme.body)
    if source is not None:
        initial.update(kind=rules.SIGNS, content=source.content, summary=source.summary)
        if source.object_member_id:
            initial["object"] = str(source.object_member_id)
    form = forms.CaseForm(
        request.POST or None, people=_people(within), org_label=within.name, initial=initial
    )
    form.fields["body"].choices = [  # type: ignore[attr-defined]
        (b, label) for b, label in rules.SUBJECTS if rules.subject_problem(b, org.kind) is None
    ]

    def act(d: dict[str, Any]) -> Any:
        object_org, object_member = _object(d["object"], within)
        decision = get_or_create_decision(
            number=d["decision_number"], date=d["decision_date"], issuer=d["decision_issuer"]
        )
        return services.case_open(
            org=org,
            body=d["body"],
            kind=d["kind"],
            content=d["content"],
            summary=d["summary"],
            plan=d["plan"],
            decision=decision,
            opened_on=d["decision_date"],  # a case opens with its decision
            object_org=object_org,
            object_member=object_member,
            committee_member=d["committee_member"],
            higher_managed=d["higher_managed"],
            finance_office=d["finance_office"],
            item=item,
            from_supervision=source,
            actor=request.user,
        )

    return _form_page(
        request,
        org,
        form,
        act,
        _("The case was opened."),
        lambda c: reverse("inspection:case", args=[c.pk]),
        _("Open an inspection or supervision case"),
        within,
    )


def _users_to_name(case: Case) -> list[tuple[int, str]]:
    """Accounts that may be named on the case: those with a role in force today on the subject's
    organisation or above it (a team is drawn from the inspecting body's people)."""
    path = case.org.path or ""
    ancestors = [path[:n] for n in range(len(path), 0, -1)]
    User = get_user_model()
    current = RoleGrant.objects.filter(valid_on(today()), org__path__in=[p for p in ancestors if p])
    users = (
        User.objects.filter(is_active=True, pk__in=current.values("user_id"))
        .distinct()
        .order_by("last_name", "first_name")
    )
    return [(u.pk, u.get_full_name() or u.get_username()) for u in users]


def case_page(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.case_for(request.user, pk)
    may_write = access.may_inspect(request.user, case.org.path)
    done_steps = list(case.steps.values_list("step", flat=True))
    step_form = forms.StepForm(
        request.POST if request.POST.get("do") == "step" else None,
        initial={"on": today()},
        prefix="step",
    )
    conclusion_form = forms.ConclusionForm(
        request.POST if request.POST.get("do") == "conclude" else None,
        initial={"on": today()},
        prefix="conclude",
    )
    discipline_form = forms.DisciplineForm(
        request.POST if request.POST.get("do") == "discipline" else None,
        initial={"announced_on": today(), "form": case.discipline_form, "decision_date": today()},
        prefix="discipline",
    )
    name_form = forms.NameForm(
        request.POST if request.POST.get("do") == "name" else None,
        users=_users_to_name(case) if may_write else [],
        initial={"since": today()},
        prefix="name",
    )
    here = reverse("inspection:case", args=[pk])
    if may_write and request.method == "POST":
        action = request.POST.get("do")
        if action == "step":
            response = submit(
                request,
                step_form,
                lambda d: services.step_record(
                    case=case, step=d["step"], on=d["on"], note=d["note"], actor=request.user
                ),
                _("The step was recorded."),
                lambda r: here,
            )
        elif action == "conclude":
            response = submit(
                request,
                conclusion_form,
                lambda d: services.case_conclude(
                    case=case,
                    on=d["on"],
                    degree=d["degree"],
                    conclusion=d["conclusion"],
                    discipline_form=d["discipline_form"],
                    actor=request.user,
                ),
                _("The case was concluded."),
                lambda r: here,
            )
        elif action == "discipline":
            response = submit(
                request,
                discipline_form,
                lambda d: services.case_discipline(
                    case=case,
                    form=d["form"],
                    decision=get_or_create_decision(
                        number=d["decision_number"],
                        date=d["decision_date"],
                        issuer=d["decision_issuer"],
                    ),
                    announced_on=d["announced_on"],
                    deciding_body=d["deciding_body"],
                    actor=request.user,
                ),
                _("The discipline decision was recorded."),
                lambda r: here,
            )
        elif action == "unname" and _key(request.POST.get("named")) is not None:
            named = case.named.filter(
                pk=_key(request.POST.get("named")) or 0, until__isnull=True
            ).first()
            if named is None:
                raise Http404
            end_form = forms.DayForm(request.POST, prefix="unname")
            response = submit(
                request,
                end_form,
                lambda d: services.name_end(named=named, until=d["on"], actor=request.user),
                _("The person no longer sees the case."),
                lambda r: here,
            )
            if response is None:
                for error in end_form.errors.values():
                    messages.error(request, str(error[0]))
                return redirect(here)
        elif action == "name":
            User = get_user_model()
            response = submit(
                request,
                name_form,
                lambda d: services.name_on_case(
                    case=case,
                    user=User.objects.get(pk=int(d["user"])),
                    role=d["role"],
                    since=d["since"],
                    actor=request.user,
                ),
                _("The person was named on the case."),
                lambda r: here,
            )
        else:
            response = None
        if response:
            return response
    _log(request, "inspection.case", [case.pk], case.org.path or "", str(case))
    steps = list(case.steps.all())
    concluded = rules.CONCLUSION in done_steps
    # Only the steps that may come next (after the conclusion, the remedies).
    step_form.fields["step"].choices = [  # type: ignore[attr-defined]
        (key, label)
        for key, label in rules.STEPS
        if key not in (rules.DECISION, rules.CONCLUSION)
        and rules.step_problem(case.kind, done_steps, key) is None
    ]
    subject = "official" if case.is_member else "organisation"
    allowed: list[tuple[str, Any]] = [("", "—")] + [
        (k, v) for k, v in Penalty.choices if k in penalties.FORMS_BY_SUBJECT[subject]
    ]
    conclusion_form.fields["discipline_form"].choices = allowed  # type: ignore[attr-defined]
    discipline_form.fields["form"].choices = allowed[1:]  # type: ignore[attr-defined]
    return render(
        request,
        "inspection/case.html",
        {
            "case": case,
            "org": case.org,
            "steps": steps,
            "may_write": may_write,
            "concluded": concluded,
            "step_form": step_form if may_write else None,
            "conclusion_form": conclusion_form if may_write and not concluded else None,
            "discipline_form": discipline_form
            if may_write and case.degree in rules.DISCIPLINE_REQUIRED and case.discipline_id is None
            else None,
            "name_form": name_form if may_write else None,
            "named": list(case.named.select_related("user")),
            "today": today(),
            "may_pass_to_signs": may_write
            and case.kind in rules.SUPERVISIONS
            and case.degree in (rules.VIOLATING | {rules.SHORTCOMING})
            and not case.became.exists(),
            "became": list(case.became.all()),
            "denunciations": list(Denunciation.objects.filter(case=case)),
            "is_member": case.is_member,
        },
    )


def denunciation_new(request: HttpRequest, code: str) -> HttpResponse:
    org = _inspected_org(request, code)
    within = _object_org(request, org)
    form = forms.DenunciationForm(
        request.POST or None,
        people=_people(within),
        org_label=within.name,
        initial={"received_on": today(), "named": True, "concrete": True},
    )
    form.fields["body"].choices = forms.blank(  # type: ignore[attr-defined]
        (b, label)
        for b, label in rules.SUBJECTS
        if b in rules.RESOLVING and rules.subject_problem(b, org.kind) is None
    )

    def act(d: dict[str, Any]) -> Any:
        against_org, against_member = _object(d["against"], within)
        return services.denunciation_receive(
            org=org,
            body=d["body"],
            received_on=d["received_on"],
            content=d["content"],
            category=d["category"],
            petition=rules.Petition(
                named=d["named"],
                concrete=d["concrete"],
                concluded_before=d["concluded_before"],
                new_facts=d["new_facts"],
                withdrawn=d["withdrawn"],
                coerced=d["coerced"],
            ),
            denouncer=d["denouncer"],
            denouncer_address=d["denouncer_address"],
            against_org=against_org,
            against_member=against_member,
            central_cadre=d["central_cadre"],
            actor=request.user,
        )

    return _form_page(
        request,
        org,
        form,
        act,
        _("The denunciation was recorded."),
        lambda r: reverse("inspection:denunciation", args=[r.pk]),
        _("Receive a denunciation"),
        within,
    )


def denunciation_page(request: HttpRequest, pk: int) -> HttpResponse:
    found = (
        access.denunciations_for(request.user)
        .filter(pk=pk)
        .select_related("org", "against_org", "against_member__person", "case")
        .first()
    )
    if found is None:
        raise Http404
    here = reverse("inspection:denunciation", args=[pk])
    waiting = found.congress_period and found.handed_over_on is None
    open_ = found.admissibility == rules.ADMISSIBLE and not waiting and found.resolved_on is None
    action = request.POST.get("do") if request.method == "POST" else None
    actions: dict[str, tuple[Any, Any, str]] = {}
    if open_:
        actions["resolve"] = (
            forms.ResolveForm(
                request.POST if action == "resolve" else None, initial={"resolved_on": today()}
            ),
            lambda d: services.denunciation_resolve(
                denunciation=found,
                founded=d["founded"],
                resolved_on=d["resolved_on"],
                notified_on=d["notified_on"],
                actor=request.user,
            ),
            _("The outcome was recorded."),
        )
        actions["extend"] = (
            forms.ExtendForm(request.POST if action == "extend" else None),
            lambda d: services.denunciation_extend(
                denunciation=found, days=d["days"], actor=request.user
            ),
            _("The deadline was extended."),
        )
    if waiting:
        actions["hand_over"] = (
            forms.DayForm(request.POST if action == "hand_over" else None, initial={"on": today()}),
            lambda d: services.denunciation_hand_over(
                denunciation=found, on=d["on"], actor=request.user
            ),
            _("The new committee took the denunciation."),
        )
    if found.resolved_on is not None and found.notified_on is None:
        actions["notify"] = (
            forms.DayForm(request.POST if action == "notify" else None, initial={"on": today()}),
            lambda d: services.denunciation_notify(
                denunciation=found, on=d["on"], actor=request.user
            ),
            _("The notice to the denouncer was recorded."),
        )
    if action in actions:
        form, act, done = actions[action]
        response = submit(request, form, act, done, lambda r: here)
        if response:
            return response
    elif action is not None:  # a form of a page opened before the denunciation moved on
        messages.error(
            request, _("This can no longer be done on the denunciation: see its state below.")
        )
        return redirect(here)
    reveal = access.may_see_denouncer(request.user, found)
    _log(request, "inspection.denunciation", [found.pk], found.org.path or "", str(found))
    if reveal and found.named:
        record_access(
            request,
            request.user,
            action=AccessRecord.Action.VIEW_SENSITIVE,
            purpose=AccessRecord.Purpose.INSPECTION,
            object_type="inspection.denunciation",
            ids=[found.pk],
            org_path=found.org.path or "",
            fields=["denouncer", "denouncer_address"],
            summary=str(found),
        )
    place = placement_of(found.org, found.received_on)
    limit = rules.limit_on(
        rules.DENUNCIATION_LIMITS[
            rules.denunciation_level(place.kind if place else found.org.kind, found.central_cadre)
        ],
        found.handed_over_on or found.received_on,
    )
    extend = actions.get("extend")
    return render(
        request,
        "inspection/denunciation.html",
        {
            "d": found,
            "org": found.org,
            "reveal": reveal,
            "limit": limit,
            "late": open_ and found.due_on is not None and found.due_on < today(),
            "resolve": actions["resolve"][0] if "resolve" in actions else None,
            "extend": extend[0] if extend and found.extended_by < limit.extension else None,
            "hand_over": actions["hand_over"][0] if "hand_over" in actions else None,
            "notify": actions["notify"][0] if "notify" in actions else None,
            "founded_label": services.FOUNDED_LABELS.get(found.founded, ""),
            "grounds_case": rules.may_ground_signs_case(
                rules.Petition(named=found.named, concrete=found.concrete)
            ),
        },
    )


def _discipline_choices(user: Any, org: Organisation) -> list[tuple[int, str]]:
    scope = scope_for(user, Ability.INSPECT)
    # In force today and not already changed on a complaint (a further complaint concerns the
    # decision that replaced it, which is listed itself).
    changed = Complaint.objects.exclude(outcome__in=("", rules.UPHELD)).values("discipline_id")
    records = (
        DisciplineDecision.objects.filter(
            scope.q("member__org__path") | scope.q("org__path"),
            announced_on__gte=today() - dt.timedelta(days=400),
        )
        .filter(Q(effect_until__isnull=True) | Q(effect_until__gt=today()))
        .exclude(pk__in=changed)
        .filter(_within(org))
        .select_related("member__person", "org")
        .order_by("-announced_on")[:300]
    )
    out = []
    for r in records:
        who = r.member.person.full_name if r.member else r.org.name  # type: ignore[union-attr]
        out.append((r.pk, f"{who} — {r.get_form_display()}, {format_date(r.announced_on)}"))
    return out


def _within(org: Organisation) -> Q:
    """Discipline records of the organisation's subtree: of its members or its organisations."""
    path = org.path or "-"
    return Q(member__org__path__startswith=path) | Q(org__path__startswith=path)


def complaint_new(request: HttpRequest, code: str) -> HttpResponse:
    org = _inspected_org(request, code)
    form = forms.ComplaintForm(
        request.POST or None,
        decisions=_discipline_choices(request.user, org),
        initial={"filed_on": today(), "level": rules.complaint_level_of(org.kind)},
    )

    def act(d: dict[str, Any]) -> Any:
        record = (
            DisciplineDecision.objects.filter(pk=int(d["discipline"])).filter(_within(org)).first()
        )
        if record is None:
            raise Http404
        return services.complaint_file(
            discipline=record,
            org=org,
            level=d["level"],
            own_inspection=d["own_inspection"],
            deciding_level=d["deciding_level"],
            received_decision_on=d["received_decision_on"],
            filed_on=d["filed_on"],
            content=d["content"],
            actor=request.user,
        )

    return _form_page(
        request,
        org,
        form,
        act,
        _("The complaint was recorded."),
        lambda r: reverse("inspection:complaint", args=[r.pk]),
        _("Receive a complaint against discipline"),
    )


def complaint_page(request: HttpRequest, pk: int) -> HttpResponse:
    found = (
        access.complaints_for(request.user)
        .filter(pk=pk)
        .select_related(
            "org", "discipline__member__person", "discipline__org", "result", "decision"
        )
        .first()
    )
    if found is None:
        raise Http404
    here = reverse("inspection:complaint", args=[pk])
    form = forms.ComplaintOutcomeForm(
        request.POST or None, initial={"resolved_on": today(), "decision_date": today()}
    )
    if not found.outcome:
        response = submit(
            request,
            form,
            lambda d: services.complaint_resolve(
                complaint=found,
                outcome=d["outcome"],
                new_form=d["new_form"],
                resolved_on=d["resolved_on"],
                decision=get_or_create_decision(
                    number=d["decision_number"],
                    date=d["decision_date"],
                    issuer=d["decision_issuer"],
                ),
                deciding_body=d["deciding_body"],
                actor=request.user,
            ),
            _("The outcome was recorded."),
            lambda r: here,
        )
        if response:
            return response
    _log(request, "inspection.complaint", [found.pk], found.org.path or "", str(found))
    d = found.discipline
    return render(
        request,
        "inspection/complaint.html",
        {
            "c": found,
            "org": found.org,
            "subject": d.member.person.full_name if d.member else d.org.name,  # type: ignore[union-attr]
            "final": rules.is_final(d.form, found.level),
            "final_level": rules.COMPLAINT_LEVEL_LABELS[rules.final_level(d.form)],
            "form": None if found.outcome else form,
        },
    )


def stats_page(request: HttpRequest, code: str) -> HttpResponse:
    org = _inspected_org(request, code)
    text = request.GET.get("ky") or str(today().year)
    try:
        kind, first, last = selectors.parse_period(text)
    except ValueError:
        kind, first, last = selectors.parse_period(str(today().year))
        text = str(today().year)
        messages.error(
            request,
            _(
                "The period was not understood: write 2025, 03/2025, q1/2025, 6m/2025, 9m/2025 or 2020-2025."
            ),
        )
    tables = selectors.form_tables(org, first, last)
    _log(request, "inspection.statistics", [], org.path or "", f"{org.name} {text}")
    return render(
        request,
        "inspection/stats.html",
        {
            "org": org,
            "period": text,
            "kind": rules.PERIOD_LABELS[kind],
            "first": first,
            "last": last,
            "tables": tables,
            "note": statforms.NOTE,
        },
    )


def stats_records(request: HttpRequest, code: str) -> HttpResponse:
    org = _inspected_org(request, code)
    try:
        _kind, first, last = selectors.parse_period(request.GET.get("ky") or "")
    except ValueError as exc:
        raise Http404 from exc
    key = request.GET.get("chi-tieu", "")
    if selectors.label_of(key) == _("Records behind the figure"):
        raise Http404  # not a figure of the forms
    rows = selectors.records_of(org, first, last, key)
    if rows is None:
        raise Http404
    label = selectors.label_of(key)
    if key.endswith(";last_year=yes"):
        # The column "same period last year": its records, and the dates they were counted in.
        first, last = rules.same_period_last_year(first, last)
        label = f"{label} — {_('Same period last year')}"
    _log(request, "inspection.statistics", [r["pk"] for r in rows], org.path or "", label)
    return render(
        request,
        "inspection/records.html",
        {
            "org": org,
            "rows": rows,
            "label": label,
            "first": first,
            "last": last,
            "period": request.GET.get("ky"),
        },
    )


def notice_new(request: HttpRequest, code: str) -> HttpResponse:
    """A state body's notice of a member's suspension or discipline (QĐ 296 Điều 8 mục 5)."""
    org = _inspected_org(request, code)
    within = _object_org(request, org)
    form = forms.NoticeForm(
        request.POST or None,
        people=_people(within),
        initial={"received_on": today()},
    )

    def act(d: dict[str, Any]) -> Any:
        _none, member = _object(d["member"], within)
        assert member is not None
        return services.state_notice_record(
            org=org,
            member=member,
            sender=d["sender"],
            measure=d["measure"],
            decided_on=d["decided_on"],
            received_on=d["received_on"],
            actor=request.user,
        )

    return _form_page(
        request,
        org,
        form,
        act,
        _("The notice was recorded."),
        lambda n: reverse("inspection:org", args=[org.code]),
        _("Record a state body's notice"),
        within,
    )
