"""The congress pages: an organisation's terms and committee, a term with its congress, elections
and composition, an election's count and approval, and the forms that record them."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from dangvu.accounts.models import Ability
from dangvu.accounts.scope import can, require
from dangvu.congress import forms, selectors, services
from dangvu.congress.models import CongressDocument, Election, Seat, Term
from dangvu.core.changes import get_or_create_decision
from dangvu.core.dates import today
from dangvu.core.forms import day_asked, submit
from dangvu.members.selectors import members_on
from dangvu.rules import congress as rules
from dangvu.rules import organisation as org_rules
from dangvu.tree.selectors import get_org, placement_of

BODY_LABELS = dict(rules.BODIES)


def _may_write(request: HttpRequest, path: str) -> bool:
    return can(request.user, Ability.MANAGE_ORGS, path)


def _may_appoint(request: HttpRequest, org: Any) -> bool:
    """The superior appoints (CT 45): its officers, on the organisation's page."""
    place = placement_of(org, today())
    return bool(place and place.parent and _may_write(request, place.parent.path))


def org_page(request: HttpRequest, code: str) -> HttpResponse:
    """The organisation's committee on a day (today by default), its terms and congresses, and
    the members who left the organisation while still holding a post."""
    org = get_org(request.user, code)
    day = day_asked(request)
    committee = selectors.committee_on(org, day)
    posts = [(BODY_LABELS[b], seats) for b, seats in committee.items() if seats]
    terms = selectors.terms_of(org)
    return render(
        request,
        "congress/org.html",
        {
            "org": org,
            "day": day,
            "posts": posts,
            "terms": terms,
            "left_behind": selectors.seats_to_close(org, today()),
            "may_write": _may_write(request, org.path),
            "may_appoint": _may_appoint(request, org),
            "leave_form": forms.LeaveForm(initial={"on": today()}),
        },
    )


def _term(org: Any, first: int, last: int) -> Term:
    term = Term.objects.filter(org=org, first_year=first, last_year=last).first()
    if term is None:
        raise Http404
    return term


def term_page(request: HttpRequest, code: str, first: int, last: int) -> HttpResponse:
    org = get_org(request.user, code)
    term = _term(org, first, last)
    congress = term.congress if selectors._has_congress(term) else None
    composition = selectors.composition_of(org, term)
    elections = list(
        term.elections.prefetch_related("nominees__member__person").order_by(
            "held_on", "body", "round"
        )
    )
    people = composition.people if composition else {}
    deadline = composition.directive.deadline(composition.level) if composition else None
    figures = [
        {"figure": f, "names": [people[k].name for k in f.people if k in people]}
        for f in (composition.figures if composition else [])
    ]
    return render(
        request,
        "congress/term.html",
        {
            "org": org,
            "term": term,
            "congress": congress,
            "contents": dict(rules.CONTENTS),
            "documents": list(congress.documents.all()) if congress else [],
            "elections": elections,
            "composition": composition,
            "figures": figures,
            "seats": list(
                Seat.objects.filter(term=term)
                .select_related("member__person", "decision")
                .order_by("body", "since", "member__person__sort_key")
            ),
            "may_write": _may_write(request, org.path),
            "deadline": deadline,
            "on_time": congress is not None
            and rules.deadline_status(congress.closes_on, deadline, today()) == "held",
            "delegates": Seat.objects.filter(term=term, body=rules.DELEGATE).exists(),
        },
    )


def congress_new(request: HttpRequest, code: str) -> HttpResponse:
    org = get_org(request.user, code, Ability.MANAGE_ORGS)
    form = forms.CongressForm(request.POST or None)

    def act(d: dict[str, Any]) -> Any:
        return services.congress_record(
            org=org,
            data=services.CongressInput(
                first_year=d["first_year"],
                last_year=d["last_year"],
                kind=d["kind"],
                opens_on=d["opens_on"],
                closes_on=d["closes_on"],
                convened=d["convened"],
                present=d["present"],
                preparatory_on=d["preparatory_on"],
                number=d["number"],
                appointed=d["appointed"],
            ),
            actor=request.user,
        )

    done = submit(
        request,
        form,
        act,
        _("The congress is recorded."),
        lambda c: reverse("congress:term", args=[org.code, c.term.first_year, c.term.last_year]),
    )
    if done:
        return done
    return render(
        request, "congress/form.html", {"org": org, "form": form, "title": _("Record a congress")}
    )


def election_new(request: HttpRequest, code: str, first: int, last: int) -> HttpResponse:
    org = get_org(request.user, code, Ability.MANAGE_ORGS)
    term = _term(org, first, last)
    congress = term.congress if selectors._has_congress(term) else None
    day = congress.opens_on if congress else today()
    members = selectors.members_for_pick(org, day).order_by("person__sort_key")
    official = members_on(org, day).filter(status="official").count()
    initial = {
        "held_on": day,
        "base_kind": congress.kind if congress else rules.MEMBER_CONGRESS,
        "convened": congress.convened if congress else official,
        "present": congress.present if congress else None,
        "how": rules.AT_CONGRESS if congress else rules.AT_PLENUM,
    }
    form = forms.ElectionForm(
        request.POST or None,
        members=members,
        initial=initial,
        cell=org.kind in org_rules.MEMBER_HOLDING_KINDS,
    )

    def act(d: dict[str, Any]) -> Any:
        science = {m.pk for m in d["science"]}
        nominees = [services.NomineeInput(member=m, science=m.pk in science) for m in d["nominees"]]
        for i in range(1, 4):
            m = d.get(f"floor_{i}")
            if m is not None:
                nominees.append(
                    services.NomineeInput(
                        member=m,
                        from_floor=True,
                        floor_support=d.get(f"floor_{i}_support") or 0,
                        science=m.pk in science,
                    )
                )
        keys = rules.deduction_keys(d["base_kind"])
        deductions = {k: d.get(f"deduct_{k}") or 0 for k in keys}
        others = [
            k
            for k, _l in rules.MEMBER_DEDUCTIONS + rules.DELEGATE_DEDUCTIONS
            if k not in keys and d.get(f"deduct_{k}")
        ]
        if others:
            raise ValidationError(
                {
                    f"deduct_{others[0]}": [
                        _("This deduction is not one of a %(kind)s.")
                        % {"kind": dict(rules.CONGRESS_KINDS)[d["base_kind"]].lower()}
                    ]
                }
            )
        return services.election_open(
            org=org,
            term=term,
            body=d["body"],
            held_on=d["held_on"],
            seats=d["seats"],
            base_kind=d["base_kind"],
            convened=d["convened"],
            present=d["present"],
            nominees=nominees,
            deductions=deductions,
            congress=congress if d["how"] == rules.AT_CONGRESS else None,
            how=d["how"],
            round=d["round"],
            tie_rule=d.get("tie_rule") or "",
            actor=request.user,
        )

    done = submit(
        request,
        form,
        act,
        _("The candidates are listed."),
        lambda e: reverse("congress:election", args=[e.pk]),
    )
    if done:
        return done
    return render(
        request,
        "congress/election_form.html",
        {"org": org, "term": term, "form": form, "title": _("List the candidates of an election")},
    )


def _election(request: HttpRequest, pk: int) -> Election:
    election = (
        Election.objects.select_related("org", "term", "congress", "approval").filter(pk=pk).first()
    )
    if election is None:
        raise Http404
    require(request.user, Ability.VIEW, election.org.path)
    return election


def election_page(request: HttpRequest, pk: int) -> HttpResponse:
    election = _election(request, pk)
    nominees = list(
        election.nominees.select_related("member__person").order_by(
            "rank", "member__person__sort_key"
        )
    )
    may = _may_write(request, election.org.path)
    count_form = approval_form = None
    if election.status == Election.Status.OPEN:
        count_form = forms.CountForm(
            request.POST if request.POST.get("step") == "count" else None,
            nominees=nominees,
            prefix="count",
        )
    elif election.status == Election.Status.COUNTED:
        approval_form = forms.ApprovalForm(
            request.POST if request.POST.get("step") == "approve" else None, prefix="approve"
        )
    void_form = (
        forms.VoidForm(request.POST if request.POST.get("step") == "void" else None, prefix="void")
        if election.status in (Election.Status.OPEN, Election.Status.COUNTED)
        else None
    )
    if request.method == "POST":
        if not may:
            raise PermissionDenied
        if request.POST.get("step") == "void" and void_form is not None:
            done = submit(
                request,
                void_form,
                lambda d: services.election_void(
                    election=election, reason=d["reason"], actor=request.user
                ),
                _("The round is withdrawn."),
                lambda _r: reverse("congress:election", args=[election.pk]),
            )
            if done:
                return done
        elif count_form is not None:
            done = submit(
                request,
                count_form,
                lambda d: services.election_count(
                    election=election,
                    votes={n.member_id: d[f"votes_{n.pk}"] for n in nominees},
                    ballots_issued=d["ballots_issued"],
                    ballots_collected=d["ballots_collected"],
                    invalid=d["invalid"],
                    actor=request.user,
                ),
                _("The count is recorded; the result awaits its approval."),
                lambda _r: reverse("congress:election", args=[election.pk]),
            )
            if done:
                return done
        elif approval_form is not None:
            done = submit(
                request,
                approval_form,
                lambda d: services.election_approve(
                    election=election,
                    decision=get_or_create_decision(
                        number=d["decision_number"],
                        date=d["decision_date"],
                        issuer=d["decision_issuer"],
                        summary=_("Approval of the election result"),
                    ),
                    actor=request.user,
                ),
                _("The approval is recorded: the elected hold their posts."),
                lambda _r: reverse("congress:election", args=[election.pk]),
            )
            if done:
                return done
    base = rules.base_of(election.base_kind, election.convened, election.deductions)
    labels = dict(rules.MEMBER_DEDUCTIONS + rules.DELEGATE_DEDUCTIONS)
    listed = sum(1 for n in nominees if n.listed == "committee")
    for n in nominees:  # the share of the count base, as the minutes print it
        n.share = n.votes / base if n.votes is not None else None  # type: ignore[attr-defined]
    return render(
        request,
        "congress/election.html",
        {
            "election": election,
            "org": election.org,
            "nominees": nominees,
            "body": BODY_LABELS[election.body],
            "base": base,
            "needed": rules.votes_needed(base),
            "deductions": [(labels[k], v) for k, v in election.deductions.items()],
            "count_form": count_form if may else None,
            "void_form": void_form if may else None,
            "elected_count": sum(1 for n in nominees if n.outcome == "elected"),
            "approval_form": approval_form if may else None,
            "tied": [n for n in nominees if n.outcome == "tied"],
            "surplus_note": rules.surplus_note(election.seats, listed)
            if election.round == 1
            else "",
            "may_write": may,
        },
    )


def appoint(request: HttpRequest, code: str) -> HttpResponse:
    """A committee or post appointed by the superior (the merged organisations of 2025)."""
    org = get_org(request.user, code)
    if not _may_appoint(request, org):
        raise PermissionDenied
    members = selectors.members_for_pick(org, today()).order_by("person__sort_key")
    form = forms.AppointForm(request.POST or None, members=members)

    def act(d: dict[str, Any]) -> Any:
        decision = get_or_create_decision(
            number=d["decision_number"],
            date=d["decision_date"],
            issuer=d["decision_issuer"],
            summary=_("Appointment of the committee"),
        )
        return services.committee_appoint(
            org=org,
            term=(d["first_year"], d["last_year"]),
            body=d["body"],
            members=list(d["members"]),
            decision=decision,
            science=[m.pk for m in d["science"]],
            actor=request.user,
        )

    done = submit(
        request,
        form,
        act,
        _("The appointment is recorded."),
        lambda seats: reverse("congress:org", args=[org.code]),
    )
    if done:
        return done
    return render(
        request,
        "congress/form.html",
        {"org": org, "form": form, "title": _("Appoint the committee or a post")},
    )


def leave(request: HttpRequest, pk: int) -> HttpResponse:
    seat = Seat.objects.select_related("org", "member__person").filter(pk=pk).first()
    if seat is None:
        raise Http404
    require(request.user, Ability.MANAGE_ORGS, seat.org.path)
    form = forms.LeaveForm(request.POST or None, initial={"on": today()})
    done = submit(
        request,
        form,
        lambda d: services.seat_leave(
            seat=seat, on=d["on"], reason=d["reason"], actor=request.user
        ),
        _("The departure from the post is recorded."),
        lambda _s: reverse("congress:org", args=[seat.org.code]),
    )
    if done:
        return done
    return render(
        request,
        "congress/form.html",
        {
            "org": seat.org,
            "form": form,
            "title": _("%(name)s leaves the post: %(post)s")
            % {"name": seat.member.person.full_name, "post": BODY_LABELS[seat.body]},
        },
    )


def document_add(request: HttpRequest, code: str, first: int, last: int) -> HttpResponse:
    org = get_org(request.user, code, Ability.MANAGE_ORGS)
    term = _term(org, first, last)
    if not selectors._has_congress(term):
        raise Http404
    form = forms.DocumentForm(request.POST or None, request.FILES or None)

    def act(d: dict[str, Any]) -> Any:
        upload = d.get("file")
        return services.document_record(
            congress=term.congress,
            kind=d["kind"],
            number=d["number"],
            dated=d["dated"],
            title=d["title"],
            content=upload.read() if upload else None,
            filename=upload.name if upload else "",
            actor=request.user,
        )

    done = submit(
        request,
        form,
        act,
        _("The document is attached."),
        lambda _d: reverse("congress:term", args=[org.code, first, last]),
    )
    if done:
        return done
    return render(
        request,
        "congress/form.html",
        {"org": org, "form": form, "title": _("Attach a document"), "multipart": True},
    )


def document_get(request: HttpRequest, pk: int) -> HttpResponse:
    doc = CongressDocument.objects.select_related("congress__org").filter(pk=pk).first()
    if doc is None or doc.content is None:
        raise Http404
    require(request.user, Ability.VIEW, doc.congress.org.path)
    name = doc.filename or "tai-lieu"
    kind = (
        "application/pdf"
        if name.lower().endswith(".pdf")
        else "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response = HttpResponse(bytes(doc.content), content_type=kind)
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    return response
